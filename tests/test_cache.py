"""The parse cache: where it lives, what a key depends on, and that no entry it cannot trust
(truncated, forged, planted in the repo, written by a racing process) is ever used."""

from __future__ import annotations

import json
import os
import pickle
import sys
import threading
from pathlib import Path

import pytest

from orglint import __version__
from orglint.load.cache import ParseCache, cache_folder, dump, parse, undump

TEXT = b"teams:\n  sales: {name: Sales, lead: nobody}\n  Bad: {}\n"


@pytest.fixture(autouse=True)
def own_home(tmp_path, monkeypatch):
    """The signing key lives in the user's cache folder: one per test."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("ORGLINT_CACHE_DIR", raising=False)


def same(a, b) -> bool:
    def norm(loaded):
        return (loaded.path, loaded.problems, loaded.directives,
                [(d.data, d.keys, d.values, d.index, d.schema) for d in loaded.documents])
    return norm(a) == norm(b)


def stored(folder: Path, scope: str = "repo") -> ParseCache:
    """A cache holding TEXT's entry, saved, and a key to it."""
    cache = ParseCache(folder, scope)
    cache.put(cache.key(TEXT, "org.yaml"), dump(parse(TEXT, "org.yaml")))
    cache.save()
    return cache


def the_pack(folder: Path) -> Path:
    (found,) = folder.rglob("*.pack")
    return found


def test_an_entry_reads_back_as_what_was_parsed_with_its_schema_problems(tmp_path):
    loaded = parse(TEXT, "org.yaml")
    assert [hit.message for hit in loaded.documents[0].schema or []] == [
        "'Bad' is not a valid id: use lower-case letters, digits, '.', '_' and '-', "
        "starting with a letter or digit",
    ]
    empty = ParseCache(tmp_path / "c", "repo")
    key = empty.key(TEXT, "org.yaml")
    assert empty.get(key, TEXT) is None
    stored(tmp_path / "c")
    again = ParseCache(tmp_path / "c", "repo")
    entry = again.get(key, TEXT)
    assert entry is not None and same(entry, loaded)
    assert (again.hits, again.misses) == (1, 0)


UNINDEXED = {
    "plain": TEXT,
    "scalars of every kind": (b"teams:\n  a:\n    name: 1984\n    since: 2026-07-31\n"
                              b"    tags: [x, 2, true, ~, .inf, 0x1f]\n  b: {name: 'no'}\n"),
    "anchors and merges": (b"defaults: &d {parent: a, tags: [x]}\nteams:\n"
                           b"  b: {<<: *d, name: B}\n  c:\n    <<: [*d]\n    tags: *d\n"),
    "two documents": b"teams:\n  a: {}\n---\npeople:\n  p: {name: P, team: a}\n",
    "a duplicate key": b"teams:\n  a: {name: A}\n  a: {name: B}\n",
    "a bad merge": b"teams:\n  a:\n    <<: 3\n",
    "a tag": b"teams:\n  a: {name: !!binary aGk=}\n",
    "broken": b"teams: [a, b\n",
    "a waiver comment": b"teams:\n  a: {}  # orglint: disable=TEAM001\n",
    "a lone surrogate": b'teams:\n  a: {name: "\\ud800"}\n',
    "a collection key": b"teams:\n  ? [a]\n  : 1\n",
}


@pytest.mark.parametrize("text", UNINDEXED.values(), ids=UNINDEXED.keys())
def test_a_file_parsed_without_its_position_index_finds_it_from_its_bytes(text):
    """What a parse worker sends is what the indexed parse gives, places found again."""
    bare = parse(text, "org.yaml", indexed=False)
    full = parse(text, "org.yaml")
    assert [d.written for d in bare.documents] == [d.written for d in full.documents]
    assert same(bare, full)


def test_only_a_file_without_problems_is_left_unindexed():
    from orglint.load.documents import load_bytes

    clean = load_bytes(UNINDEXED["scalars of every kind"], "org.yaml", indexed=False)
    assert not clean.indexed
    assert ("teams", "a", "name") not in clean.documents[0].values  # left out
    assert ("teams", "a", "name") in clean.documents[0].written  # what is data is kept
    for name in ("a duplicate key", "a bad merge", "a tag", "broken", "a lone surrogate",
                 "a collection key", "a waiver comment"):
        loaded = load_bytes(UNINDEXED[name], "org.yaml", indexed=False)
        assert loaded.indexed, name
        assert loaded.problems or loaded.directives, name
    lazy = parse(TEXT, "org.yaml", indexed=False).documents[0]
    assert "_positions" not in lazy.__dict__  # its schema problem asked for the places
    untouched = parse(b"teams:\n  a: {name: A}\n", "org.yaml", indexed=False).documents[0]
    assert "_positions" in untouched.__dict__ and "values" not in untouched.__dict__
    assert untouched.position(("teams", "a", "name")).column == 13


def test_the_key_covers_the_bytes_and_the_shown_path(tmp_path):
    cache = ParseCache(tmp_path / "c")
    key = cache.key(TEXT, "org.yaml")
    assert cache.key(TEXT + b"\n", "org.yaml") != key
    assert cache.key(TEXT, "other/org.yaml") != key  # positions name the file
    assert cache.key(TEXT, "org.yaml") == key


def test_packs_live_in_a_folder_per_format_orglint_and_python_version(tmp_path):
    stored(tmp_path / "c")
    version = the_pack(tmp_path / "c").parent.name
    python = f"py{sys.version_info[0]}{sys.version_info[1]}"
    assert version.startswith(f"v2-{__version__}-{python}-")
    # the cache keeps itself out of git and out of backups, as pytest's and ruff's do
    assert (tmp_path / "c" / ".gitignore").read_text() == "# created by orglint\n*\n"
    assert (tmp_path / "c" / "CACHEDIR.TAG").read_text().startswith(
        "Signature: 8a477f597d28d172789f06886806bc55")


def test_each_scope_keeps_its_own_pack(tmp_path):
    stored(tmp_path / "c", "repo-a")
    stored(tmp_path / "c", "repo-b")
    assert len(list((tmp_path / "c").rglob("*.pack"))) == 2
    key = ParseCache(tmp_path / "c").key(TEXT, "org.yaml")
    assert ParseCache(tmp_path / "c", "repo-a").get(key, TEXT) is not None


def test_a_run_that_parsed_nothing_writes_nothing(tmp_path):
    stored(tmp_path / "c")
    before = the_pack(tmp_path / "c").stat().st_mtime_ns
    cache = ParseCache(tmp_path / "c", "repo")
    assert cache.get(cache.key(TEXT, "org.yaml"), TEXT) is not None
    cache.save()
    assert the_pack(tmp_path / "c").stat().st_mtime_ns == before


@pytest.mark.parametrize("damage", ["truncate", "empty", "flip", "garbage"])
def test_a_damaged_pack_is_a_miss_and_is_rewritten(tmp_path, damage):
    stored(tmp_path / "c")
    pack = the_pack(tmp_path / "c")
    blob = pack.read_bytes()
    pack.write_bytes({
        "truncate": blob[: len(blob) - 7],
        "empty": b"",
        "flip": blob[:-1] + bytes([blob[-1] ^ 1]),
        "garbage": os.urandom(len(blob)),
    }[damage])
    cache = ParseCache(tmp_path / "c", "repo")
    key = cache.key(TEXT, "org.yaml")
    assert cache.get(key, TEXT) is None
    assert (cache.hits, cache.misses) == (0, 1)
    cache.put(key, dump(parse(TEXT, "org.yaml")))
    cache.save()
    assert ParseCache(tmp_path / "c", "repo").get(key, TEXT) is not None


def test_a_pack_signed_by_another_key_is_refused(tmp_path, monkeypatch):
    """Packs committed to the repo (or copied from another machine) are never trusted."""
    planted = ParseCache(tmp_path / "c", "repo")
    key = planted.key(TEXT, "org.yaml")
    forged = parse(TEXT, "org.yaml")
    forged.documents[0].schema = []  # "no problems here"
    planted.put(key, dump(forged))
    planted.save()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-home"))
    assert ParseCache(tmp_path / "c", "repo").get(key, TEXT) is None


def test_a_signed_entry_still_cannot_build_anything_but_orglint_values(tmp_path):
    cache = ParseCache(tmp_path / "c", "repo")
    key = cache.key(TEXT, "org.yaml")
    ran = tmp_path / "ran"

    class Exploit:
        def __reduce__(self):
            return (os.mkdir, (str(ran),))

    cache.put(key, pickle.dumps(Exploit()))
    cache.save()
    assert ParseCache(tmp_path / "c", "repo").get(key, TEXT) is None
    assert not ran.exists()
    with pytest.raises(pickle.UnpicklingError, match="mkdir is not allowed in a cache entry"):
        undump(pickle.dumps(Exploit()), TEXT)


def test_runs_racing_on_one_pack_leave_a_whole_one(tmp_path):
    key = ParseCache(tmp_path / "c").key(TEXT, "org.yaml")
    seen: list[object] = []

    def write() -> None:
        for _ in range(20):
            stored(tmp_path / "c")

    def read() -> None:
        for _ in range(40):
            seen.append(ParseCache(tmp_path / "c", "repo").get(key, TEXT))

    threads = [threading.Thread(target=f) for f in (write, write, write, read, read)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(entry is None or same(entry, parse(TEXT, "org.yaml")) for entry in seen)
    assert ParseCache(tmp_path / "c", "repo").get(key, TEXT) is not None
    assert [p.name for p in (tmp_path / "c").rglob(".tmp-*")] == []


def test_an_unwritable_folder_turns_writing_off_for_the_run(tmp_path):
    blocker = tmp_path / "c"
    blocker.write_text("not a folder\n")
    cache = stored(blocker)
    assert cache.writable is False
    assert cache.get(cache.key(TEXT, "org.yaml"), TEXT) is None


def test_where_the_cache_lives(tmp_path, monkeypatch):
    config_root = tmp_path / "repo"
    assert cache_folder(config_root, None, tmp_path) == config_root / ".orglint_cache"
    assert cache_folder(config_root, "build/lint", tmp_path) == config_root / "build/lint"
    assert cache_folder(None, None, tmp_path / "cwd") == tmp_path / "cwd" / ".orglint_cache"
    monkeypatch.setenv("ORGLINT_CACHE_DIR", str(tmp_path / "ci-cache"))
    assert cache_folder(config_root, "build/lint", tmp_path) == tmp_path / "ci-cache"


def test_cache_dir_in_the_config_and_no_cache_on_the_command_line(tmp_path, monkeypatch, cli):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "orglint.yaml").write_text("cache_dir: build/orglint\n")
    (tmp_path / "org.yaml").write_text(TEXT.decode())
    code, out, _ = cli("check", "--no-cache")
    assert code == 1
    assert not (tmp_path / "build").exists()
    assert cli("check") == (code, out, "")
    (version,) = [p.name for p in Path(tmp_path / "build" / "orglint").iterdir() if p.is_dir()]
    assert version.startswith("v2-")
    assert cli("check") == (code, out, "")


def test_without_a_home_for_the_signing_key_the_cache_stays_off(tmp_path, monkeypatch):
    """A pack no later run could trust is not worth writing."""
    (tmp_path / "not-a-folder").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "not-a-folder"))
    cache = stored(tmp_path / "c")
    assert (cache.enabled, cache.writable) == (False, False)
    assert not (tmp_path / "c").exists()


def test_a_damaged_signing_key_is_replaced(tmp_path):
    key_file = tmp_path / "xdg" / "orglint" / "cache-key"
    stored(tmp_path / "c")
    assert len(key_file.read_bytes()) == 32
    key_file.write_bytes(b"short")
    cache = stored(tmp_path / "c2")
    assert cache.enabled and len(key_file.read_bytes()) == 32
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"


def test_merge_sources_and_collection_keys_survive_the_cache(tmp_path, monkeypatch, capsys):
    """Values under a merge key or a collection key leave marked places in the position
    index; a cached entry must still load, warm, with the same findings."""
    from orglint.commands import main

    (tmp_path / "org.yaml").write_text(
        "teams:\n  a:\n    <<: {name: A, extra: {deep: 1}}\n  ? [x, y]\n  : {name: Y}\n",
        encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    outputs = []
    for _ in range(2):  # cold, then from the cache
        code = main(["check", "-q"])
        out, err = capsys.readouterr()
        assert (code, err) == (1, "")
        outputs.append(out)
    assert outputs[0] == outputs[1]
    assert "ORG001" in outputs[0]


# -- whatever stands where the pack goes: read only a bounded regular file ---------------------

PROBE = """
import resource, sys
from pathlib import Path
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))  # a runaway read fails, not the machine
from orglint.load.cache import ParseCache
cache = ParseCache(Path(sys.argv[1]), "repo")
entry = cache.get(cache.key(sys.argv[2].encode(), "org.yaml"), sys.argv[2].encode())
cache.put(cache.key(sys.argv[2].encode(), "org.yaml"), b"x")
cache.save()
print(entry is None, cache.hits, cache.misses, cache.writable)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)  # peak memory, MiB
"""


def probe(folder: Path) -> str:
    """A fresh process looks TEXT up in the cache under ``folder``, then saves: what it says."""
    import subprocess

    done = subprocess.run([sys.executable, "-c", PROBE, str(folder), TEXT.decode()],
                          capture_output=True, text=True, timeout=60, env=dict(os.environ))
    assert done.stderr == ""
    said, peak = done.stdout.splitlines()
    assert int(peak) < 300, f"{peak} MiB read"
    return said


def plant(folder: Path, what: str) -> Path:
    """Put ``what`` where the pack of scope "repo" goes; the place."""
    place = stored(folder)._pack
    assert place is not None
    place.unlink()
    if what == "fifo":
        os.mkfifo(place)
    elif what == "zero":
        place.symlink_to("/dev/zero")
    elif what == "folder":
        place.mkdir()
    elif what == "link to a good pack":
        good = stored(folder.parent / "elsewhere")._pack
        assert good is not None
        place.symlink_to(good)
    return place


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs and /dev/zero")
@pytest.mark.parametrize("what", ["fifo", "zero", "folder", "link to a good pack"])
def test_a_pack_that_is_not_a_regular_file_is_a_miss_never_a_hang(tmp_path, what):
    """A pull request can plant anything at the cache's predictable path."""
    place = plant(tmp_path / "c", what)
    if what == "folder":  # a folder is never removed: the run does not write the cache
        assert probe(tmp_path / "c") == "True 0 1 False"
        assert place.is_dir()
        return
    assert probe(tmp_path / "c") == "True 0 1 True"
    # the run wrote its own pack in the planted thing's place, a regular file
    assert place.is_file() and not place.is_symlink()
    assert ParseCache(tmp_path / "c", "repo").get(ParseCache(None).key(TEXT, "org.yaml"), TEXT) is None


def test_a_pack_over_the_size_cap_is_not_read(tmp_path, monkeypatch):
    import orglint.load.cache

    stored(tmp_path / "c")
    key = ParseCache(None).key(TEXT, "org.yaml")
    size = the_pack(tmp_path / "c").stat().st_size
    monkeypatch.setattr(orglint.load.cache, "MAX_PACK_BYTES", size - 1)
    assert ParseCache(tmp_path / "c", "repo").get(key, TEXT) is None
    monkeypatch.setattr(orglint.load.cache, "MAX_PACK_BYTES", size)
    assert ParseCache(tmp_path / "c", "repo").get(key, TEXT) is not None


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_planted_as_the_cache_tag_does_not_hang_the_first_write(tmp_path):
    (tmp_path / "c").mkdir()
    os.mkfifo(tmp_path / "c" / "CACHEDIR.TAG")
    assert probe(tmp_path / "c") == "True 0 1 True"
    assert (tmp_path / "c" / "CACHEDIR.TAG").is_file()


def test_a_planted_pickle_that_would_run_code_runs_nothing(tmp_path):
    """Signed with a key the attacker does not have, or not: the pack is never unpickled
    beyond orglint's own value types."""
    ran = tmp_path / "ran"

    class Exploit:
        def __reduce__(self):
            return (os.mkdir, (str(ran),))

    place = stored(tmp_path / "c")._pack
    assert place is not None
    place.write_bytes(os.urandom(32) + pickle.dumps({"k": Exploit()}))
    assert probe(tmp_path / "c") == "True 0 1 True"
    assert not ran.exists()


# -- the results cache: read back only when nothing the result depends on changed --------------

ORG_FILES = {
    "people.yaml": "people:\n  ana: {name: Ana}\n  leo: {name: Leo}\n",
    "teams.yaml": ("teams:\n  sales: {name: Sales, lead: ana, members: [ana, leo]}\n"
                   "  ops: {name: Ops, members: [leo]}\n"),
    "flow.yaml": ("handoffs:\n  s-to-o: {from: sales, to: ops, carries: [scope],"
                  " governance: {escalation: [ana, leo]}}\n"
                  "journeys:\n  onb: {name: Onboarding, owner: ana, path: [sales, ops],"
                  " context: [scope]}\n"),
}


@pytest.fixture
def judged(monkeypatch):
    """Counts the orgs built and judged (the other results were read back)."""
    import orglint.engine.check

    return counted(monkeypatch, orglint.engine.check, "prepare")


@pytest.fixture
def ops_repo(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name, text in ORG_FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "orglint.yaml").write_text("fail_on: error\n", encoding="utf-8")
    return tmp_path


def same_as_uncached(cli, *args: str) -> tuple[int, str]:
    """Check with the cache and without: the same exit code and bytes; those."""
    cached = cli("check", "--format", "json", *args)
    plain = cli("check", "--format", "json", "--no-cache", *args)
    assert cached == plain
    return cached[0], cached[1]


CHANGES = {
    "a file's bytes": lambda repo: (repo / "teams.yaml").write_text(
        ORG_FILES["teams.yaml"].replace("lead: ana, ", ""), encoding="utf-8"),
    "a comment that waives": lambda repo: (repo / "teams.yaml").write_text(
        ORG_FILES["teams.yaml"].replace("ops: {", "ops: {  # orglint: disable=ORG006 "
                                        "reason=\"hiring\"\n    ").replace("}\n", "}\n", 1),
        encoding="utf-8"),
    "a file added": lambda repo: (repo / "more.yaml").write_text(
        "teams:\n  new: {name: New}\n", encoding="utf-8"),
    "a file removed": lambda repo: (repo / "flow.yaml").unlink(),
    "a file renamed": lambda repo: (repo / "flow.yaml").rename(repo / "journeys.yaml"),
    "a rule's severity": lambda repo: (repo / "orglint.yaml").write_text(
        "rules:\n  ORG006: {severity: error}\n", encoding="utf-8"),
    "a rule's option": lambda repo: (repo / "orglint.yaml").write_text(
        "rules:\n  GOV005: {options: {max_levels: 1}}\n", encoding="utf-8"),
    "the selection": lambda repo: (repo / "orglint.yaml").write_text(
        "ignore: [ORG006]\n", encoding="utf-8"),
    "a waiver in the config": lambda repo: (repo / "orglint.yaml").write_text(
        "waivers:\n  - {rule: ORG006, target: 'team:ops', reason: hiring, owner: ana,"
        " expires: 2027-01-31}\n", encoding="utf-8"),
    "a config comment": lambda repo: (repo / "orglint.yaml").write_text(
        "fail_on: error  # a plugin may read the config\n", encoding="utf-8"),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_any_change_gives_the_uncached_result(cli, ops_repo, judged, change, monkeypatch):
    monkeypatch.setenv("ORGLINT_TODAY", "2026-12-01")
    before = same_as_uncached(cli)
    judged.clear()
    assert cli("check", "--format", "json")[:2] == before
    assert judged == []  # read back: nothing was judged
    CHANGES[change](ops_repo)
    after = same_as_uncached(cli)
    assert (after == before) is (change == "a config comment")  # it changes nothing, yet misses
    assert judged == [1, 1]  # the cached run missed, and --no-cache never reads it
    judged.clear()
    assert cli("check", "--format", "json")[:2] == after
    assert judged == []


@pytest.mark.parametrize("options", [("--select", "ORG"), ("--ignore", "ORG006"),
                                     ("--fail-on", "info")])
def test_command_line_options_that_change_findings_miss(cli, ops_repo, judged, options):
    plain = same_as_uncached(cli)
    narrowed = same_as_uncached(cli, *options)
    assert narrowed != plain
    assert same_as_uncached(cli) == plain
    judged.clear()
    assert cli("check", "--format", "json", *options)[:2] == narrowed
    assert judged == []


def test_the_date_waivers_expire_against_is_part_of_the_key(cli, ops_repo, monkeypatch):
    CHANGES["a waiver in the config"](ops_repo)
    monkeypatch.setenv("ORGLINT_TODAY", "2027-01-31")
    live = same_as_uncached(cli)
    monkeypatch.setenv("ORGLINT_TODAY", "2027-02-01")
    expired = same_as_uncached(cli)
    assert "WVR001" in expired[1] and "WVR001" not in live[1]


def test_the_baseline_applies_after_a_result_read_back(cli, ops_repo, judged, tmp_path):
    _, out = same_as_uncached(cli)
    assert '"ORG006"' in out
    assert cli("check", "--write-baseline", str(tmp_path / "base.json"))[0] == 0
    judged.clear()
    _, out = same_as_uncached(cli, "--baseline", str(tmp_path / "base.json"))
    assert json.loads(out)["findings"] == []
    assert judged == [1]  # only the --no-cache run judged


def test_orglint_version_and_code_are_part_of_the_key(cli, ops_repo, judged, monkeypatch):
    import orglint.incremental

    same_as_uncached(cli)
    judged.clear()
    monkeypatch.setattr(orglint.incremental, "__version__", "0.0.0-other")
    cli("check")
    assert judged == [1]
    monkeypatch.setattr(orglint.incremental, "_CODE", {})
    monkeypatch.setattr(orglint.incremental, "code_digest", lambda registry: "edited code")
    cli("check")
    assert judged == [1, 1]


def test_a_plugin_edited_between_runs_is_judged_again(ops_repo):
    """A local plugin's rule changes its message: the next run shows the new one."""
    import subprocess

    plugin = ops_repo / "acme.py"
    source = ('from orglint import hookimpl, rule\n\n\n'
              '@rule("ACME001", "team-count", severity="warning", blocks_stage=4)\n'
              'def team_count(org, options):\n'
              '    """Counts teams."""\n'
              '    yield from (t.finding(None, "VERSION") for t in org.teams.values())\n\n\n'
              '@hookimpl\ndef orglint_rules():\n    return [team_count]\n')
    (ops_repo / "orglint.yaml").write_text("plugins: [acme.py]\nselect: [ACME]\n")

    def run() -> str:
        done = subprocess.run([sys.executable, "-m", "orglint", "check", "-q"], cwd=ops_repo,
                              capture_output=True, text=True, timeout=60, env=dict(os.environ))
        assert done.stderr == ""
        return done.stdout

    plugin.write_text(source.replace("VERSION", "first"))
    assert run().count("first") == 2
    assert run().count("first") == 2
    plugin.write_text(source.replace("VERSION", "second"))
    assert run().count("second") == 2


def test_a_result_read_back_builds_the_org_only_when_asked(cli, ops_repo, judged):
    """Formats that need more of the org than its name still get it whole."""
    from orglint.session import open_session

    cli("check")
    builds = judged
    builds.clear()
    session = open_session(None, cwd=ops_repo)
    result = session.check([], session.settings())
    assert builds == []
    assert result.org.name is None
    assert builds == []
    assert sorted(result.org.teams) == ["ops", "sales"]
    assert builds == [1]
    assert type(result.org).__name__ == "Org"
    plain = open_session(None, cwd=ops_repo, use_cache=False)
    assert sorted(plain.check([], plain.settings()).org.people) == sorted(result.org.people)


# -- --diff-base: the old tree from the caches --------------------------------------------------


def git(cwd: Path, *args: str) -> str:
    import subprocess

    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True,
                          env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                               "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
                               "HOME": str(cwd), "PATH": os.environ.get("PATH", "")})
    return done.stdout


@pytest.fixture
def exported(monkeypatch):
    """Counts the revisions exported with git archive (the others were read back)."""
    import orglint.commands.diff_base

    return counted(monkeypatch, orglint.commands.diff_base, "_at_tree")


def counted(monkeypatch, module, name: str) -> list[int]:
    """A list that grows by one at each call of ``module.name``."""
    runs: list[int] = []
    real = getattr(module, name)

    def counting(*args, **kwargs):
        runs.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counting)
    return runs


@pytest.mark.skipif(__import__("shutil").which("git") is None, reason="git is not installed")
def test_diff_base_reads_the_old_tree_from_the_caches(cli, ops_repo, judged, exported):
    git(ops_repo, "init", "-q", "-b", "main")
    (ops_repo / ".gitignore").write_text(".orglint_cache/\n")
    git(ops_repo, "add", ".")
    git(ops_repo, "commit", "-q", "-m", "base")
    same_as_uncached(cli)  # the base, checked: its result is stored
    CHANGES["a file's bytes"](ops_repo)  # sales loses its lead: a new ORG006
    judged.clear()
    first = same_as_uncached(cli, "--diff-base", "HEAD")
    assert first[0] == 0 and json.loads(first[1])["findings"][0]["message"] == \
        "team 'sales' has no lead"
    # cached: the base read back from the results cache, the new tree judged; uncached: both
    assert (judged, exported) == ([1, 1, 1], [1, 1])
    judged.clear()
    exported.clear()
    assert cli("check", "--format", "json", "--diff-base", "HEAD")[:2] == first
    assert (judged, exported) == ([], [])  # the tree was compared against before
    for changed in (["--select", "ORG006"], ["--ignore", "ORG006"]):
        assert same_as_uncached(cli, "--diff-base", "HEAD", *changed) != first
    git(ops_repo, "commit", "-q", "-am", "sales without a lead")
    exported.clear()
    after = same_as_uncached(cli, "--diff-base", "HEAD")
    assert json.loads(after[1])["findings"] == []
    assert exported == [1, 1]  # a new tree
