#!/usr/bin/python3
"""Writes BENCHMARKS.md from the JSON lines that `rung_bench run`, `summary` and `backtest` printed.

Medians are taken per engine and size over the runs that succeeded; every ratio is the
median of the ratios measured within each run (the machine is shared and
noisy, so only figures from the same run are compared). A hand-written
analysis is kept: the `## Analysis` section is read from --analysis (by
default bench/analysis.md) whenever the report is written again.

The runs (--results), the summaries (--summary-results) and the backtests
(--backtest-results) may come from different invocations of scripts/bench: each file's command and commit are
read from the FILE.meta.json that scripts/bench writes beside it, so that
the report names what made each.

The section of the sync benchmark (bench/sync_bench.py), from
SYNC_SECTION_HEADING to the end of the file, is written by scripts/bench-sync
and kept as it is whenever this report is written again.

Standard library only, so that it runs with Debian's /usr/bin/python3.
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# (label, key, comparison, limit, unit). `key` is a figure of one run.
TARGETS = [
    ("ingest ≥ 0.5× the bare SQLite upsert rate", "ingest_ratio", ">=", 0.5, "×"),
    ("evaluate ≤ 2× the bare ordered scan", "evaluate_scan_ratio", "<=", 2.0, "×"),
    ("GetRecommendation ≥ 0.6× the health-check QPS", "serve_ratio", ">=", 0.6, "×"),
    ("GetRecommendation p99 ≤ 10 ms at 64 in flight", "recommendation_p99_ms", "<=", 10.0, " ms"),
    ("peak RSS of rungd ≤ 256 MB", "peak_rss_mb", "<=", 256.0, " MB"),
    ("start-up on the full database ≤ 1 s", "startup_s", "<=", 1.0, " s"),
]

# The same for `rung_bench summary` (issue 22), whose runs are of their own;
# {ad_sets} and {weeks} are their size.
SUMMARY_TARGETS = [
    ("GetAccountSummary ≤ 2× the bare SQL aggregate (one account, {ad_sets:,} ad sets × "
     "{weeks} weeks)", "summary_ratio", "<=", 2.0, "×"),
]

# The same for `rung_bench backtest` (issue 23), per size: N is the column's.
BACKTEST_TARGETS = [
    ("backtest ≤ 15× one stored evaluation (one account, N ad sets × {weeks} weeks)",
     "backtest_ratio", "<=", 15.0, "×"),
]

# "Memory that does not grow with the number of ad sets": the backtest's
# extra peak at each larger size within this much of the smallest size's.
# A history of 12 weeks takes at least 2 KB in memory, so one kept per ad set
# would add at least 180 MB from 10,000 to 100,000 ad sets; 16 MB leaves room
# for allocator and page-cache noise while catching anything kept per ad set
# that is larger than about 180 bytes.
BACKTEST_MEMORY_SLACK_MB = 16

# The engines a run may measure rungd on ("engine" of a run; older runs
# without it were SQLite), in the order their rows appear, with the name the
# tables give them. Each is held against its own limits, measured in the same
# run through its own C library.
ENGINES = [("sqlite", "SQLite"), ("postgres", "PostgreSQL")]

# The targets as they read for PostgreSQL, whose limits go through libpq.
POSTGRES_TARGET_LABELS = {
    "ingest_ratio": "PostgreSQL: ingest ≥ 0.5× the bare libpq upsert rate",
    "evaluate_scan_ratio": "PostgreSQL: evaluate ≤ 2× the bare ordered scan over libpq",
    "serve_ratio": "PostgreSQL: GetRecommendation ≥ 0.6× the health-check QPS",
    "recommendation_p99_ms": "PostgreSQL: GetRecommendation p99 ≤ 10 ms at 64 in flight",
    "peak_rss_mb": "PostgreSQL: peak RSS of rungd ≤ 256 MB (the server's not counted)",
    "startup_s": "PostgreSQL: start-up on the full database ≤ 1 s",
    "summary_ratio": "PostgreSQL: GetAccountSummary ≤ 2× the bare SQL aggregate over libpq "
                     "(one account, {ad_sets:,} ad sets × {weeks} weeks)",
    "backtest_ratio": "PostgreSQL: backtest ≤ 15× one stored evaluation "
                      "(one account, N ad sets × {weeks} weeks)",
}

# Per-size medians: (column header, key, format).
MEDIAN_COLUMNS = [
    ("ingest rows/s (rungd)", "ingest_rows_per_s", "{:,.0f}"),
    ("bare upsert rows/s", "bare_rows_per_s", "{:,.0f}"),
    ("ingest ratio", "ingest_ratio", "{:.2f}"),
    ("evaluate s", "evaluate_s", "{:.3f}"),
    ("scan s", "scan_s", "{:.3f}"),
    ("evaluate/scan", "evaluate_scan_ratio", "{:.2f}"),
    ("rungd busy after evaluate s", "evaluate_settle_s", "{:.2f}"),
    ("GetRecommendation QPS", "recommendation_qps", "{:,.0f}"),
    ("p50 ms", "recommendation_p50_ms", "{:.2f}"),
    ("p99 ms", "recommendation_p99_ms", "{:.2f}"),
    ("health QPS", "health_qps", "{:,.0f}"),
    ("serve ratio", "serve_ratio", "{:.2f}"),
    ("answers found kept", "answer_cache_hit_rate", "{:.0%}"),
    ("kept answers MB", "answer_cache_mb", "{:.0f}"),
    ("HTTP pages/s", "http_pages_per_s", "{:.1f}"),
    ("HTTP 304 pages/s", "http_304_pages_per_s", "{:.1f}"),
    ("RSS after ingest MB", "rss_after_ingest_mb", "{:.0f}"),
    ("after evaluate", "rss_after_evaluate_mb", "{:.0f}"),
    ("after serve", "rss_after_serve_mb", "{:.0f}"),
    ("peak RSS MB", "peak_rss_mb", "{:.0f}"),
    ("start-up s", "startup_s", "{:.3f}"),
]

# Scaling: (header, key, divisor key or None, format). A divisor gives the
# time per row or per ad set in microseconds, which stays flat when the
# phase grows linearly.
SCALING_COLUMNS = [
    ("ingest s", "ingest_s", None, "{:.2f}"),
    ("µs/row", "ingest_s", "rows", "{:.2f}"),
    ("bare s", "bare_s", None, "{:.2f}"),
    ("µs/row", "bare_s", "rows", "{:.2f}"),
    ("evaluate s", "evaluate_s", None, "{:.2f}"),
    ("µs/ad set", "evaluate_s", "ad_sets", "{:.1f}"),
    ("scan s", "scan_s", None, "{:.3f}"),
    ("µs/row", "scan_s", "rows", "{:.3f}"),
    ("HTTP walk s", "http_s", None, "{:.2f}"),
    ("µs/ad set", "http_s", "ad_sets", "{:.1f}"),
    ("of which client parse s", "http_client_parse_s", None, "{:.2f}"),
    ("peak RSS MB", "peak_rss_mb", None, "{:.0f}"),
    ("kept answers MB", "answer_cache_mb", None, "{:.0f}"),
    ("B/ad set", "answer_cache_bytes_per_ad_set", None, "{:.0f}"),
    ("start-up s", "startup_s", None, "{:.3f}"),
    ("db MB", "db_mb", None, "{:.0f}"),
    ("run wall s", "total_s", None, "{:.0f}"),
]

RUN_COLUMNS = [
    ("ingest rows/s", "ingest_rows_per_s", "{:,.0f}"),
    ("bare rows/s", "bare_rows_per_s", "{:,.0f}"),
    ("ratio", "ingest_ratio", "{:.2f}"),
    ("evaluate s", "evaluate_s", "{:.3f}"),
    ("scan s", "scan_s", "{:.3f}"),
    ("ratio", "evaluate_scan_ratio", "{:.2f}"),
    ("busy after s", "evaluate_settle_s", "{:.2f}"),
    ("GetRec QPS", "recommendation_qps", "{:,.0f}"),
    ("p99 ms", "recommendation_p99_ms", "{:.2f}"),
    ("health QPS", "health_qps", "{:,.0f}"),
    ("ratio", "serve_ratio", "{:.2f}"),
    ("kept", "answer_cache_hit_rate", "{:.0%}"),
    ("HTTP pages/s", "http_pages_per_s", "{:.1f}"),
    ("peak RSS MB", "peak_rss_mb", "{:.0f}"),
    ("start-up s", "startup_s", "{:.3f}"),
    ("errors", "errors", "{:d}"),
]

# Each summary run, and the medians per engine: (header, key, format).
SUMMARY_COLUMNS = [
    ("GetAccountSummary ms", "summary_ms", "{:.1f}"),
    ("bare aggregate ms", "summary_aggregate_ms", "{:.1f}"),
    ("ratio", "summary_ratio", "{:.2f}"),
    ("weeks in the trend", "summary_trend_weeks", "{:.0f}"),
    ("changes listed", "summary_changes", "{:,.0f}"),
    ("answer bytes", "summary_response_bytes", "{:,.0f}"),
    ("aggregate rows", "summary_aggregate_groups", "{:,.0f}"),
    ("ingest s", "ingest_s", "{:.2f}"),
    ("evaluations s", "evaluate_weeks_s", "{:.2f}"),
    ("run wall s", "total_s", "{:.0f}"),
]

# Each backtest run, and the medians per engine and size: (header, key, format).
BACKTEST_COLUMNS = [
    ("backtest s", "backtest_s", "{:.3f}"),
    ("evaluate s", "evaluate_s", "{:.3f}"),
    ("ratio", "backtest_ratio", "{:.2f}"),
    ("advice", "backtest_advice", "{:,.0f}"),
    ("µs/advice", "backtest_us_per_advice", "{:.2f}"),
    ("RSS before MB", "backtest_rss_before_mb", "{:.1f}"),
    ("peak during MB", "backtest_peak_rss_mb", "{:.1f}"),
    ("extra peak MB", "backtest_extra_peak_mb", "{:.1f}"),
    ("ingest s", "ingest_s", "{:.2f}"),
    ("run wall s", "total_s", "{:.0f}"),
]

# Where the sync benchmark's section starts; it runs to the end of the file.
SYNC_SECTION_HEADING = "## rungctl sync against rungctl ingest"

ANALYSIS_PLACEHOLDER = (
    "_Not written yet. Put the analysis in `bench/analysis.md`: where a target is not met, "
    "the profile that explains why and what would fix it. `scripts/bench` keeps it._\n"
)


def read_runs(path):
    runs = []
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if line.strip():
                try:
                    runs.append(json.loads(line))
                except json.JSONDecodeError as error:
                    sys.exit(f"{path}:{number}: not JSON: {error}")
    for run in runs:
        if "db_bytes" in run:
            run["db_mb"] = run["db_bytes"] / (1024 * 1024)
        if run.get("backtest_advice"):
            run["backtest_us_per_advice"] = run["backtest_s"] / run["backtest_advice"] * 1e6
    return runs


def succeeded(run):
    return "error" not in run and run.get("errors", 0) == 0


def engine_of(run):
    return run.get("engine", "sqlite")


def by_size(runs):
    sizes = {}
    for run in runs:
        sizes.setdefault(run["ad_sets"], []).append(run)
    return dict(sorted(sizes.items()))


def by_engine(runs):
    """{engine: {size: runs}} in ENGINES order, engines without runs left out."""
    return {engine: by_size([run for run in runs if engine_of(run) == engine])
            for engine, _ in ENGINES if any(engine_of(run) == engine for run in runs)}


def size_label(size, engine):
    """The first cell of a row: the size, and the engine unless SQLite."""
    return f"{size:,}" if engine == "sqlite" else f"{size:,} {dict(ENGINES)[engine]}"


def rows_by_size(engines):
    """(engine, size, runs) with every engine's row of a size next to each other."""
    sizes = sorted({size for per_size in engines.values() for size in per_size})
    return [(engine, size, per_size[size]) for size in sizes
            for engine, per_size in engines.items() if size in per_size]


def median(runs, key):
    values = [run[key] for run in runs if key in run]
    return statistics.median(values) if values else None


def fmt(value, spec):
    return "–" if value is None else spec.format(value)


def table(headers, rows):
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def command_output(args):
    try:
        return subprocess.run(args, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def read_file(path, default="unknown"):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError:
        return default


def cpu_model():
    for line in read_file("/proc/cpuinfo", "").splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def memory_gib():
    for line in read_file("/proc/meminfo", "").splitlines():
        if line.startswith("MemTotal:"):
            return f"{int(line.split()[1]) / (1024 * 1024):.1f} GiB"
    return "unknown"


def filesystem(path):
    lines = command_output(["df", "-T", path]).splitlines()
    if len(lines) < 2:
        return "unknown"
    fields = lines[1].split()
    return f"{fields[1]} ({fields[0]}, mounted on {fields[-1]})"


def package_version(name):
    return command_output(["dpkg-query", "-W", "-f=${Version}", name])


def postgres_rows():
    """The PostgreSQL server a run starts (the newest installed) and libpq."""
    versions = [int(name) for name in os.listdir("/usr/lib/postgresql") if name.isdigit()] \
        if os.path.isdir("/usr/lib/postgresql") else []
    server = f"postgresql-{max(versions)}" if versions else "postgresql"
    return [(f"PostgreSQL ({server})", package_version(server)),
            ("libpq (libpq5)", package_version("libpq5"))]


def machine_rows(workdir, postgres=False):
    return [
        ("CPU", cpu_model()),
        ("cores", str(os.cpu_count())),
        ("memory", memory_gib()),
        ("kernel", platform.release()),
        ("Debian", read_file("/etc/debian_version").strip()),
        ("filesystem of the work directory", f"`{workdir}`: {filesystem(workdir)}"),
        ("SQLite (libsqlite3-0)", package_version("libsqlite3-0")),
        ("gRPC (libgrpc++1.51)", package_version("libgrpc++1.51")),
        ("protobuf (libprotobuf32)", package_version("libprotobuf32")),
        ("compiler", command_output(["c++", "--version"]).splitlines()[0]),
    ] + (postgres_rows() if postgres else [])


def target_met(value, comparison, limit):
    return value <= limit if comparison == "<=" else value >= limit


def target_cells(per_size, sizes, key, comparison, limit, unit):
    cells = []
    for size in sizes:
        value = median(per_size.get(size, []), key)
        if value is None:
            cells.append("–")
        else:
            verdict = "MET" if target_met(value, comparison, limit) else "NOT MET"
            cells.append(f"{value:.2f}{unit}: **{verdict}**")
    return cells


def retries_note(engines):
    """How many ingest requests rungd answered ABORTED on PostgreSQL, per run."""
    counts = [run.get("ingest_retries", 0) for per_size in engines["postgres"].values()
              for run in per_size]
    batches = [run["batches"] for per_size in engines["postgres"].values() for run in per_size]
    def span(values):
        low, high = min(values), max(values)
        return f"{low:,}" if low == high else f"{low:,}–{high:,}"
    return (f"On PostgreSQL the ingest client sent {span(counts)} requests again per run "
            f"(of {span(batches)} batches), after rungd answered ABORTED (a serialization "
            "failure it did not overcome itself); their time is in the ingest rate.")


def target_rows(targets, engines, sizes):
    rows = []
    for label, key, comparison, limit, unit in targets:
        for engine, per_size in engines.items():
            first = next(iter(per_size.values()))[0]
            name = (label if engine == "sqlite" else POSTGRES_TARGET_LABELS[key]).format(
                ad_sets=first["ad_sets"], weeks=first["weeks"])
            rows.append([name] + target_cells(per_size, sizes, key, comparison, limit, unit))
    return rows


def memory_cells(per_size, sizes):
    """The backtest's extra peak per size: the smallest size's as the base,
    each larger one against it."""
    base_size = min(per_size)
    base = median(per_size[base_size], "backtest_extra_peak_mb")
    cells = []
    for size in sizes:
        value = median(per_size.get(size, []), "backtest_extra_peak_mb")
        if value is None or base is None or size < base_size:
            cells.append("–")
        elif size == base_size:
            cells.append(f"{value:.1f} MB (the base)")
        else:
            verdict = "MET" if value <= base + BACKTEST_MEMORY_SLACK_MB else "NOT MET"
            cells.append(f"{value:.1f} MB: **{verdict}**")
    return cells


def backtest_memory_rows(backtests, sizes):
    rows = []
    for engine, per_size in backtests.items():
        prefix = "" if engine == "sqlite" else "PostgreSQL: "
        label = (f"{prefix}backtest memory does not grow with the ad sets: extra peak RSS ≤ "
                 f"{min(per_size):,} ad sets' + {BACKTEST_MEMORY_SLACK_MB} MB")
        rows.append([label] + memory_cells(per_size, sizes))
    return rows


def section_targets(engines, summaries, backtests):
    sizes = sorted({size for group in (engines, summaries, backtests)
                    for per_size in group.values() for size in per_size})
    headers = ["target"] + [f"{size:,} ad sets" for size in sizes]
    rows = (target_rows(TARGETS, engines, sizes) +
            target_rows(SUMMARY_TARGETS, summaries, sizes) +
            target_rows(BACKTEST_TARGETS, backtests, sizes) +
            backtest_memory_rows(backtests, sizes))
    postgres = "" if "postgres" not in engines else (
        " A PostgreSQL ratio is against the PostgreSQL limit of the same run (libpq alone, "
        "on the same throwaway server), never against SQLite's. " + retries_note(engines))
    return ("## Targets\n\nEach cell is the median over the runs of that size; a ratio is "
            "the median of the ratios measured within each run." + postgres + "\n\n" +
            table(headers, rows))


def section_medians(engines):
    headers = ["ad sets", "runs"] + [header for header, _, _ in MEDIAN_COLUMNS]
    rows = [[size_label(size, engine), len(runs)] + [fmt(median(runs, key), spec)
                                                     for _, key, spec in MEDIAN_COLUMNS]
            for engine, size, runs in rows_by_size(engines)]
    return "## Medians per size\n\n" + table(headers, rows)


def scaled(runs, key, divisor):
    values = [run[key] / run[divisor] * 1e6 if divisor else run[key]
              for run in runs if key in run and (divisor is None or run.get(divisor))]
    return statistics.median(values) if values else None


def section_scaling(engines):
    headers = ["ad sets", "rows"] + [header for header, _, _, _ in SCALING_COLUMNS]
    rows = [[size_label(size, engine), f"{runs[0]['rows']:,}"] +
            [fmt(scaled(runs, key, divisor), spec) for _, key, divisor, spec in SCALING_COLUMNS]
            for engine, size, runs in rows_by_size(engines)]
    return ("## Scaling\n\nMedian seconds per phase, and the same divided by rows or ad sets: "
            "a phase that grows linearly keeps a flat µs column. Peak RSS shows whether memory "
            "stays flat as the data grows.\n\n" + table(headers, rows))


def every_run_table(runs, columns):
    """One row per run in the order they ran, numbered within its engine and size."""
    headers = ["ad sets", "run"] + [header for header, _, _ in columns]
    rows = []
    counters = {}
    for run in runs:
        group = (engine_of(run), run["ad_sets"])
        counters[group] = counters.get(group, 0) + 1
        rows.append([size_label(run["ad_sets"], engine_of(run)), counters[group]] +
                    [fmt(run.get(key), spec) for _, key, spec in columns])
    return table(headers, rows)


def section_runs(runs):
    return ("## Every run\n\nIn the order they ran, so the spread is visible.\n\n" +
            every_run_table(runs, RUN_COLUMNS))


def medians_and_runs(groups, runs, columns):
    """The medians per engine and size, then every run."""
    headers = ["ad sets", "runs"] + [header for header, _, _ in columns]
    rows = [[size_label(size, engine), len(group)] +
            [fmt(median(group, key), spec) for _, key, spec in columns]
            for engine, size, group in rows_by_size(groups)]
    return table(headers, rows) + "\n" + every_run_table(runs, columns)


def section_summary(summaries, runs):
    if not runs:
        return ""
    return ("## GetAccountSummary of one account\n\nMedians per engine of `rung_bench summary` "
            "(see What is measured), then every run in the order they ran. Each time is itself "
            "the median of the run's calls.\n\n" +
            medians_and_runs(summaries, runs, SUMMARY_COLUMNS))


def section_backtest(backtests, runs):
    if not runs:
        return ""
    return ("## RunBacktest of one account\n\nMedians per engine and size of `rung_bench "
            "backtest` (see What is measured), then every run in the order they ran. The "
            "extra peak is rungd's peak RSS during the backtest less its RSS right before.\n\n" +
            medians_and_runs(backtests, runs, BACKTEST_COLUMNS))


BENCHMARK_NOTES = {"account_summary": " (summary)", "backtest": " (backtest)"}


def section_failures(failed):
    if not failed:
        return ""
    lines = [f"- {size_label(run.get('ad_sets', 0), engine_of(run))} ad sets"
             f"{BENCHMARK_NOTES.get(run.get('benchmark'), '')}: "
             f"{run.get('error', 'serving errors')}" for run in failed]
    return ("## Failed runs\n\nLeft out of every median above.\n\n" + "\n".join(lines) + "\n")


def section_actions(sizes):
    size, runs = list(sizes.items())[-1]
    actions = runs[0].get("evaluate_actions", {})
    rows = [[name.removeprefix("ACTION_"), f"{count:,}"] for name, count in actions.items()]
    return (f"## What the evaluation decided\n\nThe generated data is meant to reach many "
            f"actions; at {size:,} ad sets the first run's evaluation answered:\n\n" +
            table(["action", "ad sets"], rows))


def section_profiles(profiles_dir):
    if not profiles_dir or not os.path.isdir(profiles_dir):
        return ""
    names = sorted(name for name in os.listdir(profiles_dir)
                   if name.startswith("profile-") and name.endswith(".txt"))
    if not names:
        return ""
    parts = ["## Profiles of rungd\n\nFrom one extra run with `perf record` attached to rungd "
             "for exactly the span of the phase (`scripts/bench --profile SIZE`); self time, "
             "top entries. The figures of that run are left out of the tables above.\n"]
    for name in names:
        phase = name.removeprefix("profile-").removesuffix(".txt")
        parts.append(f"### {phase}\n\n```\n{read_file(os.path.join(profiles_dir, name)).rstrip()}\n```\n")
    return "\n".join(parts)


def section_analysis(path):
    text = read_file(path, "") if path else ""
    body = text.strip()
    if body.startswith("## Analysis"):
        body = body.removeprefix("## Analysis").strip()
    return "## Analysis\n\n" + (body + "\n" if body else ANALYSIS_PLACEHOLDER)


def postgres_method(run):
    if not run:
        return ""
    return f"""
With `--engine=postgres` the same run measures rungd on PostgreSQL: the run starts a
throwaway cluster of its own (the newest `/usr/lib/postgresql/N`, `initdb` into a fresh
directory, TCP on 127.0.0.1, `fsync=on`, `synchronous_commit=on`, otherwise
`initdb`'s defaults), gives rungd a fresh database in `RUNG_DB`, and
removes the cluster afterwards. Its limits are measured in the same run, through libpq
alone, on the same server:

- **Ingest limit**: the same rows with the same batch boundaries into a second fresh
  database with rungd's schema (its embedded migrations), one transaction per batch of two
  statements, `INSERT … SELECT FROM unnest($1::text[], …)` of the batch's ad sets
  (`ON CONFLICT DO NOTHING`) and of its weeks (`ON CONFLICT (ad_set_id, week_start) DO
  UPDATE`), parameters in text, durable commit; rows are rendered to the array parameters
  before each batch and only the transactions are timed. Both databases are then compared
  row by row (`same_rows_as_bare`).
- **Evaluate limit**: one `SELECT … FROM ad_set_weeks ORDER BY ad_set_id, week_start` on
  rungd's database, every column of every row in text, in libpq's single-row mode (which
  streams; it beat a `FETCH 10000` cursor, 0.55 s against 1.0 s for 1.2 million rows).
- **Serve**, **HTTP**, **memory and start-up** as above; rungd is the same binary. Its RSS
  is rungd's alone: the PostgreSQL server's processes (shared buffers, one backend per
  connection) are not counted, as they would run on another host. `db MB` is
  `pg_database_size`.
"""


def summary_method(run):
    if not run:
        return ""
    return f"""
`rung_bench summary` (issue 22) measures one account's summary against SQL, on each engine
in a run of its own with a fresh rungd (and for PostgreSQL a cluster of its own):

- **Data**: {run['ad_sets']:,} ad sets × {run['weeks']} weeks generated as above, all in one
  account, ingested through `IngestWeeks`; then a stored `EvaluateAdSets` at each of the
  {run['evaluated_weeks']} weeks, oldest first, so that the summary's weekly trend spans them all.
- **GetAccountSummary** of that account at its latest week over gRPC, timed by the client
  from the call until its answer is parsed: the median of {run['summary_calls']} calls after
  one warm-up call.
- **Limit**: one SQL aggregate over the same rows, on rungd's database while rungd runs,
  through the SQLite C API (a read-only connection) or libpq alone, the connection kept open
  and the statement prepared once, as rungd keeps its own. It is `kAccountAggregateSql` in
  `bench/account_aggregate.h`:

  ```sql
  {run['summary_aggregate_sql']}
  ```

  One row per week and (action, learning status, rung) with its ad sets and spend, from
  which that week's counts per action, per learning status and per rung, its spend and its
  spend below the learning threshold (STUCK, NEAR_EXIT) add up; the client sums them inside
  the timing. Timed the same way: the median of {run['summary_calls']} runs after one
  warm-up run, each run right after a summary call, so that both meet the machine as it
  drifts. The ratio is the summary's median over the aggregate's.
- **Check**: the summary's trend must give the aggregate's figures, week by week, or the
  run fails.
"""


def backtest_method(run):
    if not run:
        return ""
    return f"""
`rung_bench backtest` (issue 23) measures one account's backtest against one stored
evaluation of the same data, on each engine and size in a run of its own with a fresh rungd
(and for PostgreSQL a cluster of its own):

- **Data**: N ad sets × {run['weeks']} weeks generated as above, all in one account,
  ingested through `IngestWeeks`.
- **Limit**: one stored `EvaluateAdSets` of every ad set at the default as-of week, timed
  by the client, as in `rung_bench run`: one decision per ad set, from the same histories.
- **RunBacktest** of that account from its first week to its last ({run['weeks']} weeks),
  once, timed by the client from the call until its answer is parsed, after rungd and the
  database were quiet again. It replays every ad set at every week, so it decides
  {run['weeks']} times as often as the evaluation; the target allows 15×. The ratio is the
  backtest's seconds over the evaluation's, within the run.
- **Memory**: rungd's `VmHWM` is reset (`echo 5 > /proc/PID/clear_refs`) right before the
  call; its `VmRSS` then, and its `VmHWM` after the call, give the extra peak. Memory that
  rungd's allocator kept from the evaluation is in the RSS before and is reused, so the
  extra peak is what the backtest needed beyond that. It must not grow with the ad
  sets: at each larger size it must stay within {BACKTEST_MEMORY_SLACK_MB} MB of the
  smallest size's.
- **Check**: the totals must count every ad set, each advised once a week (N ×
  {run['weeks']} advice, also summed over the actions), or the run fails.
"""


def section_method(run, postgres_run=None, summary_run=None, backtest_run=None):
    load = (f"{run['serve_requests']:,} requests" if run.get("serve_requests")
            else f"{run.get('serve_seconds', 5):g} s")
    serve_rounds = run.get("serve_rounds", 1)
    rounds = ("The two loads ran one after the other." if serve_rounds == 1 else
              f"The two loads alternate in {serve_rounds} rounds, a new load process each, "
              "so that both meet the same machine: its speed drifts over seconds. QPS and "
              "percentiles are over the calls of all rounds.")
    return f"""## What is measured

One `rung_bench run` does, in order, against one fresh rungd (`--listen=127.0.0.1:0
--http_listen=127.0.0.1:0`, no config, so the daemon's defaults: WAL, `synchronous=FULL`):

- **Ingest**: N ad sets × {run['weeks']} weeks × 5 events (generated, seeded, a mix of funnel
  profiles, about one account per 1000 ad sets) sent to `IngestWeeks` in batches of
  {run['batch']:,} rows, {run['ingest_inflight']} requests in flight, so that the client encodes
  one batch while rungd writes another; rows/s over the whole upload. **Limit**: the same
  rows with the same batch boundaries into a new file with rungd's schema, through the
  SQLite C API alone (one `BEGIN IMMEDIATE … COMMIT` per batch, prepared
  `INSERT … ON CONFLICT DO UPDATE`, WAL, `synchronous={run.get('bare_synchronous', 'FULL')}`,
  foreign keys on); rows are
  rendered before each batch and only the transactions are timed. Both databases are
  then compared row by row (`same_rows_as_bare`).
- **Evaluate**: a stored `EvaluateAdSets` of every ad set at the default as-of week, timed
  by the client. **Limit**: one `SELECT … FROM ad_set_weeks ORDER BY ad_set_id,
  week_start` over rungd's file through the C API (read-only, while rungd runs), reading
  every column of every row.
- **Serve**: `rung_bench load`, a separate process using the gRPC callback API with
  {run['serve_inflight']} calls in flight on one channel: `GetRecommendation` of uniformly
  random ad sets (latest week), and `grpc.health.v1.Health/Check` (**the limit**), each
  for {load} in all, after {run.get('warmup_requests', 0):,} warm-up calls. {rounds}
  Every answer must be OK.
- **HTTP**: `GET /v1/recommendations?page_size={run['http_page_size']}` through every
  `nextPageToken` on one keep-alive connection (client parsing included), then the same
  pages again with `If-None-Match` (each a 304).
- **Memory and start-up**: rungd's `VmHWM` just before SIGTERM, over the whole run; then a
  second rungd on the full database, timed from exec until it printed `listening on` and
  a health check answered SERVING.

Client and server share the machine's cores, as they would on one small host.
{postgres_method(postgres_run)}{summary_method(summary_run)}{backtest_method(backtest_run)}"""


def sync_section_start(text):
    """Where the sync benchmark's heading starts a line of `text`, or -1."""
    # The newline found before the heading is the one put in front of text.
    return ("\n" + text).find(f"\n{SYNC_SECTION_HEADING}\n")


def kept_sync_section(path):
    text = read_file(path, "")
    start = sync_section_start(text)
    return text[start:] if start >= 0 else ""


def provenance(path, args):
    """The command and commit that made the results at `path`: from the
    .meta.json beside it, else from --command and --commit."""
    meta_path = os.path.splitext(path)[0] + ".meta.json"
    if os.path.exists(meta_path):
        with open(meta_path, encoding="utf-8") as meta:
            return json.load(meta)
    # The code that ran, which is not always what is checked out when the
    # report is rendered again.
    commit = args.commit or command_output(["git", "-C", HERE, "rev-parse", "--short", "HEAD"])
    return {"command": "\n".join(args.command) if args.command else "scripts/bench",
            "commit": commit}


def split_runs(path):
    """The runs of `path` that succeeded, unprofiled, and those that failed."""
    runs = read_runs(path)
    return ([run for run in runs if succeeded(run) and not run.get("profiled")],
            [run for run in runs if not succeeded(run)])


def write_report(args):
    good, failed = split_runs(args.results)
    if not good:
        sys.exit(f"{args.results}: no successful run to report")
    summary_runs, failed_summaries = split_runs(args.summary_results) if args.summary_results \
        else ([], [])
    backtest_runs, failed_backtests = split_runs(args.backtest_results) \
        if args.backtest_results else ([], [])
    engines = by_engine(good)
    summaries = by_engine(summary_runs)
    backtests = by_engine(backtest_runs)
    sqlite_sizes = engines.get("sqlite") or next(iter(engines.values()))
    postgres_run = next((run for run in good if engine_of(run) == "postgres"), None)
    today = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    sources = [(args.results, provenance(args.results, args))]
    for path in (args.summary_results, args.backtest_results):
        if path:
            sources.append((path, provenance(path, args)))
    named = [f"`{os.path.relpath(path)}` (commit {meta['commit']})" for path, meta in sources]
    made_from = " and ".join(filter(None, [", ".join(named[:-1]), named[-1]]))
    commands = "\n".join(dict.fromkeys(meta["command"] for _, meta in sources))
    parts = [
        "# Benchmarks\n",
        f"Generated by `bench/report.py` on {today} from {made_from}; {len(good)} runs, "
        f"medians of {min(len(r) for s in engines.values() for r in s.values())} "
        f"or more per size; {len(summary_runs)} summary runs"
        f"{f', {len(backtest_runs)} backtest runs' if backtest_runs else ''}. "
        "Do not edit by hand except `bench/analysis.md`.\n",
        "## How to repeat\n\n```sh\n" + commands + "\n```\n",
        "## Machine\n\n" + table(["what", "value"], machine_rows(args.workdir, "postgres" in engines)),
        section_method(next((run for run in good if engine_of(run) == "sqlite"), good[0]),
                       postgres_run, summary_runs[0] if summary_runs else None,
                       backtest_runs[0] if backtest_runs else None),
        section_targets(engines, summaries, backtests),
        section_medians(engines),
        section_scaling(engines),
        section_summary(summaries, summary_runs),
        section_backtest(backtests, backtest_runs),
        section_actions(sqlite_sizes),
        section_runs(good),
        section_failures(failed + failed_summaries + failed_backtests),
        section_profiles(args.profiles),
        section_analysis(args.analysis),
        kept_sync_section(args.out),
    ]
    with open(args.out, "w", encoding="utf-8") as out:
        out.write("\n".join(part for part in parts if part))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", required=True, help="JSON lines of `rung_bench run`")
    parser.add_argument("--summary-results", help="JSON lines of `rung_bench summary`")
    parser.add_argument("--backtest-results", help="JSON lines of `rung_bench backtest`")
    parser.add_argument("--out", default="BENCHMARKS.md")
    parser.add_argument("--analysis", default=os.path.join(HERE, "analysis.md"),
                        help="hand-written ## Analysis section to keep")
    parser.add_argument("--workdir", default="/tmp", help="where the runs kept their databases")
    parser.add_argument("--commit", help="the commit the runs measured, unless FILE.meta.json "
                        "says (default: HEAD now)")
    parser.add_argument("--profiles", help="directory of profile-*.txt (perf report output)")
    parser.add_argument("--command", action="append",
                        help="a command that produced the results, unless FILE.meta.json says "
                        "(repeatable)")
    write_report(parser.parse_args())


if __name__ == "__main__":
    main()
