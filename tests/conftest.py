from __future__ import annotations

from pathlib import Path

import pytest

from orglint.plugins import build_registry, make_manager
from orglint.registry import Registry

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def registry() -> Registry:
    return build_registry(make_manager())


@pytest.fixture
def cli(capsys):
    """The real command line, in-process: ``cli(*argv) -> (exit code, stdout, stderr)``.

    Whatever the input, orglint never prints a traceback.
    """
    from orglint.commands import main

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        return code, out, err

    return run


@pytest.fixture(scope="session")
def pip_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pip cache for the tests that install orglint as a user would."""
    return tmp_path_factory.mktemp("pip-cache")


@pytest.fixture(scope="session")
def release_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This repository as a git repository with the release tag (``v`` + the version)."""
    from user_machine import release

    return release(tmp_path_factory.mktemp("release") / "orglint")
