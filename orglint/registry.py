"""Rules: the ``@rule`` decorator, and the registry that validates and selects them."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from orglint.finding import SEVERITIES, Hit

CODE_PATTERN = re.compile(r"^[A-Z]{2,5}[0-9]{3}$")
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
AREAS = {
    "ORG": "Structure",
    "BND": "Boundaries and ownership",
    "GOV": "Governance",
    "INC": "Incentives",
    "CTX": "Context and information",
    "RAC": "RACI",
    "FBK": "Feedback",
    "WVR": "Waivers",
    "EVD": "Evidence",
}

RuleFunction = Callable[..., Iterable[Hit]]


class RegistryError(Exception):
    """A plugin declared a rule wrongly: a bad or duplicate code, name or option."""


@dataclass(frozen=True)
class Rule:
    """A rule: stable code, slug name, default severity, the stage it blocks, options, docs."""

    code: str
    name: str
    severity: str
    blocks_stage: int
    function: RuleFunction = field(compare=False, repr=False)
    options: dict[str, dict[str, Any]] = field(default_factory=dict, compare=False)
    doc: str = field(default="", compare=False)
    plugin: str = field(default="", compare=False)

    @property
    def prefix(self) -> str:
        return re.sub(r"[0-9]+$", "", self.code)

    @property
    def area(self) -> str:
        return AREAS.get(self.prefix, self.prefix)

    @property
    def summary(self) -> str:
        """The first sentence of the documentation."""
        first = self.doc.strip().split("\n\n", 1)[0].replace("\n", " ")
        return first

    @property
    def defaults(self) -> dict[str, Any]:
        return {key: spec["default"] for key, spec in self.options.items() if "default" in spec}

    def run(self, org: Any, options: dict[str, Any]) -> Iterator[Hit]:
        if _takes_options(self.function):
            yield from self.function(org, {**self.defaults, **options})
        else:
            yield from self.function(org)

    def validate_options(self, options: Any) -> list[tuple[tuple[Any, ...], str]]:
        """Problems with user options as (path inside the options, message); [] when valid."""
        from cerberus import Validator

        if not isinstance(options, dict):
            return [((), f"options of {self.code} must be a mapping")]
        # YAML's true/false are not numbers, whatever Python's bool says
        booleans = [((name,), f"option '{name}' of {self.code} must be a number, not "
                              f"{str(value).lower()}")
                    for name, value in sorted(options.items())
                    if isinstance(value, bool)
                    and self.options.get(name, {}).get("type") in ("integer", "number")]
        if booleans:
            return booleans
        schema = {key: {k: v for k, v in spec.items() if k != "default"}
                  for key, spec in self.options.items()}
        validator = Validator(schema, allow_unknown=False)
        if validator.validate(options):
            return []
        problems = []
        for name, messages in sorted(validator.errors.items()):
            text = "; ".join(str(message) for message in _flatten(messages))
            if text == "unknown field":
                known = ", ".join(sorted(self.options)) or "none"
                text = f"{self.code} has no option '{name}' (options: {known})"
            else:
                text = f"option '{name}' of {self.code}: {text}"
            problems.append(((name,), text))
        return problems


def _flatten(messages: Any) -> Iterator[Any]:
    for message in messages if isinstance(messages, list) else [messages]:
        if isinstance(message, (list, dict)):
            yield from _flatten(list(message.values()) if isinstance(message, dict) else message)
        else:
            yield message


def _takes_options(function: RuleFunction) -> bool:
    return len(inspect.signature(function).parameters) >= 2


def rule(
    code: str,
    name: str,
    *,
    severity: str,
    blocks_stage: int,
    options: dict[str, dict[str, Any]] | None = None,
) -> Callable[[RuleFunction], Rule]:
    """Declare a rule. The decorated generator takes ``(org)`` or ``(org, options)``.

    ``options`` maps each option to a cerberus rule set with a ``default``. The docstring is
    the rule's documentation: the why, then a failing and a passing example.
    """

    def decorate(function: RuleFunction) -> Rule:
        return Rule(
            code=code,
            name=name,
            severity=severity,
            blocks_stage=blocks_stage,
            function=function,
            options=dict(options or {}),
            doc=inspect.cleandoc(function.__doc__ or ""),
            plugin=function.__module__,
        )

    return decorate


def collect(module_globals: dict[str, Any]) -> list[Rule]:
    """Every ``Rule`` defined in a module, in definition order (for ``orglint_rules``)."""
    return [value for value in module_globals.values() if isinstance(value, Rule)]


class Registry:
    """All known rules, by code, validated once."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.by_code: dict[str, Rule] = {}
        self.by_name: dict[str, Rule] = {}
        for item in rules:
            self.add(item)

    def add(self, item: Rule) -> None:
        where = f"rule {item.code!r} from {item.plugin}"
        if not CODE_PATTERN.match(item.code):
            raise RegistryError(f"{where}: a code is 2-5 capital letters and 3 digits (BND001)")
        if not NAME_PATTERN.match(item.name):
            raise RegistryError(f"{where}: name {item.name!r} must be a lower-case slug")
        if item.severity not in SEVERITIES:
            raise RegistryError(f"{where}: severity must be one of {', '.join(SEVERITIES)}")
        if item.blocks_stage not in (2, 3, 4):
            raise RegistryError(f"{where}: blocks_stage must be 2, 3 or 4")
        for option, spec in item.options.items():
            if "default" not in spec:
                raise RegistryError(f"{where}: option {option!r} has no default")
        if item.code in self.by_code:
            other = self.by_code[item.code].plugin
            raise RegistryError(f"{where}: code already registered by {other}")
        if item.name in self.by_name:
            taken = self.by_name[item.name]
            raise RegistryError(f"{where}: name {item.name!r} already used by {taken.code}")
        self.by_code[item.code] = item
        self.by_name[item.name] = item

    def __iter__(self) -> Iterator[Rule]:
        return iter(sorted(self.by_code.values(), key=lambda item: item.code))

    def __len__(self) -> int:
        return len(self.by_code)

    def lookup(self, selector: str) -> Rule | None:
        """A rule by code (any case) or name."""
        return self.by_code.get(selector.upper()) or self.by_name.get(selector)

    def matches(self, selector: str, item: Rule) -> bool:
        """A selector is a code, a code prefix (`GOV`, `GOV00`), a name, or `ALL`."""
        if selector in ("ALL", "all"):
            return True
        if selector == item.name:
            return True
        return item.code.startswith(selector.upper())

    def known_selector(self, selector: str) -> bool:
        return any(self.matches(selector, item) for item in self)

    def select(self, select: Iterable[str], ignore: Iterable[str]) -> list[Rule]:
        """Rules chosen by select (default all) minus ignore; the most specific selector wins.

        As in ruff: `--select GOV --ignore GOV003` keeps GOV001 but not GOV003, and
        `--ignore GOV --select GOV001` keeps GOV001.
        """
        select = list(select) or ["ALL"]
        ignore = list(ignore)
        chosen = []
        for item in self:
            best_select = max((_specificity(s, item) for s in select if self.matches(s, item)),
                              default=-1)
            best_ignore = max((_specificity(s, item) for s in ignore if self.matches(s, item)),
                              default=-1)
            if best_select >= 0 and best_select > best_ignore:
                chosen.append(item)
        return chosen


def _specificity(selector: str, item: Rule) -> int:
    if selector in ("ALL", "all"):
        return 0
    if selector == item.name or selector.upper() == item.code:
        return 100
    return len(selector)
