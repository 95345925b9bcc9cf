"""What reading a source costs, next to the parse floor of its files: figures, never a test.

    python benchmarks/sources.py                      # 10,000 people, 2,000 Backstage groups
    python benchmarks/sources.py --people 10000 --groups 2000 --repeat 7

Two sources are generated in benchmarks/out/ (the same bytes every time): an HR export of
--people rows (tests/sources_data.py) and a Backstage catalog of --groups groups, one file per
group with five users each, in a tree ten groups wide. For each it prints the median of
--repeat runs of:

- the floor: the files parsed and nothing else, with the csv module (``list(csv.reader)``
  over the file opened as text: a list a row) or with libyaml (PyYAML's ``CSafeLoader``, every
  document: a mapping per entity); for CSV also ``csv.DictReader``, which makes a mapping a
  row as libyaml does and as a source must;
- the source: the reader turning the same files into documents in the orglint format, with
  positions (what a source adds to a run before the schema check and the model, which YAML
  files pay as well);
- the whole check of the org read through the source, and of the same org imported as orglint
  YAML (``orglint import``), for scale.

The target is a source under twice its floor; the exit status is 1 when one is missed.
"""

from __future__ import annotations

import argparse
import csv
import gc
import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from sources_data import HR_COLUMNS, hr_rows, to_csv  # noqa: E402

TARGET = 2.0


def catalog(folder: Path, groups: int, users: int = 5) -> list[Path]:
    """A Backstage catalog: one file per group (the group and its users), a tree ten wide."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(groups):
        children = [f"group-{c}" for c in range(number * 10 + 1, number * 10 + 11) if c < groups]
        parent = f"  parent: group-{(number - 1) // 10}\n" if number else ""
        parts = [
            "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n"
            f"  name: group-{number}\n  description: Group number {number}\nspec:\n  type: team\n"
            f"  profile:\n    displayName: Group {number}\n    email: group-{number}@example.com\n"
            f"{parent}  children: [{', '.join(children)}]\n"
        ]
        for user in range(users):
            name = f"user.{number}.{user}"
            parts.append(
                f"apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata:\n  name: {name}\n"
                f"spec:\n  profile:\n    displayName: User {number} {user}\n"
                f"    email: {name}@example.com\n  memberOf: [group-{number}]\n")
        path = folder / f"group-{number}.yaml"
        text = "---\n".join(parts)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def median(function: Callable[[], object], repeat: int) -> float:
    """The median wall time of ``repeat`` calls, in seconds, the garbage collector paused."""
    times = []
    for _ in range(repeat):
        gc.collect()
        gc.disable()
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
        gc.enable()
    return statistics.median(times)


def check_time(folder: Path, repeat: int) -> float:
    """The median time of ``orglint check`` in ``folder`` (in process, no cache, JSON out)."""
    import contextlib
    import os

    from orglint.commands import main

    def run() -> None:
        here = Path.cwd()
        os.chdir(folder)
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                main(["check", "--no-cache", "--format", "json", "--exit-zero"])
        finally:
            os.chdir(here)

    return median(run, repeat)


def read_time(kind: str, path: Path, options: dict[str, object], repeat: int) -> float:
    from orglint.sources import with_defaults
    from orglint.sources.builtin import BUILTIN, LazyReader

    reader = LazyReader(BUILTIN[kind])
    settings = with_defaults(reader, options)
    root = path.parent

    def display(file: Path) -> str:
        return file.relative_to(root).as_posix()

    return median(lambda: reader.read(path, settings, display), repeat)


def imported(folder: Path, kind: str, source: str, options: str) -> Path:
    """``folder``/imported: the source written as orglint YAML, checked without the source."""
    import contextlib
    import os
    import shutil

    from orglint.commands import main

    target = folder.parent / f"{folder.name}-imported"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    (target / "orglint.yaml").write_text("", encoding="utf-8")
    here = Path.cwd()
    os.chdir(folder)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            main(["import", kind, source, "-o", str(target / "org"), "--options", options])
    finally:
        os.chdir(here)
    return target


def line(label: str, seconds: float, floor: float | None = None) -> str:
    ratio = f"  {seconds / floor:5.2f}x floor" if floor else ""
    return f"  {label:<34} {seconds * 1000:9.1f} ms{ratio}"


def main(argv: list[str] | None = None) -> int:
    """Generate both sources, time them, print the figures; 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--groups", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    out = HERE / "out"
    missed = []

    hr_folder = out / f"hr-{args.people}"
    hr_folder.mkdir(parents=True, exist_ok=True)
    export = hr_folder / "hr-export.csv"
    text = to_csv(hr_rows(args.people))
    if not export.exists() or export.read_text(encoding="utf-8") != text:
        export.write_text(text, encoding="utf-8", newline="")
    (hr_folder / "orglint.yaml").write_text(
        "sources:\n  - {type: csv-people, path: hr-export.csv, columns: "
        + repr(HR_COLUMNS).replace("'", '"') + "}\n", encoding="utf-8")
    def csv_floor() -> None:
        with open(export, newline="", encoding="utf-8-sig") as handle:
            list(csv.reader(handle))

    def csv_records() -> None:
        with open(export, newline="", encoding="utf-8-sig") as handle:
            list(csv.DictReader(handle))

    floor = median(csv_floor, args.repeat)
    records = median(csv_records, args.repeat)
    source = read_time("csv-people", export, {"columns": HR_COLUMNS}, args.repeat)
    print(f"HR export, {args.people:,} people ({export.stat().st_size / 1e6:.1f} MB):")
    print(line("floor: csv.reader (a list a row)", floor))
    print(line("csv.DictReader (a mapping a row)", records, floor))
    print(line("csv-people source -> documents", source, floor))
    options = "{columns: " + repr(HR_COLUMNS).replace("'", '"') + "}"
    print(line("orglint check, read from the source", check_time(hr_folder, args.repeat)))
    yaml_org = imported(hr_folder, "csv-people", "hr-export.csv", options)
    print(line("orglint check, imported as YAML", check_time(yaml_org, args.repeat)))
    if source > TARGET * floor:
        missed.append("csv-people")

    import yaml

    cat_folder = out / f"backstage-{args.groups}"
    files = catalog(cat_folder / "catalog", args.groups)
    (cat_folder / "orglint.yaml").write_text("sources:\n  - {type: backstage, path: catalog}\n",
                                             encoding="utf-8")

    def libyaml() -> None:
        for path in files:
            list(yaml.load_all(path.read_bytes(), Loader=yaml.CSafeLoader))

    floor = median(libyaml, args.repeat)
    source = read_time("backstage", cat_folder / "catalog", {}, args.repeat)
    print(f"Backstage catalog, {args.groups:,} groups, {args.groups * 5:,} users, "
          f"{len(files):,} files:")
    print(line("floor: libyaml (CSafeLoader)", floor))
    print(line("backstage source -> documents", source, floor))
    print(line("orglint check, read from the source", check_time(cat_folder, args.repeat)))
    yaml_org = imported(cat_folder, "backstage", "catalog", "{}")
    print(line("orglint check, imported as YAML", check_time(yaml_org, args.repeat)))
    if source > TARGET * floor:
        missed.append("backstage")
    if missed:
        print(f"Missed: {', '.join(missed)} over {TARGET:g}x the floor.")
        return 1
    print(f"Both sources under {TARGET:g}x their floor.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
