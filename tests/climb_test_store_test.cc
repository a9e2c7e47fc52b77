// The SQLite store's climb tests: storing and finding them, one running test
// per ad set, cancelling, what an evaluation's test update may change, and
// how costs are stored.

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rung/climb_test.h"
#include "rung/decision.h"
#include "rung/recommendation.h"
#include "rung/store.h"
#include "storage/json_codec.h"
#include "storage/sqlite/sqlite_db.h"
#include "storage_test_util.h"

namespace rung {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr double kInf = std::numeric_limits<double>::infinity();

// 2026-01-05T08:00:00.654321Z.
absl::Time CreatedAt() {
  return absl::FromCivil(absl::CivilSecond(2026, 1, 5, 8, 0, 0), absl::UTCTimeZone()) +
         absl::Microseconds(654321);
}

ClimbTest NewTest(const std::string& id, const std::string& original, const std::string& duplicate,
                  Week start, const std::string& account_id = "act_1") {
  ClimbTest test;
  test.climb_test_id = id;
  test.account_id = account_id;
  test.original_ad_set_id = original;
  test.duplicate_ad_set_id = duplicate;
  test.from_event = "AddToCart";
  test.to_event = "InitiateCheckout";
  test.start_week = start;
  test.create_time = CreatedAt();
  return test;
}

TestUpdate Conclude(const std::string& id, ClimbTestState state, std::optional<double> original,
                    std::optional<double> duplicate, std::optional<int64_t> baseline) {
  TestUpdate update;
  update.climb_test_id = id;
  update.state = state;
  update.original_cost_per_macro = original;
  update.duplicate_cost_per_macro = duplicate;
  update.retest_baseline = baseline;
  return update;
}

TestUpdate Reopen(const std::string& id) {
  TestUpdate update;
  update.climb_test_id = id;
  update.state = ClimbTestState::kRunning;
  return update;
}

// A decision for `ad_set_id` at `week` that carries `update`.
std::vector<Decision> Evaluated(const std::string& ad_set_id, Week week, TestUpdate update) {
  Decision decision;
  decision.recommendation.account_id = "act_1";
  decision.recommendation.ad_set_id = ad_set_id;
  decision.recommendation.as_of_week = week;
  decision.recommendation.action = Action::kContinueTest;
  decision.test_update = std::move(update);
  return {decision};
}

// Every field, one expectation each, so that a failure names the field.
void ExpectSameTest(const ClimbTest& got, const ClimbTest& want) {
  EXPECT_EQ(got.climb_test_id, want.climb_test_id);
  EXPECT_EQ(got.account_id, want.account_id);
  EXPECT_EQ(got.original_ad_set_id, want.original_ad_set_id);
  EXPECT_EQ(got.duplicate_ad_set_id, want.duplicate_ad_set_id);
  EXPECT_EQ(got.from_event, want.from_event);
  EXPECT_EQ(got.to_event, want.to_event);
  EXPECT_EQ(got.start_week, want.start_week);
  EXPECT_EQ(got.state, want.state);
  EXPECT_EQ(got.concluded_week, want.concluded_week);
  EXPECT_EQ(got.original_cost_per_macro, want.original_cost_per_macro);
  EXPECT_EQ(got.duplicate_cost_per_macro, want.duplicate_cost_per_macro);
  EXPECT_EQ(got.retest_baseline, want.retest_baseline);
  EXPECT_EQ(got.create_time, want.create_time);
}

std::vector<std::string> Ids(const absl::StatusOr<std::vector<ClimbTest>>& tests) {
  if (!tests.ok()) return {tests.status().ToString()};
  std::vector<std::string> ids;
  for (const ClimbTest& test : *tests) ids.push_back(test.climb_test_id);
  return ids;
}

class ClimbTestStoreTest : public StorageTest {
 protected:
  void SetUp() override {
    StorageTest::SetUp();
    auto store = OpenSqliteStore(Options());
    ASSERT_OK(store);
    store_ = *std::move(store);
  }

  // The stored test, or one with the error as its id.
  ClimbTest Get(const std::string& id) {
    auto test = store_->GetClimbTest(id);
    if (!test.ok()) {
      ADD_FAILURE() << test.status();
      ClimbTest missing;
      missing.climb_test_id = test.status().ToString();
      return missing;
    }
    return *std::move(test);
  }

  std::unique_ptr<Store> store_;
};

TEST_F(ClimbTestStoreTest, EveryFieldReadsBackAsWritten) {
  const ClimbTest test = NewTest("ct_1", "as_o", "as_d", W(2));
  ASSERT_OK(store_->InsertClimbTest(test));
  const ClimbTest running = Get("ct_1");
  // One side had no conversion; the other's cost is not a short decimal.
  ASSERT_OK(SaveDecisions(
      *store_, Evaluated("as_o", W(5),
                         Conclude("ct_1", ClimbTestState::kKeptCurrent, 0.1 + 0.2, kInf, 41))));

  ClimbTest kept = test;
  kept.state = ClimbTestState::kKeptCurrent;
  kept.concluded_week = W(5);
  kept.original_cost_per_macro = 0.1 + 0.2;
  kept.duplicate_cost_per_macro = kInf;
  kept.retest_baseline = 41;
  {
    SCOPED_TRACE("running");
    ExpectSameTest(running, test);
  }
  {
    SCOPED_TRACE("kept current");
    ExpectSameTest(Get("ct_1"), kept);
  }
  ASSERT_OK_AND_ASSIGN(auto db, OpenOther(DbPath()));
  ASSERT_OK_AND_ASSIGN(
      StatementLease row,
      db->Prepare("SELECT original_cost_per_macro, duplicate_cost_per_macro, "
                  "original_cost_per_macro > 0.3, state, create_time FROM climb_tests",
                  "test"));
  ASSERT_OK_AND_ASSIGN(const bool found, row->Step("test"));
  ASSERT_TRUE(found);
  EXPECT_EQ(row->ColumnDouble(0), 0.1 + 0.2) << "every bit of the double is kept";
  EXPECT_EQ(row->ColumnDouble(1), std::numeric_limits<double>::infinity());
  EXPECT_EQ(row->ColumnInt(2), 1) << "SQL reads the costs as numbers";
  EXPECT_EQ(row->ColumnText(3), "KEPT_CURRENT");
  EXPECT_EQ(row->ColumnText(4), "2026-01-05T08:00:00.654321Z");
}

TEST_F(ClimbTestStoreTest, AnUnknownIdIsNotFound) {
  ASSERT_OK(store_->InsertClimbTest(NewTest("ct_1", "as_o", "as_d", W(2))));

  EXPECT_TRUE(HasStatus(StatusOf(store_->GetClimbTest("ct_2")), absl::StatusCode::kNotFound,
                        "climb test 'ct_2' not found"));
  EXPECT_TRUE(HasStatus(StatusOf(store_->CancelClimbTest("ct_2", W(3))),
                        absl::StatusCode::kNotFound, "climb test 'ct_2' not found"));
}

TEST_F(ClimbTestStoreTest, TestsOfAnAdSetAreInEitherRoleOldestStartFirst) {
  // Stored latest start first, and with ids out of start order, so that
  // neither insertion nor id order can pass for start order.
  ASSERT_OK(store_->InsertClimbTest(NewTest("ct_b", "as_1", "as_9", W(6))));
  ASSERT_OK(store_->CancelClimbTest("ct_b", W(7)));
  ASSERT_OK(store_->InsertClimbTest(NewTest("ct_a", "as_1", "as_2", W(3))));
  ASSERT_OK(store_->CancelClimbTest("ct_a", W(4)));
  ASSERT_OK(store_->InsertClimbTest(NewTest("ct_c", "as_0", "as_1", W(1))));
  ASSERT_OK(store_->InsertClimbTest(NewTest("ct_5", "as_7", "as_8", W(1))));

  EXPECT_THAT(Ids(store_->ClimbTestsOf("as_1")), ElementsAre("ct_c", "ct_a", "ct_b"));
  EXPECT_THAT(Ids(store_->ClimbTestsOf("as_8")), ElementsAre("ct_5"));
  EXPECT_THAT(Ids(store_->ClimbTestsOf("as_9")), ElementsAre("ct_b"));
  EXPECT_THAT(Ids(store_->ClimbTestsOf("as_unknown")), IsEmpty());
}

TEST_F(ClimbTestStoreTest, ListsByAccountAndStateInIdOrder) {
  ASSERT_OK(store_->InsertClimbTest(NewTest("ct_3", "as_5", "as_6", W(1))));
  ASSERT_OK(store_->InsertClimbTest(NewTest("ct_1", "as_1", "as_2", W(1))));
  ASSERT_OK(store_->InsertClimbTest(NewTest("ct_2", "as_3", "as_4", W(1))));
  ASSERT_OK(store_->InsertClimbTest(NewTest("ct_4", "as_7", "as_8", W(1), "act_2")));
  ASSERT_OK(store_->CancelClimbTest("ct_2", W(2)));
  ASSERT_OK(SaveDecisions(
      *store_,
      Evaluated("as_5", W(4), Conclude("ct_3", ClimbTestState::kPromoted, 2, 1, std::nullopt))));
  auto query = [](std::string account_id, std::optional<ClimbTestState> state) {
    ClimbTestQuery q;
    q.account_id = std::move(account_id);
    q.state = state;
    return q;
  };

  EXPECT_THAT(Ids(store_->ListClimbTests(query("", std::nullopt))),
              ElementsAre("ct_1", "ct_2", "ct_3", "ct_4"));
  EXPECT_THAT(Ids(store_->ListClimbTests(query("act_1", std::nullopt))),
              ElementsAre("ct_1", "ct_2", "ct_3"));
  EXPECT_THAT(Ids(store_->ListClimbTests(query("", ClimbTestState::kRunning))),
              ElementsAre("ct_1", "ct_4"));
  EXPECT_THAT(Ids(store_->ListClimbTests(query("act_1", ClimbTestState::kRunning))),
              ElementsAre("ct_1"));
  EXPECT_THAT(Ids(store_->ListClimbTests(query("act_1", ClimbTestState::kPromoted))),
              ElementsAre("ct_3"));
  EXPECT_THAT(Ids(store_->ListClimbTests(query("act_2", ClimbTestState::kCancelled))), IsEmpty());
  EXPECT_THAT(Ids(store_->ListClimbTests(query("act_3", std::nullopt))), IsEmpty());
}

TEST_F(ClimbTestStoreTest, ListsByPage) {
  for (const char* id : {"ct_1", "ct_2", "ct_3", "ct_4", "ct_5"}) {
    ASSERT_OK(store_->InsertClimbTest(
        NewTest(id, absl::StrCat(id, "_original"), absl::StrCat(id, "_duplicate"), W(1))));
  }
  ASSERT_OK(store_->CancelClimbTest("ct_2", W(2)));
  ClimbTestQuery query;
  query.limit = 2;
  std::vector<std::vector<std::string>> pages;
  for (int i = 0; i < 4; ++i) {
    pages.push_back(Ids(store_->ListClimbTests(query)));
    if (pages.back().empty()) break;
    query.after_climb_test_id = pages.back().back();
  }
  ClimbTestQuery running;
  running.state = ClimbTestState::kRunning;
  running.after_climb_test_id = "ct_1";
  running.limit = 2;
  ClimbTestQuery no_limit;
  no_limit.limit = 0;

  EXPECT_THAT(pages, ElementsAre(ElementsAre("ct_1", "ct_2"), ElementsAre("ct_3", "ct_4"),
                                 ElementsAre("ct_5"), IsEmpty()));
  EXPECT_THAT(Ids(store_->ListClimbTests(running)), ElementsAre("ct_3", "ct_4"));
  EXPECT_TRUE(HasStatus(StatusOf(store_->ListClimbTests(no_limit)),
                        absl::StatusCode::kInvalidArgument, "limit: must be positive, got 0"));
}

TEST_F(ClimbTestStoreTest, RefusesASecondRunningTestOnEitherAdSetInEitherRole) {
  ASSERT_OK(store_->InsertClimbTest(NewTest("ct_1", "as_o", "as_d", W(1))));
  struct Case {
    const char* original;
    const char* duplicate;
    const char* message;
  };
  const Case cases[] = {
      {"as_o", "as_x", "ad set 'as_o' is already the original of running climb test 'ct_1'"},
      {"as_d", "as_x", "ad set 'as_d' is already the duplicate of running climb test 'ct_1'"},
      {"as_x", "as_o", "ad set 'as_o' is already the original of running climb test 'ct_1'"},
      {"as_x", "as_d", "ad set 'as_d' is already the duplicate of running climb test 'ct_1'"},
      {"as_d", "as_o", "ad set 'as_d' is already the duplicate of running climb test 'ct_1'"},
  };

  for (const Case& c : cases) {
    SCOPED_TRACE(absl::StrCat(c.original, " -> ", c.duplicate));
    EXPECT_TRUE(HasStatus(store_->InsertClimbTest(NewTest("ct_2", c.original, c.duplicate, W(2))),
                          absl::StatusCode::kAlreadyExists, c.message));
  }
  EXPECT_TRUE(HasStatus(store_->InsertClimbTest(NewTest("ct_1", "as_p", "as_q", W(2))),
                        absl::StatusCode::kAlreadyExists, "climb test 'ct_1' already exists"));
  EXPECT_TRUE(HasStatus(StatusOf(store_->GetClimbTest("ct_2")), absl::StatusCode::kNotFound,
                        "climb test 'ct_2' not found"));
  EXPECT_THAT(Ids(store_->ClimbTestsOf("as_x")), IsEmpty());
  EXPECT_THAT(Ids(store_->ClimbTestsOf("as_p")), IsEmpty());
}

TEST_F(ClimbTestStoreTest, AllowsANewTestOnceTheRunningOneEnds) {
  ASSERT_OK(store_->InsertClimbTest(NewTest("ct_1", "as_o", "as_d", W(1))));
  ASSERT_OK(store_->CancelClimbTest("ct_1", W(2)));

  ASSERT_OK(store_->InsertClimbTest(NewTest("ct_2", "as_o", "as_d", W(3))));
  ASSERT_OK(SaveDecisions(
      *store_, Evaluated("as_o", W(6),
                         Conclude("ct_2", ClimbTestState::kKeptCurrent, 10, 12, std::nullopt))));
  ASSERT_OK(store_->InsertClimbTest(NewTest("ct_3", "as_d", "as_o", W(7))));

  EXPECT_THAT(Ids(store_->ClimbTestsOf("as_o")), ElementsAre("ct_1", "ct_2", "ct_3"));
  EXPECT_EQ(Get("ct_3").state, ClimbTestState::kRunning);
}

TEST_F(ClimbTestStoreTest, RefusesATestThatIsNotNew) {
  ClimbTest same = NewTest("ct_1", "as_o", "as_o", W(1));
  ClimbTest judged = NewTest("ct_1", "as_o", "as_d", W(1));
  judged.state = ClimbTestState::kPromoted;
  ClimbTest concluded = NewTest("ct_1", "as_o", "as_d", W(1));
  concluded.concluded_week = W(2);
  ClimbTest eventless = NewTest("ct_1", "as_o", "as_d", W(1));
  eventless.to_event.clear();

  EXPECT_TRUE(HasStatus(store_->InsertClimbTest(same), absl::StatusCode::kInvalidArgument,
                        "climb_test.duplicate_ad_set_id: 'as_o' is also the original"));
  EXPECT_TRUE(HasStatus(store_->InsertClimbTest(judged), absl::StatusCode::kInvalidArgument,
                        "climb_test.state: a new test is RUNNING, not PROMOTED"));
  EXPECT_TRUE(HasStatus(store_->InsertClimbTest(concluded), absl::StatusCode::kInvalidArgument,
                        "climb_test: a new test has no concluded_week"));
  EXPECT_TRUE(HasStatus(store_->InsertClimbTest(eventless), absl::StatusCode::kInvalidArgument,
                        "climb_test.to_event: must not be empty"));
  EXPECT_THAT(Ids(store_->ListClimbTests({})), IsEmpty());
}

TEST_F(ClimbTestStoreTest, CancelsARunningTestOnce) {
  ASSERT_OK(store_->InsertClimbTest(NewTest("ct_1", "as_o", "as_d", W(1))));

  ASSERT_OK_AND_ASSIGN(const ClimbTest cancelled, store_->CancelClimbTest("ct_1", W(4)));
  ASSERT_OK_AND_ASSIGN(const ClimbTest again, store_->CancelClimbTest("ct_1", W(7)));

  ClimbTest want = NewTest("ct_1", "as_o", "as_d", W(1));
  want.state = ClimbTestState::kCancelled;
  want.concluded_week = W(4);
  {
    SCOPED_TRACE("returned");
    ExpectSameTest(cancelled, want);
  }
  {
    SCOPED_TRACE("returned again");
    ExpectSameTest(again, want);
  }
  {
    SCOPED_TRACE("stored");
    ExpectSameTest(Get("ct_1"), want);
  }
}

TEST_F(ClimbTestStoreTest, AJudgedTestCannotBeCancelled) {
  ASSERT_OK(store_->InsertClimbTest(NewTest("ct_1", "as_o", "as_d", W(1))));
  ASSERT_OK(SaveDecisions(
      *store_,
      Evaluated("as_o", W(5), Conclude("ct_1", ClimbTestState::kPromoted, 20, 15, std::nullopt))));

  const auto cancelled = store_->CancelClimbTest("ct_1", W(6));

  EXPECT_TRUE(HasStatus(StatusOf(cancelled), absl::StatusCode::kFailedPrecondition,
                        absl::StrCat("climb test 'ct_1' was already judged PROMOTED at week ",
                                     W(5).ToString(), "; only a running test can be cancelled")));
  EXPECT_EQ(Get("ct_1").state, ClimbTestState::kPromoted);
}

TEST_F(ClimbTestStoreTest, AnEvaluationConcludesARunningTest) {
  ASSERT_OK(store_->InsertClimbTest(NewTest("ct_1", "as_o", "as_d", W(1))));

  ASSERT_OK(SaveDecisions(
      *store_, Evaluated("as_d", W(5),
                         Conclude("ct_1", ClimbTestState::kPromoted, 20.5, 15.25, std::nullopt))));

  ClimbTest want = NewTest("ct_1", "as_o", "as_d", W(1));
  want.state = ClimbTestState::kPromoted;
  want.concluded_week = W(5);
  want.original_cost_per_macro = 20.5;
  want.duplicate_cost_per_macro = 15.25;
  ExpectSameTest(Get("ct_1"), want);
  ASSERT_OK_AND_ASSIGN(const Recommendation stored, store_->GetRecommendation("as_d", W(5)));
  EXPECT_EQ(stored.action, Action::kContinueTest);
}

TEST_F(ClimbTestStoreTest, TheEvaluationOfTheJudgingWeekJudgesAgain) {
  ASSERT_OK(store_->InsertClimbTest(NewTest("ct_1", "as_o", "as_d", W(1))));
  ASSERT_OK(SaveDecisions(
      *store_,
      Evaluated("as_o", W(5), Conclude("ct_1", ClimbTestState::kPromoted, 20, 15, std::nullopt))));

  ASSERT_OK(SaveDecisions(
      *store_,
      Evaluated("as_o", W(5), Conclude("ct_1", ClimbTestState::kKeptCurrent, 14, 18, 37))));

  ClimbTest want = NewTest("ct_1", "as_o", "as_d", W(1));
  want.state = ClimbTestState::kKeptCurrent;
  want.concluded_week = W(5);
  want.original_cost_per_macro = 14;
  want.duplicate_cost_per_macro = 18;
  want.retest_baseline = 37;
  ExpectSameTest(Get("ct_1"), want);
}

TEST_F(ClimbTestStoreTest, EvaluationsOfOtherWeeksLeaveAJudgedTestAlone) {
  ASSERT_OK(store_->InsertClimbTest(NewTest("ct_1", "as_o", "as_d", W(1))));
  ASSERT_OK(SaveDecisions(
      *store_,
      Evaluated("as_o", W(5), Conclude("ct_1", ClimbTestState::kKeptCurrent, 14, 18, 37))));
  const ClimbTest judged = Get("ct_1");

  ASSERT_OK(SaveDecisions(
      *store_,
      Evaluated("as_o", W(6), Conclude("ct_1", ClimbTestState::kPromoted, 1, 2, std::nullopt))));
  ASSERT_OK(SaveDecisions(
      *store_,
      Evaluated("as_o", W(4), Conclude("ct_1", ClimbTestState::kPromoted, 1, 2, std::nullopt))));
  ASSERT_OK(SaveDecisions(*store_, Evaluated("as_o", W(6), Reopen("ct_1"))));
  ASSERT_OK(SaveDecisions(*store_, Evaluated("as_o", W(4), Reopen("ct_1"))));

  EXPECT_EQ(judged.state, ClimbTestState::kKeptCurrent);
  ExpectSameTest(Get("ct_1"), judged);
  // The recommendations themselves were stored all the same.
  EXPECT_OK(store_->GetRecommendation("as_o", W(4)));
  EXPECT_OK(store_->GetRecommendation("as_o", W(6)));
}

TEST_F(ClimbTestStoreTest, TheEvaluationOfTheJudgingWeekMayReopen) {
  const ClimbTest test = NewTest("ct_1", "as_o", "as_d", W(1));
  ASSERT_OK(store_->InsertClimbTest(test));
  ASSERT_OK(SaveDecisions(
      *store_,
      Evaluated("as_o", W(5), Conclude("ct_1", ClimbTestState::kKeptCurrent, 14, 18, 37))));

  ASSERT_OK(SaveDecisions(*store_, Evaluated("as_o", W(5), Reopen("ct_1"))));

  ExpectSameTest(Get("ct_1"), test);
  // Running again, it holds its ad sets again.
  EXPECT_TRUE(HasStatus(store_->InsertClimbTest(NewTest("ct_2", "as_o", "as_x", W(6))),
                        absl::StatusCode::kAlreadyExists,
                        "ad set 'as_o' is already the original of running climb test 'ct_1'"));
}

TEST_F(ClimbTestStoreTest, ALaterRunningTestKeepsAnOlderOneFromReopening) {
  ASSERT_OK(store_->InsertClimbTest(NewTest("ct_1", "as_o", "as_d", W(1))));
  ASSERT_OK(SaveDecisions(
      *store_,
      Evaluated("as_o", W(5), Conclude("ct_1", ClimbTestState::kKeptCurrent, 14, 18, 37))));
  const ClimbTest judged = Get("ct_1");
  ASSERT_OK(store_->InsertClimbTest(NewTest("ct_2", "as_d", "as_d2", W(6))));

  ASSERT_OK(SaveDecisions(*store_, Evaluated("as_o", W(5), Reopen("ct_1"))));

  ExpectSameTest(Get("ct_1"), judged);
  EXPECT_EQ(Get("ct_2").state, ClimbTestState::kRunning);
}

TEST_F(ClimbTestStoreTest, AnEvaluationNeverTouchesACancelledTest) {
  ASSERT_OK(store_->InsertClimbTest(NewTest("ct_1", "as_o", "as_d", W(1))));
  ASSERT_OK_AND_ASSIGN(const ClimbTest cancelled, store_->CancelClimbTest("ct_1", W(5)));

  ASSERT_OK(SaveDecisions(
      *store_, Evaluated("as_o", W(5), Conclude("ct_1", ClimbTestState::kPromoted, 1, 2, 3))));
  ASSERT_OK(SaveDecisions(*store_, Evaluated("as_o", W(5), Reopen("ct_1"))));
  ASSERT_OK(SaveDecisions(
      *store_, Evaluated("as_o", W(6), Conclude("ct_1", ClimbTestState::kKeptCurrent, 1, 2, 3))));

  ExpectSameTest(Get("ct_1"), cancelled);
}

TEST_F(ClimbTestStoreTest, RefusesATestUpdateNoEvaluationMakes) {
  ASSERT_OK(store_->InsertClimbTest(NewTest("ct_1", "as_o", "as_d", W(1))));
  std::vector<Decision> cancelling =
      Evaluated("as_o", W(5), Conclude("ct_1", ClimbTestState::kCancelled, {}, {}, {}));
  std::vector<Decision> negative =
      Evaluated("as_o", W(5), Conclude("ct_1", ClimbTestState::kPromoted, 1, -2, std::nullopt));
  std::vector<Decision> not_a_number = Evaluated(
      "as_o", W(5), Conclude("ct_1", ClimbTestState::kPromoted, std::nan(""), 2, std::nullopt));
  // The first decision is fine; the second's update makes the batch fail.
  cancelling.insert(cancelling.begin(), Evaluated("as_x", W(5), Reopen("ct_9"))[0]);

  EXPECT_TRUE(HasStatus(SaveDecisions(*store_, cancelling), absl::StatusCode::kInvalidArgument,
                        "decisions[1].test_update.state: CANCELLED is no evaluation's finding"));
  EXPECT_TRUE(HasStatus(SaveDecisions(*store_, negative), absl::StatusCode::kInvalidArgument,
                        "decisions[0].test_update.duplicate_cost_per_macro: must be a cost of at "
                        "least 0 or +infinity, got -2"));
  EXPECT_TRUE(HasStatus(SaveDecisions(*store_, not_a_number), absl::StatusCode::kInvalidArgument,
                        "decisions[0].test_update.original_cost_per_macro: must be a cost"));
  EXPECT_EQ(Get("ct_1").state, ClimbTestState::kRunning);
  EXPECT_TRUE(HasStatus(StatusOf(store_->GetRecommendation("as_x", W(5))),
                        absl::StatusCode::kNotFound, "no recommendation"));
}

TEST_F(ClimbTestStoreTest, TheSchemaRefusesTwoRunningTestsInOneRole) {
  ASSERT_OK(store_->InsertClimbTest(NewTest("ct_1", "as_o", "as_d", W(1))));
  ASSERT_OK_AND_ASSIGN(auto other, OpenOther(DbPath()));
  auto insert = [&](const std::string& id, const std::string& original,
                    const std::string& duplicate) {
    return other->Exec(
        absl::StrCat("INSERT INTO climb_tests (climb_test_id, account_id, original_ad_set_id, "
                     "duplicate_ad_set_id, from_event, to_event, start_week, state, create_time) "
                     "VALUES ('",
                     id, "', 'act_1', '", original, "', '", duplicate,
                     "', 'a', 'b', '2026-01-05', 'RUNNING', '2026-01-05T00:00:00.000000Z')"),
        "test");
  };

  const absl::Status same_original = insert("ct_2", "as_o", "as_x");
  const absl::Status same_duplicate = insert("ct_3", "as_x", "as_d");
  const absl::Status different = insert("ct_4", "as_x", "as_y");

  EXPECT_TRUE(HasStatus(same_original, absl::StatusCode::kInternal,
                        "UNIQUE constraint failed: climb_tests.original_ad_set_id"));
  EXPECT_TRUE(HasStatus(same_duplicate, absl::StatusCode::kInternal,
                        "UNIQUE constraint failed: climb_tests.duplicate_ad_set_id"));
  EXPECT_OK(different);
}

}  // namespace
}  // namespace rung
