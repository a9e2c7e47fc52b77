// The rules engine, case by case, from the ladder policy (spec/ladder-policy.md):
// the worked scenarios, then every rule branch and every flag at its
// boundaries. Week offsets count from test_support::kWeek0.

#include "rung/decision.h"

#include <cmath>
#include <functional>
#include <limits>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rung/climb_test.h"
#include "rung/history.h"
#include "support/decision_builder.h"

namespace rung {
namespace {

using ::rung::test_support::BuildHistory;
using ::rung::test_support::Concat;
using ::rung::test_support::Counts;
using ::rung::test_support::DecideAt;
using ::rung::test_support::DecideSetup;
using ::rung::test_support::Describe;
using ::rung::test_support::FindReason;
using ::rung::test_support::FirstRule;
using ::rung::test_support::FlagRule;
using ::rung::test_support::kMicros;
using ::rung::test_support::MakeClimbTest;
using ::rung::test_support::Row;
using ::rung::test_support::RowAt;
using ::rung::test_support::Series;
using ::rung::test_support::Steady;
using ::rung::test_support::WeekAt;
using ::rung::test_support::Without;
using ::testing::HasSubstr;

constexpr char kPV[] = "PageView";
constexpr char kVC[] = "ViewContent";
constexpr char kATC[] = "AddToCart";
constexpr char kIC[] = "InitiateCheckout";
constexpr char kP[] = "Purchase";

const std::vector<Flag> kAllFlags = {Flag::kShortHistory,     Flag::kDataGap,
                                     Flag::kNearExit,         Flag::kUnstableDelivery,
                                     Flag::kCheckoutFriction, Flag::kNoisySignal,
                                     Flag::kFunnelInversion,  Flag::kLearningLimitedReported,
                                     Flag::kMissingSpend,     Flag::kThresholdOverridden};

// The five ecommerce rungs' counts, lowest first.
Counts Funnel(int64_t pv, int64_t vc, int64_t atc, int64_t ic, int64_t p) {
  return {{kPV, pv}, {kVC, vc}, {kATC, atc}, {kIC, ic}, {kP, p}};
}

Policy PolicyWith(const std::function<void(Policy&)>& change) {
  Policy policy;
  change(policy);
  return policy;
}

// Flags and their reasons agree: one "flag.<name>" reason per flag present,
// none for a flag absent.
void ExpectFlagReasonsMatchFlags(const Recommendation& rec) {
  for (Flag flag : kAllFlags) {
    const bool has_reason = FindReason(rec, FlagRule(flag)) != nullptr;
    EXPECT_EQ(has_reason, rec.HasFlag(flag))
        << FlagName(flag) << " flag and its reason " << FlagRule(flag) << " disagree\n"
        << Describe(rec);
  }
}

template <typename T>
std::string TestName(const testing::TestParamInfo<T>& info) {
  return info.param.test_name;
}

// ---------------------------------------------------------------------------
// The worked scenarios of the spec, one row each.

struct ScenarioCase {
  std::string test_name;
  std::vector<Row> rows;  // the evaluated ad set, as_1
  int as_of;
  Action action;
  std::string rule;
  std::string target;
  std::optional<LearningStatus> status;
  std::vector<Flag> must;
  std::vector<Flag> must_not;
  std::optional<int> weeks_on_rung = std::nullopt;
  // Scenarios 7 and 8: the duplicate as_2's rows, and the week the climb test
  // from AddToCart to InitiateCheckout started.
  std::vector<Row> duplicate_rows = {};
  std::optional<int> test_start = std::nullopt;
};

// Failure messages name the case, not its bytes.
void PrintTo(const ScenarioCase& c, std::ostream* os) { *os << c.test_name; }

// Scenarios 7 and 8: the original optimizes AddToCart, and spends 500 a week
// in the two test weeks (2 and 3) for 10 purchases a week: 1000 for 20.
std::vector<Row> ClimbOriginalRows() {
  std::vector<Row> rows =
      Series(0, kATC, {{kATC, {85, 86, 84, 85}}, {kIC, {44, 40, 42, 41}}, {kP, {10, 10, 10, 10}}});
  RowAt(rows, 2).spend_micros = 500 * kMicros;
  RowAt(rows, 3).spend_micros = 500 * kMicros;
  return rows;
}

// The duplicate optimizes InitiateCheckout in weeks 2 and 3, spending 500 a
// week, with the given purchases.
std::vector<Row> ClimbDuplicateRows(int64_t purchases_week2, int64_t purchases_week3) {
  std::vector<Row> rows =
      Series(2, kIC, {{kIC, {45, 46}}, {kP, {purchases_week2, purchases_week3}}});
  RowAt(rows, 2).spend_micros = 500 * kMicros;
  RowAt(rows, 3).spend_micros = 500 * kMicros;
  return rows;
}

std::vector<ScenarioCase> Scenarios() {
  const std::vector<Flag> quiet = {Flag::kShortHistory,
                                   Flag::kDataGap,
                                   Flag::kUnstableDelivery,
                                   Flag::kMissingSpend,
                                   Flag::kLearningLimitedReported,
                                   Flag::kThresholdOverridden};
  auto with = [](std::vector<Flag> a, const std::vector<Flag>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  };
  return {
      // 1. Purchase 12 a week: stuck; AddToCart is the highest rung at T.
      {"S1_StuckPurchaseMovesDownToAddToCart",
       Steady(0, 3, kP, Funnel(1500, 340, 85, 28, 12)),
       2,
       Action::kMoveDown,
       "move_down",
       kATC,
       LearningStatus::kStuck,
       {},
       with(quiet,
            {Flag::kCheckoutFriction, Flag::kNearExit, Flag::kNoisySignal, Flag::kFunnelInversion}),
       3},
      // 2. AddToCart exited and stable; InitiateCheckout sustains 39 >= 30.
      {"S2_StableAddToCartClimbsToInitiateCheckout",
       Series(0, kATC, {{kATC, {85, 88, 84}}, {kIC, {40, 41, 39}}}),
       2,
       Action::kDuplicateAndClimb,
       "climb",
       kIC,
       LearningStatus::kExited,
       {},
       with(quiet, {Flag::kNearExit, Flag::kNoisySignal, Flag::kFunnelInversion}),
       3},
      // 3. One week on AddToCart: let it stabilize.
      {"S3_OneWeekOnRungStabilizes",
       Concat(Steady(0, 2, kVC, {{kATC, 85}}), Steady(2, 1, kATC, {{kATC, 85}})),
       2,
       Action::kStabilize,
       "stabilize_min_weeks",
       "",
       LearningStatus::kExited,
       {},
       with(quiet, {Flag::kNearExit, Flag::kNoisySignal}),
       1},
      // 4. ViewContent at 340: climb one rung, never straight to Purchase.
      {"S4_ClimbsOneRungOnly",
       Steady(0, 3, kVC, {{kVC, 340}, {kATC, 85}, {kIC, 60}, {kP, 55}}),
       2,
       Action::kDuplicateAndClimb,
       "climb",
       kATC,
       LearningStatus::kWellOptimized,
       {},
       with(quiet,
            {Flag::kNearExit, Flag::kNoisySignal, Flag::kFunnelInversion, Flag::kCheckoutFriction}),
       3},
      // 5. Purchase at 40-42: near exit, hold.
      {"S5_NearExitHolds",
       Series(0, kP, {{kP, {40, 42, 41}}}),
       2,
       Action::kHold,
       "near_exit_hold",
       "",
       LearningStatus::kNearExit,
       {Flag::kNearExit},
       with(quiet, {Flag::kNoisySignal, Flag::kFunnelInversion}),
       3},
      // 6. 250 add-to-carts for 20 purchases: 12.5 > 10. The rung above,
      // InitiateCheckout, has no events, so the ad set holds.
      {"S6_CheckoutFriction",
       Steady(0, 3, kATC, {{kATC, 250}, {kP, 20}}),
       2,
       Action::kHold,
       "hold_next_rung_below_cutover",
       "",
       LearningStatus::kWellOptimized,
       {Flag::kCheckoutFriction},
       with(quiet, {Flag::kNearExit, Flag::kNoisySignal, Flag::kFunnelInversion}),
       3},
      // 7. 1000/19 = 52.6 <= 50 x 1.1: promote the duplicate.
      {"S7_ComparableDuplicateIsPromoted",
       ClimbOriginalRows(),
       3,
       Action::kPromoteDuplicate,
       "climb_test_promote",
       kIC,
       LearningStatus::kExited,
       {},
       with(quiet, {Flag::kNearExit, Flag::kNoisySignal}),
       std::nullopt,
       ClimbDuplicateRows(10, 9),
       2},
      // 8. 1000/15 = 66.7 > 55: keep the current rung.
      {"S8_CostlierDuplicateKeepsCurrent",
       ClimbOriginalRows(),
       3,
       Action::kKeepCurrent,
       "climb_test_keep",
       "",
       LearningStatus::kExited,
       {},
       with(quiet, {Flag::kNearExit, Flag::kNoisySignal}),
       std::nullopt,
       ClimbDuplicateRows(8, 7),
       2},
      // 9. Purchase 60 over AddToCart 45 (InitiateCheckout not reported).
      {"S9_FunnelInversion",
       Steady(0, 3, kP, {{kP, 60}, {kATC, 45}}),
       2,
       Action::kAtTop,
       "at_top",
       "",
       LearningStatus::kExited,
       {Flag::kFunnelInversion},
       with(quiet, {Flag::kNearExit, Flag::kNoisySignal, Flag::kCheckoutFriction}),
       3},
      // 10. Nothing at or below Purchase reaches 50 a week.
      {"S10_NothingReachesTConsolidates",
       Series(0, kP,
              {{kP, {8, 9, 7}},
               {kIC, {20, 22, 21}},
               {kATC, {35, 38, 36}},
               {kVC, {45, 47, 44}},
               {kPV, {49, 49, 49}}}),
       2,
       Action::kConsolidate,
       "consolidate",
       "",
       LearningStatus::kStuck,
       {},
       with(quiet,
            {Flag::kNearExit, Flag::kNoisySignal, Flag::kFunnelInversion, Flag::kCheckoutFriction}),
       3},
  };
}

class ScenarioTest : public testing::TestWithParam<ScenarioCase> {};

TEST_P(ScenarioTest, MatchesTheSpec) {
  const ScenarioCase& c = GetParam();
  const AdSetHistory original = BuildHistory(c.rows, "as_1");
  DecideSetup setup;
  ClimbTestContext context;
  if (c.test_start.has_value()) {
    context.test = MakeClimbTest(*c.test_start);
    context.original = original;
    context.duplicate = BuildHistory(c.duplicate_rows, "as_2");
    setup.climb_test = &context;
  }

  const Decision decision = DecideAt(original, c.as_of, setup);
  const Recommendation& rec = decision.recommendation;

  EXPECT_EQ(rec.action, c.action) << Describe(rec);
  EXPECT_EQ(FirstRule(rec), c.rule) << Describe(rec);
  EXPECT_EQ(rec.target_event, c.target) << Describe(rec);
  EXPECT_EQ(rec.learning_status, c.status) << Describe(rec);
  EXPECT_EQ(rec.learning_threshold, 50);
  for (Flag flag : c.must)
    EXPECT_TRUE(rec.HasFlag(flag)) << FlagName(flag) << "\n" << Describe(rec);
  for (Flag flag : c.must_not) {
    EXPECT_FALSE(rec.HasFlag(flag)) << FlagName(flag) << "\n" << Describe(rec);
  }
  if (c.weeks_on_rung.has_value()) {
    EXPECT_EQ(rec.weeks_on_rung, *c.weeks_on_rung);
  }
  ExpectFlagReasonsMatchFlags(rec);

  if (c.test_start.has_value()) {
    EXPECT_EQ(rec.climb_test_id, "ct_1");
    ASSERT_TRUE(decision.test_update.has_value()) << Describe(rec);
    EXPECT_EQ(decision.test_update->climb_test_id, "ct_1");
    // The duplicate, evaluated in the same week, reaches the same verdict.
    const Decision from_duplicate = DecideAt(context.duplicate, c.as_of, setup);
    EXPECT_EQ(from_duplicate.recommendation.action, c.action)
        << Describe(from_duplicate.recommendation);
    EXPECT_EQ(from_duplicate.recommendation.target_event, c.target);
    EXPECT_EQ(from_duplicate.recommendation.climb_test_id, "ct_1");
    ASSERT_TRUE(from_duplicate.test_update.has_value());
    EXPECT_EQ(from_duplicate.test_update->state, decision.test_update->state);
  } else {
    EXPECT_EQ(rec.climb_test_id, "");
    EXPECT_FALSE(decision.test_update.has_value());
  }
}

INSTANTIATE_TEST_SUITE_P(Spec, ScenarioTest, testing::ValuesIn(Scenarios()),
                         TestName<ScenarioCase>);

TEST(ScenarioFiguresTest, Scenario7CostsArePerMacroOverTheTestWeeks) {
  ClimbTestContext context{MakeClimbTest(2), BuildHistory(ClimbOriginalRows(), "as_1"),
                           BuildHistory(ClimbDuplicateRows(10, 9), "as_2")};
  DecideSetup setup;
  setup.climb_test = &context;
  const Decision decision = DecideAt(context.original, 3, setup);
  ASSERT_TRUE(decision.test_update.has_value()) << Describe(decision.recommendation);
  const TestUpdate& update = *decision.test_update;
  EXPECT_EQ(update.state, ClimbTestState::kPromoted);
  ASSERT_TRUE(update.original_cost_per_macro.has_value());
  ASSERT_TRUE(update.duplicate_cost_per_macro.has_value());
  EXPECT_DOUBLE_EQ(*update.original_cost_per_macro, 50.0);
  EXPECT_NEAR(*update.duplicate_cost_per_macro, 1000.0 / 19, 1e-9);
  EXPECT_FALSE(update.retest_baseline.has_value());
}

// Scenario 8, and what it means afterwards: the test is kept current with the
// original's sustained InitiateCheckout (min of 40, 42, 41 over weeks 1-3) as
// the baseline, and the next climb to InitiateCheckout waits until its
// sustained volume reaches 40 x 1.2 = 48.
TEST(ScenarioFiguresTest, Scenario8KeepsCurrentAndGatesTheNextClimb) {
  ClimbTestContext context{MakeClimbTest(2), BuildHistory(ClimbOriginalRows(), "as_1"),
                           BuildHistory(ClimbDuplicateRows(8, 7), "as_2")};
  DecideSetup judging;
  judging.climb_test = &context;
  const Decision judged = DecideAt(context.original, 3, judging);
  ASSERT_EQ(judged.recommendation.action, Action::kKeepCurrent) << Describe(judged.recommendation);
  ASSERT_TRUE(judged.test_update.has_value());
  const TestUpdate& update = *judged.test_update;
  EXPECT_EQ(update.state, ClimbTestState::kKeptCurrent);
  EXPECT_DOUBLE_EQ(*update.original_cost_per_macro, 50.0);
  EXPECT_NEAR(*update.duplicate_cost_per_macro, 1000.0 / 15, 1e-9);
  ASSERT_EQ(update.retest_baseline, std::optional<int64_t>(40));
  // The duplicate's side yields the same figures, baseline included.
  const Decision from_duplicate = DecideAt(context.duplicate, 3, judging);
  ASSERT_TRUE(from_duplicate.test_update.has_value());
  EXPECT_EQ(from_duplicate.test_update->state, ClimbTestState::kKeptCurrent);
  EXPECT_EQ(from_duplicate.test_update->retest_baseline, std::optional<int64_t>(40));

  // The stored evaluation closes the test with those figures.
  ClimbTest concluded = context.test;
  concluded.state = update.state;
  concluded.concluded_week = WeekAt(3);
  concluded.original_cost_per_macro = update.original_cost_per_macro;
  concluded.duplicate_cost_per_macro = update.duplicate_cost_per_macro;
  concluded.retest_baseline = update.retest_baseline;

  // Later weeks: AddToCart stays at 85, InitiateCheckout grows.
  std::vector<Row> rows = Concat(ClimbOriginalRows(), Series(4, kATC,
                                                             {{kATC, {85, 85, 85, 85, 85}},
                                                              {kIC, {47, 50, 52, 48, 60}},
                                                              {kP, {10, 10, 10, 10, 10}}}));
  const AdSetHistory later = BuildHistory(rows, "as_1");
  DecideSetup after;
  after.past_tests = {concluded};
  struct Expected {
    int week;
    int64_t sustained_ic;
    Action action;
    std::string rule;
  };
  for (const Expected& e : {Expected{4, 41, Action::kHold, "hold_retest_baseline"},
                            Expected{5, 41, Action::kHold, "hold_retest_baseline"},
                            Expected{6, 47, Action::kHold, "hold_retest_baseline"},
                            Expected{7, 48, Action::kDuplicateAndClimb, "climb"},
                            Expected{8, 48, Action::kDuplicateAndClimb, "climb"}}) {
    SCOPED_TRACE(testing::Message() << "week " << e.week);
    // The concluded test no longer governs later weeks.
    ASSERT_EQ(GoverningTest(after.past_tests, "as_1", WeekAt(e.week)), nullptr);
    const Recommendation rec = DecideAt(later, e.week, after).recommendation;
    EXPECT_EQ(rec.sustained_counts.at(kIC), e.sustained_ic) << Describe(rec);
    EXPECT_EQ(rec.action, e.action) << Describe(rec);
    EXPECT_EQ(FirstRule(rec), e.rule) << Describe(rec);
    if (e.action == Action::kDuplicateAndClimb) {
      EXPECT_EQ(rec.target_event, kIC);
    }
  }
}

// ---------------------------------------------------------------------------
// Rule branches and flags, table-driven.

struct RuleCase {
  std::string test_name;
  std::vector<Row> rows;
  int as_of = 0;
  Action action = Action::kInsufficientData;
  std::string rule;
  std::string target;
  std::vector<Flag> must;
  std::vector<Flag> must_not;
  Policy policy;
  std::vector<ClimbTest> past_tests;
  std::optional<int> next_review;  // a week offset
  std::optional<int> weeks_on_rung;
  Counts sustained;  // entries that must match
  std::optional<int> threshold;

  RuleCase Target(std::string event) const {
    RuleCase c = *this;
    c.target = std::move(event);
    return c;
  }
  RuleCase Must(std::vector<Flag> flags) const {
    RuleCase c = *this;
    c.must = std::move(flags);
    return c;
  }
  RuleCase MustNot(std::vector<Flag> flags) const {
    RuleCase c = *this;
    c.must_not = std::move(flags);
    return c;
  }
  RuleCase With(Policy p) const {
    RuleCase c = *this;
    c.policy = p;
    return c;
  }
  RuleCase Past(std::vector<ClimbTest> tests) const {
    RuleCase c = *this;
    c.past_tests = std::move(tests);
    return c;
  }
  RuleCase Review(int week) const {
    RuleCase c = *this;
    c.next_review = week;
    return c;
  }
  RuleCase OnRung(int weeks) const {
    RuleCase c = *this;
    c.weeks_on_rung = weeks;
    return c;
  }
  RuleCase Sustained(Counts counts) const {
    RuleCase c = *this;
    c.sustained = std::move(counts);
    return c;
  }
  RuleCase Threshold(int t) const {
    RuleCase c = *this;
    c.threshold = t;
    return c;
  }
};

// Failure messages name the case, not its bytes.
void PrintTo(const RuleCase& c, std::ostream* os) { *os << c.test_name; }

RuleCase Case(std::string name, std::vector<Row> rows, int as_of, Action action, std::string rule) {
  RuleCase c;
  c.test_name = std::move(name);
  c.rows = std::move(rows);
  c.as_of = as_of;
  c.action = action;
  c.rule = std::move(rule);
  return c;
}

class RuleTest : public testing::TestWithParam<RuleCase> {};

TEST_P(RuleTest, Decides) {
  const RuleCase& c = GetParam();
  const AdSetHistory history = BuildHistory(c.rows);
  DecideSetup setup;
  setup.policy = c.policy;
  setup.past_tests = c.past_tests;
  const Decision decision = DecideAt(history, c.as_of, setup);
  const Recommendation& rec = decision.recommendation;

  EXPECT_EQ(rec.action, c.action) << Describe(rec);
  EXPECT_EQ(FirstRule(rec), c.rule) << Describe(rec);
  EXPECT_EQ(rec.target_event, c.target) << Describe(rec);
  for (Flag flag : c.must)
    EXPECT_TRUE(rec.HasFlag(flag)) << FlagName(flag) << "\n" << Describe(rec);
  for (Flag flag : c.must_not) {
    EXPECT_FALSE(rec.HasFlag(flag)) << FlagName(flag) << "\n" << Describe(rec);
  }
  if (c.next_review.has_value()) {
    EXPECT_EQ(rec.next_review_week, std::optional<Week>(WeekAt(*c.next_review))) << Describe(rec);
  }
  if (c.weeks_on_rung.has_value()) {
    EXPECT_EQ(rec.weeks_on_rung, *c.weeks_on_rung);
  }
  for (const auto& [event, count] : c.sustained) {
    const auto it = rec.sustained_counts.find(event);
    ASSERT_NE(it, rec.sustained_counts.end()) << event << "\n" << Describe(rec);
    EXPECT_EQ(it->second, count) << event << "\n" << Describe(rec);
  }
  if (c.threshold.has_value()) {
    EXPECT_EQ(rec.learning_threshold, *c.threshold);
  }
  EXPECT_EQ(rec.as_of_week, WeekAt(c.as_of));
  EXPECT_FALSE(decision.test_update.has_value());
  ExpectFlagReasonsMatchFlags(rec);
}

// Rule 1: no record for W.
INSTANTIATE_TEST_SUITE_P(
    NoRecord, RuleTest,
    testing::Values(Case("GapAtW",
                         Concat(Steady(0, 2, kP, {{kP, 60}}), Steady(3, 1, kP, {{kP, 60}})), 2,
                         Action::kInsufficientData, "no_record")
                        .Review(3)
                        .Threshold(0),
                    Case("BeforeTheFirstRecord", Steady(2, 2, kP, {{kP, 60}}), 0,
                         Action::kInsufficientData, "no_record")
                        .Review(1),
                    Case("AfterTheLastRecord", Steady(0, 2, kP, {{kP, 60}}), 3,
                         Action::kInsufficientData, "no_record")
                        .Review(4),
                    Case("EmptyHistory", {}, 0, Action::kInsufficientData, "no_record")
                        .MustNot({Flag::kNearExit})),
    TestName<RuleCase>);

// Rule 2: the current event is not a rung of the ad set's ladder, or the
// ladder is unknown.
INSTANTIATE_TEST_SUITE_P(
    Setup, RuleTest,
    testing::Values(
        Case("LeadOnEcommerce", Steady(0, 3, "Lead", {{"Lead", 80}}), 2, Action::kReviewSetup,
             "not_a_rung")
            .MustNot({Flag::kNearExit}),
        Case("CustomEventOnEcommerce", Steady(0, 3, "scroll_75", {{"scroll_75", 40}}), 2,
             Action::kReviewSetup, "not_a_rung")
            .MustNot({Flag::kNearExit})
            .Sustained({{"scroll_75", 40}}),
        Case(
            "PurchaseOnLeadGeneration",
            [] {
              std::vector<Row> rows = Steady(0, 3, kP, {{kP, 60}});
              rows[0].ladder = "lead_generation";
              return rows;
            }(),
            2, Action::kReviewSetup, "not_a_rung"),
        Case(
            "UnknownLadder",
            [] {
              std::vector<Row> rows = Steady(0, 3, kP, {{kP, 60}});
              rows[0].ladder = "no_such_ladder";
              return rows;
            }(),
            2, Action::kReviewSetup, "not_a_rung"),
        Case(
            "LadderChangedAwayFromTheEvent",
            [] {
              std::vector<Row> rows = Steady(0, 3, kP, {{kP, 60}});
              rows[2].ladder = "subscription";
              return rows;
            }(),
            2, Action::kReviewSetup, "not_a_rung"),
        // The ladder named in week 0 still applies at week 2.
        Case(
            "InheritedLadderHasTheEvent",
            [] {
              std::vector<Row> rows = Steady(0, 3, "Lead", {{"Lead", 80}, {"form_start", 40}});
              rows[0].ladder = "lead_generation";
              return rows;
            }(),
            2, Action::kAtTop, "at_top")),
    TestName<RuleCase>);

// Rule 4: sustained volume of c below T.
INSTANTIATE_TEST_SUITE_P(
    Learning, RuleTest,
    testing::Values(
        Case("ExactlyCutoverHolds", Steady(0, 3, kP, Funnel(1500, 340, 200, 60, 30)), 2,
             Action::kHold, "near_exit_hold")
            .Must({Flag::kNearExit})
            .Review(3)
            .Sustained({{kP, 30}}),
        Case("JustBelowTHolds", Steady(0, 3, kP, Funnel(1500, 340, 200, 60, 49)), 2,
             Action::kHold, "near_exit_hold")
            .Must({Flag::kNearExit}),
        Case("JustBelowCutoverMovesDownToRungAtExactlyT",
             Steady(0, 3, kP, Funnel(1500, 340, 50, 40, 29)), 2, Action::kMoveDown, "move_down")
            .Target(kATC)
            .MustNot({Flag::kNearExit})
            .Review(3)
            .Sustained({{kP, 29}, {kATC, 50}}),
        Case("RungJustBelowTIsSkipped", Steady(0, 3, kP, Funnel(1500, 50, 49, 40, 29)), 2,
             Action::kMoveDown, "move_down")
            .Target(kVC),
        Case("HighestRungAtTWins", Steady(0, 3, kP, Funnel(1500, 340, 85, 60, 12)), 2,
             Action::kMoveDown, "move_down")
            .Target(kIC),
        Case("MovesDownToTheBottomRung", Steady(0, 3, kP, Funnel(50, 49, 30, 20, 10)), 2,
             Action::kMoveDown, "move_down")
            .Target(kPV)
            .Must({Flag::kNoisySignal}),
        Case("NoRungBelowAtTConsolidates", Steady(0, 3, kP, Funnel(49, 49, 49, 49, 29)), 2,
             Action::kConsolidate, "consolidate")
            .MustNot({Flag::kNearExit, Flag::kNoisySignal})
            .Review(3),
        // InitiateCheckout (above AddToCart) reaches T, but moving down never
        // goes up.
        Case("RungAboveIsNoTarget", Steady(0, 3, kATC, Funnel(45, 40, 20, 60, 55)), 2,
             Action::kConsolidate, "consolidate")
            .Must({Flag::kFunnelInversion}),
        Case("BottomRungBelowCutoverConsolidates", Steady(0, 3, kPV, {{kPV, 20}, {kVC, 5}}), 2,
             Action::kConsolidate, "consolidate")
            .Must({Flag::kNoisySignal}),
        Case("BottomRungNearExitHolds", Steady(0, 3, kPV, {{kPV, 35}, {kVC, 5}}), 2,
             Action::kHold, "near_exit_hold")
            .Must({Flag::kNearExit, Flag::kNoisySignal}),
        // The minimum over the window decides: one week at 29.
        Case("OneLowWeekDecides",
             Series(0, kP, {{kP, {60, 29, 60}}, {kATC, {85, 85, 85}}, {kVC, {300, 300, 300}}}),
             2, Action::kMoveDown, "move_down")
            .Target(kATC)
            .Sustained({{kP, 29}}),
        Case("TargetNeedsTInEveryWeek",
             Series(0, kP, {{kP, {20, 20, 20}}, {kATC, {85, 49, 85}}, {kVC, {60, 60, 60}}}), 2,
             Action::kMoveDown, "move_down")
            .Target(kVC)
            .Sustained({{kATC, 49}, {kVC, 60}}),
        // An event missing from a present record counts 0 that week.
        Case("AbsentEventCountsZero",
             [] {
               std::vector<Row> rows = Steady(0, 3, kP, {{kP, 20}, {kATC, 85}, {kVC, 60}});
               rows[1].counts.erase(kATC);
               return rows;
             }(),
             2, Action::kMoveDown, "move_down")
            .Target(kVC)
            .Sustained({{kATC, 0}}),
        Case("CustomCutover", Steady(0, 3, kP, Funnel(1500, 340, 85, 60, 44)), 2,
             Action::kMoveDown, "move_down")
            .Target(kIC)
            .With(PolicyWith([](Policy& p) { p.cutover_threshold = 45; }))
            .MustNot({Flag::kNearExit}),
        Case("CustomThreshold", Steady(0, 3, kP, Funnel(1500, 340, 85, 60, 55)), 2,
             Action::kMoveDown, "move_down")
            .Target(kATC)
            .With(PolicyWith([](Policy& p) {
              p.learning_threshold = 80;
              p.cutover_threshold = 56;
            }))
            .Threshold(80),
        // Meta's threshold of 100 replaces T = 50.
        Case("OverrideRaisesT",
             [] {
               std::vector<Row> rows = Steady(0, 3, kP, {{kP, 60}});
               rows[2].threshold_override = 100;
               return rows;
             }(),
             2, Action::kHold, "near_exit_hold")
            .Must({Flag::kNearExit, Flag::kThresholdOverridden})
            .Threshold(100),
        Case("OverrideRaisesTForTheTarget",
             [] {
               std::vector<Row> rows = Steady(0, 3, kP, Funnel(500, 120, 85, 40, 20));
               rows[2].threshold_override = 100;
               return rows;
             }(),
             2, Action::kMoveDown, "move_down")
            .Target(kVC)
            .Must({Flag::kThresholdOverridden})
            .Threshold(100),
        Case("OverrideLowersT",
             [] {
               std::vector<Row> rows = Steady(0, 3, kP, {{kP, 45}});
               rows[2].threshold_override = 40;
               return rows;
             }(),
             2, Action::kAtTop, "at_top")
            .Must({Flag::kThresholdOverridden})
            .MustNot({Flag::kNearExit})
            .Threshold(40),
        Case("OverrideOfAnEarlierWeekDoesNotApply",
             [] {
               std::vector<Row> rows = Steady(0, 3, kP, {{kP, 60}});
               rows[1].threshold_override = 100;
               return rows;
             }(),
             2, Action::kAtTop, "at_top")
            .MustNot({Flag::kThresholdOverridden, Flag::kNearExit})
            .Threshold(50),
        Case("OverrideEqualToThePolicyIsStillAnOverride",
             [] {
               std::vector<Row> rows = Steady(0, 3, kP, {{kP, 60}});
               rows[2].threshold_override = 50;
               return rows;
             }(),
             2, Action::kAtTop, "at_top")
            .Must({Flag::kThresholdOverridden})
            .Threshold(50)),
    TestName<RuleCase>);

RuleCase StableAddToCart(std::string name, std::vector<int64_t> atc, std::vector<int64_t> ic,
                         Action action, std::string rule) {
  return Case(std::move(name), Series(0, kATC, {{kATC, atc}, {kIC, ic}}),
              static_cast<int>(atc.size()) - 1, action, std::move(rule));
}

ClimbTest KeptTest(std::string to_event, int64_t baseline, int concluded) {
  ClimbTest test = MakeClimbTest(concluded - 1, ClimbTestState::kKeptCurrent, concluded);
  test.to_event = std::move(to_event);
  test.retest_baseline = baseline;
  return test;
}

// Rule 5: sustained volume of c at least T.
INSTANTIATE_TEST_SUITE_P(
    Exited, RuleTest,
    testing::Values(
        Case("ExactlyTIsExited", Steady(0, 3, kP, {{kP, 50}}), 2, Action::kAtTop, "at_top")
            .MustNot({Flag::kNearExit})
            .Review(3),
        Case("OneWeekOnRungStabilizes",
             Concat(Steady(0, 2, kATC, {{kP, 60}}), Steady(2, 1, kP, {{kP, 60}})), 2,
             Action::kStabilize, "stabilize_min_weeks")
            .OnRung(1)
            .Review(3),
        // Minimum 3 weeks: after 1, the next review is 2 weeks later.
        Case("StabilizeReviewsWhenTheMinimumIsReached",
             Concat(Steady(0, 2, kATC, {{kP, 60}}), Steady(2, 1, kP, {{kP, 60}})), 2,
             Action::kStabilize, "stabilize_min_weeks")
            .With(PolicyWith([](Policy& p) {
              p.stabilization_min_weeks = 3;
              p.stabilization_max_weeks = 4;
            }))
            .OnRung(1)
            .Review(4),
        Case("TwoOfThreeMinimumWeeks",
             Concat(Steady(0, 1, kATC, {{kP, 60}}), Steady(1, 2, kP, {{kP, 60}})), 2,
             Action::kStabilize, "stabilize_min_weeks")
            .With(PolicyWith([](Policy& p) {
              p.stabilization_min_weeks = 3;
              p.stabilization_max_weeks = 4;
            }))
            .OnRung(2)
            .Review(3),
        Case(
            "SignificantEditRestartsTheRun",
            [] {
              std::vector<Row> rows = Steady(0, 3, kP, {{kP, 60}});
              rows[2].significant_edit = true;
              return rows;
            }(),
            2, Action::kStabilize, "stabilize_min_weeks")
            .OnRung(1)
            .Review(3),
        Case(
            "SignificantEditLastWeekCountsAsTheFirst",
            [] {
              std::vector<Row> rows = Steady(0, 3, kP, {{kP, 60}});
              rows[1].significant_edit = true;
              return rows;
            }(),
            2, Action::kAtTop, "at_top")
            .OnRung(2),
        Case("MissingWeekRestartsTheRun",
             Concat(Steady(0, 2, kP, {{kP, 60}}), Steady(3, 1, kP, {{kP, 60}})), 3,
             Action::kStabilize, "stabilize_min_weeks")
            .Must({Flag::kDataGap})
            .OnRung(1),
        // 75 and 125: mean 100, population standard deviation 25, CV 0.25.
        Case("CvExactlyAtTheLimitIsStable",
             {Row{0, kVC, {{kATC, 100}, {kIC, 40}}}, Row{1, kATC, {{kATC, 75}, {kIC, 40}}},
              Row{2, kATC, {{kATC, 125}, {kIC, 40}}}},
             2, Action::kDuplicateAndClimb, "climb")
            .Target(kIC)
            .OnRung(2),
        // 74 and 126: CV 0.26.
        Case("CvJustAboveTheLimitStabilizes",
             {Row{0, kVC, {{kATC, 100}, {kIC, 40}}}, Row{1, kATC, {{kATC, 74}, {kIC, 40}}},
              Row{2, kATC, {{kATC, 126}, {kIC, 40}}}},
             2, Action::kStabilize, "stabilize_unstable")
            .MustNot({Flag::kUnstableDelivery})
            .OnRung(2)
            .Review(3),
        // Stability looks at the weeks on the rung only: 100, 100, not 300.
        Case("StabilityUsesOnlyWeeksOnTheRung",
             {Row{0, kVC, {{kATC, 300}, {kIC, 40}}}, Row{1, kATC, {{kATC, 100}, {kIC, 40}}},
              Row{2, kATC, {{kATC, 100}, {kIC, 40}}}},
             2, Action::kDuplicateAndClimb, "climb")
            .Target(kIC),
        // 60, 120, 60: CV 0.35 after 3 weeks.
        StableAddToCart("UnstableAfterMaxWeeksHolds", {60, 120, 60}, {40, 40, 40}, Action::kHold,
                        "hold_unstable")
            .Must({Flag::kUnstableDelivery})
            .MustNot({Flag::kNearExit})
            .Review(3),
        // 5 weeks on the rung; only the last 3 (100 each) are judged.
        StableAddToCart("StabilityUsesTheLastMaxWeeks", {300, 60, 100, 100, 100},
                        {40, 40, 40, 40, 40}, Action::kDuplicateAndClimb, "climb")
            .Target(kIC)
            .MustNot({Flag::kUnstableDelivery}),
        StableAddToCart("UnstableForMoreThanMaxWeeks", {100, 100, 60, 120, 60},
                        {40, 40, 40, 40, 40}, Action::kHold, "hold_unstable")
            .Must({Flag::kUnstableDelivery}),
        StableAddToCart("CustomCvLimitStable", {100, 120, 100}, {40, 40, 40},
                        Action::kDuplicateAndClimb, "climb")
            .Target(kIC)
            .With(PolicyWith([](Policy& p) { p.stability_max_cv = 0.1; })),
        StableAddToCart("CustomCvLimitUnstable", {100, 125, 100}, {40, 40, 40}, Action::kHold,
                        "hold_unstable")
            .Must({Flag::kUnstableDelivery})
            .With(PolicyWith([](Policy& p) { p.stability_max_cv = 0.1; })),
        Case("TopRungIsAtTop", Steady(0, 3, kP, Funnel(1500, 340, 85, 60, 55)), 2, Action::kAtTop,
             "at_top")
            .Review(3),
        StableAddToCart("NextRungAtExactlyCutoverClimbs", {85, 85, 85}, {30, 30, 30},
                        Action::kDuplicateAndClimb, "climb")
            .Target(kIC)
            .Review(3),
        StableAddToCart("NextRungJustBelowCutoverHolds", {85, 85, 85}, {29, 29, 29}, Action::kHold,
                        "hold_next_rung_below_cutover")
            .Review(3),
        StableAddToCart("NextRungNeedsCutoverInEveryWeek", {85, 85, 85}, {40, 29, 40},
                        Action::kHold, "hold_next_rung_below_cutover"),
        // InitiateCheckout and Purchase have volume to spare, AddToCart has not.
        Case("NeverClimbsTwoRungs", Steady(0, 3, kVC, Funnel(1500, 340, 29, 200, 100)), 2,
             Action::kHold, "hold_next_rung_below_cutover")
            .Must({Flag::kFunnelInversion}),
        Case("ClimbsFromTheBottomRung", Steady(0, 3, kPV, {{kPV, 1500}, {kVC, 340}}), 2,
             Action::kDuplicateAndClimb, "climb")
            .Target(kVC)
            .Must({Flag::kNoisySignal}),
        // Retest gate: a KEPT_CURRENT test of as_1 to InitiateCheckout with
        // baseline 40 needs 48.
        StableAddToCart("BelowRetestBaselineHolds", {85, 85, 85, 85, 85}, {47, 47, 47, 47, 47},
                        Action::kHold, "hold_retest_baseline")
            .Past({KeptTest(kIC, 40, 1)}),
        StableAddToCart("AtRetestBaselineTimesGrowthClimbs", {85, 85, 85, 85, 85},
                        {48, 48, 48, 48, 48}, Action::kDuplicateAndClimb, "climb")
            .Target(kIC)
            .Past({KeptTest(kIC, 40, 1)}),
        // 50 x 1.1 = 55 exactly (in floating point, 55.000000000000007).
        StableAddToCart("RetestGrowthBoundaryIsExact", {85, 85, 85, 85, 85}, {55, 55, 55, 55, 55},
                        Action::kDuplicateAndClimb, "climb")
            .Target(kIC)
            .Past({KeptTest(kIC, 50, 1)})
            .With(PolicyWith([](Policy& p) { p.retest_growth = 0.1; })),
        StableAddToCart("JustBelowRetestGrowthBoundaryHolds", {85, 85, 85, 85, 85},
                        {54, 54, 54, 54, 54}, Action::kHold, "hold_retest_baseline")
            .Past({KeptTest(kIC, 50, 1)})
            .With(PolicyWith([](Policy& p) { p.retest_growth = 0.1; })),
        // The latest kept test's baseline applies (60 -> 72), not an older one.
        StableAddToCart("LatestBaselineApplies", {85, 85, 85, 85, 85}, {60, 60, 60, 60, 60},
                        Action::kHold, "hold_retest_baseline")
            .Past({KeptTest(kIC, 20, 1), KeptTest(kIC, 60, 2)}),
        StableAddToCart("BaselineForAnotherEventIgnored", {85, 85, 85, 85, 85},
                        {40, 40, 40, 40, 40}, Action::kDuplicateAndClimb, "climb")
            .Target(kIC)
            .Past({KeptTest(kP, 1000, 1)}),
        StableAddToCart("BaselineWithAdSetAsDuplicateIgnored", {85, 85, 85, 85, 85},
                        {40, 40, 40, 40, 40}, Action::kDuplicateAndClimb, "climb")
            .Target(kIC)
            .Past({[] {
              ClimbTest test = KeptTest(kIC, 1000, 1);
              test.original_ad_set_id = "as_9";
              test.duplicate_ad_set_id = "as_1";
              return test;
            }()}),
        StableAddToCart("PromotedTestSetsNoBaseline", {85, 85, 85, 85, 85}, {40, 40, 40, 40, 40},
                        Action::kDuplicateAndClimb, "climb")
            .Target(kIC)
            .Past({[] {
              ClimbTest test = KeptTest(kIC, 1000, 1);
              test.state = ClimbTestState::kPromoted;
              return test;
            }()})),
    TestName<RuleCase>);

// The window: consistency_weeks ending at W, cut by the first record.
INSTANTIATE_TEST_SUITE_P(
    Window, RuleTest,
    testing::Values(
        Case("OneWeekHistory", Steady(0, 1, kP, {{kP, 60}}), 0, Action::kStabilize,
             "stabilize_min_weeks")
            .Must({Flag::kShortHistory})
            .MustNot({Flag::kDataGap})
            .OnRung(1)
            .Sustained({{kP, 60}}),
        Case("TwoWeekHistory", Series(0, kP, {{kP, {70, 60}}}), 1, Action::kAtTop, "at_top")
            .Must({Flag::kShortHistory})
            .MustNot({Flag::kDataGap})
            .OnRung(2)
            .Sustained({{kP, 60}}),
        Case("TwoWeekHistoryLowVolume", Steady(0, 2, kP, {{kP, 20}, {kATC, 85}}), 1,
             Action::kMoveDown, "move_down")
            .Target(kATC)
            .Must({Flag::kShortHistory}),
        Case("ThreeWeekHistoryIsNotShort", Steady(0, 3, kP, {{kP, 60}}), 2, Action::kAtTop,
             "at_top")
            .MustNot({Flag::kShortHistory, Flag::kDataGap}),
        Case("LaterStartIsShort", Steady(5, 2, kP, {{kP, 60}}), 6, Action::kAtTop, "at_top")
            .Must({Flag::kShortHistory}),
        Case("LongerWindowIsShort", Steady(0, 4, kP, {{kP, 60}}), 3, Action::kAtTop, "at_top")
            .Must({Flag::kShortHistory})
            .With(PolicyWith([](Policy& p) { p.consistency_weeks = 5; })),
        // Purchase 45, 45, 60: one-week window sees 60; three weeks see 45.
        Case("OneWeekWindow", Series(0, kP, {{kP, {45, 45, 60}}}), 2, Action::kAtTop, "at_top")
            .MustNot({Flag::kShortHistory})
            .Sustained({{kP, 60}})
            .With(PolicyWith([](Policy& p) { p.consistency_weeks = 1; })),
        Case("ThreeWeekWindow", Series(0, kP, {{kP, {45, 45, 60}}}), 2, Action::kHold,
             "near_exit_hold")
            .Sustained({{kP, 45}}),
        // Week 2 missing: left out of the minimum, not a zero.
        Case("MissingWeekIsLeftOut",
             Concat(Steady(0, 2, kP, {{kP, 40}, {kATC, 85}}),
                    Steady(3, 1, kP, {{kP, 40}, {kATC, 85}})),
             3, Action::kHold, "near_exit_hold")
            .Must({Flag::kDataGap, Flag::kNearExit})
            .MustNot({Flag::kShortHistory})
            .Sustained({{kP, 40}, {kATC, 85}}),
        Case("MissingWeekAtTheWindowStart",
             Concat(Series(0, kP, {{kP, {5, 5}}}), Steady(3, 2, kP, {{kP, 60}})), 4, Action::kAtTop,
             "at_top")
            .Must({Flag::kDataGap})
            .MustNot({Flag::kShortHistory})
            .OnRung(2)
            .Sustained({{kP, 60}}),
        Case("MissingWeekBeforeTheWindowIsNoGap",
             Concat(Steady(0, 1, kP, {{kP, 5}}), Steady(2, 3, kP, {{kP, 60}})), 4, Action::kAtTop,
             "at_top")
            .MustNot({Flag::kDataGap, Flag::kShortHistory})
            .Sustained({{kP, 60}}),
        Case("ShortAndGapped", Concat(Steady(1, 1, kP, {{kP, 60}}), Steady(3, 1, kP, {{kP, 60}})),
             3, Action::kStabilize, "stabilize_min_weeks")
            .Must({Flag::kDataGap, Flag::kShortHistory})
            .With(PolicyWith([](Policy& p) { p.consistency_weeks = 4; })),
        Case("WeeksBeforeTheWindowDoNotCount", Series(0, kP, {{kP, {5, 60, 60, 60}}}), 3,
             Action::kAtTop, "at_top")
            .Sustained({{kP, 60}}),
        Case("WeeksAfterWAreIgnored", Series(0, kP, {{kP, {60, 60, 60, 1}}}), 2, Action::kAtTop,
             "at_top")
            .Sustained({{kP, 60}})),
    TestName<RuleCase>);

std::vector<Row> WithReported(std::vector<Row> rows, int week, ReportedLearning reported) {
  RowAt(rows, week).reported = reported;
  return rows;
}

// Flags, each at its boundaries.
INSTANTIATE_TEST_SUITE_P(
    Flags, RuleTest,
    testing::Values(
        Case("FrictionJustAboveTheRatio", Steady(0, 3, kATC, {{kATC, 201}, {kIC, 40}, {kP, 20}}),
             2, Action::kDuplicateAndClimb, "climb")
            .Target(kIC)
            .Must({Flag::kCheckoutFriction}),
        Case("FrictionExactlyAtTheRatioIsNone",
             Steady(0, 3, kATC, {{kATC, 200}, {kIC, 40}, {kP, 20}}), 2,
             Action::kDuplicateAndClimb, "climb")
            .Target(kIC)
            .MustNot({Flag::kCheckoutFriction}),
        Case("FrictionBelowTheMinimumCount", Steady(0, 3, kVC, {{kVC, 340}, {kATC, 19}, {kP, 0}}),
             2, Action::kHold, "hold_next_rung_below_cutover")
            .MustNot({Flag::kCheckoutFriction}),
        Case("FrictionAtTheMinimumCount", Steady(0, 3, kVC, {{kVC, 340}, {kATC, 20}, {kP, 1}}), 2,
             Action::kHold, "hold_next_rung_below_cutover")
            .Must({Flag::kCheckoutFriction}),
        Case("FrictionWithNoPurchases", Steady(0, 3, kVC, {{kVC, 340}, {kATC, 20}, {kP, 0}}), 2,
             Action::kHold, "hold_next_rung_below_cutover")
            .Must({Flag::kCheckoutFriction}),
        // Only week W's counts: earlier weeks had 250 for 20.
        Case("FrictionOnlyInW",
             Series(0, kATC, {{kATC, {250, 250, 250}}, {kP, {20, 20, 30}}, {kIC, {40, 40, 40}}}),
             2, Action::kDuplicateAndClimb, "climb")
            .Target(kIC)
            .MustNot({Flag::kCheckoutFriction}),
        Case("FrictionInWOnly",
             Series(0, kATC, {{kATC, {250, 250, 250}}, {kP, {30, 30, 20}}, {kIC, {40, 40, 40}}}),
             2, Action::kDuplicateAndClimb, "climb")
            .Target(kIC)
            .Must({Flag::kCheckoutFriction}),
        Case("FrictionNeedsBothEventsOnTheLadder",
             [] {
               std::vector<Row> rows =
                   Steady(0, 3, "Lead", {{"Lead", 80}, {"form_start", 100}, {kATC, 250}, {kP, 0}});
               rows[0].ladder = "lead_generation";
               return rows;
             }(),
             2, Action::kAtTop, "at_top")
            .MustNot({Flag::kCheckoutFriction}),
        Case("FrictionCustomRatioBoundary", Steady(0, 3, kVC, {{kVC, 340}, {kATC, 50}, {kP, 20}}),
             2, Action::kDuplicateAndClimb, "climb")
            .Target(kATC)
            .MustNot({Flag::kCheckoutFriction})
            .With(PolicyWith([](Policy& p) { p.friction_ratio = 2.5; })),
        Case("FrictionCustomRatioAbove", Steady(0, 3, kVC, {{kVC, 340}, {kATC, 51}, {kP, 20}}),
             2, Action::kDuplicateAndClimb, "climb")
            .Target(kATC)
            .Must({Flag::kCheckoutFriction})
            .With(PolicyWith([](Policy& p) { p.friction_ratio = 2.5; })),
        Case("FrictionCustomMinimumCount", Steady(0, 3, kVC, {{kVC, 340}, {kATC, 29}, {kP, 1}}),
             2, Action::kHold, "hold_next_rung_below_cutover")
            .MustNot({Flag::kCheckoutFriction})
            .With(PolicyWith([](Policy& p) { p.friction_min_count = 30; })),
        Case("NoisyOnLeadGenerationBottom",
             [] {
               std::vector<Row> rows = Steady(0, 3, kPV, {{kPV, 1500}, {kVC, 300}});
               rows[0].ladder = "lead_generation";
               return rows;
             }(),
             2, Action::kDuplicateAndClimb, "climb")
            .Target(kVC)
            .Must({Flag::kNoisySignal}),
        Case("NotNoisyOneRungUp", Steady(0, 3, kVC, {{kPV, 1500}, {kVC, 300}, {kATC, 60}}), 2,
             Action::kDuplicateAndClimb, "climb")
            .Target(kATC)
            .MustNot({Flag::kNoisySignal}),
        Case("InversionOfAdjacentRungs",
             Steady(0, 3, kATC, {{kATC, 85}, {kIC, 90}, {kP, 10}}), 2,
             Action::kDuplicateAndClimb, "climb")
            .Target(kIC)
            .Must({Flag::kFunnelInversion}),
        Case("EqualCountsAreNoInversion", Steady(0, 3, kATC, {{kATC, 85}, {kIC, 85}, {kP, 10}}),
             2, Action::kDuplicateAndClimb, "climb")
            .Target(kIC)
            .MustNot({Flag::kFunnelInversion}),
        // InitiateCheckout is not reported: Purchase is compared with AddToCart.
        Case("AbsentRungIsNotCompared", Steady(0, 3, kP, {{kP, 60}, {kATC, 70}}), 2,
             Action::kAtTop, "at_top")
            .MustNot({Flag::kFunnelInversion}),
        Case("ZeroRungIsCompared", Steady(0, 3, kP, {{kP, 60}, {kIC, 0}, {kATC, 70}}), 2,
             Action::kAtTop, "at_top")
            .Must({Flag::kFunnelInversion}),
        Case("InversionAtTheBottom", Steady(0, 3, kVC, {{kPV, 1500}, {kVC, 1600}, {kATC, 60}}),
             2, Action::kDuplicateAndClimb, "climb")
            .Target(kATC)
            .Must({Flag::kFunnelInversion}),
        Case("InversionOnlyInW",
             Series(0, kP, {{kP, {60, 60, 60}}, {kIC, {70, 70, 50}}, {kATC, {80, 80, 80}}}), 2,
             Action::kAtTop, "at_top")
            .Must({Flag::kFunnelInversion}),
        Case("InversionBeforeWIsNone",
             Series(0, kP, {{kP, {60, 60, 60}}, {kIC, {50, 70, 70}}, {kATC, {80, 80, 80}}}), 2,
             Action::kAtTop, "at_top")
            .MustNot({Flag::kFunnelInversion}),
        Case("CustomEventsAreNotRungs",
             Steady(0, 3, kP, {{kP, 60}, {kIC, 70}, {"scroll_75", 10}, {"Lead", 9000}}), 2,
             Action::kAtTop, "at_top")
            .MustNot({Flag::kFunnelInversion}),
        Case("LearningLimitedReportedInW",
             WithReported(Steady(0, 3, kP, {{kP, 60}}), 2, ReportedLearning::kFail), 2,
             Action::kAtTop, "at_top")
            .Must({Flag::kLearningLimitedReported}),
        Case("LearningLimitedReportedEarlier",
             WithReported(Steady(0, 3, kP, {{kP, 60}}), 1, ReportedLearning::kFail), 2,
             Action::kAtTop, "at_top")
            .MustNot({Flag::kLearningLimitedReported}),
        Case("ReportedLearningIsNotLimited",
             WithReported(Steady(0, 3, kP, {{kP, 60}}), 2, ReportedLearning::kLearning), 2,
             Action::kAtTop, "at_top")
            .MustNot({Flag::kLearningLimitedReported}),
        Case("ReportedSuccessIsNotLimited",
             WithReported(Steady(0, 3, kP, {{kP, 60}}), 2, ReportedLearning::kSuccess), 2,
             Action::kAtTop, "at_top")
            .MustNot({Flag::kLearningLimitedReported})),
    TestName<RuleCase>);

// ---------------------------------------------------------------------------
// CHECKOUT_FRICTION counts a Purchase the record does not report as 0.

TEST(FrictionTest, AbsentPurchaseCountsZero) {
  const Recommendation rec =
      DecideAt(BuildHistory(Steady(0, 3, kATC, {{kATC, 201}, {kIC, 40}})), 2).recommendation;
  EXPECT_TRUE(rec.HasFlag(Flag::kCheckoutFriction)) << Describe(rec);
}

TEST(NoisySignalTest, LowestRungOfACustomLadder) {
  LadderRegistry ladders = LadderRegistry::BuiltIn();
  ASSERT_TRUE(ladders.Add(Ladder{"b2b", {"form_start", "Lead", "Contact"}}).ok());
  std::vector<Row> rows = Steady(0, 3, "form_start", {{"form_start", 300}, {"Lead", 60}});
  rows[0].ladder = "b2b";
  DecideSetup setup;
  setup.ladders = &ladders;
  const Recommendation rec = DecideAt(BuildHistory(rows), 2, setup).recommendation;
  EXPECT_EQ(rec.ladder, "b2b");
  EXPECT_EQ(rec.action, Action::kDuplicateAndClimb) << Describe(rec);
  EXPECT_EQ(rec.target_event, "Lead");
  EXPECT_TRUE(rec.HasFlag(Flag::kNoisySignal)) << Describe(rec);

  // PageView is not a rung of b2b.
  std::vector<Row> lead_rows =
      Steady(0, 3, "Lead", {{"PageView", 9000}, {"Lead", 60}, {"Contact", 40}});
  lead_rows[0].ladder = "b2b";
  const Recommendation lead = DecideAt(BuildHistory(lead_rows), 2, setup).recommendation;
  EXPECT_EQ(lead.action, Action::kDuplicateAndClimb) << Describe(lead);
  EXPECT_FALSE(lead.HasFlag(Flag::kNoisySignal)) << Describe(lead);
}

TEST(FrictionTest, CustomLadderWithBothEvents) {
  LadderRegistry ladders = LadderRegistry::BuiltIn();
  ASSERT_TRUE(ladders.Add(Ladder{"short_shop", {"AddToCart", "Purchase"}}).ok());
  std::vector<Row> rows = Steady(0, 3, kATC, {{kATC, 250}, {kP, 20}});
  rows[0].ladder = "short_shop";
  DecideSetup setup;
  setup.ladders = &ladders;
  const Recommendation rec = DecideAt(BuildHistory(rows), 2, setup).recommendation;
  EXPECT_TRUE(rec.HasFlag(Flag::kCheckoutFriction)) << Describe(rec);
  // Purchase (20) is below the cutover: hold.
  EXPECT_EQ(rec.action, Action::kHold) << Describe(rec);
}

// ---------------------------------------------------------------------------
// Learning status, from c's count in week W against T.

struct StatusCase {
  std::string test_name;
  int64_t count;
  LearningStatus status;
  std::optional<int32_t> override_t = std::nullopt;
  Policy policy = Policy();
};

// Failure messages name the case, not its bytes.
void PrintTo(const StatusCase& c, std::ostream* os) { *os << c.test_name; }

class LearningStatusTest : public testing::TestWithParam<StatusCase> {};

TEST_P(LearningStatusTest, FromTheCountInW) {
  const StatusCase& c = GetParam();
  std::vector<Row> rows = Steady(0, 3, kP, {{kP, c.count}});
  rows[2].threshold_override = c.override_t;
  DecideSetup setup;
  setup.policy = c.policy;
  const Recommendation rec = DecideAt(BuildHistory(rows), 2, setup).recommendation;
  ASSERT_TRUE(rec.learning_status.has_value()) << Describe(rec);
  EXPECT_EQ(*rec.learning_status, c.status)
      << LearningStatusName(*rec.learning_status) << " for " << c.count;
}

// Fractional boundaries that floating point misses: 0.55 x 100 is 55 on paper
// (55.000000000000007 in double), and so is 1.1 x 50.
Policy FractionPoint55() {
  Policy policy;
  policy.learning_threshold = 100;
  policy.near_exit_fraction = 0.55;
  return policy;
}

Policy ElevenTenths() {
  Policy policy;
  policy.well_optimized_multiple = 1.1;
  return policy;
}

Policy QuarterAndDouble() {
  Policy policy;
  policy.near_exit_fraction = 0.25;
  policy.well_optimized_multiple = 2;
  return policy;
}

INSTANTIATE_TEST_SUITE_P(
    Spec, LearningStatusTest,
    testing::Values(StatusCase{"Article12", 12, LearningStatus::kStuck},
                    StatusCase{"Article28", 28, LearningStatus::kNearExit},
                    StatusCase{"Article85", 85, LearningStatus::kExited},
                    StatusCase{"Article340", 340, LearningStatus::kWellOptimized},
                    StatusCase{"Zero", 0, LearningStatus::kStuck},
                    StatusCase{"JustBelowHalfT", 24, LearningStatus::kStuck},
                    StatusCase{"ExactlyHalfT", 25, LearningStatus::kNearExit},
                    StatusCase{"JustBelowT", 49, LearningStatus::kNearExit},
                    StatusCase{"ExactlyT", 50, LearningStatus::kExited},
                    StatusCase{"JustBelowFourT", 199, LearningStatus::kExited},
                    StatusCase{"ExactlyFourT", 200, LearningStatus::kWellOptimized},
                    StatusCase{"OverrideJustBelowHalf", 49, LearningStatus::kStuck, 100},
                    StatusCase{"OverrideHalf", 50, LearningStatus::kNearExit, 100},
                    StatusCase{"OverrideJustBelowT", 99, LearningStatus::kNearExit, 100},
                    StatusCase{"OverrideT", 100, LearningStatus::kExited, 100},
                    StatusCase{"OverrideJustBelowFourT", 399, LearningStatus::kExited, 100},
                    StatusCase{"OverrideFourT", 400, LearningStatus::kWellOptimized, 100},
                    StatusCase{"CustomFractionBelow", 12, LearningStatus::kStuck, std::nullopt,
                               QuarterAndDouble()},
                    StatusCase{"CustomFractionAbove", 13, LearningStatus::kNearExit, std::nullopt,
                               QuarterAndDouble()},
                    StatusCase{"CustomMultipleBelow", 99, LearningStatus::kExited, std::nullopt,
                               QuarterAndDouble()},
                    StatusCase{"CustomMultipleAt", 100, LearningStatus::kWellOptimized,
                               std::nullopt, QuarterAndDouble()},
                    StatusCase{"FractionBoundaryIsExact", 55, LearningStatus::kNearExit,
                               std::nullopt, FractionPoint55()},
                    StatusCase{"JustBelowFractionBoundary", 54, LearningStatus::kStuck,
                               std::nullopt, FractionPoint55()},
                    StatusCase{"MultipleBoundaryIsExact", 55, LearningStatus::kWellOptimized,
                               std::nullopt, ElevenTenths()},
                    StatusCase{"JustBelowMultipleBoundary", 54, LearningStatus::kExited,
                               std::nullopt, ElevenTenths()}),
    TestName<StatusCase>);

TEST(LearningStatusRuleTest, UsesWeekWNotTheSustainedVolume) {
  const Recommendation rec =
      DecideAt(BuildHistory(Series(0, kP, {{kP, {12, 12, 85}}, {kATC, {85, 85, 85}}})), 2)
          .recommendation;
  EXPECT_EQ(rec.sustained_counts.at(kP), 12);
  EXPECT_EQ(rec.learning_status, std::optional<LearningStatus>(LearningStatus::kExited))
      << Describe(rec);
  EXPECT_EQ(rec.action, Action::kMoveDown);
}

TEST(LearningStatusRuleTest, AbsentWithoutARecord) {
  const Recommendation rec = DecideAt(BuildHistory(Steady(0, 2, kP, {{kP, 60}})), 4).recommendation;
  EXPECT_FALSE(rec.learning_status.has_value()) << Describe(rec);
  EXPECT_EQ(rec.learning_threshold, 0);
}

// ---------------------------------------------------------------------------
// What every recommendation carries.

TEST(RecommendationContentTest, NoRecordNamesTheLastWeekWithData) {
  const AdSetHistory history =
      BuildHistory(Concat(Steady(0, 2, kP, {{kP, 60}}), Steady(5, 1, kP, {{kP, 60}})));
  const Recommendation rec = DecideAt(history, 3).recommendation;
  ASSERT_EQ(rec.action, Action::kInsufficientData);
  ASSERT_FALSE(rec.reasons.empty());
  EXPECT_EQ(rec.reasons[0].rule, "no_record");
  EXPECT_THAT(rec.reasons[0].message, HasSubstr(WeekAt(1).ToString()));
  // Week 5 is after W: not "the last week with data" at W.
  EXPECT_THAT(rec.reasons[0].message, testing::Not(HasSubstr(WeekAt(5).ToString())));
  EXPECT_EQ(rec.current_event, "");
  EXPECT_TRUE(rec.target_event.empty());
  EXPECT_EQ(rec.weeks_on_rung, 0);
  EXPECT_EQ(rec.ad_set_id, "as_1");
  EXPECT_EQ(rec.as_of_week, WeekAt(3));
}

TEST(RecommendationContentTest, NoRecordAtOrBeforeWSaysThereIsNone) {
  const AdSetHistory history = BuildHistory(Steady(4, 2, kP, {{kP, 60}}));
  const Recommendation rec = DecideAt(history, 2).recommendation;
  ASSERT_EQ(rec.action, Action::kInsufficientData);
  ASSERT_FALSE(rec.reasons.empty());
  EXPECT_EQ(rec.reasons[0].rule, "no_record");
  EXPECT_FALSE(rec.reasons[0].message.empty());
  // No week at or before W has data: none may be named as the last one.
  EXPECT_THAT(rec.reasons[0].message, testing::Not(HasSubstr(WeekAt(0).ToString())));
  EXPECT_THAT(rec.reasons[0].message, testing::Not(HasSubstr(WeekAt(1).ToString())));
  EXPECT_THAT(rec.reasons[0].message, testing::Not(HasSubstr(WeekAt(5).ToString())));
}

TEST(RecommendationContentTest, CarriesIdentityCountsAndEveryRung) {
  std::vector<Row> rows = Series(0, kATC,
                                 {{kATC, {85, 88, 84}},
                                  {kIC, {40, 41, 39}},
                                  {kP, {10, 12, 11}},
                                  {"scroll_75", {500, 400, 450}}});
  const Recommendation rec = DecideAt(BuildHistory(rows), 2).recommendation;
  EXPECT_EQ(rec.account_id, "act_1");
  EXPECT_EQ(rec.ad_set_id, "as_1");
  EXPECT_EQ(rec.as_of_week, WeekAt(2));
  EXPECT_EQ(rec.ladder, "ecommerce");
  EXPECT_EQ(rec.current_event, kATC);
  EXPECT_EQ(rec.learning_threshold, 50);
  EXPECT_EQ(rec.weeks_on_rung, 3);
  EXPECT_EQ(rec.latest_counts,
            (std::map<std::string, int64_t>{{kATC, 84}, {kIC, 39}, {kP, 11}, {"scroll_75", 450}}));
  // Every rung, absent ones at 0; events off the ladder are not needed.
  for (const auto& [event, count] :
       std::map<std::string, int64_t>{{kPV, 0}, {kVC, 0}, {kATC, 84}, {kIC, 39}, {kP, 10}}) {
    const auto it = rec.sustained_counts.find(event);
    ASSERT_NE(it, rec.sustained_counts.end()) << event;
    EXPECT_EQ(it->second, count) << event;
  }
  EXPECT_EQ(rec.next_review_week, std::optional<Week>(WeekAt(3)));
  EXPECT_EQ(rec.climb_test_id, "");
}

TEST(RecommendationContentTest, SustainedCountsIncludeACurrentEventOffTheLadder) {
  const Recommendation rec =
      DecideAt(BuildHistory(Series(0, "Lead", {{"Lead", {80, 70, 90}}})), 2).recommendation;
  ASSERT_EQ(rec.action, Action::kReviewSetup);
  EXPECT_EQ(rec.sustained_counts.at("Lead"), 70);
  for (const char* rung : {kPV, kVC, kATC, kIC, kP}) {
    EXPECT_EQ(rec.sustained_counts.count(rung), 1u) << rung;
  }
}

TEST(RecommendationContentTest, MoveDownReasonStatesTheNumbers) {
  const Recommendation rec =
      DecideAt(BuildHistory(Steady(0, 3, kP, Funnel(1500, 340, 83, 41, 17))), 2).recommendation;
  ASSERT_EQ(rec.action, Action::kMoveDown) << Describe(rec);
  ASSERT_FALSE(rec.reasons.empty());
  const std::string& message = rec.reasons[0].message;
  EXPECT_THAT(message, HasSubstr("17"));  // Purchase sustained
  EXPECT_THAT(message, HasSubstr("30"));  // cutover
  EXPECT_THAT(message, HasSubstr("83"));  // AddToCart sustained
  EXPECT_THAT(message, HasSubstr("50"));  // T
  EXPECT_THAT(message, HasSubstr(kATC));
}

TEST(RecommendationContentTest, RetestHoldStatesTheBaseline) {
  DecideSetup setup;
  setup.past_tests = {KeptTest(kIC, 43, 1)};
  const Recommendation rec =
      DecideAt(BuildHistory(Steady(0, 5, kATC, {{kATC, 85}, {kIC, 47}})), 4, setup).recommendation;
  ASSERT_EQ(rec.action, Action::kHold) << Describe(rec);
  ASSERT_FALSE(rec.reasons.empty());
  EXPECT_EQ(rec.reasons[0].rule, "hold_retest_baseline");
  EXPECT_THAT(rec.reasons[0].message, HasSubstr("43"));
  EXPECT_THAT(rec.reasons[0].message, HasSubstr("47"));
}

TEST(RecommendationContentTest, ClimbReasonStatesTheNextRung) {
  const Recommendation rec =
      DecideAt(BuildHistory(Steady(0, 3, kATC, {{kATC, 85}, {kIC, 37}})), 2).recommendation;
  ASSERT_EQ(rec.action, Action::kDuplicateAndClimb) << Describe(rec);
  EXPECT_THAT(rec.reasons[0].message, HasSubstr(kIC));
  EXPECT_THAT(rec.reasons[0].message, HasSubstr("37"));
}

// ---------------------------------------------------------------------------
// Climb tests (rule 3).

class ClimbTestDecisionTest : public testing::Test {
 protected:
  // as_1 optimizes AddToCart from week 0; as_2 InitiateCheckout from week
  // `start`; both to week `last`, spending 100 a week with `macros` purchases.
  void Build(int start, int last, int64_t original_macros = 10, int64_t duplicate_macros = 10) {
    std::vector<Row> original =
        Steady(0, last + 1, kATC, {{kATC, 85}, {kIC, 40}, {kP, original_macros}});
    for (Row& row : original) row.spend_micros = 100 * kMicros;
    std::vector<Row> duplicate =
        Steady(start, last - start + 1, kIC, {{kIC, 45}, {kP, duplicate_macros}});
    for (Row& row : duplicate) row.spend_micros = 100 * kMicros;
    original_rows_ = original;
    duplicate_rows_ = duplicate;
    start_ = start;
  }

  Decision Evaluate(const std::string& side, int as_of) {
    context_.test = test_.value_or(MakeClimbTest(start_));
    context_.original = BuildHistory(original_rows_, "as_1");
    context_.duplicate = BuildHistory(duplicate_rows_, "as_2");
    setup_.climb_test = &context_;
    return DecideAt(side == "as_1" ? context_.original : context_.duplicate, as_of, setup_);
  }

  void ExpectBothSides(int as_of, Action action, const std::string& rule) {
    const Decision original = Evaluate("as_1", as_of);
    const Decision duplicate = Evaluate("as_2", as_of);
    for (const Decision* d : {&original, &duplicate}) {
      const Recommendation& rec = d->recommendation;
      SCOPED_TRACE(rec.ad_set_id);
      EXPECT_EQ(rec.action, action) << Describe(rec);
      EXPECT_EQ(FirstRule(rec), rule) << Describe(rec);
      EXPECT_EQ(rec.climb_test_id, "ct_1");
      EXPECT_EQ(rec.target_event, action == Action::kPromoteDuplicate ? kIC : "");
      ASSERT_TRUE(d->test_update.has_value());
      EXPECT_EQ(d->test_update->climb_test_id, "ct_1");
      ExpectFlagReasonsMatchFlags(rec);
    }
    EXPECT_EQ(original.recommendation.current_event, kATC);
    EXPECT_EQ(duplicate.recommendation.current_event, kIC);
    ASSERT_TRUE(original.test_update.has_value() && duplicate.test_update.has_value());
    EXPECT_EQ(original.test_update->state, duplicate.test_update->state);
    EXPECT_EQ(original.test_update->original_cost_per_macro,
              duplicate.test_update->original_cost_per_macro);
    EXPECT_EQ(original.test_update->duplicate_cost_per_macro,
              duplicate.test_update->duplicate_cost_per_macro);
    EXPECT_EQ(original.test_update->retest_baseline, duplicate.test_update->retest_baseline);
    EXPECT_EQ(original.recommendation.HasFlag(Flag::kMissingSpend),
              duplicate.recommendation.HasFlag(Flag::kMissingSpend));
  }

  std::vector<Row> original_rows_;
  std::vector<Row> duplicate_rows_;
  int start_ = 0;
  std::optional<ClimbTest> test_;
  ClimbTestContext context_;
  DecideSetup setup_;
};

TEST_F(ClimbTestDecisionTest, StillRunningInItsFirstWeek) {
  Build(3, 3);
  setup_.policy.climb_test_weeks = 3;
  ExpectBothSides(3, Action::kContinueTest, "climb_test_running");
  const Decision d = Evaluate("as_1", 3);
  // Reviewed when the test has run climb_test_weeks: S + 3 - 1.
  EXPECT_EQ(d.recommendation.next_review_week, std::optional<Week>(WeekAt(5)));
  EXPECT_EQ(d.test_update->state, ClimbTestState::kRunning);
  EXPECT_FALSE(d.recommendation.HasFlag(Flag::kMissingSpend));
}

TEST_F(ClimbTestDecisionTest, StillRunningOneWeekShort) {
  Build(3, 4);
  setup_.policy.climb_test_weeks = 3;
  ExpectBothSides(4, Action::kContinueTest, "climb_test_running");
  EXPECT_EQ(Evaluate("as_2", 4).recommendation.next_review_week, std::optional<Week>(WeekAt(5)));
}

TEST_F(ClimbTestDecisionTest, DefaultTestRunsTwoWeeks) {
  Build(3, 3);
  ExpectBothSides(3, Action::kContinueTest, "climb_test_running");
  EXPECT_EQ(Evaluate("as_1", 3).recommendation.next_review_week, std::optional<Week>(WeekAt(4)));
}

TEST_F(ClimbTestDecisionTest, JudgedAfterExactlyClimbTestWeeks) {
  Build(3, 5);
  setup_.policy.climb_test_weeks = 3;
  ExpectBothSides(5, Action::kPromoteDuplicate, "climb_test_promote");
  const Decision d = Evaluate("as_1", 5);
  EXPECT_EQ(d.test_update->state, ClimbTestState::kPromoted);
  EXPECT_DOUBLE_EQ(d.test_update->original_cost_per_macro.value_or(-1), 10.0);
  EXPECT_DOUBLE_EQ(d.test_update->duplicate_cost_per_macro.value_or(-1), 10.0);
  EXPECT_EQ(d.recommendation.next_review_week, std::optional<Week>(WeekAt(6)));
}

// Spend and macros count only over S..W: earlier weeks of the original (here
// with no purchases) and later weeks are not part of the test.
TEST_F(ClimbTestDecisionTest, CostsUseOnlyTheTestWeeks) {
  Build(3, 4);
  for (Row& row : original_rows_) {
    if (row.week < 3) row.counts[kP] = 0;
    if (row.week < 3) row.spend_micros = 9000 * kMicros;
  }
  original_rows_.push_back(Row{5, kATC, {{kATC, 85}, {kP, 0}}, 9000 * kMicros});
  duplicate_rows_.push_back(Row{5, kIC, {{kIC, 45}, {kP, 100}}, 1 * kMicros});
  ExpectBothSides(4, Action::kPromoteDuplicate, "climb_test_promote");
  const Decision d = Evaluate("as_1", 4);
  EXPECT_DOUBLE_EQ(d.test_update->original_cost_per_macro.value_or(-1), 10.0);
  EXPECT_DOUBLE_EQ(d.test_update->duplicate_cost_per_macro.value_or(-1), 10.0);
}

TEST_F(ClimbTestDecisionTest, DuplicateCostExactlyAtToleranceIsComparable) {
  // Original 1000 for 20 (50); duplicate 1100 for 20 (55 = 50 x 1.1).
  Build(3, 4);
  for (Row& row : original_rows_) row.spend_micros = 500 * kMicros;
  for (Row& row : duplicate_rows_) row.spend_micros = 550 * kMicros;
  ExpectBothSides(4, Action::kPromoteDuplicate, "climb_test_promote");
}

TEST_F(ClimbTestDecisionTest, ToleranceBoundaryIsExactWhereFloatingPointIsNot) {
  // Original 1510 for 21, duplicate 1661 for 21: 1661 = 1510 x 1.1 exactly,
  // while (1661/21) > (1510/21) * (1 + 0.1) in double arithmetic.
  Build(3, 4);
  original_rows_ = Steady(0, 5, kATC, {{kATC, 85}, {kIC, 40}, {kP, 10}});
  RowAt(original_rows_, 3).spend_micros = 755 * kMicros;
  RowAt(original_rows_, 4).spend_micros = 755 * kMicros;
  RowAt(original_rows_, 4).counts[kP] = 11;
  duplicate_rows_ = Steady(3, 2, kIC, {{kIC, 45}, {kP, 10}});
  RowAt(duplicate_rows_, 3).spend_micros = 830 * kMicros;
  RowAt(duplicate_rows_, 4).spend_micros = 831 * kMicros;
  RowAt(duplicate_rows_, 4).counts[kP] = 11;
  ExpectBothSides(4, Action::kPromoteDuplicate, "climb_test_promote");
}

TEST_F(ClimbTestDecisionTest, DuplicateCostJustAboveToleranceKeepsCurrent) {
  Build(3, 4);
  for (Row& row : original_rows_) row.spend_micros = 500 * kMicros;
  for (Row& row : duplicate_rows_) row.spend_micros = 550 * kMicros + 10000;  // +1 cent
  ExpectBothSides(4, Action::kKeepCurrent, "climb_test_keep");
  const Decision d = Evaluate("as_1", 4);
  EXPECT_EQ(d.test_update->state, ClimbTestState::kKeptCurrent);
  EXPECT_TRUE(d.recommendation.target_event.empty());
}

TEST_F(ClimbTestDecisionTest, CustomTolerance) {
  Build(3, 4);
  setup_.policy.comparable_tolerance = 0.5;
  for (Row& row : duplicate_rows_) row.spend_micros = 150 * kMicros;
  ExpectBothSides(4, Action::kPromoteDuplicate, "climb_test_promote");
  for (Row& row : duplicate_rows_) row.spend_micros = 151 * kMicros;
  ExpectBothSides(4, Action::kKeepCurrent, "climb_test_keep");
}

TEST_F(ClimbTestDecisionTest, ZeroToleranceNeedsEqualOrBetter) {
  Build(3, 4);
  setup_.policy.comparable_tolerance = 0;
  ExpectBothSides(4, Action::kPromoteDuplicate, "climb_test_promote");
  RowAt(duplicate_rows_, 4).counts[kP] = 9;
  ExpectBothSides(4, Action::kKeepCurrent, "climb_test_keep");
}

TEST_F(ClimbTestDecisionTest, BothSidesWithoutMacrosPromote) {
  Build(3, 4, 0, 0);
  ExpectBothSides(4, Action::kPromoteDuplicate, "climb_test_promote");
  const Decision d = Evaluate("as_1", 4);
  ASSERT_TRUE(d.test_update->original_cost_per_macro.has_value());
  ASSERT_TRUE(d.test_update->duplicate_cost_per_macro.has_value());
  EXPECT_TRUE(std::isinf(*d.test_update->original_cost_per_macro));
  EXPECT_GT(*d.test_update->original_cost_per_macro, 0);
  EXPECT_TRUE(std::isinf(*d.test_update->duplicate_cost_per_macro));
}

TEST_F(ClimbTestDecisionTest, OriginalWithoutMacrosPromotes) {
  Build(3, 4, 0, 1);
  ExpectBothSides(4, Action::kPromoteDuplicate, "climb_test_promote");
  const Decision d = Evaluate("as_2", 4);
  EXPECT_TRUE(std::isinf(d.test_update->original_cost_per_macro.value_or(0)));
  EXPECT_DOUBLE_EQ(d.test_update->duplicate_cost_per_macro.value_or(-1), 100.0);
}

TEST_F(ClimbTestDecisionTest, DuplicateWithoutMacrosKeepsCurrent) {
  Build(3, 4, 1, 0);
  ExpectBothSides(4, Action::kKeepCurrent, "climb_test_keep");
  const Decision d = Evaluate("as_2", 4);
  EXPECT_DOUBLE_EQ(d.test_update->original_cost_per_macro.value_or(-1), 100.0);
  EXPECT_TRUE(std::isinf(d.test_update->duplicate_cost_per_macro.value_or(0)));
}

// The macro is the top rung of the ladder: Purchase, not the test's to_event.
TEST_F(ClimbTestDecisionTest, MacroIsTheLaddersTopRung) {
  Build(3, 4, 10, 10);
  // Many more checkouts on the duplicate would make it look cheap per
  // to_event; per Purchase it is twice as costly.
  for (Row& row : duplicate_rows_) {
    row.counts[kIC] = 900;
    row.counts[kP] = 5;
  }
  ExpectBothSides(4, Action::kKeepCurrent, "climb_test_keep");
}

TEST_F(ClimbTestDecisionTest, KeepCurrentSetsTheOriginalsBaseline) {
  Build(3, 4, 10, 5);
  // The original's InitiateCheckout over its own window (weeks 2-4).
  RowAt(original_rows_, 1).counts[kIC] = 10;
  RowAt(original_rows_, 2).counts[kIC] = 44;
  RowAt(original_rows_, 3).counts[kIC] = 38;
  RowAt(original_rows_, 4).counts[kIC] = 41;
  ExpectBothSides(4, Action::kKeepCurrent, "climb_test_keep");
  for (const char* side : {"as_1", "as_2"}) {
    const Decision d = Evaluate(side, 4);
    EXPECT_EQ(d.test_update->retest_baseline, std::optional<int64_t>(38)) << side;
  }
}

TEST_F(ClimbTestDecisionTest, PromoteSetsNoBaseline) {
  Build(3, 4);
  const Decision d = Evaluate("as_1", 4);
  ASSERT_EQ(d.recommendation.action, Action::kPromoteDuplicate);
  EXPECT_EQ(d.test_update->state, ClimbTestState::kPromoted);
  EXPECT_FALSE(d.test_update->retest_baseline.has_value());
}

TEST_F(ClimbTestDecisionTest, MissingDuplicateSpend) {
  Build(3, 4);
  RowAt(duplicate_rows_, 3).spend_micros.reset();
  ExpectBothSides(4, Action::kContinueTest, "climb_test_missing_spend");
  const Decision d = Evaluate("as_1", 4);
  EXPECT_TRUE(d.recommendation.HasFlag(Flag::kMissingSpend)) << Describe(d.recommendation);
  EXPECT_EQ(d.test_update->state, ClimbTestState::kRunning);
  EXPECT_EQ(d.recommendation.next_review_week, std::optional<Week>(WeekAt(5)));
  // The reason says what is missing.
  const std::string& message = d.recommendation.reasons[0].message;
  EXPECT_TRUE(message.find(WeekAt(3).ToString()) != std::string::npos ||
              message.find("as_2") != std::string::npos ||
              message.find("duplicate") != std::string::npos)
      << message;
}

TEST_F(ClimbTestDecisionTest, MissingOriginalSpend) {
  Build(3, 4);
  RowAt(original_rows_, 4).spend_micros.reset();
  ExpectBothSides(4, Action::kContinueTest, "climb_test_missing_spend");
  EXPECT_TRUE(Evaluate("as_2", 4).recommendation.HasFlag(Flag::kMissingSpend));
}

TEST_F(ClimbTestDecisionTest, MissingDuplicateWeek) {
  Build(3, 4);
  duplicate_rows_ = Without(duplicate_rows_, 3);
  const Decision d = Evaluate("as_1", 4);
  EXPECT_EQ(d.recommendation.action, Action::kContinueTest) << Describe(d.recommendation);
  EXPECT_EQ(FirstRule(d.recommendation), "climb_test_missing_spend");
  EXPECT_TRUE(d.recommendation.HasFlag(Flag::kMissingSpend));
}

// A week without spend before the test began does not matter.
TEST_F(ClimbTestDecisionTest, SpendBeforeTheTestIsNotNeeded) {
  Build(3, 4);
  RowAt(original_rows_, 2).spend_micros.reset();
  ExpectBothSides(4, Action::kPromoteDuplicate, "climb_test_promote");
}

// Rule 1 comes first: the evaluated side has no record for W.
TEST_F(ClimbTestDecisionTest, NoRecordComesFirst) {
  Build(3, 4);
  original_rows_ = Without(original_rows_, 4);
  const Decision d = Evaluate("as_1", 4);
  EXPECT_EQ(d.recommendation.action, Action::kInsufficientData) << Describe(d.recommendation);
}

// A test concluded at W and judged again, now without spend (a corrected
// record), is reopened.
TEST_F(ClimbTestDecisionTest, RejudgingAtTheConclusionWeekCanReopen) {
  Build(3, 4);
  test_ = MakeClimbTest(3, ClimbTestState::kPromoted, 4);
  ExpectBothSides(4, Action::kPromoteDuplicate, "climb_test_promote");
  RowAt(duplicate_rows_, 4).spend_micros.reset();
  const Decision d = Evaluate("as_1", 4);
  EXPECT_EQ(d.recommendation.action, Action::kContinueTest);
  ASSERT_TRUE(d.test_update.has_value());
  EXPECT_EQ(d.test_update->state, ClimbTestState::kRunning);
}

// Flags accumulate independently of the action.
TEST_F(ClimbTestDecisionTest, FlagsStillApply) {
  Build(3, 3);
  for (Row& row : original_rows_) row.counts[kATC] = 40;  // [cutover, T)
  RowAt(original_rows_, 3).reported = ReportedLearning::kFail;
  const Decision d = Evaluate("as_1", 3);
  EXPECT_EQ(d.recommendation.action, Action::kContinueTest);
  EXPECT_TRUE(d.recommendation.HasFlag(Flag::kNearExit)) << Describe(d.recommendation);
  EXPECT_TRUE(d.recommendation.HasFlag(Flag::kLearningLimitedReported));
}

TEST_F(ClimbTestDecisionTest, UnstableDeliveryFlagUnderATest) {
  Build(3, 4);
  RowAt(original_rows_, 2).counts[kATC] = 60;
  RowAt(original_rows_, 3).counts[kATC] = 120;
  RowAt(original_rows_, 4).counts[kATC] = 60;
  const Decision d = Evaluate("as_1", 4);
  EXPECT_EQ(d.recommendation.action, Action::kPromoteDuplicate) << Describe(d.recommendation);
  EXPECT_TRUE(d.recommendation.HasFlag(Flag::kUnstableDelivery)) << Describe(d.recommendation);
}

// A ready test that governs is judged even when the ad set would otherwise
// stabilize or move down.
TEST_F(ClimbTestDecisionTest, GoverningTestComesBeforeTheLearningRules) {
  Build(3, 4);
  for (Row& row : original_rows_) row.counts[kATC] = 12;
  ExpectBothSides(4, Action::kPromoteDuplicate, "climb_test_promote");
}

// Rule 2 comes before rule 3.
TEST_F(ClimbTestDecisionTest, NotARungComesBeforeTheTest) {
  Build(3, 4);
  RowAt(original_rows_, 4).event = "Lead";
  const Decision d = Evaluate("as_1", 4);
  EXPECT_EQ(d.recommendation.action, Action::kReviewSetup) << Describe(d.recommendation);
}

}  // namespace
}  // namespace rung
