"""The fuzzer (tests/fuzz/): a seeded campaign over the examples, the rule case files and
hypothesis-generated orgs, and the parts it is built from.

The campaign passes when every failure it meets is of a kind listed in tests/fuzz/known.py
(kinds of issue 15 that are being fixed); a new kind fails it, with the signature and the
output. ``python -m tests.fuzz`` runs the same campaign at any size (docs/development.md).
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
import yaml
from fuzz.campaign import inputs, run_campaign, slug
from fuzz.corpus import CONFIG, Input, all_seeds, case_seeds, example_seeds
from fuzz.known import KNOWN, known_reason
from fuzz.mutate import (
    anchor_alias,
    comment_directive,
    data_mutation,
    deep_nesting,
    huge_number,
    multi_document,
)
from fuzz.oracle import Run, judge, run_inprocess, run_subprocess
from fuzz.shrink import ddmin, shrink

CI_SEED = 20260601
CI_COUNT = 1500


def test_seeded_campaign_meets_only_known_failure_kinds():
    report = run_campaign(CI_COUNT, CI_SEED, jobs=2)
    assert report.run == CI_COUNT
    unknown = {sig: report.first[sig] for sig in report.signatures if known_reason(sig) is None}
    assert not unknown, "\n\n".join(
        f"{sig}\ninput {index} ({item.origin}), argv {item.argv}:\n{output}\n"
        f"files: {sorted(item.files)}\nrun: python -m tests.fuzz --count {index + 1} "
        f"--seed {CI_SEED}" for sig, (index, item, _, output) in unknown.items())


def test_known_kinds_name_their_issue_kind():
    for pattern, reason in KNOWN:
        re.compile(pattern)
        assert reason.startswith("issue 15 item "), reason


# --- the corpus ------------------------------------------------------------------------------

def test_seeds_are_every_example_and_every_case_without_event_logs():
    examples = example_seeds()
    assert [seed.origin for seed in examples] == [
        "examples/harbor-health", "examples/incident-desk", "examples/kestrel-freight",
        "examples/northwind-services"]
    incident = examples[1].files
    assert b"evidence" not in incident[CONFIG] and b"include:" in incident[CONFIG]
    assert not any(name.startswith(("expected", "README", "logs/")) for name in incident)
    cases = case_seeds()
    assert len(cases) > 100 and all("org.yaml" in case.files for case in cases)
    assert not any(case.origin.startswith("tests/rules/EVD") and b"evidence" in case.files.get(CONFIG, b"")
                   for case in cases)


def test_inputs_depend_on_seed_and_index_only():
    whole = dict(inputs(7, list(range(12))))
    assert dict(inputs(7, [3, 4, 9])) == {i: whole[i] for i in (3, 4, 9)}
    assert whole != dict(inputs(8, list(range(12))))
    assert whole[4].origin == "hypothesis" and whole[9].origin == "hypothesis"
    assert " + " in whole[3].origin


# --- the mutators ----------------------------------------------------------------------------

ORG = (b"teams:\n  sales: {lead: ana}\n  delivery:\n    lead: ana\n    layer: backstage\n"
       b"people:\n  ana: {name: Ana}\n")


def _loads(data: bytes):
    return yaml.safe_load(data)


def test_data_mutation_writes_merge_keys_that_yaml_merges():
    merged = []
    for n in range(200):
        out = data_mutation(random.Random(n), ORG)
        if re.search(rb"<<: \*id|<<:\n\s*- \*id", out):
            merged.append(out)
    assert len(merged) >= 5, "few merge keys in 200 data mutations"
    for out in merged:
        data = _loads(out)
        copies = [(section, k) for section, entities in data.items() for k in entities
                  if k.endswith("-copy")]
        assert copies, out
        for section, key in copies:  # the merge took the source entity's keys
            source = data[section].get(key[:-len("-copy")], {})
            assert set(source) <= set(data[section][key]), out


def test_huge_number_passes_the_int_string_limit():
    outs = {huge_number(random.Random(n), ORG) for n in range(60)}
    assert any(re.search(rb"\d{4301}", out) for out in outs)
    assert any(b"1e400" in out for out in outs) and any(b"0x" + b"f" * 4000 in out for out in outs)


def test_text_mutators_make_what_they_name():
    outs = [anchor_alias(random.Random(n), ORG) for n in range(40)]
    assert any(b"*undefined" in out for out in outs) and any(b"&a " in out for out in outs)
    outs = [comment_directive(random.Random(n), ORG) for n in range(40)]
    assert any(b" |\n" in out and b"# orglint: " in out for out in outs)
    outs = [multi_document(random.Random(n), ORG) for n in range(20)]
    assert any(out.count(b"---\n") >= 2 for out in outs)
    assert any(len(deep_nesting(random.Random(n), ORG)) > 10000 for n in range(20))


# --- the oracle --------------------------------------------------------------------------------

def _runner(outputs):
    """A runner that answers the oracle's runs in order: cold, warm, --no-cache, again."""
    calls = iter(outputs)

    def run(folder: Path, argv: tuple[str, ...]) -> Run:
        code, out, err = next(calls)
        return Run(code, out, err, 0.01)

    return run


TEXT_OK = (1, b"org.yaml:1:1: ORG006 [warning] x\n", b"")


@pytest.mark.parametrize(("runs", "argv", "kind", "signature"), [
    ([(2, b"", b"orglint: internal error: ValueError: bad 12 'x' (set ORGLINT_DEBUG=1 for details)\n")],
     ("check",), "crash", "crash: ValueError: bad N '…'"),
    ([(1, b"", b"Traceback (most recent call last):\nKeyError: 3\n")], ("check",), "crash",
     "crash: KeyError: N"),
    ([(None, b"", b"")], ("check",), "hang", "hang: check"),
    ([(3, b"", b"")], ("check",), "bad-exit", "bad-exit: 3"),
    ([(1, b"{", b"")], ("check", "--format", "json"), "bad-output", "bad-output: json: JSONDecodeError"),
    ([(1, b"<a>\x1b</a>", b"")], ("check", "--format", "junit"), "bad-output",
     "bad-output: junit: ParseError"),
    ([TEXT_OK, (2, b"", b"org.yaml:1:1: x\n"), TEXT_OK], ("check",), "cache-mismatch",
     "cache-mismatch: exit N != N"),
    ([TEXT_OK, TEXT_OK, (1, b"other\n", b""), (1, b"again\n", b"")], ("check",),
     "nondeterministic", "nondeterministic: check"),
    ([TEXT_OK, TEXT_OK, (1, b"other\n", b""), (1, b"other\n", b"")], ("check",),
     "cache-mismatch", "cache-mismatch: cold stdout: FILE:N:N: ORGN [warning] x"),
])
def test_oracle_classifies(tmp_path, runs, argv, kind, signature):
    failure = judge(Input({"org.yaml": b"x: 1\n"}, argv), tmp_path / "repo", runner=_runner(runs))
    assert failure is not None
    assert (failure.kind, failure.signature) == (kind, signature)


def test_oracle_passes_three_equal_runs(tmp_path):
    assert judge(Input({"org.yaml": b""}), tmp_path / "r", runner=_runner([TEXT_OK] * 3)) is None


def test_oracle_catches_a_file_that_parses_otherwise_without_its_index(tmp_path, monkeypatch):
    import orglint.load.documents as documents

    real = documents._parse

    def forgetful(text, display, watch=None, indexed=True):  # drops the written text unindexed
        loaded = real(text, display, watch, indexed)
        if not indexed:
            for doc in loaded.documents:
                doc.written = {}
        return loaded

    monkeypatch.setattr(documents, "_parse", forgetful)
    failure = judge(Input({"org.yaml": b"teams:\n  a: {name: 1984}\n"}), tmp_path / "repo",
                    runner=_runner([TEXT_OK] * 3))
    assert failure is not None
    assert (failure.kind, failure.signature) == ("cache-mismatch",
                                                 "cache-mismatch: parsed without the index")
    assert failure.output.startswith("org.yaml:\nteams:")


def test_inprocess_and_subprocess_runs_agree_on_an_example(tmp_path):
    item = next(seed for seed in all_seeds() if seed.origin == "examples/kestrel-freight")
    from fuzz.oracle import write

    write(item, tmp_path)
    inside = run_inprocess(tmp_path, ("check", "--format", "json", "--no-cache"))
    outside = run_subprocess(tmp_path, ("check", "--format", "json", "--no-cache"))
    assert (inside.code, inside.out, inside.err) == (outside.code, outside.out, outside.err)
    assert inside.code == 0 and json.loads(inside.out)


def test_a_real_example_holds_the_oracle(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "key-home"))
    item = next(seed for seed in all_seeds() if seed.origin == "examples/northwind-services")
    assert judge(item, tmp_path / "repo") is None


# --- shrinking -------------------------------------------------------------------------------

def test_ddmin_keeps_only_what_the_failure_needs():
    assert ddmin(list(range(100)), lambda xs: 37 in xs and 80 in xs) == [37, 80]


def test_shrink_drops_files_lines_and_bytes():
    item = Input({"a.yaml": b"people:\n  ana: {name: boom here}\nteams: {}\n", "b.yaml": b"x: 1\n"},
                 ("check", "--format", "json"))

    def signature(candidate: Input) -> str | None:
        return "boom" if any(b"boom" in data for data in candidate.files.values()) else None

    assert shrink(item, signature) == Input({"a.yaml": b"boom"}, ("check",))


def test_slug_is_a_folder_name_per_signature():
    a = slug("crash: ValueError: Exceeds the limit (N digits) x")
    b = slug("crash: ValueError: Exceeds the limit (N digits) y")
    assert a != b and re.fullmatch(r"[a-z0-9-]+", a)
