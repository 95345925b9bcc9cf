"""`orglint init`: a starter ops repo that passes `orglint check`, written only where nothing is."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from orglint.commands import main
from orglint.commands.starter import STARTER
from orglint.load.documents import load_text
from orglint.schema.jsonschema import render

NAMES = ["orglint.yaml", "org.yaml", "journeys.yaml", "handoffs.yaml", "systems.yaml",
         "metrics.yaml", "reviews.yaml"]


def test_init_then_check_is_clean_at_stage_4(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "ops"
    assert main(["init", str(target)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [f"created {target / name}" for name in NAMES] + [
        "Replace the example people, teams and journey with your own, then run 'orglint check'."]
    assert sorted(path.name for path in target.iterdir()) == sorted(NAMES)
    for name in NAMES:
        assert (target / name).read_text(encoding="utf-8") == STARTER[name]

    monkeypatch.chdir(target)
    assert main(["check", "--no-cache", "--fail-on", "info"]) == 0
    assert capsys.readouterr().out == (
        "No problems found in 6 files.\n"
        "Stage 4 of 4: systemic - no single points of failure or founder bottleneck; SLAs "
        "measured, context shared, feedback loops in place.\n")



def test_a_later_yml_file_is_part_of_the_org(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """The starter config includes what the default does: `.yml` files as well as `.yaml`."""
    from orglint.config import DEFAULT_INCLUDE, load_config

    assert main(["init", str(tmp_path)]) == 0
    assert load_config(tmp_path / "orglint.yaml").include == DEFAULT_INCLUDE
    (tmp_path / "extra.yml").write_text(
        "handoffs:\n  delivery-to-sales: {from: delivery, to: sales}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    assert main(["check", "--no-cache", "--select", "BND001"]) == 1
    assert capsys.readouterr().out.splitlines()[:3] == [
        "extra.yml:2:3: BND001 [error] handoff 'delivery-to-sales' (Delivery -> Sales) has no "
        "named owner",
        "",
        "Found 1 problem (1 error) in 7 files."]

def test_init_defaults_to_the_current_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["init"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "created orglint.yaml"
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(NAMES)


def test_second_init_refuses_and_changes_nothing(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", str(tmp_path)]) == 0
    (tmp_path / "org.yaml").write_text("people: {}\n", encoding="utf-8")  # the user's edit
    capsys.readouterr()
    assert main(["init", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (f"orglint: error: {tmp_path / 'orglint.yaml'} already exists; "
                            "orglint init writes only new files\n")
    assert (tmp_path / "org.yaml").read_text(encoding="utf-8") == "people: {}\n"


def test_one_existing_file_means_no_file_is_written(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "reviews.yaml").write_text("# mine\n", encoding="utf-8")
    assert main(["init", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (f"orglint: error: {tmp_path / 'reviews.yaml'} already "
                                       "exists; orglint init writes only new files\n")
    assert [path.name for path in tmp_path.iterdir()] == ["reviews.yaml"]
    assert (tmp_path / "reviews.yaml").read_text(encoding="utf-8") == "# mine\n"


def test_a_dangling_symlink_is_not_replaced(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "org.yaml").symlink_to(tmp_path / "elsewhere.yaml")
    assert main(["init", str(tmp_path)]) == 2
    assert "org.yaml already exists" in capsys.readouterr().err
    assert not (tmp_path / "elsewhere.yaml").exists()


@pytest.mark.parametrize("name", [name for name in NAMES if name != "orglint.yaml"])
def test_starter_files_are_commented_and_match_the_json_schema(name: str) -> None:
    text = STARTER[name]
    assert text.startswith("# ")
    schema = json.loads(render())
    doc = load_text(text, name).documents[0]
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(doc.data)) == []
