"""Two rungd replicas on one PostgreSQL database, as a deployment runs them.

What one replica acknowledges, the other serves at once: weeks ingested on A
read back on B, and an evaluation that A acknowledged is what B answers next,
although B keeps answers in a cache (keyed by the recommendations version,
which it reads from the database on every call). Evaluations of one week on
both replicas at once are stored one after the other; a replica killed in the
middle of one leaves that week's recommendations all from one committed run;
ingests of the same ad sets on both replicas at once are all acknowledged and
leave a state that one order of the batches explains.

The database is read with psql where the API cannot say (evaluation runs,
locks); no test sleeps to wait for something: each polls with a deadline.
"""

import concurrent.futures
import json
import random
import signal
import threading
import time
import unittest
import urllib.request

import grpc

from rung.v1 import ad_set_pb2
from rung.v1 import advisor_service_pb2 as api
from rung.v1 import advisor_service_pb2_grpc as api_grpc
from rung.v1 import recommendation_pb2 as rec

from databases import PostgresDatabase, close_shared_cluster, shared_cluster
from test_interop import SCENARIO_1_COUNTS, SEPTEMBER_WEEKS, paged_ad_set_ids, scenario_week

DEADLINE = 60.0
BIG_WEEK = "2020-01-06"
# Enough ad sets that a run takes a good while, so that a kill lands in it.
BIG_AD_SETS = 20_000
BIG_ACCOUNT = "act_big"


def tearDownModule():
    close_shared_cluster()


def big_records(count, account=BIG_ACCOUNT):
    records = []
    for i in range(count):
        record = ad_set_pb2.AdSetWeek(
            account_id=account, campaign_id="cmp_big", ad_set_id=f"{account}_{i:05d}", week_start=BIG_WEEK,
            optimization_event="Purchase", spend_micros=10**8)
        record.event_counts["Purchase"] = i % 700
        record.event_counts["AddToCart"] = (i % 700) * 5 + 1
        records.append(record)
    return records


def wait_for(condition, what, deadline=DEADLINE):
    """Polls `condition` until it answers something true; answers that."""
    give_up = time.monotonic() + deadline
    while True:
        answer = condition()
        if answer:
            return answer
        if time.monotonic() > give_up:
            raise AssertionError(f"not within {deadline} s: {what}")
        time.sleep(0.01)  # between polls, not a wait for the event


class Replica:
    def __init__(self, database):
        self.daemon = database.start_rungd()
        self.channel = grpc.insecure_channel(self.daemon.address)
        self.stub = api_grpc.AdvisorServiceStub(self.channel)

    def kill(self):
        """SIGKILL; the channel stays open, so that calls in flight see the daemon go."""
        self.daemon.stop(signal.SIGKILL)

    def stop(self):
        # A draining daemon waits for open connections to go.
        self.channel.close()
        return self.daemon.stop()


class ReplicasTest(unittest.TestCase):
    def setUp(self):
        self.database = PostgresDatabase(shared_cluster())
        self.addCleanup(self.database.close)
        self.a = Replica(self.database)
        self.addCleanup(self.stop_replica, self.a)
        self.b = Replica(self.database)
        self.addCleanup(self.stop_replica, self.b)

    def start_together(self, database):
        """Two replicas started at once, as a deployment rolls out: on an
        empty database, each migrates it or finds that the other one did."""
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            starting = [pool.submit(Replica, database) for _ in range(2)]
        for future in starting:
            if future.exception() is None:
                self.addCleanup(self.stop_replica, future.result())
        return [future.result() for future in starting]

    def stop_replica(self, replica):
        if replica.daemon.process.poll() is None:
            code, err = replica.stop()
            self.assertEqual(code, 0, err)
        replica.channel.close()

    def ingest(self, replica, records, batch=5000):
        for start in range(0, len(records), batch):
            replica.stub.IngestWeeks(api.IngestWeeksRequest(weeks=records[start:start + batch]), timeout=DEADLINE)

    def recommendation(self, replica, ad_set_id):
        return replica.stub.GetRecommendation(
            api.GetRecommendationRequest(ad_set_id=ad_set_id), timeout=DEADLINE).recommendation

    def http_recommendation(self, replica, ad_set_id):
        """The dashboard's JSON answer, from the replica's HTTP port."""
        url = f"http://{replica.daemon.http_address}/v1/adsets/{ad_set_id}/recommendation"
        with urllib.request.urlopen(url, timeout=DEADLINE) as answer:
            return json.loads(answer.read())

    def listed(self, replica, account):
        page = replica.stub.ListRecommendations(
            api.ListRecommendationsRequest(account_id=account), timeout=DEADLINE)
        return [(r.ad_set_id, r.action, r.evaluation_id) for r in page.recommendations]

    def week_runs(self, week):
        """The recorded runs of `week` ({evaluation_id: evaluated}) and, per run,
        how many of the week's recommendations it wrote."""
        runs = dict(self.database.rows("SELECT evaluation_id, evaluated FROM evaluations WHERE as_of_week = ?",
                                       (week,)))
        written = dict(self.database.rows(
            "SELECT evaluation_id, count(*) FROM recommendations WHERE as_of_week = ? GROUP BY evaluation_id",
            (week,)))
        return runs, written

    def assertNoOrphans(self):
        orphans = self.database.rows(
            "SELECT count(*) FROM recommendations AS r "
            "WHERE NOT EXISTS (SELECT 1 FROM evaluations AS e WHERE e.evaluation_id = r.evaluation_id)")
        self.assertEqual(orphans, [("0",)], "recommendations of a run that was never recorded")

    def test_replicas_started_together_on_empty_databases_both_serve(self):
        # A race: a few draws.
        for attempt in range(5):
            with self.subTest(attempt=attempt):
                database = PostgresDatabase(shared_cluster())
                self.addCleanup(database.close)
                replicas = self.start_together(database)
                for replica in replicas:
                    self.assertEqual(paged_ad_set_ids(replica.stub, "act_none"), [])
                    self.stop_replica(replica)

    def test_weeks_written_on_one_replica_read_back_on_the_other(self):
        weeks = [scenario_week(f"rep_{i}", w, "Purchase", SCENARIO_1_COUNTS, "act_rep")
                 for i in range(5) for w in SEPTEMBER_WEEKS]
        answer = self.a.stub.IngestWeeks(api.IngestWeeksRequest(weeks=weeks), timeout=DEADLINE)
        self.assertEqual(answer.inserted, len(weeks))

        history = self.b.stub.GetAdSetHistory(api.GetAdSetHistoryRequest(ad_set_id="rep_3"), timeout=DEADLINE)
        self.assertEqual([w.week_start for w in history.weeks], SEPTEMBER_WEEKS)
        self.assertEqual(dict(history.weeks[-1].event_counts), SCENARIO_1_COUNTS)
        self.assertEqual(history.weeks[-1].spend_micros, 1_000_000_000)
        self.assertEqual(paged_ad_set_ids(self.b.stub, "act_rep"), [f"rep_{i}" for i in range(5)])

        # And the other way round, replacing a week B had read.
        changed = scenario_week("rep_3", SEPTEMBER_WEEKS[-1], "Purchase", {**SCENARIO_1_COUNTS, "Purchase": 13},
                                "act_rep")
        answer = self.b.stub.IngestWeeks(api.IngestWeeksRequest(weeks=[changed]), timeout=DEADLINE)
        self.assertEqual(answer.updated, 1)
        history = self.a.stub.GetAdSetHistory(api.GetAdSetHistoryRequest(ad_set_id="rep_3"), timeout=DEADLINE)
        self.assertEqual(history.weeks[-1].event_counts["Purchase"], 13)

    def test_an_acknowledged_evaluation_is_what_the_other_replica_serves_next(self):
        account, week = "act_fresh", SEPTEMBER_WEEKS[-1]
        # Stuck at 12 Purchases: move down; at 80: at the top of the ladder.
        purchases = [12, 80, 12]
        actions = [rec.ACTION_MOVE_DOWN, rec.ACTION_AT_TOP, rec.ACTION_MOVE_DOWN]
        served = None
        for round_number, (count, action) in enumerate(zip(purchases, actions)):
            with self.subTest(round=round_number):
                self.ingest(self.a, [scenario_week("fresh", w, "Purchase", {**SCENARIO_1_COUNTS, "Purchase": count},
                                                   account) for w in SEPTEMBER_WEEKS])
                if served is not None:
                    # B serves (and keeps) the previous run's answer until A's next run.
                    for _ in range(2):
                        self.assertEqual(self.recommendation(self.b, "fresh"), served)
                        self.assertEqual(self.http_recommendation(self.b, "fresh")["evaluationId"],
                                         served.evaluation_id)
                        self.assertEqual(self.listed(self.b, account),
                                         [("fresh", served.action, served.evaluation_id)])
                run = self.a.stub.EvaluateAdSets(
                    api.EvaluateAdSetsRequest(as_of_week=week, account_id=account), timeout=DEADLINE)
                served = self.recommendation(self.b, "fresh")
                self.assertEqual(served.evaluation_id, run.evaluation_id)
                self.assertEqual(self.http_recommendation(self.b, "fresh")["evaluationId"], run.evaluation_id)
                self.assertEqual(rec.Action.Name(served.action), rec.Action.Name(action))
                self.assertEqual(self.listed(self.b, account), [("fresh", action, run.evaluation_id)])
                self.assertEqual(self.recommendation(self.a, "fresh"), served)

    def test_concurrent_evaluations_of_one_week_are_stored_one_after_the_other(self):
        ad_sets = 3000
        self.ingest(self.a, big_records(ad_sets, "act_pair"))
        for round_number in range(2):
            with self.subTest(round=round_number):
                # One week for both rounds: the second replaces the first's rows.
                request = api.EvaluateAdSetsRequest(as_of_week=BIG_WEEK, account_id="act_pair")
                calls = [r.stub.EvaluateAdSets.future(request, timeout=DEADLINE) for r in (self.a, self.b)]
                # Both succeed: the loser of the race is run again by its replica.
                ids = [call.result().evaluation_id for call in calls]
                self.assertEqual([call.result().evaluated for call in calls], [ad_sets, ad_sets])
                self.assertNotEqual(ids[0], ids[1])

                runs, written = self.week_runs(BIG_WEEK)
                self.assertEqual({i: runs.get(i) for i in ids}, {i: str(ad_sets) for i in ids})
                self.assertEqual(len(runs), 2 * (round_number + 1))
                # The week's recommendations are one run's, whole: the later one's.
                self.assertEqual(len(written), 1, written)
                [(winner, count)] = written.items()
                self.assertIn(winner, ids)
                self.assertEqual(count, str(ad_sets))
                self.assertNoOrphans()
                self.assertEqual(self.database.rows("SELECT version FROM recommendations_version"),
                                 [(str(2 * (round_number + 1)),)])
                for replica in (self.a, self.b):
                    self.assertEqual(self.recommendation(replica, "act_pair_00042").evaluation_id, winner)

    def b_holds_a_write_lock_on_recommendations(self):
        """True once B's open run has written recommendations (A is idle)."""
        [(holders,)] = self.database.rows(
            "SELECT count(*) FROM pg_locks AS l JOIN pg_class AS c ON c.oid = l.relation "
            "WHERE c.relname = 'recommendations' AND l.mode = 'RowExclusiveLock' AND l.pid <> pg_backend_pid()")
        return holders != "0"

    def test_a_replica_killed_mid_evaluation_leaves_the_previous_run_whole(self):
        self.ingest(self.a, big_records(BIG_AD_SETS))
        request = api.EvaluateAdSetsRequest(as_of_week=BIG_WEEK, account_id=BIG_ACCOUNT)
        started = time.monotonic()
        first = self.a.stub.EvaluateAdSets(request, timeout=DEADLINE).evaluation_id
        run_time = time.monotonic() - started

        call = self.b.stub.EvaluateAdSets.future(request, timeout=DEADLINE)
        wait_for(lambda: self.b_holds_a_write_lock_on_recommendations() or call.done(),
                 "B's run writes recommendations")
        self.assertFalse(call.done(), f"B's run of {run_time:.2f} s ended before the kill")
        self.b.kill()
        with self.assertRaises(grpc.RpcError) as lost:
            call.result()
        self.assertEqual(lost.exception.code(), grpc.StatusCode.UNAVAILABLE)

        # A serves on, from the run it stored, and the database lets go of B's.
        self.assertEqual(self.recommendation(self.a, f"{BIG_ACCOUNT}_00007").evaluation_id, first)
        wait_for(lambda: not self.b_holds_a_write_lock_on_recommendations(), "B's transaction ends")
        runs, written = self.week_runs(BIG_WEEK)
        self.assertEqual(runs, {first: str(BIG_AD_SETS)}, "B's run was recorded although it was killed")
        self.assertEqual(written, {first: str(BIG_AD_SETS)})
        self.assertNoOrphans()

        # A's next run is not held up by the dead one, and publishes whole.
        second = self.a.stub.EvaluateAdSets(request, timeout=DEADLINE).evaluation_id
        runs, written = self.week_runs(BIG_WEEK)
        self.assertEqual(runs, {first: str(BIG_AD_SETS), second: str(BIG_AD_SETS)})
        self.assertEqual(written, {second: str(BIG_AD_SETS)})

    def test_concurrent_ingests_of_the_same_ad_sets_are_all_acknowledged_in_one_order(self):
        keys = [(f"ovl_{i:02d}", w) for i in range(40) for w in SEPTEMBER_WEEKS]
        rng = random.Random(20261207)
        senders, batches_each = (self.a, self.b), 12
        # Batch uid (sender * 100 + sequence + 1) -> its keys, in the order sent.
        plans = {}
        for s in range(len(senders)):
            for n in range(batches_each):
                chosen = rng.sample(keys, rng.randrange(20, len(keys)))
                plans[s * 100 + n + 1] = chosen  # rng.sample: a random order too
        errors = []
        barrier = threading.Barrier(len(senders))

        def send(s):
            barrier.wait(DEADLINE)
            for n in range(batches_each):
                uid = s * 100 + n + 1
                weeks = []
                for ad_set_id, week in plans[uid]:
                    record = ad_set_pb2.AdSetWeek(
                        account_id="act_ovl", campaign_id="cmp_ovl", ad_set_id=ad_set_id, week_start=week,
                        optimization_event="Purchase", spend_micros=uid)
                    record.event_counts["Purchase"] = uid
                    weeks.append(record)
                try:
                    senders[s].stub.IngestWeeks(
                        api.IngestWeeksRequest(request_id=f"ovl-{uid}", weeks=weeks), timeout=DEADLINE)
                except grpc.RpcError as e:
                    errors.append(f"batch {uid} on replica {'AB'[s]}: {e.code()} {e.details()}")

        threads = [threading.Thread(target=send, args=(s,)) for s in range(len(senders))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(DEADLINE)
        self.assertEqual(errors, [])

        final = {}
        for ad_set_id in sorted({k[0] for k in keys}):
            history = self.b.stub.GetAdSetHistory(api.GetAdSetHistoryRequest(ad_set_id=ad_set_id), timeout=DEADLINE)
            for w in history.weeks:
                # Each week whole from one batch: its spend and its count agree.
                self.assertEqual(w.spend_micros, w.event_counts["Purchase"], f"{ad_set_id} {w.week_start}")
                final[(ad_set_id, w.week_start)] = w.spend_micros
        written = {k for chosen in plans.values() for k in chosen}
        self.assertEqual(set(final), written)
        for key, uid in final.items():
            self.assertIn(key, plans[uid], f"{key} holds batch {uid}, which did not write it")

        # One order of the batches explains it all: each sender's own order,
        # and for each week the batch that left its value after all others
        # that wrote it. Such an order exists iff these constraints have no cycle.
        after = {uid: set() for uid in plans}  # uid -> the batches that must come before it
        for s in range(len(senders)):
            for n in range(1, batches_each):
                after[s * 100 + n + 1].add(s * 100 + n)
        for uid, chosen in plans.items():
            for key in chosen:
                if final[key] != uid:
                    after[final[key]].add(uid)
        placed = []
        while len(placed) < len(plans):
            ready = [u for u in plans if u not in placed and after[u] <= set(placed)]
            self.assertTrue(ready, f"no order of the batches explains the stored weeks; placed {placed}")
            placed.append(ready[0])


if __name__ == "__main__":
    unittest.main()
