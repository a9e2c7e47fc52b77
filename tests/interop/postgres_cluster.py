"""A throwaway PostgreSQL cluster for the Python tests.

The cluster is started by the same C++ code as the C++ tests' clusters
(tests/support/postgres_server.h), run as the program rung_test_postgres
($RUNG_TEST_POSTGRES), so that there is one way of starting one: initdb into
a temporary directory, a free port on 127.0.0.1, an unprivileged user when
run as root. The program prints the URI of a fresh database, obeys "stop",
"start" and "createdb" on its stdin, and removes the cluster when its stdin
closes.

    with PostgresCluster() as cluster:
        rungd = RungdProcess(None, env={"RUNG_DB": cluster.uri})
        other = cluster.create_database()  # another empty database
        cluster.stop()   # an outage
        cluster.start()  # same data and port

Tests read what rungd stored with psql (`rows`), the client Debian's
postgresql package brings along with the server.
"""

import atexit
import csv
import io
import os
import subprocess

RUNG_TEST_POSTGRES = os.environ.get("RUNG_TEST_POSTGRES", "rung_test_postgres")


class PostgresCluster:
    """A running cluster and the URI of its database, as a context manager."""

    def __init__(self):
        # The program answers every line or exits (pg_ctl waits at most 60 s),
        # so reading its answers needs no deadline of its own.
        self.process = subprocess.Popen(
            [RUNG_TEST_POSTGRES],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        atexit.register(self.close)
        self.uri = self._answer("uri ")

    def _answer(self, prefix):
        line = self.process.stdout.readline()
        if not line.startswith(prefix):
            self.close()
            raise RuntimeError(f"rung_test_postgres answered {line!r}, not {prefix!r}")
        return line[len(prefix):].strip()

    def _command(self, command, answer):
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        self._answer(answer)

    def stop(self):
        """A fast shutdown: sessions end, the data stays."""
        self._command("stop", "stopped")

    def start(self):
        """Starts the stopped cluster again on the same data and port."""
        self._command("start", "started")

    def create_database(self):
        """A new, empty database on this cluster; answers its URI."""
        self.process.stdin.write("createdb\n")
        self.process.stdin.flush()
        return self._answer("uri ")

    def close(self):
        """Stops the cluster and removes it; answers the program's exit code."""
        if self.process.stdin and not self.process.stdin.closed:
            self.process.stdin.close()
        return self.process.wait(timeout=120)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def psql(uri, sql):
    """Runs `sql` with psql; answers the finished process (CSV on stdout)."""
    return subprocess.run(
        ["psql", "--no-psqlrc", "--csv", "--tuples-only", "--set=ON_ERROR_STOP=1", uri, "-c", sql],
        capture_output=True, text=True, timeout=60,
    )


def rows(uri, sql):
    """The rows `sql` answers, as tuples of strings (NULL and '' both read '')."""
    done = psql(uri, sql)
    if done.returncode != 0:
        raise RuntimeError(f"psql failed ({done.returncode}) on {sql!r}: {done.stderr.strip()}")
    return [tuple(row) for row in csv.reader(io.StringIO(done.stdout))]
