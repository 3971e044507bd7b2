"""eventsourcing's own recorder test cases, run against the project's recorders.

The recorders in ``scaletrack.persistence`` extend the library's (each event's
chain link in its transaction, recorded-at in store order, sealed snapshots);
the library's test cases check that they still keep every promise of the
library's interfaces. Then the chain the library's tests left behind is
checked too: every event they inserted has its link.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from eventsourcing.persistence import ApplicationRecorder
from eventsourcing.postgres import (
    PostgresApplicationRecorder,
    PostgresDatastore,
    PostgresProcessRecorder,
    PostgresTrackingRecorder,
)
from eventsourcing.sqlite import (
    SQLiteAggregateRecorder,
    SQLiteApplicationRecorder,
    SQLiteDatastore,
    SQLiteProcessRecorder,
    SQLiteTrackingRecorder,
)
from eventsourcing.tests.persistence import (
    AggregateRecorderTestCase,
    ApplicationRecorderTestCase,
    InfrastructureFactoryTestCase,
    NonInterleavingNotificationIDsBaseCase,
)
from eventsourcing.utils import Environment

from scaletrack.application.store import StoreURL
from scaletrack.persistence import postgres, sqlite
from scaletrack.persistence.recorder import ChainedRecorder


class SQLiteStore:
    """A fresh SQLite file for each test."""

    path: Path

    @pytest.fixture(autouse=True)
    def _file(self, tmp_path: Path) -> None:
        self.path = tmp_path / "recorders.db"

    def datastore(self) -> SQLiteDatastore:
        return SQLiteDatastore(str(self.path), lock_timeout=30)


class PostgresStore:
    """A fresh PostgreSQL database for each test."""

    url: str

    @pytest.fixture(autouse=True)
    def _database(self, pg_url: str) -> None:
        self.url = pg_url

    def datastore(self) -> PostgresDatastore:
        store = StoreURL.parse(self.url)
        return PostgresDatastore(store.dbname, store.host, store.port, store.user,
                                 store.password, pool_size=4, max_overflow=10,
                                 lock_timeout=10)


class SQLiteTracking(SQLiteTrackingRecorder):
    """A tracking recorder subclass, as the factory test case asks for one."""


class PostgresTracking(PostgresTrackingRecorder):
    """A tracking recorder subclass, as the factory test case asks for one."""


def every_event_is_linked(recorder: ApplicationRecorder) -> None:
    assert isinstance(recorder, ChainedRecorder)
    stored = [row.position for row in recorder.chain.rows()]
    assert [link.position for link in recorder.chain.links()] == stored
    assert [link.seq for link in recorder.chain.links()] == list(range(1, len(stored) + 1))


# -- SQLite ---------------------------------------------------------------------------


class TestSQLiteEventRecorder(SQLiteStore, ApplicationRecorderTestCase[sqlite.EventRecorder]):
    def create_recorder(self) -> sqlite.EventRecorder:
        recorder = sqlite.EventRecorder(self.datastore())
        recorder.create_table()
        self.recorders = [*getattr(self, "recorders", []), recorder]
        return recorder

    def tearDown(self) -> None:
        for recorder in getattr(self, "recorders", []):
            every_event_is_linked(recorder)
        super().tearDown()


class TestSQLiteEventOrder(SQLiteStore, NonInterleavingNotificationIDsBaseCase):
    insert_num = 500

    def create_recorder(self) -> ApplicationRecorder:
        recorder = sqlite.EventRecorder(self.datastore())
        recorder.create_table()
        return recorder


class TestSQLiteSnapshotRecorder(SQLiteStore, AggregateRecorderTestCase):
    def create_recorder(self) -> sqlite.SnapshotRecorder:
        datastore = self.datastore()
        sqlite.EventRecorder(datastore).create_table()
        recorder = sqlite.SnapshotRecorder(datastore)
        recorder.create_table()
        return recorder


class TestSQLiteFactory(SQLiteStore, InfrastructureFactoryTestCase[sqlite.Factory]):
    def setUp(self) -> None:
        self.env = Environment("TestCase", {"PERSISTENCE_MODULE": sqlite.__name__,
                                            "SQLITE_DBNAME": str(self.path)})
        super().setUp()

    def expected_factory_class(self) -> type[sqlite.Factory]:
        return sqlite.Factory

    def expected_aggregate_recorder_class(self) -> type[Any]:
        return SQLiteAggregateRecorder

    def expected_application_recorder_class(self) -> type[Any]:
        return sqlite.EventRecorder

    def expected_tracking_recorder_class(self) -> type[Any]:
        return SQLiteTrackingRecorder

    def tracking_recorder_subclass(self) -> type[Any]:
        return SQLiteTracking

    def expected_process_recorder_class(self) -> type[Any]:
        return SQLiteProcessRecorder

    def test_create_snapshot_recorder(self) -> None:
        assert type(self.factory.aggregate_recorder("snapshots")) is sqlite.SnapshotRecorder

    def test_the_application_recorder_is_the_library_s_extended(self) -> None:
        assert issubclass(sqlite.EventRecorder, SQLiteApplicationRecorder)


# -- PostgreSQL -----------------------------------------------------------------------


@pytest.mark.postgres
class TestPostgresEventRecorder(PostgresStore,
                                ApplicationRecorderTestCase[postgres.EventRecorder]):
    def create_recorder(self) -> postgres.EventRecorder:
        recorder = postgres.EventRecorder(self.datastore(), events_table_name="stored_events")
        recorder.create_table()
        self.recorders = [*getattr(self, "recorders", []), recorder]
        return recorder

    def tearDown(self) -> None:
        for recorder in getattr(self, "recorders", []):
            every_event_is_linked(recorder)
            recorder.datastore.close()
        super().tearDown()


@pytest.mark.postgres
class TestPostgresEventOrder(PostgresStore, NonInterleavingNotificationIDsBaseCase):
    insert_num = 500

    def create_recorder(self) -> ApplicationRecorder:
        recorder = postgres.EventRecorder(self.datastore(), events_table_name="stored_events")
        recorder.create_table()
        return recorder


@pytest.mark.postgres
class TestPostgresSnapshotRecorder(PostgresStore, AggregateRecorderTestCase):
    def create_recorder(self) -> postgres.SnapshotRecorder:
        datastore = self.datastore()
        postgres.EventRecorder(datastore, events_table_name="stored_events").create_table()
        recorder = postgres.SnapshotRecorder(datastore, events_table_name="stored_snapshots",
                                             chained="stored_events")
        recorder.create_table()
        return recorder


@pytest.mark.postgres
class TestPostgresFactory(PostgresStore, InfrastructureFactoryTestCase[postgres.Factory]):
    def setUp(self) -> None:
        store = StoreURL.parse(self.url)
        self.env = Environment("TestCase", {
            "PERSISTENCE_MODULE": postgres.__name__, "POSTGRES_DBNAME": store.dbname,
            "POSTGRES_HOST": store.host, "POSTGRES_PORT": str(store.port),
            "POSTGRES_USER": store.user, "POSTGRES_PASSWORD": store.password})
        super().setUp()

    def expected_factory_class(self) -> type[postgres.Factory]:
        return postgres.Factory

    def expected_aggregate_recorder_class(self) -> type[Any]:
        from eventsourcing.postgres import PostgresAggregateRecorder

        return PostgresAggregateRecorder

    def expected_application_recorder_class(self) -> type[Any]:
        return postgres.EventRecorder

    def expected_tracking_recorder_class(self) -> type[Any]:
        return PostgresTrackingRecorder

    def tracking_recorder_subclass(self) -> type[Any]:
        return PostgresTracking

    def expected_process_recorder_class(self) -> type[Any]:
        return PostgresProcessRecorder

    def test_create_snapshot_recorder(self) -> None:
        assert type(self.factory.aggregate_recorder("snapshots")) is postgres.SnapshotRecorder

    def test_the_application_recorder_is_the_library_s_extended(self) -> None:
        assert issubclass(postgres.EventRecorder, PostgresApplicationRecorder)

