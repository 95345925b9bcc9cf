"""The built-in sources, registered through the ``orglint_sources`` hook like a plugin's.

Each reader's module is imported the first time the reader is used, so a run without
``sources:`` imports none of them.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from orglint import hookimpl
from orglint.sources import Display, SourceRead

BUILTIN = {
    "backstage": "orglint.sources.backstage:BackstageReader",
    "github-teams": "orglint.sources.github_teams:GitHubTeamsReader",
    "csv-people": "orglint.sources.csv_people:CsvPeopleReader",
    "raci-matrix": "orglint.sources.raci_matrix:RaciMatrixReader",
}


class LazyReader:
    """A reader named ``module:Class``, imported on first use; it answers as the reader."""

    def __init__(self, target: str) -> None:
        self.target = target
        self._reader: Any = None

    @property
    def reader(self) -> Any:
        """The reader itself, imported and made on first use."""
        if self._reader is None:
            module, _, name = self.target.partition(":")
            self._reader = getattr(importlib.import_module(module), name)()
        return self._reader

    @property
    def options(self) -> Mapping[str, Mapping[str, Any]]:
        """The reader's option schema."""
        options: Mapping[str, Mapping[str, Any]] = self.reader.options
        return options

    @property
    def patterns(self) -> tuple[str, ...]:
        """The file names the reader reads in a folder."""
        patterns: tuple[str, ...] = self.reader.patterns
        return patterns

    def read(self, path: Path, options: Mapping[str, Any], display: Display) -> SourceRead:
        """The reader's ``read``."""
        result: SourceRead = self.reader.read(path, options, display)
        return result


@hookimpl
def orglint_sources() -> dict[str, Any]:
    """The built-in sources by type."""
    return {name: LazyReader(target) for name, target in BUILTIN.items()}
