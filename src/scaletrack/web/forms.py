"""Forms generated from the logging catalogue (application/kinds.py), as the CLI's options are.

One :class:`Field` per input of a kind, its widget chosen from the event
field's type (a date picker, a number, a list of choices, lines of
``KEY=VALUE``), its help the catalogue's; a result gets one number input per
breakdown category of its indicator. :func:`values_of` turns what a browser
posted back into the values the kind's input model checks, and
:func:`problems_of` puts each of the model's messages beside its field.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData, ImmutableMultiDict

from scaletrack.application.kinds import FIELD_CHOICES, FIELD_HELP, KINDS, Kind, plain_type
from scaletrack.domain.errors import InvalidInput, NotFound
from scaletrack.web.i18n import Language

LONG_TEXT = frozenset({"summary", "description", "findings", "lessons", "narrative",
                       "outcome", "training"})
OCCURRED_ON, REASON = "occurred_on", "reason"
BREAKDOWN = "breakdown"
DATE_PATTERN = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
"""Dates are typed as they are shown everywhere: YYYY-MM-DD (not the browser's own format)."""


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    hint: str
    widget: str = "text"
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    multiple: bool = False
    numeric: bool = False
    step: str | None = None
    pattern: str | None = None


@dataclass(frozen=True)
class Part:
    """One breakdown category of a result: its input is named ``breakdown.DIM.CATEGORY``."""

    dimension: str
    category: str

    @property
    def name(self) -> str:
        return f"{BREAKDOWN}.{self.dimension}.{self.category}"


def kind_of(name: str) -> Kind:
    found = KINDS.get(name)
    if found is None:
        raise NotFound(f"no kind {name!r} to log", hint=f"kinds: {', '.join(sorted(KINDS))}")
    return found


def label_of(name: str) -> str:
    return name.replace("_", " ").capitalize()


def fields(kind: Kind, language: Language) -> list[Field]:
    """The form's fields for a kind: its inputs (but a breakdown), then when and why."""
    _ = language.gettext
    hints = typing.get_type_hints(kind.event, include_extras=True)
    found = [_field(name, hints[name], kind.required(name)) for name in kind.inputs
             if name != BREAKDOWN]
    found.append(Field(OCCURRED_ON, _("Happened on"), _("the day it happened, YYYY-MM-DD "
                                                         "(default: today)"),
                       pattern=DATE_PATTERN))
    sometimes = {"adoption": _("why (required for a rejection or deferral)"),
                 "adaptation": _("why (required for a core-component deviation)")}
    if kind.needs_reason:
        found.append(Field(REASON, _("Reason"), _("why (required for this kind)"),
                           widget="textarea", required=True))
    elif kind.name in sometimes:
        found.append(Field(REASON, _("Reason"), sometimes[kind.name], widget="textarea"))
    return found


def _field(name: str, annotation: Any, required: bool) -> Field:
    held = plain_type(annotation)
    origin = typing.get_origin(held)
    hint = FIELD_HELP.get(name, "")
    if origin is list:
        inner = plain_type(typing.get_args(held)[0])
        if isinstance(inner, type) and issubclass(inner, Enum):
            return Field(name, label_of(name), hint, "select", required, _choices(inner),
                         multiple=True)
        return Field(name, label_of(name), hint + " (one per line)", "textarea", required)
    if origin is dict:
        return Field(name, label_of(name), hint.replace("(repeatable", "(one per line"),
                     "textarea", required)
    if isinstance(held, type) and issubclass(held, Enum):
        return Field(name, label_of(name), hint, "select", required, _choices(held))
    if name in FIELD_CHOICES and not (isinstance(held, type) and issubclass(held, Enum)):
        offered = tuple((choice, choice) for choice in FIELD_CHOICES[name])
        return Field(name, label_of(name), hint, "select", required, offered)
    if held is bool:
        return Field(name, label_of(name), hint, "select", required,
                     (("yes", "yes"), ("no", "no")))
    if held is date:
        return Field(name, label_of(name), hint, "text", required, pattern=DATE_PATTERN)
    if held in (Decimal, int, float):
        return Field(name, label_of(name), hint, "text", required, numeric=True,
                     pattern=r"-?[0-9]+([.,][0-9]+)?")
    if name == "period":
        return Field(name, label_of(name), hint, "text", required, pattern=r"20[0-9]{2}-[Qq][1-4]")
    widget = "textarea" if name in LONG_TEXT else "text"
    return Field(name, label_of(name), hint, widget, required)


def _choices(enum: type[Enum]) -> tuple[tuple[str, str], ...]:
    return tuple((str(member.value), str(member.value)) for member in enum)


def breakdown_parts(dimensions: dict[str, list[str]]) -> list[Part]:
    return [Part(dimension, category) for dimension, categories in dimensions.items()
            for category in categories]


def values_of(kind: Kind, form: FormData | ImmutableMultiDict[str, Any]) -> dict[str, Any]:
    """What the browser posted, as the values the kind's input model reads (blanks left out)."""
    hints = typing.get_type_hints(kind.event, include_extras=True)
    values: dict[str, Any] = {}
    for name in kind.inputs:
        if name == BREAKDOWN:
            values[name] = _breakdown(form)
            continue
        held = plain_type(hints[name])
        origin = typing.get_origin(held)
        if origin is list:
            given = [str(v).strip() for v in form.getlist(name)]
            lines = [line.strip() for text in given for line in text.splitlines()]
            values[name] = [line for line in lines if line]
        elif origin is dict:
            values[name] = _pairs(name, str(form.get(name, "")))
        else:
            text = str(form.get(name, "")).strip()
            if text:
                values[name] = text.replace(",", ".") if held in (Decimal, int, float) \
                    else text
    return {k: v for k, v in values.items() if v not in (None, [], {})}


def _pairs(name: str, text: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise InvalidInput(f"{line.strip()!r} is not KEY=VALUE", field=name)
        pairs[key.strip()] = value.strip()
    return pairs


def _breakdown(form: FormData | ImmutableMultiDict[str, Any]) -> dict[str, dict[str, str]]:
    parts: dict[str, dict[str, str]] = {}
    for key, value in form.multi_items():
        if key.startswith(f"{BREAKDOWN}.") and str(value).strip():
            _, dimension, category = key.split(".", 2)
            parts.setdefault(dimension, {})[category] = str(value).strip().replace(",", ".")
    return parts


def problems_of(kind: Kind, values: dict[str, Any]) -> dict[str, str]:
    """The input model's message for each field it refuses (empty when all is well)."""
    try:
        kind.input_model.model_validate(values)
    except ValidationError as error:
        found: dict[str, str] = {}
        for problem in error.errors():
            where = [str(p) for p in problem["loc"]]
            name = where[0] if where else ""
            message = problem["msg"]
            if name == BREAKDOWN and len(where) > 2:
                name = ".".join(where[:3])
            found.setdefault(name, message)
        return found
    return {}
