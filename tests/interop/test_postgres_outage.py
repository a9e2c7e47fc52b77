"""PostgreSQL stopped and started again under a running rungd.

While the server is down, calls that need the database answer UNAVAILABLE
(not a hang, not INTERNAL, not a stale cached answer), and health turns
NOT_SERVING within a few probe intervals (gRPC Health and /healthz). Once
the server is back on the same port and data, the same rungd process, never
restarted, reconnects by itself: health returns to SERVING, calls succeed,
and what was stored before the outage is all there. Two outages in a row, so
that reconnecting once is not the whole story.
"""

import os
import tempfile
import time
import unittest
import urllib.error
import urllib.request

import grpc

import health_pb2
import health_pb2_grpc
from rung.v1 import advisor_service_pb2 as api
from rung.v1 import advisor_service_pb2_grpc as api_grpc
from rung.v1 import recommendation_pb2 as rec

from postgres_cluster import PostgresCluster
from rungd_process import RungdProcess
from test_interop import SCENARIO_1_COUNTS, SEPTEMBER_WEEKS, scenario_week

DEADLINE = 10.0
# Health re-checks the database this often (the default is 1000 ms).
PROBE_INTERVAL_MS = 100
SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


class PostgresOutageTest(unittest.TestCase):
    def setUp(self):
        self.cluster = PostgresCluster()
        self.addCleanup(self.cluster.close)
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        config = os.path.join(tmp.name, "rungd.textproto")
        with open(config, "w") as f:
            f.write(f"storage {{ health_probe_interval_ms: {PROBE_INTERVAL_MS} }}\n")
        self.daemon = RungdProcess(None, [f"--config={config}"], env={"RUNG_DB": self.cluster.uri})
        self.addCleanup(self.daemon.stop)
        self.channel = grpc.insecure_channel(self.daemon.address)
        self.addCleanup(self.channel.close)
        self.stub = api_grpc.AdvisorServiceStub(self.channel)
        self.health = health_pb2_grpc.HealthStub(self.channel)

    def health_of(self, service):
        return self.health.Check(health_pb2.HealthCheckRequest(service=service), timeout=DEADLINE).status

    def wait_for_health(self, status, deadline=30.0):
        """Polls both health services until they say `status`; answers how long that took."""
        started = time.monotonic()
        while True:
            seen = [self.health_of(s) for s in ("", "rung.v1.AdvisorService")]
            if seen == [status, status]:
                return time.monotonic() - started
            if time.monotonic() - started > deadline:
                raise AssertionError(f"health is {seen}, not {status}, {deadline} s on")
            time.sleep(PROBE_INTERVAL_MS / 1000 / 10)  # between polls, not a wait for the event

    def healthz(self):
        try:
            with urllib.request.urlopen(f"http://{self.daemon.http_address}/healthz", timeout=DEADLINE) as answer:
                return answer.status
        except urllib.error.HTTPError as e:
            return e.code

    def reads(self):
        """What the tests read back: the history and the stored recommendation."""
        history = self.stub.GetAdSetHistory(api.GetAdSetHistoryRequest(ad_set_id="out_1"), timeout=DEADLINE)
        got = self.stub.GetRecommendation(api.GetRecommendationRequest(ad_set_id="out_1"), timeout=DEADLINE)
        return list(history.weeks), got.recommendation

    def assertUnavailable(self, call, request):
        with self.assertRaises(grpc.RpcError) as caught:
            call(request, timeout=DEADLINE)
        self.assertEqual(caught.exception.code(), grpc.StatusCode.UNAVAILABLE,
                         f"{caught.exception.code()}: {caught.exception.details()}")
        self.assertNotIn(self.cluster.uri.split(":")[2].split("@")[0], caught.exception.details(),
                         "the password in an error")

    def test_rungd_reports_the_outage_and_reconnects_by_itself(self):
        records = [scenario_week("out_1", w, "Purchase", SCENARIO_1_COUNTS, "act_out") for w in SEPTEMBER_WEEKS]
        self.stub.IngestWeeks(api.IngestWeeksRequest(weeks=records), timeout=DEADLINE)
        run = self.stub.EvaluateAdSets(
            api.EvaluateAdSetsRequest(as_of_week=SEPTEMBER_WEEKS[-1], account_id="act_out"), timeout=DEADLINE)
        before = self.reads()
        self.assertEqual(before[1].evaluation_id, run.evaluation_id)
        self.assertEqual(before[1].action, rec.ACTION_MOVE_DOWN)
        self.wait_for_health(SERVING)
        self.assertEqual(self.healthz(), 200)

        for outage in range(2):
            with self.subTest(outage=outage):
                self.cluster.stop()
                # The server is down already: the very next calls fail, each
                # with UNAVAILABLE, the cached recommendation included.
                self.assertUnavailable(self.stub.GetRecommendation, api.GetRecommendationRequest(ad_set_id="out_1"))
                self.assertUnavailable(self.stub.GetAdSetHistory, api.GetAdSetHistoryRequest(ad_set_id="out_1"))
                self.assertUnavailable(self.stub.IngestWeeks, api.IngestWeeksRequest(weeks=records[:1]))
                self.assertUnavailable(self.stub.EvaluateAdSets, api.EvaluateAdSetsRequest(
                    as_of_week=SEPTEMBER_WEEKS[-1], account_id="act_out"))
                took = self.wait_for_health(NOT_SERVING)
                self.assertLess(took, 5.0)
                self.assertEqual(self.healthz(), 503)
                self.assertIsNone(self.daemon.process.poll(), "rungd exited during the outage")

                self.cluster.start()
                self.wait_for_health(SERVING)
                self.assertEqual(self.healthz(), 200)
                self.assertEqual(self.reads(), before)
                # Writes go through again, on the same process.
                again = self.stub.IngestWeeks(api.IngestWeeksRequest(weeks=records), timeout=DEADLINE)
                self.assertEqual((again.inserted, again.updated, again.unchanged), (0, 0, len(records)))
                self.stub.EvaluateAdSets(api.EvaluateAdSetsRequest(
                    as_of_week=SEPTEMBER_WEEKS[-1], account_id="act_out", dry_run=True), timeout=DEADLINE)
        code, err = self.daemon.stop()
        self.assertEqual(code, 0, err)
        self.assertIn("database does not answer; health is NOT_SERVING", err)


if __name__ == "__main__":
    unittest.main()
