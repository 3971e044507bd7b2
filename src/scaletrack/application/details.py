"""A decision's details as a person reads them: labelled, in words, money as money.

The decision log's documents carry each decision's fields as recorded
(``esf_funded: true``, ``duration_months: 6``, ``budget_eur: "72500"``); the
pilot page's decision log, the CLI's ``decisions`` table and the reports show them
as "ESF+-funded: yes", "Duration: 6 months", "Budget: 72,500 EUR" (the JSON keeps
them as recorded).
A detail not stated (None) is left out. A field without a label of its own (one
added later) is shown by its name in words, so nothing recorded is hidden.

The same labeller words every other event's fields for the pilot's history
(``due_on: 2022-09-21`` reads "Due on: 2022-09-21", ``amount_eur: "11080"``
"Amount: 11,080 EUR", ``originator_approval_required: true`` "... : yes"), in
the order they were recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from scaletrack.application.wording import ENGLISH, Language

Shown = tuple[str, str]
"""A detail's label and its value, both as a person reads them."""


def _labels(_: Callable[[str], str]) -> dict[str, str]:
    """Each field's label, in the order a reader takes a decision in."""
    return {
        "from_stage": _("From stage"), "to_stage": _("To stage"),
        "pilot_type": _("Pilot type"), "mechanism": _("Mechanism"),
        "affiliation_form": _("Affiliation form"), "dimensions": _("Scaling dimensions"),
        "provider": _("Provider"), "decision": _("Decision"), "level": _("Level"),
        "instrument": _("Instrument"), "budget_eur": _("Budget"),
        "duration_months": _("Duration"), "coverage": _("Coverage"),
        "esf_funded": _("ESF+-funded"), "revenue_mix": _("Revenue mix"),
        "cost_per_beneficiary_eur": _("Cost per beneficiary"), "roles": _("Roles"),
        "fte": _("FTE"), "training": _("Training"), "component": _("Component"),
        "core": _("Core component"), "summary": _("Summary"),
        "approved_by": _("Approved by"), "approved_on": _("Approved on"),
        "method": _("Method"), "design": _("Design"), "independence": _("Independence"),
        "sample_size": _("Sample size"), "evidence_level": _("Evidence level (1-5)"),
        "findings": _("Findings"), "recommendation": _("Recommendation"),
        "outcome": _("Outcome"), "lessons": _("Lessons"),
        "corrected_type": _("Corrected entry"), "retracted_type": _("Retracted entry"),
        "data": _("Corrected to"), "co_financing_rate": _("Co-financing rate"),
    }


WORDS = frozenset({"from_stage", "to_stage", "mechanism", "affiliation_form", "level",
                   "decision", "recommendation", "independence", "outcome", "severity",
                   "cost_option", "role"})
"""Fields whose values are codes of the vocabulary (``readiness-assessed``); a pilot type
(scale-up) and a design (quasi-experimental) are English words with their hyphens; a
funding source (``easi-2014-2020``) is a programme's code, as the money facts show it."""

EVENT_TYPES = frozenset({"corrected_type", "retracted_type"})
"""Fields whose values are event types (``pilot.business-model-revised``)."""

REFERENCES = frozenset({"corrects", "retracts", "indicator_version"})
"""Fields that name a thing (an entry's version, a definition's), not a quantity: as recorded,
never grouped in thousands."""


def decision_details(language: Language, details: Mapping[str, Any]) -> list[Shown]:
    """Each stated detail of a decision, labelled, in reading order (a field without a
    label of its own last)."""
    labels = _labels(language.gettext)
    order = list(labels)
    stated = sorted((name for name, value in details.items() if value is not None),
                    key=lambda name: order.index(name) if name in labels else len(order))
    return [(_label(language, labels, name), _value(language, name, details[name]))
            for name in stated]


def event_details(language: Language, data: Mapping[str, Any]) -> list[Shown]:
    """Each stated field of an event as recorded (any kind), labelled, in recorded order."""
    labels = _labels(language.gettext)
    return [(_label(language, labels, name), _value(language, name, value))
            for name, value in data.items() if value not in (None, [], {})]


def event_text(data: Mapping[str, Any], language: Language = ENGLISH) -> str:
    """An event's stated fields in one line: "Milestone: M4; Due on: 2022-09-21"."""
    return details_text(data, language, event_details)


def details_text(details: Mapping[str, Any], language: Language = ENGLISH,
                 shown: Callable[[Language, Mapping[str, Any]], list[Shown]] = decision_details
                 ) -> str:
    """A decision's stated details in one line: "Duration: 6 months; Budget: 72,500 EUR"
    (or, with :func:`event_details`, any event's fields)."""
    return "; ".join(f"{label}: {value}" for label, value in shown(language, details))


def _label(language: Language, labels: Mapping[str, str], name: str) -> str:
    return labels.get(name) or language.gettext(_words(name))


def _words(name: str) -> str:
    return name.removesuffix("_eur").replace("_", " ").capitalize()


def _value(language: Language, name: str, value: Any) -> str:
    _ = language.gettext
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if name.endswith("_eur"):
        return language.number(Decimal(str(value)), "EUR")
    if name == "duration_months":
        months = int(value)
        return language.ngettext("%(num)s month", "%(num)s months", months) % {"num": months}
    if name == "revenue_mix" and isinstance(value, Mapping):
        return ", ".join(f"{source} {language.percent(Decimal(str(share)))}"
                         for source, share in value.items())
    if name in WORDS:
        return language.word(str(value))
    if name in EVENT_TYPES:
        return language.word(str(value).split(".", 1)[-1])
    if name in REFERENCES:
        return str(value)
    if name == "data" and isinstance(value, Mapping):  # a correction's new fields
        return f"({details_text(value, language, event_details)})"
    if isinstance(value, list | tuple):
        return ", ".join(_value(language, "", item) for item in value)
    if isinstance(value, Mapping):  # a breakdown: "sex (female 5, male 7)"
        return ", ".join(f"{language.word(key)} ({_value(language, '', item)})"
                         if isinstance(item, Mapping) else f"{key} {_value(language, '', item)}"
                         for key, item in value.items())
    if isinstance(value, int | Decimal | float):
        return language.number(value)
    if isinstance(value, date):
        return language.date(value)
    return str(value)
