// rung_bench: measures rungd against the limits of the machine it runs on
// (issue 6). `run` does one full run and prints every figure as one JSON
// line; `summary` does the same for GetAccountSummary of one large account
// (issue 22), `backtest` for RunBacktest of one (issue 23); `load` is the
// serving client, which `run` starts as a separate process. scripts/bench
// runs them at several sizes and writes BENCHMARKS.md.

#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "account_aggregate.h"
#include "account_summary_bench.h"
#include "backtest_bench.h"
#include "child_process.h"
#include "dataset.h"
#include "engine.h"
#include "http_pages.h"
#include "ingest.h"
#include "load.h"
#include "nlohmann/json.hpp"
#include "perf_recording.h"
#include "rpc.h"
#include "rung/status_macros.h"
#include "rung/v1/advisor_service.grpc.pb.h"
#include "rungd_process.h"

// run (and summary, backtest, where a flag says so)
ABSL_FLAG(std::string, rungd, "", "run, summary, backtest: the rungd binary to measure");
ABSL_FLAG(std::string, engine, "sqlite",
          "run, summary, backtest: rungd's database, sqlite (files in --workdir) or postgres (a "
          "throwaway cluster that the run starts and removes); each is held against its own "
          "limits");
ABSL_FLAG(std::string, workdir, "",
          "run, summary, backtest: an empty or missing directory for the databases and logs");
ABSL_FLAG(int64_t, ad_sets, 0,
          "ad sets to generate (run; summary, backtest: all in one account), or to ask for (load)");
ABSL_FLAG(int32_t, weeks, 12,
          "run, summary, backtest: consecutive weeks per ad set, ending at the last complete week");
ABSL_FLAG(int32_t, batch, 1000,
          "run, summary, backtest: records per IngestWeeks request (rungd accepts up to 5000)");
ABSL_FLAG(
    std::string, bare_synchronous, "FULL",
    "run: PRAGMA synchronous of the bare SQLite upsert (FULL is rungd's default; NORMAL or OFF "
    "show what the fsync per batch costs)");
ABSL_FLAG(int32_t, ingest_inflight, 2,
          "run, summary, backtest: IngestWeeks requests outstanding at once");
ABSL_FLAG(double, serve_seconds, 5, "run: measured seconds of each serving load");
ABSL_FLAG(int64_t, serve_requests, 0,
          "run: measured requests of each serving load (overrides --serve_seconds)");
ABSL_FLAG(int32_t, serve_rounds, 5,
          "run: the two serving loads alternate in this many rounds, each round measuring its "
          "share of --serve_seconds (or --serve_requests)");
ABSL_FLAG(int32_t, http_page_size, 1000, "run: page_size of GET /v1/recommendations");
ABSL_FLAG(int64_t, http_pages_max, 0, "run: stop the HTTP walk after this many pages (0: all)");
ABSL_FLAG(
    std::string, perf_dir, "",
    "run, summary, backtest: record `perf` profiles of rungd during ingest, evaluate and serve "
    "(summary: during its calls; backtest: during the backtest) into this directory (the "
    "figures of such a run are perturbed)");
ABSL_FLAG(std::string, perf, "/usr/bin/perf",
          "run, summary, backtest: the perf binary, with --perf_dir");
// summary
ABSL_FLAG(int32_t, summary_calls, 15,
          "summary: timed calls of GetAccountSummary, and of its limit, after one warm-up "
          "call of each");
// load
ABSL_FLAG(std::string, address, "", "load: rungd's gRPC address, HOST:PORT");
ABSL_FLAG(std::string, method, "health", "load: recommendation or health");
ABSL_FLAG(std::string, ids_file, "", "load: ad set ids to ask for, one a line (else --ad_sets)");
ABSL_FLAG(double, seconds, 5, "load: measured seconds");
ABSL_FLAG(int64_t, requests, 0, "load: measured requests (overrides --seconds)");
// both
ABSL_FLAG(int32_t, inflight, 64, "calls outstanding at once while serving");
ABSL_FLAG(int64_t, warmup_requests, 1000, "completed calls before a serving load is measured");
ABSL_FLAG(uint64_t, seed, 1, "seed of the generated data and of the load's ad set picks");

namespace rung::bench {
namespace {

using Json = nlohmann::ordered_json;

constexpr absl::Duration kEvaluateDeadline = absl::Minutes(30);
constexpr absl::Duration kStartupDeadline = absl::Seconds(60);
// Beyond the load's own duration: its start and the calls' deadlines.
constexpr absl::Duration kLoadSlack = absl::Seconds(120);

double Ratio(double numerator, double denominator) {
  return denominator > 0 ? numerator / denominator : 0;
}

double Megabytes(int64_t bytes) { return static_cast<double>(bytes) / (1024 * 1024); }

// One load's rounds as one: calls, errors and seconds add up, so the QPS is
// over every round, and the percentiles are of every call.
Json CombineRounds(const std::vector<Json>& rounds) {
  std::vector<LoadFigures> loads;
  int64_t requests = 0;
  int64_t errors = 0;
  double seconds = 0;
  std::string first_error;
  for (const Json& round : rounds) {
    LoadFigures load;
    load.requests = round.at("requests").get<int64_t>();
    load.quantiles_ms = round.at("quantiles_ms").get<std::vector<double>>();
    requests += load.requests;
    loads.push_back(std::move(load));
    errors += round.at("errors").get<int64_t>();
    seconds += round.at("seconds").get<double>();
    if (first_error.empty()) first_error = round.at("first_error").get<std::string>();
  }
  return Json{{"qps", seconds > 0 ? requests / seconds : 0},
              {"p50_ms", PooledPercentile(loads, 0.50)},
              {"p99_ms", PooledPercentile(loads, 0.99)},
              {"requests", requests},
              {"errors", errors},
              {"first_error", first_error}};
}

// What `run` was asked to do, from its flags.
struct RunConfig {
  std::string rungd;
  std::string engine;
  std::string workdir;
  DatasetSpec spec;
  int batch = 1000;
  int ingest_inflight = 2;
  std::string bare_synchronous;
  int serve_inflight = 64;
  int64_t warmup_requests = 1000;
  double serve_seconds = 5;
  int64_t serve_requests = 0;
  int serve_rounds = 5;
  int http_page_size = 1000;
  int64_t http_pages_max = 0;
  std::string perf_dir;
  std::string perf;
  int summary_calls = 15;
};

absl::StatusOr<RunConfig> RunConfigFromFlags() {
  RunConfig config;
  config.rungd = absl::GetFlag(FLAGS_rungd);
  config.engine = absl::GetFlag(FLAGS_engine);
  config.workdir = absl::GetFlag(FLAGS_workdir);
  config.spec.ad_sets = absl::GetFlag(FLAGS_ad_sets);
  config.spec.weeks = absl::GetFlag(FLAGS_weeks);
  config.spec.seed = absl::GetFlag(FLAGS_seed);
  config.spec.last_week = Week::LastComplete(absl::Now());
  config.batch = absl::GetFlag(FLAGS_batch);
  config.ingest_inflight = absl::GetFlag(FLAGS_ingest_inflight);
  config.bare_synchronous = absl::GetFlag(FLAGS_bare_synchronous);
  config.serve_inflight = absl::GetFlag(FLAGS_inflight);
  config.warmup_requests = absl::GetFlag(FLAGS_warmup_requests);
  config.serve_seconds = absl::GetFlag(FLAGS_serve_seconds);
  config.serve_requests = absl::GetFlag(FLAGS_serve_requests);
  config.serve_rounds = absl::GetFlag(FLAGS_serve_rounds);
  config.http_page_size = absl::GetFlag(FLAGS_http_page_size);
  config.http_pages_max = absl::GetFlag(FLAGS_http_pages_max);
  config.perf_dir = absl::GetFlag(FLAGS_perf_dir);
  config.perf = absl::GetFlag(FLAGS_perf);
  config.summary_calls = absl::GetFlag(FLAGS_summary_calls);
  if (config.rungd.empty()) return absl::InvalidArgumentError("--rungd: required");
  if (config.serve_rounds < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("--serve_rounds: must be at least 1, got ", config.serve_rounds));
  }
  if (config.workdir.empty()) return absl::InvalidArgumentError("--workdir: required");
  if (config.spec.ad_sets < 1) return absl::InvalidArgumentError("--ad_sets: must be at least 1");
  if (config.spec.weeks < 1) return absl::InvalidArgumentError("--weeks: must be at least 1");
  if (config.batch < 1 || config.batch > 5000) {
    return absl::InvalidArgumentError("--batch: must be within 1..5000");
  }
  if (config.bare_synchronous != "FULL" && config.bare_synchronous != "NORMAL" &&
      config.bare_synchronous != "OFF") {
    return absl::InvalidArgumentError("--bare_synchronous: must be FULL, NORMAL or OFF");
  }
  if (config.ingest_inflight < 1) {
    return absl::InvalidArgumentError("--ingest_inflight: must be at least 1");
  }
  if (config.summary_calls < 1) {
    return absl::InvalidArgumentError("--summary_calls: must be at least 1");
  }
  return config;
}

// One full run, or the account summary's: each phase in order adds its
// figures to the report. Owns the rungd child, which every early return
// kills.
class BenchRun {
 public:
  explicit BenchRun(RunConfig config) : config_(std::move(config)) {}

  absl::Status Run() {
    const absl::Time start = absl::Now();
    RETURN_IF_ERROR(Prepare());
    report_["serve_inflight"] = config_.serve_inflight;
    report_["serve_seconds"] = config_.serve_seconds;
    report_["serve_requests"] = config_.serve_requests;
    report_["serve_rounds"] = config_.serve_rounds;
    report_["warmup_requests"] = config_.warmup_requests;
    RETURN_IF_ERROR(Profiled("ingest", [this] { return IngestPhase(); }));
    RETURN_IF_ERROR(AwaitQuietRungd("ingest_settle_s"));
    RETURN_IF_ERROR(RecordRss("ingest"));
    RETURN_IF_ERROR(engine_->Settle(Which::kRungd));
    RETURN_IF_ERROR(BarePhase());
    RETURN_IF_ERROR(engine_->Settle(Which::kBare));
    RETURN_IF_ERROR(Profiled("evaluate", [this] { return EvaluatePhase(); }));
    RETURN_IF_ERROR(AwaitQuietRungd("evaluate_settle_s"));
    RETURN_IF_ERROR(engine_->Settle(Which::kRungd));
    RETURN_IF_ERROR(RecordRss("evaluate"));
    RETURN_IF_ERROR(ScanPhase());
    RETURN_IF_ERROR(ServePhase());
    RETURN_IF_ERROR(RecordRss("serve"));
    RETURN_IF_ERROR(HttpPhase());
    RETURN_IF_ERROR(RecordRss("http"));
    RETURN_IF_ERROR(MemoryAndStartupPhase());
    report_["total_s"] = absl::ToDoubleSeconds(absl::Now() - start);
    return absl::OkStatus();
  }

  // Every ad set in one account, evaluated at each of its weeks in turn, so
  // that the summary's trend spans all of them; then GetAccountSummary
  // against the bare aggregate.
  absl::Status RunSummary() {
    report_["benchmark"] = "account_summary";
    return RunOneAccount([this] { return EvaluateEveryWeekPhase(); }, "summary",
                         [this] { return SummaryPhase(); });
  }

  // Every ad set in one account, one stored evaluation of them all at the
  // default week, then RunBacktest of that account over every week: the
  // replay against one evaluation of the same data.
  absl::Status RunBacktest() {
    report_["benchmark"] = "backtest";
    return RunOneAccount([this] { return EvaluatePhase(); }, "backtest",
                         [this] { return BacktestPhase(); });
  }

  Json& report() { return report_; }

 private:
  // The account-wide modes: ingest, `evaluate` (unprofiled: `run` profiles
  // the evaluation, and one profile per phase name is kept), then `measure`
  // with rungd and the database quiet after each.
  absl::Status RunOneAccount(const std::function<absl::Status()>& evaluate,
                             const std::string& profile_name,
                             const std::function<absl::Status()>& measure) {
    const absl::Time start = absl::Now();
    RETURN_IF_ERROR(Prepare());
    RETURN_IF_ERROR(IngestPhase());
    RETURN_IF_ERROR(AwaitQuietRungd("ingest_settle_s"));
    RETURN_IF_ERROR(engine_->Settle(Which::kRungd));
    RETURN_IF_ERROR(evaluate());
    RETURN_IF_ERROR(AwaitQuietRungd("evaluate_settle_s"));
    RETURN_IF_ERROR(engine_->Settle(Which::kRungd));
    RETURN_IF_ERROR(Profiled(profile_name, measure));
    RETURN_IF_ERROR(StopRungd());
    report_["total_s"] = absl::ToDoubleSeconds(absl::Now() - start);
    return absl::OkStatus();
  }

  std::string WorkPath(const std::string& name) const {
    return absl::StrCat(config_.workdir, "/", name);
  }

  absl::Status Prepare() {
    if (mkdir(config_.workdir.c_str(), 0755) != 0 && errno != EEXIST) {
      return absl::InvalidArgumentError(absl::StrCat("--workdir: cannot create ", config_.workdir));
    }
    ASSIGN_OR_RETURN(engine_,
                     Engine::Create(config_.engine, config_.workdir, config_.bare_synchronous));
    report_.update(engine_->Describe());
    const DatasetSpec& spec = config_.spec;
    report_["ad_sets"] = spec.ad_sets;
    report_["weeks"] = spec.weeks;
    report_["rows"] = spec.rows();
    report_["accounts"] = spec.accounts();
    report_["campaigns"] = spec.campaigns();
    report_["last_week"] = spec.last_week.ToString();
    report_["seed"] = spec.seed;
    report_["batch"] = config_.batch;
    report_["batches"] = BatchCount(spec, config_.batch);
    report_["ingest_inflight"] = config_.ingest_inflight;
    report_["profiled"] = !config_.perf_dir.empty();
    ASSIGN_OR_RETURN(
        rungd_, RungdProcess::Start(config_.rungd, engine_->rungd_db(), WorkPath("rungd.log")));
    channel_ = LoopbackChannel(rungd_->grpc_address());
    return absl::OkStatus();
  }

  // rungd copies a big commit's log into the database file after answering
  // (storage/checkpointer.h), and fills its kept answers after an
  // evaluation, on PostgreSQL through statements the server runs. Waiting
  // until both rungd and the engine are quiet at once keeps that out of the
  // next phase's figures; how long it took goes into the report as `key`.
  absl::Status AwaitQuietRungd(const std::string& key) {
    constexpr absl::Duration kQuietFor = absl::Milliseconds(200);
    const absl::Time start = absl::Now();
    const absl::Time deadline = start + absl::Minutes(5);
    absl::Time last_busy = start;
    while (true) {
      const absl::Time round = absl::Now();
      ASSIGN_OR_RETURN(const absl::Duration rungd_busy,
                       AwaitQuiet(rungd_->pid(), kQuietFor, deadline));
      last_busy = std::max(last_busy, round + rungd_busy);
      const absl::Time server_round = absl::Now();
      ASSIGN_OR_RETURN(const absl::Duration engine_busy, engine_->AwaitQuiet(kQuietFor, deadline));
      if (engine_busy == absl::ZeroDuration()) break;
      last_busy = std::max(last_busy, server_round + engine_busy);
    }
    report_[key] = absl::ToDoubleSeconds(last_busy - start);
    return absl::OkStatus();
  }

  // rungd's resident set now and its peak so far, after `phase`: where the
  // peak of the whole run comes from.
  absl::Status RecordRss(const std::string& phase) {
    ASSIGN_OR_RETURN(const int64_t now, rungd_->RssBytes());
    ASSIGN_OR_RETURN(const int64_t peak, rungd_->PeakRssBytes());
    report_[absl::StrCat("rss_after_", phase, "_mb")] = Megabytes(now);
    report_[absl::StrCat("peak_rss_after_", phase, "_mb")] = Megabytes(peak);
    return absl::OkStatus();
  }

  // Runs `phase`, recorded by perf when --perf_dir asks for profiles.
  absl::Status Profiled(const std::string& name, const std::function<absl::Status()>& phase) {
    if (config_.perf_dir.empty()) return phase();
    ASSIGN_OR_RETURN(std::unique_ptr<PerfRecording> recording,
                     PerfRecording::Start(config_.perf, rungd_->pid(),
                                          absl::StrCat(config_.perf_dir, "/", name, ".perf.data")));
    RETURN_IF_ERROR(phase());
    return recording->Stop();
  }

  absl::Status IngestPhase() {
    ASSIGN_OR_RETURN(
        const IngestFigures figures,
        IngestOverGrpc(channel_, config_.spec, config_.batch, config_.ingest_inflight));
    report_["ingest_s"] = figures.seconds;
    report_["ingest_rows_per_s"] = figures.rows_per_second();
    report_["ingest_retries"] = figures.retries;
    return absl::OkStatus();
  }

  absl::Status BarePhase() {
    ASSIGN_OR_RETURN(const IngestFigures figures, engine_->BareUpsert(config_.spec, config_.batch));
    report_["bare_s"] = figures.seconds;
    report_["bare_rows_per_s"] = figures.rows_per_second();
    report_["ingest_ratio"] =
        Ratio(report_["ingest_rows_per_s"].get<double>(), figures.rows_per_second());
    ASSIGN_OR_RETURN(report_["bare_db_bytes"], engine_->DatabaseBytes(Which::kBare));
    return absl::OkStatus();
  }

  // A stored EvaluateAdSets of every ad set at `as_of_week` (empty: the
  // default week), timed by the client into `seconds`.
  absl::StatusOr<v1::EvaluateAdSetsResponse> Evaluate(const std::string& as_of_week,
                                                      double* seconds) {
    auto stub = v1::AdvisorService::NewStub(channel_);
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + kEvaluateDeadline));
    v1::EvaluateAdSetsRequest request;
    request.set_as_of_week(as_of_week);
    v1::EvaluateAdSetsResponse response;
    const absl::Time start = absl::Now();
    RETURN_IF_ERROR(FromGrpc(stub->EvaluateAdSets(&context, request, &response), "EvaluateAdSets"));
    *seconds = absl::ToDoubleSeconds(absl::Now() - start);
    if (response.evaluated() != config_.spec.ad_sets) {
      return absl::InternalError(absl::StrCat("EvaluateAdSets evaluated ", response.evaluated(),
                                              " of ", config_.spec.ad_sets, " ad sets"));
    }
    return response;
  }

  absl::Status EvaluatePhase() {
    double seconds = 0;
    ASSIGN_OR_RETURN(const v1::EvaluateAdSetsResponse response, Evaluate("", &seconds));
    report_["evaluate_s"] = seconds;
    report_["evaluated"] = response.evaluated();
    Json actions = Json::object();
    for (const v1::ActionCount& count : response.action_counts()) {
      actions[v1::Action_Name(count.action())] = count.count();
    }
    report_["evaluate_actions"] = actions;
    return absl::OkStatus();
  }

  // Oldest first, as the weeks would have come.
  absl::Status EvaluateEveryWeekPhase() {
    double total = 0;
    for (int week = 0; week < config_.spec.weeks; ++week) {
      double seconds = 0;
      const Week as_of = config_.spec.last_week.Plus(week - (config_.spec.weeks - 1));
      RETURN_IF_ERROR(Evaluate(as_of.ToString(), &seconds).status());
      total += seconds;
    }
    report_["evaluated_weeks"] = config_.spec.weeks;
    report_["evaluate_weeks_s"] = total;
    return absl::OkStatus();
  }

  absl::Status SummaryPhase() {
    report_["summary_calls"] = config_.summary_calls;
    const std::string account_id = AccountId(config_.spec, 0);
    ASSIGN_OR_RETURN(std::unique_ptr<AccountAggregate> aggregate,
                     engine_->OpenAccountAggregate(account_id));
    ASSIGN_OR_RETURN(
        const SummaryFigures figures,
        MeasureAccountSummary(channel_, *aggregate, account_id, config_.summary_calls));
    report_["summary_ms"] = figures.summary_ms;
    report_["summary_aggregate_ms"] = figures.aggregate_ms;
    report_["summary_ratio"] = Ratio(figures.summary_ms, figures.aggregate_ms);
    report_["summary_aggregate_sql"] = kAccountAggregateSql;
    report_["summary_trend_weeks"] = figures.trend_weeks;
    report_["summary_changes"] = figures.changes;
    report_["summary_response_bytes"] = figures.response_bytes;
    report_["summary_aggregate_groups"] = figures.aggregate_groups;
    report_["summary_aggregate_ad_set_weeks"] = figures.aggregate_ad_set_weeks;
    report_["summary_same_figures"] = figures.same_figures;
    if (!figures.same_figures) {
      return absl::InternalError("GetAccountSummary's trend differs from the bare aggregate's");
    }
    return absl::OkStatus();
  }

  // Every ad set has every week from the first on, so the replay advises
  // each of them once a week.
  absl::Status BacktestPhase() {
    const DatasetSpec& spec = config_.spec;
    const Week from = spec.last_week.Plus(1 - spec.weeks);
    ASSIGN_OR_RETURN(const BacktestFigures figures,
                     MeasureBacktest(channel_, *rungd_, AccountId(spec, 0), from, spec.last_week));
    report_["backtest_s"] = figures.seconds;
    report_["backtest_ratio"] = Ratio(figures.seconds, report_["evaluate_s"].get<double>());
    report_["backtest_weeks"] = spec.weeks;
    report_["backtest_ad_sets"] = figures.ad_sets;
    report_["backtest_advice"] = figures.advice;
    report_["backtest_actions"] = figures.actions;
    report_["backtest_rss_before_mb"] = Megabytes(figures.rss_before_bytes);
    report_["backtest_peak_rss_mb"] = Megabytes(figures.peak_rss_bytes);
    report_["backtest_extra_peak_mb"] =
        Megabytes(figures.peak_rss_bytes - figures.rss_before_bytes);
    const int64_t expected_advice = spec.ad_sets * spec.weeks;
    if (figures.ad_sets != spec.ad_sets || figures.advice != expected_advice ||
        figures.given != expected_advice) {
      return absl::InternalError(absl::StrCat(
          "RunBacktest replayed ", figures.ad_sets, " ad sets with ", figures.advice, " advice (",
          figures.given, " given by action); expected ", spec.ad_sets, " with ", expected_advice));
    }
    return absl::OkStatus();
  }

  absl::Status ScanPhase() {
    ASSIGN_OR_RETURN(const ScanFigures scan, engine_->Scan(Which::kRungd, ScanDepth::kTouch));
    report_["scan_s"] = scan.seconds;
    report_["scan_rows"] = scan.rows;
    report_["evaluate_scan_ratio"] = Ratio(report_["evaluate_s"].get<double>(), scan.seconds);
    // Not timed: that the limit stored exactly what rungd stored.
    ASSIGN_OR_RETURN(const ScanFigures daemon, engine_->Scan(Which::kRungd, ScanDepth::kDigest));
    ASSIGN_OR_RETURN(const ScanFigures bare, engine_->Scan(Which::kBare, ScanDepth::kDigest));
    report_["same_rows_as_bare"] = daemon.rows == bare.rows && daemon.fold == bare.fold;
    if (scan.rows != config_.spec.rows()) {
      return absl::InternalError(
          absl::StrCat("rungd stored ", scan.rows, " of ", config_.spec.rows(), " rows"));
    }
    return absl::OkStatus();
  }

  // The load client runs in a process of its own, as a real client would.
  // It measures one round's share of the serving load. Each round picks other
  // ad sets: a sequence asked again would find what rungd kept from the last
  // round (api/answer_cache.h), which real dashboards do not hand it so neatly.
  absl::StatusOr<Json> RunLoadProcess(const std::string& method, int round) {
    const double seconds = config_.serve_seconds / config_.serve_rounds;
    const int64_t requests = config_.serve_requests / config_.serve_rounds;
    ChildProcess::Options options;
    // This very binary, even if a rebuild replaced the file since it started.
    options.argv = {"/proc/self/exe",
                    "load",
                    "--address=" + rungd_->grpc_address(),
                    "--method=" + method,
                    absl::StrCat("--inflight=", config_.serve_inflight),
                    absl::StrCat("--warmup_requests=", config_.warmup_requests),
                    absl::StrCat("--ad_sets=", config_.spec.ad_sets),
                    absl::StrCat("--seed=", config_.spec.seed + round)};
    options.argv.push_back(config_.serve_requests > 0
                               ? absl::StrCat("--requests=", std::max<int64_t>(requests, 1))
                               : absl::StrCat("--seconds=", seconds));
    ASSIGN_OR_RETURN(std::unique_ptr<ChildProcess> load, ChildProcess::Start(options));
    const absl::Time deadline = absl::Now() + absl::Seconds(seconds) + kLoadSlack;
    ASSIGN_OR_RETURN(const std::string output, load->ReadToEnd(deadline));
    ASSIGN_OR_RETURN(const int status, load->Wait(deadline));
    Json figures = Json::parse(output, nullptr, /*allow_exceptions=*/false);
    if (status != 0 || figures.is_discarded() || !figures.is_object()) {
      return absl::InternalError(absl::StrCat("rung_bench load --method=", method, " ",
                                              DescribeWaitStatus(status), ", printed: ", output));
    }
    return figures;
  }

  void AddLoadFigures(const std::string& method, const Json& figures) {
    for (const char* key : {"qps", "p50_ms", "p99_ms", "requests", "errors"}) {
      report_[absl::StrCat(method, "_", key)] = figures.at(key);
    }
  }

  // rungd's count of GetRecommendation answers found kept, and not, so far,
  // and the memory the kept answers take.
  struct KeptAnswers {
    double hits = 0;
    double misses = 0;
    double bytes = 0;
  };
  absl::StatusOr<KeptAnswers> ScrapeKeptAnswers() const {
    ASSIGN_OR_RETURN(
        const std::vector<double> values,
        ScrapeMetrics(rungd_->http_address(), {"rung_answer_cache_lookups_total{result=\"hit\"}",
                                               "rung_answer_cache_lookups_total{result=\"miss\"}",
                                               "rung_answer_cache_bytes"}));
    return KeptAnswers{values[0], values[1], values[2]};
  }

  // The two loads alternate in rounds rather than running one after the
  // other: on a shared machine speed drifts over seconds, and two phases of
  // 5 s each measured that drift as much as the ratio.
  absl::Status ServePhase() {
    ASSIGN_OR_RETURN(const KeptAnswers before, ScrapeKeptAnswers());
    std::vector<Json> recommendation_rounds;
    std::vector<Json> health_rounds;
    for (int round = 0; round < config_.serve_rounds; ++round) {
      auto recommendation = [&]() -> absl::Status {
        ASSIGN_OR_RETURN(Json figures, RunLoadProcess("recommendation", round));
        recommendation_rounds.push_back(std::move(figures));
        return absl::OkStatus();
      };
      // One round is enough for a profile, which shows shares, not speed.
      RETURN_IF_ERROR(round == 0 ? Profiled("serve", recommendation) : recommendation());
      ASSIGN_OR_RETURN(Json health, RunLoadProcess("health", round));
      health_rounds.push_back(std::move(health));
    }
    const Json recommendation = CombineRounds(recommendation_rounds);
    const Json health = CombineRounds(health_rounds);
    AddLoadFigures("recommendation", recommendation);
    AddLoadFigures("health", health);
    report_["serve_ratio"] =
        Ratio(recommendation["qps"].get<double>(), health["qps"].get<double>());
    ASSIGN_OR_RETURN(const KeptAnswers after, ScrapeKeptAnswers());
    const double hits = after.hits - before.hits;
    const double misses = after.misses - before.misses;
    report_["answer_cache_hit_rate"] = Ratio(hits, hits + misses);
    report_["answer_cache_mb"] = after.bytes / (1 << 20);
    report_["answer_cache_bytes_per_ad_set"] = after.bytes / config_.spec.ad_sets;
    const int64_t errors =
        recommendation["errors"].get<int64_t>() + health["errors"].get<int64_t>();
    report_["errors"] = errors;
    if (errors > 0) {
      return absl::InternalError(absl::StrCat(errors, " serving calls failed; first: ",
                                              recommendation["first_error"].get<std::string>(),
                                              health["first_error"].get<std::string>()));
    }
    return absl::OkStatus();
  }

  absl::Status HttpPhase() {
    ASSIGN_OR_RETURN(const HttpFigures http,
                     WalkRecommendationPages(rungd_->http_address(), config_.http_page_size,
                                             config_.http_pages_max));
    report_["http_page_size"] = config_.http_page_size;
    report_["http_pages"] = http.pages;
    report_["http_recommendations"] = http.recommendations;
    report_["http_complete"] = http.complete;
    report_["http_s"] = http.seconds;
    report_["http_client_parse_s"] = http.parse_seconds;
    report_["http_pages_per_s"] = Ratio(http.pages, http.seconds);
    report_["http_recommendations_per_s"] = Ratio(http.recommendations, http.seconds);
    report_["http_304_pages"] = http.not_modified_pages;
    report_["http_304_pages_per_s"] = Ratio(http.not_modified_pages, http.not_modified_seconds);
    if (http.complete && http.recommendations != config_.spec.ad_sets) {
      return absl::InternalError(absl::StrCat("GET /v1/recommendations listed ",
                                              http.recommendations, " of ", config_.spec.ad_sets,
                                              " ad sets"));
    }
    return absl::OkStatus();
  }

  // Peak memory over everything above, then a second start on the full
  // database: from exec until a health check answers SERVING.
  absl::Status MemoryAndStartupPhase() {
    ASSIGN_OR_RETURN(const int64_t peak, rungd_->PeakRssBytes());
    report_["peak_rss_mb"] = Megabytes(peak);
    RETURN_IF_ERROR(StopRungd());
    ASSIGN_OR_RETURN(report_["db_bytes"], engine_->DatabaseBytes(Which::kRungd));

    const absl::Time start = absl::Now();
    ASSIGN_OR_RETURN(
        std::unique_ptr<RungdProcess> restarted,
        RungdProcess::Start(config_.rungd, engine_->rungd_db(), WorkPath("rungd-restart.log")));
    const absl::Time listening = absl::Now();
    RETURN_IF_ERROR(
        CheckServing(LoopbackChannel(restarted->grpc_address()), absl::Now() + kStartupDeadline));
    const absl::Time serving = absl::Now();
    report_["startup_listening_s"] = absl::ToDoubleSeconds(listening - start);
    report_["startup_s"] = absl::ToDoubleSeconds(serving - start);
    ASSIGN_OR_RETURN(const int64_t startup_peak, restarted->PeakRssBytes());
    report_["startup_rss_mb"] = Megabytes(startup_peak);
    return restarted->Stop();
  }

  absl::Status StopRungd() {
    channel_.reset();
    RETURN_IF_ERROR(rungd_->Stop());
    rungd_.reset();
    return absl::OkStatus();
  }

  const RunConfig config_;
  Json report_ = Json::object();
  // Before rungd_, which must stop before a PostgreSQL cluster goes away.
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<RungdProcess> rungd_;
  std::shared_ptr<grpc::Channel> channel_;
};

// `run`, `summary` or `backtest`, printed as one JSON line.
int RunMain(const std::string& mode) {
  absl::StatusOr<RunConfig> config = RunConfigFromFlags();
  if (!config.ok()) {
    std::fprintf(stderr, "rung_bench %s: %s\n", mode.c_str(),
                 std::string(config.status().message()).c_str());
    return 2;
  }
  // The account-wide modes put every ad set in one account.
  if (mode != "run") config->spec.ad_sets_per_account = config->spec.ad_sets;
  BenchRun run(*std::move(config));
  const absl::Status status = mode == "summary"    ? run.RunSummary()
                              : mode == "backtest" ? run.RunBacktest()
                                                   : run.Run();
  if (!status.ok()) run.report()["error"] = status.ToString();
  std::printf("%s\n", run.report().dump().c_str());
  if (!status.ok()) {
    std::fprintf(stderr, "rung_bench %s: %s\n", mode.c_str(), status.ToString().c_str());
    return 1;
  }
  return 0;
}

absl::StatusOr<std::vector<std::string>> LoadAdSetIds() {
  const std::string ids_file = absl::GetFlag(FLAGS_ids_file);
  std::vector<std::string> ids;
  if (ids_file.empty()) {
    for (int64_t i = 0; i < absl::GetFlag(FLAGS_ad_sets); ++i) ids.push_back(AdSetId(i));
    return ids;
  }
  std::ifstream in(ids_file);
  if (!in) return absl::InvalidArgumentError(absl::StrCat("--ids_file: cannot read ", ids_file));
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) ids.push_back(line);
  }
  return ids;
}

absl::StatusOr<LoadOptions> LoadOptionsFromFlags() {
  LoadOptions options;
  options.address = absl::GetFlag(FLAGS_address);
  if (options.address.empty()) return absl::InvalidArgumentError("--address: required");
  const std::string method = absl::GetFlag(FLAGS_method);
  if (method == "recommendation") {
    options.method = LoadMethod::kRecommendation;
    ASSIGN_OR_RETURN(options.ad_set_ids, LoadAdSetIds());
  } else if (method != "health") {
    return absl::InvalidArgumentError(
        absl::StrCat("--method: '", method, "' is not recommendation or health"));
  }
  options.inflight = absl::GetFlag(FLAGS_inflight);
  options.warmup_requests = absl::GetFlag(FLAGS_warmup_requests);
  options.requests = absl::GetFlag(FLAGS_requests);
  options.duration = absl::Seconds(absl::GetFlag(FLAGS_seconds));
  options.seed = absl::GetFlag(FLAGS_seed);
  return options;
}

int LoadMain() {
  absl::StatusOr<LoadOptions> options = LoadOptionsFromFlags();
  if (!options.ok()) {
    std::fprintf(stderr, "rung_bench load: %s\n", std::string(options.status().message()).c_str());
    return 2;
  }
  absl::StatusOr<LoadFigures> figures = RunLoad(*options);
  if (!figures.ok()) {
    std::fprintf(stderr, "rung_bench load: %s\n", figures.status().ToString().c_str());
    return 1;
  }
  Json json = {{"qps", figures->qps},
               {"p50_ms", figures->p50_ms},
               {"p99_ms", figures->p99_ms},
               {"requests", figures->requests},
               {"errors", figures->errors},
               {"seconds", figures->seconds},
               {"quantiles_ms", figures->quantiles_ms},
               {"first_error", figures->first_error}};
  std::printf("%s\n", json.dump().c_str());
  return 0;
}

}  // namespace
}  // namespace rung::bench

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "rung_bench run --rungd=PATH --ad_sets=N --workdir=DIR [...]: one full benchmark run, "
      "printed as one JSON line\n"
      "rung_bench summary --rungd=PATH --ad_sets=N --workdir=DIR [...]: GetAccountSummary of "
      "one account of N ad sets against the bare SQL aggregate, printed as one JSON line\n"
      "rung_bench backtest --rungd=PATH --ad_sets=N --workdir=DIR [...]: RunBacktest of one "
      "account of N ad sets against one stored evaluation, printed as one JSON line\n"
      "rung_bench load --address=HOST:PORT --method=recommendation|health [...]: one serving "
      "load, printed as one JSON line");
  const std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  // A child that dies must fail a write, not kill the benchmark.
  signal(SIGPIPE, SIG_IGN);
  const std::string mode = args.size() == 2 ? args[1] : "";
  if (mode == "run" || mode == "summary" || mode == "backtest") return rung::bench::RunMain(mode);
  if (mode == "load") return rung::bench::LoadMain();
  std::fprintf(stderr, "usage: rung_bench run|summary|backtest|load --flags (see --help)\n");
  return 2;
}
