"""Interop: Debian's python3-grpcio (a client no one here wrote) against rungd.

Stubs come from the system protoc and /usr/bin/grpc_python_plugin (built by
CMake into build/python, which must be on PYTHONPATH).
"""

import os
import tempfile
import unittest

import grpc

import health_pb2
import health_pb2_grpc
import reflection_pb2
import reflection_pb2_grpc
from rung.v1 import ad_set_pb2
from rung.v1 import advisor_service_pb2 as api
from rung.v1 import advisor_service_pb2_grpc as api_grpc

from rungd_process import RungdProcess

DEADLINE = 10.0


def week(ad_set_id, week_start, purchases, event="Purchase", account="act_py"):
    record = ad_set_pb2.AdSetWeek(
        account_id=account,
        campaign_id="cmp_py",
        ad_set_id=ad_set_id,
        week_start=week_start,
        optimization_event=event,
        spend_micros=100_000_000,
    )
    record.event_counts["Purchase"] = purchases
    record.event_counts["add_to_cart"] = purchases * 7
    return record


class InteropTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.daemon = RungdProcess(os.path.join(cls.tmp.name, "rung.db"))
        cls.channel = grpc.insecure_channel(cls.daemon.address)
        cls.stub = api_grpc.AdvisorServiceStub(cls.channel)

    @classmethod
    def tearDownClass(cls):
        cls.channel.close()
        code, err = cls.daemon.stop()
        cls.tmp.cleanup()
        assert code == 0, err

    def test_ingest_then_read_back(self):
        weeks = [week("py_1", "2026-08-24", 10), week("py_1", "2026-08-31", 11), week("py_1", "2026-09-07", 12)]
        answer = self.stub.IngestWeeks(api.IngestWeeksRequest(weeks=weeks), timeout=DEADLINE)
        self.assertEqual((answer.inserted, answer.updated, answer.unchanged), (3, 0, 0))

        again = self.stub.IngestWeeks(api.IngestWeeksRequest(weeks=weeks), timeout=DEADLINE)
        self.assertEqual((again.inserted, again.updated, again.unchanged), (0, 0, 3))

        ad_set = self.stub.GetAdSet(api.GetAdSetRequest(ad_set_id="py_1"), timeout=DEADLINE).ad_set
        self.assertEqual(ad_set.account_id, "act_py")
        self.assertEqual(ad_set.optimization_event, "Purchase")
        self.assertEqual(ad_set.weeks_on_rung, 3)
        self.assertEqual((ad_set.first_week, ad_set.last_week), ("2026-08-24", "2026-09-07"))

        history = self.stub.GetAdSetHistory(api.GetAdSetHistoryRequest(ad_set_id="py_1"), timeout=DEADLINE)
        self.assertEqual([w.week_start for w in history.weeks], ["2026-08-24", "2026-08-31", "2026-09-07"])
        # The GA4 alias came back under its canonical name.
        self.assertEqual(dict(history.weeks[2].event_counts), {"Purchase": 12, "AddToCart": 84})
        self.assertTrue(history.weeks[2].HasField("spend_micros"))

    def test_list_ad_sets_pages(self):
        weeks = [week(f"page_{i}", "2026-09-07", 5, account="act_pages") for i in range(5)]
        self.stub.IngestWeeks(api.IngestWeeksRequest(weeks=weeks), timeout=DEADLINE)
        seen, token = [], ""
        for _ in range(10):
            page = self.stub.ListAdSets(
                api.ListAdSetsRequest(account_id="act_pages", page_size=2, page_token=token), timeout=DEADLINE)
            seen += [a.ad_set_id for a in page.ad_sets]
            token = page.next_page_token
            if not token:
                break
        self.assertEqual(seen, [f"page_{i}" for i in range(5)])

    def test_bad_input_is_invalid_argument_naming_index_and_field(self):
        cases = [
            (week("bad", "2026-09-09", 1), "weeks[1].week_start"),
            (week("", "2026-09-07", 1), "weeks[1].ad_set_id"),
            (week("bad", "2026-09-07", -4), "weeks[1].event_counts"),
            (week("bad", "2026-09-07", 1, event="9-not-an-event"), "weeks[1].optimization_event"),
        ]
        for bad, field in cases:
            with self.subTest(field=field):
                with self.assertRaises(grpc.RpcError) as caught:
                    self.stub.IngestWeeks(
                        api.IngestWeeksRequest(weeks=[week("fine", "2026-09-07", 1), bad]), timeout=DEADLINE)
                self.assertEqual(caught.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
                self.assertIn(field, caught.exception.details())
        # Nothing of the refused requests was stored, not even the good record.
        with self.assertRaises(grpc.RpcError) as caught:
            self.stub.GetAdSet(api.GetAdSetRequest(ad_set_id="fine"), timeout=DEADLINE)
        self.assertEqual(caught.exception.code(), grpc.StatusCode.NOT_FOUND)

    def test_negative_page_size_is_invalid_argument(self):
        with self.assertRaises(grpc.RpcError) as caught:
            self.stub.ListAdSets(api.ListAdSetsRequest(page_size=-1), timeout=DEADLINE)
        self.assertEqual(caught.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        self.assertIn("page_size", caught.exception.details())

    def test_health_check(self):
        health = health_pb2_grpc.HealthStub(self.channel)
        for service in ("", "rung.v1.AdvisorService"):
            answer = health.Check(health_pb2.HealthCheckRequest(service=service), timeout=DEADLINE)
            self.assertEqual(answer.status, health_pb2.HealthCheckResponse.SERVING, service)

    def test_reflection_lists_the_service(self):
        reflection = reflection_pb2_grpc.ServerReflectionStub(self.channel)
        requests = iter([reflection_pb2.ServerReflectionRequest(list_services="")])
        responses = list(reflection.ServerReflectionInfo(requests, timeout=DEADLINE))
        names = [s.name for s in responses[0].list_services_response.service]
        self.assertIn("rung.v1.AdvisorService", names)
        self.assertIn("grpc.health.v1.Health", names)


if __name__ == "__main__":
    unittest.main()
