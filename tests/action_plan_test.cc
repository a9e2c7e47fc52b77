// PlanAction: the calls that carry out each stored action on Meta, as
// acting-on-meta.md lists them.

#include "rung/action_plan.h"

#include <map>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rung/events.h"

namespace rung {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;

const Week kWeek = Week::Parse("2026-11-30").value();
const Week kStart = Week::Parse("2026-12-07").value();

Recommendation Advice(Action action, std::string current, std::string target = "") {
  Recommendation r;
  r.account_id = "act_1001";
  r.ad_set_id = "as_1";
  r.as_of_week = kWeek;
  r.action = action;
  r.current_event = std::move(current);
  r.target_event = std::move(target);
  return r;
}

ClimbTest RunningTest() {
  ClimbTest test;
  test.climb_test_id = "ct_1";
  test.account_id = "act_1001";
  test.original_ad_set_id = "as_1";
  test.duplicate_ad_set_id = "as_1_dup";
  test.from_event = "AddToCart";
  test.to_event = "InitiateCheckout";
  test.start_week = kWeek.Plus(-1);
  return test;
}

PlanSettings Settings(double share = 1.0) {
  PlanSettings settings;
  settings.budget_share = share;
  settings.start_week = kStart;
  return settings;
}

// "METHOD path" of each step.
std::vector<std::string> Calls(const ActionPlan& plan) {
  std::vector<std::string> calls;
  for (const PlannedStep& step : plan.steps) calls.push_back(step.method + " " + step.path);
  return calls;
}

std::map<std::string, std::string> Params(const PlannedStep& step) {
  return {step.params.begin(), step.params.end()};
}

TEST(PlanActionTest, DuplicateAndClimbCreatesFillsStartsAndRecordsATest) {
  const ActionPlan plan = PlanAction(
      Advice(Action::kDuplicateAndClimb, "AddToCart", "InitiateCheckout"), nullptr, Settings());

  EXPECT_EQ(plan.key, "as_1@2026-11-30@DUPLICATE_AND_CLIMB");
  EXPECT_THAT(Calls(plan), ElementsAre("GET as_1", "GET as_1/ads", "POST act_1001/adsets",
                                       "POST {ad}/copies", "POST {D}", "RUNGD StartClimbTest"));
  const std::map<std::string, std::string> create = Params(plan.steps[2]);
  EXPECT_EQ(create.at("status"), "PAUSED");
  EXPECT_EQ(create.at("optimization_goal"), "OFFSITE_CONVERSIONS");
  EXPECT_THAT(create.at("promoted_object"), HasSubstr("custom_event_type=INITIATED_CHECKOUT"));
  EXPECT_EQ(create.at("name"), "{O.name}" + DuplicateNameSuffix("InitiateCheckout", plan.key));
  EXPECT_THAT(create.at("name"), HasSubstr(plan.key));
  EXPECT_EQ(create.at("campaign_id"), "{O.campaign_id}");
  EXPECT_EQ(create.count("lifetime_budget"), 0u) << "a new ad set gets a share of the daily budget";
  EXPECT_THAT(Params(plan.steps[3]),
              ::testing::IsSupersetOf({Pair("adset_id", "{D}"), Pair("status_option", "ACTIVE")}));
  EXPECT_THAT(plan.steps[3].condition, HasSubstr("each active ad"));
  EXPECT_EQ(Params(plan.steps[4]).at("status"), "ACTIVE");
  EXPECT_THAT(Params(plan.steps[5]),
              ::testing::IsSupersetOf(
                  {Pair("original_ad_set_id", "as_1"), Pair("duplicate_ad_set_id", "{D}"),
                   Pair("to_event", "InitiateCheckout"), Pair("start_week", "2026-12-07")}));
}

TEST(PlanActionTest, TheReadOfTheOriginalIsThePreflightCheck) {
  const ActionPlan plan = PlanAction(
      Advice(Action::kDuplicateAndClimb, "AddToCart", "InitiateCheckout"), nullptr, Settings());

  const std::string fields = Params(plan.steps[0]).at("fields");
  for (const char* field : {"effective_status", "promoted_object", "optimization_goal",
                            "daily_budget", "targeting", "campaign_id"}) {
    EXPECT_THAT(fields, HasSubstr(field));
  }
  EXPECT_THAT(plan.steps[0].purpose, HasSubstr("optimizes for AddToCart"));
}

TEST(PlanActionTest, TheBudgetShareScalesTheNewDailyBudget) {
  const ActionPlan plan = PlanAction(Advice(Action::kDuplicateAndClimb, "AddToCart", "Purchase"),
                                     nullptr, Settings(0.5));

  EXPECT_THAT(Params(plan.steps[2]).at("daily_budget"), HasSubstr("{O.daily_budget} × 0.5"));
}

TEST(PlanActionTest, MoveDownIsASwitchThatPausesTheOriginalAndStartsNoTest) {
  const ActionPlan plan =
      PlanAction(Advice(Action::kMoveDown, "Purchase", "AddToCart"), nullptr, Settings());

  EXPECT_THAT(Calls(plan), ElementsAre("GET as_1", "GET as_1/ads", "POST act_1001/adsets",
                                       "POST {ad}/copies", "POST {D}", "POST as_1"));
  EXPECT_EQ(Params(plan.steps.back()).at("status"), "PAUSED");
  EXPECT_THAT(Params(plan.steps[2]).at("promoted_object"),
              HasSubstr("custom_event_type=ADD_TO_CART"));
}

TEST(PlanActionTest, PromoteMovesTheBudgetToTheDuplicateThenPausesTheOriginal) {
  const ClimbTest test = RunningTest();
  // The duplicate's advice carries the verdict too; the plan is the test's.
  Recommendation advice = Advice(Action::kPromoteDuplicate, "InitiateCheckout");
  advice.ad_set_id = "as_1_dup";
  advice.climb_test_id = "ct_1";

  const ActionPlan plan = PlanAction(advice, &test, Settings());

  EXPECT_EQ(plan.key, "as_1@2026-11-30@PROMOTE_DUPLICATE");
  EXPECT_EQ(plan.ad_set_id, "as_1");
  EXPECT_EQ(plan.duplicate_ad_set_id, "as_1_dup");
  EXPECT_THAT(Calls(plan), ElementsAre("GET as_1", "GET as_1_dup", "POST as_1_dup", "POST as_1"));
  EXPECT_EQ(Params(plan.steps[2]).at("daily_budget"), "{D.daily_budget} + {O.daily_budget}");
  EXPECT_THAT(plan.steps[2].condition, HasSubstr("campaign budget"));
  EXPECT_EQ(Params(plan.steps[3]).at("status"), "PAUSED");
}

TEST(PlanActionTest, KeepCurrentPausesTheDuplicate) {
  const ClimbTest test = RunningTest();
  Recommendation advice = Advice(Action::kKeepCurrent, "AddToCart");
  advice.climb_test_id = "ct_1";

  const ActionPlan plan = PlanAction(advice, &test, Settings());

  EXPECT_THAT(Calls(plan), ElementsAre("GET as_1_dup", "POST as_1_dup"));
  EXPECT_EQ(Params(plan.steps[1]).at("status"), "PAUSED");
}

TEST(PlanActionTest, AVerdictWithoutItsStoredTestDoesNothing) {
  Recommendation advice = Advice(Action::kKeepCurrent, "AddToCart");
  advice.climb_test_id = "ct_gone";

  const ActionPlan plan = PlanAction(advice, nullptr, Settings());

  EXPECT_THAT(plan.steps, IsEmpty());
  EXPECT_THAT(plan.summary, HasSubstr("ct_gone"));
}

TEST(PlanActionTest, AdviceThatActsNowhereHasNoStepsAndSaysSo) {
  for (const Action action :
       {Action::kInsufficientData, Action::kReviewSetup, Action::kStabilize, Action::kHold,
        Action::kContinueTest, Action::kAtTop, Action::kConsolidate}) {
    const ActionPlan plan = PlanAction(Advice(action, "Purchase"), nullptr, Settings());
    EXPECT_THAT(plan.steps, IsEmpty()) << ActionName(action);
    EXPECT_EQ(plan.summary, "nothing to do on Meta") << ActionName(action);
    EXPECT_FALSE(ActsOnMeta(action)) << ActionName(action);
  }
}

TEST(PlanActionTest, EachKindOfEventIsWrittenTheWayMetaReadsIt) {
  auto promoted = [](const std::string& event) {
    const ActionPlan plan =
        PlanAction(Advice(Action::kMoveDown, "Purchase", event), nullptr, Settings());
    return Params(plan.steps[2]);
  };
  EXPECT_THAT(promoted("InitiateCheckout").at("promoted_object"),
              HasSubstr("custom_event_type=INITIATED_CHECKOUT"));
  EXPECT_THAT(promoted("offsite_conversion.custom.123").at("promoted_object"),
              HasSubstr("custom_conversion_id=123"));
  EXPECT_THAT(promoted("form_start").at("promoted_object"),
              HasSubstr("custom_event_type=OTHER, custom_event_str=form_start"));
  EXPECT_EQ(promoted("PageView").at("optimization_goal"), "LANDING_PAGE_VIEWS");
  EXPECT_THAT(promoted("PageView").at("promoted_object"), HasSubstr("without its event"));
}

TEST(MetaOptimizationOfTest, IsTheReverseOfTheConnectorsTable) {
  for (const char* event : {"ViewContent", "AddToCart", "InitiateCheckout", "Purchase", "Lead"}) {
    const MetaOptimization optimization = MetaOptimizationOf(event);
    EXPECT_EQ(optimization.optimization_goal, "OFFSITE_CONVERSIONS") << event;
    EXPECT_EQ(EventOfCustomEventType(optimization.custom_event_type), event) << event;
  }
}

}  // namespace
}  // namespace rung
