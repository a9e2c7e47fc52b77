// The rules engine end to end: records ingested over gRPC into a real SQLite
// file, evaluated, and read back through the public API.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "daemon/config.h"
#include "daemon/server.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "rung/v1/advisor_service.grpc.pb.h"
#include "rung/week.h"
#include "support/daemon_fixture.h"
#include "support/spec_scenarios.h"

namespace rung {
namespace {

using google::protobuf::util::MessageDifferencer;

using ::testing::Contains;
using ::testing::DoubleNear;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::SizeIs;

using test_support::WeekAt;

// One record; `spend` in currency units, negative for none.
v1::AdSetWeek Record(const std::string& account, const std::string& ad_set, int week,
                     const std::string& event, const std::map<std::string, int64_t>& counts,
                     double spend = 100) {
  v1::AdSetWeek record;
  record.set_account_id(account);
  record.set_campaign_id("cmp_1");
  record.set_ad_set_id(ad_set);
  record.set_week_start(WeekAt(week));
  record.set_optimization_event(event);
  if (spend >= 0) record.set_spend_micros(static_cast<int64_t>(spend * 1e6));
  for (const auto& [name, count] : counts) (*record.mutable_event_counts())[name] = count;
  return record;
}

std::vector<std::string> FlagNames(const v1::Recommendation& rec) {
  std::vector<std::string> names;
  for (int flag : rec.flags()) {
    names.push_back(v1::Flag_Name(static_cast<v1::Flag>(flag)).substr(sizeof("FLAG_") - 1));
  }
  return names;
}

std::string ActionOf(const v1::Recommendation& rec) {
  return v1::Action_Name(rec.action()).substr(sizeof("ACTION_") - 1);
}

DaemonConfig ConfigFrom(const std::string& text) {
  auto parsed = ParseConfigText(text, /*json=*/false, "test config");
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  auto resolved = ResolveConfig(*parsed);
  EXPECT_TRUE(resolved.ok()) << resolved.status();
  return *resolved;
}

class RulesEngineServerTest : public test_support::DaemonFixture {
 protected:
  grpc::Status GetRecommendation(const std::string& ad_set, const std::string& week,
                                 v1::Recommendation* out) {
    v1::GetRecommendationRequest request;
    request.set_ad_set_id(ad_set);
    request.set_as_of_week(week);
    v1::GetRecommendationResponse response;
    grpc::ClientContext context;
    const grpc::Status status = stub_->GetRecommendation(&context, request, &response);
    *out = response.recommendation();
    return status;
  }

  v1::Recommendation MustGetRecommendation(const std::string& ad_set,
                                           const std::string& week = "") {
    v1::Recommendation rec;
    const grpc::Status status = GetRecommendation(ad_set, week, &rec);
    EXPECT_TRUE(status.ok()) << ad_set << ": " << status.error_message();
    return rec;
  }

  grpc::Status List(v1::ListRecommendationsRequest request,
                    v1::ListRecommendationsResponse* response) {
    grpc::ClientContext context;
    return stub_->ListRecommendations(&context, request, response);
  }

  grpc::Status StartTest(const std::string& original, const std::string& duplicate, int week,
                         v1::ClimbTest* out) {
    v1::StartClimbTestRequest request;
    request.set_original_ad_set_id(original);
    request.set_duplicate_ad_set_id(duplicate);
    request.set_start_week(WeekAt(week));
    v1::StartClimbTestResponse response;
    grpc::ClientContext context;
    const grpc::Status status = stub_->StartClimbTest(&context, request, &response);
    *out = response.climb_test();
    return status;
  }

  std::vector<v1::ClimbTest> Tests(v1::ClimbTestState state = v1::CLIMB_TEST_STATE_UNSPECIFIED) {
    v1::ListClimbTestsRequest request;
    request.set_state(state);
    v1::ListClimbTestsResponse response;
    grpc::ClientContext context;
    const grpc::Status status = stub_->ListClimbTests(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {response.climb_tests().begin(), response.climb_tests().end()};
  }

  v1::Policy Policy(const std::string& account) {
    v1::GetPolicyRequest request;
    request.set_account_id(account);
    v1::GetPolicyResponse response;
    grpc::ClientContext context;
    const grpc::Status status = stub_->GetPolicy(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.policy();
  }

  void IngestScenario(const test_support::SpecScenario& scenario, const std::string& account,
                      const std::string& ad_set) {
    std::vector<v1::AdSetWeek> records;
    for (size_t i = 0; i < scenario.weeks.size(); ++i) {
      records.push_back(Record(account, ad_set, static_cast<int>(i), scenario.weeks[i].event,
                               scenario.weeks[i].counts));
    }
    Ingest(records);
  }

  void IngestAllScenarios() {
    for (const auto& scenario : test_support::SpecScenarios()) {
      IngestScenario(scenario, "act_1", absl::StrCat("as_s", scenario.number));
    }
  }
};

TEST_F(RulesEngineServerTest, SpecScenariosEndToEnd) {
  IngestAllScenarios();
  const v1::EvaluateAdSetsResponse evaluation = MustEvaluate(WeekAt(2));
  EXPECT_EQ(evaluation.evaluated(), static_cast<int>(test_support::SpecScenarios().size()));
  EXPECT_EQ(evaluation.as_of_week(), WeekAt(2));
  EXPECT_THAT(evaluation.recommendations(), SizeIs(0));  // stored, not returned

  for (const auto& scenario : test_support::SpecScenarios()) {
    SCOPED_TRACE(absl::StrCat("spec scenario ", scenario.number));
    const v1::Recommendation rec = MustGetRecommendation(absl::StrCat("as_s", scenario.number));
    if (!scenario.action.empty()) {
      EXPECT_EQ(ActionOf(rec), scenario.action);
    }
    EXPECT_EQ(rec.target_event(), scenario.target);
    if (!scenario.learning_status.empty()) {
      EXPECT_EQ(v1::LearningStatus_Name(rec.learning_status()),
                "LEARNING_STATUS_" + scenario.learning_status);
    }
    for (const auto& flag : scenario.flags) EXPECT_THAT(FlagNames(rec), Contains(flag));
    for (const auto& flag : scenario.absent_flags) EXPECT_THAT(FlagNames(rec), Not(Contains(flag)));
    ASSERT_GT(rec.reasons_size(), 0);
    EXPECT_FALSE(rec.reasons(0).rule().empty());
    EXPECT_EQ(rec.evaluation_id(), evaluation.evaluation_id());
    EXPECT_EQ(rec.policy_version(), evaluation.policy_version());
    EXPECT_EQ(rec.as_of_week(), WeekAt(2));
  }
}

TEST_F(RulesEngineServerTest, ReasonsCarryTheNumbersThatDecided) {
  IngestAllScenarios();
  MustEvaluate(WeekAt(2));
  const v1::Recommendation rec = MustGetRecommendation("as_s1");
  ASSERT_GT(rec.reasons_size(), 0);
  EXPECT_EQ(rec.reasons(0).rule(), "move_down");
  EXPECT_THAT(rec.reasons(0).message(), HasSubstr("12"));  // Purchase's sustained volume
  EXPECT_THAT(rec.reasons(0).message(), HasSubstr("30"));  // the cutover
  EXPECT_THAT(rec.reasons(0).message(), HasSubstr("85"));  // AddToCart's
  EXPECT_THAT(rec.reasons(0).message(), HasSubstr("50"));  // T
  EXPECT_EQ(rec.sustained_counts().at("AddToCart"), 85);
  EXPECT_EQ(rec.latest_counts().at("PageView"), 1500);
  EXPECT_EQ(rec.weeks_on_rung(), 3);
  EXPECT_EQ(rec.next_review_week(), WeekAt(3));
  EXPECT_EQ(rec.learning_threshold(), 50);
}

TEST_F(RulesEngineServerTest, DryRunAnswersAndStoresNothing) {
  IngestAllScenarios();
  v1::EvaluateAdSetsResponse response;
  ASSERT_TRUE(Evaluate(WeekAt(2), &response, /*dry_run=*/true).ok());
  EXPECT_EQ(response.recommendations_size(), response.evaluated());
  EXPECT_GT(response.evaluated(), 0);
  v1::Recommendation rec;
  EXPECT_EQ(GetRecommendation("as_s1", "", &rec).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(RulesEngineServerTest, RerunReplacesAndUnchangedInputsGiveIdenticalAdvice) {
  IngestAllScenarios();
  const auto first = MustEvaluate(WeekAt(2));
  const v1::Recommendation before = MustGetRecommendation("as_s2", WeekAt(2));
  const auto second = MustEvaluate(WeekAt(2));
  EXPECT_NE(first.evaluation_id(), second.evaluation_id());
  EXPECT_EQ(first.policy_version(), second.policy_version());

  v1::ListRecommendationsRequest request;
  request.set_as_of_week(WeekAt(2));
  v1::ListRecommendationsResponse listed;
  ASSERT_TRUE(List(request, &listed).ok());
  EXPECT_EQ(listed.recommendations_size(), first.evaluated());  // replaced, not duplicated

  v1::Recommendation after = MustGetRecommendation("as_s2", WeekAt(2));
  EXPECT_EQ(after.evaluation_id(), second.evaluation_id());
  v1::Recommendation expected = before;
  expected.clear_evaluation_id();
  expected.clear_evaluated_at();
  after.clear_evaluation_id();
  after.clear_evaluated_at();
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(expected, after))
      << expected.DebugString() << "\nvs\n"
      << after.DebugString();
}

TEST_F(RulesEngineServerTest, EvaluationHistoryKeepsEachWeek) {
  IngestAllScenarios();
  MustEvaluate(WeekAt(1));
  MustEvaluate(WeekAt(2));
  // Scenario 3 moved to AddToCart only in the last week.
  EXPECT_EQ(MustGetRecommendation("as_s3", WeekAt(2)).current_event(), "AddToCart");
  EXPECT_EQ(MustGetRecommendation("as_s3", WeekAt(1)).current_event(), "ViewContent");
  EXPECT_EQ(MustGetRecommendation("as_s3").as_of_week(), WeekAt(2));  // the latest
}

// GetRecommendation keeps its answers (api/answer_cache.h) until the next
// stored evaluation, which must replace them at once.
TEST_F(RulesEngineServerTest, AKeptAnswerGivesWayToTheNextEvaluation) {
  IngestAllScenarios();
  MustEvaluate(WeekAt(1));
  const v1::Recommendation first = MustGetRecommendation("as_s3");
  EXPECT_EQ(first.as_of_week(), WeekAt(1));
  EXPECT_TRUE(MessageDifferencer::Equals(MustGetRecommendation("as_s3"), first));

  MustEvaluate(WeekAt(2));
  const v1::Recommendation latest = MustGetRecommendation("as_s3");
  EXPECT_EQ(latest.as_of_week(), WeekAt(2));
  EXPECT_EQ(latest.current_event(), "AddToCart");
  EXPECT_NE(latest.evaluation_id(), first.evaluation_id());
}

// The same calls with no answers kept: the cache is an option, not a crutch.
TEST_F(RulesEngineServerTest, AnswersAreRightWithoutTheCache) {
  DaemonConfig config;
  config.answer_cache_bytes = 0;
  StartDaemon(config);
  IngestAllScenarios();
  MustEvaluate(WeekAt(1));
  EXPECT_EQ(MustGetRecommendation("as_s3").as_of_week(), WeekAt(1));
  MustEvaluate(WeekAt(2));
  EXPECT_EQ(MustGetRecommendation("as_s3").as_of_week(), WeekAt(2));
}

TEST_F(RulesEngineServerTest, DefaultAsOfIsTheLastCompleteWeek) {
  IngestAllScenarios();
  v1::EvaluateAdSetsResponse response;
  ASSERT_TRUE(Evaluate("", &response, /*dry_run=*/true).ok());
  EXPECT_EQ(response.as_of_week(), Week::LastComplete(absl::Now()).ToString());
}

TEST_F(RulesEngineServerTest, BadEvaluationRequestsNameTheField) {
  v1::EvaluateAdSetsResponse response;
  grpc::Status status = Evaluate("2026-09-08", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("as_of_week"));
  EXPECT_THAT(status.error_message(), HasSubstr("2026-09-07"));

  const Week future = Week::LastComplete(absl::Now()).Plus(3);
  status = Evaluate(future.ToString(), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("as_of_week"));

  status = Evaluate(WeekAt(2), &response, false, "", {"as_unknown"});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("as_unknown"));
}

TEST_F(RulesEngineServerTest, EvaluatesOnlyTheChosenAdSetsOrAccount) {
  IngestAllScenarios();
  IngestScenario(test_support::SpecScenarios()[0], "act_2", "as_other_account");
  v1::EvaluateAdSetsResponse response;
  ASSERT_TRUE(Evaluate(WeekAt(2), &response, true, "act_2").ok());
  EXPECT_EQ(response.evaluated(), 1);
  ASSERT_EQ(response.recommendations_size(), 1);
  EXPECT_EQ(response.recommendations(0).ad_set_id(), "as_other_account");

  ASSERT_TRUE(Evaluate(WeekAt(2), &response, true, "", {"as_s5", "as_s9", "as_s5"}).ok());
  EXPECT_EQ(response.evaluated(), 2);
  ASSERT_EQ(response.action_counts_size(), 2);
}

TEST_F(RulesEngineServerTest, ActionCountsAddUpToEvaluated) {
  IngestAllScenarios();
  const auto response = MustEvaluate(WeekAt(2));
  int total = 0;
  std::map<std::string, int> counts;
  for (const auto& count : response.action_counts()) {
    total += count.count();
    counts[v1::Action_Name(count.action())] = count.count();
  }
  EXPECT_EQ(total, response.evaluated());
  EXPECT_EQ(counts["ACTION_DUPLICATE_AND_CLIMB"], 2);  // scenarios 2 and 4
  EXPECT_EQ(counts["ACTION_MOVE_DOWN"], 1);
}

TEST_F(RulesEngineServerTest, ListRecommendationsFiltersAndPages) {
  IngestAllScenarios();
  MustEvaluate(WeekAt(2));

  v1::ListRecommendationsRequest request;
  request.add_actions(v1::ACTION_DUPLICATE_AND_CLIMB);
  request.add_actions(v1::ACTION_MOVE_DOWN);
  v1::ListRecommendationsResponse response;
  ASSERT_TRUE(List(request, &response).ok());
  std::vector<std::string> ids;
  for (const auto& rec : response.recommendations()) ids.push_back(rec.ad_set_id());
  EXPECT_THAT(ids, ::testing::ElementsAre("as_s1", "as_s2", "as_s4"));

  request.Clear();
  request.add_flags(v1::FLAG_FUNNEL_INVERSION);
  ASSERT_TRUE(List(request, &response).ok());
  ASSERT_EQ(response.recommendations_size(), 1);
  EXPECT_EQ(response.recommendations(0).ad_set_id(), "as_s9");

  // Paging visits every recommendation once.
  request.Clear();
  request.set_page_size(3);
  std::vector<std::string> paged;
  do {
    response.Clear();
    ASSERT_TRUE(List(request, &response).ok());
    for (const auto& rec : response.recommendations()) paged.push_back(rec.ad_set_id());
    request.set_page_token(response.next_page_token());
  } while (!response.next_page_token().empty());
  EXPECT_THAT(paged, SizeIs(test_support::SpecScenarios().size()));

  // A token is bound to its filter.
  request.set_page_size(3);
  request.set_page_token("");
  ASSERT_TRUE(List(request, &response).ok());
  request.set_page_token(response.next_page_token());
  request.add_actions(v1::ACTION_HOLD);
  EXPECT_EQ(List(request, &response).error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  request.Clear();
  request.add_actions(v1::ACTION_UNSPECIFIED);
  const grpc::Status status = List(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("actions[0]"));
}

// --- Climb tests ------------------------------------------------------------------

// The original of spec scenarios 7 and 8: AddToCart, stable, ready to climb
// at week 2; the test runs weeks 3 and 4.
class ClimbTestLifecycleTest : public RulesEngineServerTest {
 protected:
  static std::map<std::string, int64_t> OriginalCounts(int64_t checkouts = 40) {
    return {{"AddToCart", 85}, {"InitiateCheckout", checkouts}, {"Purchase", 10}};
  }

  void IngestOriginalUntilReady() {
    std::vector<v1::AdSetWeek> weeks;
    for (int week = 0; week <= 2; ++week) {
      weeks.push_back(Record("act_1", "as_orig", week, "AddToCart", OriginalCounts()));
    }
    Ingest(weeks);
  }

  // Both sides over weeks 3 and 4: 500 spent each week per side.
  void IngestTestWeeks(int64_t duplicate_purchases_week3, int64_t duplicate_purchases_week4,
                       double duplicate_spend_week4 = 500) {
    Ingest({Record("act_1", "as_orig", 3, "AddToCart", OriginalCounts(), 500),
            Record("act_1", "as_orig", 4, "AddToCart", OriginalCounts(), 500),
            Record("act_1", "as_dup", 3, "InitiateCheckout",
                   {{"InitiateCheckout", 45}, {"Purchase", duplicate_purchases_week3}}, 500),
            Record("act_1", "as_dup", 4, "InitiateCheckout",
                   {{"InitiateCheckout", 45}, {"Purchase", duplicate_purchases_week4}},
                   duplicate_spend_week4)});
  }

  v1::ClimbTest MustStart() {
    v1::ClimbTest test;
    const grpc::Status status = StartTest("as_orig", "as_dup", 3, &test);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return test;
  }
};

TEST_F(ClimbTestLifecycleTest, StartChecksTheRungAndRefusesASecondTest) {
  IngestOriginalUntilReady();
  EXPECT_EQ(MustEvaluate(WeekAt(2)).action_counts(0).action(), v1::ACTION_DUPLICATE_AND_CLIMB);
  Ingest({Record("act_1", "as_dup", 3, "InitiateCheckout", {{"InitiateCheckout", 45}}),
          Record("act_1", "as_two_up", 3, "Purchase", {{"Purchase", 12}}),
          Record("act_1", "as_other", 3, "InitiateCheckout", {{"InitiateCheckout", 45}})});

  v1::ClimbTest test;
  grpc::Status status = StartTest("as_orig", "as_two_up", 3, &test);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("InitiateCheckout"));
  EXPECT_EQ(StartTest("as_missing", "as_dup", 3, &test).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(StartTest("as_orig", "as_orig", 3, &test).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  test = MustStart();
  EXPECT_EQ(test.state(), v1::CLIMB_TEST_STATE_RUNNING);
  EXPECT_EQ(test.from_event(), "AddToCart");
  EXPECT_EQ(test.to_event(), "InitiateCheckout");
  EXPECT_EQ(test.start_week(), WeekAt(3));
  EXPECT_EQ(test.account_id(), "act_1");

  EXPECT_EQ(StartTest("as_orig", "as_other", 3, &test).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  // The duplicate is taken too, in either role.
  Ingest({Record("act_1", "as_base", 3, "AddToCart", {{"AddToCart", 85}})});
  EXPECT_EQ(StartTest("as_base", "as_dup", 3, &test).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
}

// As `rungctl apply` does: the duplicate exists on Meta, but no week of it
// has been reported yet. Its first weeks are then judged as usual.
TEST_F(ClimbTestLifecycleTest, ADuplicateWithNoStoredWeekYetIsTakenAsTheRungAbove) {
  IngestOriginalUntilReady();

  v1::ClimbTest test;
  const grpc::Status status = StartTest("as_orig", "as_dup", 3, &test);

  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(test.account_id(), "act_1");
  EXPECT_EQ(test.to_event(), "InitiateCheckout");
  // Evaluated before the duplicate's first week arrives: the test waits.
  Ingest({Record("act_1", "as_orig", 3, "AddToCart", OriginalCounts(), 500)});
  MustEvaluate(WeekAt(3));
  EXPECT_EQ(ActionOf(MustGetRecommendation("as_orig", WeekAt(3))), "CONTINUE_TEST");
  IngestTestWeeks(10, 9);
  MustEvaluate(WeekAt(4));
  EXPECT_THAT(Tests(v1::CLIMB_TEST_STATE_PROMOTED), SizeIs(1));
}

TEST_F(ClimbTestLifecycleTest, ContinueThenPromote_SpecScenario7) {
  IngestOriginalUntilReady();
  IngestTestWeeks(10, 9);  // duplicate: 1000 spent, 19 purchases; original 1000, 20
  const v1::ClimbTest started = MustStart();

  MustEvaluate(WeekAt(3));
  for (const char* side : {"as_orig", "as_dup"}) {
    const v1::Recommendation rec = MustGetRecommendation(side, WeekAt(3));
    EXPECT_EQ(ActionOf(rec), "CONTINUE_TEST") << side;
    EXPECT_EQ(rec.climb_test_id(), started.climb_test_id());
    EXPECT_EQ(rec.next_review_week(), WeekAt(4));
  }
  EXPECT_THAT(Tests(v1::CLIMB_TEST_STATE_RUNNING), SizeIs(1));

  MustEvaluate(WeekAt(4));
  for (const char* side : {"as_orig", "as_dup"}) {
    const v1::Recommendation rec = MustGetRecommendation(side, WeekAt(4));
    EXPECT_EQ(ActionOf(rec), "PROMOTE_DUPLICATE") << side;
    EXPECT_EQ(rec.target_event(), "InitiateCheckout");
  }
  const auto promoted = Tests(v1::CLIMB_TEST_STATE_PROMOTED);
  ASSERT_THAT(promoted, SizeIs(1));
  EXPECT_EQ(promoted[0].concluded_week(), WeekAt(4));
  EXPECT_THAT(promoted[0].original_cost_per_macro(), DoubleNear(50.0, 1e-9));
  EXPECT_THAT(promoted[0].duplicate_cost_per_macro(), DoubleNear(1000.0 / 19, 1e-9));

  // Judging the same week again judges the same way and keeps one test.
  MustEvaluate(WeekAt(4));
  EXPECT_THAT(Tests(v1::CLIMB_TEST_STATE_PROMOTED), SizeIs(1));
}

TEST_F(ClimbTestLifecycleTest, KeepCurrentThenRetestGate_SpecScenario8) {
  IngestOriginalUntilReady();
  IngestTestWeeks(8, 7);  // 15 purchases: 66.67 per purchase > 50 × 1.1
  MustStart();
  MustEvaluate(WeekAt(4));
  EXPECT_EQ(ActionOf(MustGetRecommendation("as_orig", WeekAt(4))), "KEEP_CURRENT");
  const auto kept = Tests(v1::CLIMB_TEST_STATE_KEPT_CURRENT);
  ASSERT_THAT(kept, SizeIs(1));
  EXPECT_EQ(kept[0].retest_baseline(), 40);

  // The same volume of InitiateCheckout does not justify a second climb...
  Ingest({Record("act_1", "as_orig", 5, "AddToCart", OriginalCounts(40))});
  MustEvaluate(WeekAt(5));
  v1::Recommendation rec = MustGetRecommendation("as_orig", WeekAt(5));
  EXPECT_EQ(ActionOf(rec), "HOLD");
  EXPECT_EQ(rec.reasons(0).rule(), "hold_retest_baseline");

  // ... 20 % more, sustained over the window, does: 40 × 1.2 = 48.
  Ingest({Record("act_1", "as_orig", 6, "AddToCart", OriginalCounts(48)),
          Record("act_1", "as_orig", 7, "AddToCart", OriginalCounts(48)),
          Record("act_1", "as_orig", 8, "AddToCart", OriginalCounts(48))});
  MustEvaluate(WeekAt(7));
  EXPECT_EQ(ActionOf(MustGetRecommendation("as_orig", WeekAt(7))), "HOLD");  // min 40 still
  MustEvaluate(WeekAt(8));
  rec = MustGetRecommendation("as_orig", WeekAt(8));
  EXPECT_EQ(ActionOf(rec), "DUPLICATE_AND_CLIMB");
  EXPECT_EQ(rec.target_event(), "InitiateCheckout");
}

TEST_F(ClimbTestLifecycleTest, MissingSpendKeepsTheTestRunning) {
  IngestOriginalUntilReady();
  IngestTestWeeks(10, 9, /*duplicate_spend_week4=*/-1);
  MustStart();
  MustEvaluate(WeekAt(4));
  const v1::Recommendation rec = MustGetRecommendation("as_dup", WeekAt(4));
  EXPECT_EQ(ActionOf(rec), "CONTINUE_TEST");
  EXPECT_THAT(FlagNames(rec), Contains("MISSING_SPEND"));
  EXPECT_THAT(rec.reasons(0).message(), HasSubstr(WeekAt(4)));
  EXPECT_THAT(Tests(v1::CLIMB_TEST_STATE_RUNNING), SizeIs(1));

  // Once the spend arrives, a rerun of the week judges it.
  IngestTestWeeks(10, 9);
  MustEvaluate(WeekAt(4));
  EXPECT_THAT(Tests(v1::CLIMB_TEST_STATE_PROMOTED), SizeIs(1));
}

TEST_F(ClimbTestLifecycleTest, CancelEndsTheTestAndFreesTheAdSets) {
  IngestOriginalUntilReady();
  IngestTestWeeks(10, 9);
  const v1::ClimbTest started = MustStart();

  v1::CancelClimbTestRequest request;
  request.set_climb_test_id(started.climb_test_id());
  v1::CancelClimbTestResponse response;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub_->CancelClimbTest(&context, request, &response).ok());
  }
  EXPECT_EQ(response.climb_test().state(), v1::CLIMB_TEST_STATE_CANCELLED);
  EXPECT_FALSE(response.climb_test().concluded_week().empty());

  MustEvaluate(WeekAt(4));
  EXPECT_NE(ActionOf(MustGetRecommendation("as_orig", WeekAt(4))), "PROMOTE_DUPLICATE");
  EXPECT_THAT(Tests(v1::CLIMB_TEST_STATE_CANCELLED), SizeIs(1));
  MustStart();  // the ad sets are free again

  request.set_climb_test_id("ct_unknown");
  grpc::ClientContext context;
  EXPECT_EQ(stub_->CancelClimbTest(&context, request, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

// --- Policy -----------------------------------------------------------------------

TEST_F(RulesEngineServerTest, PolicyHasTheSpecDefaultsAndAStableVersion) {
  const v1::Policy policy = Policy("");
  EXPECT_EQ(policy.learning_threshold(), 50);
  EXPECT_EQ(policy.cutover_threshold(), 30);
  EXPECT_EQ(policy.consistency_weeks(), 3);
  EXPECT_DOUBLE_EQ(policy.comparable_tolerance(), 0.10);
  EXPECT_EQ(policy.default_ladder(), "ecommerce");
  EXPECT_EQ(policy.ladders_size(), 3);
  EXPECT_FALSE(policy.version().empty());
  EXPECT_EQ(Policy("").version(), policy.version());
  EXPECT_EQ(Policy("act_without_overrides").version(), policy.version());
}

TEST_F(RulesEngineServerTest, AccountOverridesChangeTheOutcomeAndTheVersion) {
  StartDaemon(ConfigFrom(R"pb(
    accounts {
      account_id: "act_big"
      policy { learning_threshold: 100 }
    }
  )pb"));
  const v1::Policy deployment = Policy("");
  const v1::Policy big = Policy("act_big");
  EXPECT_EQ(big.learning_threshold(), 100);
  EXPECT_EQ(big.account_id(), "act_big");
  EXPECT_NE(big.version(), deployment.version());

  const auto scenario2 = test_support::SpecScenarios()[1];
  IngestScenario(scenario2, "act_1", "as_default");
  IngestScenario(scenario2, "act_big", "as_big");
  MustEvaluate(WeekAt(2));
  const v1::Recommendation normal = MustGetRecommendation("as_default");
  const v1::Recommendation overridden = MustGetRecommendation("as_big");
  EXPECT_EQ(ActionOf(normal), "DUPLICATE_AND_CLIMB");
  EXPECT_EQ(ActionOf(overridden), "HOLD");  // 84 < T = 100, but ≥ the cutover
  EXPECT_THAT(FlagNames(overridden), Contains("NEAR_EXIT"));
  EXPECT_EQ(normal.policy_version(), deployment.version());
  EXPECT_EQ(overridden.policy_version(), big.version());
}

}  // namespace
}  // namespace rung
