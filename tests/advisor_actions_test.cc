// Advisor::PlanActions over a real SQLite file: which stored advice gets a
// plan, one plan per climb test, paging, and requests it refuses.

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rung/advisor.h"
#include "storage_test_util.h"

namespace rung {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const Week kWeek = Week::Parse("2026-11-30").value();
// Sunday 20:00 in UTC: already Monday 2026-12-07 in Tokyo.
const absl::Time kSundayEveningUtc =
    absl::FromCivil(absl::CivilSecond(2026, 12, 6, 20, 0, 0), absl::UTCTimeZone());

Recommendation Advice(const std::string& ad_set_id, Action action,
                      const std::string& account_id = "act_1") {
  Recommendation r;
  r.account_id = account_id;
  r.ad_set_id = ad_set_id;
  r.as_of_week = kWeek;
  r.action = action;
  r.current_event = "AddToCart";
  if (action == Action::kDuplicateAndClimb) r.target_event = "InitiateCheckout";
  r.evaluated_at = absl::FromUnixSeconds(1764000000);
  return r;
}

std::vector<std::string> Keys(const PlanPage& page) {
  std::vector<std::string> keys;
  for (const ActionPlan& plan : page.plans) keys.push_back(plan.key);
  return keys;
}

class AdvisorActionsTest : public AdvisorTest {
 protected:
  void SetUp() override {
    now_ = kSundayEveningUtc;
    AdvisorTest::SetUp();
    ClimbTest test;
    test.climb_test_id = "ct_1";
    test.account_id = "act_1";
    test.original_ad_set_id = "as_test";
    test.duplicate_ad_set_id = "as_test_dup";
    test.from_event = "AddToCart";
    test.to_event = "InitiateCheckout";
    test.start_week = kWeek.Plus(-1);
    test.create_time = absl::FromUnixSeconds(1764000000);
    ASSERT_OK(store_->InsertClimbTest(test));
    Recommendation promote = Advice("as_test", Action::kPromoteDuplicate);
    promote.climb_test_id = "ct_1";
    Recommendation promote_dup = promote;
    promote_dup.ad_set_id = "as_test_dup";
    ASSERT_OK(SaveChunk(
        *store_, {{Advice("as_climb", Action::kDuplicateAndClimb), Advice("as_hold", Action::kHold),
                   promote, promote_dup, Advice("as_other", Action::kDuplicateAndClimb, "act_2")},
                  {}}));
  }

  PlanRequest ForAccount(const std::string& account_id) {
    PlanRequest request;
    request.account_id = account_id;
    return request;
  }
};

TEST_F(AdvisorActionsTest, AnAccountGetsAPlanPerActionAndOneForBothSidesOfATest) {
  ASSERT_OK_AND_ASSIGN(const PlanPage page, advisor_->PlanActions(ForAccount("act_1")));

  EXPECT_THAT(Keys(page), ElementsAre("as_climb@2026-11-30@DUPLICATE_AND_CLIMB",
                                      "as_test@2026-11-30@PROMOTE_DUPLICATE"));
  EXPECT_EQ(page.plans[1].duplicate_ad_set_id, "as_test_dup");
  EXPECT_TRUE(page.next_page_token.empty());
}

TEST_F(AdvisorActionsTest, PagesCarryEachPlanOnceEvenWhenATestSpansTwoPages) {
  PlanRequest request = ForAccount("act_1");
  request.page_size = 1;
  std::vector<std::string> keys;
  for (int pages = 0; pages < 10; ++pages) {
    ASSERT_OK_AND_ASSIGN(const PlanPage page, advisor_->PlanActions(request));
    for (const std::string& key : Keys(page)) keys.push_back(key);
    if (page.next_page_token.empty()) break;
    request.page_token = page.next_page_token;
  }

  EXPECT_THAT(keys, ElementsAre("as_climb@2026-11-30@DUPLICATE_AND_CLIMB",
                                "as_test@2026-11-30@PROMOTE_DUPLICATE"));
}

TEST_F(AdvisorActionsTest, NamedAdSetsEachGetAPlanOrWhyThereIsNone) {
  PlanRequest request;
  request.ad_set_ids = {"as_hold", "as_test_dup", "as_test"};

  ASSERT_OK_AND_ASSIGN(const PlanPage page, advisor_->PlanActions(request));

  EXPECT_THAT(Keys(page),
              ElementsAre("as_hold@2026-11-30@HOLD", "as_test@2026-11-30@PROMOTE_DUPLICATE"));
  EXPECT_THAT(page.plans[0].steps, IsEmpty());
  EXPECT_EQ(page.plans[0].summary, "nothing to do on Meta");
}

TEST_F(AdvisorActionsTest, AClimbStartsInTheCurrentWeekOfTheAccountsTimeZone) {
  AccountRecord tokyo;
  tokyo.account_id = "act_2";
  tokyo.time_zone = "Asia/Tokyo";
  ASSERT_OK(advisor_->RecordAccountSync(tokyo));

  ASSERT_OK_AND_ASSIGN(const PlanPage utc, advisor_->PlanActions(ForAccount("act_1")));
  ASSERT_OK_AND_ASSIGN(const PlanPage japan, advisor_->PlanActions(ForAccount("act_2")));

  auto start_week = [](const ActionPlan& plan) {
    for (const auto& [name, value] : plan.steps.back().params) {
      if (name == "start_week") return value;
    }
    return std::string("none");
  };
  EXPECT_EQ(start_week(utc.plans[0]), "2026-11-30");
  EXPECT_EQ(start_week(japan.plans[0]), "2026-12-07");
}

TEST_F(AdvisorActionsTest, RefusesRequestsNamingTheField) {
  PlanRequest neither;
  EXPECT_TRUE(HasStatus(advisor_->PlanActions(neither).status(), absl::StatusCode::kInvalidArgument,
                        "account_id, ad_set_ids"));
  PlanRequest both = ForAccount("act_1");
  both.ad_set_ids = {"as_hold"};
  EXPECT_TRUE(HasStatus(advisor_->PlanActions(both).status(), absl::StatusCode::kInvalidArgument,
                        "give one of the two"));
  PlanRequest blank;
  blank.ad_set_ids = {"as_hold", ""};
  EXPECT_TRUE(HasStatus(advisor_->PlanActions(blank).status(), absl::StatusCode::kInvalidArgument,
                        "ad_set_ids[1]"));
  PlanRequest share = ForAccount("act_1");
  share.budget_share = 0;
  EXPECT_TRUE(HasStatus(advisor_->PlanActions(share).status(), absl::StatusCode::kInvalidArgument,
                        "budget_share"));
  PlanRequest week = ForAccount("act_1");
  week.as_of_week = "2026-12-01";
  EXPECT_TRUE(HasStatus(advisor_->PlanActions(week).status(), absl::StatusCode::kInvalidArgument,
                        "as_of_week"));
  PlanRequest unknown;
  unknown.ad_set_ids = {"as_nowhere"};
  EXPECT_TRUE(HasStatus(advisor_->PlanActions(unknown).status(), absl::StatusCode::kNotFound,
                        "as_nowhere"));
}

ActionRecord Climbing(const std::string& ad_set_id = "as_climb") {
  ActionRecord record;
  record.account_id = "act_1";
  record.ad_set_id = ad_set_id;
  record.as_of_week = kWeek;
  record.action = Action::kDuplicateAndClimb;
  record.key = ActionKey(ad_set_id, kWeek, Action::kDuplicateAndClimb);
  record.target_event = "InitiateCheckout";
  record.steps.push_back(
      {"POST", "act_1/adsets", {{"name", "climb"}}, "6001", "", absl::FromUnixSeconds(1765000000)});
  return record;
}

TEST_F(AdvisorActionsTest, RecordingAKeyAgainKeepsItsIdAndStampsTheCaller) {
  ASSERT_OK_AND_ASSIGN(const ActionRecord first, advisor_->RecordAction(Climbing(), "ops"));
  EXPECT_THAT(first.action_id, ::testing::StartsWith("ac_"));
  EXPECT_EQ(first.recorded_by, "ops");
  EXPECT_EQ(first.created_at, now_);

  now_ += absl::Minutes(3);
  ActionRecord done = Climbing();
  done.state = ActionState::kDone;
  done.duplicate_ad_set_id = "6001";
  ASSERT_OK_AND_ASSIGN(const ActionRecord again, advisor_->RecordAction(done, "cron"));

  EXPECT_EQ(again.action_id, first.action_id);
  EXPECT_EQ(again.created_at, first.created_at);
  EXPECT_EQ(again.updated_at, now_);
  EXPECT_EQ(again.state, ActionState::kDone);
  EXPECT_EQ(again.recorded_by, "cron");
  ASSERT_OK_AND_ASSIGN(const ActionPage page, advisor_->ListActions("act_1", "", 0, ""));
  ASSERT_EQ(page.actions.size(), 1u);
  EXPECT_EQ(page.actions[0], again);
}

TEST_F(AdvisorActionsTest, ListActionsPagesByKeyAndFiltersByAdSet) {
  for (const char* id : {"as_c", "as_a", "as_b"})
    ASSERT_OK(advisor_->RecordAction(Climbing(id), ""));
  std::vector<std::string> seen;
  std::string token;
  do {
    ASSERT_OK_AND_ASSIGN(const ActionPage page, advisor_->ListActions("act_1", "", 2, token));
    for (const ActionRecord& record : page.actions) seen.push_back(record.ad_set_id);
    token = page.next_page_token;
  } while (!token.empty());
  EXPECT_THAT(seen, ElementsAre("as_a", "as_b", "as_c"));

  // The largest page, as rungctl apply asks for it.
  ASSERT_OK_AND_ASSIGN(const ActionPage largest, advisor_->ListActions("act_1", "", 1000, ""));
  EXPECT_EQ(largest.actions.size(), 3u);
  ASSERT_OK_AND_ASSIGN(const ActionPage one, advisor_->ListActions("act_1", "as_b", 0, ""));
  ASSERT_EQ(one.actions.size(), 1u);
  EXPECT_EQ(one.actions[0].ad_set_id, "as_b");
  EXPECT_TRUE(HasStatus(advisor_->ListActions("", "", 0, "").status(),
                        absl::StatusCode::kInvalidArgument, "account_id"));
}

TEST_F(AdvisorActionsTest, RecordActionRefusesAWrongKeyAndAnySecret) {
  ActionRecord wrong_key = Climbing();
  wrong_key.key = "as_climb@2026-11-30@MOVE_DOWN";
  EXPECT_TRUE(HasStatus(advisor_->RecordAction(wrong_key, "").status(),
                        absl::StatusCode::kInvalidArgument, "action.key"));
  ActionRecord secret = Climbing();
  secret.steps[0].params.emplace_back("access_token", "EAAB-secret");
  const absl::Status refused = advisor_->RecordAction(secret, "").status();
  EXPECT_TRUE(HasStatus(refused, absl::StatusCode::kInvalidArgument,
                        "action.steps[0].params: access_token"));
  EXPECT_THAT(std::string(refused.message()), ::testing::Not(::testing::HasSubstr("EAAB")));
  ActionRecord nothing = Climbing();
  nothing.action = Action::kHold;
  nothing.key = ActionKey("as_climb", kWeek, Action::kHold);
  EXPECT_TRUE(HasStatus(advisor_->RecordAction(nothing, "").status(),
                        absl::StatusCode::kInvalidArgument, "action.action"));
  ASSERT_OK_AND_ASSIGN(const ActionPage none, advisor_->ListActions("act_1", "", 0, ""));
  EXPECT_THAT(none.actions, IsEmpty());
}

}  // namespace
}  // namespace rung
