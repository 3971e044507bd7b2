"""A view at a point, read from the bitemporal rows, equals the replay of what that point sees.

The views that keep both times of their rows (impact, progress, portfolio,
timeline) answer a point with the same indexed queries as now. Hypothesis runs the
command sequences of the views' oracle test (late reports, corrections,
retractions, slipped and backdated milestones, indicator revisions) and,
between commands, asks a view at a drawn point with drawn filters; the
answer must equal the old way: the facts that point sees, replayed into a
private database. The events one point sees and another does not come from
the timeline's indexed times; they must be those the replay's rule selects.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule, run_state_machine_as_test

from scaletrack.application.documents import plain
from scaletrack.application.queries.reading import ReadStore
from scaletrack.application.queries.views import document, replayed, seen_at
from scaletrack.application.timetravel import PointInTime, parse_moment
from scaletrack.domain.errors import NotFound
from scaletrack.projections import diffing
from scaletrack.projections.bitemporal import Point
from scaletrack.projections.database import reading
from scaletrack.projections.filters import Filters
from test_projections_oracle import CONSORTIA, PERIODS, Views
from test_timetravel_diff import history  # noqa: F401 - the fixture

INDEXED = ("impact", "progress", "portfolio", "timeline")


def points() -> st.SearchStrategy[PointInTime]:
    as_of = st.none() | st.dates(date(2021, 12, 30), date(2023, 2, 2))
    known_at = st.none() | st.datetimes(datetime(2023, 2, 1), datetime(2023, 2, 20),
                                        timezones=st.just(UTC))
    return st.builds(PointInTime, as_of, known_at).filter(lambda p: not p.is_now)


def filters(pilots: list[str]) -> st.SearchStrategy[Filters]:
    return st.one_of(
        st.just(Filters()),
        st.builds(Filters, pilot=st.sampled_from(pilots)),
        st.builds(Filters, consortium=st.sampled_from(sorted(CONSORTIA))),
        st.builds(Filters, country=st.sampled_from(["IT", "GR", "PL"])),
        st.builds(Filters, indicator=st.sampled_from(["PART", "SITES", "POLICY"]),
                  period=st.none() | st.sampled_from(PERIODS)))


def replay_answer(store: ReadStore, name: str, wanted: Filters, at: PointInTime) -> Any:
    facts, now = store.facts(), store.ledger.clock()
    if at.is_after(now):
        at = PointInTime()
    try:
        return plain(replayed(name, seen_at(at, facts), wanted, at.day(now)))
    except NotFound as error:
        return str(error)


def indexed_answer(store: ReadStore, name: str, wanted: Filters, at: PointInTime) -> Any:
    try:
        return plain(document(store, name, wanted, at))
    except NotFound as error:
        return str(error)


class PointViews(Views):
    """The oracle test's commands; between them, views at points compared both ways."""

    @precondition(lambda self: self.pilots)
    @rule(data=st.data())
    def at_a_point(self, data: st.DataObject) -> None:
        at = data.draw(points())
        wanted = data.draw(filters(self.pilots))
        moving, now = self.ledger.clock, self.clock.now
        self.ledger.clock = lambda: now  # one "now" for both answers
        try:
            with ReadStore(self.ledger) as store:
                for name in INDEXED:
                    assert indexed_answer(store, name, wanted, at) == \
                        replay_answer(store, name, wanted, at), name
        finally:
            self.ledger.clock = moving

    @precondition(lambda self: self.pilots)
    @rule(data=st.data())
    def between_two_points(self, data: st.DataObject) -> None:
        before, after = data.draw(points()), data.draw(points())
        with ReadStore(self.ledger) as store:
            facts = store.facts()
            one = {f.position for f in seen_at(before, facts)}
            other = {f.position for f in seen_at(after, facts)}
            store.catch_up(["directory", "timeline"])
            with reading(store.engine) as connection:
                seen = diffing.seen_between(
                    connection, Point.at(before.as_of, before.known_at),
                    Point.at(after.as_of, after.known_at), Filters())
        programme = {f.position for f in facts if not f.type.startswith("account.")}
        assert [(s.fact.position, s.side) for s in seen] == [
            (position, "to" if position in other else "from")
            for position in sorted((one ^ other) & programme)]

    def teardown(self) -> None:
        self.engine.dispose()
        self.ledger.close()


def test_the_bitemporal_views_answer_every_point_as_the_replay_does(store_url: str) -> None:
    PointViews.url = store_url
    run_state_machine_as_test(PointViews, settings=settings(
        max_examples=30, stateful_step_count=8, deadline=None,
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
        suppress_health_check=[HealthCheck.too_slow]))


@pytest.mark.parametrize("written", ["2022-09-01T01:30:00+03:00", "2022-08-31T22:30:00Z"])
def test_overdue_is_judged_on_the_utc_day_of_a_known_at_moment(written: str) -> None:
    assert PointInTime(known_at=parse_moment(written)).day(datetime.now(UTC)) == \
        date(2022, 8, 31)


@pytest.mark.usefixtures("history")
def test_a_correction_counts_as_activity_on_its_entry_s_day_never_after_the_as_of_date(
        run: Any) -> None:
    # The Q1 result occurred on 31 March; its correction was made on 1 August.
    done = run("progress", "--pilot", "SEED-GR-01", "--as-of", "2022-06-30", "--json")
    assert done.exit_code == 0, done.stderr
    [row] = done.json()["pilots"]
    assert row["last_activity"] == "2022-03-31"
