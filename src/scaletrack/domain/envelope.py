"""What every event carries besides its payload, and how events are validated.

Events are the ``eventsourcing`` library's frozen dataclasses. pydantic
validates them field by field (a ``TypeAdapter`` per event class) when a
command creates one and when the store reads one back, so a stored event
always matches its declared types and constraints.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic
from pydantic import TypeAdapter, ValidationError

from scaletrack.domain.errors import InvalidInput, RuleViolation
from scaletrack.domain.vocabulary import COMMAND, Source

E = TypeVar("E")
A = TypeVar("A", bound=Aggregate)

_NAMESPACE = uuid5(NAMESPACE_URL, "https://scaletrack.eu/aggregates")


def aggregate_id(kind: str, code: str) -> UUID:
    """The deterministic id of an aggregate, derived from its kind and code.

    Codes are addressed by people; ids never are. Deriving one from the other
    makes a code unique per kind and lets any reader find an aggregate by code.
    """
    return uuid5(_NAMESPACE, f"{kind}:{code}")


@dataclass(frozen=True)
class Provenance:
    """Who recorded an event, when, how, why, and when it happened."""

    occurred_on: date
    recorded_at: datetime
    actor: str
    source: Source = Source.CLI
    reason: str | None = None
    key: str | None = None
    """Idempotency key of the row or request that recorded it (imports, API)."""

    def envelope(self) -> dict[str, Any]:
        if self.occurred_on > self.recorded_at.date():
            raise RuleViolation(
                "occurred-on-in-future",
                f"occurred-on {self.occurred_on} is after the day it is recorded "
                f"({self.recorded_at.date()})",
                field="occurred_on", hint="give the date it really happened",
            )
        return {
            "occurred_on": self.occurred_on,
            "timestamp": self.recorded_at,
            "actor": self.actor,
            "source": self.source,
            "reason": self.reason,
            "key": self.key,
        }


def require_reason(by: Provenance, what: str) -> None:
    """Refuse a write that must say why (a revision, a drop, an amendment) and does not."""
    if not (by.reason and by.reason.strip()):
        raise RuleViolation("reason-required", f"{what} needs a reason",
                            field="reason", hint="give --reason")


EVENT_TYPES: dict[str, type[Recorded]] = {}
"""Every event class declared so far, by its stable type name (filled as classes are
declared: see :func:`event_class` and :func:`every_event_type`)."""

EVENT_MODULES = ("scaletrack.domain.pilot", "scaletrack.domain.indicator",
                 "scaletrack.domain.consortium", "scaletrack.domain.ecosystem",
                 "scaletrack.domain.organisation", "scaletrack.domain.account",
                 "scaletrack.domain.settings")
"""The modules that declare events. A command imports only those it needs (a pilot's
write needs no consortium, account or settings events: about a fifth of its start-up)."""


def every_event_type() -> dict[str, type[Recorded]]:
    """Every event class of the domain by its type name, their modules imported."""
    for module in EVENT_MODULES:
        importlib.import_module(module)
    return EVENT_TYPES


def event_class(type_name: str) -> type[Recorded] | None:
    """The event class of a stored type name (None for a name the domain does not know),
    importing the domain's event modules the first time a name is not declared yet."""
    cls = EVENT_TYPES.get(type_name)
    if cls is None and ":" not in type_name:  # a class's topic (a snapshot's) has one
        cls = every_event_type().get(type_name)
    return cls


class Recorded(Aggregate.Event):
    """Base of every scaletrack event: the envelope fields.

    ``timestamp`` (from the library) is the recorded-at time, in UTC.
    """

    occurred_on: date
    actor: str
    source: Source
    reason: str | None
    key: str | None

    TYPE = ""
    """Stable name stored with the event, independent of module and class."""

    class_version = 1
    """Schema version of the stored payload. A change to a type's fields bumps it
    and adds a static ``upcast_vN_vM(state)`` that brings older stored state up."""

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        if "TYPE" in cls.__dict__:
            known = EVENT_TYPES.setdefault(cls.TYPE, cls)
            if known is not cls and known.__qualname__ != cls.__qualname__:
                raise TypeError(f"event type {cls.TYPE} is declared twice")
            EVENT_TYPES[cls.TYPE] = cls

    @property
    def recorded_at(self) -> datetime:
        return self.timestamp


_ADAPTERS: dict[type[Any], TypeAdapter[Any]] = {}


def adapter_for(event_class: type[E]) -> TypeAdapter[E]:
    """The (cached) pydantic adapter that validates and serialises an event class."""
    adapter = _ADAPTERS.get(event_class)
    if adapter is None:
        adapter = _ADAPTERS[event_class] = TypeAdapter(event_class)
    return adapter


_PLAIN = TypeAdapter(dict[str, Any])


def plain(values: dict[str, Any]) -> dict[str, Any]:
    """Values as plain JSON types (dates, decimals and enums as strings)."""
    result: dict[str, Any] = _PLAIN.dump_python(values, mode="json")
    return result


def describe(error: ValidationError) -> str:
    """One line naming each invalid field and what is expected of it, in the domain's words
    (not the validation library's: no ``String should match pattern``, no ``Decimal('30')``)."""
    return "; ".join(dict.fromkeys(explain(problem) for problem in error.errors()))


_PATTERNS = {
    r"^[A-Z]{2}$": "a two-letter country code",
    r"^[A-Z0-9][A-Z0-9_-]*$": "a code (capitals, digits, '-' and '_', e.g. SEED-GR-01)",
    r"^[A-Za-z0-9][A-Za-z0-9_.-]*$": "a reference (letters, digits, '.', '-' and '_', e.g. M3)",
}
_KINDS_OF_VALUE = {"decimal": "a number", "float": "a number", "int": "a whole number",
                   "date": "a date (YYYY-MM-DD)", "datetime": "a moment (ISO 8601)",
                   "bool": "yes or no", "string": "a text", "list": "a list",
                   "dict": "pairs of NAME=VALUE", "uuid": "an id"}


def explain(problem: Any) -> str:
    """One problem pydantic found, as ``field: what is wrong``."""
    names = [str(p) for p in problem["loc"] if not isinstance(p, int)]
    where = " ".join(n.replace("_", "-") for n in names) or "the value"
    kind, given, ctx = problem["type"], problem.get("input"), problem.get("ctx") or {}
    limit = {k: _plain(v) for k, v in ctx.items()}
    shown = _plain(given) if isinstance(given, str | int | float | Decimal) else None
    said: str | None = {
        "missing": "is required",
        "greater_than_equal": f"must be {limit.get('ge')} or more",
        "greater_than": f"must be more than {limit.get('gt')}",
        "less_than_equal": f"must be {limit.get('le')} or less",
        "less_than": f"must be less than {limit.get('lt')}",
        "decimal_max_places": f"takes at most {limit.get('decimal_places')} decimal places",
        "decimal_max_digits": f"takes at most {limit.get('max_digits')} digits",
        "decimal_whole_digits": f"takes at most {limit.get('whole_digits')} digits before "
                                "the decimal point",
        "string_too_long": f"takes at most {limit.get('max_length')} characters",
        "too_short": f"needs at least {limit.get('min_length')}",
        "too_long": f"takes at most {limit.get('max_length')}",
        "extra_forbidden": "is not asked for here",
        "int_from_float": "must be a whole number",
        "finite_number": "must be a finite number",
    }.get(kind)
    if kind == "string_too_short":
        said = ("must not be empty" if limit.get("min_length") == "1"
                else f"takes at least {limit.get('min_length')} characters")
    elif kind == "string_pattern_mismatch":
        wanted = _PATTERNS.get(str(ctx.get("pattern")), "in the form this field takes")
        said = f"{shown!r} is not {wanted}" if shown is not None else f"must be {wanted}"
    elif kind in ("enum", "literal_error"):
        said = f"{shown!r} is not one of {limit.get('expected', 'the values it takes')}"
    elif kind == "value_error":
        said = _plain_text(str(ctx.get("error") or problem["msg"]).removeprefix("Value error, "))
    elif said is None:
        base = kind.partition("_")[0]
        value_kind = _KINDS_OF_VALUE.get(base)
        if value_kind is not None and kind.endswith(("_parsing", "_type")):
            said = (f"{shown!r} is not {value_kind}" if shown is not None
                    else f"must be {value_kind}")
        else:
            said = _plain_text(problem["msg"])
    return f"{where}: {said}"


def _plain(value: Any) -> str:
    """A limit or an input as a person writes it (30, not Decimal('30'))."""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}" if value.is_finite() else str(value)
    return str(value)


def _plain_text(message: str) -> str:
    return re.sub(r"Decimal\('([^']*)'\)", r"\1", message)


def validated(event_class: type[E], fields: dict[str, Any], *, new: bool = False) -> E:
    """An event from its fields; a ``new`` one (a command's) also obeys the input rules
    that stored events predating them need not (country codes, no NUL character)."""
    if new:
        _refuse_nul(fields)
    try:
        return adapter_for(event_class).validate_python(fields, context=COMMAND if new else None)
    except ValidationError as error:
        raise InvalidInput(describe(error)) from None


_WITHOUT_TEXT = (date, Decimal, int, float, UUID, type(None))
"""Values that hold no text: most of an event's fields (its dates, amounts and ids) are
passed over without a call each (a bulk import checks about 25 values per row)."""


def _refuse_nul(value: Any, where: str = "") -> None:
    """No text with a NUL character: PostgreSQL refuses it in JSON and SQLite cuts text at it,
    so a view or an export would break or differ for good."""
    if isinstance(value, dict) and not where:
        for key, item in value.items():
            plain_text = isinstance(item, str) and "\x00" not in item
            if not (isinstance(key, str) and "\x00" not in key
                    and (plain_text or isinstance(item, _WITHOUT_TEXT))):
                _refuse_nul(key, str(key))
                _refuse_nul(item, str(key))
        return
    if isinstance(value, str):
        if "\x00" in value:
            name = where.split(".")[0]
            raise InvalidInput(f"{name.replace('_', '-') or 'a value'} contains a NUL character "
                               "(\\0)", field=name or "value",
                               hint="remove the control character and try again")
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_nul(key, where or str(key))
            _refuse_nul(item, where or str(key))
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            _refuse_nul(item, where)


def start(
    aggregate_class: type[A], event_class: type[Any], id_: UUID, by: Provenance, **fields: Any
) -> A:
    """Create an aggregate from its first, validated event."""
    event = validated(
        event_class,
        {
            **fields,
            **by.envelope(),
            "originator_id": id_,
            "originator_version": 1,
            "originator_topic": get_topic(aggregate_class),
        },
        new=True,
    )
    aggregate: A = event.mutate(None)
    aggregate.pending_events.append(event)
    return aggregate


def record(aggregate: Aggregate, event_class: type[Any], by: Provenance, **fields: Any) -> None:
    """Validate the next event of an aggregate, apply it, and keep it pending."""
    event = validated(
        event_class,
        {
            **fields,
            **by.envelope(),
            "originator_id": aggregate.id,
            "originator_version": aggregate.version + 1,
        },
        new=True,
    )
    event.mutate(aggregate)
    aggregate.pending_events.append(event)
