"""The two engines rungd stores in, for tests that run against both.

A test class takes one engine by mixing in SqliteEngine or PostgresEngine
before its cases and unittest.TestCase:

    class SqliteInteropTest(SqliteEngine, InteropCases, unittest.TestCase): ...
    class PostgresInteropTest(PostgresEngine, InteropCases, unittest.TestCase): ...

and gets a fresh database from cls.new_database(): a SQLite file in a
temporary directory, or a new database on the one PostgreSQL cluster that
the test module shares (started at its first database; a module that uses
PostgresEngine calls close_shared_cluster() in its tearDownModule). Both
answer the same questions: start rungd on it, read what rungd stored.
"""

import os
import sqlite3
import tempfile
from contextlib import closing

import postgres_cluster
from rungd_process import RungdProcess


class SqliteDatabase:
    """A database file in a temporary directory of its own."""

    engine = "sqlite"

    def __init__(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.directory = self._tmp.name
        self.path = os.path.join(self.directory, "rung.db")

    def start_rungd(self, extra_args=(), **kwargs):
        return RungdProcess(self.path, extra_args, **kwargs)

    def rows(self, sql, params=()):
        """The rows of `sql` (`?` placeholders), values as strings ('' for NULL)."""
        # Read-only beside a running or restarted daemon, which owns the WAL.
        with closing(sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)) as db:
            return [tuple("" if v is None else str(v) for v in row) for row in db.execute(sql, params)]

    def integrity_problems(self):
        """What the engine's own check of the file finds; empty when sound."""
        answer = self.rows("PRAGMA integrity_check")
        return [] if answer == [("ok",)] else answer

    def close(self):
        self._tmp.cleanup()


def _literal(value):
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


class PostgresDatabase:
    """A fresh database on a running cluster. rungd gets its URI in RUNG_DB,
    the preferred way: the password stays out of argv."""

    engine = "postgres"

    def __init__(self, cluster):
        self.uri = cluster.create_database()
        self._tmp = tempfile.TemporaryDirectory()
        # For files a test puts next to the daemon (config, certificates).
        self.directory = self._tmp.name

    def start_rungd(self, extra_args=(), env=None, **kwargs):
        return RungdProcess(None, extra_args, env={**(env or {}), "RUNG_DB": self.uri}, **kwargs)

    def rows(self, sql, params=()):
        """As SqliteDatabase.rows: `?` placeholders, values as strings."""
        pieces = sql.split("?")
        if len(pieces) != len(params) + 1:
            raise ValueError(f"{len(params)} parameters for {len(pieces) - 1} placeholders in {sql!r}")
        text = pieces[0] + "".join(_literal(p) + piece for p, piece in zip(params, pieces[1:]))
        return postgres_cluster.rows(self.uri, text)

    def integrity_problems(self):
        # No cheap check of a whole database: the server keeps its own files.
        return []

    def close(self):
        # The database goes with the cluster.
        self._tmp.cleanup()


class _SharedCluster:
    """One cluster for a test process, started when a test first needs it."""

    def __init__(self):
        self.cluster = None

    def get(self):
        if self.cluster is None:
            self.cluster = postgres_cluster.PostgresCluster()
        return self.cluster

    def close(self):
        if self.cluster is not None:
            cluster, self.cluster = self.cluster, None
            code = cluster.close()
            if code != 0:
                raise RuntimeError(f"rung_test_postgres exited {code}")


_SHARED = _SharedCluster()


def shared_cluster():
    """The test process's cluster, started on first use."""
    return _SHARED.get()


def close_shared_cluster():
    """Stops and removes the shared cluster, if one was started; for tearDownModule."""
    _SHARED.close()


class SqliteEngine:
    ENGINE = "sqlite"

    @classmethod
    def new_database(cls):
        return SqliteDatabase()


class PostgresEngine:
    ENGINE = "postgres"

    @classmethod
    def new_database(cls):
        return PostgresDatabase(shared_cluster())
