"""Crash test: the real rungd killed with SIGKILL at random moments.

Each round starts rungd on the same database, sends ingest batches (each with
its own request_id and content) from two threads, and kills the daemon: in
even rounds once a random number of batches were acknowledged, in odd rounds
at a random moment after an EvaluateAdSets call of a few thousand ad sets was
sent. After the restart the database must hold every acknowledged batch whole,
every other batch whole or not at all, every evaluation whole (its run and
each of its recommendations) or not at all, and (SQLite) pass PRAGMA
integrity_check.

One implementation runs on each engine (databases.py): SqliteCrashTest on a
file, PostgresCrashTest on a database of a throwaway cluster that lives on
while rungd is killed and restarted on it.

The kill moment is the test's random variable, drawn from a fixed seed; the
test never sleeps to wait for something to happen. RUNG_CRASH_ROUNDS raises
the round count for a long run, RUNG_CRASH_ROUNDS_POSTGRES PostgreSQL's
(RUNG_CRASH_SEED changes the draw).
"""

import datetime
import json
import os
import random
import signal
import threading
import time
import unittest

import grpc

from rung.v1 import ad_set_pb2
from rung.v1 import advisor_service_pb2 as api
from rung.v1 import advisor_service_pb2_grpc as api_grpc

from databases import PostgresEngine, SqliteEngine, close_shared_cluster

SEED = int(os.environ.get("RUNG_CRASH_SEED", "20260105"))
# Enough ad sets that an evaluation takes a while, so that kills land in it.
SEEDED_AD_SETS = 3000
SEEDED_ACCOUNT = "act_seed"
DATA_WEEK = "2020-01-06"
SENDERS = 2
DEADLINE = 30.0


def record(ad_set_id, week_start, purchases, spend_micros, account_id="act_crash"):
    rec = ad_set_pb2.AdSetWeek(
        account_id=account_id,
        campaign_id="cmp_crash",
        ad_set_id=ad_set_id,
        week_start=week_start,
        optimization_event="Purchase",
        spend_micros=spend_micros,
    )
    rec.event_counts["Purchase"] = purchases
    rec.event_counts["AddToCart"] = purchases * 5 + 1
    return rec


def as_of_week(round_number):
    """A week of its own for each round's evaluation, so that no run replaces another's rows."""
    return (datetime.date(2021, 1, 4) + datetime.timedelta(weeks=round_number)).isoformat()


def evaluation_request(round_number):
    """The seeded account only, so that a run's size does not grow with the batches."""
    return api.EvaluateAdSetsRequest(as_of_week=as_of_week(round_number), account_id=SEEDED_ACCOUNT)


class Batch:
    """One ingest request and what it must leave in the database."""

    def __init__(self, round_number, index, rng):
        self.request_id = f"crash-r{round_number}-b{index}"
        self.records = [
            record(f"as_r{round_number}_b{index}_{j}", DATA_WEEK, rng.randrange(0, 10_000), rng.randrange(0, 10**9))
            for j in range(rng.randrange(1, 120))
        ]

    def request(self):
        return api.IngestWeeksRequest(request_id=self.request_id, weeks=self.records)

    def stored_count(self, stored):
        """How many of its records `stored` (ad set id -> row of Round.stored_weeks)
        holds with exactly the values sent."""
        found = 0
        for rec in self.records:
            row = stored.get(rec.ad_set_id)
            if row is None:
                continue
            week_start, event, spend, counts = row
            if (week_start, event, spend) != (rec.week_start, rec.optimization_event, str(rec.spend_micros)) or (
                json.loads(counts) != dict(rec.event_counts)
            ):
                raise AssertionError(f"{self.request_id}: {rec.ad_set_id} stored as {row}")
            found += 1
        return found


class Round:
    """Senders that ingest batches until the daemon dies; acknowledged ones are noted."""

    def __init__(self, round_number, address, rng):
        self.round_number = round_number
        self.channel = grpc.insecure_channel(address)
        self.stub = api_grpc.AdvisorServiceStub(self.channel)
        self.rng = rng
        self.sent = []
        self.acked = set()
        self.cond = threading.Condition()
        self.threads = [threading.Thread(target=self._send, daemon=True) for _ in range(SENDERS)]

    def start(self):
        for thread in self.threads:
            thread.start()

    def _next_batch(self):
        with self.cond:
            batch = Batch(self.round_number, len(self.sent), self.rng)
            self.sent.append(batch)
            return batch

    def _send(self):
        while True:
            batch = self._next_batch()
            try:
                self.stub.IngestWeeks(batch.request(), timeout=DEADLINE)
            except grpc.RpcError:
                return  # the daemon is gone
            with self.cond:
                self.acked.add(batch.request_id)
                self.cond.notify_all()

    def wait_for_acks(self, count):
        with self.cond:
            if not self.cond.wait_for(lambda: len(self.acked) >= count, timeout=DEADLINE):
                raise AssertionError(f"round {self.round_number}: {len(self.acked)} of {count} batches acknowledged")

    def finish(self):
        for thread in self.threads:
            thread.join(DEADLINE)
        self.channel.close()

    def stored_weeks(self, database):
        """This round's stored weeks (ad set id -> week, event, spend, counts), in one query."""
        prefix = f"as_r{self.round_number}_"
        found = database.rows(
            "SELECT ad_set_id, week_start, optimization_event, spend_micros, event_counts FROM ad_set_weeks "
            "WHERE substr(ad_set_id, 1, ?) = ?",
            (len(prefix), prefix),
        )
        return {row[0]: row[1:] for row in found}

    def logged_requests(self, database):
        """How often each of this round's request ids is in the idempotency log."""
        prefix = f"crash-r{self.round_number}-"
        logged = {}
        for (request_id,) in database.rows(
            "SELECT request_id FROM ingest_requests WHERE substr(request_id, 1, ?) = ?", (len(prefix), prefix)
        ):
            logged[request_id] = logged.get(request_id, 0) + 1
        return logged


class CrashCases:
    """The crash test on a database of the class's engine (cls.new_database)."""

    def setUp(self):
        self.database = self.new_database()
        self.addCleanup(self.database.close)
        self.rng = random.Random(SEED)
        self.tally = {
            "acked batches": 0,
            "unacked batches whole": 0,
            "unacked batches absent": 0,
            "acked evaluations": 0,
            "unacked evaluations whole": 0,
            "unacked evaluations absent": 0,
            "kills within a measured evaluation time": 0,
        }

    def seed(self, daemon):
        """Ad sets for the evaluations to chew on, and the time one evaluation takes."""
        with grpc.insecure_channel(daemon.address) as channel:
            stub = api_grpc.AdvisorServiceStub(channel)
            records = [
                record(f"as_seed_{i:05d}", DATA_WEEK, i % 700, 10**8, SEEDED_ACCOUNT) for i in range(SEEDED_AD_SETS)
            ]
            for start in range(0, len(records), 1000):
                stub.IngestWeeks(api.IngestWeeksRequest(weeks=records[start : start + 1000]), timeout=DEADLINE)
            started = time.monotonic()
            stub.EvaluateAdSets(evaluation_request(0), timeout=DEADLINE)
            return time.monotonic() - started

    def kill_during_evaluation(self, daemon, round_number, run_time):
        """Sends an evaluation, kills the daemon at a random moment of about its run time; True when acknowledged."""
        channel = grpc.insecure_channel(daemon.address)
        call = api_grpc.AdvisorServiceStub(channel).EvaluateAdSets.future(
            evaluation_request(round_number), timeout=DEADLINE
        )
        # Ingest goes on beside the run and slows it, hence the wide range.
        delay = self.rng.uniform(0, 2 * run_time)
        # The random moment of the kill, not a wait for anything.
        time.sleep(delay)
        daemon.stop(signal.SIGKILL)
        try:
            call.result()
            acked = True
        except grpc.RpcError:
            acked = False
        channel.close()
        if delay < run_time:
            self.tally["kills within a measured evaluation time"] += 1
        return acked

    def check_batches(self, crash_round):
        stored_weeks = crash_round.stored_weeks(self.database)
        logged_requests = crash_round.logged_requests(self.database)
        for batch in crash_round.sent:
            stored = batch.stored_count(stored_weeks)
            logged = logged_requests.get(batch.request_id, 0)
            whole = stored == len(batch.records) and logged == 1
            absent = stored == 0 and logged == 0
            if batch.request_id in crash_round.acked:
                self.assertTrue(whole, f"acknowledged {batch.request_id}: {stored} of {len(batch.records)} records")
                self.tally["acked batches"] += 1
            else:
                self.assertTrue(whole or absent, f"{batch.request_id}: {stored} of {len(batch.records)} records")
                self.tally["unacked batches whole" if whole else "unacked batches absent"] += 1

    def check_evaluations(self, round_number, acked):
        orphans = self.database.rows(
            "SELECT count(*) FROM recommendations AS r "
            "WHERE NOT EXISTS (SELECT 1 FROM evaluations AS e WHERE e.evaluation_id = r.evaluation_id)"
        )
        self.assertEqual(orphans, [("0",)], "recommendations of a run that was never recorded")
        for evaluation_id, evaluated, rows in self.database.rows(
            "SELECT e.evaluation_id, e.evaluated, "
            "(SELECT count(*) FROM recommendations AS r WHERE r.evaluation_id = e.evaluation_id) FROM evaluations AS e"
        ):
            self.assertEqual(rows, evaluated, f"evaluation {evaluation_id}")
        if acked is None:
            return
        # Both engines answer a week as its ISO date.
        [(runs,)] = self.database.rows(
            "SELECT count(*) FROM evaluations WHERE as_of_week = ?", (as_of_week(round_number),)
        )
        runs = int(runs)
        if acked:
            self.assertEqual(runs, 1, f"round {round_number}: the acknowledged evaluation is missing")
            self.tally["acked evaluations"] += 1
        else:
            self.tally["unacked evaluations whole" if runs else "unacked evaluations absent"] += 1

    def test_kill_9_loses_nothing_acknowledged_and_leaves_nothing_half(self):
        daemon = self.database.start_rungd()
        self.addCleanup(daemon.stop, signal.SIGKILL)
        run_time = self.seed(daemon)
        for round_number in range(1, self.ROUNDS + 1):
            crash_round = Round(round_number, daemon.address, self.rng)
            crash_round.start()
            evaluation_acked = None
            if round_number % 2 == 0:
                crash_round.wait_for_acks(self.rng.randrange(0, 40))
                daemon.stop(signal.SIGKILL)
            else:
                evaluation_acked = self.kill_during_evaluation(daemon, round_number, run_time)
            crash_round.finish()

            daemon = self.database.start_rungd()
            self.addCleanup(daemon.stop, signal.SIGKILL)
            self.assertEqual(self.database.integrity_problems(), [])
            self.check_batches(crash_round)
            self.check_evaluations(round_number, evaluation_acked)
        code, err = daemon.stop(signal.SIGTERM)
        self.assertEqual(code, 0, err)
        summary = ", ".join(f"{name}: {count}" for name, count in self.tally.items())
        print(
            f"\ncrash test on {self.ENGINE}: {self.ROUNDS} kill -9 rounds (seed {SEED}, evaluation of "
            f"~{SEEDED_AD_SETS} ad sets took {run_time:.2f} s); {summary}; nothing half stored"
            f"{self.INTEGRITY_NOTE}",
            flush=True,
        )


class SqliteCrashTest(SqliteEngine, CrashCases, unittest.TestCase):
    ROUNDS = int(os.environ.get("RUNG_CRASH_ROUNDS", "40"))
    INTEGRITY_NOTE = "; integrity_check ok after every restart"


class PostgresCrashTest(PostgresEngine, CrashCases, unittest.TestCase):
    ROUNDS = int(os.environ.get("RUNG_CRASH_ROUNDS_POSTGRES", "20"))
    INTEGRITY_NOTE = ""


def tearDownModule():
    close_shared_cluster()


if __name__ == "__main__":
    unittest.main()
