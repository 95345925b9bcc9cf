"""Realistic source files for the source tests and the benchmark, made the same way every time:
an HR export (one person a row, the columns an HR system writes, a few unmapped), and a RACI
spreadsheet over the departments of that export, as CSV and as XLSX.

    python tests/sources_data.py OUT_DIR [PEOPLE]     # writes hr-export.csv, raci.csv, raci.xlsx
"""

from __future__ import annotations

import csv
import io
import random
import sys
from pathlib import Path

HR_HEADER = ["Employee ID", "Full Name", "Job Title", "Work Email", "Manager ID", "Department",
             "Team Lead", "Location", "Start Date"]
HR_COLUMNS = {"id": "Employee ID", "name": "Full Name", "title": "Job Title",
              "email": "Work Email", "manager": "Manager ID", "team": "Department",
              "lead": "Team Lead"}
DEPARTMENTS = ("Sales", "Customer Success", "Support", "Delivery", "Billing", "Finance",
               "People & Culture", "Engineering", "Product", "Marketing", "Legal", "Operations")
FIRST = ("Maya", "Leo", "Ana", "Dan", "Carla", "Omar", "Priya", "Jonas", "Zoë", "José", "Mei",
         "Aisha", "Tomás", "Ingrid", "Kwame", "Sofia", "Hiro", "Lena", "Marek", "Nadia", "Ravi",
         "Elif", "Bruno", "Chloé", "Femi", "Greta", "Ivan", "Yara", "Noah", "Sven")
LAST = ("Chen", "Park", "Okafor", "Silva", "Haddad", "Nowak", "Iyer", "Berg", "Núñez", "Kim",
        "Mensah", "Rossi", "Tanaka", "Fischer", "Dubois", "Khan", "Larsen", "Moreau", "Costa",
        "Novak", "Ahmed", "Sato", "Weber", "Lopez", "Olsen", "Petrov", "Reyes", "Yilmaz")
SITES = ("Berlin", "Lisbon", "Remote", "New York, NY")


def hr_rows(people: int = 300, seed: int = 12) -> list[list[str]]:
    """The rows of an HR export of ``people`` people (header first): a CEO, a head per
    department (``Team Lead`` yes, reporting to the CEO), managers under each head and
    everyone else under a manager. Names are unique; some titles hold a comma."""
    rng = random.Random(seed)
    names = [f"{first} {last}" for last in LAST for first in FIRST]
    rng.shuffle(names)
    # a large export: middle initials keep every name unique
    names += [f"{first} {middle}. {last}" for middle in "ABCDEFGHJKLMNPRSTW" for last in LAST
              for first in FIRST][: max(0, people - len(names))]
    rows = [HR_HEADER]

    def add(number: int, title: str, manager: str, department: str, lead: bool) -> str:
        ident = f"E{1000 + number}"
        name = names[number]
        email = name.lower().replace(". ", ".").replace(" ", ".").translate(
            str.maketrans("ëéóñú", "eeonu"))
        start = f"20{rng.randint(12, 25):02d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        rows.append([ident, name, title, f"{email}@example.com", manager, department,
                     "Yes" if lead else "No", rng.choice(SITES), start])
        return ident

    ceo = add(0, "Founder & CEO", "", "Leadership", True)
    heads = {dept: add(index + 1, f"Head of {dept}", ceo, dept, True)
             for index, dept in enumerate(DEPARTMENTS)}
    managers: dict[str, list[str]] = {dept: [] for dept in DEPARTMENTS}
    number = len(DEPARTMENTS) + 1
    while number < people:
        dept = DEPARTMENTS[number % len(DEPARTMENTS)]
        if len(managers[dept]) < 2 and rng.random() < 0.3:
            managers[dept].append(add(number, f"Manager, {dept}", heads[dept], dept, False))
        else:
            boss = rng.choice(managers[dept] or [heads[dept]])
            level = rng.choice(("Associate", "Specialist", "Senior Specialist", "Lead"))
            add(number, f"{level}, {dept}", boss, dept, False)
        number += 1
    return rows


def raci_rows(hr: list[list[str]]) -> list[list[str]]:
    """A RACI matrix over the export's departments: two journeys, heads by title (mapped in
    the config), teams by id; cells such as ``A/R`` and ``R,A``."""
    return [
        ["Activity", "Journey", "Head of Sales", "Head of Delivery", "delivery", "billing",
         "support", "customer-success"],
        ["Qualify the lead", "onboarding", "A/R", "", "C", "", "", "I"],
        ["Agree the scope", "onboarding", "A", "R", "C", "I", "", ""],
        ["Kick off the project", "onboarding", "I", "A", "R", "", "", "C"],
        ["Send the first invoice", "onboarding", "", "C", "I", "A/R", "", "I"],
        ["Triage the case", "support-case", "", "", "C", "", "R,A", "I"],
        ["Refund under 100 EUR", "support-case", "", "", "", "C", "A/R", "I"],
    ]


RACI_COLUMNS = {"Head of Sales": "e1001", "Head of Delivery": "e1004"}


def to_csv(rows: list[list[str]]) -> str:
    """Rows as CSV text (``\\r\\n`` line ends, as spreadsheets write them)."""
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


def write_xlsx(rows: list[list[str]], path: Path) -> None:
    """Rows as the first sheet of a workbook (needs openpyxl)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "RACI"
    for row in rows:
        sheet.append(row)
    book.save(path)


def write_all(folder: Path, people: int = 300) -> dict[str, Path]:
    """``hr-export.csv``, ``raci.csv`` and (with openpyxl) ``raci.xlsx`` in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    hr = hr_rows(people)
    paths = {"hr": folder / "hr-export.csv", "raci": folder / "raci.csv"}
    paths["hr"].write_text(to_csv(hr), encoding="utf-8", newline="")
    paths["raci"].write_text(to_csv(raci_rows(hr)), encoding="utf-8", newline="")
    try:
        write_xlsx(raci_rows(hr), folder / "raci.xlsx")
        paths["xlsx"] = folder / "raci.xlsx"
    except ImportError:
        pass
    return paths


if __name__ == "__main__":
    write_all(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 300)
