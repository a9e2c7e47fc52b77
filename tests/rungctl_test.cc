// rungctl as scripts and people run it: the built binary in a child process,
// its stdout and stderr read through pipes (or a terminal), against a real
// daemon started in-process on 127.0.0.1:0 over a real SQLite file. Every
// command is checked for its exit status, its --json answer and its one-line
// errors, and the command line for its usage errors.

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "daemon/server.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/ext/health_check_service_server_builder_option.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "rung/v1/advisor_service.grpc.pb.h"
#include "sqlite3.h"
#include "support/daemon_fixture.h"
#include "support/rungctl_process.h"
#include "support/temp_dir.h"
#include "support/test_certs.h"

namespace rung {
namespace {

using test_support::ExpectFailure;
using test_support::ExpectSuccess;
using test_support::ExpectUsageError;
using test_support::Fixture;
using test_support::ParseJson;
using test_support::Result;
using test_support::RunOptions;
using test_support::RunRungctl;
using test_support::WithEnv;
using test_support::WithInput;

using nlohmann::json;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// The weeks of the seed data: three of history, then the duplicate's first.
constexpr char kWeek0[] = "2026-10-19";
constexpr char kWeek1[] = "2026-10-26";
constexpr char kWeek2[] = "2026-11-02";
constexpr char kWeek3[] = "2026-11-09";

constexpr char kCsvHeader[] =
    "account_id,campaign_id,ad_set_id,week_start,optimization_event,spend_micros,"
    "count.Purchase,count.InitiateCheckout,count.AddToCart,count.ViewContent,count.PageView\n";

// Spec scenario 1 (as_stuck: MOVE_DOWN to AddToCart), scenario 2's climber
// (as_climb: DUPLICATE_AND_CLIMB to InitiateCheckout) and a duplicate for it
// that starts at week 3.
std::string SeedCsv() {
  std::string csv = kCsvHeader;
  for (const char* week : {kWeek0, kWeek1, kWeek2}) {
    absl::StrAppend(&csv, "act_1,cmp_1,as_stuck,", week, ",Purchase,250000000,12,28,85,340,1500\n");
    absl::StrAppend(&csv, "act_1,cmp_1,as_climb,", week, ",AddToCart,250000000,10,40,85,,\n");
  }
  absl::StrAppend(&csv, "act_1,cmp_1,as_climb_dup,", kWeek3,
                  ",InitiateCheckout,250000000,,45,,,\n");
  return csv;
}
constexpr int kSeedRecords = 7;

class RungctlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = Server::Start(DaemonOptions("127.0.0.1:0", "rung.db"));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
  }

  // gRPC only, over a fresh database in the test's directory.
  ServerOptions DaemonOptions(const std::string& listen, const std::string& db_name) const {
    ServerOptions options;
    options.listen = listen;
    options.http_listen = "";
    options.db_path = dir_.File(db_name);
    return options;
  }

  // rungctl against this test's daemon.
  Result Run(std::vector<std::string> args, const RunOptions& options = {}) {
    args.push_back("--server=" + server_->grpc_address());
    return RunRungctl(args, options);
  }

  std::string WriteFile(const std::string& name, const std::string& content) {
    const std::string path = dir_.File(name);
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  void Seed() { ExpectSuccess(Run({"ingest", WriteFile("seed.csv", SeedCsv())})); }

  void SeedAndEvaluate() {
    Seed();
    ExpectSuccess(Run({"evaluate", "--as-of", kWeek2}));
  }

  // What `rungctl sync` records of an account, with its currency.
  void RecordCurrency(const std::string& account_id, const std::string& currency) {
    auto stub = v1::AdvisorService::NewStub(
        grpc::CreateChannel(server_->grpc_address(), grpc::InsecureChannelCredentials()));
    grpc::ClientContext context;
    v1::RecordAccountSyncRequest request;
    request.mutable_account()->set_account_id(account_id);
    request.mutable_account()->set_currency(currency);
    v1::RecordAccountSyncResponse response;
    const grpc::Status status = stub->RecordAccountSync(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  test_support::TempDir dir_;
  std::unique_ptr<Server> server_;
};

// --- The command line ------------------------------------------------------

TEST(RungctlUsageTest, BadCommandLinesExitTwoWithTheProblemAndAUsageLine) {
  const struct {
    std::vector<std::string> args;
    std::string problem;
  } cases[] = {
      {{}, "no command given"},
      {{"frobnicate"}, "unknown command 'frobnicate'"},
      {{"climb-test"}, "climb-test needs one of: start, list, cancel"},
      {{"climb-test", "stop"}, "unknown command 'climb-test stop'"},
      {{"recommendations", "--colour"}, "unknown flag --colour for recommendations"},
      {{"--colour", "health"}, "unknown flag --colour"},
      {{"recommendation"}, "missing AD_SET_ID"},
      {{"recommendation", "as_1", "as_2"}, "unexpected argument 'as_2'"},
      {{"climb-test", "start", "as_1"}, "missing DUPLICATE"},
      {{"climb-test", "start", "as_1", "as_2"}, "missing --start WEEK"},
      {{"recommendations", "--action", "SOAR"}, "--action: 'SOAR' is not one of"},
      {{"recommendations", "--flag", "FLAG_UNSPECIFIED"}, "--flag: 'FLAG_UNSPECIFIED'"},
      {{"recommendations", "--page-size", "0"}, "--page-size: '0' is not a positive"},
      {{"climb-test", "list", "--state", "paused"}, "--state: 'paused' is not one of"},
      {{"ingest", "x.csv", "--batch-size", "many"}, "--batch-size: 'many' is not a positive"},
      {{"ingest", "x.csv", "--batch-size", "-3"}, "--batch-size: '-3' is not a positive"},
      {{"ingest", "x.csv", "--format", "xml"}, "--format: "},
      {{"health", "--timeout", "soon"}, "--timeout: 'soon' is not a positive duration"},
      {{"health", "--timeout", "0s"}, "--timeout: '0s' is not a positive duration"},
      {{"health", "--json=yes"}, "--json takes no value"},
      {{"evaluate", "--as-of"}, "--as-of needs a value (WEEK)"},
      {{"plan"}, "give --account or --ad-set (one of the two)"},
      {{"plan", "--account", "act_1", "--ad-set", "as_1"}, "give --account or --ad-set"},
      {{"plan", "--account", "act_1", "--budget-share", "half"},
       "--budget-share: 'half' is not a positive number"},
      {{"apply", "--execute", "--account", "act_1", "--max-actions", "0"},
       "--max-actions: '0' is not a positive"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(absl::StrJoin(c.args, " "));
    // Unreachable on purpose: usage is judged before anything is sent.
    std::vector<std::string> args = c.args;
    args.push_back("--server=unix:/nonexistent/rungd.sock");
    ExpectUsageError(RunRungctl(args), c.problem);
  }
}

TEST(RungctlUsageTest, AnEmptyServerIsAUsageErrorNamingTheFlag) {
  ExpectUsageError(RunRungctl({"health", "--server="}),
                   "--server: empty; give host:port or unix:PATH");
}

TEST(RungctlUsageTest, UsageErrorNamesTheCommandsOwnUsage) {
  const Result result = RunRungctl({"recommendation"});
  EXPECT_THAT(result.err, HasSubstr("usage: rungctl recommendation AD_SET_ID [--as-of WEEK]"));
}

TEST(RungctlUsageTest, HelpPrintsUsageAndExitsZero) {
  const Result program = RunRungctl({"--help"});
  ExpectSuccess(program);
  for (const char* command : {"ingest FILE",
                              "evaluate",
                              "recommendation AD_SET_ID",
                              "recommendations",
                              "climb-test start ORIGINAL DUPLICATE",
                              "climb-test list",
                              "climb-test cancel ID",
                              "adsets",
                              "adset AD_SET_ID",
                              "history AD_SET_ID",
                              "policy get",
                              "policy set FILE",
                              "policy history",
                              "health",
                              "backup PATH",
                              "backtest",
                              "--server",
                              "--token",
                              "--json",
                              "--timeout"}) {
    EXPECT_THAT(program.out, HasSubstr(command));
  }
  const Result command = RunRungctl({"evaluate", "--help"});
  ExpectSuccess(command);
  EXPECT_THAT(command.out, AllOf(StartsWith("usage: rungctl evaluate"), HasSubstr("--dry-run"),
                                 HasSubstr("--server")));
  ExpectSuccess(RunRungctl({"climb-test", "start", "-h"}));
}

TEST(RungctlUsageTest, UnreachableServerIsAOneLineFailure) {
  ExpectFailure(RunRungctl({"health", "--server", "unix:/nonexistent/rungd.sock"}),
                "cannot reach unix:/nonexistent/rungd.sock");
  ExpectFailure(RunRungctl({"recommendations"}, WithEnv("RUNG_SERVER=unix:/nonexistent/env.sock")),
                "cannot reach unix:/nonexistent/env.sock");
}

// --- Ingest ----------------------------------------------------------------

TEST_F(RungctlTest, IngestsTheProjectsCsvAndReadsItBack) {
  const Result result = Run({"ingest", WriteFile("seed.csv", SeedCsv())});
  ExpectSuccess(result);
  EXPECT_THAT(result.out, HasSubstr("ingested 7 records from"));
  EXPECT_THAT(result.out, HasSubstr("(rung-csv) in 1 batch: 7 inserted, 0 updated, 0 unchanged"));

  const json history = ParseJson(Run({"history", "as_stuck", "--json"}));
  // operator[] on a missing key of a const json is undefined behaviour.
  ASSERT_TRUE(history.contains("weeks")) << history;
  ASSERT_EQ(history["weeks"].size(), 3u);
  EXPECT_EQ(history["weeks"][0]["weekStart"], kWeek0);
  EXPECT_EQ(history["weeks"][2]["eventCounts"]["Purchase"], "12");  // int64 is a JSON string
  EXPECT_EQ(history["weeks"][2]["spendMicros"], "250000000");
}

TEST_F(RungctlTest, IngestJsonSummaryHasStableKeys) {
  const json summary =
      ParseJson(Run({"ingest", WriteFile("seed.csv", SeedCsv()), "--json", "--batch-size", "3"}));
  EXPECT_EQ(summary["format"], "rung-csv");
  EXPECT_EQ(summary["records"], kSeedRecords);
  EXPECT_EQ(summary["batches"], 3);
  EXPECT_EQ(summary["inserted"], kSeedRecords);
  EXPECT_EQ(summary["updated"], 0);
  EXPECT_EQ(summary["unchanged"], 0);
  EXPECT_TRUE(summary["warnings"].is_array());
  EXPECT_TRUE(summary["notes"].is_array());
}

TEST_F(RungctlTest, WarningsNameTheFileLine) {
  // One custom event in records of two batches: one warning each, naming
  // the file's line rather than the batch's index.
  const std::string csv =
      absl::StrCat("account_id,campaign_id,ad_set_id,week_start,optimization_event,count.form_go\n",
                   "act_1,cmp_1,as_a,", kWeek0, ",form_go,5\n",  //
                   "act_1,cmp_1,as_a,", kWeek1, ",form_go,5\n");
  const json summary =
      ParseJson(Run({"ingest", WriteFile("custom.csv", csv), "--json", "--batch-size", "1"}));
  ASSERT_EQ(summary["warnings"].size(), 2u) << summary.dump();
  EXPECT_THAT(summary["warnings"][0].get<std::string>(),
              AllOf(HasSubstr("\"form_go\""), HasSubstr("line 2, optimization_event"),
                    Not(HasSubstr("weeks["))));
  EXPECT_THAT(summary["warnings"][1].get<std::string>(), HasSubstr("line 3, optimization_event"));
  EXPECT_THAT(Run({"ingest", WriteFile("custom.csv", csv), "--request-id-prefix", "again"}).out,
              HasSubstr("\nwarning: custom event \"form_go\""));
}

TEST_F(RungctlTest, IngestReadsStdin) {
  const Result result = Run({"ingest", "-", "--format", "rung-csv"}, WithInput(SeedCsv()));
  ExpectSuccess(result);
  EXPECT_THAT(result.out, HasSubstr("7 inserted"));
}

TEST_F(RungctlTest, RerunningTheSameImportWritesNothingTwice) {
  const std::string first = WriteFile("first.csv", SeedCsv());
  ExpectSuccess(Run({"ingest", first}));
  // A later correction of one week...
  const std::string correction = absl::StrCat(kCsvHeader, "act_1,cmp_1,as_stuck,", kWeek2,
                                              ",Purchase,250000000,99,28,85,340,1500\n");
  EXPECT_THAT(Run({"ingest", WriteFile("correction.csv", correction)}).out,
              HasSubstr("0 inserted, 1 updated"));
  // ...is not undone by running the first import again: same request ids.
  ExpectSuccess(Run({"ingest", first}));
  const json history = ParseJson(Run({"history", "as_stuck", "--json", "--from", kWeek2}));
  EXPECT_EQ(history["weeks"][0]["eventCounts"]["Purchase"], "99");
  // Another prefix makes new requests, which do write.
  EXPECT_THAT(Run({"ingest", first, "--request-id-prefix", "retry"}).out, HasSubstr("1 updated"));
}

TEST_F(RungctlTest, ARefusedBatchStopsTheImportNamingTheFileLine) {
  // Batches of 2: lines 2-3, 4-5 (line 5 is not a Monday), 6.
  const std::string csv =
      absl::StrCat(kCsvHeader, "act_1,cmp_1,as_a,", kWeek0, ",Purchase,1,12,,,,\n",
                   "act_1,cmp_1,as_a,", kWeek1, ",Purchase,1,12,,,,\n",  //
                   "act_1,cmp_1,as_b,", kWeek0, ",Purchase,1,12,,,,\n",  //
                   "act_1,cmp_1,as_b,2026-10-28,Purchase,1,12,,,,\n",    //
                   "act_1,cmp_1,as_c,", kWeek0, ",Purchase,1,12,,,,\n");
  const Result result = Run({"ingest", WriteFile("bad.csv", csv), "--batch-size", "2"});
  ExpectFailure(result, "INVALID_ARGUMENT: line 5, week_start: ");
  EXPECT_THAT(result.err, HasSubstr("(batch 2 of 3, line 4 to line 5, failed; the 2 records "
                                    "of earlier batches stay stored)"));
  EXPECT_THAT(result.err, Not(HasSubstr("weeks[")));

  EXPECT_EQ(ParseJson(Run({"history", "as_a", "--json"}))["weeks"].size(), 2u);
  ExpectFailure(Run({"adset", "as_b"}), "NOT_FOUND");  // its batch is atomic
  ExpectFailure(Run({"adset", "as_c"}), "NOT_FOUND");  // never sent
}

TEST_F(RungctlTest, AFirstBatchRefusedStoresNothing) {
  const std::string csv =
      absl::StrCat(kCsvHeader, "act_1,cmp_1,as_a,2026-10-20,Purchase,1,1,,,,\n");
  ExpectFailure(Run({"ingest", WriteFile("bad.csv", csv)}), "line 2, week_start: ");
  EXPECT_THAT(Run({"ingest", WriteFile("bad.csv", csv)}).err, HasSubstr("nothing was stored"));
}

TEST_F(RungctlTest, FileErrorsAreOneLineFailures) {
  ExpectFailure(Run({"ingest", dir_.File("missing.csv")}), "cannot read ");
  ExpectFailure(Run({"ingest", WriteFile("bad.csv", "account_id,ad_set_id\nact_1,as_1\n"),
                     "--format", "rung-csv"}),
                "bad.csv: ");
}

TEST_F(RungctlTest, NoProgressBarWhenStderrIsAPipe) {
  const Result result = Run({"ingest", WriteFile("seed.csv", SeedCsv()), "--batch-size", "1"});
  ExpectSuccess(result);  // stderr empty: no bar, no carriage returns
}

TEST_F(RungctlTest, ProgressBarOnATerminal) {
  RunOptions terminal;
  terminal.stderr_is_terminal = true;
  const Result result =
      Run({"ingest", WriteFile("seed.csv", SeedCsv()), "--batch-size", "1"}, terminal);
  EXPECT_EQ(result.exit_code, 0) << result;
  EXPECT_THAT(result.err, HasSubstr("7/7 records"));
  EXPECT_THAT(result.out, HasSubstr("7 inserted"));  // stdout stays clean
  EXPECT_THAT(result.out, Not(HasSubstr("records\r")));
}

TEST_F(RungctlTest, IngestsTheInsightsFixtureAndReadsItBack) {
  // Insights rows do not say what the ad set optimized for.
  const json summary = ParseJson(Run(
      {"ingest", Fixture("insights_weekly.json"), "--json", "--optimization-event", "Purchase"}));
  EXPECT_EQ(summary["format"], "insights-json");
  ASSERT_GT(summary["records"].get<int>(), 0);
  EXPECT_EQ(summary["inserted"], summary["records"]);

  const json ad_sets = ParseJson(Run({"adsets", "--all", "--json"}));
  ASSERT_FALSE(ad_sets["adSets"].empty());
  int weeks = 0;
  for (const json& ad_set : ad_sets["adSets"]) weeks += ad_set["weekCount"].get<int>();
  EXPECT_EQ(weeks, summary["records"].get<int>());
  const std::string first = ad_sets["adSets"][0]["adSetId"];
  EXPECT_FALSE(ParseJson(Run({"history", first, "--json"}))["weeks"].empty());
}

TEST_F(RungctlTest, IngestsTheAdsManagerFixtureAndReadsItBack) {
  const json summary = ParseJson(Run({"ingest", Fixture("ads_manager_weekly.csv"), "--json"}));
  EXPECT_EQ(summary["format"], "ads-manager-csv");
  ASSERT_GT(summary["records"].get<int>(), 0);
  EXPECT_EQ(summary["inserted"], summary["records"]);

  const json ad_sets = ParseJson(Run({"adsets", "--all", "--json"}));
  int weeks = 0;
  for (const json& ad_set : ad_sets["adSets"]) weeks += ad_set["weekCount"].get<int>();
  EXPECT_EQ(weeks, summary["records"].get<int>());
}

// --- Evaluate and recommendations -----------------------------------------------

TEST_F(RungctlTest, EvaluatePrintsTheCountOfEachAction) {
  Seed();
  const Result result = Run({"evaluate", "--as-of", kWeek2});
  ExpectSuccess(result);
  EXPECT_THAT(result.out, HasSubstr(absl::StrCat("ad sets as of ", kWeek2)));
  EXPECT_THAT(result.out, HasSubstr("MOVE_DOWN  "));
  EXPECT_THAT(result.out, HasSubstr("DUPLICATE_AND_CLIMB  1"));

  const json evaluation = ParseJson(Run({"evaluate", "--as-of", kWeek2, "--json"}));
  EXPECT_EQ(evaluation["asOfWeek"], kWeek2);
  EXPECT_EQ(evaluation["evaluated"], 2);  // as_climb_dup starts later
  EXPECT_FALSE(evaluation["evaluationId"].get<std::string>().empty());
  EXPECT_EQ(evaluation["policyVersion"].get<std::string>().size(), 16u);
  EXPECT_TRUE(evaluation["recommendations"].empty());  // stored, not answered
  int counted = 0;
  for (const json& count : evaluation["actionCounts"]) counted += count["count"].get<int>();
  EXPECT_EQ(counted, 2);
}

TEST_F(RungctlTest, DryRunAnswersTheRecommendationsAndStoresNothing) {
  Seed();
  const Result result = Run({"evaluate", "--as-of", kWeek2, "--dry-run"});
  ExpectSuccess(result);
  EXPECT_THAT(result.out,
              AllOf(HasSubstr("dry run, nothing stored"), HasSubstr("Purchase → AddToCart")));
  const json evaluation = ParseJson(Run({"evaluate", "--as-of", kWeek2, "--dry-run", "--json"}));
  EXPECT_EQ(evaluation["recommendations"].size(), 2u);
  ExpectFailure(Run({"recommendation", "as_stuck"}), "NOT_FOUND: ");
}

TEST_F(RungctlTest, PlanPrintsEachActionsCallsAndChangesNothing) {
  SeedAndEvaluate();

  const Result result = Run({"plan", "--account", "act_1"});

  ExpectSuccess(result);
  EXPECT_THAT(result.out, StartsWith("2 actions on Meta; nothing was changed."));
  EXPECT_THAT(result.out,
              HasSubstr(absl::StrCat("as_climb · ", kWeek2,
                                     " · DUPLICATE_AND_CLIMB: duplicate "
                                     "as_climb to climb from AddToCart to InitiateCheckout")));
  EXPECT_THAT(result.out, HasSubstr("  3. POST act_1/adsets  create the duplicate D, paused"));
  EXPECT_THAT(result.out, HasSubstr("promoted_object={O.promoted_object} with "
                                    "custom_event_type=INITIATED_CHECKOUT"));
  EXPECT_THAT(result.out, HasSubstr(absl::StrCat("key as_stuck@", kWeek2, "@MOVE_DOWN")));
  // Planning stored nothing: the advice and the tests are as they were.
  EXPECT_THAT(Run({"climb-test", "list"}).out, HasSubstr("no climb tests"));
}

TEST_F(RungctlTest, ApplyWithoutExecutePrintsThePlanAndChangesNothing) {
  SeedAndEvaluate();

  const Result plan = Run({"plan", "--account", "act_1"});
  const Result apply = Run({"apply", "--account", "act_1"});

  ExpectSuccess(apply);
  EXPECT_EQ(apply.out, plan.out);
  EXPECT_THAT(apply.out, StartsWith("2 actions on Meta; nothing was changed."));
  EXPECT_THAT(Run({"climb-test", "list"}).out, HasSubstr("no climb tests"));
}

TEST_F(RungctlTest, PlanJsonCarriesTheStepsAsData) {
  SeedAndEvaluate();

  const json plan = ParseJson(Run({"plan", "--ad-set", "as_stuck", "--json"}));

  ASSERT_EQ(plan["plans"].size(), 1u);
  const json& move = plan["plans"][0];
  EXPECT_EQ(move["key"], absl::StrCat("as_stuck@", kWeek2, "@MOVE_DOWN"));
  EXPECT_EQ(move["action"], "ACTION_MOVE_DOWN");
  EXPECT_EQ(move["steps"][0]["method"], "GET");
  EXPECT_EQ(move["steps"][0]["path"], "as_stuck");
  EXPECT_EQ(move["steps"].back()["params"][0]["name"], "status");
  EXPECT_EQ(move["steps"].back()["params"][0]["value"], "PAUSED");
  ExpectFailure(Run({"plan", "--ad-set", "as_nowhere"}), "as_nowhere");
}

TEST_F(RungctlTest, EvaluateRefusalIsAOneLineFailure) {
  ExpectFailure(Run({"evaluate", "--as-of", "2026-10-21"}), "INVALID_ARGUMENT: ");
}

TEST_F(RungctlTest, RecommendationPrintsItsReasonsAsSentences) {
  SeedAndEvaluate();
  const Result result = Run({"recommendation", "as_stuck"});
  ExpectSuccess(result);
  EXPECT_THAT(result.out,
              StartsWith(absl::StrCat("as_stuck (account act_1) as of ", kWeek2, ": MOVE_DOWN\n")));
  EXPECT_THAT(result.out, HasSubstr("optimizing       Purchase → AddToCart"));
  EXPECT_THAT(result.out, HasSubstr("learning status  STUCK (T = 50)"));
  EXPECT_THAT(result.out, HasSubstr("reasons:\n  - Purchase sustains 12/week"));
  EXPECT_THAT(result.out, HasSubstr("so move down to AddToCart. [move_down]\n"));

  const json answer = ParseJson(Run({"recommendation", "as_stuck", "--json"}));
  const json& recommendation = answer["recommendation"];
  EXPECT_EQ(recommendation["action"], "ACTION_MOVE_DOWN");
  EXPECT_EQ(recommendation["targetEvent"], "AddToCart");
  EXPECT_EQ(recommendation["reasons"][0]["rule"], "move_down");
  EXPECT_EQ(recommendation["sustainedCounts"]["AddToCart"], "85");
  EXPECT_EQ(recommendation["climbTestId"], "");  // defaults are printed: keys are stable
  EXPECT_TRUE(recommendation["flags"].is_array());
}

TEST_F(RungctlTest, RecommendationPrintsEachRungsBudgetInTheAccountsCurrency) {
  SeedAndEvaluate();
  // as_stuck spends 250 a week for 3 weeks: 750 for Purchase 36 (20.83 each,
  // 50 × that 1041.67), AddToCart 255 (2.94, 147.06), PageView 4500 (0.17,
  // 8.33).
  const Result plain = Run({"recommendation", "as_stuck"});
  ExpectSuccess(plain);
  EXPECT_THAT(plain.out, HasSubstr("\nbudget to leave learning, over 3 weeks with spend (the ad "
                                   "set spends 250.00/week; lower bounds, since costs rise with "
                                   "spend):\n  PageView          0.17 each   ≈ 8.33/week to "
                                   "reach 50\n"));
  EXPECT_THAT(plain.out, HasSubstr("  AddToCart         2.94 each   ≈ 147.06/week to reach 50\n"));
  EXPECT_THAT(plain.out,
              HasSubstr("  Purchase          20.83 each  ≈ 1041.67/week to reach 50\n\nreasons:"));

  RecordCurrency("act_1", "EUR");
  const Result euros = Run({"recommendation", "as_stuck"});
  ExpectSuccess(euros);
  EXPECT_THAT(euros.out, HasSubstr("(the ad set spends 250.00 EUR/week; lower bounds"));
  EXPECT_THAT(euros.out,
              HasSubstr("  Purchase          20.83 EUR each  ≈ 1041.67 EUR/week to reach 50\n"));

  const json answer = ParseJson(Run({"recommendation", "as_stuck", "--json"}));
  const json& budget = answer["recommendation"]["learningBudget"];
  EXPECT_EQ(budget["spendWeeks"], 3);
  EXPECT_EQ(budget["weeklySpendMicros"], "250000000");
  EXPECT_EQ(budget["rungs"][4]["event"], "Purchase");
  EXPECT_EQ(budget["rungs"][4]["eventCount"], "36");
  EXPECT_EQ(budget["rungs"][4]["costPerEventMicros"], "20833333");
  EXPECT_EQ(budget["rungs"][4]["weeklyBudgetMicros"], "1041666650");
}

TEST_F(RungctlTest, RecommendationSaysWhyABudgetCannotBeEstimated) {
  std::string csv = kCsvHeader;
  for (const char* week : {kWeek0, kWeek1, kWeek2}) {
    absl::StrAppend(&csv, "act_1,cmp_1,as_dry,", week, ",Purchase,,40,0,,,\n");
    absl::StrAppend(&csv, "act_1,cmp_1,as_zero,", week, ",Purchase,100000000,40,0,,,\n");
  }
  ExpectSuccess(Run({"ingest", WriteFile("seed.csv", csv)}));
  ExpectSuccess(Run({"evaluate", "--as-of", kWeek2}));

  EXPECT_THAT(Run({"recommendation", "as_dry"}).out,
              HasSubstr("\nbudget to leave learning: cannot be estimated without spend in the "
                        "window\n"));
  const Result zero = Run({"recommendation", "as_zero"});
  EXPECT_THAT(zero.out, HasSubstr("  InitiateCheckout  counted none\n"));
  EXPECT_THAT(zero.out, HasSubstr("  Purchase          2.50 each     ≈ 125.00/week to reach 50\n"));
}

TEST_F(RungctlTest, UnknownAdSetIsNotFound) {
  SeedAndEvaluate();
  ExpectFailure(Run({"recommendation", "as_nope"}), "NOT_FOUND: ");
  EXPECT_THAT(Run({"recommendation", "as_nope"}).err, HasSubstr("as_nope"));
  ExpectFailure(Run({"recommendation", "as_stuck", "--json", "--as-of", kWeek0}), "NOT_FOUND: ");
}

TEST_F(RungctlTest, RecommendationsTableAndFilters) {
  SeedAndEvaluate();
  const Result all = Run({"recommendations"});
  ExpectSuccess(all);
  EXPECT_THAT(all.out, StartsWith("AD SET "));
  EXPECT_THAT(all.out,
              HasSubstr("as_stuck  2026-11-02  MOVE_DOWN            Purchase → AddToCart"));
  EXPECT_THAT(all.out, HasSubstr("AddToCart → InitiateCheckout"));

  const struct {
    std::vector<std::string> filter;
    std::vector<std::string> ad_sets;
  } cases[] = {
      {{"--action", "move_down"}, {"as_stuck"}},
      {{"--action", "ACTION_MOVE_DOWN"}, {"as_stuck"}},
      {{"--action", "Duplicate_And_Climb", "--action", "MOVE_DOWN"}, {"as_climb", "as_stuck"}},
      {{"--action", "HOLD"}, {}},
      {{"--account", "act_2"}, {}},
      {{"--flag", "data_gap"}, {}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(absl::StrJoin(c.filter, " "));
    std::vector<std::string> args = {"recommendations", "--json"};
    args.insert(args.end(), c.filter.begin(), c.filter.end());
    const json answer = ParseJson(Run(args));
    std::vector<std::string> ad_sets;
    for (const json& r : answer["recommendations"]) ad_sets.push_back(r["adSetId"]);
    std::sort(ad_sets.begin(), ad_sets.end());
    EXPECT_EQ(ad_sets, c.ad_sets);
  }
}

TEST_F(RungctlTest, RecommendationsPageByPageOrAll) {
  SeedAndEvaluate();
  const Result page = Run({"recommendations", "--page-size", "1"});
  EXPECT_EQ(page.exit_code, 0) << page;
  EXPECT_EQ(std::count(page.out.begin(), page.out.end(), '\n'), 2) << page;  // header, one row
  EXPECT_THAT(page.err, StartsWith("more on later pages: add --all, or --page-token "));

  const json first = ParseJson(Run({"recommendations", "--page-size", "1", "--json"}));
  ASSERT_EQ(first["recommendations"].size(), 1u);
  const std::string token = first["nextPageToken"];
  ASSERT_FALSE(token.empty());
  const json second =
      ParseJson(Run({"recommendations", "--page-size", "1", "--page-token", token, "--json"}));
  ASSERT_EQ(second["recommendations"].size(), 1u);
  EXPECT_NE(second["recommendations"][0]["adSetId"], first["recommendations"][0]["adSetId"]);

  const json all = ParseJson(Run({"recommendations", "--page-size", "1", "--all", "--json"}));
  EXPECT_EQ(all["recommendations"].size(), 2u);
  EXPECT_EQ(all["nextPageToken"], "");
}

// --- Climb tests -----------------------------------------------------------------

TEST_F(RungctlTest, ClimbTestStartListAndCancel) {
  SeedAndEvaluate();
  const json started = ParseJson(
      Run({"climb-test", "start", "as_climb", "as_climb_dup", "--start", kWeek3, "--json"}));
  const json& test = started["climbTest"];
  EXPECT_EQ(test["state"], "CLIMB_TEST_STATE_RUNNING");
  EXPECT_EQ(test["fromEvent"], "AddToCart");
  EXPECT_EQ(test["toEvent"], "InitiateCheckout");
  const std::string id = test["climbTestId"];

  ExpectFailure(Run({"climb-test", "start", "as_climb", "as_climb_dup", "--start", kWeek3}),
                "ALREADY_EXISTS: ");
  const Result listed = Run({"climb-test", "list"});
  ExpectSuccess(listed);
  EXPECT_THAT(listed.out, HasSubstr(absl::StrCat(id, "  RUNNING  as_climb → as_climb_dup")));
  EXPECT_EQ(
      ParseJson(Run({"climb-test", "list", "--state", "running", "--json"}))["climbTests"].size(),
      1u);
  EXPECT_TRUE(ParseJson(Run({"climb-test", "list", "--state", "CANCELLED", "--json"}))["climbTests"]
                  .empty());

  const Result cancelled = Run({"climb-test", "cancel", id});
  ExpectSuccess(cancelled);
  EXPECT_THAT(cancelled.out, HasSubstr("CANCELLED"));
  EXPECT_EQ(
      ParseJson(Run({"climb-test", "list", "--state", "cancelled", "--json"}))["climbTests"].size(),
      1u);
  ExpectFailure(Run({"climb-test", "cancel", "ct_nope"}), "NOT_FOUND: ");
}

TEST_F(RungctlTest, ClimbTestOnTheWrongRungIsAFailedPrecondition) {
  SeedAndEvaluate();
  ExpectFailure(Run({"climb-test", "start", "as_stuck", "as_climb_dup", "--start", kWeek3}),
                "FAILED_PRECONDITION: ");
}

// --- Ad sets, history, policy ------------------------------------------------------

TEST_F(RungctlTest, AdSetsAdSetAndHistory) {
  Seed();
  const Result listed = Run({"adsets"});
  ExpectSuccess(listed);
  EXPECT_THAT(listed.out, HasSubstr("as_stuck"));
  EXPECT_EQ(ParseJson(Run({"adsets", "--json", "--account", "act_1"}))["adSets"].size(), 3u);

  const json ad_set = ParseJson(Run({"adset", "as_climb", "--json"}))["adSet"];
  EXPECT_EQ(ad_set["optimizationEvent"], "AddToCart");
  EXPECT_EQ(ad_set["weeksOnRung"], 3);
  EXPECT_EQ(ad_set["firstWeek"], kWeek0);
  EXPECT_EQ(ad_set["lastWeek"], kWeek2);
  ExpectFailure(Run({"adset", "as_nope"}), "NOT_FOUND: ");

  const Result history = Run({"history", "as_stuck", "--to", kWeek1});
  ExpectSuccess(history);
  EXPECT_THAT(history.out, StartsWith("WEEK "));
  EXPECT_THAT(history.out, HasSubstr(absl::StrCat(kWeek1, "  Purchase    250.00")));
  EXPECT_THAT(history.out, Not(HasSubstr(kWeek2)));
}

TEST_F(RungctlTest, AccountsAndSummaryShowWhatNeedsAPerson) {
  SeedAndEvaluate();

  const Result accounts = Run({"accounts"});
  ExpectSuccess(accounts);
  EXPECT_THAT(accounts.out,
              StartsWith("ACCOUNT  NAME  AD SETS  LAST WEEK   EVALUATED   NEEDING A PERSON"));
  EXPECT_THAT(accounts.out, HasSubstr(absl::StrCat("act_1    -     3        ", kWeek3, "  ", kWeek2,
                                                   "  2                 -")));
  const json listed = ParseJson(Run({"accounts", "--json"}));
  EXPECT_EQ(listed["accounts"][0]["needingAttention"], "2");

  const Result summary = Run({"summary", "--account", "act_1"});
  ExpectSuccess(summary);
  EXPECT_THAT(summary.out, StartsWith(absl::StrCat(
                               "act_1 as of ", kWeek2,
                               "\n2 ad sets, 2 needing a person; spend 500.00, 50.0 % of it")));
  EXPECT_THAT(summary.out, HasSubstr("actions          MOVE_DOWN 1, DUPLICATE_AND_CLIMB 1\n"));
  EXPECT_THAT(
      summary.out,
      HasSubstr("what changed (the first evaluated week):\n  as_climb  - → DUPLICATE_AND_CLIMB\n"));
  // 500 a week; as_stuck's 1500 a week of PageView and as_climb's none keep
  // 1500 / 50 = 30 ad sets, at 500 / 30 = 16.67; Purchase (12 + 10) / 50 =
  // 0.44 of one, at 500 / 0.44 = 1136.36.
  EXPECT_THAT(summary.out,
              HasSubstr("\nad sets its weekly spend of 500.00 could keep at T (lower bounds, "
                        "since costs rise with spend):\n"
                        "  PageView          30 ad sets  at about 16.67/week each\n"
                        "  ViewContent       6 ad sets   at about 73.53/week each\n"
                        "  AddToCart         3 ad sets   at about 147.06/week each\n"
                        "  InitiateCheckout  1 ad set    at about 367.65/week each\n"
                        "  Purchase          0 ad sets   at about 1136.36/week each\n"));
  RecordCurrency("act_1", "USD");
  EXPECT_THAT(Run({"summary", "--account", "act_1"}).out,
              AllOf(HasSubstr("spend 500.00 USD, 50.0 %"),
                    HasSubstr("  AddToCart         3 ad sets   at about 147.06 USD/week each\n")));
  const json answer = ParseJson(Run({"summary", "--account", "act_1", "--json"}));
  EXPECT_EQ(answer["summary"]["figures"]["spendShareBelowThreshold"], 0.5);
  EXPECT_EQ(answer["summary"]["learningCapacity"]["rungs"][2]["adSetsAtThreshold"], "3");
  ExpectUsageError(Run({"summary"}), "--account is required");
  ExpectFailure(Run({"summary", "--account", "act_9"}), "NOT_FOUND: account \"act_9\"");
}

TEST_F(RungctlTest, BacktestPrintsTheTotalsAndAnAdSetsStory) {
  Seed();
  ExpectSuccess(Run({"climb-test", "start", "as_climb", "as_climb_dup", "--start", kWeek3}));

  const Result totals = Run({"backtest", "--account", "act_1", "--from", kWeek2, "--to", kWeek3});
  ExpectSuccess(totals);
  EXPECT_THAT(totals.out,
              StartsWith(absl::StrCat("backtest from ", kWeek2, " to ", kWeek3, " under policy ")));
  // W2 and W3 of as_stuck and as_climb, W3 of the duplicate.
  EXPECT_THAT(totals.out, HasSubstr(": 3 ad sets, 5 weeks of advice\n"));
  EXPECT_THAT(totals.out, HasSubstr("\nACTION "));
  EXPECT_THAT(totals.out, HasSubstr("\nDUPLICATE_AND_CLIMB  1      1 (100.0 %)"));
  EXPECT_THAT(totals.out, Not(HasSubstr("as_climb (act_1)")));  // no stories unasked

  const json answer = ParseJson(
      Run({"backtest", "--account", "act_1", "--from", kWeek2, "--to", kWeek3, "--json"}));
  EXPECT_EQ(answer["totals"]["adSets"], "3");
  bool found_climb = false;
  for (const json& action : answer["totals"]["actions"]) {
    if (action["action"] != "ACTION_DUPLICATE_AND_CLIMB") continue;
    found_climb = true;
    EXPECT_EQ(action["followed"], "1");
  }
  EXPECT_TRUE(found_climb) << answer.dump();

  const Result story = Run({"backtest", "--ad-set", "as_climb", "--from", kWeek2, "--to", kWeek3});
  ExpectSuccess(story);
  EXPECT_THAT(story.out, HasSubstr("\nas_climb (act_1):\n"));
  EXPECT_THAT(story.out, HasSubstr(absl::StrCat(kWeek2,
                                                "  DUPLICATE_AND_CLIMB → InitiateCheckout  "
                                                "yes, on as_climb_dup")));

  ExpectUsageError(Run({"backtest", "--from", kWeek2, "--to", kWeek3}),
                   "--account (or --ad-set) is required");
  ExpectUsageError(Run({"backtest", "--account", "act_1", "--from", kWeek2}),
                   "--from and --to are required");
  ExpectFailure(Run({"backtest", "--account", "act_1", "--from", "2026-11-03", "--to", kWeek3}),
                "INVALID_ARGUMENT: from_week");
}

TEST_F(RungctlTest, PolicyGetShowsEveryValueAndTheLadders) {
  const Result result = Run({"policy", "get"});
  ExpectSuccess(result);
  EXPECT_THAT(result.out, HasSubstr("learning_threshold       50\n"));
  EXPECT_THAT(result.out, HasSubstr("ecommerce (default)"));
  EXPECT_THAT(result.out, HasSubstr("stored overrides: none\n"));
  const json policy = ParseJson(Run({"policy", "get", "--json"}))["policy"];
  EXPECT_EQ(policy["learningThreshold"], 50);
  EXPECT_EQ(policy["version"].get<std::string>().size(), 16u);
  EXPECT_EQ(policy["etag"].get<std::string>().size(), 16u);
}

TEST_F(RungctlTest, PolicySetFromAFileIsReadBackAndListedInTheHistory) {
  const std::string file =
      WriteFile("high-ticket.textproto", "cutover_threshold: 20\nlearning_threshold: 40\n");

  const Result set =
      Run({"policy", "set", file, "--account", "act_1", "--reason", "high ticket store"});

  ExpectSuccess(set);
  EXPECT_THAT(set.out, StartsWith("the policy of act_1 is now version "));
  EXPECT_THAT(set.out, HasSubstr("(revision 1, etag "));
  EXPECT_THAT(set.out, HasSubstr("stored overrides: learning_threshold=40, cutover_threshold=20"));
  const json policy = ParseJson(Run({"policy", "get", "--account", "act_1", "--json"}))["policy"];
  EXPECT_EQ(policy["learningThreshold"], 40);
  EXPECT_EQ(policy["revision"], "1");
  const Result history = Run({"policy", "history", "--account", "act_1"});
  ExpectSuccess(history);
  EXPECT_THAT(history.out, HasSubstr("high ticket store"));
  EXPECT_THAT(history.out, HasSubstr(policy["version"].get<std::string>()));

  // A JSON file, sent with an etag that is no longer current: refused.
  const std::string json_file = WriteFile("policy.json", R"({"learningThreshold": 45})");
  ExpectFailure(Run({"policy", "set", json_file, "--account", "act_1", "--reason", "x", "--etag",
                     "0123456789abcdef"}),
                "ABORTED: etag: ");
  ExpectSuccess(Run({"policy", "set", json_file, "--account", "act_1", "--reason", "x", "--etag",
                     policy["etag"].get<std::string>()}));
}

TEST_F(RungctlTest, PolicySetRefusesABadFileOrValueNamingIt) {
  ExpectUsageError(Run({"policy", "set", WriteFile("p.textproto", "")}), "--reason is required");
  ExpectFailure(
      Run({"policy", "set", WriteFile("typo.textproto", "learning_treshold: 40"), "--reason", "x"}),
      "typo.textproto: line 1, column 1");
  ExpectFailure(Run({"policy", "set", WriteFile("high.textproto", "cutover_threshold: 60"),
                     "--account", "act_1", "--reason", "x"}),
                "INVALID_ARGUMENT: policy.cutover_threshold: ");
  // Only the config file's version, recorded at start: nothing was stored.
  const Result history = Run({"policy", "history", "--account", "act_1"});
  EXPECT_EQ(std::count(history.out.begin(), history.out.end(), '\n'), 2) << history;
  EXPECT_THAT(history.out, HasSubstr("config file"));
}

TEST_F(RungctlTest, EvaluateDryRunWithAPolicyShowsWhatItWouldChange) {
  SeedAndEvaluate();
  // as_climb climbs at cutover 30 (InitiateCheckout sustains 40); at 45 it holds.
  const std::string file = WriteFile("cautious.textproto", "cutover_threshold: 45\n");

  const Result what_if =
      Run({"evaluate", "--as-of", kWeek2, "--account", "act_1", "--dry-run", "--policy", file});

  ExpectSuccess(what_if);
  EXPECT_THAT(what_if.out, HasSubstr("1 ad set would get another action than their stored advice"));
  EXPECT_THAT(what_if.out, HasSubstr("as_climb  2026-11-02  DUPLICATE_AND_CLIMB  HOLD"));
  ExpectUsageError(Run({"evaluate", "--policy", file}), "--policy needs --dry-run");
  // Nothing was stored.
  EXPECT_EQ(ParseJson(Run({"recommendation", "as_climb", "--json"}))["recommendation"]["action"],
            "ACTION_DUPLICATE_AND_CLIMB");
}

// --- Health, backup --------------------------------------------------------------

TEST_F(RungctlTest, HealthOfAServingDaemon) {
  const Result result = Run({"health"});
  ExpectSuccess(result);
  EXPECT_EQ(result.out, "SERVING\n");
  EXPECT_EQ(ParseJson(Run({"health", "--json"}))["status"], "SERVING");
  // The environment names the server when --server does not.
  ExpectSuccess(RunRungctl({"health"}, WithEnv("RUNG_SERVER=" + server_->grpc_address())));
}

TEST_F(RungctlTest, ReachesADaemonOnAUnixSocket) {
  const std::string address = "unix:" + dir_.File("rungd.sock");
  auto server = Server::Start(DaemonOptions(address, "unix.db"));
  ASSERT_TRUE(server.ok()) << server.status();
  const Result result = RunRungctl({"health", "--server", address});
  ExpectSuccess(result);
  EXPECT_EQ(result.out, "SERVING\n");
  (*server)->Shutdown(absl::ZeroDuration());
}

TEST_F(RungctlTest, BackupWritesADatabaseThatOpensWithTheData) {
  Seed();
  // Relative to rungctl's directory, which is not the daemon's.
  RunOptions in_test_dir;
  in_test_dir.cwd = dir_.path();
  const Result result = Run({"backup", "copy.db"}, in_test_dir);
  ExpectSuccess(result);
  const std::string copy = dir_.File("copy.db");
  EXPECT_THAT(result.out, HasSubstr(absl::StrCat("backed up to ", copy, " (")));

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(copy.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT count(*) FROM ad_set_weeks", -1, &statement, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(statement), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(statement, 0), kSeedRecords);
  sqlite3_finalize(statement);
  sqlite3_close(db);

  const json again = ParseJson(Run({"backup", dir_.File("copy2.db"), "--json"}));
  EXPECT_EQ(again["destinationPath"], dir_.File("copy2.db"));
  EXPECT_GT(std::stoll(again["sizeBytes"].get<std::string>()), 0);
  // An existing file is never overwritten.
  ExpectFailure(Run({"backup", copy}), "INVALID_ARGUMENT: destination_path");
}

// A Health service that answers what a test sets, remembers the token it
// was sent, and can hold its answer until the test lets it go.
class FakeHealth final : public grpc::health::v1::Health::Service {
 public:
  grpc::Status Check(grpc::ServerContext* context, const grpc::health::v1::HealthCheckRequest*,
                     grpc::health::v1::HealthCheckResponse* response) override {
    auto token = context->client_metadata().find("authorization");
    authorization_ = token == context->client_metadata().end()
                         ? "none"
                         : std::string(token->second.data(), token->second.size());
    if (hold_) release_.WaitForNotification();
    response->set_status(status_);
    return grpc::Status::OK;
  }

  grpc::health::v1::HealthCheckResponse::ServingStatus status_ =
      grpc::health::v1::HealthCheckResponse::SERVING;
  std::string authorization_;
  bool hold_ = false;
  absl::Notification release_;
};

class RungctlFakeServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    // Not gRPC's own health service, which the daemon's tests switch on for
    // the whole process.
    builder.SetOption(std::make_unique<grpc::HealthCheckServiceServerBuilderOption>(nullptr));
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&health_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
  }
  void TearDown() override {
    if (!health_.release_.HasBeenNotified()) health_.release_.Notify();
    server_->Shutdown();
  }

  Result Run(std::vector<std::string> args, const RunOptions& options = {}) {
    args.push_back(absl::StrCat("--server=127.0.0.1:", port_));
    return RunRungctl(args, options);
  }

  FakeHealth health_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

TEST_F(RungctlFakeServerTest, NotServingExitsOne) {
  health_.status_ = grpc::health::v1::HealthCheckResponse::NOT_SERVING;
  const Result result = Run({"health"});
  EXPECT_EQ(result.exit_code, 1) << result;
  EXPECT_EQ(result.out, "NOT_SERVING\n");
  EXPECT_EQ(result.err, "rungctl: the daemon is NOT_SERVING (its database does not answer)\n");
  const Result json_result = Run({"health", "--json"});
  EXPECT_EQ(json_result.exit_code, 1) << json_result;
  EXPECT_EQ(json::parse(json_result.out)["status"], "NOT_SERVING");
}

TEST_F(RungctlFakeServerTest, TokenTravelsAsBearerMetadata) {
  ExpectSuccess(Run({"health", "--token", "s3cret"}));
  EXPECT_EQ(health_.authorization_, "Bearer s3cret");
  ExpectSuccess(Run({"health"}, WithEnv("RUNG_TOKEN=from-env")));
  EXPECT_EQ(health_.authorization_, "Bearer from-env");
  ExpectSuccess(Run({"health"}));
  EXPECT_EQ(health_.authorization_, "none");
}

TEST_F(RungctlFakeServerTest, EveryCallHasADeadline) {
  health_.hold_ = true;  // answers only after rungctl has given up
  ExpectFailure(Run({"health", "--timeout", "0.3s"}),
                "DEADLINE_EXCEEDED: no answer from 127.0.0.1:");
  health_.release_.Notify();
}

// --- TLS and tokens ----------------------------------------------------------

// A daemon with TLS (and mTLS when `client_ca`) and a reader token.
class RungctlTlsTest : public ::testing::Test {
 protected:
  void StartWith(bool client_ca) {
    ASSERT_TRUE(certs_.ok());
    config::v1::Config config;
    certs_.SetServerTls(client_ca, &config);
    config::v1::TokenConfig* token = config.mutable_auth()->add_tokens();
    token->set_name("reader");
    // printf %s reader-secret | sha256sum
    token->set_sha256("f03319dee240faa729e0cfa7ab5ffd80a1d64a127e3643f239009abff6382914");
    token->set_role(config::v1::ROLE_READER);
    absl::StatusOr<DaemonConfig> resolved = ResolveConfig(config);
    ASSERT_TRUE(resolved.ok()) << resolved.status();
    auto server =
        test_support::StartLocalServer(dir_.File("rung.db"), *resolved, /*with_http=*/false);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown(absl::ZeroDuration());
  }

  Result Run(std::vector<std::string> args, const RunOptions& options = {}) {
    args.push_back("--server=" + server_->grpc_address());
    return RunRungctl(args, options);
  }

  test_support::TestCerts certs_;
  test_support::TempDir dir_;
  std::unique_ptr<Server> server_;
};

TEST_F(RungctlTlsTest, TalksTlsWithTheCaAndSendsTheToken) {
  StartWith(/*client_ca=*/false);
  ExpectSuccess(Run({"health", "--tls-ca", certs_.Cert("ca")}));
  ExpectSuccess(Run({"health"}, WithEnv("RUNG_TLS_CA=" + certs_.Cert("ca"))));
  ExpectFailure(Run({"health"}), "cannot reach");
  ExpectFailure(Run({"health", "--tls-ca", certs_.Cert("other_ca")}), "cannot reach");
  ExpectSuccess(Run({"adsets", "--tls-ca", certs_.Cert("ca"), "--token", "reader-secret"}));
  ExpectFailure(Run({"adsets", "--tls-ca", certs_.Cert("ca")}), "UNAUTHENTICATED: no bearer token");
  ExpectFailure(Run({"evaluate", "--tls-ca", certs_.Cert("ca"), "--token", "reader-secret"}),
                "PERMISSION_DENIED: EvaluateAdSets needs role admin; the token has role reader");
}

TEST_F(RungctlTlsTest, PresentsAClientCertificateForMtls) {
  StartWith(/*client_ca=*/true);
  ExpectSuccess(Run({"health", "--tls-ca", certs_.Cert("ca"), "--tls-cert", certs_.Cert("client"),
                     "--tls-key", certs_.Key("client")}));
  RunOptions env = WithEnv("RUNG_TLS_CA=" + certs_.Cert("ca"));
  env.extra_env.push_back("RUNG_TLS_CERT=" + certs_.Cert("client"));
  env.extra_env.push_back("RUNG_TLS_KEY=" + certs_.Key("client"));
  ExpectSuccess(Run({"health"}, env));
  ExpectFailure(Run({"health", "--tls-ca", certs_.Cert("ca")}), "cannot reach");
  ExpectFailure(Run({"health", "--tls-ca", certs_.Cert("ca"), "--tls-cert", certs_.Cert("stranger"),
                     "--tls-key", certs_.Key("stranger")}),
                "cannot reach");
}

TEST(RungctlUsageTest, TlsFlagsThatCannotWorkAreRefused) {
  test_support::TempDir dir;
  const std::string missing = dir.File("missing.pem");
  ExpectFailure(RunRungctl({"health", "--tls-ca", missing}),
                "--tls-ca: cannot read '" + missing + "'");
  const std::string pem = dir.File("some.pem");
  std::ofstream(pem) << "not checked here";
  ExpectUsageError(RunRungctl({"health", "--tls-ca", pem, "--tls-cert", pem}),
                   "--tls-cert and --tls-key go together");
  ExpectUsageError(RunRungctl({"health", "--tls-cert", pem, "--tls-key", pem}),
                   "--tls-cert needs --tls-ca");
}

}  // namespace
}  // namespace rung
