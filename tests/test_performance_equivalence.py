"""Speed never changes a result: on a generated org with defects, `orglint check --format json`
prints the same bytes with and without the cache, cold and warm, parsed in one process or two,
and with cache entries corrupted in every way a crash or a race could leave them."""

from __future__ import annotations

import importlib.util
import json
import pickle
from collections import Counter
from pathlib import Path

import pytest

import orglint.load.cache
import orglint.load.parallel
import orglint.workers

ROOT = Path(__file__).resolve().parent.parent

_spec = importlib.util.spec_from_file_location("generate", ROOT / "benchmarks" / "generate.py")
assert _spec is not None and _spec.loader is not None
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)

PEOPLE = 750  # 150 teams, 151 files, about 6,000 lines


@pytest.fixture(scope="module")
def org_template(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("org") / "org"
    generate.write(out, PEOPLE, defects=0.08)
    (out / "orglint.yaml").write_text("include: ['**/*.yaml']\n", encoding="utf-8")
    return out


@pytest.fixture
def org(org_template, tmp_path, monkeypatch) -> Path:
    """A fresh copy of the generated org as the current folder, with no cache yet."""
    import shutil

    target = tmp_path / "org"
    shutil.copytree(org_template, target)
    monkeypatch.chdir(target)
    monkeypatch.delenv(orglint.load.cache.ENV_FOLDER, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))  # the signing key, not ~'s
    return target


@pytest.fixture
def spy(monkeypatch):
    """Counts how files were parsed: in this process, or shared with a worker process."""
    counts: Counter[str] = Counter()
    real_parse, real_shares = orglint.load.parallel.parse, orglint.load.parallel.parse_shares

    def parse(raw, shown, **options):
        counts["parsed here"] += 1
        return real_parse(raw, shown, **options)

    def shares(jobs, count, **options):
        counts["parallel runs"] += count > 1
        return real_shares(jobs, count, **options)

    monkeypatch.setattr(orglint.load.parallel, "parse", parse)
    monkeypatch.setattr(orglint.load.parallel, "parse_shares", shares)
    return counts


def check_json(cli, *extra: str) -> str:
    code, out, err = cli("check", "--format", "json", *extra)
    assert code == 1, err
    assert err == ""
    return out


@pytest.fixture
def reference(cli, org, monkeypatch) -> str:
    """One process, no cache: the plain path every other way must match byte for byte."""
    monkeypatch.setenv(orglint.workers.ENV_PROCESSES, "1")
    out = check_json(cli, "--no-cache")
    monkeypatch.delenv(orglint.workers.ENV_PROCESSES)
    assert not (org / ".orglint_cache").exists()
    return out


def pack(org: Path) -> Path:
    (found,) = (org / ".orglint_cache").rglob("*.pack")
    return found


FILES = PEOPLE // 5 + 1


def test_the_generated_org_has_defects_of_many_kinds(reference):
    found = json.loads(reference)
    codes = Counter(finding["code"] for finding in found["findings"])
    assert len(found["files"]) == FILES
    for code in ("ORG002", "ORG003", "BND001"):
        assert codes[code] > 0, codes
    assert found["summary"]["errors"] > 20


def test_cold_and_warm_cache_give_the_same_bytes(cli, org, reference, spy):
    cold = check_json(cli)
    assert spy["parsed here"] == FILES
    assert pack(org).stat().st_size > 100_000
    spy.clear()
    warm = check_json(cli)
    assert spy["parsed here"] == 0  # every file came from the cache
    assert cold == reference
    assert warm == reference


@pytest.mark.parametrize("processes", [2, 3])
def test_several_processes_give_the_same_bytes(cli, org, reference, spy, monkeypatch, processes):
    monkeypatch.setenv(orglint.workers.ENV_PROCESSES, str(processes))
    parallel = check_json(cli, "--no-cache")
    assert spy["parallel runs"] == 1
    # some of the files were parsed here, the rest by the workers: each process takes the
    # next piece until none is left, so how many depends on how fast each one is
    assert 0 < spy["parsed here"] < FILES
    assert parallel == reference
    spy.clear()
    cold = check_json(cli)  # parallel, filling the cache from both processes
    spy.clear()
    warm = check_json(cli)
    assert spy["parsed here"] == 0
    assert spy["parallel runs"] == 0  # the warm run had nothing left to parse
    assert cold == reference
    assert warm == reference


def damage(path: Path, how: str) -> None:
    blob = path.read_bytes()
    signature, body = blob[:32], blob[32:]
    entries = pickle.loads(body)
    if how == "truncated":
        path.write_bytes(blob[: len(blob) // 2])
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "flipped":
        path.write_bytes(blob[:-100] + bytes([blob[-100] ^ 0xFF]) + blob[-99:])
    elif how == "forged":  # entries swapped for "no problems", without the signing key
        for key, payload in entries.items():
            loaded = orglint.load.cache.undump(payload, b"")
            loaded.problems.clear()
            for doc in loaded.documents:
                doc.schema = []
            entries[key] = orglint.load.cache.dump(loaded)
        path.write_bytes(signature + pickle.dumps(entries))
    elif how == "code":  # a pickle that would run code if it were ever unpickled
        path.write_bytes(signature + pickle.dumps(print))
    elif how == "bad entry":  # correctly signed, one entry does not load: a miss for one file
        key = sorted(entries)[3]
        entries[key] = entries[key][:50]
        body = pickle.dumps(entries)
        path.write_bytes(orglint.load.cache.ParseCache(Path("."))._sign(body) + body)


@pytest.mark.parametrize(("how", "parsed"), [
    ("truncated", FILES), ("empty", FILES), ("flipped", FILES), ("forged", FILES),
    ("code", FILES), ("bad entry", 1),
])
def test_a_damaged_cache_is_a_miss_never_a_different_result(cli, org, reference, spy, how,
                                                             parsed):
    check_json(cli)
    results(org).unlink()  # the parse pack is read only when the result is not stored
    damage(pack(org), how)
    spy.clear()
    assert check_json(cli) == reference
    assert spy["parsed here"] == parsed
    results(org).unlink()
    spy.clear()
    assert check_json(cli) == reference  # the pack was written whole again
    assert spy["parsed here"] == 0


def results(org: Path) -> Path:
    (found,) = (org / ".orglint_cache").rglob("*.results")
    return found


@pytest.mark.parametrize("how", ["truncated", "empty", "flipped", "forged", "code",
                                 "bad entry"])
def test_a_damaged_results_file_is_a_miss_never_a_different_result(cli, org, reference, spy,
                                                                    how):
    check_json(cli)
    place = results(org)
    blob = place.read_bytes()
    signature, body = blob[:32], blob[32:]
    entries = pickle.loads(body)
    if how == "forged":  # "no findings", without the signing key
        for key, payload in entries.items():
            entry = pickle.loads(payload)
            entry["findings"] = []
            entries[key] = pickle.dumps(entry)
        place.write_bytes(signature + pickle.dumps(entries))
    elif how == "bad entry":  # correctly signed, the value does not load
        entries = {key: payload[:50] for key, payload in entries.items()}
        body = pickle.dumps(entries)
        place.write_bytes(orglint.load.cache.ParseCache(Path("."))._sign(body) + body)
    else:
        damage(place, how)
    spy.clear()
    assert check_json(cli) == reference
    assert spy["parsed here"] == 0  # computed again from the parse cache
    assert check_json(cli) == reference  # and stored whole again


def test_an_unwritable_cache_never_fails_the_run(cli, org, reference):
    (org / ".orglint_cache").write_text("a file where the cache folder would be\n")
    assert check_json(cli) == reference
    assert check_json(cli) == reference


def test_ordinary_files_never_take_the_pure_python_parser(org_template, monkeypatch):
    """libyaml reads the format as written, `kind:id` in flow lists included; the slow pure
    parser is only for files libyaml refuses."""
    import ruamel.yaml

    from orglint.load.documents import load_file, load_text

    def refuse(*args, **kwargs):
        raise AssertionError("the pure-Python parser ran on an ordinary file")

    monkeypatch.setattr(ruamel.yaml, "YAML", refuse)
    flow = load_text("metrics:\n  m: {downstream: [delivery, journey:onboarding]}\n"
                     "decisions: {d: {journey: {k: team:x}}}\n", "flow.yaml")
    assert flow.problems == []
    assert flow.documents[0].data["metrics"]["m"]["downstream"] == ["delivery",
                                                                    "journey:onboarding"]
    assert flow.documents[0].values[("metrics", "m", "downstream", 1)] == (2, 30)
    for path in sorted(org_template.rglob("*.yaml")):
        assert load_file(str(path)).problems == []


def test_runs_at_the_same_time_share_the_cache_safely(org, reference):
    """Two processes (an editor and a pre-commit hook) fill one cache at once."""
    import os
    import subprocess
    import sys

    env = dict(os.environ)
    command = [sys.executable, "-m", "orglint", "check", "--format", "json"]
    for _ in range(2):
        runs = [subprocess.Popen(command, cwd=org, env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE) for _ in range(3)]
        for run in runs:
            out, err = run.communicate(timeout=120)
            assert (run.returncode, err) == (1, b"")
            assert out.decode() == reference


WAIVERS = """\
include: ['**/*.yaml']
waivers:
  - rule: BND001
    target: handoff:t0000-to-t0001
    reason: the owner changes teams next month
    owner: p00000
    expires: 2099-12-31
  - {rule: ORG006, target: team:t0002, reason: hiring, owner: p00010, expires: 2099-01-01}
"""


def test_the_fast_config_check_accepts_waivers_only_where_cerberus_does():
    """Every combination of valid, null, empty and wrongly typed waiver fields: the fast check
    says valid only where cerberus does, and it is sure of the usual records."""
    import datetime
    import itertools

    from cerberus import Validator

    from orglint.schema.config import CONFIG_SCHEMA
    from orglint.schema.fast import compile_fields

    fast = compile_fields(CONFIG_SCHEMA)
    choices = {
        "rule": ["BND001", "", None, 1],
        "target": ["handoff:x", "", None],
        "reason": ["hiring", None, "", 3],
        "owner": ["maya", None, "Maya", ""],
        "expires": [datetime.date(2026, 9, 30), None, "2026-09-30",
                    datetime.datetime(2026, 1, 1), 5],
    }
    sure = set()
    for values in itertools.product(*choices.values()):
        record = dict(zip(choices, values, strict=True))
        for left_out in (None, "reason", "rule"):
            data = {"waivers": [{k: v for k, v in record.items() if k != left_out}]}
            if fast(data):
                sure.add(repr(data))
                assert Validator(CONFIG_SCHEMA).validate(data), data
    # rule and target written; reason valid, empty (no rule refuses it), null or left out;
    # owner an id, a display name (WVR003 names the id) or null; expires a date or null
    assert len(sure) == 4 * 3 * 2


@pytest.mark.parametrize("config", [None, WAIVERS], ids=["no-config", "waivers"])
def test_a_check_imports_only_what_it_uses(tmp_path, config):
    """No report template engine, no fallback parser, no evidence module (no event logs are
    read) and, on a valid org, no cerberus: a config with a ``waivers:`` block (dates, nulls,
    every field) is checked without it too."""
    import subprocess
    import sys

    generate.write(tmp_path / "org", 50, defects=0.0)
    if config is not None:
        (tmp_path / "org" / "orglint.yaml").write_text(config, encoding="utf-8")
    probe = ("import sys\nfrom orglint.commands import main\ncode = main(['check', '--no-cache'])\n"
             "print(code, sorted(name for name in ('jinja2', 'ruamel.yaml', 'cerberus',"
             " 'orglint.evidence') if name in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path / "org",
                          capture_output=True, text=True, timeout=60)
    assert done.stdout.splitlines()[-1] == "0 []", done.stdout + done.stderr


def test_one_big_file_gives_the_same_bytes_cold_warm_and_uncached(cli, tmp_path, monkeypatch):
    out = tmp_path / "big"
    generate.write(out, 300, layout="single", defects=0.08)
    monkeypatch.chdir(out)
    monkeypatch.delenv(orglint.load.cache.ENV_FOLDER, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    plain = check_json(cli, "--no-cache")
    assert json.loads(plain)["files"] == ["org.yaml"]
    assert check_json(cli) == plain
    assert check_json(cli) == plain
    assert len(list((out / ".orglint_cache").rglob("*.pack"))) == 1


# -- every YAML construct: the parse cache gives what parsing gives -----------------------------

BASE = ("people:\n  ana: {name: Ana}\n  leo: {name: Leo}\n"
        "teams:\n  sales: {name: Sales, lead: ana, members: [ana, leo]}\n")
CONSTRUCTS = {
    "alias": "people:\n  ana: &p {name: Ana}\n  leo: *p\n",
    "alias as a key": "x: &k lead\nteams:\n  sales: {name: Sales, *k : ana}\n",
    "unknown alias": "teams:\n  sales: {name: Sales, lead: *nobody}\n",
    "merge": "d: &d {name: Sales, lead: ana}\nteams:\n  sales:\n    <<: *d\n    members: [ana]\n",
    "merge of a list of aliases": ("a: &a {name: Sales}\nb: &b {lead: ana}\nteams:\n"
                                   "  sales:\n    <<: [*a, *b]\n"),
    "merge of one alias in a list": "a: &a {name: Sales}\nteams:\n  sales:\n    <<: [*a]\n",
    "merge of inline mappings": "teams:\n  sales:\n    <<: [{name: Sales}, {lead: ana}]\n",
    "nested merges": ("a: &a {name: Sales, governance: {protocol: p}}\nb: &b\n  <<: *a\n"
                      "  lead: ana\nteams:\n  sales: {<<: *b, members: [ana]}\n"),
    "merge of a scalar": "teams:\n  sales:\n    <<: 3\n    name: S\n",
    "merge tag": "teams:\n  sales:\n    !!merge <<: {name: Sales}\n",
    "anchored scalars": "people:\n  ana: {name: &n Ana, title: *n}\n",
    "anchor on a section": "teams: &t\n  sales: {name: Sales, lead: ana}\nx: *t\n",
    "collection keys": "teams:\n  ? [a, b]\n  : {name: AB}\n  ? {k: v}\n  : 1\n",
    "duplicate keys": "teams:\n  sales: {name: A}\n  sales: {name: B, name: C}\n",
    "documents": "teams: {a: {name: A}}\n---\nteams: {b: {name: B, lead: ana}}\n...\n---\n",
    "empty documents": "---\n---\n# nothing\n---\n",
    "tags": ("teams:\n  a: {name: !!str 12, lead: !!str ana}\n  b: {name: !!int 3}\n"
             "  c: !!map {name: C}\n  d: {name: !custom x}\n  e: {name: !!timestamp 2020-01-02}\n"),
    "directives": "%YAML 1.2\n%TAG !e! tag:example.com,2000:\n---\nteams: {a: {name: !e!x A}}\n",
    "comments and inline waivers": (
        "teams:  # the teams\n  a:\n    name: A  # orglint: disable=ORG006 reason=\"hiring\"\n"
        "  b: {name: B}  # orglint: disable=ORG999\n# orglint: disable\n"),
    "a string that looks like a waiver": "teams:\n  a:\n    name: |\n      # orglint: disable=ORG006\n",
    "syntax error": "teams:\n  a: {name: A\n  b: [\n",
    "flow with kind:id": "metrics:\n  m: {name: M, downstream: [journey:onb, sales], type: output}\n",
}


@pytest.mark.parametrize("construct", sorted(CONSTRUCTS))
def test_every_construct_reads_the_same_cached_and_uncached(cli, tmp_path, monkeypatch,
                                                             construct):
    """Cold, warm and --no-cache print the same bytes and exit the same way for every kind of
    YAML construct, in a file with the construct and beside a plain file."""
    (tmp_path / "base.yaml").write_text(BASE, encoding="utf-8")
    (tmp_path / "org.yaml").write_text(CONSTRUCTS[construct], encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(orglint.load.cache.ENV_FOLDER, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    runs = [cli("check", "--format", "json", *extra) for extra in (["--no-cache"], [], [], [])]
    assert runs[0][0] in (0, 1), runs[0]
    assert runs[1:] == [runs[0]] * 3
    assert runs[0][2] == ""
    assert (tmp_path / ".orglint_cache").is_dir()
