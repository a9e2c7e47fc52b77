"""The benchmark harnesses at tiny size: they run, on SQLite and on a
throwaway PostgreSQL cluster, their output parses and the report renders.
Speed is never asserted; the machine is shared. The account summary's runs
(`rung_bench summary`) and the backtests (`rung_bench backtest`) start
with the module and go on beside the other tests, since most of their time
is spent waiting.

Needs RUNGD, RUNG_BENCH, RUNGCTL and FAKE_GRAPH (the built binaries), as
ctest sets them.
"""

import json
import math
import os
import subprocess
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
RUNGD = os.environ.get("RUNGD", "rungd")
RUNG_BENCH = os.environ.get("RUNG_BENCH", "rung_bench")
RUNGCTL = os.environ.get("RUNGCTL", "rungctl")
FAKE_GRAPH = os.environ.get("FAKE_GRAPH", "fake_graph")

AD_SETS = 30
WEEKS = 12
REQUESTS = 300

# Every figure a run reports, each a number >= 0.
NUMERIC_KEYS = [
    "ad_sets", "weeks", "rows", "accounts", "campaigns", "seed", "batch", "batches",
    "ingest_inflight", "serve_inflight", "serve_seconds", "serve_requests", "serve_rounds",
    "warmup_requests",
    "ingest_s", "ingest_rows_per_s", "ingest_retries", "bare_s", "bare_rows_per_s", "ingest_ratio",
    "bare_db_bytes", "evaluate_s", "evaluated", "scan_s", "scan_rows", "evaluate_scan_ratio",
    "recommendation_qps", "recommendation_p50_ms", "recommendation_p99_ms",
    "recommendation_requests", "recommendation_errors", "health_qps", "health_p50_ms",
    "health_p99_ms", "health_requests", "health_errors", "serve_ratio", "errors",
    "http_page_size", "http_pages", "http_recommendations", "http_s", "http_pages_per_s",
    "http_recommendations_per_s", "http_client_parse_s", "http_304_pages", "http_304_pages_per_s", "peak_rss_mb",
    "db_bytes", "startup_listening_s", "startup_s", "startup_rss_mb", "total_s",
    "ingest_settle_s", "evaluate_settle_s", "answer_cache_hit_rate", "answer_cache_mb",
    "answer_cache_bytes_per_ad_set",
    "rss_after_ingest_mb", "rss_after_evaluate_mb", "rss_after_serve_mb", "rss_after_http_mb",
    "peak_rss_after_ingest_mb", "peak_rss_after_evaluate_mb", "peak_rss_after_serve_mb",
    "peak_rss_after_http_mb",
]

# The targets of issue 6, as the report must spell them.
TARGET_LINES = [
    "ingest ≥ 0.5× the bare SQLite upsert rate",
    "evaluate ≤ 2× the bare ordered scan",
    "GetRecommendation ≥ 0.6× the health-check QPS",
    "GetRecommendation p99 ≤ 10 ms at 64 in flight",
    "peak RSS of rungd ≤ 256 MB",
    "start-up on the full database ≤ 1 s",
]

# The same targets for PostgreSQL, each against its own limit.
POSTGRES_TARGET_LINES = [
    "PostgreSQL: ingest ≥ 0.5× the bare libpq upsert rate",
    "PostgreSQL: evaluate ≤ 2× the bare ordered scan over libpq",
    "PostgreSQL: GetRecommendation ≥ 0.6× the health-check QPS",
    "PostgreSQL: GetRecommendation p99 ≤ 10 ms at 64 in flight",
    "PostgreSQL: peak RSS of rungd ≤ 256 MB (the server's not counted)",
    "PostgreSQL: start-up on the full database ≤ 1 s",
]

SUMMARY_AD_SETS = 30
SUMMARY_WEEKS = 4

# Every figure a summary run reports, each a number >= 0.
SUMMARY_NUMERIC_KEYS = [
    "ad_sets", "weeks", "rows", "accounts", "campaigns", "seed", "batch", "batches",
    "ingest_inflight", "summary_calls", "ingest_s", "ingest_rows_per_s", "ingest_retries",
    "ingest_settle_s", "evaluated_weeks", "evaluate_weeks_s", "evaluate_settle_s", "summary_ms",
    "summary_aggregate_ms", "summary_ratio", "summary_trend_weeks", "summary_changes",
    "summary_response_bytes", "summary_aggregate_groups", "summary_aggregate_ad_set_weeks",
    "total_s",
]

SUMMARY_TARGET_LINES = {
    "sqlite": f"GetAccountSummary ≤ 2× the bare SQL aggregate (one account, {SUMMARY_AD_SETS} "
              f"ad sets × {SUMMARY_WEEKS} weeks)",
    "postgres": "PostgreSQL: GetAccountSummary ≤ 2× the bare SQL aggregate over libpq "
                f"(one account, {SUMMARY_AD_SETS} ad sets × {SUMMARY_WEEKS} weeks)",
}

BACKTEST_AD_SETS = 30
BACKTEST_WEEKS = 4

# Every figure a backtest run reports, each a number >= 0.
BACKTEST_NUMERIC_KEYS = [
    "ad_sets", "weeks", "rows", "accounts", "ingest_s", "ingest_settle_s", "evaluate_s",
    "evaluated", "evaluate_settle_s", "backtest_s", "backtest_ratio", "backtest_weeks",
    "backtest_ad_sets", "backtest_advice", "backtest_actions", "backtest_rss_before_mb",
    "backtest_peak_rss_mb", "backtest_extra_peak_mb", "total_s",
]

BACKTEST_TARGET_LINES = {
    "sqlite": f"backtest ≤ 15× one stored evaluation (one account, N ad sets × {BACKTEST_WEEKS} "
              "weeks)",
    "postgres": "PostgreSQL: backtest ≤ 15× one stored evaluation (one account, N ad sets × "
                f"{BACKTEST_WEEKS} weeks)",
}

ANALYSIS_MARKER = "Hand-written: the evaluation reads every week twice."
SYNC_HEADING = "## rungctl sync against rungctl ingest"
SYNC_MARKER = "Rendered by scripts/bench-sync, kept by scripts/bench."


def run_bench(workdir, *extra):
    return subprocess.run(
        [RUNG_BENCH, "run", f"--rungd={RUNGD}", f"--ad_sets={AD_SETS}", f"--weeks={WEEKS}",
         "--batch=7", f"--serve_requests={REQUESTS}", "--warmup_requests=50",
         f"--workdir={workdir}", *extra],
        capture_output=True, text=True, timeout=240)


class StartedRun:
    """`rung_bench MODE` on one engine, started at once and awaited when
    first asked for."""

    def __init__(self, mode, engine, workdir, *flags):
        self.process = subprocess.Popen(
            [RUNG_BENCH, mode, f"--rungd={RUNGD}", f"--engine={engine}", "--batch=7",
             f"--workdir={workdir}", *flags],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.done = None

    def finished(self):
        if self.done is None:
            stdout, stderr = self.process.communicate(timeout=240)
            self.done = subprocess.CompletedProcess(self.process.args, self.process.returncode,
                                                    stdout, stderr)
        return self.done


SUMMARIES = {}
BACKTESTS = {}


def setUpModule():
    global started_dir
    started_dir = tempfile.TemporaryDirectory()
    for engine in ["sqlite", "postgres"]:
        SUMMARIES[engine] = StartedRun(
            "summary", engine, os.path.join(started_dir.name, f"summary-{engine}"),
            f"--ad_sets={SUMMARY_AD_SETS}", f"--weeks={SUMMARY_WEEKS}", "--summary_calls=3")
        BACKTESTS[engine] = StartedRun(
            "backtest", engine, os.path.join(started_dir.name, f"backtest-{engine}"),
            f"--ad_sets={BACKTEST_AD_SETS}", f"--weeks={BACKTEST_WEEKS}")


def tearDownModule():
    for started in [*SUMMARIES.values(), *BACKTESTS.values()]:
        started.finished()
    started_dir.cleanup()


def one_json_line(stdout):
    lines = stdout.splitlines()
    return json.loads(lines[0]) if len(lines) == 1 else None


class RunFigures:
    """What every benchmark run must give: one JSON line whose figures
    (NUMERIC of the class) are all numbers >= 0. Needs self.done (the
    finished process) and self.figures (its parsed line, or None)."""

    NUMERIC = []

    def test_run_succeeds_with_one_json_line(self):
        self.assertEqual(self.done.returncode, 0, self.done.stderr)
        self.assertIsNotNone(self.figures, self.done.stdout)
        self.assertNotIn("error", self.figures)

    def test_every_figure_is_a_sane_number(self):
        for key in self.NUMERIC:
            with self.subTest(key=key):
                self.assertIn(key, self.figures)
                value = self.figures[key]
                self.assertIsInstance(value, (int, float))
                self.assertNotIsInstance(value, bool)
                self.assertTrue(math.isfinite(value) and value >= 0, value)


def target_row(report, label):
    return next((row for row in report.splitlines() if row.startswith(f"| {label} |")), None)


class BenchRunChecks(RunFigures):
    """What a `rung_bench run` of AD_SETS ad sets on ENGINE must give, and
    its report render. The subclass's setUpClass calls start()."""

    NUMERIC = NUMERIC_KEYS
    ENGINE = "sqlite"

    @classmethod
    def start(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.done = run_bench(os.path.join(cls.tmp.name, "work"), f"--engine={cls.ENGINE}")
        cls.figures = one_json_line(cls.done.stdout)
        cls.results = os.path.join(cls.tmp.name, "results.jsonl")
        with open(cls.results, "w", encoding="utf-8") as out:
            out.write(cls.done.stdout)
        analysis = os.path.join(cls.tmp.name, "analysis.md")
        with open(analysis, "w", encoding="utf-8") as out:
            out.write(f"## Analysis\n\n{ANALYSIS_MARKER}\n")
        report = os.path.join(cls.tmp.name, "BENCHMARKS.md")
        with open(report, "w", encoding="utf-8") as out:
            out.write(f"# Benchmarks\n\nAn older report.\n\n{SYNC_HEADING}\n\n{SYNC_MARKER}\n")
        cls.report_run = subprocess.run(
            ["/usr/bin/python3", os.path.join(HERE, "report.py"), "--results", cls.results,
             "--out", report, "--analysis", analysis, "--workdir", cls.tmp.name,
             "--command", "scripts/bench --sizes 30"],
            capture_output=True, text=True, timeout=60)
        cls.report = ""
        if os.path.exists(report):
            with open(report, encoding="utf-8") as rendered:
                cls.report = rendered.read()

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_the_run_names_its_engine(self):
        self.assertEqual(self.figures["engine"], self.ENGINE)

    def test_phases_took_time(self):
        for key in ["ingest_s", "bare_s", "evaluate_s", "scan_s", "http_s", "startup_s",
                    "recommendation_qps", "health_qps", "peak_rss_mb", "rss_after_serve_mb"]:
            with self.subTest(key=key):
                self.assertGreater(self.figures[key], 0)

    def test_every_row_and_ad_set_is_accounted_for(self):
        f = self.figures
        self.assertEqual(f["rows"], AD_SETS * WEEKS)
        self.assertEqual(f["evaluated"], AD_SETS)
        self.assertEqual(f["scan_rows"], AD_SETS * WEEKS)
        self.assertEqual(f["http_recommendations"], AD_SETS)
        self.assertIs(f["http_complete"], True)
        self.assertEqual(f["http_304_pages"], f["http_pages"])
        # Batches of 7: several requests, the last one short.
        self.assertEqual(f["batches"], -(-AD_SETS * WEEKS // 7))
        self.assertIs(f["same_rows_as_bare"], True)

    def test_serving_had_no_errors(self):
        f = self.figures
        self.assertEqual(f["errors"], 0)
        self.assertEqual(f["recommendation_errors"], 0)
        self.assertEqual(f["health_errors"], 0)
        self.assertEqual(f["recommendation_requests"], REQUESTS)
        self.assertEqual(f["health_requests"], REQUESTS)

    def test_the_cache_hit_rate_is_a_share(self):
        self.assertLessEqual(self.figures["answer_cache_hit_rate"], 1)

    def test_the_data_reaches_many_actions(self):
        actions = self.figures["evaluate_actions"]
        self.assertGreaterEqual(len(actions), 4, actions)
        self.assertEqual(sum(actions.values()), AD_SETS)



class BenchSmokeTest(BenchRunChecks, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.start()

    def test_report_renders_every_target(self):
        self.assertEqual(self.report_run.returncode, 0, self.report_run.stderr)
        for line in TARGET_LINES:
            with self.subTest(target=line):
                row = target_row(self.report, line)
                self.assertIsNotNone(row, self.report)
                self.assertRegex(row, r"\*\*(MET|NOT MET)\*\*")
        self.assertNotIn("PostgreSQL:", self.report)

    def test_report_has_its_sections_and_keeps_the_analysis(self):
        for heading in ["## Machine", "## How to repeat", "## Targets", "## Medians per size",
                        "## Scaling", "## Every run", "## Analysis"]:
            with self.subTest(heading=heading):
                self.assertIn(heading, self.report)
        analysis = self.report[self.report.index("## Analysis"):]
        self.assertIn(ANALYSIS_MARKER, analysis)

    def test_report_keeps_the_sync_section_and_drops_the_rest(self):
        self.assertTrue(self.report.endswith(f"{SYNC_HEADING}\n\n{SYNC_MARKER}\n"), self.report)
        self.assertEqual(self.report.count(SYNC_HEADING), 1)
        self.assertNotIn("An older report.", self.report)

    def test_report_renders_the_summary_beside_the_runs(self):
        summaries = os.path.join(self.tmp.name, "summary.jsonl")
        with open(summaries, "w", encoding="utf-8") as out:
            out.write("".join(SUMMARIES[engine].finished().stdout
                              for engine in ["sqlite", "postgres"]))
        with open(os.path.join(self.tmp.name, "summary.meta.json"), "w",
                  encoding="utf-8") as out:
            json.dump({"command": "scripts/bench --benchmarks summary", "commit": "abc1234"}, out)
        report = os.path.join(self.tmp.name, "WITH_SUMMARY.md")
        done = subprocess.run(
            ["/usr/bin/python3", os.path.join(HERE, "report.py"), "--results", self.results,
             "--summary-results", summaries, "--out", report, "--workdir", self.tmp.name,
             "--command", "scripts/bench --sizes 30", "--commit", "def5678"],
            capture_output=True, text=True, timeout=60)
        self.assertEqual(done.returncode, 0, done.stderr)
        with open(report, encoding="utf-8") as rendered:
            text = rendered.read()
        rows = text.splitlines()
        for engine, line in SUMMARY_TARGET_LINES.items():
            with self.subTest(engine=engine):
                row = target_row(text, line)
                self.assertIsNotNone(row, text)
                self.assertRegex(row, r"\*\*(MET|NOT MET)\*\*")
        self.assertEqual(rows.index(target_row(text, SUMMARY_TARGET_LINES["postgres"])),
                         rows.index(target_row(text, SUMMARY_TARGET_LINES["sqlite"])) + 1)
        self.assertIn("## GetAccountSummary of one account", text)
        self.assertIn("GROUP BY r.as_of_week", text)
        # Each file named with what made it: the summaries by their .meta.json.
        self.assertIn("(commit def5678) and", text)
        self.assertIn("(commit abc1234)", text)
        self.assertIn("scripts/bench --sizes 30\nscripts/bench --benchmarks summary\n", text)

    def test_report_renders_the_backtest_targets(self):
        backtests = os.path.join(self.tmp.name, "backtest.jsonl")
        lines = [BACKTESTS[engine].finished().stdout for engine in ["sqlite", "postgres"]]
        # A tenfold size beside the real one, whose extra peak the memory row
        # compares; far above the slack, so NOT MET.
        larger = dict(json.loads(lines[0]), ad_sets=BACKTEST_AD_SETS * 10,
                      backtest_extra_peak_mb=1000.0)
        with open(backtests, "w", encoding="utf-8") as out:
            out.write("".join(lines) + json.dumps(larger) + "\n")
        report = os.path.join(self.tmp.name, "WITH_BACKTEST.md")
        done = subprocess.run(
            ["/usr/bin/python3", os.path.join(HERE, "report.py"), "--results", self.results,
             "--backtest-results", backtests, "--out", report, "--workdir", self.tmp.name,
             "--command", "scripts/bench --sizes 30"],
            capture_output=True, text=True, timeout=60)
        self.assertEqual(done.returncode, 0, done.stderr)
        with open(report, encoding="utf-8") as rendered:
            text = rendered.read()
        for engine, line in BACKTEST_TARGET_LINES.items():
            with self.subTest(engine=engine):
                self.assertRegex(target_row(text, line), r"\*\*(MET|NOT MET)\*\*")
        memory = target_row(text, "backtest memory does not grow with the ad sets: extra peak "
                                  f"RSS ≤ {BACKTEST_AD_SETS} ad sets' + 16 MB")
        self.assertRegex(memory, r"MB \(the base\) \| 1000\.0 MB: \*\*NOT MET\*\* \|$")
        self.assertIn("## RunBacktest of one account", text)
        self.assertIn(f"| {BACKTEST_AD_SETS * 10:,} | 1 |", text)

    def test_a_daemon_that_does_not_start_fails_the_run(self):
        with tempfile.TemporaryDirectory() as tmp:
            done = subprocess.run(
                [RUNG_BENCH, "run", "--rungd=/bin/false", "--ad_sets=3",
                 f"--workdir={tmp}/work"], capture_output=True, text=True, timeout=60)
        self.assertEqual(done.returncode, 1)
        self.assertIn("rungd did not start", json.loads(done.stdout)["error"])


class PostgresBenchSmokeTest(BenchRunChecks, unittest.TestCase):
    """The same run on a throwaway PostgreSQL cluster that rung_bench starts
    itself, and a report of it beside a SQLite run."""

    ENGINE = "postgres"

    @classmethod
    def setUpClass(cls):
        cls.start()

    def test_the_limits_are_postgres_ones(self):
        self.assertEqual(self.figures["bare_synchronous_commit"], "on")
        self.assertNotIn("bare_synchronous", self.figures)

    def test_report_renders_postgres_targets_beside_sqlite(self):
        self.assertEqual(self.report_run.returncode, 0, self.report_run.stderr)
        sqlite = dict(self.figures, engine="sqlite", ingest_ratio=0.25)
        both = os.path.join(self.tmp.name, "both.jsonl")
        with open(both, "w", encoding="utf-8") as out:
            out.write(json.dumps(sqlite) + "\n" + self.done.stdout)
        report = os.path.join(self.tmp.name, "BOTH.md")
        done = subprocess.run(
            ["/usr/bin/python3", os.path.join(HERE, "report.py"), "--results", both,
             "--out", report, "--workdir", self.tmp.name],
            capture_output=True, text=True, timeout=60)
        self.assertEqual(done.returncode, 0, done.stderr)
        with open(report, encoding="utf-8") as rendered:
            text = rendered.read()
        for sqlite_line, postgres_line in zip(TARGET_LINES, POSTGRES_TARGET_LINES):
            with self.subTest(target=postgres_line):
                rows = text.splitlines()
                sqlite_row = target_row(text, sqlite_line)
                postgres_row = target_row(text, postgres_line)
                self.assertIsNotNone(postgres_row, text)
                self.assertRegex(postgres_row, r"\*\*(MET|NOT MET)\*\*")
                # Next to the SQLite row of the same target.
                self.assertEqual(rows.index(postgres_row), rows.index(sqlite_row) + 1)
        # Each engine against its own limit: the SQLite row got its own ratio.
        self.assertIn("0.25×", target_row(text, TARGET_LINES[0]))
        self.assertIn(f"| {AD_SETS:,} PostgreSQL | 1 |", text)


class StartedChecks(RunFigures):
    """A run of BENCHMARK that setUpModule started: STARTED[ENGINE], awaited."""

    @classmethod
    def setUpClass(cls):
        cls.done = cls.STARTED[cls.ENGINE].finished()
        cls.figures = one_json_line(cls.done.stdout)

    def test_one_account_on_its_engine(self):
        self.assertEqual(self.figures["benchmark"], self.BENCHMARK)
        self.assertEqual(self.figures["engine"], self.ENGINE)
        self.assertEqual(self.figures["accounts"], 1)


class SummaryChecks(StartedChecks):
    """What a `rung_bench summary` on ENGINE must give."""

    NUMERIC = SUMMARY_NUMERIC_KEYS
    STARTED = SUMMARIES
    BENCHMARK = "account_summary"

    def test_evaluated_at_every_week(self):
        f = self.figures
        self.assertEqual(f["evaluated_weeks"], SUMMARY_WEEKS)
        self.assertEqual(f["summary_trend_weeks"], SUMMARY_WEEKS)

    def test_the_summary_and_its_limit_count_the_same_rows(self):
        f = self.figures
        self.assertEqual(f["summary_aggregate_ad_set_weeks"], SUMMARY_AD_SETS * SUMMARY_WEEKS)
        self.assertIs(f["summary_same_figures"], True)
        self.assertGreater(f["summary_ms"], 0)
        self.assertGreater(f["summary_aggregate_ms"], 0)


class SummarySmokeTest(SummaryChecks, unittest.TestCase):
    ENGINE = "sqlite"


class PostgresSummarySmokeTest(SummaryChecks, unittest.TestCase):
    ENGINE = "postgres"


class BacktestChecks(StartedChecks):
    """What a `rung_bench backtest` on ENGINE must give."""

    NUMERIC = BACKTEST_NUMERIC_KEYS
    STARTED = BACKTESTS
    BENCHMARK = "backtest"

    def test_evaluated_once_and_replayed_every_week(self):
        f = self.figures
        self.assertEqual(f["evaluated"], BACKTEST_AD_SETS)
        self.assertEqual(f["backtest_ad_sets"], BACKTEST_AD_SETS)
        self.assertEqual(f["backtest_advice"], BACKTEST_AD_SETS * BACKTEST_WEEKS)
        self.assertGreater(f["backtest_s"], 0)
        self.assertGreater(f["backtest_peak_rss_mb"], 0)


class BacktestSmokeTest(BacktestChecks, unittest.TestCase):
    ENGINE = "sqlite"


class PostgresBacktestSmokeTest(BacktestChecks, unittest.TestCase):
    ENGINE = "postgres"


SYNC_AD_SETS = 20

# Every figure of a sync run, each a number >= 0.
SYNC_NUMERIC_KEYS = [
    "ad_sets", "weeks", "rows", "csv_mb", "sync_s", "sync_rungctl_rss_mb", "sync_rungctl_cpu_s",
    "sync_rungd_cpu_s", "sync_rungd_rss_mb", "sync_fake_graph_cpu_s", "api_calls", "inserted",
    "warning_count", "sync_rows_read", "sync_elapsed_s", "ingest_s", "ingest_rungctl_rss_mb",
    "ingest_rungctl_cpu_s", "ingest_rungd_cpu_s", "ingest_rungd_rss_mb", "ingest_records",
    "ingest_inserted", "ratio", "ratio_without_fake", "sync_weeks_stored", "ingest_weeks_stored",
    "total_s",
]


class SyncBenchSmokeTest(RunFigures, unittest.TestCase):
    NUMERIC = SYNC_NUMERIC_KEYS
    """bench/sync_bench.py (scripts/bench-sync) at 20 ad sets, one run."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.done = subprocess.run(
            ["/usr/bin/python3", os.path.join(HERE, "sync_bench.py"), "run", "--rungd", RUNGD,
             "--rungctl", RUNGCTL, "--fake-graph", FAKE_GRAPH, f"--ad-sets={SYNC_AD_SETS}",
             f"--weeks={WEEKS}", f"--workdir={cls.tmp.name}"],
            capture_output=True, text=True, timeout=120)
        lines = cls.done.stdout.splitlines()
        cls.figures = json.loads(lines[0]) if len(lines) == 1 else None
        cls.results = os.path.join(cls.tmp.name, "sync.jsonl")
        with open(cls.results, "w", encoding="utf-8") as out:
            out.write(cls.done.stdout)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def render(self, report):
        return subprocess.run(
            ["/usr/bin/python3", os.path.join(HERE, "sync_bench.py"), "render", "--results",
             self.results, "--out", report, "--analysis", os.path.join(self.tmp.name, "none.md"),
             "--command", "scripts/bench-sync --ad-sets 20", "--commit", "abc1234"],
            capture_output=True, text=True, timeout=60)

    def test_sync_and_ingest_store_the_same_weeks(self):
        f = self.figures
        self.assertEqual(f["rows"], SYNC_AD_SETS * WEEKS)
        self.assertEqual(f["sync_rows_read"], f["rows"])
        self.assertEqual(f["ingest_records"], f["rows"])
        self.assertEqual(f["sync_weeks_stored"], f["rows"])
        self.assertEqual(f["ingest_weeks_stored"], f["sync_weeks_stored"])
        self.assertIs(f["same_weeks"], True)

    def test_section_replaces_itself_and_keeps_the_rest(self):
        report = os.path.join(self.tmp.name, "BENCHMARKS.md")
        with open(report, "w", encoding="utf-8") as out:
            out.write(f"# Benchmarks\n\n## Analysis\n\n{ANALYSIS_MARKER}\n")
        for _ in range(2):
            done = self.render(report)
            self.assertEqual(done.returncode, 0, done.stderr)
        with open(report, encoding="utf-8") as rendered:
            text = rendered.read()
        self.assertTrue(text.startswith(f"# Benchmarks\n\n## Analysis\n\n{ANALYSIS_MARKER}\n"))
        self.assertEqual(text.count(SYNC_HEADING), 1)
        for target in ["sync ≤ 2× ingest", "rungctl peak RSS < 100 MB"]:
            with self.subTest(target=target):
                row = next((row for row in text.splitlines() if row.startswith(f"| {target}")),
                           None)
                self.assertIsNotNone(row, text)
                self.assertRegex(row, r"\*\*(MET|NOT MET)\*\*")
        self.assertIn("scripts/bench-sync --ad-sets 20", text)
        self.assertIn("abc1234", text)


if __name__ == "__main__":
    unittest.main()
