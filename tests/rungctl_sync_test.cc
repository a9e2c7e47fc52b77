// rungctl sync as a scheduled job runs it: the built binary against the fake
// Graph API (tests/support/fake_graph.h) and a real daemon over a real SQLite
// file. What is stored is read back through rungctl itself.

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "daemon/server.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "rung/v1/advisor_service.grpc.pb.h"
#include "rung/week.h"
#include "support/fake_graph.h"
#include "support/graph_fixtures.h"
#include "support/rungctl_process.h"
#include "support/temp_dir.h"

namespace rung {
namespace {

using nlohmann::json;
using test_support::ExpectUsageError;
using test_support::LastCompleteWeekIn;
using test_support::ParseJson;
using test_support::Result;
using test_support::RunOptions;
using test_support::RunRungctl;
using testing::FakeAccount;
using testing::FakeAdSet;
using testing::FakeGraph;
using testing::FakeInsightsRow;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kToken[] = "EAAsyncTestTokenValue987";
constexpr char kSecret[] = "sync-app-secret-654";
constexpr char kBerlin[] = "Europe/Berlin";
constexpr char kLosAngeles[] = "America/Los_Angeles";
// Rows exist for this many complete weeks, and for the week in progress.
constexpr int kWeeksOfRows = 14;

FakeAdSet AdSet(std::string id, std::string event, std::string source = "") {
  FakeAdSet ad_set = test_support::FakeAdSetOf(std::move(id), std::move(event));
  ad_set.source_adset_id = std::move(source);
  return ad_set;
}

// AddToCart reported under three aliases with equal values: stored once.
FakeInsightsRow Row(const std::string& ad_set_id, Week week, int add_to_cart, int purchases) {
  return {ad_set_id,
          week.ToString(),
          "123.45",
          {{"omni_add_to_cart", std::to_string(add_to_cart)},
           {"add_to_cart", std::to_string(add_to_cart)},
           {"offsite_conversion.fb_pixel_add_to_cart", std::to_string(add_to_cart)},
           {"omni_purchase", std::to_string(purchases)},
           {"link_click", "999"}}};
}

// Rows from kWeeksOfRows weeks back to the week in progress (which a sync
// must never ask for).
FakeAccount AccountWithRows(std::string id, const char* zone, std::vector<FakeAdSet> ad_sets) {
  FakeAccount account;
  account.id = std::move(id);
  account.name = absl::StrCat("Shop ", account.id);
  account.timezone_name = zone;
  const Week last = LastCompleteWeekIn(zone);
  for (const FakeAdSet& ad_set : ad_sets) {
    for (int back = kWeeksOfRows - 1; back >= -1; --back) {
      account.rows.push_back(Row(ad_set.id, last.Plus(-back), 85, 12));
    }
  }
  account.ad_sets = std::move(ad_sets);
  return account;
}

class RungctlSyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.http_listen = "127.0.0.1:0";
    options.db_path = dir_.File("rung.db");
    auto server = Server::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
  }

  Result Run(std::vector<std::string> args, RunOptions options = {}) {
    args.push_back("--server=" + server_->grpc_address());
    return RunRungctl(args, options);
  }

  Result Sync(std::vector<std::string> accounts, std::vector<std::string> extra = {},
              RunOptions options = {}) {
    std::vector<std::string> args = {"sync", "--json", "--graph-url", graph_.base_url()};
    for (const std::string& account : accounts) args.push_back("--account=" + account);
    args.insert(args.end(), extra.begin(), extra.end());
    options.extra_env.push_back(absl::StrCat("META_ACCESS_TOKEN=", kToken));
    return Run(args, options);
  }

  json History(const std::string& ad_set_id) {
    return ParseJson(Run({"history", ad_set_id, "--json"}))["weeks"];
  }

  std::string Metrics() {
    const std::string address = server_->http_address();
    httplib::Client client(address.substr(0, address.rfind(':')),
                           std::stoi(address.substr(address.rfind(':') + 1)));
    const auto response = client.Get("/metrics");
    return response ? response->body : "";
  }

  absl::StatusOr<v1::Account> StoredAccount(const std::string& account_id) {
    auto stub = v1::AdvisorService::NewStub(
        grpc::CreateChannel(server_->grpc_address(), grpc::InsecureChannelCredentials()));
    grpc::ClientContext context;
    v1::GetAccountRequest request;
    request.set_account_id(account_id);
    v1::GetAccountResponse response;
    const grpc::Status status = stub->GetAccount(&context, request, &response);
    if (!status.ok()) {
      return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                          status.error_message());
    }
    return response.account();
  }

  test_support::TempDir dir_;
  FakeGraph graph_{kToken};
  std::unique_ptr<Server> server_;
};

json AccountReport(const json& summary, const std::string& account_id) {
  for (const json& account : summary["accounts"]) {
    if (account["account_id"] == account_id) return account;
  }
  ADD_FAILURE() << "no report for " << account_id << " in " << summary.dump();
  return json::object();
}

TEST_F(RungctlSyncTest, TwoAccountsStoreExactlyTheirCompleteWeeksOnce) {
  FakeAdSet learning = AdSet("1001001", "ADD_TO_CART");
  learning.learning_status = "FAIL";
  learning.conversions_threshold = 40;
  const Week berlin_last = LastCompleteWeekIn(kBerlin);
  // An edit on Wednesday of the week before last, Berlin time.
  learning.last_sig_edit_ts = absl::ToUnixSeconds(absl::FromCivil(
      absl::CivilSecond(berlin_last.Previous().monday() + 2), absl::FixedTimeZone(3600)));
  graph_.AddAccount(AccountWithRows("1001", kBerlin, {learning, AdSet("1001002", "PURCHASE")}));
  graph_.AddAccount(AccountWithRows("1002", kLosAngeles, {AdSet("1002001", "INITIATED_CHECKOUT")}));
  graph_.SetMaxPageSize(5);  // several pages of ad sets and rows

  const Result result = Sync({"act_1001", "act_1002"});
  ASSERT_EQ(result.exit_code, 0) << result;
  EXPECT_EQ(result.err, "");
  const json summary = ParseJson(result);
  const json berlin = AccountReport(summary, "act_1001");
  EXPECT_EQ(berlin["ad_sets"], 2);
  EXPECT_EQ(berlin["inserted"], 24);  // a first sync: 12 weeks each
  EXPECT_EQ(berlin["updated"], 0);
  EXPECT_EQ(berlin["time_zone"], kBerlin);
  EXPECT_EQ(berlin["until"], berlin_last.ToString());
  EXPECT_EQ(berlin["since"], berlin_last.Plus(-11).ToString());
  const json angeles = AccountReport(summary, "act_1002");
  EXPECT_EQ(angeles["inserted"], 12);
  EXPECT_EQ(angeles["until"], LastCompleteWeekIn(kLosAngeles).ToString());

  const json weeks = History("1001001");
  ASSERT_EQ(weeks.size(), 12u);
  EXPECT_EQ(weeks.front()["weekStart"], berlin_last.Plus(-11).ToString());
  EXPECT_EQ(weeks.back()["weekStart"], berlin_last.ToString());
  for (const json& week : weeks) {
    EXPECT_EQ(week["accountId"], "act_1001");
    EXPECT_EQ(week["campaignId"], "120");
    EXPECT_EQ(week["optimizationEvent"], "AddToCart");
    EXPECT_EQ(week["spendMicros"], "123450000");
    EXPECT_EQ(week["eventCounts"]["AddToCart"], "85");  // never 255
    EXPECT_EQ(week["eventCounts"]["Purchase"], "12");
    EXPECT_EQ(week["eventCounts"].size(), 2u) << week;
    const bool latest = week["weekStart"] == berlin_last.ToString();
    EXPECT_EQ(week["reportedLearningStatus"] != "REPORTED_LEARNING_STATUS_UNSPECIFIED", latest)
        << week;
    EXPECT_EQ(week.contains("learningThresholdOverride"), latest) << week;
    if (latest) {
      EXPECT_EQ(week["learningThresholdOverride"], 40);
    }
    EXPECT_EQ(week["significantEdit"].get<bool>(),
              week["weekStart"] == berlin_last.Previous().ToString())
        << week;
  }
  EXPECT_EQ(History("1002001").back()["optimizationEvent"], "InitiateCheckout");

  // Only complete weeks were asked for, in each account's own time zone:
  // never the week in progress there.
  int ranges = 0;
  for (const testing::RecordedRequest& request : graph_.requests()) {
    const auto range = request.params.find("time_range");
    if (range == request.params.end()) continue;
    ++ranges;
    const char* zone = absl::StrContains(request.path, "act_1001") ? kBerlin : kLosAngeles;
    EXPECT_EQ(json::parse(range->second)["until"].get<std::string>(),
              absl::FormatCivilTime(LastCompleteWeekIn(zone).monday() + 6))
        << request.path;
  }
  EXPECT_GE(ranges, 2);  // each page of each account
  // The account is recorded with its time zone.
  const absl::StatusOr<v1::Account> account = StoredAccount("act_1002");
  ASSERT_TRUE(account.ok()) << account.status();
  EXPECT_EQ(account->time_zone(), kLosAngeles);
  EXPECT_EQ(account->name(), "Shop 1002");
  EXPECT_TRUE(account->has_last_sync_time());
}

TEST_F(RungctlSyncTest, ARePullReplacesRestatedCountsAndAddsNothing) {
  graph_.AddAccount(AccountWithRows("1001", kBerlin, {AdSet("1001001", "ADD_TO_CART")}));
  ASSERT_EQ(Sync({"act_1001"}).exit_code, 0);
  const Week last = LastCompleteWeekIn(kBerlin);
  // Meta restates the last week as late conversions arrive.
  graph_.EditAccount("1001", [&](FakeAccount& account) {
    for (FakeInsightsRow& row : account.rows) {
      if (row.date_start == last.ToString()) row = Row(row.ad_set_id, last, 90, 14);
    }
  });
  const json again = AccountReport(ParseJson(Sync({"act_1001"})), "act_1001");
  EXPECT_EQ(again["since"], last.Plus(-3).ToString());  // the last 4 weeks only
  EXPECT_EQ(again["inserted"], 0);
  EXPECT_EQ(again["updated"], 1);
  EXPECT_EQ(again["unchanged"], 3);
  const json weeks = History("1001001");
  ASSERT_EQ(weeks.size(), 12u);
  EXPECT_EQ(weeks.back()["eventCounts"]["AddToCart"], "90");  // replaced, never 175
  EXPECT_EQ(weeks.back()["eventCounts"]["Purchase"], "14");
}

TEST_F(RungctlSyncTest, ACopyOneRungUpStartsOneClimbTestAndASecondSyncNoOther) {
  FakeAccount account = AccountWithRows(
      "1001", kBerlin,
      {AdSet("1001001", "ADD_TO_CART"), AdSet("1001009", "ADD_TO_CART", "1001001")});
  const Week last = LastCompleteWeekIn(kBerlin);
  // The climbing copy spends from the week before last on.
  account.ad_sets.push_back(AdSet("1001002", "INITIATED_CHECKOUT", "1001001"));
  account.rows.push_back({"1001002", last.Plus(-2).ToString(), "", {}});
  account.rows.push_back(Row("1001002", last.Previous(), 40, 3));
  account.rows.push_back(Row("1001002", last, 41, 4));
  graph_.AddAccount(account);

  const json first = AccountReport(ParseJson(Sync({"act_1001"})), "act_1001");
  ASSERT_EQ(first["climb_tests_started"].size(), 1u) << first;
  EXPECT_EQ(first["climb_tests_started"][0]["original_ad_set_id"], "1001001");
  EXPECT_EQ(first["climb_tests_started"][0]["duplicate_ad_set_id"], "1001002");
  EXPECT_EQ(first["climb_tests_started"][0]["start_week"], last.Previous().ToString());
  // The same-rung copy 1001009 is no test.
  const json again = AccountReport(ParseJson(Sync({"act_1001"})), "act_1001");
  EXPECT_EQ(again["climb_tests_started"].size(), 0u) << again;
  const json tests = ParseJson(Run({"climb-test", "list", "--json"}))["climbTests"];
  ASSERT_EQ(tests.size(), 1u);
  EXPECT_EQ(tests[0]["startWeek"], last.Previous().ToString());
  EXPECT_EQ(tests[0]["toEvent"], "InitiateCheckout");
}

TEST_F(RungctlSyncTest, AnExpiredTokenExitsOneWithOneLineAndChangesNothing) {
  graph_.AddAccount(AccountWithRows("1001", kBerlin, {AdSet("1001001", "ADD_TO_CART")}));
  graph_.AddAccount(AccountWithRows("1002", kBerlin, {AdSet("1002001", "ADD_TO_CART")}));
  graph_.FailNext("act_1001", FakeGraph::Error(190, 463,
                                               "Error validating access token: "
                                               "Session has expired"));
  const Result result = Sync({"act_1001", "act_1002"});
  EXPECT_EQ(result.exit_code, 1) << result;
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result;
  EXPECT_THAT(result.err, HasSubstr("code 190"));
  EXPECT_THAT(result.err, HasSubstr("1 more account not synced"));
  EXPECT_EQ(ParseJson(Run({"adsets", "--all", "--json"}))["adSets"].size(), 0u);
  EXPECT_TRUE(absl::IsNotFound(StoredAccount("act_1002").status()));
}

TEST_F(RungctlSyncTest, AMissingPermissionFailsOnlyThatAccount) {
  graph_.AddAccount(AccountWithRows("1001", kBerlin, {AdSet("1001001", "ADD_TO_CART")}));
  graph_.AddAccount(AccountWithRows("1002", kBerlin, {AdSet("1002001", "ADD_TO_CART")}));
  graph_.DenyAccount("1001", 200);
  const Result result = Sync({"act_1001", "act_1002"});
  EXPECT_EQ(result.exit_code, 1) << result;
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result;
  EXPECT_THAT(result.err, HasSubstr("rungctl: act_1001: "));
  EXPECT_THAT(result.err, HasSubstr("ads_read"));
  const json summary = json::parse(result.out);
  EXPECT_FALSE(AccountReport(summary, "act_1001")["ok"].get<bool>());
  EXPECT_EQ(AccountReport(summary, "act_1002")["inserted"], 12);
  EXPECT_EQ(History("1002001").size(), 12u);
}

TEST_F(RungctlSyncTest, ARepeatedCursorIsCaught) {
  graph_.AddAccount(AccountWithRows("1001", kBerlin, {AdSet("1001001", "ADD_TO_CART")}));
  graph_.SetMaxPageSize(2);
  graph_.RepeatInsightsCursor("1001");
  const Result result = Sync({"act_1001"});
  EXPECT_EQ(result.exit_code, 1) << result;
  EXPECT_THAT(result.err, HasSubstr("cursor"));
  EXPECT_TRUE(absl::IsNotFound(StoredAccount("act_1001").status()));
}

TEST_F(RungctlSyncTest, ABigAccountIsReadThroughAnAsyncReportWaitingForCompletedAnd100) {
  graph_.AddAccount(AccountWithRows("1001", kBerlin, {AdSet("1001001", "ADD_TO_CART")}));
  graph_.RequireAsync("1001");
  // 100% while still running: reading then would fail with code 2601.
  graph_.SetAsyncScript("1001", {{"Job Running", 0}, {"Job Running", 100}, {"Job Completed", 100}});
  const json report = AccountReport(ParseJson(Sync({"act_1001"})), "act_1001");
  EXPECT_TRUE(report["async_report"].get<bool>());
  EXPECT_EQ(report["inserted"], 12);
  int polls = 0;
  int reads = 0;
  for (const testing::RecordedRequest& request : graph_.requests()) {
    const auto fields = request.params.find("fields");
    if (request.method != "GET") continue;
    if (fields != request.params.end() &&
        fields->second == "async_status,async_percent_completion") {
      ++polls;
    } else if (absl::EndsWith(request.path, "/insights") &&
               !absl::StrContains(request.path, "act_")) {
      ++reads;
    }
  }
  EXPECT_EQ(polls, 3);  // until "Job Completed" at 100%
  EXPECT_EQ(reads, 1);  // one page, read once: never too early
}

TEST_F(RungctlSyncTest, ThrottlingServerErrorsAndBodiesThatAreNotJsonAreRidden) {
  graph_.AddAccount(AccountWithRows("1001", kBerlin, {AdSet("1001001", "ADD_TO_CART")}));
  graph_.FailNext("/insights", FakeGraph::ServerError());
  graph_.FailNext("/adsets", FakeGraph::NotJson());
  graph_.FailNext("act_1001", FakeGraph::Throttled(80000, 0));
  const json report = AccountReport(ParseJson(Sync({"act_1001"})), "act_1001");
  EXPECT_EQ(report["inserted"], 12);
  EXPECT_GT(report["throttled_seconds"].get<double>(), 0);
  EXPECT_GE(report["api_calls"].get<int>(), 6);
}

TEST_F(RungctlSyncTest, AnInvalidParameterFailsTheAccountWithMetasMessageAndTrace) {
  graph_.AddAccount(AccountWithRows("1001", kBerlin, {AdSet("1001001", "ADD_TO_CART")}));
  graph_.FailNext("/insights", FakeGraph::Error(100, 0, "(#100) time_range is invalid"));
  const Result result = Sync({"act_1001"});
  EXPECT_EQ(result.exit_code, 1) << result;
  EXPECT_THAT(result.err, HasSubstr("(#100) time_range is invalid"));
  EXPECT_THAT(result.err, HasSubstr("fbtrace_id"));
}

TEST_F(RungctlSyncTest, NoSecretInOutputErrorsLogsOrMetrics) {
  FakeGraph signed_graph(kToken, kSecret);
  signed_graph.AddAccount(AccountWithRows("1001", kBerlin, {AdSet("1001001", "ADD_TO_CART")}));
  signed_graph.SetMaxPageSize(3);  // paging.next carries the token
  signed_graph.FailNext("/insights",
                        FakeGraph::Error(100, 0, absl::StrCat("echo access_token=", kToken)));
  const std::string secret_file = dir_.File("secret");
  std::ofstream(secret_file) << kSecret << "\n";
  ::testing::internal::CaptureStderr();  // rungd's log, in this process
  RunOptions options;
  options.extra_env.push_back(absl::StrCat("META_ACCESS_TOKEN=", kToken));
  const Result failed =
      RunRungctl({"sync", "--account=act_1001", "--graph-url", signed_graph.base_url(),
                  "--meta-app-secret-file", secret_file, "--server=" + server_->grpc_address()},
                 options);
  const Result synced =
      RunRungctl({"sync", "--account=act_1001", "--json", "--graph-url", signed_graph.base_url(),
                  "--meta-app-secret-file", secret_file, "--server=" + server_->grpc_address()},
                 options);
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(failed.exit_code, 1) << failed;
  EXPECT_EQ(synced.exit_code, 0) << synced;
  for (const std::string& text : {failed.out, failed.err, synced.out, synced.err, log, Metrics()}) {
    EXPECT_THAT(text, Not(HasSubstr(kToken)));
    EXPECT_THAT(text, Not(HasSubstr(kSecret)));
  }
  for (const testing::RecordedRequest& request : signed_graph.requests()) {
    EXPECT_EQ(request.params.count("appsecret_proof"), 1u) << request.path;
  }
}

TEST_F(RungctlSyncTest, ProgressGoesToATerminalOnly) {
  graph_.AddAccount(AccountWithRows("1001", kBerlin, {AdSet("1001001", "ADD_TO_CART")}));
  RunOptions terminal;
  terminal.stderr_is_terminal = true;
  const Result shown = Sync({"act_1001"}, {"--batch-size", "5"}, terminal);
  EXPECT_EQ(shown.exit_code, 0) << shown;
  EXPECT_THAT(shown.err, HasSubstr("act_1001: 12 weeks stored"));
  const Result piped = Sync({"act_1001"});
  EXPECT_EQ(piped.err, "");
}

TEST_F(RungctlSyncTest, TheTextSummaryNamesEachAccount) {
  graph_.AddAccount(AccountWithRows("1001", kBerlin, {AdSet("1001001", "ADD_TO_CART")}));
  std::vector<std::string> args = {"sync", "--account", "act_1001", "--graph-url",
                                   graph_.base_url()};
  const Result result =
      Run(args, test_support::WithEnv(absl::StrCat("META_ACCESS_TOKEN=", kToken)));
  EXPECT_EQ(result.exit_code, 0) << result;
  EXPECT_THAT(result.out, HasSubstr("act_1001 (Shop 1001): 1 ad sets"));
  EXPECT_THAT(result.out, HasSubstr("12 inserted, 0 updated, 0 unchanged"));
}

TEST_F(RungctlSyncTest, BadUsageExitsTwo) {
  ExpectUsageError(Run({"sync", "--account", "act_1"}), "no Meta token");
  const RunOptions token = test_support::WithEnv(absl::StrCat("META_ACCESS_TOKEN=", kToken));
  ExpectUsageError(Run({"sync"}, token), "--account");
  ExpectUsageError(Run({"sync", "--account", "shop"}, token), "--account: 'shop'");
  ExpectUsageError(Run({"sync", "--account", "act_1", "--since", "2026-11-04"}, token), "--since");
  ExpectUsageError(Run({"sync", "--account", "act_1", "--weeks", "0"}, token), "--weeks");
  ExpectUsageError(Run({"sync", "--account", "act_1", "--meta-token-file", dir_.File("none")}),
                   "--meta-token-file");
}

}  // namespace
}  // namespace rung

namespace rung {
namespace {

TEST_F(RungctlSyncTest, ANewEventDoesNotRewriteTheWeeksStoredBeforeTheChange) {
  const Week last = LastCompleteWeekIn(kBerlin);
  FakeAdSet ad_set = AdSet("1001001", "ADD_TO_CART");
  graph_.AddAccount(AccountWithRows("1001", kBerlin, {ad_set}));
  // rungd already holds the ad set on ViewContent for the last 12 weeks.
  std::string csv =
      "account_id,campaign_id,ad_set_id,week_start,optimization_event,spend_micros,"
      "count.AddToCart\n";
  for (int back = 11; back >= 0; --back) {
    absl::StrAppend(&csv, "act_1001,120,1001001,", last.Plus(-back).ToString(),
                    ",ViewContent,1000000,85\n");
  }
  const std::string file = dir_.File("history.csv");
  std::ofstream(file) << csv;
  ASSERT_EQ(Run({"ingest", file}).exit_code, 0);
  // Meta now says AddToCart, changed (a significant edit) in the week before last.
  graph_.EditAccount("1001", [&](FakeAccount& account) {
    account.ad_sets[0].learning_status = "LEARNING";  // learning_stage_info carries the edit
    account.ad_sets[0].last_sig_edit_ts = absl::ToUnixSeconds(
        absl::FromCivil(absl::CivilSecond(last.Previous().monday() + 1), absl::UTCTimeZone()));
  });
  ASSERT_EQ(Sync({"act_1001"}, {"--since", last.Plus(-5).ToString()}).exit_code, 0);
  const json weeks = History("1001001");
  ASSERT_EQ(weeks.size(), 12u);
  for (const json& week : weeks) {
    const bool after_change = week["weekStart"] >= last.Previous().ToString();
    EXPECT_EQ(week["optimizationEvent"], after_change ? "AddToCart" : "ViewContent") << week;
  }
}

TEST_F(RungctlSyncTest, ARowThatMetaRepeatsIsStoredOnceWithItsLaterValues) {
  const Week last = LastCompleteWeekIn(kBerlin);
  FakeAccount account = AccountWithRows("1001", kBerlin, {AdSet("1001001", "ADD_TO_CART")});
  account.rows.push_back(Row("1001001", last, 70, 9));
  graph_.AddAccount(account);
  const json report = AccountReport(ParseJson(Sync({"act_1001"})), "act_1001");
  EXPECT_EQ(report["inserted"], 12);
  EXPECT_EQ(History("1001001").back()["eventCounts"]["AddToCart"], "70");
}

}  // namespace
}  // namespace rung
