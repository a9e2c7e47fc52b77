// What an account's weekly spend could keep at the learning threshold on
// each rung (rung/account_summary.h), from stored budgets built by hand.

#include "rung/account_summary.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace rung {
namespace {

using ::testing::ElementsAre;

// An ad set's stored budget over `spend_weeks` weeks at T.
StoredLearningBudget Advice(const std::string& ad_set_id, std::optional<int64_t> weekly_spend,
                            int spend_weeks, int threshold, std::vector<RungBudget> rungs) {
  StoredLearningBudget stored;
  stored.ad_set_id = ad_set_id;
  stored.learning_threshold = threshold;
  stored.budget.spend_weeks = spend_weeks;
  stored.budget.weekly_spend_micros = weekly_spend;
  stored.budget.rungs = std::move(rungs);
  return stored;
}

// A rung's count; the cost and budget are not what the capacity reads.
RungBudget Counted(const std::string& event, int64_t count) { return {event, count, 1, 1}; }

std::string Line(const RungCapacity& rung) {
  return rung.event + " " + std::to_string(rung.ad_sets_at_threshold) + " " +
         (rung.blended_weekly_budget_micros.has_value()
              ? std::to_string(*rung.blended_weekly_budget_micros)
              : "-");
}

std::vector<std::string> Lines(const LearningCapacity& capacity) {
  std::vector<std::string> lines;
  for (const RungCapacity& rung : capacity.rungs) lines.push_back(Line(rung));
  return lines;
}

TEST(LearningCapacityTest, EachAdSetAddsItsWeeklyCountOverItsOwnT) {
  LearningCapacityFolder folder;
  // 90 over 3 weeks at T = 20: 1.5; 80 over 2 weeks at T = 50: 0.8. The
  // spend 300 + 100 over 2.3 ad sets is 173.913043 each.
  folder.Add(Advice("a", 300'000'000, 3, 20, {Counted("AddToCart", 90)}));
  folder.Add(Advice("b", 100'000'000, 2, 50, {Counted("AddToCart", 80)}));

  const LearningCapacity capacity = folder.Capacity();

  EXPECT_EQ(capacity.weekly_spend_micros, 400'000'000);
  EXPECT_THAT(Lines(capacity), ElementsAre("AddToCart 2 173913043"));
}

TEST(LearningCapacityTest, AWholeNumberOfAdSetsOnPaperStaysWhole) {
  // 1/2 + 5/3 + 5/6 = 3, which binary fractions sum to a hair below.
  LearningCapacityFolder folder;
  folder.Add(Advice("a", 1'000'000, 1, 2, {Counted("Purchase", 1)}));
  folder.Add(Advice("b", 1'000'000, 1, 3, {Counted("Purchase", 5)}));
  folder.Add(Advice("c", 1'000'000, 1, 6, {Counted("Purchase", 5)}));

  EXPECT_THAT(Lines(folder.Capacity()), ElementsAre("Purchase 3 1000000"));
}

TEST(LearningCapacityTest, SpendOfNothingOrUnknownBuysNoAdSet) {
  LearningCapacityFolder folder;
  folder.Add(Advice("paid", 50'000'000, 1, 10, {Counted("Lead", 5)}));
  // Counted with spend 0: free events, which no budget pays for.
  folder.Add(Advice("free", 0, 1, 10, {Counted("Lead", 1000)}));
  // No spend week: neither spend nor events.
  folder.Add(Advice("unknown", std::nullopt, 0, 10, {Counted("Lead", 0)}));

  const LearningCapacity capacity = folder.Capacity();

  EXPECT_EQ(capacity.weekly_spend_micros, 50'000'000);
  EXPECT_THAT(Lines(capacity), ElementsAre("Lead 0 100000000"));
}

TEST(LearningCapacityTest, RungsComeLowestFirstAndOnlyWhenSomeAdSetCountedThem) {
  // By the least place a budget gives them, then by name: Lead and PageView
  // are first in theirs, but PageView counted none.
  LearningCapacityFolder folder;
  folder.Add(Advice("a", 10'000'000, 1, 1,
                    {Counted("PageView", 0), Counted("AddToCart", 0), Counted("Purchase", 2)}));
  folder.Add(Advice("b", 10'000'000, 1, 1, {Counted("Lead", 1), Counted("AddToCart", 4)}));

  EXPECT_THAT(Lines(folder.Capacity()),
              ElementsAre("Lead 1 20000000", "AddToCart 4 5000000", "Purchase 2 10000000"));
}

TEST(LearningCapacityTest, RowsInAnyOrderGiveOneAnswer) {
  // The scan promises no order, and the figures keep none.
  // AddToCart 1 / (3 × 7) + 4 / (1 × 3) = 29 / 21, at 30 × 21 / 29 = 21.724138.
  const StoredLearningBudget a =
      Advice("a", 10'000'000, 3, 7, {Counted("AddToCart", 1), Counted("Purchase", 2)});
  const StoredLearningBudget b =
      Advice("b", 20'000'000, 1, 3, {Counted("Lead", 1), Counted("AddToCart", 4)});
  LearningCapacityFolder forward;
  forward.Add(a);
  forward.Add(b);
  LearningCapacityFolder backward;
  backward.Add(b);
  backward.Add(a);

  EXPECT_THAT(Lines(backward.Capacity()),
              ElementsAre("AddToCart 1 21724138", "Lead 0 90000000", "Purchase 0 315000000"));
  EXPECT_EQ(Lines(backward.Capacity()), Lines(forward.Capacity()));
}

TEST(LearningCapacityTest, ABudgetBeyondSixtyFourBitsIsLeftOut) {
  // One event in 52 weeks at T = 1,000,000 is 1 / 52,000,000 of an ad set.
  LearningCapacityFolder folder;
  folder.Add(Advice("a", std::numeric_limits<int64_t>::max() / 2, 52, 1'000'000,
                    {Counted("Purchase", 1)}));

  EXPECT_THAT(Lines(folder.Capacity()), ElementsAre("Purchase 0 -"));
}

}  // namespace
}  // namespace rung
