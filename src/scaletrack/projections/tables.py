"""The tables of every view.

Rows are keyed by the aggregate's id (``subject``, 32 hex digits) and the
event's version or a pilot-local reference; codes are joined in from the
directory when a view is read. Dates and moments are ISO 8601 text exactly
as the event states them (they sort as they compare); decimal figures are
text, so no figure is ever rounded through a float; lists and maps are JSON
text. Every name starts with ``scaletrack_`` like the store's own tables, so
emptying a store (``demo --fresh``) takes its views with it.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from scaletrack.projections.bitemporal import MICROS, Believed, Occurred
from scaletrack.projections.database import ViewTable

ID = String(32)
CODE = String(40)
DAY = String(10)
MOMENT = String(40)
POSITION = BigInteger().with_variant(Integer, "sqlite")
"""A notification id; on SQLite an INTEGER key is the row id itself (one index, not two)."""


class Subject(ViewTable):
    """Every consortium, indicator and pilot: its id, kind and code."""

    __tablename__ = "scaletrack_dir_subjects"
    subject: Mapped[str] = mapped_column(ID, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(CODE)
    position: Mapped[int] = mapped_column(POSITION)
    """Where it was registered in the store: lists keep that order."""
    version: Mapped[int] = mapped_column(Integer)
    """The version of its newest event."""


# -- directory: consortia, pilots, indicators -------------------------------------


class ConsortiumRow(ViewTable):
    __tablename__ = "scaletrack_dir_consortia"
    subject: Mapped[str] = mapped_column(ID, primary_key=True)
    code: Mapped[str] = mapped_column(CODE, unique=True)
    name: Mapped[str] = mapped_column(Text)
    lead: Mapped[str] = mapped_column(Text)


class MemberCountry(ViewTable):
    __tablename__ = "scaletrack_dir_member_countries"
    subject: Mapped[str] = mapped_column(ID, primary_key=True)
    country: Mapped[str] = mapped_column(String(2), primary_key=True)
    position: Mapped[int] = mapped_column(POSITION)
    place: Mapped[int] = mapped_column(Integer)
    """Its place in the list of the event that made it a member (countries keep that order)."""


class ConsortiumPartner(ViewTable):
    __tablename__ = "scaletrack_dir_partners"
    subject: Mapped[str] = mapped_column(ID, primary_key=True)
    organisation: Mapped[str] = mapped_column(Text, primary_key=True)
    country: Mapped[str] = mapped_column(String(2))
    role: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(POSITION)


class Centre(ViewTable):
    __tablename__ = "scaletrack_dir_centres"
    subject: Mapped[str] = mapped_column(ID, primary_key=True)
    country: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(POSITION)


class PilotRow(ViewTable):
    __tablename__ = "scaletrack_dir_pilots"
    subject: Mapped[str] = mapped_column(ID, primary_key=True)
    code: Mapped[str] = mapped_column(CODE, unique=True)
    consortium: Mapped[str] = mapped_column(CODE, index=True)
    title: Mapped[str] = mapped_column(Text)
    origin_country: Mapped[str] = mapped_column(String(2))
    target_countries: Mapped[str] = mapped_column(Text)
    pilot_type: Mapped[str | None] = mapped_column(String(20))
    dimensions: Mapped[str] = mapped_column(Text)
    mechanism: Mapped[str | None] = mapped_column(String(20))
    affiliation_form: Mapped[str | None] = mapped_column(String(20))
    stage: Mapped[str] = mapped_column(String(20))
    starts_on: Mapped[str] = mapped_column(DAY)
    ends_on: Mapped[str] = mapped_column(DAY)
    closed_on: Mapped[str | None] = mapped_column(DAY)
    """The day it was closed (None while it runs): later periods are no longer rated."""


class PilotCountry(ViewTable):
    """A pilot's countries: where its innovation comes from and where it is scaled into,
    and those an amendment took it out of (no longer ``current``), so that a view at a
    point before the amendment still finds the pilot under them."""

    __tablename__ = "scaletrack_dir_pilot_countries"
    subject: Mapped[str] = mapped_column(ID, primary_key=True)
    country: Mapped[str] = mapped_column(String(2), primary_key=True)
    current: Mapped[bool] = mapped_column(Boolean)


class IndicatorRow(ViewTable):
    __tablename__ = "scaletrack_dir_indicators"
    subject: Mapped[str] = mapped_column(ID, primary_key=True)
    code: Mapped[str] = mapped_column(CODE, unique=True)
    current_version: Mapped[int] = mapped_column(Integer)
    retired: Mapped[bool] = mapped_column(Boolean)


class IndicatorVersion(ViewTable):
    """One version of an indicator's definition; results keep the version they used."""

    __tablename__ = "scaletrack_dir_indicator_versions"
    code: Mapped[str] = mapped_column(CODE, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    level: Mapped[str] = mapped_column(String(20))
    measure: Mapped[str] = mapped_column(String(20))
    unit: Mapped[str] = mapped_column(Text)
    direction: Mapped[str] = mapped_column(String(10))
    accumulation: Mapped[str] = mapped_column(String(20))
    dimensions: Mapped[str] = mapped_column(Text)
    esf_common: Mapped[bool] = mapped_column(Boolean)
    """An ESF+ common indicator (a definition stored before the mark existed is not)."""


class DirectoryFact(Occurred, ViewTable):
    """An event the directory folds (not the lists' bookkeeping): the directory at a
    point is these, as that point sees them, folded by the directory's own handlers."""

    __tablename__ = "scaletrack_dir_facts"
    position: Mapped[int] = mapped_column(POSITION, primary_key=True)
    family: Mapped[str] = mapped_column(String(20))
    """consortium, indicator or pilot."""
    subject: Mapped[str] = mapped_column(ID)
    version: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(60))
    state: Mapped[str] = mapped_column(Text)

    __table_args__ = (Index("scaletrack_dir_facts_subject", "family", "subject"),)


class RatingSetting(Occurred, ViewTable):
    """A change of the rating settings: the thresholds and cap the views rate by, from the
    moment it was recorded (``since``), whatever day a view is asked about."""

    __tablename__ = "scaletrack_dir_rating_settings"
    position: Mapped[int] = mapped_column(POSITION, primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    on_track: Mapped[str] = mapped_column(String(40))
    at_risk: Mapped[str] = mapped_column(String(40))
    cap: Mapped[str | None] = mapped_column(String(40))


# -- progress ---------------------------------------------------------------------


class ProgressEvent(Occurred, ViewTable):
    """Every event of a pilot, at its valid day (a correction's or retraction's: that of
    the entry it names) and recorded moment; the milestones', risks' and period
    reports' with what they say. A point's progress folds those it sees."""

    __tablename__ = "scaletrack_progress_events"
    subject: Mapped[str] = mapped_column(ID, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str | None] = mapped_column(String(60))
    """The event's type, for the milestones', risks' and period reports' (else None)."""
    ref: Mapped[str | None] = mapped_column(Text)
    """The milestone, risk or period it is about."""
    due_on: Mapped[str | None] = mapped_column(DAY)
    """A milestone's due date as planned, or as slipped to."""


# -- impact -----------------------------------------------------------------------


class ImpactEntry(ViewTable):
    """A target or a result: what it is about, and the day it holds from (its
    figures, as corrected over time, are :class:`ImpactFigures`)."""

    __tablename__ = "scaletrack_impact_entries"
    subject: Mapped[str] = mapped_column(ID, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    """target or result."""
    indicator: Mapped[str] = mapped_column(CODE)
    indicator_version: Mapped[int] = mapped_column(Integer)
    period: Mapped[str] = mapped_column(String(7))
    valid_on: Mapped[str] = mapped_column(DAY)
    """The entry's occurred-on day: its figures, and every correction of them, hold from it."""


class ImpactFigures(Believed, ViewTable):
    """An entry's figures during the recorded interval the store believed them: the
    entry's own until a correction replaces them or a retraction withdraws them."""

    __tablename__ = "scaletrack_impact_figures"
    subject: Mapped[str] = mapped_column(ID, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    """The entry's version."""
    written_by: Mapped[int] = mapped_column(Integer, primary_key=True)
    """The version of the event that wrote them: the entry, or a correction of it."""
    baseline: Mapped[str | None] = mapped_column(String(40))
    target: Mapped[str | None] = mapped_column(String(40))
    value: Mapped[str | None] = mapped_column(String(40))
    narrative: Mapped[str | None] = mapped_column(Text)
    breakdown: Mapped[str] = mapped_column(Text)


# -- decision log -----------------------------------------------------------------


class Decision(ViewTable):
    __tablename__ = "scaletrack_decision_log"
    subject: Mapped[str] = mapped_column(ID, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    position: Mapped[int] = mapped_column(BigInteger)
    type: Mapped[str] = mapped_column(String(60))
    occurred_on: Mapped[str] = mapped_column(DAY)
    recorded_at: Mapped[str] = mapped_column(MOMENT)
    actor: Mapped[str] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[str] = mapped_column(Text)
    corrected_by: Mapped[int | None] = mapped_column(Integer)
    correction_reason: Mapped[str | None] = mapped_column(Text)


# -- finance ----------------------------------------------------------------------


class MoneyRow(ViewTable):
    """Money committed or paid from a source, or expenditure declared for a period, as the
    entry stands (amounts and rates as exact text)."""

    __tablename__ = "scaletrack_finance_money"
    subject: Mapped[str] = mapped_column(ID, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    position: Mapped[int] = mapped_column(BigInteger)
    flow: Mapped[str] = mapped_column(String(20))
    """committed, paid or declared."""
    occurred_on: Mapped[str] = mapped_column(DAY)
    funder: Mapped[str | None] = mapped_column(Text)
    funding_source: Mapped[str | None] = mapped_column(String(40))
    co_financing_rate: Mapped[str | None] = mapped_column(String(40))
    period: Mapped[str | None] = mapped_column(String(7))
    amount_eur: Mapped[str] = mapped_column(String(40))
    cost_option: Mapped[str | None] = mapped_column(String(20))
    units: Mapped[str | None] = mapped_column(String(40))
    unit_cost_eur: Mapped[str | None] = mapped_column(String(40))


# -- data quality -----------------------------------------------------------------


class Lag(ViewTable):
    __tablename__ = "scaletrack_quality_lag"
    subject: Mapped[str] = mapped_column(ID, primary_key=True)
    events: Mapped[int] = mapped_column(Integer)
    total_days: Mapped[int] = mapped_column(BigInteger)
    max_days: Mapped[int] = mapped_column(Integer)
    late: Mapped[int] = mapped_column(Integer)


class Approval(ViewTable):
    """A period's first approval: from then on, changes to it are edits after a lock."""

    __tablename__ = "scaletrack_quality_approvals"
    subject: Mapped[str] = mapped_column(ID, primary_key=True)
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    position: Mapped[int] = mapped_column(BigInteger)


class EntryPeriod(ViewTable):
    """The period of every entry, to know which period a correction touches."""

    __tablename__ = "scaletrack_quality_entry_periods"
    subject: Mapped[str] = mapped_column(ID, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    period: Mapped[str] = mapped_column(String(7))


class LockedEdit(ViewTable):
    """An entry, correction or retraction touching a period approved before it."""

    __tablename__ = "scaletrack_quality_locked_edits"
    subject: Mapped[str] = mapped_column(ID, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    position: Mapped[int] = mapped_column(BigInteger)
    type: Mapped[str] = mapped_column(String(60))
    touches: Mapped[int | None] = mapped_column(Integer)
    period: Mapped[str] = mapped_column(String(7))
    recorded_at: Mapped[str] = mapped_column(MOMENT)
    actor: Mapped[str] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)


class Mismatch(ViewTable):
    """A result whose parts do not add up to its total, in one dimension or more."""

    __tablename__ = "scaletrack_quality_mismatches"
    subject: Mapped[str] = mapped_column(ID, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator: Mapped[str] = mapped_column(CODE)
    period: Mapped[str] = mapped_column(String(7))
    total: Mapped[str] = mapped_column(String(40))
    sums: Mapped[str] = mapped_column(Text)


class Adaptation(ViewTable):
    __tablename__ = "scaletrack_quality_adaptations"
    subject: Mapped[str] = mapped_column(ID, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    component: Mapped[str] = mapped_column(Text)
    core: Mapped[bool] = mapped_column(Boolean)
    summary: Mapped[str] = mapped_column(Text)
    occurred_on: Mapped[str] = mapped_column(DAY)
    actor: Mapped[str] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)


# -- timeline ---------------------------------------------------------------------


class TimelineEvent(ViewTable):
    """Every event with both times, actor and reason; ``link`` is the version it corrects."""

    __tablename__ = "scaletrack_timeline"
    position: Mapped[int] = mapped_column(POSITION, primary_key=True)
    subject: Mapped[str] = mapped_column(ID)
    version: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(60))
    occurred_on: Mapped[str] = mapped_column(DAY)
    recorded_at: Mapped[str] = mapped_column(MOMENT)
    actor: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(Text)
    link: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(Text)
    valid_on: Mapped[str] = mapped_column(DAY)
    """The day it holds from: its own, or a correction's or retraction's entry's."""
    since: Mapped[int] = mapped_column(MICROS)
    """Its recorded-at moment in microseconds: which points see it is an indexed question."""

    __table_args__ = (Index("scaletrack_timeline_subject", "subject", "version"),)
