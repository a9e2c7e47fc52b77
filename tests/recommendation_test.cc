#include "rung/recommendation.h"

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "rung/week.h"

namespace rung {
namespace {

// The API's names without their enum prefixes (spec/api.md).
const std::vector<std::pair<Action, std::string>> kActions = {
    {Action::kInsufficientData, "INSUFFICIENT_DATA"},
    {Action::kReviewSetup, "REVIEW_SETUP"},
    {Action::kStabilize, "STABILIZE"},
    {Action::kHold, "HOLD"},
    {Action::kMoveDown, "MOVE_DOWN"},
    {Action::kDuplicateAndClimb, "DUPLICATE_AND_CLIMB"},
    {Action::kContinueTest, "CONTINUE_TEST"},
    {Action::kPromoteDuplicate, "PROMOTE_DUPLICATE"},
    {Action::kKeepCurrent, "KEEP_CURRENT"},
    {Action::kAtTop, "AT_TOP"},
    {Action::kConsolidate, "CONSOLIDATE"},
};

const std::vector<std::pair<Flag, std::string>> kFlags = {
    {Flag::kShortHistory, "SHORT_HISTORY"},
    {Flag::kDataGap, "DATA_GAP"},
    {Flag::kNearExit, "NEAR_EXIT"},
    {Flag::kUnstableDelivery, "UNSTABLE_DELIVERY"},
    {Flag::kCheckoutFriction, "CHECKOUT_FRICTION"},
    {Flag::kNoisySignal, "NOISY_SIGNAL"},
    {Flag::kFunnelInversion, "FUNNEL_INVERSION"},
    {Flag::kLearningLimitedReported, "LEARNING_LIMITED_REPORTED"},
    {Flag::kMissingSpend, "MISSING_SPEND"},
    {Flag::kThresholdOverridden, "THRESHOLD_OVERRIDDEN"},
};

TEST(ActionNameTest, EveryActionHasItsApiName) {
  ASSERT_EQ(kActions.size(), static_cast<size_t>(kActionCount));
  std::set<std::string> names;
  for (int i = 0; i < kActionCount; ++i) {
    const Action action = static_cast<Action>(i);
    const std::string name(ActionName(action));
    EXPECT_EQ(ActionFromName(name), std::optional<Action>(action)) << name;
    names.insert(name);
  }
  EXPECT_EQ(names.size(), static_cast<size_t>(kActionCount));
  for (const auto& [action, name] : kActions) {
    EXPECT_EQ(ActionName(action), name);
    EXPECT_EQ(ActionFromName(name), std::optional<Action>(action));
  }
}

TEST(FlagNameTest, EveryFlagHasItsApiName) {
  ASSERT_EQ(kFlags.size(), static_cast<size_t>(kFlagCount));
  std::set<std::string> names;
  for (int i = 0; i < kFlagCount; ++i) {
    const Flag flag = static_cast<Flag>(i);
    const std::string name(FlagName(flag));
    EXPECT_EQ(FlagFromName(name), std::optional<Flag>(flag)) << name;
    names.insert(name);
  }
  EXPECT_EQ(names.size(), static_cast<size_t>(kFlagCount));
  for (const auto& [flag, name] : kFlags) {
    EXPECT_EQ(FlagName(flag), name);
    EXPECT_EQ(FlagFromName(name), std::optional<Flag>(flag));
  }
}

TEST(LearningStatusNameTest, Names) {
  EXPECT_EQ(LearningStatusName(LearningStatus::kStuck), "STUCK");
  EXPECT_EQ(LearningStatusName(LearningStatus::kNearExit), "NEAR_EXIT");
  EXPECT_EQ(LearningStatusName(LearningStatus::kExited), "EXITED");
  EXPECT_EQ(LearningStatusName(LearningStatus::kWellOptimized), "WELL_OPTIMIZED");
}

TEST(NameLookupTest, UnknownNamesAreNullopt) {
  for (const char* name : {"", "move_down", "Move_Down", "ACTION_MOVE_DOWN", "MOVE_DOWN ",
                           "UNKNOWN", "ACTION_UNSPECIFIED", "NEAR_EXIT_HOLD"}) {
    EXPECT_EQ(ActionFromName(name), std::nullopt) << "'" << name << "'";
  }
  for (const char* name : {"", "near_exit", "FLAG_NEAR_EXIT", "NEAR_EXIT ", "UNKNOWN",
                           "FLAG_UNSPECIFIED", "MOVE_DOWN"}) {
    EXPECT_EQ(FlagFromName(name), std::nullopt) << "'" << name << "'";
  }
}

Recommendation Sample() {
  Recommendation rec;
  rec.account_id = "act_1";
  rec.ad_set_id = "as_1";
  rec.as_of_week = *Week::Parse("2026-09-07");
  rec.ladder = "ecommerce";
  rec.action = Action::kMoveDown;
  rec.current_event = "Purchase";
  rec.target_event = "AddToCart";
  rec.learning_status = LearningStatus::kStuck;
  rec.flags = {Flag::kShortHistory};
  rec.reasons = {{"move_down", "Purchase sustains 12/week"}, {"flag.short_history", "2 weeks"}};
  rec.latest_counts = {{"Purchase", 12}, {"AddToCart", 85}};
  rec.sustained_counts = {{"Purchase", 12}, {"AddToCart", 85}};
  rec.weeks_on_rung = 2;
  rec.next_review_week = rec.as_of_week.Next();
  rec.climb_test_id = "";
  rec.learning_threshold = 50;
  rec.learning_budget.spend_weeks = 3;
  rec.learning_budget.weekly_spend_micros = 93'000'000;
  rec.learning_budget.rungs = {{"AddToCart", 90, 3'100'000, 155'000'000}};
  rec.policy_version = "abc123";
  rec.evaluation_id = "ev_1";
  rec.evaluated_at = absl::FromUnixSeconds(1790000000);
  return rec;
}

TEST(SameAdviceTest, IgnoresWhichEvaluationAndWhen) {
  const Recommendation a = Sample();
  EXPECT_TRUE(SameAdvice(a, a));
  Recommendation b = Sample();
  b.evaluation_id = "ev_2";
  b.evaluated_at = absl::FromUnixSeconds(1790600000);
  EXPECT_TRUE(SameAdvice(a, b));
  EXPECT_TRUE(SameAdvice(b, a));
}

TEST(SameAdviceTest, ComparesEverythingTheRulesDecide) {
  const Recommendation base = Sample();
  const std::vector<std::pair<std::string, std::function<void(Recommendation&)>>> changes = {
      {"action", [](Recommendation& r) { r.action = Action::kConsolidate; }},
      {"target_event", [](Recommendation& r) { r.target_event = "ViewContent"; }},
      {"current_event", [](Recommendation& r) { r.current_event = "AddToCart"; }},
      {"learning_status", [](Recommendation& r) { r.learning_status = LearningStatus::kNearExit; }},
      {"learning_status absent", [](Recommendation& r) { r.learning_status.reset(); }},
      {"flags", [](Recommendation& r) { r.flags.insert(Flag::kDataGap); }},
      {"reason message", [](Recommendation& r) { r.reasons[0].message += "."; }},
      {"reason rule", [](Recommendation& r) { r.reasons[0].rule = "consolidate"; }},
      {"latest_counts", [](Recommendation& r) { r.latest_counts["Purchase"] = 13; }},
      {"sustained_counts", [](Recommendation& r) { r.sustained_counts["AddToCart"] = 84; }},
      {"weeks_on_rung", [](Recommendation& r) { r.weeks_on_rung = 3; }},
      {"next_review_week", [](Recommendation& r) { r.next_review_week.reset(); }},
      {"climb_test_id", [](Recommendation& r) { r.climb_test_id = "ct_1"; }},
      {"learning_threshold", [](Recommendation& r) { r.learning_threshold = 60; }},
      {"learning_budget spend",
       [](Recommendation& r) { r.learning_budget.weekly_spend_micros = 90'000'000; }},
      {"learning_budget rung cost",
       [](Recommendation& r) { r.learning_budget.rungs[0].cost_per_event_micros = 3'100'001; }},
      {"as_of_week", [](Recommendation& r) { r.as_of_week = r.as_of_week.Next(); }},
      {"ad_set_id", [](Recommendation& r) { r.ad_set_id = "as_2"; }},
      {"ladder", [](Recommendation& r) { r.ladder = "subscription"; }},
      {"policy_version", [](Recommendation& r) { r.policy_version = "def456"; }},
  };
  for (const auto& [field, change] : changes) {
    Recommendation changed = Sample();
    change(changed);
    EXPECT_FALSE(SameAdvice(base, changed)) << field;
    EXPECT_FALSE(SameAdvice(changed, base)) << field;
  }
}

TEST(RecommendationTest, HasFlag) {
  Recommendation rec;
  EXPECT_FALSE(rec.HasFlag(Flag::kNearExit));
  rec.flags.insert(Flag::kNearExit);
  EXPECT_TRUE(rec.HasFlag(Flag::kNearExit));
  EXPECT_FALSE(rec.HasFlag(Flag::kDataGap));
}

}  // namespace
}  // namespace rung
