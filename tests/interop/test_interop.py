"""Interop: Debian's python3-grpcio (a client no one here wrote) against rungd.

Stubs come from the system protoc and /usr/bin/grpc_python_plugin (built by
CMake into build/python, which must be on PYTHONPATH). The tests of what is
stored run on each engine (SqliteInteropTest, PostgresInteropTest, ...);
tokens and TLS do not depend on one and run on SQLite.
"""

import hashlib
import os
import subprocess
import tempfile
import unittest

import grpc
from google.protobuf import descriptor_pb2

import health_pb2
import health_pb2_grpc
import reflection_pb2
import reflection_pb2_grpc
from rung.v1 import ad_set_pb2
from rung.v1 import backtest_pb2
from rung.v1 import advisor_service_pb2 as api
from rung.v1 import advisor_service_pb2_grpc as api_grpc
from rung.v1 import climb_test_pb2
from rung.v1 import policy_pb2 as pol
from rung.v1 import recommendation_pb2 as rec

from databases import PostgresEngine, SqliteEngine, close_shared_cluster
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


# Spec scenario 1 (docs: ladder-policy.md): optimizes Purchase, stuck at 12 a week,
# while AddToCart sustains 85 >= T = 50.
SCENARIO_1_COUNTS = {
    "Purchase": 12, "InitiateCheckout": 28, "AddToCart": 85, "ViewContent": 340, "PageView": 1500}
# Spec scenario 2: optimizes AddToCart, stable around 85; InitiateCheckout sustains 39 >= the cutover.
SCENARIO_2_COUNTS = {
    "Purchase": 9, "InitiateCheckout": 39, "AddToCart": 85, "ViewContent": 330, "PageView": 1400}
SEPTEMBER_WEEKS = ["2026-09-07", "2026-09-14", "2026-09-21"]


def scenario_week(ad_set_id, week_start, event, counts, account):
    record = ad_set_pb2.AdSetWeek(
        account_id=account,
        campaign_id="cmp_rules",
        ad_set_id=ad_set_id,
        week_start=week_start,
        optimization_event=event,
        spend_micros=1_000_000_000,
    )
    record.event_counts.update(counts)
    return record


def paged_ad_set_ids(stub, account_id, page_size=2, max_pages=10):
    """The account's ad set ids, read page by page with ListAdSets."""
    seen, token = [], ""
    for _ in range(max_pages):
        page = stub.ListAdSets(
            api.ListAdSetsRequest(account_id=account_id, page_size=page_size, page_token=token), timeout=DEADLINE)
        seen += [a.ad_set_id for a in page.ad_sets]
        token = page.next_page_token
        if not token:
            break
    return seen


class DaemonOnADatabase:
    """A rungd of the class's engine (databases.py) on a database of its own."""

    @classmethod
    def setUpClass(cls):
        cls.database = cls.new_database()
        cls.addClassCleanup(cls.database.close)
        cls.daemon = cls.database.start_rungd()
        cls.channel = grpc.insecure_channel(cls.daemon.address)
        cls.stub = api_grpc.AdvisorServiceStub(cls.channel)

    @classmethod
    def tearDownClass(cls):
        cls.channel.close()
        code, err = cls.daemon.stop()
        assert code == 0, err


class InteropCases(DaemonOnADatabase):

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
        self.assertEqual(paged_ad_set_ids(self.stub, "act_pages"), [f"page_{i}" for i in range(5)])

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

    def test_reflection_describes_the_rules_engine_methods(self):
        reflection = reflection_pb2_grpc.ServerReflectionStub(self.channel)
        requests = iter(
            [reflection_pb2.ServerReflectionRequest(file_containing_symbol="rung.v1.AdvisorService")])
        responses = list(reflection.ServerReflectionInfo(requests, timeout=DEADLINE))
        self.assertEqual(len(responses), 1)
        self.assertFalse(responses[0].HasField("error_response"), responses[0].error_response.error_message)
        methods = set()
        for raw in responses[0].file_descriptor_response.file_descriptor_proto:
            file = descriptor_pb2.FileDescriptorProto.FromString(raw)
            for service in file.service:
                if file.package == "rung.v1" and service.name == "AdvisorService":
                    methods.update(m.name for m in service.method)
        for name in ("EvaluateAdSets", "GetRecommendation", "ListRecommendations", "StartClimbTest",
                     "ListClimbTests", "CancelClimbTest", "GetPolicy", "UpdatePolicy",
                     "ListPolicyVersions"):
            self.assertIn(name, methods)


class RulesEngineInteropCases(DaemonOnADatabase):
    """The rules engine RPCs, on the spec's worked scenarios; each test owns its account."""

    def ingest(self, records):
        answer = self.stub.IngestWeeks(api.IngestWeeksRequest(weeks=records), timeout=DEADLINE)
        self.assertEqual(answer.inserted, len(records))

    def ingest_scenario(self, ad_set_id, event, counts, account):
        self.ingest([scenario_week(ad_set_id, w, event, counts, account) for w in SEPTEMBER_WEEKS])

    def assertStatus(self, code, call, *args):
        with self.assertRaises(grpc.RpcError) as caught:
            call(*args, timeout=DEADLINE)
        self.assertEqual(caught.exception.code(), code, caught.exception.details())
        return caught.exception.details()

    def test_dry_run_moves_scenario_1_down_to_add_to_cart_and_stores_nothing(self):
        account = "act_py_scenario1_dry"
        self.ingest_scenario("sc1_dry", "Purchase", SCENARIO_1_COUNTS, account)
        answer = self.stub.EvaluateAdSets(
            api.EvaluateAdSetsRequest(as_of_week=SEPTEMBER_WEEKS[-1], account_id=account, dry_run=True),
            timeout=DEADLINE)
        self.assertEqual(answer.as_of_week, SEPTEMBER_WEEKS[-1])
        self.assertEqual(answer.evaluated, 1)
        self.assertTrue(answer.policy_version)
        self.assertEqual([(c.action, c.count) for c in answer.action_counts], [(rec.ACTION_MOVE_DOWN, 1)])
        self.assertEqual(len(answer.recommendations), 1)
        got = answer.recommendations[0]
        self.assertEqual((got.ad_set_id, got.account_id, got.as_of_week),
                         ("sc1_dry", account, SEPTEMBER_WEEKS[-1]))
        self.assertEqual(rec.Action.Name(got.action), "ACTION_MOVE_DOWN")
        self.assertEqual((got.current_event, got.target_event), ("Purchase", "AddToCart"))
        self.assertEqual(rec.LearningStatus.Name(got.learning_status), "LEARNING_STATUS_STUCK")
        # 85 / 12 is about 7.1, under the friction ratio of 10.
        self.assertNotIn(rec.FLAG_CHECKOUT_FRICTION, got.flags)
        self.assertEqual(got.weeks_on_rung, 3)
        self.assertEqual(dict(got.latest_counts), SCENARIO_1_COUNTS)
        self.assertEqual(got.sustained_counts["Purchase"], 12)
        self.assertEqual(got.sustained_counts["AddToCart"], 85)
        self.assertEqual(got.learning_threshold, 50)
        self.assertEqual(got.policy_version, answer.policy_version)
        self.assertEqual(got.evaluation_id, answer.evaluation_id)
        self.assertTrue(got.reasons)
        self.assertEqual(got.reasons[0].rule, "move_down")
        self.assertIn("AddToCart", got.reasons[0].message)
        # A dry run stores nothing.
        self.assertStatus(grpc.StatusCode.NOT_FOUND, self.stub.GetRecommendation,
                          api.GetRecommendationRequest(ad_set_id="sc1_dry"))

    def test_backtest_replays_a_followed_move_down_and_a_proposed_policy(self):
        account = "act_py_backtest"
        self.ingest_scenario("bt_moved", "Purchase", SCENARIO_1_COUNTS, account)
        self.ingest([scenario_week("bt_moved", w, "AddToCart", SCENARIO_1_COUNTS, account)
                     for w in ("2026-09-28", "2026-10-05", "2026-10-12")])
        request = backtest_pb2.RunBacktestRequest(
            account_id=account, ad_set_ids=["bt_moved"], from_week=SEPTEMBER_WEEKS[-1],
            to_week=SEPTEMBER_WEEKS[-1])
        answer = self.stub.RunBacktest(request, timeout=DEADLINE)
        self.assertEqual((answer.from_week, answer.to_week), (SEPTEMBER_WEEKS[-1],) * 2)
        self.assertEqual((answer.totals.ad_sets, answer.totals.advice), (1, 1))
        [story] = answer.ad_sets
        [replayed] = story.weeks
        self.assertEqual(rec.Action.Name(replayed.recommendation.action), "ACTION_MOVE_DOWN")
        self.assertEqual(replayed.recommendation.target_event, "AddToCart")
        self.assertEqual(backtest_pb2.Following.Name(replayed.following), "FOLLOWING_FOLLOWED")
        self.assertTrue(replayed.outcome.reached_threshold)  # AddToCart 85 >= 50
        # 1,000.00 a week for 12 purchases, before and after.
        self.assertEqual(replayed.outcome.before.spend_micros, 3_000_000_000)
        self.assertEqual(replayed.outcome.before.macro_conversions, 36)
        self.assertAlmostEqual(replayed.outcome.after.cost_per_macro_micros, 3e9 / 36)
        [totals] = answer.totals.actions
        self.assertEqual((totals.action, totals.given, totals.followed), (rec.ACTION_MOVE_DOWN, 1, 1))

        # At T = 90 AddToCart's 85 falls short; ViewContent's 340 does not.
        request.policy.learning_threshold = 90
        proposed = self.stub.RunBacktest(request, timeout=DEADLINE)
        self.assertEqual(proposed.ad_sets[0].weeks[0].recommendation.target_event, "ViewContent")
        self.assertEqual(backtest_pb2.Following.Name(proposed.ad_sets[0].weeks[0].following),
                         "FOLLOWING_NOT_FOLLOWED")
        self.assertNotEqual(proposed.policy_version, answer.policy_version)
        # Nothing was stored.
        self.assertStatus(grpc.StatusCode.NOT_FOUND, self.stub.GetRecommendation,
                          api.GetRecommendationRequest(ad_set_id="bt_moved"))
        details = self.assertStatus(grpc.StatusCode.INVALID_ARGUMENT, self.stub.RunBacktest,
                                    backtest_pb2.RunBacktestRequest(account_id=account, to_week="2026-09-21"))
        self.assertIn("from_week", details)

    def test_stored_evaluation_reads_back_and_lists_by_action(self):
        account = "act_py_scenario1_stored"
        self.ingest_scenario("sc1_stored", "Purchase", SCENARIO_1_COUNTS, account)
        self.ingest_scenario("sc2_stored", "AddToCart", SCENARIO_2_COUNTS, account)
        answer = self.stub.EvaluateAdSets(
            api.EvaluateAdSetsRequest(as_of_week=SEPTEMBER_WEEKS[-1], account_id=account), timeout=DEADLINE)
        self.assertTrue(answer.evaluation_id)
        self.assertEqual(answer.evaluated, 2)
        self.assertEqual(len(answer.recommendations), 0)  # only a dry run returns them
        self.assertEqual(sorted((c.action, c.count) for c in answer.action_counts),
                         sorted([(rec.ACTION_MOVE_DOWN, 1), (rec.ACTION_DUPLICATE_AND_CLIMB, 1)]))

        for as_of_week in ("", SEPTEMBER_WEEKS[-1]):
            with self.subTest(as_of_week=as_of_week):
                got = self.stub.GetRecommendation(
                    api.GetRecommendationRequest(ad_set_id="sc1_stored", as_of_week=as_of_week),
                    timeout=DEADLINE).recommendation
                self.assertEqual(got.evaluation_id, answer.evaluation_id)
                self.assertEqual(got.as_of_week, SEPTEMBER_WEEKS[-1])
                self.assertEqual(got.action, rec.ACTION_MOVE_DOWN)
                self.assertEqual(got.target_event, "AddToCart")
                self.assertEqual(got.policy_version, answer.policy_version)
                self.assertEqual(got.reasons[0].rule, "move_down")
                self.assertTrue(got.HasField("evaluated_at"))
        # Nothing was stored for a week that was not evaluated.
        self.assertStatus(grpc.StatusCode.NOT_FOUND, self.stub.GetRecommendation,
                          api.GetRecommendationRequest(ad_set_id="sc1_stored", as_of_week=SEPTEMBER_WEEKS[0]))

        def listed(**filters):
            page = self.stub.ListRecommendations(
                api.ListRecommendationsRequest(account_id=account, **filters), timeout=DEADLINE)
            return [(r.ad_set_id, r.action) for r in page.recommendations]

        self.assertEqual(listed(),
                         [("sc1_stored", rec.ACTION_MOVE_DOWN), ("sc2_stored", rec.ACTION_DUPLICATE_AND_CLIMB)])
        self.assertEqual(listed(actions=[rec.ACTION_MOVE_DOWN]), [("sc1_stored", rec.ACTION_MOVE_DOWN)])
        self.assertEqual(listed(actions=[rec.ACTION_DUPLICATE_AND_CLIMB], as_of_week=SEPTEMBER_WEEKS[-1]),
                         [("sc2_stored", rec.ACTION_DUPLICATE_AND_CLIMB)])
        self.assertEqual(listed(actions=[rec.ACTION_AT_TOP]), [])
        self.assertEqual(listed(flags=[rec.FLAG_DATA_GAP]), [])

    def test_get_policy_is_the_default_and_versions_recommendations(self):
        deployment = self.stub.GetPolicy(api.GetPolicyRequest(), timeout=DEADLINE).policy
        self.assertEqual(deployment.learning_threshold, 50)
        self.assertEqual(deployment.consistency_weeks, 3)
        self.assertEqual(deployment.cutover_threshold, 30)
        self.assertEqual(deployment.default_ladder, "ecommerce")
        self.assertIn("ecommerce", [ladder.name for ladder in deployment.ladders])
        self.assertTrue(deployment.version)

        account = "act_py_policy"
        self.ingest_scenario("sc1_policy", "Purchase", SCENARIO_1_COUNTS, account)
        answer = self.stub.EvaluateAdSets(
            api.EvaluateAdSetsRequest(as_of_week=SEPTEMBER_WEEKS[-1], account_id=account, dry_run=True),
            timeout=DEADLINE)
        # No override for this account: its effective policy is the deployment's.
        for_account = self.stub.GetPolicy(api.GetPolicyRequest(account_id=account), timeout=DEADLINE).policy
        self.assertEqual(for_account.learning_threshold, 50)
        self.assertEqual(for_account.version, deployment.version)
        self.assertEqual(answer.recommendations[0].policy_version, deployment.version)

    def test_update_policy_with_an_etag_then_a_what_if(self):
        account = "act_py_update"
        self.ingest_scenario("sc1_update", "Purchase", SCENARIO_1_COUNTS, account)
        read = self.stub.GetPolicy(api.GetPolicyRequest(account_id=account), timeout=DEADLINE).policy
        overrides = pol.PolicyOverrides(learning_threshold=40, cutover_threshold=20)

        updated = self.stub.UpdatePolicy(
            api.UpdatePolicyRequest(account_id=account, policy=overrides, reason="from python",
                                    etag=read.etag), timeout=DEADLINE).policy

        self.assertEqual(updated.learning_threshold, 40)
        self.assertEqual(updated.revision, 1)
        self.assertNotEqual(updated.version, read.version)
        self.assertTrue(updated.stored.HasField("cutover_threshold"))
        self.assertFalse(updated.stored.HasField("near_exit_fraction"))
        details = self.assertStatus(
            grpc.StatusCode.ABORTED, self.stub.UpdatePolicy,
            api.UpdatePolicyRequest(account_id=account, policy=overrides, reason="stale", etag=read.etag))
        self.assertIn("etag", details)
        details = self.assertStatus(
            grpc.StatusCode.INVALID_ARGUMENT, self.stub.UpdatePolicy,
            api.UpdatePolicyRequest(account_id=account, policy=pol.PolicyOverrides(cutover_threshold=60),
                                    reason="too high"))
        self.assertIn("policy.cutover_threshold", details)
        versions = self.stub.ListPolicyVersions(
            api.ListPolicyVersionsRequest(account_id=account), timeout=DEADLINE).versions
        self.assertEqual(versions[0].version, updated.version)
        self.assertEqual(versions[0].reason, "from python")

        # What-if: back at the default threshold, nothing stored changes.
        what_if = self.stub.EvaluateAdSets(
            api.EvaluateAdSetsRequest(as_of_week=SEPTEMBER_WEEKS[-1], account_id=account, dry_run=True,
                                      policy=pol.PolicyOverrides()), timeout=DEADLINE)
        self.assertEqual(what_if.evaluated, 1)
        self.assertNotEqual(what_if.policy_version, updated.version)

    def test_climb_test_start_refusals_and_cancel(self):
        account = "act_py_climb"
        self.ingest_scenario("ct_original", "AddToCart", SCENARIO_2_COUNTS, account)
        self.ingest_scenario("ct_wrong_rung", "Purchase", SCENARIO_2_COUNTS, account)
        self.ingest_scenario("ct_duplicate", "InitiateCheckout", SCENARIO_2_COUNTS, account)
        start = SEPTEMBER_WEEKS[-1]

        details = self.assertStatus(
            grpc.StatusCode.FAILED_PRECONDITION, self.stub.StartClimbTest,
            api.StartClimbTestRequest(original_ad_set_id="ct_original", duplicate_ad_set_id="ct_wrong_rung",
                                      start_week=start))
        self.assertIn("InitiateCheckout", details)

        test = self.stub.StartClimbTest(
            api.StartClimbTestRequest(original_ad_set_id="ct_original", duplicate_ad_set_id="ct_duplicate",
                                      start_week=start), timeout=DEADLINE).climb_test
        self.assertTrue(test.climb_test_id)
        self.assertEqual(climb_test_pb2.ClimbTestState.Name(test.state), "CLIMB_TEST_STATE_RUNNING")
        self.assertEqual((test.from_event, test.to_event), ("AddToCart", "InitiateCheckout"))
        self.assertEqual((test.original_ad_set_id, test.duplicate_ad_set_id),
                         ("ct_original", "ct_duplicate"))
        self.assertEqual((test.start_week, test.account_id), (start, account))

        self.assertStatus(
            grpc.StatusCode.ALREADY_EXISTS, self.stub.StartClimbTest,
            api.StartClimbTestRequest(original_ad_set_id="ct_original", duplicate_ad_set_id="ct_duplicate",
                                      start_week=start))

        def listed(state):
            page = self.stub.ListClimbTests(api.ListClimbTestsRequest(account_id=account, state=state),
                                            timeout=DEADLINE)
            return [t.climb_test_id for t in page.climb_tests]

        self.assertEqual(listed(climb_test_pb2.CLIMB_TEST_STATE_RUNNING), [test.climb_test_id])
        self.assertEqual(listed(climb_test_pb2.CLIMB_TEST_STATE_CANCELLED), [])

        cancelled = self.stub.CancelClimbTest(
            api.CancelClimbTestRequest(climb_test_id=test.climb_test_id), timeout=DEADLINE).climb_test
        self.assertEqual(cancelled.climb_test_id, test.climb_test_id)
        self.assertEqual(cancelled.state, climb_test_pb2.CLIMB_TEST_STATE_CANCELLED)
        self.assertTrue(cancelled.concluded_week)
        self.assertEqual(listed(climb_test_pb2.CLIMB_TEST_STATE_RUNNING), [])
        self.assertEqual(listed(climb_test_pb2.CLIMB_TEST_STATE_CANCELLED), [test.climb_test_id])

        self.assertStatus(grpc.StatusCode.NOT_FOUND, self.stub.CancelClimbTest,
                          api.CancelClimbTestRequest(climb_test_id="ct_no_such_test"))


class SqliteInteropTest(SqliteEngine, InteropCases, unittest.TestCase):
    pass


class PostgresInteropTest(PostgresEngine, InteropCases, unittest.TestCase):
    pass


class SqliteRulesEngineInteropTest(SqliteEngine, RulesEngineInteropCases, unittest.TestCase):
    pass


class PostgresRulesEngineInteropTest(PostgresEngine, RulesEngineInteropCases, unittest.TestCase):
    pass


def tearDownModule():
    close_shared_cluster()


def sha256_hex(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def make_certs(directory):
    """A CA and a server certificate for 127.0.0.1 it signed, made with the openssl CLI."""
    new_key = ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
               "-nodes", "-days", "2"]
    path = lambda name: os.path.join(directory, name)
    subprocess.run([*new_key, "-keyout", path("ca.key"), "-out", path("ca.pem"), "-subj", "/CN=py-ca"],
                   check=True, capture_output=True)
    subprocess.run([*new_key, "-keyout", path("server.key"), "-out", path("server.pem"), "-subj", "/CN=localhost",
                    "-CA", path("ca.pem"), "-CAkey", path("ca.key"),
                    "-addext", "basicConstraints=critical,CA:FALSE",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"], check=True, capture_output=True)
    return path


class TokenInteropTest(unittest.TestCase):
    """Tokens from python3-grpcio: as plain metadata, and as call credentials over TLS."""

    READER, WRITER = "py-reader-secret", "py-writer-secret"

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        path = make_certs(cls.tmp.name)
        cls.ca = open(path("ca.pem"), "rb").read()
        config = path("rungd.textproto")
        with open(config, "w") as f:
            f.write(f"""
                auth {{
                  tokens {{ name: "py-reader" role: ROLE_READER sha256: "{sha256_hex(cls.READER)}" }}
                  tokens {{ name: "py-writer" role: ROLE_WRITER sha256: "{sha256_hex(cls.WRITER)}" }}
                }}
                tls {{ cert_file: "{path('server.pem')}" key_file: "{path('server.key')}" }}
            """)
        cls.daemon = RungdProcess(path("rung.db"), [f"--config={config}"])

    @classmethod
    def tearDownClass(cls):
        code, err = cls.daemon.stop()
        cls.tmp.cleanup()
        assert code == 0, err

    def channel(self, token=None):
        credentials = grpc.ssl_channel_credentials(root_certificates=self.ca)
        if token is not None:
            credentials = grpc.composite_channel_credentials(
                credentials, grpc.access_token_call_credentials(token))
        return grpc.secure_channel(self.daemon.address, credentials)

    def test_call_credentials_carry_the_token(self):
        with self.channel(self.WRITER) as channel:
            stub = api_grpc.AdvisorServiceStub(channel)
            answer = stub.IngestWeeks(api.IngestWeeksRequest(weeks=[week("py_tok", "2026-09-07", 5)]),
                                      timeout=DEADLINE)
            self.assertEqual(answer.inserted, 1)
            self.assertEqual(stub.GetAdSet(api.GetAdSetRequest(ad_set_id="py_tok"), timeout=DEADLINE)
                             .ad_set.ad_set_id, "py_tok")

    def test_metadata_carries_the_token_and_a_weak_role_is_named(self):
        with self.channel() as channel:
            stub = api_grpc.AdvisorServiceStub(channel)
            request = api.ListAdSetsRequest()
            stub.ListAdSets(request, timeout=DEADLINE, metadata=[("authorization", f"Bearer {self.READER}")])
            with self.assertRaises(grpc.RpcError) as refused:
                stub.EvaluateAdSets(api.EvaluateAdSetsRequest(dry_run=True), timeout=DEADLINE,
                                    metadata=[("authorization", f"Bearer {self.READER}")])
            self.assertEqual(refused.exception.code(), grpc.StatusCode.PERMISSION_DENIED)
            self.assertEqual(refused.exception.details(),
                             "EvaluateAdSets needs role admin; the token has role reader")

    def test_missing_or_unknown_tokens_are_unauthenticated(self):
        with self.channel() as channel:
            stub = api_grpc.AdvisorServiceStub(channel)
            for metadata in ([], [("authorization", "Bearer nope")]):
                with self.assertRaises(grpc.RpcError) as refused:
                    stub.ListAdSets(api.ListAdSetsRequest(), timeout=DEADLINE, metadata=metadata)
                self.assertEqual(refused.exception.code(), grpc.StatusCode.UNAUTHENTICATED, metadata)
            answer = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=DEADLINE)
            self.assertEqual(answer.status, health_pb2.HealthCheckResponse.SERVING)

    def test_plaintext_clients_do_not_get_in(self):
        with grpc.insecure_channel(self.daemon.address) as channel:
            with self.assertRaises(grpc.RpcError) as refused:
                health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=DEADLINE)
            self.assertEqual(refused.exception.code(), grpc.StatusCode.UNAVAILABLE)


if __name__ == "__main__":
    unittest.main()
