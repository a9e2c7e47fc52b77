#!/usr/bin/python3
"""The sync benchmark of issue 18: `rungctl sync` against `rungctl ingest`.

`run` measures one pair and prints one JSON line: `fake_graph --write-csv`
writes one generated account as rung-csv (not timed); then, each against a
fresh rungd on a fresh database, `rungctl sync` pulls the account from a
fake_graph serving it, and `rungctl ingest` reads the CSV. rungctl's wall time
and peak RSS come from wait4(), so that nothing but rungctl is measured; the
CPU seconds of rungd and fake_graph during each command (from /proc) show
where the rest of the time went. Both databases are then compared row by row
(`same_weeks`).

`render` writes the medians of such lines into BENCHMARKS.md as the section
SECTION_HEADING, from that heading to the end of the file, and leaves what is
above it alone; bench/report.py keeps the section when it writes the rest.
The section ends with the hand-written bench/sync_analysis.md.

Standard library only, so that it runs with Debian's /usr/bin/python3.
"""

import argparse
import datetime
import json
import os
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

from report import SYNC_SECTION_HEADING as SECTION_HEADING, fmt, sync_section_start, table

ACCOUNT = "act_1001"  # fake_graph's first generated account
TOKEN = "bench-token"
START_TIMEOUT_S = 30

RATIO_LIMIT = 2.0
RSS_LIMIT_MB = 100.0


class Daemon:
    """A child that prints `listening on ADDRESS` when it is ready."""

    def __init__(self, args, log_path):
        self.log = open(log_path, "w", encoding="utf-8")
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self.log, text=True)
        deadline = time.monotonic() + START_TIMEOUT_S
        line = ""
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line or line.startswith("listening on "):
                break
        if not line.startswith("listening on "):
            self.stop()
            raise RuntimeError(f"{os.path.basename(args[0])} did not start; see {log_path}")
        self.address = line.removeprefix("listening on ").strip()

    def cpu_s(self):
        """User plus system seconds so far (fields 14 and 15 of /proc/PID/stat)."""
        with open(f"/proc/{self.process.pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def peak_rss_mb(self):
        with open(f"/proc/{self.process.pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return 0.0

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=START_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()
        self.log.close()


def timed(args):
    """Runs `args`; (wall s, peak RSS MB, CPU s, stdout). Fails on a non-zero exit."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        process = subprocess.Popen(args, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.monotonic() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} exited {process.returncode}: "
                               f"{err.read().decode(errors='replace').strip()}")
        # ru_maxrss is in KiB on Linux.
        return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, json.load(out)


def measure(args, phase, rungd_args, work, fake=None):
    """Runs one rungctl command `phase` against a fresh rungd; its figures."""
    db = os.path.join(work, f"{phase}.db")
    rungd = Daemon(rungd_args + [f"--db={db}"], os.path.join(work, f"rungd-{phase}.log"))
    try:
        rungd_cpu, fake_cpu = rungd.cpu_s(), fake.cpu_s() if fake else 0.0
        wall, rss, cpu, summary = timed(
            [args.rungctl, "--server", rungd.address] + phase_args(phase, work, fake))
        figures = {
            f"{phase}_s": wall,
            f"{phase}_rungctl_rss_mb": rss,
            f"{phase}_rungctl_cpu_s": cpu,
            f"{phase}_rungd_cpu_s": rungd.cpu_s() - rungd_cpu,
            f"{phase}_rungd_rss_mb": rungd.peak_rss_mb(),
        }
        if fake:
            figures[f"{phase}_fake_graph_cpu_s"] = fake.cpu_s() - fake_cpu
    finally:
        rungd.stop()
    return figures, summary, db


def phase_args(phase, work, fake):
    if phase == "sync":
        return ["sync", "--account", ACCOUNT, "--graph-url", f"http://{fake.address}",
                "--meta-token-file", os.path.join(work, "token"), "--json"]
    return ["ingest", os.path.join(work, "rows.csv"), "--json"]


def stored(db):
    """Every stored ad set and ad set week, in key order."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        ad_sets = connection.execute("SELECT * FROM ad_sets ORDER BY ad_set_id").fetchall()
        weeks = connection.execute(
            "SELECT * FROM ad_set_weeks ORDER BY ad_set_id, week_start").fetchall()
    return ad_sets, weeks


def run(args):
    work = tempfile.mkdtemp(prefix="rung-sync-bench.", dir=args.workdir)
    started = time.monotonic()
    figures = {"ad_sets": args.ad_sets, "weeks": args.weeks, "rows": args.ad_sets * args.weeks,
               "ingest_first": args.ingest_first}
    try:
        with open(os.path.join(work, "token"), "w", encoding="ascii") as token:
            token.write(TOKEN + "\n")
        csv_path = os.path.join(work, "rows.csv")
        sizes = [f"--ad-sets={args.ad_sets}", f"--weeks={args.weeks}"]
        subprocess.run([args.fake_graph, f"--write-csv={csv_path}"] + sizes, check=True)
        figures["csv_mb"] = os.path.getsize(csv_path) / (1024 * 1024)
        rungd_args = [args.rungd, "--listen=127.0.0.1:0", "--http_listen="]
        fake = Daemon([args.fake_graph, f"--token-file={os.path.join(work, 'token')}"] + sizes,
                      os.path.join(work, "fake_graph.log"))
        try:
            dbs = {}
            for phase in (["ingest", "sync"] if args.ingest_first else ["sync", "ingest"]):
                measured, summary, dbs[phase] = measure(
                    args, phase, rungd_args, work, fake if phase == "sync" else None)
                figures.update(measured)
                if phase == "sync":
                    account = summary["accounts"][0]
                    if not account["ok"]:
                        raise RuntimeError(f"rungctl sync failed: {account['error']}")
                    figures.update({key: account[key] for key in
                                    ["api_calls", "async_report", "inserted", "warning_count"]})
                    figures["sync_rows_read"] = account["rows"]
                    figures["sync_elapsed_s"] = account["elapsed_seconds"]
                else:
                    figures["ingest_records"] = summary["records"]
                    figures["ingest_inserted"] = summary["inserted"]
        finally:
            fake.stop()
        figures["ratio"] = figures["sync_s"] / figures["ingest_s"]
        # The fake answers between rungctl's steps, never beside them, so its
        # CPU time is wall time a real instant answer would not take.
        figures["ratio_without_fake"] = (
            max(figures["sync_s"] - figures["sync_fake_graph_cpu_s"], 0) / figures["ingest_s"])
        sync_stored, ingest_stored = stored(dbs["sync"]), stored(dbs["ingest"])
        figures["sync_weeks_stored"] = len(sync_stored[1])
        figures["ingest_weeks_stored"] = len(ingest_stored[1])
        figures["same_weeks"] = sync_stored == ingest_stored
        figures["total_s"] = time.monotonic() - started
    except (OSError, RuntimeError, subprocess.CalledProcessError, json.JSONDecodeError,
            KeyError, IndexError, sqlite3.Error) as error:
        figures["error"] = str(error)
    finally:
        if args.keep:
            print(f"sync_bench: kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(figures), flush=True)
    return 1 if "error" in figures else 0


# ---------------------------------------------------------------------------
# The report section

MEDIAN_COLUMNS = [
    ("rows", "rows", "{:,.0f}"),
    ("sync s", "sync_s", "{:.2f}"),
    ("ingest s", "ingest_s", "{:.2f}"),
    ("sync/ingest", "ratio", "{:.2f}"),
    ("rungctl peak RSS MB, sync", "sync_rungctl_rss_mb", "{:.1f}"),
    ("rungctl peak RSS MB, ingest", "ingest_rungctl_rss_mb", "{:.1f}"),
    ("API calls", "api_calls", "{:,.0f}"),
    ("sync/ingest less fake_graph's CPU", "ratio_without_fake", "{:.2f}"),
]

# Where each command's wall time went: CPU seconds of each process.
CPU_COLUMNS = [
    ("sync s", "sync_s", "{:.2f}"),
    ("rungctl CPU s", "sync_rungctl_cpu_s", "{:.2f}"),
    ("rungd CPU s", "sync_rungd_cpu_s", "{:.2f}"),
    ("fake_graph CPU s", "sync_fake_graph_cpu_s", "{:.2f}"),
    ("ingest s", "ingest_s", "{:.2f}"),
    ("rungctl CPU s", "ingest_rungctl_cpu_s", "{:.2f}"),
    ("rungd CPU s", "ingest_rungd_cpu_s", "{:.2f}"),
    ("rungd peak RSS MB, sync", "sync_rungd_rss_mb", "{:.0f}"),
    ("ingest", "ingest_rungd_rss_mb", "{:.0f}"),
]

RUN_COLUMNS = [
    ("sync s", "sync_s", "{:.2f}"),
    ("ingest s", "ingest_s", "{:.2f}"),
    ("ratio", "ratio", "{:.2f}"),
    ("RSS MB sync", "sync_rungctl_rss_mb", "{:.1f}"),
    ("RSS MB ingest", "ingest_rungctl_rss_mb", "{:.1f}"),
    ("weeks stored", "sync_weeks_stored", "{:,d}"),
]

HERE = os.path.dirname(os.path.abspath(__file__))


def median(runs, key):
    values = [run[key] for run in runs if key in run]
    return statistics.median(values) if values else None


def verdict(met):
    return f"**{'MET' if met else 'NOT MET'}**"


def render_section(runs, command, commit):
    good = [run for run in runs if "error" not in run]
    failed = [run for run in runs if "error" in run]
    sizes = {}
    for run in good:
        sizes.setdefault(run["ad_sets"], []).append(run)
    sizes = dict(sorted(sizes.items()))
    today = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    weeks = good[0]["weeks"] if good else 12

    target_rows = [["sync ≤ 2× ingest (median of the ratios within each run)"] + [
        f"{median(r, 'ratio'):.2f}×: {verdict(median(r, 'ratio') <= RATIO_LIMIT)}"
        for r in sizes.values()]]
    target_rows.append(["rungctl peak RSS < 100 MB during sync (the largest run)"] + [
        f"{max(run['sync_rungctl_rss_mb'] for run in r):.1f} MB: "
        f"{verdict(max(run['sync_rungctl_rss_mb'] for run in r) < RSS_LIMIT_MB)}"
        for r in sizes.values()])
    size_headers = [f"{size:,} ad sets × {weeks} weeks" for size in sizes]

    medians = [[f"{size:,}", len(r)] + [fmt(median(r, key), spec) for _, key, spec in MEDIAN_COLUMNS]
               for size, r in sizes.items()]
    cpu = [[f"{size:,}"] + [fmt(median(r, key), spec) for _, key, spec in CPU_COLUMNS]
           for size, r in sizes.items()]
    every = [[f"{run['ad_sets']:,}", "ingest" if run["ingest_first"] else "sync"] +
             [fmt(run.get(key), spec) for _, key, spec in RUN_COLUMNS] +
             ["yes" if run["same_weeks"] else "**no**"] for run in good]
    failures = "".join(f"- {run.get('ad_sets', 0):,} ad sets: {run['error']}\n" for run in failed)

    return f"""{SECTION_HEADING}

Issue 18: `rungctl sync` of one account of N ad sets × {weeks} weeks from a local fake
Graph API that answers at once, against `rungctl ingest` of the same rows from a
rung-csv file.

Written by `scripts/bench-sync` (`bench/sync_bench.py render`) on {today} from
`bench/results/sync.jsonl` (commit {commit}). `scripts/bench` keeps this section when it
writes the rest of the file. Do not edit it by hand except `bench/sync_analysis.md`.

### How to repeat

```sh
{command}
```

Each run, in a fresh temporary directory:

1. `fake_graph --write-csv rows.csv` writes the account as rung-csv, as the sync
   stores it (not timed).
2. `fake_graph` serves the same account (one account, Europe/Berlin, its last
   {weeks} complete weeks, one ad set in 20 a copy of the one before). `rungctl sync
   --account {ACCOUNT} --graph-url …` pulls it into a fresh rungd on a fresh
   database: the account, the ad sets (pages of 200), the Insights (an async report
   above 2,000 ad sets, pages of 500 rows), batches of 500 weeks to `IngestWeeks`,
   the climb tests of the copies, the record of the sync.
3. `rungctl ingest rows.csv` into another fresh rungd: batches of 500 weeks.
4. Both databases' `ad_sets` and `ad_set_weeks` are compared row by row; a run
   whose tables differ is reported below as not the same.

The two commands run in turns (sync first in odd runs, ingest first in even ones),
so that the machine's drift meets both. Wall time and peak RSS are rungctl's own,
from `wait4()`; the CPU seconds of rungd and fake_graph are read from `/proc`
around the command. The runs share the machine described above with everything
else on it.

### Targets

The ratio is the median of the ratios within each run; the RSS is the largest of
the runs of that size.

{table(["target"] + size_headers, target_rows)}
### Medians per size

{table(["ad sets", "runs"] + [h for h, _, _ in MEDIAN_COLUMNS], medians)}
### Where the time goes

Median CPU seconds of each process during the command. On two cores the three
processes of the sync (rungctl, rungd, fake_graph) share the CPU; ingest has two.

{table(["ad sets"] + [h for h, _, _ in CPU_COLUMNS], cpu)}
### Every run

{table(["ad sets", "first"] + [h for h, _, _ in RUN_COLUMNS] + ["same as ingest"], every)}""" + (
        f"\n### Failed runs\n\nLeft out of every median above.\n\n{failures}" if failures else "")


def section_analysis(path):
    """The hand-written analysis in `path`, under its own heading; none when empty."""
    try:
        with open(path, encoding="utf-8") as analysis:
            body = analysis.read().strip()
    except OSError:
        return ""
    body = body.removeprefix("### Analysis").strip()
    return f"\n### Analysis\n\n{body}\n" if body else ""


def render(args):
    runs = []
    with open(args.results, encoding="utf-8") as lines:
        runs = [json.loads(line) for line in lines if line.strip()]
    if not any("error" not in run for run in runs):
        sys.exit(f"{args.results}: no successful run to report")
    section = (render_section(runs, "\n".join(args.command or ["scripts/bench-sync"]), args.commit)
               + section_analysis(args.analysis))
    text = ""
    if os.path.exists(args.out):
        with open(args.out, encoding="utf-8") as current:
            text = current.read()
    start = sync_section_start(text)
    kept = (text if start < 0 else text[:start]).rstrip("\n")
    with open(args.out, "w", encoding="utf-8") as out:
        out.write((kept + "\n\n" if kept else "") + section)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="what", required=True)
    one = commands.add_parser("run", help="one sync and one ingest; prints a JSON line")
    for name in ["rungd", "rungctl", "fake_graph"]:
        one.add_argument(f"--{name.replace('_', '-')}", dest=name, required=True)
    one.add_argument("--ad-sets", type=int, default=10000)
    one.add_argument("--weeks", type=int, default=12)
    one.add_argument("--ingest-first", action="store_true")
    one.add_argument("--workdir", default=tempfile.gettempdir())
    one.add_argument("--keep", action="store_true", help="keep the run's directory")
    report = commands.add_parser("render", help="writes the section into --out")
    report.add_argument("--results", required=True)
    report.add_argument("--out", default="BENCHMARKS.md")
    report.add_argument("--command", action="append",
                        help="a command that produced the results (repeatable)")
    report.add_argument("--commit", default="unknown")
    report.add_argument("--analysis", default=os.path.join(HERE, "sync_analysis.md"),
                        help="hand-written ### Analysis to keep under the tables")
    args = parser.parse_args()
    sys.exit(run(args) if args.what == "run" else render(args))


if __name__ == "__main__":
    main()
