#include "rung/climb_test.h"

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "rung/week.h"
#include "support/decision_builder.h"

namespace rung {
namespace {

using test_support::MakeClimbTest;

Week W(int offset) { return test_support::WeekAt(offset); }

ClimbTest MakeTest(std::string id, int start, ClimbTestState state = ClimbTestState::kRunning,
                   std::optional<int> concluded = std::nullopt) {
  ClimbTest test = MakeClimbTest(start, state, concluded);
  test.climb_test_id = std::move(id);
  return test;
}

ClimbTest Kept(std::string id, int concluded, int64_t baseline,
               std::string to_event = "InitiateCheckout") {
  ClimbTest test = MakeTest(std::move(id), concluded - 1, ClimbTestState::kKeptCurrent, concluded);
  test.to_event = std::move(to_event);
  test.retest_baseline = baseline;
  return test;
}

template <typename T>
std::string TestName(const testing::TestParamInfo<T>& info) {
  return info.param.test_name;
}

std::string IdOf(const ClimbTest* test) { return test == nullptr ? "<none>" : test->climb_test_id; }

TEST(ClimbTestStateTest, NamesRoundTrip) {
  for (const auto state : {ClimbTestState::kRunning, ClimbTestState::kPromoted,
                           ClimbTestState::kKeptCurrent, ClimbTestState::kCancelled}) {
    EXPECT_EQ(ClimbTestStateFromName(ClimbTestStateName(state)), std::optional(state));
  }
  EXPECT_EQ(ClimbTestStateName(ClimbTestState::kKeptCurrent), "KEPT_CURRENT");
  EXPECT_EQ(ClimbTestStateName(ClimbTestState::kPromoted), "PROMOTED");
  EXPECT_EQ(ClimbTestStateFromName("kept_current"), std::nullopt);
  EXPECT_EQ(ClimbTestStateFromName(""), std::nullopt);
}

TEST(ClimbTestTest, InvolvesBothSidesOnly) {
  const ClimbTest test = MakeTest("ct_1", 0);
  EXPECT_TRUE(test.Involves("as_1"));
  EXPECT_TRUE(test.Involves("as_2"));
  EXPECT_FALSE(test.Involves("as_3"));
  EXPECT_FALSE(test.Involves(""));
}

struct GoverningCase {
  std::string test_name;
  std::vector<ClimbTest> tests;
  std::string ad_set;
  int week;
  std::string governing;  // climb_test_id, or "<none>"
};

// Failure messages name the case, not its bytes.
void PrintTo(const GoverningCase& c, std::ostream* os) { *os << c.test_name; }

class GoverningTestTest : public testing::TestWithParam<GoverningCase> {};

TEST_P(GoverningTestTest, Selects) {
  const GoverningCase& c = GetParam();
  EXPECT_EQ(IdOf(GoverningTest(c.tests, c.ad_set, W(c.week))), c.governing);
}

INSTANTIATE_TEST_SUITE_P(
    Rules, GoverningTestTest,
    testing::Values(
        GoverningCase{"NoTests", {}, "as_1", 3, "<none>"},
        GoverningCase{"RunningGovernsTheOriginal", {MakeTest("ct_1", 2)}, "as_1", 3, "ct_1"},
        GoverningCase{"RunningGovernsTheDuplicate", {MakeTest("ct_1", 2)}, "as_2", 3, "ct_1"},
        GoverningCase{"OtherAdSet", {MakeTest("ct_1", 2)}, "as_3", 3, "<none>"},
        GoverningCase{"StartsAtW", {MakeTest("ct_1", 3)}, "as_1", 3, "ct_1"},
        GoverningCase{"StartsAfterW", {MakeTest("ct_1", 4)}, "as_1", 3, "<none>"},
        GoverningCase{
            "Cancelled", {MakeTest("ct_1", 2, ClimbTestState::kCancelled, 5)}, "as_1", 3, "<none>"},
        GoverningCase{"ConcludedBeforeW",
                      {MakeTest("ct_1", 1, ClimbTestState::kPromoted, 2)},
                      "as_1",
                      3,
                      "<none>"},
        GoverningCase{"ConcludedAtWJudgesAgain",
                      {MakeTest("ct_1", 1, ClimbTestState::kPromoted, 3)},
                      "as_1",
                      3,
                      "ct_1"},
        GoverningCase{"ConcludedAfterWAsItThenRan",
                      {MakeTest("ct_1", 1, ClimbTestState::kKeptCurrent, 5)},
                      "as_2",
                      3,
                      "ct_1"},
        GoverningCase{"LatestStartedWins",
                      {MakeTest("ct_old", 1), MakeTest("ct_new", 2)},
                      "as_1",
                      3,
                      "ct_new"},
        GoverningCase{"LatestStartedWinsInAnyOrder",
                      {MakeTest("ct_new", 2), MakeTest("ct_old", 1)},
                      "as_1",
                      3,
                      "ct_new"},
        GoverningCase{"LaterButNotStartedYet",
                      {MakeTest("ct_old", 1), MakeTest("ct_future", 5)},
                      "as_1",
                      3,
                      "ct_old"},
        GoverningCase{"LaterButCancelled",
                      {MakeTest("ct_old", 1), MakeTest("ct_new", 2, ClimbTestState::kCancelled, 2)},
                      "as_1",
                      3,
                      "ct_old"},
        GoverningCase{"LaterButConcluded",
                      {MakeTest("ct_old", 1), MakeTest("ct_new", 2, ClimbTestState::kPromoted, 2)},
                      "as_1",
                      3,
                      "ct_old"}),
    TestName<GoverningCase>);

struct BaselineCase {
  std::string test_name;
  std::vector<ClimbTest> tests;
  std::string ad_set;
  std::string event;
  int week;
  std::optional<int64_t> baseline;
};

// Failure messages name the case, not its bytes.
void PrintTo(const BaselineCase& c, std::ostream* os) { *os << c.test_name; }

class RetestBaselineTest : public testing::TestWithParam<BaselineCase> {};

TEST_P(RetestBaselineTest, Selects) {
  const BaselineCase& c = GetParam();
  EXPECT_EQ(RetestBaseline(c.tests, c.ad_set, c.event, W(c.week)), c.baseline);
}

ClimbTest WithoutBaseline(ClimbTest test) {
  test.retest_baseline.reset();
  return test;
}

ClimbTest AsDuplicate(ClimbTest test) {
  test.original_ad_set_id = "as_9";
  test.duplicate_ad_set_id = "as_1";
  return test;
}

ClimbTest InState(ClimbTest test, ClimbTestState state) {
  test.state = state;
  return test;
}

INSTANTIATE_TEST_SUITE_P(
    Rules, RetestBaselineTest,
    testing::Values(
        BaselineCase{"NoTests", {}, "as_1", "InitiateCheckout", 5, std::nullopt},
        BaselineCase{"KeptBeforeW", {Kept("ct_1", 2, 40)}, "as_1", "InitiateCheckout", 5, 40},
        BaselineCase{
            "KeptTheWeekBeforeW", {Kept("ct_1", 4, 40)}, "as_1", "InitiateCheckout", 5, 40},
        BaselineCase{"KeptAtW", {Kept("ct_1", 5, 40)}, "as_1", "InitiateCheckout", 5, std::nullopt},
        BaselineCase{
            "KeptAfterW", {Kept("ct_1", 6, 40)}, "as_1", "InitiateCheckout", 5, std::nullopt},
        BaselineCase{"OtherEvent",
                     {Kept("ct_1", 2, 40, "Purchase")},
                     "as_1",
                     "InitiateCheckout",
                     5,
                     std::nullopt},
        BaselineCase{"ForThatEvent", {Kept("ct_1", 2, 40, "Purchase")}, "as_1", "Purchase", 5, 40},
        BaselineCase{"AdSetWasTheDuplicate",
                     {AsDuplicate(Kept("ct_1", 2, 40))},
                     "as_1",
                     "InitiateCheckout",
                     5,
                     std::nullopt},
        BaselineCase{
            "OtherAdSet", {Kept("ct_1", 2, 40)}, "as_3", "InitiateCheckout", 5, std::nullopt},
        BaselineCase{"Promoted",
                     {InState(Kept("ct_1", 2, 40), ClimbTestState::kPromoted)},
                     "as_1",
                     "InitiateCheckout",
                     5,
                     std::nullopt},
        BaselineCase{"Cancelled",
                     {InState(Kept("ct_1", 2, 40), ClimbTestState::kCancelled)},
                     "as_1",
                     "InitiateCheckout",
                     5,
                     std::nullopt},
        BaselineCase{"Running",
                     {InState(Kept("ct_1", 2, 40), ClimbTestState::kRunning)},
                     "as_1",
                     "InitiateCheckout",
                     5,
                     std::nullopt},
        BaselineCase{"KeptWithoutBaseline",
                     {WithoutBaseline(Kept("ct_1", 2, 40))},
                     "as_1",
                     "InitiateCheckout",
                     5,
                     std::nullopt},
        BaselineCase{"LatestKeptWins",
                     {Kept("ct_1", 1, 40), Kept("ct_2", 3, 55)},
                     "as_1",
                     "InitiateCheckout",
                     5,
                     55},
        BaselineCase{"LatestKeptWinsInAnyOrder",
                     {Kept("ct_2", 3, 55), Kept("ct_1", 1, 40)},
                     "as_1",
                     "InitiateCheckout",
                     5,
                     55},
        BaselineCase{"LatestBeforeWWins",
                     {Kept("ct_1", 1, 40), Kept("ct_2", 5, 55)},
                     "as_1",
                     "InitiateCheckout",
                     5,
                     40},
        BaselineCase{"LaterLowerBaselineStillWins",
                     {Kept("ct_1", 1, 90), Kept("ct_2", 3, 20)},
                     "as_1",
                     "InitiateCheckout",
                     5,
                     20},
        BaselineCase{"ZeroBaseline", {Kept("ct_1", 1, 0)}, "as_1", "InitiateCheckout", 5, 0}),
    TestName<BaselineCase>);

}  // namespace
}  // namespace rung

namespace rung {
namespace {

TestUpdate Finding(ClimbTestState state, std::string id = "ct_1") {
  TestUpdate finding;
  finding.climb_test_id = std::move(id);
  finding.state = state;
  if (state != ClimbTestState::kRunning) {
    finding.original_cost_per_macro = 10.0;
    finding.duplicate_cost_per_macro = 9.0;
  }
  return finding;
}

// A test on other ad sets, one of which is `shared`, in the role given.
ClimbTest Rival(std::string id, ClimbTestState state, std::string original, std::string duplicate) {
  ClimbTest rival = MakeTest(std::move(id), 3, state);
  rival.original_ad_set_id = std::move(original);
  rival.duplicate_ad_set_id = std::move(duplicate);
  return rival;
}

TEST(CheckNoRunningTestInvolvesTest, NamesTheAdSetTheRoleAndTheTest) {
  const ClimbTest candidate = MakeTest("ct_new", 5);  // as_1 -> as_2
  EXPECT_TRUE(CheckNoRunningTestInvolves(candidate, {}).ok());
  const absl::Status as_duplicate = CheckNoRunningTestInvolves(
      candidate, {Rival("ct_old", ClimbTestState::kRunning, "as_9", "as_2")});
  EXPECT_EQ(as_duplicate.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(as_duplicate.message(),
            "ad set 'as_2' is already the duplicate of running climb test 'ct_old'");
  const absl::Status as_original = CheckNoRunningTestInvolves(
      candidate, {Rival("ct_old", ClimbTestState::kRunning, "as_1", "as_7")});
  EXPECT_EQ(as_original.message(),
            "ad set 'as_1' is already the original of running climb test 'ct_old'");
}

TEST(CheckNoRunningTestInvolvesTest, IgnoresEndedTestsAndTheCandidateItself) {
  const ClimbTest candidate = MakeTest("ct_new", 5);
  EXPECT_TRUE(
      CheckNoRunningTestInvolves(
          candidate, {Rival("ct_a", ClimbTestState::kCancelled, "as_1", "as_2"),
                      Rival("ct_b", ClimbTestState::kKeptCurrent, "as_2", "as_1"), candidate})
          .ok());
}

TEST(CancelledTest, EndsARunningTestAtTheWeek) {
  const absl::StatusOr<ClimbTest> cancelled = Cancelled(MakeTest("ct_1", 2), W(4));
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  EXPECT_EQ(cancelled->state, ClimbTestState::kCancelled);
  EXPECT_EQ(cancelled->concluded_week, W(4));
}

TEST(CancelledTest, KeepsACancelledTestAsItIs) {
  const ClimbTest before = MakeTest("ct_1", 2, ClimbTestState::kCancelled, 3);
  const absl::StatusOr<ClimbTest> again = Cancelled(before, W(6));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->concluded_week, W(3));
}

TEST(CancelledTest, RefusesAJudgedTest) {
  const absl::StatusOr<ClimbTest> refused =
      Cancelled(MakeTest("ct_1", 2, ClimbTestState::kPromoted, 4), W(6));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(refused.status().message(), "climb test 'ct_1' was already judged PROMOTED at week " +
                                            W(4).ToString() +
                                            "; only a running test can be cancelled");
}

TEST(AfterFindingTest, ConcludesARunningTestWithTheFindingsFigures) {
  const std::optional<ClimbTest> next =
      AfterFinding(MakeTest("ct_1", 2), Finding(ClimbTestState::kPromoted), W(4), {});
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->state, ClimbTestState::kPromoted);
  EXPECT_EQ(next->concluded_week, W(4));
  EXPECT_EQ(next->original_cost_per_macro, 10.0);
  EXPECT_EQ(next->duplicate_cost_per_macro, 9.0);
}

TEST(AfterFindingTest, JudgesAgainOnlyAtTheJudgingWeek) {
  const ClimbTest judged = MakeTest("ct_1", 2, ClimbTestState::kPromoted, 4);
  const std::optional<ClimbTest> same_week =
      AfterFinding(judged, Finding(ClimbTestState::kKeptCurrent), W(4), {});
  ASSERT_TRUE(same_week.has_value());
  EXPECT_EQ(same_week->state, ClimbTestState::kKeptCurrent);
  EXPECT_FALSE(AfterFinding(judged, Finding(ClimbTestState::kKeptCurrent), W(5), {}).has_value());
  EXPECT_FALSE(AfterFinding(judged, Finding(ClimbTestState::kKeptCurrent), W(3), {}).has_value());
}

TEST(AfterFindingTest, ChangesNothingWhenTheFindingIsWhatIsStored) {
  ClimbTest judged = MakeTest("ct_1", 2, ClimbTestState::kPromoted, 4);
  judged.original_cost_per_macro = 10.0;
  judged.duplicate_cost_per_macro = 9.0;
  EXPECT_FALSE(AfterFinding(judged, Finding(ClimbTestState::kPromoted), W(4), {}).has_value());
  EXPECT_FALSE(
      AfterFinding(MakeTest("ct_1", 2), Finding(ClimbTestState::kRunning), W(4), {}).has_value());
}

TEST(AfterFindingTest, ReopensATestJudgedAtTheWeekThatRunsAgain) {
  ClimbTest judged = MakeTest("ct_1", 2, ClimbTestState::kKeptCurrent, 4);
  judged.retest_baseline = 40;
  const std::optional<ClimbTest> next =
      AfterFinding(judged, Finding(ClimbTestState::kRunning), W(4), {judged});
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->state, ClimbTestState::kRunning);
  EXPECT_FALSE(next->concluded_week.has_value());
  EXPECT_FALSE(next->retest_baseline.has_value());
  EXPECT_FALSE(AfterFinding(judged, Finding(ClimbTestState::kRunning), W(5), {}).has_value());
}

TEST(AfterFindingTest, DoesNotReopenATestThatALaterRunningTestReplaced) {
  const ClimbTest judged = MakeTest("ct_1", 2, ClimbTestState::kKeptCurrent, 4);
  const ClimbTest later = Rival("ct_2", ClimbTestState::kRunning, "as_2", "as_8");
  EXPECT_FALSE(
      AfterFinding(judged, Finding(ClimbTestState::kRunning), W(4), {judged, later}).has_value());
}

TEST(AfterFindingTest, NeverTouchesACancelledTest) {
  const ClimbTest cancelled = MakeTest("ct_1", 2, ClimbTestState::kCancelled, 4);
  for (const ClimbTestState state : {ClimbTestState::kRunning, ClimbTestState::kPromoted,
                                     ClimbTestState::kKeptCurrent, ClimbTestState::kCancelled}) {
    EXPECT_FALSE(AfterFinding(cancelled, Finding(state), W(4), {}).has_value())
        << ClimbTestStateName(state);
  }
  EXPECT_FALSE(
      AfterFinding(MakeTest("ct_1", 2), Finding(ClimbTestState::kCancelled), W(4), {}).has_value());
}

}  // namespace
}  // namespace rung
