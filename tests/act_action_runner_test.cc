// ActionRunner against the fake Graph API over real HTTP and an in-memory
// ledger in place of rungd: each action end to end, the pre-flight check,
// resumption after an answer lost or a run cut short, and no secret in any
// record. Waits go to a recording GraphEnv, so no test sleeps.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "act/action_runner.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "meta/ad_set_writer.h"
#include "meta/graph_client.h"
#include "support/fake_graph.h"

namespace rung::act {
namespace {

using ::testing::ElementsAre;
using testing::FakeAdSet;
using testing::FakeGraph;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr char kToken[] = "EAArunnerTOKEN456";
constexpr char kSecret[] = "runner-app-secret";
constexpr char kOriginal[] = "2001";
constexpr char kDuplicate[] = "2009";  // of a climb test that was judged
constexpr char kCampaign[] = "120";
const Week kWeek = Week::Parse("2026-11-30").value();
const Week kStart = Week::Parse("2026-12-07").value();

class RecordingEnv : public meta::GraphEnv {
 public:
  void SleepFor(absl::Duration) override {}
  double Jitter() override { return 0.5; }
};

// rungd's side, in memory, with rungd's refusal of secrets.
class MemoryLedger : public ActionLedger {
 public:
  absl::StatusOr<std::optional<ActionRecord>> Find(const std::string& account_id,
                                                   const std::string& ad_set_id,
                                                   const std::string& key) override {
    const auto it = records.find(key);
    if (it == records.end()) return std::nullopt;
    EXPECT_EQ(it->second.account_id, account_id);
    EXPECT_EQ(it->second.ad_set_id, ad_set_id);
    return it->second;
  }

  absl::StatusOr<ActionRecord> Record(const ActionRecord& record) override {
    ++record_calls;
    if (unreachable) return absl::UnavailableError("cannot reach rungd");
    for (const ActionStep& step : record.steps) {
      for (const auto& [name, value] : step.params) {
        if (name == "access_token" || name == "appsecret_proof") {
          return absl::InvalidArgumentError("a secret must never be recorded");
        }
      }
    }
    ActionRecord stored = record;
    const auto it = records.find(record.key);
    stored.action_id =
        it == records.end() ? absl::StrCat("ac_", records.size() + 1) : it->second.action_id;
    records[record.key] = stored;
    return stored;
  }

  absl::StatusOr<std::optional<ClimbTest>> RunningTestOf(const std::string&,
                                                         const std::string& ad_set_id) override {
    for (const ClimbTest& test : tests) {
      if (test.state == ClimbTestState::kRunning && test.Involves(ad_set_id)) return test;
    }
    return std::nullopt;
  }

  absl::StatusOr<ClimbTest> StartClimbTest(const std::string& original,
                                           const std::string& duplicate, Week start_week) override {
    for (const ClimbTest& test : tests) {
      if (test.state == ClimbTestState::kRunning &&
          (test.Involves(original) || test.Involves(duplicate))) {
        return absl::AbortedError("a running test involves the ad sets");
      }
    }
    ClimbTest test;
    test.climb_test_id = absl::StrCat("ct_", tests.size() + 1);
    test.original_ad_set_id = original;
    test.duplicate_ad_set_id = duplicate;
    test.start_week = start_week;
    tests.push_back(test);
    return test;
  }

  std::map<std::string, ActionRecord> records;
  std::vector<ClimbTest> tests;
  int record_calls = 0;
  // rungd gone: every Record fails.
  bool unreachable = false;
};

// O (AddToCart, 50.00 a day) with two active ads and a paused one, and D, the
// duplicate on InitiateCheckout of a judged test, in one campaign.
testing::FakeAccount Account(const std::string& id = "1001") {
  testing::FakeAccount account;
  account.id = id;
  FakeAdSet original;
  original.id = kOriginal;
  original.name = "Shoes DE";
  original.campaign_id = kCampaign;
  original.custom_event_type = "ADD_TO_CART";
  original.daily_budget = 5000;
  FakeAdSet duplicate = original;
  duplicate.id = kDuplicate;
  duplicate.name = "Shoes DE checkout";
  duplicate.custom_event_type = "INITIATED_CHECKOUT";
  duplicate.daily_budget = 2500;
  account.ad_sets = {original, duplicate};
  account.ads = {{"3001", "Red shoes", "ACTIVE", kOriginal, ""},
                 {"3002", "Blue shoes", "PAUSED", kOriginal, ""},
                 {"3003", "Green shoes", "ACTIVE", kOriginal, ""}};
  return account;
}

Recommendation Advice(Action action, std::string current, std::string target) {
  Recommendation advice;
  advice.account_id = "act_1001";
  advice.ad_set_id = kOriginal;
  advice.as_of_week = kWeek;
  advice.action = action;
  advice.current_event = std::move(current);
  advice.target_event = std::move(target);
  return advice;
}

ClimbTest JudgedTest() {
  ClimbTest test;
  test.climb_test_id = "ct_judged";
  test.account_id = "act_1001";
  test.original_ad_set_id = kOriginal;
  test.duplicate_ad_set_id = kDuplicate;
  test.from_event = "AddToCart";
  test.to_event = "InitiateCheckout";
  test.start_week = kWeek.Plus(-2);
  test.state = ClimbTestState::kPromoted;
  return test;
}

ActionPlan Plan(Action action, std::string target = "") {
  PlanSettings settings;
  settings.start_week = kStart;
  const ClimbTest test = JudgedTest();
  const bool of_test = action == Action::kPromoteDuplicate || action == Action::kKeepCurrent;
  return PlanAction(Advice(action, "AddToCart", std::move(target)), of_test ? &test : nullptr,
                    settings);
}

ActionPlan Climb() { return Plan(Action::kDuplicateAndClimb, "InitiateCheckout"); }

// "METHOD path" of each recorded step.
std::vector<std::string> Calls(const ActionRecord& record) {
  std::vector<std::string> calls;
  for (const ActionStep& step : record.steps) calls.push_back(step.method + " " + step.path);
  return calls;
}

class ActionRunnerTest : public ::testing::Test {
 protected:
  explicit ActionRunnerTest(std::string app_secret = "")
      : graph_(kToken, app_secret),
        client_(transport_.get(), &env_, {kToken, app_secret}, Options(graph_)),
        writer_(&client_, "1001") {
    graph_.AddAccount(Account());
  }

  static meta::GraphOptions Options(const FakeGraph& graph) {
    meta::GraphOptions options;
    options.base_url = graph.base_url();
    return options;
  }

  ActionOutcome Run(const ActionPlan& plan, double budget_share = 1.0) {
    RunSettings settings;
    settings.budget_share = budget_share;
    settings.last_complete_week = kWeek;
    settings.clock = [] { return absl::FromUnixSeconds(1796000000); };
    return ActionRunner(writer_, ledger_, settings).Run(plan);
  }

  const ActionRecord& RecordOf(const ActionPlan& plan) { return ledger_.records[plan.key]; }

  // The ad set, as Meta holds it now.
  FakeAdSet AdSet(const std::string& id) {
    const std::optional<FakeAdSet> ad_set = graph_.FindAdSet(id);
    EXPECT_TRUE(ad_set.has_value()) << id;
    return ad_set.value_or(FakeAdSet());
  }

  std::vector<std::string> CopiedFrom(const std::string& ad_set_id) {
    std::vector<std::string> sources;
    for (const testing::FakeAd& ad : graph_.AdsOf(ad_set_id)) sources.push_back(ad.source_ad_id);
    return sources;
  }

  FakeGraph graph_;
  RecordingEnv env_;
  // After the fake, so that its kept-alive connection closes first.
  std::unique_ptr<meta::HttpTransport> transport_ = meta::NewCurlTransport(meta::CurlOptions());
  meta::GraphClient client_;
  meta::AdSetWriter writer_;
  MemoryLedger ledger_;
};

// --- Each action ---------------------------------------------------------------

TEST_F(ActionRunnerTest, DuplicateAndClimbMakesAPausedDuplicateFillsStartsAndTestsIt) {
  const ActionPlan plan = Climb();
  const ActionOutcome outcome = Run(plan);
  ASSERT_EQ(outcome.state, ActionState::kDone) << outcome.message;
  const ActionRecord& record = RecordOf(plan);
  const std::string duplicate = record.duplicate_ad_set_id;
  ASSERT_FALSE(duplicate.empty());
  EXPECT_THAT(outcome.message, HasSubstr(duplicate));
  EXPECT_EQ(record.state, ActionState::kDone);
  EXPECT_THAT(Calls(record),
              ElementsAre("POST act_1001/adsets", "POST 3001/copies", "POST 3003/copies",
                          "POST " + duplicate, "RUNGD StartClimbTest"));
  // Created paused, started only once filled.
  const std::map<std::string, std::string> create(record.steps[0].params.begin(),
                                                  record.steps[0].params.end());
  EXPECT_EQ(create.at("status"), "PAUSED");
  EXPECT_EQ(create.at("name"), "Shoes DE" + DuplicateNameSuffix("InitiateCheckout", plan.key));
  const FakeAdSet made = AdSet(duplicate);
  EXPECT_EQ(made.custom_event_type, "INITIATED_CHECKOUT");
  EXPECT_EQ(made.status, "ACTIVE");
  EXPECT_EQ(made.daily_budget, 5000);
  EXPECT_EQ(made.campaign_id, kCampaign);
  EXPECT_THAT(CopiedFrom(duplicate), ElementsAre("3001", "3003"));
  EXPECT_EQ(AdSet(kOriginal).status, "ACTIVE");
  ASSERT_EQ(ledger_.tests.size(), 1u);
  EXPECT_EQ(ledger_.tests[0].original_ad_set_id, kOriginal);
  EXPECT_EQ(ledger_.tests[0].duplicate_ad_set_id, duplicate);
  EXPECT_EQ(ledger_.tests[0].start_week, kStart);
  EXPECT_EQ(record.steps.back().result_id, "ct_1");
}

TEST_F(ActionRunnerTest, MoveDownSwitchesToANewAdSetPausesTheOriginalAndStartsNoTest) {
  const ActionPlan plan = Plan(Action::kMoveDown, "ViewContent");
  const ActionOutcome outcome = Run(plan, /*budget_share=*/0.5);
  ASSERT_EQ(outcome.state, ActionState::kDone) << outcome.message;
  const std::string duplicate = RecordOf(plan).duplicate_ad_set_id;
  EXPECT_THAT(Calls(RecordOf(plan)),
              ElementsAre("POST act_1001/adsets", "POST 3001/copies", "POST 3003/copies",
                          "POST " + duplicate, "POST 2001"));
  EXPECT_EQ(AdSet(duplicate).custom_event_type, "CONTENT_VIEW");
  EXPECT_EQ(AdSet(duplicate).status, "ACTIVE");
  EXPECT_EQ(AdSet(duplicate).daily_budget, 2500);
  EXPECT_EQ(AdSet(kOriginal).status, "PAUSED");
  EXPECT_THAT(ledger_.tests, IsEmpty());
}

TEST_F(ActionRunnerTest, PromoteDuplicateMovesTheBudgetAndPausesTheOriginal) {
  const ActionPlan plan = Plan(Action::kPromoteDuplicate);
  const ActionOutcome outcome = Run(plan);
  ASSERT_EQ(outcome.state, ActionState::kDone) << outcome.message;
  EXPECT_EQ(AdSet(kDuplicate).daily_budget, 7500);
  EXPECT_EQ(AdSet(kOriginal).status, "PAUSED");
  EXPECT_EQ(AdSet(kDuplicate).status, "ACTIVE");
  EXPECT_EQ(graph_.write_count(), 2);
  EXPECT_EQ(RecordOf(plan).duplicate_ad_set_id, kDuplicate);
}

TEST_F(ActionRunnerTest, UnderACampaignBudgetPromoteMovesNoBudget) {
  graph_.EditAccount("1001", [](testing::FakeAccount& account) {
    for (FakeAdSet& ad_set : account.ad_sets) ad_set.daily_budget = 0;
  });
  const ActionOutcome outcome = Run(Plan(Action::kPromoteDuplicate));
  ASSERT_EQ(outcome.state, ActionState::kDone) << outcome.message;
  EXPECT_EQ(graph_.write_count(), 1);
  EXPECT_EQ(graph_.write_count(kOriginal), 1);
  EXPECT_EQ(AdSet(kOriginal).status, "PAUSED");
}

TEST_F(ActionRunnerTest, KeepCurrentPausesTheDuplicateOnly) {
  const ActionPlan plan = Plan(Action::kKeepCurrent);
  const ActionOutcome outcome = Run(plan);
  ASSERT_EQ(outcome.state, ActionState::kDone) << outcome.message;
  EXPECT_EQ(AdSet(kDuplicate).status, "PAUSED");
  EXPECT_EQ(AdSet(kOriginal).status, "ACTIVE");
  EXPECT_EQ(graph_.write_count(), 1);
  EXPECT_THAT(Calls(RecordOf(plan)), ElementsAre("POST 2009"));
}

// --- Pre-flight ------------------------------------------------------------------

TEST_F(ActionRunnerTest, APausedOriginalIsSkippedWithTheReasonAndNoWrite) {
  graph_.EditAccount("1001", [](testing::FakeAccount& account) {
    account.ad_sets[0].effective_status = "PAUSED";
  });
  const ActionPlan plan = Climb();
  const ActionOutcome outcome = Run(plan);
  EXPECT_EQ(outcome.state, ActionState::kSkipped);
  EXPECT_THAT(outcome.message, HasSubstr("ad set 2001 is PAUSED on Meta"));
  EXPECT_EQ(graph_.write_count(), 0);
  EXPECT_EQ(RecordOf(plan).state, ActionState::kSkipped);
  EXPECT_EQ(RecordOf(plan).outcome, outcome.message);
}

TEST_F(ActionRunnerTest, AnOriginalOnAnotherEventIsSkipped) {
  graph_.EditAccount("1001", [](testing::FakeAccount& account) {
    account.ad_sets[0].custom_event_type = "PURCHASE";
  });
  const ActionOutcome outcome = Run(Climb());
  EXPECT_EQ(outcome.state, ActionState::kSkipped);
  EXPECT_THAT(outcome.message, HasSubstr("optimizes for Purchase on Meta, not AddToCart"));
  EXPECT_EQ(graph_.write_count(), 0);
}

TEST_F(ActionRunnerTest, AdviceOlderThanTheLastCompleteWeekIsSkipped) {
  ActionPlan plan = Climb();
  plan.as_of_week = kWeek.Previous();
  const ActionOutcome outcome = Run(plan);
  EXPECT_EQ(outcome.state, ActionState::kSkipped);
  EXPECT_THAT(outcome.message, HasSubstr("older than the last complete week, 2026-11-30"));
  EXPECT_EQ(graph_.write_count(), 0);
}

TEST_F(ActionRunnerTest, AnOriginalInARunningTestIsSkipped) {
  ClimbTest running = JudgedTest();
  running.state = ClimbTestState::kRunning;
  ledger_.tests.push_back(running);
  const ActionOutcome outcome = Run(Climb());
  EXPECT_EQ(outcome.state, ActionState::kSkipped);
  EXPECT_THAT(outcome.message, HasSubstr("climb test ct_judged is running on ad set 2001"));
  EXPECT_EQ(graph_.write_count(), 0);
}

// --- Resuming ----------------------------------------------------------------------

TEST_F(ActionRunnerTest, ASecondRunDoesNothing) {
  const ActionPlan plan = Climb();
  ASSERT_EQ(Run(plan).state, ActionState::kDone);
  const int requests = graph_.request_count();
  const int records = ledger_.record_calls;
  const ActionOutcome again = Run(plan);
  EXPECT_EQ(again.state, ActionState::kDone);
  EXPECT_TRUE(again.already_done);
  EXPECT_EQ(graph_.request_count(), requests);
  EXPECT_EQ(ledger_.record_calls, records);
  EXPECT_EQ(ledger_.tests.size(), 1u);
}

TEST_F(ActionRunnerTest, ALostCreateAnswerIsResumedIntoTheSameDuplicateFoundByName) {
  const ActionPlan plan = Climb();
  graph_.LoseNextAnswer("act_1001/adsets", FakeGraph::ServerError());
  const ActionOutcome first = Run(plan);
  EXPECT_EQ(first.state, ActionState::kFailed);
  EXPECT_THAT(first.message, HasSubstr("act_1001/adsets"));
  EXPECT_EQ(RecordOf(plan).state, ActionState::kFailed);
  EXPECT_EQ(RecordOf(plan).duplicate_ad_set_id, "");

  const ActionOutcome second = Run(plan);
  ASSERT_EQ(second.state, ActionState::kDone) << second.message;
  EXPECT_EQ(graph_.write_count("act_1001/adsets"), 1) << "never a second ad set";
  const ActionRecord& record = RecordOf(plan);
  ASSERT_FALSE(record.duplicate_ad_set_id.empty());
  EXPECT_THAT(
      Calls(record),
      ElementsAre("POST act_1001/adsets", "GET 120/adsets", "POST 3001/copies", "POST 3003/copies",
                  "POST " + record.duplicate_ad_set_id, "RUNGD StartClimbTest"));
  EXPECT_EQ(record.steps[1].result_id, record.duplicate_ad_set_id);
  EXPECT_THAT(CopiedFrom(record.duplicate_ad_set_id), ElementsAre("3001", "3003"));
}

TEST_F(ActionRunnerTest, ARunThatDiedBeforeRecordingTheCreateFindsTheDuplicateByName) {
  const ActionPlan plan = Climb();
  ledger_.unreachable = true;
  const ActionOutcome first = Run(plan);
  EXPECT_EQ(first.state, ActionState::kFailed);
  EXPECT_THAT(first.message, HasSubstr("cannot record the action in rungd"));
  EXPECT_EQ(graph_.write_count(), 1) << "stopped after the create it could not record";
  EXPECT_TRUE(ledger_.records.empty());

  ledger_.unreachable = false;
  const ActionOutcome second = Run(plan);
  ASSERT_EQ(second.state, ActionState::kDone) << second.message;
  EXPECT_EQ(graph_.write_count("act_1001/adsets"), 1);
  EXPECT_EQ(graph_.AdsOf(RecordOf(plan).duplicate_ad_set_id).size(), 2u);
}

TEST_F(ActionRunnerTest, AStopBetweenCopiesCopiesOnlyTheRest) {
  const ActionPlan plan = Climb();
  // The first copy made, its answer lost; the second not made.
  graph_.LoseNextAnswer("3001/copies", FakeGraph::ServerError());
  const ActionOutcome first = Run(plan);
  EXPECT_EQ(first.state, ActionState::kFailed);
  EXPECT_THAT(first.message, HasSubstr("3001/copies"));
  const std::string duplicate = RecordOf(plan).duplicate_ad_set_id;
  ASSERT_FALSE(duplicate.empty());
  EXPECT_THAT(CopiedFrom(duplicate), ElementsAre("3001"));
  EXPECT_EQ(AdSet(duplicate).status, "PAUSED");

  const ActionOutcome second = Run(plan);
  ASSERT_EQ(second.state, ActionState::kDone) << second.message;
  EXPECT_EQ(graph_.write_count("3001/copies"), 1);
  EXPECT_EQ(graph_.write_count("3003/copies"), 1);
  EXPECT_EQ(graph_.write_count("act_1001/adsets"), 1);
  EXPECT_THAT(CopiedFrom(duplicate), ElementsAre("3001", "3003"));
  EXPECT_EQ(AdSet(duplicate).status, "ACTIVE");
}

TEST_F(ActionRunnerTest, AResumedPromoteSendsTheRecordedBudgetNotASecondSum) {
  const ActionPlan plan = Plan(Action::kPromoteDuplicate);
  // A run sent D's new budget and died before its answer was recorded.
  ActionRecord cut;
  cut.key = plan.key;
  cut.account_id = plan.account_id;
  cut.ad_set_id = kOriginal;
  cut.duplicate_ad_set_id = kDuplicate;
  cut.as_of_week = kWeek;
  cut.action = plan.action;
  ActionStep intent;
  intent.method = "POST";
  intent.path = kDuplicate;
  intent.params = {{"daily_budget", "7500"}};
  intent.error = "sent; no answer recorded yet";
  cut.steps.push_back(intent);
  ledger_.records[plan.key] = cut;
  graph_.EditAccount("1001",
                     [](testing::FakeAccount& account) { account.ad_sets[1].daily_budget = 7500; });

  const ActionOutcome outcome = Run(plan);
  ASSERT_EQ(outcome.state, ActionState::kDone) << outcome.message;
  EXPECT_EQ(AdSet(kDuplicate).daily_budget, 7500);
  EXPECT_EQ(AdSet(kOriginal).status, "PAUSED");
}

// --- Failures and secrets ------------------------------------------------------------

TEST_F(ActionRunnerTest, WithoutAdsManagementTheActionFailsNamingTheAccount) {
  graph_.DenyWrites("1001");
  const ActionPlan plan = Climb();
  const ActionOutcome outcome = Run(plan);
  EXPECT_EQ(outcome.state, ActionState::kFailed);
  EXPECT_THAT(outcome.message, HasSubstr("account act_1001"));
  EXPECT_THAT(outcome.message, HasSubstr("ads_management"));
  EXPECT_EQ(RecordOf(plan).state, ActionState::kFailed);
  EXPECT_EQ(RecordOf(plan).outcome, outcome.message);
  EXPECT_THAT(ledger_.tests, IsEmpty());
}

class SignedActionRunnerTest : public ActionRunnerTest {
 protected:
  SignedActionRunnerTest() : ActionRunnerTest(kSecret) {}
};

TEST_F(SignedActionRunnerTest, NoRecordOrMessageHoldsASecret) {
  const std::string proof = meta::AppSecretProof(kToken, kSecret);
  // Meta quoting the request back, as some errors do.
  graph_.FailNext("/copies", FakeGraph::Error(100, 0,
                                              absl::StrCat("bad ?access_token=", kToken,
                                                           "&appsecret_proof=", proof)));
  const ActionPlan climb = Climb();
  const ActionOutcome failed = Run(climb);
  EXPECT_EQ(failed.state, ActionState::kFailed);
  const ActionOutcome done = Run(climb);
  EXPECT_EQ(done.state, ActionState::kDone) << done.message;
  const ActionOutcome kept = Run(Plan(Action::kKeepCurrent));
  ASSERT_GT(graph_.write_count(), 4);
  std::vector<std::string> texts = {failed.message, done.message, kept.message};
  for (const auto& [key, record] : ledger_.records) {
    texts.push_back(record.outcome);
    for (const ActionStep& step : record.steps) {
      texts.push_back(step.error);
      for (const auto& [name, value] : step.params) texts.push_back(name + "=" + value);
    }
  }
  EXPECT_THAT(failed.message, HasSubstr("[redacted]"));
  for (const std::string& text : texts) {
    EXPECT_THAT(text, Not(HasSubstr(kToken)));
    EXPECT_THAT(text, Not(HasSubstr(kSecret)));
    EXPECT_THAT(text, Not(HasSubstr(proof)));
  }
}

}  // namespace
}  // namespace rung::act
