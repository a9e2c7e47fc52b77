"""The rungd binary as an operator meets it: start, port 0, health, signals,
and refusals at start-up with a clear message."""

import hashlib
import os
import random
import re
import errno
import signal
import sqlite3
import subprocess
import tempfile
import time
import unittest
import urllib.request

import grpc

import health_pb2
import health_pb2_grpc

from rungd_process import RUNGD, RungdProcess, run_rungd_expecting_failure

PROMTOOL = "/usr/bin/promtool"


class DaemonTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.db = os.path.join(self.tmp.name, "rung.db")

    def tearDown(self):
        self.tmp.cleanup()

    def check_health(self, address):
        with grpc.insecure_channel(address) as channel:
            answer = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=10)
        return answer.status

    def test_starts_on_port_zero_answers_health_and_exits_zero_on_sigterm(self):
        daemon = RungdProcess(self.db)
        host, port = daemon.address.rsplit(":", 1)
        self.assertEqual(host, "127.0.0.1")
        self.assertGreater(int(port), 0)
        self.assertEqual(self.check_health(daemon.address), health_pb2.HealthCheckResponse.SERVING)
        with urllib.request.urlopen(f"http://{daemon.http_address}/healthz", timeout=10) as response:
            self.assertEqual(response.status, 200)
        code, err = daemon.stop(signal.SIGTERM)
        self.assertEqual(code, 0, err)
        self.assertIn('"msg":"draining"', err)
        self.assertTrue(os.path.exists(self.db))

    def test_serves_dashboard_json_and_metrics_over_http(self):
        import json
        import urllib.error
        daemon = RungdProcess(self.db)
        try:
            self.assertEqual(self.check_health(daemon.address), health_pb2.HealthCheckResponse.SERVING)
            base = f"http://{daemon.http_address}"
            with urllib.request.urlopen(f"{base}/v1/recommendations?action=hold", timeout=10) as response:
                self.assertEqual(response.status, 200)
                self.assertEqual(response.headers["Content-Type"], "application/json")
                self.assertRegex(response.headers["ETag"], r'^"[0-9a-f]{32}"$')
                self.assertEqual(json.loads(response.read()), {"recommendations": [], "nextPageToken": ""})
            with self.assertRaises(urllib.error.HTTPError) as raised:
                urllib.request.urlopen(f"{base}/v1/adsets/nope/recommendation", timeout=10)
            self.assertEqual(raised.exception.code, 404)
            self.assertEqual(json.loads(raised.exception.read())["error"]["status"], "NOT_FOUND")
            with urllib.request.urlopen(f"{base}/metrics", timeout=10) as response:
                metrics = response.read().decode()
            self.assertIn('grpc_server_handled_total{grpc_code="OK",grpc_method="Check",'
                          'grpc_service="grpc.health.v1.Health",grpc_type="unary"} 1', metrics)
            self.assertIn('rung_http_requests_total{code="200",path_template="/v1/recommendations"} 1',
                          metrics)
            self.assertIn("rung_ad_sets 0", metrics)
        finally:
            daemon.stop()

    def test_promtool_finds_nothing_to_fix_in_metrics_with_data(self):
        """Debian's promtool lints a scrape in which every family has samples:
        weeks ingested and evaluated, kept answers read, HTTP and gRPC calls
        made, so that the histogram has observations and the series that wait
        for data (the latest evaluation, the last ingest) are there."""
        import urllib.error
        from rung.v1 import ad_set_pb2
        from rung.v1 import advisor_service_pb2 as api
        from rung.v1 import advisor_service_pb2_grpc as api_grpc
        self.assertTrue(os.path.exists(PROMTOOL),
                        f"{PROMTOOL} is missing: scripts/install-deps installs Debian's prometheus package")
        daemon = RungdProcess(self.db)
        try:
            with grpc.insecure_channel(daemon.address) as channel:
                stub = api_grpc.AdvisorServiceStub(channel)
                weeks = []
                for week_start in ("2026-09-07", "2026-09-14", "2026-09-21"):
                    record = ad_set_pb2.AdSetWeek(account_id="act_lint", campaign_id="cmp_lint",
                                                  ad_set_id="as_lint", week_start=week_start,
                                                  optimization_event="Purchase", spend_micros=1_000_000_000)
                    record.event_counts.update({"Purchase": 12, "AddToCart": 85, "PageView": 1500})
                    weeks.append(record)
                stub.IngestWeeks(api.IngestWeeksRequest(weeks=weeks), timeout=10)
                stub.EvaluateAdSets(api.EvaluateAdSetsRequest(as_of_week="2026-09-21"), timeout=10)
                for _ in range(2):
                    stub.GetRecommendation(api.GetRecommendationRequest(ad_set_id="as_lint"), timeout=10)
                with self.assertRaises(grpc.RpcError):
                    stub.GetRecommendation(api.GetRecommendationRequest(ad_set_id="nope"), timeout=10)
            self.assertEqual(self.check_health(daemon.address), health_pb2.HealthCheckResponse.SERVING)
            base = f"http://{daemon.http_address}"
            urllib.request.urlopen(f"{base}/v1/recommendations", timeout=10).read()
            with self.assertRaises(urllib.error.HTTPError):
                urllib.request.urlopen(f"{base}/v1/nowhere", timeout=10)
            with urllib.request.urlopen(f"{base}/metrics", timeout=10) as response:
                metrics = response.read().decode()
        finally:
            daemon.stop()

        families = re.findall(r"(?m)^# TYPE (\S+) ", metrics)
        for name in ("grpc_server_handling_seconds", "rung_latest_evaluation_duration_seconds",
                     "rung_latest_evaluation_timestamp_seconds", "rung_last_ingest_timestamp_seconds",
                     "rung_wal_checkpoints_total", "rung_answer_cache_lookups_total", "rung_answer_cache_bytes",
                     "rung_accounts", "rung_account_ad_sets", "rung_account_ad_sets_by_learning_status"):
            self.assertIn(name, families)
        for name in families:
            self.assertRegex(metrics, rf"(?m)^{name}(_bucket|_sum|_count)?[{{ ]", f"{name} has no sample")
        self.assertRegex(metrics, r'(?m)^grpc_server_handling_seconds_count\{[^}]*'
                                  r'grpc_method="GetRecommendation"[^}]*\} 3$')

        lint = subprocess.run([PROMTOOL, "check", "metrics"], input=metrics, capture_output=True,
                              text=True, timeout=60)
        self.assertEqual((lint.returncode, lint.stdout, lint.stderr), (0, "", ""))

    def test_exits_zero_on_sigint(self):
        daemon = RungdProcess(self.db)
        code, err = daemon.stop(signal.SIGINT)
        self.assertEqual(code, 0, err)

    def test_logs_are_one_json_object_per_line(self):
        import json
        daemon = RungdProcess(self.db)
        _, err = daemon.stop()
        lines = [line for line in err.splitlines() if line.strip()]
        self.assertTrue(lines)
        for line in lines:
            record = json.loads(line)
            self.assertIn("ts", record)
            self.assertIn("level", record)
            self.assertIn("msg", record)

    def test_logs_which_accounts_have_stored_overrides_on_top_of_the_config_file(self):
        from rung.v1 import advisor_service_pb2 as api
        from rung.v1 import advisor_service_pb2_grpc as api_grpc
        from rung.v1 import policy_pb2
        config = os.path.join(self.tmp.name, "rungd.textproto")
        with open(config, "w") as f:
            f.write('accounts { account_id: "act_2" policy { cutover_threshold: 20 } }\n')
        daemon = RungdProcess(self.db, extra_args=[f"--config={config}"])
        try:
            with grpc.insecure_channel(daemon.address) as channel:
                api_grpc.AdvisorServiceStub(channel).UpdatePolicy(
                    api.UpdatePolicyRequest(account_id="act_1", reason="python",
                                            policy=policy_pb2.PolicyOverrides(learning_threshold=40)),
                    timeout=10)
        finally:
            _, first = daemon.stop()
        self.assertIn('"msg":"policy: the config file\'s, with no stored overrides"', first)

        _, second = RungdProcess(self.db, extra_args=[f"--config={config}"]).stop()
        self.assertIn('"msg":"policy: stored overrides on top of the config file","accounts":"act_1"',
                      second)

    def files_here(self):
        """Every file in the temp dir with the SHA-256 of its bytes."""
        state = {}
        for name in sorted(os.listdir(self.tmp.name)):
            with open(os.path.join(self.tmp.name, name), "rb") as f:
                state[name] = hashlib.sha256(f.read()).hexdigest()
        return state

    def refusal(self, db):
        """Runs rungd on `db`, which it must refuse: exit 1, one `rungd: ` line
        on stderr, and not a byte changed or added next to the file."""
        before = self.files_here()
        code, _, err = run_rungd_expecting_failure([f"--db={db}", "--listen=127.0.0.1:0", "--http_listen="])
        self.assertEqual(code, 1, err)
        self.assertEqual(self.files_here(), before, "rungd changed the refused file or left files next to it")
        lines = [line for line in err.splitlines() if line.startswith("rungd: ")]
        self.assertEqual(len(lines), 1, err)
        return lines[0]

    def real_database(self):
        """The bytes of a database rungd made and closed cleanly."""
        made = os.path.join(self.tmp.name, "made.db")
        code, err = RungdProcess(made).stop()
        self.assertEqual(code, 0, err)
        with open(made, "rb") as f:
            content = f.read()
        for name in os.listdir(self.tmp.name):
            os.remove(os.path.join(self.tmp.name, name))
        return content

    def write_db(self, content):
        with open(self.db, "wb") as f:
            f.write(content)

    def test_refuses_corrupt_files_naming_them_and_leaving_them_unchanged(self):
        real = self.real_database()
        cases = [
            ("random bytes", random.Random(5).randbytes(20000), "is not a SQLite database"),
            ("text", b"this is certainly not a database\n" * 200, "is not a SQLite database"),
            ("a real database cut in half", real[: len(real) // 2], "is corrupt"),
            ("a real database without its last page", real[:-4096], "is corrupt"),
            ("a real database's first page only", real[:4096], "is corrupt"),
        ]
        for name, content, reason in cases:
            with self.subTest(name):
                self.write_db(content)
                message = self.refusal(self.db)
                self.assertIn(self.db, message)
                self.assertIn(reason, message)
                os.remove(self.db)

    def test_refuses_a_foreign_sqlite_file(self):
        with sqlite3.connect(self.db) as db:
            db.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount_cents INTEGER)")
            db.execute("INSERT INTO invoices VALUES (1, 1999)")
        db.close()
        message = self.refusal(self.db)
        self.assertIn(self.db, message)
        self.assertIn("not a Rung Advisor database", message)

    def test_refuses_a_database_newer_than_the_binary(self):
        self.write_db(self.real_database())
        with sqlite3.connect(self.db) as db:
            db.execute("INSERT INTO schema_migrations VALUES (9999, 'future', 'x', '2030-01-01')")
        db.close()
        message = self.refusal(self.db)
        self.assertIn("9999", message)
        self.assertIn("upgrade rungd", message)
        self.assertIn(self.db, message)

    def test_refuses_a_config_with_an_unknown_key(self):
        config = os.path.join(self.tmp.name, "rungd.textproto")
        with open(config, "w") as f:
            f.write('storage {\n  synchronus: "FULL"\n}\n')
        code, _, err = run_rungd_expecting_failure(
            [f"--db={self.db}", f"--config={config}", "--listen=127.0.0.1:0", "--http_listen="])
        self.assertEqual(code, 1)
        self.assertIn("synchronus", err)
        self.assertIn("line 2", err)


    def started_log_line(self, err):
        return [line for line in err.splitlines() if '"msg":"rungd started"' in line][0]

    def test_the_db_flag_wins_over_rung_db(self):
        from_env = os.path.join(self.tmp.name, "from-env.db")
        daemon = RungdProcess(self.db, env={"RUNG_DB": from_env})
        code, err = daemon.stop()
        self.assertEqual(code, 0, err)
        self.assertTrue(os.path.exists(self.db))
        self.assertFalse(os.path.exists(from_env))
        self.assertIn(f'"db":"{self.db}"', self.started_log_line(err))

    def test_without_the_db_flag_rung_db_names_the_database(self):
        from_env = os.path.join(self.tmp.name, "from-env.db")
        daemon = RungdProcess(None, env={"RUNG_DB": from_env})
        code, err = daemon.stop()
        self.assertEqual(code, 0, err)
        self.assertTrue(os.path.exists(from_env))
        self.assertFalse(os.path.exists(self.db))
        self.assertIn(f'"db":"{from_env}"', self.started_log_line(err))

    def test_a_password_in_db_leaves_argv_before_the_database_opens(self):
        # The config is a FIFO: rungd, which reads it after its flags and
        # before the database, waits there until this test writes it.
        config = os.path.join(self.tmp.name, "config.fifo")
        os.mkfifo(config)
        uri = "postgresql://u:SECRET@127.0.0.1:1/x"
        process = subprocess.Popen(
            [RUNGD, "--listen=127.0.0.1:0", "--http_listen=", f"--db={uri}", f"--config={config}"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=self.tmp.name)
        try:
            writer = None
            deadline = time.monotonic() + 30
            while writer is None:
                try:
                    writer = os.open(config, os.O_WRONLY | os.O_NONBLOCK)
                except OSError as e:  # ENXIO: rungd does not read it yet
                    self.assertEqual(e.errno, errno.ENXIO)
                    self.assertIsNone(process.poll(), "rungd exited before reading its config")
                    self.assertLess(time.monotonic(), deadline, "rungd never opened its config")
                    time.sleep(0.01)
            with open(f"/proc/{process.pid}/cmdline", "rb") as f:
                cmdline = f.read().split(b"\0")
            self.assertIn(b"--db=postgresql://u:******@127.0.0.1:1/x", cmdline)
            self.assertNotIn(b"SECRET", b" ".join(cmdline))
            os.close(writer)  # an empty config: the defaults
            # Without a PostgreSQL engine rungd cannot open it and exits; with
            # one it may wait for the server, NOT_SERVING: stop it either way.
            try:
                out, err = process.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                process.terminate()
                out, err = process.communicate(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
        self.assertNotIn("SECRET", out + err)


    def test_refuses_a_non_loopback_address_without_tokens(self):
        for flags, named in ((["--listen=0.0.0.0:0", "--http_listen="], "--listen: '0.0.0.0:0'"),
                             (["--listen=127.0.0.1:0", "--http_listen=[::]:0"], "--http_listen: '[::]:0'")):
            code, out, err = run_rungd_expecting_failure([f"--db={self.db}", *flags])
            self.assertEqual(code, 1, err)
            self.assertEqual(out, "")
            self.assertIn(named, err)
            self.assertIn("is not a loopback address and the config lists no auth.tokens", err)
            self.assertIn("--insecure_allow_unauthenticated_non_loopback", err)

    def test_the_warning_flag_lets_it_start_and_it_says_so(self):
        daemon = RungdProcess(self.db, ["--listen=0.0.0.0:0", "--insecure_allow_unauthenticated_non_loopback"])
        self.assertTrue(daemon.address.startswith("0.0.0.0:"))
        code, err = daemon.stop()
        self.assertEqual(code, 0, err)
        self.assertIn('"level":"warn","msg":"no auth.tokens and a non-loopback address', err)

    def test_starts_beyond_loopback_with_tokens_without_a_warning(self):
        config = os.path.join(self.tmp.name, "rungd.textproto")
        with open(config, "w") as f:
            f.write('auth { tokens { name: "ops" role: ROLE_ADMIN sha256: "%s" } }\n'
                    % hashlib.sha256(b"ops-secret").hexdigest())
        daemon = RungdProcess(self.db, ["--listen=0.0.0.0:0", f"--config={config}"])
        code, err = daemon.stop()
        self.assertEqual(code, 0, err)
        self.assertIn('"tokens":1', err)
        self.assertNotIn("non-loopback", err)


if __name__ == "__main__":
    unittest.main()
