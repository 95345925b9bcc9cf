"""Rules: the ``@rule`` decorator, and the registry that validates and selects them."""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from orglint.finding import SEVERITIES, Hit

CODE_PATTERN = re.compile(r"^[A-Z]{2,5}[0-9]{3}\Z")
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*\Z")
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


_CODE = re.compile(r"([A-Za-z]+)[0-9]+")


def closest_rule(word: str, codes: Iterable[str], names: Iterable[str]) -> str | None:
    """The rule code or name closest to ``word`` (difflib's, cutoff 0.6), or None. A word
    written as a code (``INC03``) is matched with the codes of its family only (``INC003``):
    every code shares its digits with many others (``SOD001`` is no ``GOV001``)."""
    import difflib

    family = _CODE.fullmatch(word)
    if family is not None:
        prefix = family.group(1).upper()
        codes = [code for code in codes if code.startswith(prefix)]
    close = (difflib.get_close_matches(word.upper(), list(codes), n=1)
             or difflib.get_close_matches(word.lower(), list(names), n=1))
    return close[0] if close else None


class RegistryError(Exception):
    """A plugin declared a rule wrongly: a bad or duplicate code, name or option."""


@dataclass(frozen=True)
class Rule:
    """A rule: stable ``code`` (``BND001``), slug ``name``, default ``severity`` (``error``,
    ``warning`` or ``info``), the stage it blocks (2, 3 or 4), the generator ``function``,
    ``options`` as ``{option: cerberus rule set with a default}``, the ``doc`` (its docstring,
    dedented) and the ``plugin`` module that declared it. Made by ``@rule``; checked when a
    ``Registry`` takes it.
    """

    code: str
    name: str
    severity: str
    blocks_stage: int
    function: RuleFunction = field(compare=False, repr=False)
    options: dict[str, dict[str, Any]] = field(default_factory=dict, compare=False)
    doc: str = field(default="", compare=False)
    plugin: str = field(default="", compare=False)
    # findings mean the org could not be read or resolved: no stage is assessed while one stands
    integrity: bool = field(default=False, compare=False)
    # how long it takes on a large org, against the other rules (0: quick; more is slower)
    cost: int = field(default=0, compare=False)

    @property
    def prefix(self) -> str:
        """The letters of the code: ``BND`` for ``BND001``."""
        return re.sub(r"[0-9]+$", "", self.code)

    @property
    def area(self) -> str:
        """The name of the code's area (``Boundaries and ownership``), else the prefix itself."""
        return AREAS.get(self.prefix, self.prefix)

    @property
    def summary(self) -> str:
        """The first paragraph of the documentation, on one line ("" without documentation)."""
        first = self.doc.strip().split("\n\n", 1)[0].replace("\n", " ")
        return first

    @property
    def defaults(self) -> dict[str, Any]:
        """``{option: default}`` for every option."""
        return {key: spec["default"] for key, spec in self.options.items() if "default" in spec}

    @property
    def inputs(self) -> frozenset[str]:
        """The inputs besides the org this rule asks for by parameter name (see ``INPUTS``)."""
        return _inputs(self.function)

    def run(self, org: Any, options: Mapping[str, Any],
            inputs: Mapping[str, Any] | None = None) -> Iterator[Hit]:
        """The rule's hits on ``org``, with ``options`` over the defaults and each input the
        function names (``waivers`` ...) taken from ``inputs``; KeyError when one is missing."""
        given = inputs or {}
        kwargs: dict[str, Any] = {name: given[name] for name in self.inputs}
        if not _takes_options(self.function):
            yield from self.function(org, **kwargs)
        else:  # by position: an older rule may call its options anything
            yield from self.function(org, {**self.defaults, **options}, **kwargs)

    def validate_options(self, options: Any) -> list[tuple[tuple[Any, ...], str]]:
        """Problems with user options as ``list[(path, message)]``, ``path`` a tuple inside the
        options (``("max",)``); [] when valid. ``true``/``false`` for a number is a problem."""
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


# What a rule may ask for besides the org, by naming a parameter after it: the engine provides
# each from the stage that owns it. ``waivers`` (an ``orglint.engine.waivers.WaiverState``) is
# given after the waivers were applied, so a rule that asks for it runs last and its findings
# cannot be waived. ``evidence`` (an ``orglint.evidence.figures.Evidence``, or None without an
# ``evidence:`` section) is how work moved, read from the configured event logs once per check.
INPUTS = frozenset({"waivers", "evidence"})


@functools.lru_cache(maxsize=4096)
def _parameters(function: RuleFunction) -> tuple[str, ...]:
    """The parameters of a rule after the org (read once per function: a check asks for
    every rule's several times)."""
    return tuple(inspect.signature(function).parameters)[1:]


def _inputs(function: RuleFunction) -> frozenset[str]:
    return frozenset(name for name in _parameters(function) if name in INPUTS)


def _takes_options(function: RuleFunction) -> bool:
    """A rule takes options as its second parameter (``options``, or any name but an input's)."""
    rest = _parameters(function)
    return bool(rest) and rest[0] not in INPUTS


def rule(
    code: str,
    name: str,
    *,
    severity: str,
    blocks_stage: int,
    options: dict[str, dict[str, Any]] | None = None,
    integrity: bool = False,
    cost: int = 0,
) -> Callable[[RuleFunction], Rule]:
    """Declare a rule: the decorator returns a ``Rule`` in place of the function.

    The decorated generator takes ``(org)`` or ``(org, options)`` and yields ``Hit`` values.
    ``options`` maps each option to a cerberus rule set with a ``default``. The docstring is
    the rule's documentation: the why, then a failing and a passing example. Nothing is
    checked here: ``Registry.add`` raises ``RegistryError`` for a bad declaration.
    ``integrity=True`` marks a rule whose findings mean the org could not be read or resolved
    (syntax, schema, references): while one stands, no stage is assessed. ``cost`` says how
    long the rule takes on a large org against the others (0, the default: quick; more is
    slower): processes sharing the rules claim the costliest first, so that they end together.
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
            integrity=integrity,
            cost=cost,
        )

    return decorate


def collect(module_globals: dict[str, Any]) -> list[Rule]:
    """Every ``Rule`` defined in a module, in definition order (for ``orglint_rules``)."""
    return [value for value in module_globals.values() if isinstance(value, Rule)]


class Registry:
    """All known rules, by code (``by_code``) and by name (``by_name``), each checked once as
    it is added. Iterates in code order; ``len()`` counts the rules. Raises ``RegistryError``
    as ``add`` does."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.by_code: dict[str, Rule] = {}
        self.by_name: dict[str, Rule] = {}
        for item in rules:
            self.add(item)

    def add(self, item: Rule) -> None:
        """Add one rule. Raises ``RegistryError`` for a code that is not 2-5 capital letters and
        3 digits, a name that is not a lower-case slug, an unknown severity, ``blocks_stage``
        not 2, 3 or 4, a ``cost`` that is not a whole number of at least 0, an option without a
        default, or a code or name already registered."""
        where = f"rule {item.code!r} from {item.plugin}"
        if not CODE_PATTERN.match(item.code):
            raise RegistryError(f"{where}: a code is 2-5 capital letters and 3 digits (BND001)")
        if not NAME_PATTERN.match(item.name):
            raise RegistryError(f"{where}: name {item.name!r} must be a lower-case slug")
        if item.severity not in SEVERITIES:
            raise RegistryError(f"{where}: severity must be one of {', '.join(SEVERITIES)}")
        if item.blocks_stage not in (2, 3, 4):
            raise RegistryError(f"{where}: blocks_stage must be 2, 3 or 4")
        if type(item.cost) is not int or item.cost < 0:
            raise RegistryError(f"{where}: cost must be a whole number, 0 or more")
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
        """A rule by code (any case) or exact name; None when no rule has it."""
        return self.by_code.get(selector.upper()) or self.by_name.get(selector)

    def matches(self, selector: str, item: Rule) -> bool:
        """Whether ``selector`` picks ``item``: its code or a code prefix (``GOV``, ``GOV00``)
        in any case, its exact name, or ``ALL``."""
        if selector in ("ALL", "all"):
            return True
        if selector == item.name:
            return True
        return item.code.startswith(selector.upper())

    def closest(self, word: str) -> str | None:
        """The rule code or name closest to a misspelt one (``BND01`` -> ``BND001``), or None."""
        return closest_rule(word, self.by_code, self.by_name)

    def hint(self, word: str, otherwise: str = "") -> str:
        """What completes a message about ``word``, which names no rule: ``; did you mean
        'CODE'?`` naming the closest rule, else ``otherwise``."""
        close = self.closest(word)
        return f"; did you mean '{close}'?" if close else otherwise

    def known_selector(self, selector: str) -> bool:
        """Whether ``selector`` picks at least one registered rule."""
        return any(self.matches(selector, item) for item in self)

    def select(self, select: Iterable[str], ignore: Iterable[str]) -> list[Rule]:
        """Rules chosen by select (default all) minus ignore, in code order; the most specific
        selector wins.

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
