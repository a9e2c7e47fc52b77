#include "rung/history.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace rung {
namespace {

const Week kWeek0 = *Week::Parse("2026-09-07");

// One record of a test history: weeks are offsets from kWeek0.
struct Row {
  int week;
  std::string event;
  bool significant_edit = false;
  std::string ladder = "";
};

AdSetHistory Build(const std::vector<Row>& rows) {
  AdSetHistory history;
  for (const Row& row : rows) {
    AdSetWeek record;
    record.account_id = "act_1";
    record.campaign_id = "cmp_1";
    record.ad_set_id = "as_1";
    record.week = kWeek0.Plus(row.week);
    record.optimization_event = row.event;
    record.significant_edit = row.significant_edit;
    record.ladder = row.ladder;
    history.push_back(record);
  }
  return history;
}

TEST(FindWeekTest, FindsOnlyStoredWeeks) {
  const AdSetHistory history = Build({{0, "Purchase"}, {1, "AddToCart"}, {3, "Lead"}});
  ASSERT_NE(FindWeek(history, kWeek0.Plus(1)), nullptr);
  EXPECT_EQ(FindWeek(history, kWeek0.Plus(1))->optimization_event, "AddToCart");
  EXPECT_EQ(FindWeek(history, kWeek0.Plus(3))->optimization_event, "Lead");
  EXPECT_EQ(FindWeek(history, kWeek0.Plus(2)), nullptr);
  EXPECT_EQ(FindWeek(history, kWeek0.Plus(-1)), nullptr);
  EXPECT_EQ(FindWeek(history, kWeek0.Plus(4)), nullptr);
  EXPECT_EQ(FindWeek({}, kWeek0), nullptr);
}

template <typename T>
std::string TestName(const testing::TestParamInfo<T>& info) {
  return info.param.test_name;
}

struct RunCase {
  std::string test_name;
  std::vector<Row> rows;
  int as_of;  // offset of W
  int weeks_on_rung;
};

class WeeksOnRungTest : public testing::TestWithParam<RunCase> {};

TEST_P(WeeksOnRungTest, Counts) {
  EXPECT_EQ(WeeksOnRung(Build(GetParam().rows), kWeek0.Plus(GetParam().as_of)),
            GetParam().weeks_on_rung);
}

INSTANTIATE_TEST_SUITE_P(
    Rules, WeeksOnRungTest,
    testing::Values(
        RunCase{"SingleWeek", {{0, "Purchase"}}, 0, 1},
        RunCase{"ThreeWeeks", {{0, "Purchase"}, {1, "Purchase"}, {2, "Purchase"}}, 2, 3},
        RunCase{"MissingWeekEndsTheRun",
                {{0, "Purchase"}, {1, "Purchase"}, {3, "Purchase"}, {4, "Purchase"}},
                4,
                2},
        RunCase{"MissingWeekJustBeforeW", {{0, "Purchase"}, {2, "Purchase"}}, 2, 1},
        RunCase{"EventChangeEndsTheRun",
                {{0, "Purchase"}, {1, "Purchase"}, {2, "AddToCart"}, {3, "AddToCart"}},
                3,
                2},
        RunCase{"ReturningToAnEventStartsOver",
                {{0, "AddToCart"}, {1, "Purchase"}, {2, "AddToCart"}},
                2,
                1},
        RunCase{"SignificantEditCountsAsFirstWeek",
                {{0, "Purchase"}, {1, "Purchase", true}, {2, "Purchase"}, {3, "Purchase"}},
                3,
                3},
        RunCase{"SignificantEditAtW", {{0, "Purchase"}, {1, "Purchase", true}}, 1, 1},
        RunCase{"EditBeforeAnEventChangeIsIrrelevant",
                {{0, "Purchase", true}, {1, "AddToCart"}, {2, "AddToCart"}},
                2,
                2},
        RunCase{"LaterWeeksAreIgnored",
                {{0, "Purchase"}, {1, "Purchase"}, {2, "Purchase"}, {3, "Purchase"}},
                1,
                2},
        RunCase{"NoRecordForW", {{0, "Purchase"}, {2, "Purchase"}}, 1, 0},
        RunCase{"WBeforeFirstRecord", {{0, "Purchase"}}, -1, 0},
        RunCase{"WAfterLastRecord", {{0, "Purchase"}}, 1, 0}, RunCase{"EmptyHistory", {}, 0, 0}),
    TestName<RunCase>);

struct LadderCase {
  std::string test_name;
  std::vector<Row> rows;
  int as_of;
  std::string ladder;
};

class LadderAtTest : public testing::TestWithParam<LadderCase> {};

TEST_P(LadderAtTest, Inherits) {
  EXPECT_EQ(LadderAt(Build(GetParam().rows), kWeek0.Plus(GetParam().as_of)), GetParam().ladder);
}

const std::vector<Row> kLadderChanges = {
    {0, "Lead"}, {1, "Lead", false, "subscription"},    {2, "Lead"},
    {4, "Lead"}, {5, "Lead", false, "lead_generation"}, {6, "Lead"}};

INSTANTIATE_TEST_SUITE_P(
    Rules, LadderAtTest,
    testing::Values(LadderCase{"DefaultsToEcommerce", {{0, "Lead"}, {1, "Lead"}}, 1, "ecommerce"},
                    LadderCase{"EmptyHistory", {}, 0, "ecommerce"},
                    LadderCase{"BeforeAnyLadder", kLadderChanges, 0, "ecommerce"},
                    LadderCase{"WeekThatNamesIt", kLadderChanges, 1, "subscription"},
                    LadderCase{"InheritedByLaterWeeks", kLadderChanges, 2, "subscription"},
                    LadderCase{"InheritedAcrossAGap", kLadderChanges, 3, "subscription"},
                    LadderCase{"InheritedAfterAGap", kLadderChanges, 4, "subscription"},
                    LadderCase{"ReplacedLater", kLadderChanges, 5, "lead_generation"},
                    LadderCase{"ReplacementInherited", kLadderChanges, 6, "lead_generation"},
                    LadderCase{"AfterTheLastRecord", kLadderChanges, 9, "lead_generation"},
                    LadderCase{"BeforeTheFirstRecord", kLadderChanges, -3, "ecommerce"}),
    TestName<LadderCase>);

TEST(SummarizeTest, EmptyHistoryIsFailedPrecondition) {
  EXPECT_EQ(Summarize({}).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(SummarizeTest, DescribesTheAdSetByItsLatestWeek) {
  AdSetHistory history = Build({{0, "AddToCart", false, "subscription"},
                                {1, "AddToCart"},
                                {3, "Purchase"},
                                {4, "Purchase"},
                                {5, "Purchase"}});
  history.back().campaign_id = "cmp_2";
  history.back().account_id = "act_2";

  absl::StatusOr<AdSetSummary> summary = Summarize(history);

  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->account_id, "act_2");
  EXPECT_EQ(summary->campaign_id, "cmp_2");
  EXPECT_EQ(summary->ad_set_id, "as_1");
  EXPECT_EQ(summary->ladder, "subscription");
  EXPECT_EQ(summary->optimization_event, "Purchase");
  EXPECT_EQ(summary->weeks_on_rung, 3);
  EXPECT_EQ(summary->first_week, kWeek0);
  EXPECT_EQ(summary->last_week, kWeek0.Plus(5));
  EXPECT_EQ(summary->week_count, 5);
}

TEST(SummarizeTest, SingleWeek) {
  absl::StatusOr<AdSetSummary> summary = Summarize(Build({{2, "Lead"}}));
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->ladder, "ecommerce");
  EXPECT_EQ(summary->weeks_on_rung, 1);
  EXPECT_EQ(summary->first_week, kWeek0.Plus(2));
  EXPECT_EQ(summary->last_week, kWeek0.Plus(2));
  EXPECT_EQ(summary->week_count, 1);
}

}  // namespace
}  // namespace rung
