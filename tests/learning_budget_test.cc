// The budget to leave learning (issue 23): each rung's cost per event over
// the consistency window and the weekly budget that would bring it to T,
// against figures worked out by hand, then the sentences of the reasons that
// name them. Week offsets count from test_support::kWeek0 (2026-09-07).

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rung/decision.h"
#include "support/decision_builder.h"

namespace rung {
namespace {

using ::rung::test_support::BuildHistory;
using ::rung::test_support::Counts;
using ::rung::test_support::DecideAt;
using ::rung::test_support::Describe;
using ::rung::test_support::kMicros;
using ::rung::test_support::Row;
using ::rung::test_support::Steady;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kPV[] = "PageView";
constexpr char kVC[] = "ViewContent";
constexpr char kATC[] = "AddToCart";
constexpr char kIC[] = "InitiateCheckout";
constexpr char kP[] = "Purchase";

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

RungBudget Rung(const std::string& event, int64_t count, std::optional<int64_t> cost,
                std::optional<int64_t> budget) {
  return RungBudget{event, count, cost, budget};
}

std::vector<const AdSetWeek*> Pointers(const AdSetHistory& history) {
  std::vector<const AdSetWeek*> window;
  for (const AdSetWeek& record : history) window.push_back(&record);
  return window;
}

// Rows of `event` at `counts`, one per spend, from week 0; nullopt: no spend.
std::vector<Row> WithSpends(const std::string& event, const Counts& counts,
                            const std::vector<std::optional<int64_t>>& spends) {
  std::vector<Row> rows = Steady(0, static_cast<int>(spends.size()), event, counts);
  for (size_t i = 0; i < spends.size(); ++i) rows[i].spend_micros = spends[i];
  return rows;
}

// --- LearningBudgetOver ------------------------------------------------------------

TEST(LearningBudgetOverTest, CostsAndBudgetsAreTheWindowsSumsDividedAsWorkedByHand) {
  // Spend 90 + 93 + 96 = 279; AddToCart 30 + 30 + 30 = 90, 279 / 90 = 3.10,
  // 50 × 3.10 = 155; Purchase 2 + 3 + 4 = 9, 279 / 9 = 31, 50 × 31 = 1550;
  // the weekly spend 279 / 3 = 93.
  std::vector<Row> rows =
      WithSpends(kATC, {{kATC, 30}, {kP, 3}}, {90 * kMicros, 93 * kMicros, 96 * kMicros});
  rows[0].counts[kP] = 2;
  rows[2].counts[kP] = 4;
  const AdSetHistory history = BuildHistory(rows);

  const LearningBudget budget = LearningBudgetOver(Pointers(history), {kATC, kP}, 50);

  EXPECT_EQ(budget.spend_weeks, 3);
  EXPECT_EQ(budget.weekly_spend_micros, 93 * kMicros);
  EXPECT_THAT(budget.rungs, ElementsAre(Rung(kATC, 90, 3'100'000, 155 * kMicros),
                                        Rung(kP, 9, 31 * kMicros, 1550 * kMicros)));
}

TEST(LearningBudgetOverTest, QuotientsRoundHalfUpToTheMicro) {
  // Spend 10 + 1 = 11 micros: 5.5 a week is 6. AddToCart 2 events: 5.5 is 6;
  // InitiateCheckout 3: 3.67 is 4; Purchase 22: 0.5 is 1; PageView 23: 0.48
  // is 0. Each budget is 7 × the rounded cost.
  std::vector<Row> rows = WithSpends(kATC, {{kPV, 12}, {kATC, 1}, {kIC, 1}, {kP, 11}}, {10, 1});
  rows[1].counts[kPV] = 11;
  rows[1].counts[kIC] = 2;
  const AdSetHistory history = BuildHistory(rows);

  const LearningBudget budget = LearningBudgetOver(Pointers(history), {kPV, kATC, kIC, kP}, 7);

  EXPECT_EQ(budget.weekly_spend_micros, 6);
  EXPECT_THAT(budget.rungs, ElementsAre(Rung(kPV, 23, 0, 0), Rung(kATC, 2, 6, 42),
                                        Rung(kIC, 3, 4, 28), Rung(kP, 22, 1, 7)));
}

TEST(LearningBudgetOverTest, AnEventCountedNoneHasNoCostRatherThanADivisionByZero) {
  const AdSetHistory history =
      BuildHistory(WithSpends(kP, {{kP, 5}, {kIC, 0}}, {100 * kMicros, 100 * kMicros}));

  const LearningBudget budget = LearningBudgetOver(Pointers(history), {kIC, kATC, kP}, 50);

  EXPECT_EQ(budget.weekly_spend_micros, 100 * kMicros);
  EXPECT_THAT(budget.rungs, ElementsAre(Rung(kIC, 0, std::nullopt, std::nullopt),
                                        Rung(kATC, 0, std::nullopt, std::nullopt),
                                        Rung(kP, 10, 20 * kMicros, 1000 * kMicros)));
}

TEST(LearningBudgetOverTest, WeeksWithoutSpendOrWithoutRecordAddNeitherSpendNorCounts) {
  // Week 1 has counts but no spend, so its 1000 purchases are not bought by
  // the 60 + 40 of weeks 0 and 2; the window's fourth week has no record.
  std::vector<Row> rows = WithSpends(kP, {{kP, 10}}, {60 * kMicros, std::nullopt, 40 * kMicros});
  rows[1].counts[kP] = 1000;
  const AdSetHistory history = BuildHistory(rows);
  std::vector<const AdSetWeek*> window = Pointers(history);
  window.push_back(nullptr);

  const LearningBudget budget = LearningBudgetOver(window, {kP}, 50);

  EXPECT_EQ(budget.spend_weeks, 2);
  EXPECT_EQ(budget.weekly_spend_micros, 50 * kMicros);
  EXPECT_THAT(budget.rungs, ElementsAre(Rung(kP, 20, 5 * kMicros, 250 * kMicros)));
}

TEST(LearningBudgetOverTest, WithoutAnySpendNothingIsEstimated) {
  const AdSetHistory history =
      BuildHistory(WithSpends(kP, {{kP, 10}}, {std::nullopt, std::nullopt}));

  const LearningBudget budget = LearningBudgetOver(Pointers(history), {kATC, kP}, 50);

  EXPECT_EQ(budget.spend_weeks, 0);
  EXPECT_EQ(budget.weekly_spend_micros, std::nullopt);
  EXPECT_THAT(budget.rungs, ElementsAre(Rung(kATC, 0, std::nullopt, std::nullopt),
                                        Rung(kP, 0, std::nullopt, std::nullopt)));
  EXPECT_EQ(LearningBudgetOver({nullptr, nullptr}, {kP}, 50).spend_weeks, 0);
}

TEST(LearningBudgetOverTest, SpendOfZeroIsKnownAndCostsNothing) {
  const AdSetHistory history = BuildHistory(WithSpends(kP, {{kP, 10}}, {0, 0}));

  const LearningBudget budget = LearningBudgetOver(Pointers(history), {kP}, 50);

  EXPECT_EQ(budget.spend_weeks, 2);
  EXPECT_EQ(budget.weekly_spend_micros, 0);
  EXPECT_THAT(budget.rungs, ElementsAre(Rung(kP, 20, 0, 0)));
}

TEST(LearningBudgetOverTest, FiguresBeyondSixtyFourBitsAreLeftOutNotWrapped) {
  // Σ spend is 3 × the int64 maximum. Purchase: 3 events cost the maximum
  // each, whose 50-fold does not fit; AddToCart: 1 event costs 3 × it.
  std::vector<Row> rows = WithSpends(kP, {{kP, 1}}, {kMax, kMax, kMax});
  rows[0].counts[kATC] = 1;
  const AdSetHistory history = BuildHistory(rows);

  const LearningBudget budget = LearningBudgetOver(Pointers(history), {kATC, kP}, 50);

  EXPECT_EQ(budget.weekly_spend_micros, kMax);
  EXPECT_THAT(budget.rungs, ElementsAre(Rung(kATC, 1, std::nullopt, std::nullopt),
                                        Rung(kP, 3, kMax, std::nullopt)));
}

// --- In the recommendation ----------------------------------------------------------

TEST(LearningBudgetTest, EveryRungInLadderOrderOverTheConsistencyWindow) {
  // Weeks 0-3 at 100 a week; the window at week 3 is weeks 1-3, so week 0's
  // 1000 purchases are left out: Purchase 3 × 12 = 36 for 300.
  std::vector<Row> rows = WithSpends(kP, {{kPV, 600}, {kVC, 300}, {kATC, 60}, {kIC, 24}, {kP, 12}},
                                     {100 * kMicros, 100 * kMicros, 100 * kMicros, 100 * kMicros});
  rows[0].counts[kP] = 1000;

  const Recommendation rec = DecideAt(BuildHistory(rows), 3).recommendation;

  EXPECT_EQ(rec.learning_budget.spend_weeks, 3);
  EXPECT_EQ(rec.learning_budget.weekly_spend_micros, 100 * kMicros);
  EXPECT_THAT(
      rec.learning_budget.rungs,
      ElementsAre(Rung(kPV, 1800, 166'667, 8'333'350), Rung(kVC, 900, 333'333, 16'666'650),
                  Rung(kATC, 180, 1'666'667, 83'333'350), Rung(kIC, 72, 4'166'667, 208'333'350),
                  Rung(kP, 36, 8'333'333, 416'666'650)))
      << Describe(rec);
}

TEST(LearningBudgetTest, MetasThresholdForTheAdSetIsTheTOfTheBudget) {
  // T = 40 from week 2's record: 40 × (300 / 120 = 2.50) = 100. Week 1's
  // override of 70 is not the as-of week's and changes nothing.
  std::vector<Row> rows = WithSpends(kP, {{kP, 40}}, {100 * kMicros, 100 * kMicros, 100 * kMicros});
  rows[1].threshold_override = 70;
  rows[2].threshold_override = 40;

  const Recommendation rec = DecideAt(BuildHistory(rows), 2).recommendation;

  ASSERT_EQ(rec.learning_threshold, 40);
  EXPECT_THAT(rec.learning_budget.rungs.back(), Rung(kP, 120, 2'500'000, 100 * kMicros));
}

TEST(LearningBudgetTest, ACurrentEventOffTheLadderComesLast) {
  const Recommendation rec =
      DecideAt(BuildHistory(WithSpends("Lead", {{"Lead", 4}, {kP, 2}}, {8 * kMicros})), 0)
          .recommendation;

  ASSERT_EQ(rec.action, Action::kReviewSetup);
  ASSERT_EQ(rec.learning_budget.rungs.size(), 6u);
  EXPECT_EQ(rec.learning_budget.rungs[4], Rung(kP, 2, 4 * kMicros, 200 * kMicros));
  EXPECT_EQ(rec.learning_budget.rungs[5], Rung("Lead", 4, 2 * kMicros, 100 * kMicros));
}

TEST(LearningBudgetTest, NoRecordForTheWeekMeansNoBudget) {
  const Recommendation rec =
      DecideAt(BuildHistory(WithSpends(kP, {{kP, 40}}, {100 * kMicros})), 1).recommendation;

  ASSERT_EQ(rec.action, Action::kInsufficientData);
  EXPECT_EQ(rec.learning_budget, LearningBudget());
}

// --- The reasons -------------------------------------------------------------------

TEST(LearningBudgetReasonTest, ANearExitHoldNamesTheBudgetOfTheCurrentRungAndTheSpend) {
  // Spend 100 + 120 + 110 = 330 for 40 + 42 + 41 = 123 purchases: 2.682927
  // each, 50 × that = 134.14635; 110 a week.
  std::vector<Row> rows = WithSpends(kP, {{kP, 40}}, {100 * kMicros, 120 * kMicros, 110 * kMicros});
  rows[1].counts[kP] = 42;
  rows[2].counts[kP] = 41;

  const Recommendation rec = DecideAt(BuildHistory(rows), 2).recommendation;

  ASSERT_EQ(rec.action, Action::kHold) << Describe(rec);
  EXPECT_EQ(rec.reasons[0].message,
            "Purchase sustains 40/week (weekly 40, 42, 41 over 2026-09-07..2026-09-21): below "
            "T = 50 but at least the cutover of 30, so hold on Purchase; its signal holds its "
            "own; Purchase costs 2.68 each over the last 3 weeks; 50 a week would take about "
            "134.15/week (a lower bound, since the cost per event rises with spend), and the "
            "ad set spends 110.00/week");
}

TEST(LearningBudgetReasonTest, TheHoldsBudgetIsAtMetasThreshold) {
  std::vector<Row> rows = WithSpends(kP, {{kP, 35}}, {70 * kMicros, 70 * kMicros});
  rows[1].threshold_override = 40;

  const Recommendation rec = DecideAt(BuildHistory(rows), 1).recommendation;

  ASSERT_EQ(rec.action, Action::kHold) << Describe(rec);
  EXPECT_THAT(rec.reasons[0].message,
              HasSubstr("Purchase costs 2.00 each over the last 2 weeks; 40 a week would take "
                        "about 80.00/week"));
}

TEST(LearningBudgetReasonTest, ConsolidateNamesTheCurrentRungAndTheHighestCheaperOneBelow) {
  // 300 spent over 3 weeks: Purchase 24 → 12.50 each, 625.00; InitiateCheckout
  // 60 → 5.00, 250.00, the highest rung below and cheaper.
  std::vector<Row> rows = WithSpends(kP, {{kPV, 49}, {kVC, 45}, {kATC, 40}, {kIC, 20}, {kP, 8}},
                                     {100 * kMicros, 100 * kMicros, 100 * kMicros});
  rows[1].counts[kP] = 9;
  rows[2].counts[kP] = 7;

  const Recommendation rec = DecideAt(BuildHistory(rows), 2).recommendation;

  ASSERT_EQ(rec.action, Action::kConsolidate) << Describe(rec);
  EXPECT_THAT(
      rec.reasons[0].message,
      testing::EndsWith(
          ": merge ad sets or raise the budget; Purchase costs 12.50 each over the last 3 weeks; "
          "50 a week would take about 625.00/week (a lower bound, since the cost per event rises "
          "with spend), and the ad set spends 100.00/week; of the rungs below, InitiateCheckout "
          "is the highest that costs less to bring to T: 5.00 each, about 250.00/week"));
}

TEST(LearningBudgetReasonTest, ConsolidatePassesOverARungBelowThatCountedNone) {
  // InitiateCheckout counted none: AddToCart, 300 / 90 = 3.33, is next.
  std::vector<Row> rows = WithSpends(kP, {{kPV, 49}, {kVC, 45}, {kATC, 30}, {kIC, 0}, {kP, 8}},
                                     {100 * kMicros, 100 * kMicros, 100 * kMicros});

  const Recommendation rec = DecideAt(BuildHistory(rows), 2).recommendation;

  ASSERT_EQ(rec.action, Action::kConsolidate) << Describe(rec);
  EXPECT_THAT(rec.reasons[0].message,
              HasSubstr("of the rungs below, AddToCart is the highest that costs less to bring "
                        "to T: 3.33 each, about 166.67/week"));
}

TEST(LearningBudgetReasonTest, ConsolidateNamesNoRungBelowThatCostsMore) {
  // A funnel upside down: every rung below costs more than Purchase.
  std::vector<Row> rows = WithSpends(kP, {{kPV, 1}, {kVC, 1}, {kATC, 1}, {kIC, 1}, {kP, 8}},
                                     {100 * kMicros, 100 * kMicros, 100 * kMicros});

  const Recommendation rec = DecideAt(BuildHistory(rows), 2).recommendation;

  ASSERT_EQ(rec.action, Action::kConsolidate) << Describe(rec);
  EXPECT_THAT(rec.reasons[0].message, HasSubstr("Purchase costs 12.50 each"));
  EXPECT_THAT(rec.reasons[0].message, Not(HasSubstr("of the rungs below")));
}

TEST(LearningBudgetReasonTest, ACurrentRungCountedNoneSaysSoAndAnyRungBelowWithACostIsCheaper) {
  std::vector<Row> rows = WithSpends(kP, {{kPV, 20}, {kVC, 10}, {kATC, 0}, {kIC, 0}, {kP, 0}},
                                     {100 * kMicros, 100 * kMicros, 100 * kMicros});

  const Recommendation rec = DecideAt(BuildHistory(rows), 2).recommendation;

  ASSERT_EQ(rec.action, Action::kConsolidate) << Describe(rec);
  EXPECT_THAT(rec.reasons[0].message,
              HasSubstr("; Purchase counted none over the last 3 weeks, so the budget to bring "
                        "Purchase to T = 50 a week cannot be estimated; the ad set spends "
                        "100.00/week; of the rungs below, ViewContent is the highest that costs "
                        "less to bring to T: 10.00 each, about 500.00/week"));
}

TEST(LearningBudgetReasonTest, WithoutSpendTheBudgetCannotBeEstimated) {
  const Recommendation rec =
      DecideAt(BuildHistory(WithSpends(kP, {{kP, 40}}, {std::nullopt, std::nullopt, std::nullopt})),
               2)
          .recommendation;

  ASSERT_EQ(rec.action, Action::kHold) << Describe(rec);
  EXPECT_THAT(rec.reasons[0].message,
              testing::EndsWith("; its signal holds its own; the budget to bring Purchase to "
                                "T = 50 a week cannot be estimated without spend: no week of "
                                "2026-09-07..2026-09-21 reports any"));
  for (const char* never : {"nan", "inf", "0.00"}) {
    EXPECT_THAT(rec.reasons[0].message, Not(HasSubstr(never)));
  }
}

TEST(LearningBudgetReasonTest, WeeksWithoutSpendAreNamedAsTheWeeksOfTheFigures) {
  // Weeks 0 and 2 spend 80 for 40 + 40 purchases: 1.00 each, 50.00.
  const Recommendation rec =
      DecideAt(BuildHistory(WithSpends(kP, {{kP, 40}}, {40 * kMicros, std::nullopt, 40 * kMicros})),
               2)
          .recommendation;

  EXPECT_THAT(rec.reasons[0].message,
              HasSubstr("Purchase costs 1.00 each over its 2 weeks with spend of "
                        "2026-09-07..2026-09-21; 50 a week would take about 50.00/week"));
}

TEST(LearningBudgetReasonTest, OtherActionsDoNotTalkAboutTheBudget) {
  // Move down (scenario 1) and an exited ad set.
  for (const Counts& counts : {Counts{{kP, 12}, {kATC, 85}}, Counts{{kP, 85}, {kATC, 100}}}) {
    const Recommendation rec =
        DecideAt(BuildHistory(WithSpends(kP, counts, {kMicros, kMicros, kMicros})), 2)
            .recommendation;
    EXPECT_THAT(rec.reasons[0].message, Not(HasSubstr("a week would take"))) << Describe(rec);
    EXPECT_EQ(rec.learning_budget.spend_weeks, 3);
  }
}

}  // namespace
}  // namespace rung
