// The account view over a real SQLite file: ListAccounts and
// GetAccountSummary against figures worked out by hand from the ladder
// policy, for two accounts over four weeks evaluated twice.
//
// act_1, weeks W0..W3, the same counts each week (spend a week):
//   a1  Purchase 12, AddToCart 85            100.00  MOVE_DOWN, STUCK
//   a2  AddToCart 85, InitiateCheckout 40    200.00  DUPLICATE_AND_CLIMB, EXITED;
//                                                    in a climb test from W3: CONTINUE_TEST
//   a3  Purchase 60                          300.00  AT_TOP, EXITED
//   a5  Purchase 20, AddToCart 45             50.00  CONSOLIDATE, STUCK at T = 50;
//                                                    MOVE_DOWN, NEAR_EXIT at T = 40
//   a4  Purchase 80, at W3 only              no spend  STABILIZE (one week on the rung)
// act_2: b1 Purchase 45, 10.00 a week: HOLD, NEAR_EXIT.
// W2 is evaluated at T = 50; then act_1's T becomes 40, a2's test starts at
// W3, and W3 is evaluated.
//
// What act_1's spend could keep at T = 40 at W3, over each ad set's window
// W1..W3 (a4 has no spend, so it adds nothing): the weekly spend is 100 +
// 200 + 300 + 50 = 650, and each ad set adds its weekly count ÷ 40 on each
// rung (its spend ÷ its budget there):
//   AddToCart         a1 85/40 + a2 85/40 + a5 45/40 = 5.375: 5 ad sets,
//                     650 / 5.375 = 120.930233 each
//   InitiateCheckout  a2 40/40 = 1: 1 ad set, 650.00
//   Purchase          a1 12/40 + a3 60/40 + a5 20/40 = 2.3: 2 ad sets,
//                     650 / 2.3 = 282.608696

#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rung/advisor.h"
#include "storage_test_util.h"
#include "support/status_assertions.h"

namespace rung {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::SizeIs;
using ::testing::UnorderedElementsAre;

using Counts = std::vector<std::pair<std::string, int64_t>>;

class AdvisorAccountViewTest : public AdvisorTest {
 protected:
  void SetUp() override {
    AdvisorTest::SetUp();
    Ingest("act_1", "a1", "Purchase", {{"Purchase", 12}, {"AddToCart", 85}}, 100, 0);
    Ingest("act_1", "a2", "AddToCart", {{"AddToCart", 85}, {"InitiateCheckout", 40}}, 200, 0);
    Ingest("act_1", "a3", "Purchase", {{"Purchase", 60}}, 300, 0);
    Ingest("act_1", "a5", "Purchase", {{"Purchase", 20}, {"AddToCart", 45}}, 50, 0);
    Ingest("act_1", "a4", "Purchase", {{"Purchase", 80}}, std::nullopt, 3);
    Ingest("act_2", "b1", "Purchase", {{"Purchase", 45}}, 10, 0);
    Evaluate(W(2));
    PolicyUpdate update;
    update.account_id = "act_1";
    update.policy.overrides.learning_threshold = 40;
    update.reason = "high ticket";
    ASSERT_OK(advisor_->UpdatePolicy(update, "lead").status());
    ASSERT_OK(advisor_->StartClimbTest("a2", "a2_dup", W(3).ToString()).status());
    Evaluate(W(3));
  }

  // Weeks W(first)..W(3) of one ad set, the same counts each week.
  void Ingest(const std::string& account_id, const std::string& ad_set_id, const std::string& event,
              const Counts& counts, std::optional<int> spend_units, int first) {
    const SteadyWeeks weeks{account_id, ad_set_id, event, counts, spend_units, first};
    ASSERT_OK(advisor_->IngestWeeks(weeks.Rows(), "").status());
  }

  void Evaluate(Week week) {
    EvaluationRequest request;
    request.as_of_week = week.ToString();
    ASSERT_OK(advisor_->EvaluateAdSets(request).status());
  }
};

TEST_F(AdvisorAccountViewTest, ListAccountsCountsWhatNeedsAPersonAtTheLatestWeek) {
  AccountRecord synced;
  synced.account_id = "act_3";
  synced.name = "Synced, nothing stored";
  ASSERT_OK(advisor_->RecordAccountSync(synced).status());

  ASSERT_OK_AND_ASSIGN(const AccountPage page, advisor_->ListAccounts(0, ""));

  ASSERT_THAT(page.accounts, SizeIs(3));
  const AccountOverview& first = page.accounts[0];
  EXPECT_EQ(first.account_id, "act_1");
  EXPECT_EQ(first.ad_sets, 5);
  EXPECT_EQ(first.last_week_stored, W(3));
  EXPECT_EQ(first.latest_evaluated_week, W(3));
  EXPECT_EQ(first.needing_attention, 2);  // a1 and a5 move down; a2 is in its test
  EXPECT_FALSE(first.last_sync_time.has_value());
  EXPECT_EQ(page.accounts[1].account_id, "act_2");
  EXPECT_EQ(page.accounts[1].needing_attention, 0);
  const AccountOverview& third = page.accounts[2];
  EXPECT_EQ(third.account_id, "act_3");
  EXPECT_EQ(third.name, "Synced, nothing stored");
  EXPECT_EQ(third.ad_sets, 0);
  EXPECT_FALSE(third.last_week_stored.has_value());
  EXPECT_TRUE(third.last_sync_time.has_value());

  ASSERT_OK_AND_ASSIGN(const AccountPage one, advisor_->ListAccounts(2, ""));
  ASSERT_THAT(one.accounts, SizeIs(2));
  ASSERT_OK_AND_ASSIGN(const AccountPage rest, advisor_->ListAccounts(2, one.next_page_token));
  ASSERT_THAT(rest.accounts, SizeIs(1));
  EXPECT_EQ(rest.accounts[0].account_id, "act_3");
  EXPECT_EQ(rest.next_page_token, "");
}

// The store's count of a page and the core's fold of an account's rows
// must agree, since the metrics show one and the summary the other.
TEST_F(AdvisorAccountViewTest, ListAccountsCountsActionsAndLearningAsTheSummaryDoes) {
  ASSERT_OK_AND_ASSIGN(const AccountPage page, advisor_->ListAccounts(0, ""));

  ASSERT_THAT(page.accounts, SizeIs(2));
  EXPECT_THAT(page.accounts[0].actions,
              UnorderedElementsAre(Pair(Action::kMoveDown, 2), Pair(Action::kContinueTest, 1),
                                   Pair(Action::kAtTop, 1), Pair(Action::kStabilize, 1)));
  EXPECT_THAT(
      page.accounts[0].learning_statuses,
      UnorderedElementsAre(Pair(LearningStatus::kStuck, 1), Pair(LearningStatus::kNearExit, 1),
                           Pair(LearningStatus::kExited, 3)));
  for (const AccountOverview& account : page.accounts) {
    ASSERT_OK_AND_ASSIGN(const AccountSummary summary,
                         advisor_->GetAccountSummary(account.account_id, ""));
    EXPECT_EQ(account.actions, summary.figures.actions) << account.account_id;
    EXPECT_EQ(account.learning_statuses, summary.figures.learning_statuses) << account.account_id;
  }
}

TEST_F(AdvisorAccountViewTest, ForEachAccountWalksThePagesUpToTheMaximum) {
  for (const char* account_id : {"act_3", "act_4"}) {
    AccountRecord synced;
    synced.account_id = account_id;
    ASSERT_OK(advisor_->RecordAccountSync(synced).status());
  }
  AdvisorOptions one_a_page;
  one_a_page.max_page_size = 1;
  Advisor advisor(store_.get(), PolicyFile(), one_a_page, [this] { return now_; });
  auto walk = [&advisor](int max_accounts) {
    std::vector<std::string> ids;
    const absl::Status walked = advisor.ForEachAccount(
        [&ids](const AccountOverview& account) {
          ids.push_back(account.account_id);
          return absl::OkStatus();
        },
        max_accounts);
    if (!walked.ok()) ids.push_back(walked.ToString());
    return ids;
  };

  EXPECT_THAT(walk(3), ElementsAre("act_1", "act_2", "act_3"));
  EXPECT_THAT(walk(100), ElementsAre("act_1", "act_2", "act_3", "act_4"));
  EXPECT_THAT(walk(0), IsEmpty());
  int visits = 0;
  const absl::Status stopped = advisor.ForEachAccount([&visits](const AccountOverview&) {
    return ++visits == 2 ? absl::CancelledError("enough") : absl::OkStatus();
  });
  EXPECT_TRUE(HasStatus(stopped, absl::StatusCode::kCancelled, "enough")) << stopped;
  EXPECT_EQ(visits, 2);
}

TEST_F(AdvisorAccountViewTest, TheSummaryOfTheLatestWeekMatchesTheHandCount) {
  ASSERT_OK_AND_ASSIGN(const AccountSummary summary, advisor_->GetAccountSummary("act_1", ""));

  EXPECT_EQ(summary.as_of_week, W(3));
  EXPECT_EQ(summary.previous_week, W(2));
  const WeekFigures& week = summary.figures;
  EXPECT_EQ(week.ad_sets, 5);
  EXPECT_THAT(week.actions,
              UnorderedElementsAre(Pair(Action::kMoveDown, 2), Pair(Action::kContinueTest, 1),
                                   Pair(Action::kAtTop, 1), Pair(Action::kStabilize, 1)));
  EXPECT_THAT(week.learning_statuses, UnorderedElementsAre(Pair(LearningStatus::kStuck, 1),
                                                           Pair(LearningStatus::kNearExit, 1),
                                                           Pair(LearningStatus::kExited, 3)));
  EXPECT_THAT(week.rungs, UnorderedElementsAre(Pair("Purchase", 4), Pair("AddToCart", 1)));
  EXPECT_EQ(week.spend_micros, 650'000'000);
  EXPECT_EQ(week.spend_below_threshold_micros, 150'000'000);  // a1 and a5
  EXPECT_DOUBLE_EQ(week.SpendShareBelowThreshold(), 150.0 / 650.0);
  EXPECT_EQ(week.needing_attention, 2);
  EXPECT_THAT(summary.climb_tests, ElementsAre(Pair(ClimbTestState::kRunning, 1)));
  ASSERT_THAT(summary.tests_started, SizeIs(1));
  EXPECT_EQ(summary.tests_started[0].original_ad_set_id, "a2");
  EXPECT_THAT(summary.tests_concluded, IsEmpty());
}

TEST_F(AdvisorAccountViewTest, TheAdSetsTheSpendCouldKeepAtTMatchTheHandCount) {
  ASSERT_OK_AND_ASSIGN(const AccountSummary summary, advisor_->GetAccountSummary("act_1", ""));

  const LearningCapacity& capacity = summary.learning_capacity;
  EXPECT_EQ(capacity.weekly_spend_micros, 650'000'000);
  ASSERT_THAT(capacity.rungs, SizeIs(3));
  EXPECT_EQ(capacity.rungs[0].event, "AddToCart");
  EXPECT_EQ(capacity.rungs[0].ad_sets_at_threshold, 5);
  EXPECT_EQ(capacity.rungs[0].blended_weekly_budget_micros, 120'930'233);
  EXPECT_EQ(capacity.rungs[1].event, "InitiateCheckout");
  EXPECT_EQ(capacity.rungs[1].ad_sets_at_threshold, 1);
  EXPECT_EQ(capacity.rungs[1].blended_weekly_budget_micros, 650'000'000);
  EXPECT_EQ(capacity.rungs[2].event, "Purchase");
  EXPECT_EQ(capacity.rungs[2].ad_sets_at_threshold, 2);
  EXPECT_EQ(capacity.rungs[2].blended_weekly_budget_micros, 282'608'696);

  // At W2, T = 50 and a4 had no week yet: Purchase 12/50 + 60/50 + 20/50.
  ASSERT_OK_AND_ASSIGN(const AccountSummary earlier,
                       advisor_->GetAccountSummary("act_1", W(2).ToString()));
  ASSERT_THAT(earlier.learning_capacity.rungs, SizeIs(3));
  EXPECT_EQ(earlier.learning_capacity.rungs[2].event, "Purchase");
  EXPECT_EQ(earlier.learning_capacity.rungs[2].ad_sets_at_threshold, 1);
  EXPECT_EQ(earlier.learning_capacity.rungs[2].blended_weekly_budget_micros, 353'260'870);
}

TEST_F(AdvisorAccountViewTest, WhatChangedSinceTheEvaluatedWeekBefore) {
  ASSERT_OK_AND_ASSIGN(const AccountSummary summary, advisor_->GetAccountSummary("act_1", ""));

  ASSERT_THAT(summary.changes, SizeIs(3));
  EXPECT_EQ(summary.changes[0].ad_set_id, "a2");
  EXPECT_EQ(summary.changes[0].before, Action::kDuplicateAndClimb);
  EXPECT_EQ(summary.changes[0].after, Action::kContinueTest);
  EXPECT_EQ(summary.changes[1].ad_set_id, "a4");
  EXPECT_EQ(summary.changes[1].before, std::nullopt);
  EXPECT_EQ(summary.changes[1].after, Action::kStabilize);
  EXPECT_EQ(summary.changes[2].ad_set_id, "a5");
  EXPECT_EQ(summary.changes[2].before, Action::kConsolidate);
  EXPECT_EQ(summary.changes[2].after, Action::kMoveDown);
}

TEST_F(AdvisorAccountViewTest, TheTrendHoldsEveryEvaluatedWeek) {
  ASSERT_OK_AND_ASSIGN(const AccountSummary summary, advisor_->GetAccountSummary("act_1", ""));

  ASSERT_THAT(summary.trend, SizeIs(2));
  const WeekFigures& before = summary.trend[0];
  EXPECT_EQ(before.week, W(2));
  EXPECT_EQ(before.ad_sets, 4);
  EXPECT_THAT(before.actions,
              UnorderedElementsAre(Pair(Action::kMoveDown, 1), Pair(Action::kDuplicateAndClimb, 1),
                                   Pair(Action::kAtTop, 1), Pair(Action::kConsolidate, 1)));
  EXPECT_THAT(before.learning_statuses, UnorderedElementsAre(Pair(LearningStatus::kStuck, 2),
                                                             Pair(LearningStatus::kExited, 2)));
  EXPECT_EQ(before.needing_attention, 3);
  EXPECT_EQ(before.spend_below_threshold_micros, 150'000'000);
  EXPECT_EQ(summary.trend[1].week, W(3));

  // Asked at the earlier week, the summary stops there.
  ASSERT_OK_AND_ASSIGN(const AccountSummary earlier,
                       advisor_->GetAccountSummary("act_1", W(2).ToString()));
  EXPECT_EQ(earlier.previous_week, std::nullopt);
  EXPECT_THAT(earlier.trend, SizeIs(1));
  EXPECT_THAT(earlier.changes, SizeIs(4));  // every ad set is new at the first week
  EXPECT_THAT(earlier.tests_started, IsEmpty());
}

TEST_F(AdvisorAccountViewTest, AnAccountOrWeekWithoutAdviceIsNotFoundNamingIt) {
  EXPECT_TRUE(HasStatus(advisor_->GetAccountSummary("act_9", "").status(),
                        absl::StatusCode::kNotFound, "act_9"));
  EXPECT_TRUE(HasStatus(advisor_->GetAccountSummary("act_1", W(1).ToString()).status(),
                        absl::StatusCode::kNotFound, "as_of_week: "));
  EXPECT_TRUE(HasStatus(advisor_->GetAccountSummary("", "").status(),
                        absl::StatusCode::kInvalidArgument, "account_id"));
}

}  // namespace
}  // namespace rung
