// The SQLite store's recommendations and evaluation log: what a row holds,
// replacement on re-evaluation, the list filters and paging, staged runs
// published whole or not at all, and the canonical text of the new column
// codecs.

#include <cstdint>
#include <limits>
#include <optional>
#include <ostream>
#include <set>
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

// So that failed expectations show reasons as text.
void PrintTo(const Reason& reason, std::ostream* os) {
  *os << "{" << reason.rule << ": " << reason.message << "}";
}

namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class RecommendationStoreTest : public StorageTest {
 protected:
  // The first column of the first row of `sql`, read by a connection of its
  // own; -1 (and a failure) when that does not work.
  int64_t QueryInt(const std::string& sql) {
    auto db = OpenOther(DbPath());
    if (!db.ok()) {
      ADD_FAILURE() << db.status();
      return -1;
    }
    auto value = (*db)->QueryInt(sql, "test");
    if (!value.ok()) {
      ADD_FAILURE() << value.status();
      return -1;
    }
    return *value;
  }
};

// 2026-01-12T09:30:00.123456Z: a fraction that a store keeping milliseconds
// or seconds would lose.
absl::Time EvaluatedAt() {
  return absl::FromCivil(absl::CivilSecond(2026, 1, 12, 9, 30, 0), absl::UTCTimeZone()) +
         absl::Microseconds(123456);
}

// A recommendation with every field set to something other than its default.
Recommendation Full(const std::string& ad_set_id, Week week,
                    const std::string& account_id = "act_1") {
  Recommendation r;
  r.account_id = account_id;
  r.ad_set_id = ad_set_id;
  r.as_of_week = week;
  r.ladder = "ecommerce";
  r.action = Action::kMoveDown;
  r.current_event = "Purchase";
  r.target_event = "InitiateCheckout";
  r.learning_status = LearningStatus::kStuck;
  // The first and the last flag, so that bit 0 and the top bit both count.
  r.flags = {Flag::kShortHistory, Flag::kNearExit, Flag::kThresholdOverridden};
  r.reasons = {{"move_down", "Purchase: 12 a week < 50 for 3 weeks; InitiateCheckout: 61 >= 50"},
               {"flag.near_exit", "quote \" backslash \\ newline \n caf\xc3\xa9"}};
  r.latest_counts = {{"AddToCart", 85}, {"InitiateCheckout", 61}, {"Purchase", 12}};
  r.sustained_counts = {{"InitiateCheckout", 55}, {"Purchase", 9}, {"form.start", 0}};
  r.weeks_on_rung = 7;
  r.next_review_week = week.Plus(2);
  r.climb_test_id = "ct_9";
  r.learning_threshold = 50;
  r.policy_version = "ladder-2026-01";
  r.evaluation_id = "ev_1";
  r.evaluated_at = EvaluatedAt();
  return r;
}

// A recommendation with every optional field absent and every text that may
// be empty empty.
Recommendation Bare(const std::string& ad_set_id, Week week,
                    const std::string& account_id = "act_1") {
  Recommendation r;
  r.account_id = account_id;
  r.ad_set_id = ad_set_id;
  r.as_of_week = week;
  return r;
}

Recommendation With(Recommendation r, Action action, std::set<Flag> flags = {}) {
  r.action = action;
  r.flags = std::move(flags);
  return r;
}

// Test ct_1 of act_1, running since W(1): `original` against its "_dup".
ClimbTest RunningTest(const std::string& original) {
  ClimbTest test;
  test.climb_test_id = "ct_1";
  test.account_id = "act_1";
  test.original_ad_set_id = original;
  test.duplicate_ad_set_id = original + "_dup";
  test.from_event = "AddToCart";
  test.to_event = "InitiateCheckout";
  test.start_week = W(1);
  return test;
}

// What an evaluation that promotes ct_1 writes.
TestUpdate PromoteTest() {
  TestUpdate promote;
  promote.climb_test_id = "ct_1";
  promote.state = ClimbTestState::kPromoted;
  return promote;
}

std::vector<Decision> Decisions(std::vector<Recommendation> recommendations) {
  std::vector<Decision> decisions;
  for (Recommendation& r : recommendations) {
    Decision decision;
    decision.recommendation = std::move(r);
    decisions.push_back(std::move(decision));
  }
  return decisions;
}

// Every field, one expectation each, so that a failure names the field.
void ExpectSameRecommendation(const Recommendation& got, const Recommendation& want) {
  EXPECT_EQ(got.account_id, want.account_id);
  EXPECT_EQ(got.ad_set_id, want.ad_set_id);
  EXPECT_EQ(got.as_of_week, want.as_of_week);
  EXPECT_EQ(got.ladder, want.ladder);
  EXPECT_EQ(got.action, want.action);
  EXPECT_EQ(got.current_event, want.current_event);
  EXPECT_EQ(got.target_event, want.target_event);
  EXPECT_EQ(got.learning_status, want.learning_status);
  EXPECT_EQ(got.flags, want.flags);
  EXPECT_EQ(got.reasons, want.reasons);
  EXPECT_EQ(got.latest_counts, want.latest_counts);
  EXPECT_EQ(got.sustained_counts, want.sustained_counts);
  EXPECT_EQ(got.weeks_on_rung, want.weeks_on_rung);
  EXPECT_EQ(got.next_review_week, want.next_review_week);
  EXPECT_EQ(got.climb_test_id, want.climb_test_id);
  EXPECT_EQ(got.learning_threshold, want.learning_threshold);
  EXPECT_EQ(got.policy_version, want.policy_version);
  EXPECT_EQ(got.evaluation_id, want.evaluation_id);
  EXPECT_EQ(got.evaluated_at, want.evaluated_at);
}

std::string Key(const std::string& ad_set_id, Week week) {
  return absl::StrCat(ad_set_id, "@", week.ToString());
}

// "ad_set_id@week" of each, to compare lists at a glance.
std::vector<std::string> Keys(const absl::StatusOr<std::vector<Recommendation>>& listed) {
  if (!listed.ok()) return {listed.status().ToString()};
  std::vector<std::string> keys;
  for (const Recommendation& r : *listed) keys.push_back(Key(r.ad_set_id, r.as_of_week));
  return keys;
}

TEST_F(RecommendationStoreTest, EveryFieldReadsBackAsWritten) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  const Recommendation full = Full("as_full", W(3));
  const Recommendation bare = Bare("as_bare", W(3));
  ASSERT_OK(SaveDecisions(*store, Decisions({full, bare})));

  ASSERT_OK_AND_ASSIGN(const Recommendation got_full, store->GetRecommendation("as_full", W(3)));
  ASSERT_OK_AND_ASSIGN(const Recommendation got_bare, store->GetRecommendation("as_bare", W(3)));

  {
    SCOPED_TRACE("full");
    ExpectSameRecommendation(got_full, full);
  }
  {
    SCOPED_TRACE("bare");
    ExpectSameRecommendation(got_bare, bare);
  }
}

TEST_F(RecommendationStoreTest, ARowReadsWithoutThisProgram) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  ASSERT_OK(SaveDecisions(*store, Decisions({Full("as_full", W(3)), Bare("as_bare", W(3))})));
  ASSERT_OK_AND_ASSIGN(auto db, OpenOther(DbPath()));
  ASSERT_OK_AND_ASSIGN(StatementLease row,
                       db->Prepare("SELECT action, flag_mask, flags, reasons, evaluated_at, "
                                   "latest_counts, learning_status, next_review_week "
                                   "FROM recommendations WHERE ad_set_id = 'as_full'",
                                   "test"));
  ASSERT_OK_AND_ASSIGN(const bool found, row->Step("test"));
  ASSERT_TRUE(found);

  EXPECT_EQ(row->ColumnText(0), "MOVE_DOWN");
  // SHORT_HISTORY is bit 0, NEAR_EXIT bit 2, THRESHOLD_OVERRIDDEN bit 9.
  EXPECT_EQ(row->ColumnInt(1), 1 + 4 + 512);
  EXPECT_EQ(row->ColumnText(2), R"(["SHORT_HISTORY","NEAR_EXIT","THRESHOLD_OVERRIDDEN"])");
  EXPECT_EQ(row->ColumnText(3),
            R"([{"rule":"move_down","message":"Purchase: 12 a week < 50 for 3 weeks; )"
            R"(InitiateCheckout: 61 >= 50"},{"rule":"flag.near_exit","message":"quote \" )"
            "backslash \\\\ newline \\n caf\xc3\xa9\"}]");
  EXPECT_EQ(row->ColumnText(4), "2026-01-12T09:30:00.123456Z");
  EXPECT_EQ(row->ColumnText(5), R"({"AddToCart":85,"InitiateCheckout":61,"Purchase":12})");
  EXPECT_EQ(row->ColumnText(6), "STUCK");
  EXPECT_EQ(row->ColumnText(7), W(5).ToString());
  // Empty text and absent values are NULL.
  EXPECT_EQ(QueryInt("SELECT count(*) FROM recommendations WHERE ad_set_id = 'as_bare' AND "
                     "current_event IS NULL AND target_event IS NULL AND learning_status IS NULL "
                     "AND next_review_week IS NULL AND climb_test_id IS NULL AND flag_mask = 0 "
                     "AND flags = '[]' AND reasons = '[]' AND action = 'INSUFFICIENT_DATA' AND "
                     "evaluated_at = '1970-01-01T00:00:00.000000Z'"),
            1);
}

TEST_F(RecommendationStoreTest, TheNewTablesAreStrictAndOnlyTheLargeRowsKeepARowid) {
  ASSERT_OK(OpenSqliteStore(Options()));

  EXPECT_EQ(QueryInt("SELECT count(*) FROM pragma_table_list WHERE name IN "
                     "('evaluations', 'climb_tests') AND strict = 1 AND wr = 1"),
            2);
  // Rows of about 800 bytes append faster to a rowid table (migration 0005).
  EXPECT_EQ(QueryInt("SELECT count(*) FROM pragma_table_list WHERE name = 'recommendations' "
                     "AND strict = 1 AND wr = 0"),
            1);
}

TEST_F(RecommendationStoreTest, EvaluatingAWeekAgainReplacesItsRecommendation) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  ASSERT_OK(SaveDecisions(*store, Decisions({Full("as_1", W(3)), Full("as_1", W(4))})));
  // Every optional field of the first is absent in the second, so a merge
  // rather than a replacement would show.
  Recommendation second = Bare("as_1", W(3));
  second.action = Action::kHold;
  second.flags = {Flag::kDataGap};
  second.evaluation_id = "ev_2";
  second.evaluated_at = EvaluatedAt() + absl::Hours(24 * 7);

  ASSERT_OK(SaveDecisions(*store, Decisions({second})));

  ASSERT_OK_AND_ASSIGN(const Recommendation got, store->GetRecommendation("as_1", W(3)));
  ExpectSameRecommendation(got, second);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM recommendations WHERE ad_set_id = 'as_1'"), 2);
  ASSERT_OK_AND_ASSIGN(const Recommendation other_week, store->GetRecommendation("as_1", W(4)));
  EXPECT_EQ(other_week.evaluation_id, "ev_1");
}

TEST_F(RecommendationStoreTest, TheLastOfOneKeyInABatchWins) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));

  ASSERT_OK(SaveDecisions(*store, Decisions({With(Full("as_1", W(3)), Action::kHold),
                                             With(Full("as_1", W(3)), Action::kAtTop)})));

  ASSERT_OK_AND_ASSIGN(const Recommendation got, store->GetRecommendation("as_1", W(3)));
  EXPECT_EQ(got.action, Action::kAtTop);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM recommendations"), 1);
}

TEST_F(RecommendationStoreTest, GetsTheGivenWeekOrTheLatest) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  // Saved latest first, so that insertion order cannot pass for week order.
  ASSERT_OK(SaveDecisions(*store, Decisions({With(Full("as_1", W(4)), Action::kAtTop)})));
  ASSERT_OK(SaveDecisions(*store, Decisions({With(Full("as_1", W(2)), Action::kHold),
                                             With(Full("as_2", W(9)), Action::kStabilize)})));

  ASSERT_OK_AND_ASSIGN(const Recommendation latest, store->GetRecommendation("as_1", std::nullopt));
  ASSERT_OK_AND_ASSIGN(const Recommendation given, store->GetRecommendation("as_1", W(2)));

  EXPECT_EQ(latest.as_of_week, W(4));
  EXPECT_EQ(latest.action, Action::kAtTop);
  EXPECT_EQ(given.as_of_week, W(2));
  EXPECT_EQ(given.action, Action::kHold);
  EXPECT_TRUE(
      HasStatus(StatusOf(store->GetRecommendation("as_1", W(3))), absl::StatusCode::kNotFound,
                absl::StrCat("no recommendation for ad set 'as_1' at week ", W(3).ToString())));
  EXPECT_TRUE(HasStatus(StatusOf(store->GetRecommendation("as_3", std::nullopt)),
                        absl::StatusCode::kNotFound, "no recommendation for ad set 'as_3'"));
}

// Two accounts over three weeks:
//   act_1  as_a  W1 HOLD, W2 MOVE_DOWN [NEAR_EXIT]
//          as_b  W1 STABILIZE [DATA_GAP]
//          as_c  W2 DUPLICATE_AND_CLIMB [NEAR_EXIT, DATA_GAP]
//   act_2  as_d  W1 HOLD, W2 HOLD [CHECKOUT_FRICTION], W3 AT_TOP
//          as_e  W2 MOVE_DOWN [DATA_GAP]
class ListRecommendationsTest : public RecommendationStoreTest {
 protected:
  void SetUp() override {
    RecommendationStoreTest::SetUp();
    auto store = OpenSqliteStore(Options());
    ASSERT_OK(store);
    store_ = *std::move(store);
    ASSERT_OK(SaveDecisions(
        *store_,
        Decisions({
            With(Full("as_d", W(3), "act_2"), Action::kAtTop),
            With(Full("as_a", W(1)), Action::kHold),
            With(Full("as_a", W(2)), Action::kMoveDown, {Flag::kNearExit}),
            With(Full("as_b", W(1)), Action::kStabilize, {Flag::kDataGap}),
            With(Full("as_c", W(2)), Action::kDuplicateAndClimb, {Flag::kNearExit, Flag::kDataGap}),
            With(Full("as_d", W(1), "act_2"), Action::kHold),
            With(Full("as_d", W(2), "act_2"), Action::kHold, {Flag::kCheckoutFriction}),
            With(Full("as_e", W(2), "act_2"), Action::kMoveDown, {Flag::kDataGap}),
        })));
  }

  std::vector<std::string> List(RecommendationQuery query) {
    return Keys(store_->ListRecommendations(query));
  }

  std::unique_ptr<Store> store_;
};

RecommendationQuery Query(std::optional<Week> week, std::string account_id = "") {
  RecommendationQuery query;
  query.as_of_week = week;
  query.account_id = std::move(account_id);
  return query;
}

TEST_F(ListRecommendationsTest, FiltersByWeekAndAccount) {
  EXPECT_THAT(List(Query(W(2))), ElementsAre(Key("as_a", W(2)), Key("as_c", W(2)),
                                             Key("as_d", W(2)), Key("as_e", W(2))));
  EXPECT_THAT(List(Query(W(2), "act_1")), ElementsAre(Key("as_a", W(2)), Key("as_c", W(2))));
  EXPECT_THAT(List(Query(W(3), "act_1")), IsEmpty());
  EXPECT_THAT(List(Query(W(4))), IsEmpty());
}

TEST_F(ListRecommendationsTest, WithoutAWeekTakesEachAdSetsLatest) {
  EXPECT_THAT(List(Query(std::nullopt)),
              ElementsAre(Key("as_a", W(2)), Key("as_b", W(1)), Key("as_c", W(2)),
                          Key("as_d", W(3)), Key("as_e", W(2))));
  EXPECT_THAT(List(Query(std::nullopt, "act_2")),
              ElementsAre(Key("as_d", W(3)), Key("as_e", W(2))));
}

TEST_F(ListRecommendationsTest, MatchesAnyOfTheActions) {
  RecommendationQuery query = Query(W(2));
  query.actions = {Action::kMoveDown, Action::kDuplicateAndClimb};

  EXPECT_THAT(List(query), ElementsAre(Key("as_a", W(2)), Key("as_c", W(2)), Key("as_e", W(2))));
}

TEST_F(ListRecommendationsTest, ChoosesTheLatestWeekBeforeFiltering) {
  // as_a and as_d were HOLD once, but their latest recommendations are not.
  RecommendationQuery query = Query(std::nullopt);
  query.actions = {Action::kHold, Action::kStabilize};

  EXPECT_THAT(List(query), ElementsAre(Key("as_b", W(1))));
}

TEST_F(ListRecommendationsTest, MatchesAnyOfTheFlags) {
  RecommendationQuery latest = Query(std::nullopt);
  latest.flags = {Flag::kDataGap};
  RecommendationQuery week = Query(W(2));
  week.flags = {Flag::kNearExit, Flag::kCheckoutFriction};

  EXPECT_THAT(List(latest), ElementsAre(Key("as_b", W(1)), Key("as_c", W(2)), Key("as_e", W(2))));
  EXPECT_THAT(List(week), ElementsAre(Key("as_a", W(2)), Key("as_c", W(2)), Key("as_d", W(2))));
}

TEST_F(ListRecommendationsTest, CombinesEveryFilter) {
  RecommendationQuery week = Query(W(2), "act_1");
  week.actions = {Action::kMoveDown, Action::kHold};
  week.flags = {Flag::kNearExit};
  RecommendationQuery latest = Query(std::nullopt, "act_2");
  latest.actions = {Action::kMoveDown, Action::kAtTop};
  latest.flags = {Flag::kDataGap};

  EXPECT_THAT(List(week), ElementsAre(Key("as_a", W(2))));
  EXPECT_THAT(List(latest), ElementsAre(Key("as_e", W(2))));
}

TEST_F(ListRecommendationsTest, PagesByAdSetIdAfterTheFilters) {
  RecommendationQuery query = Query(std::nullopt);
  query.limit = 2;
  std::vector<std::vector<std::string>> pages;
  for (int i = 0; i < 4; ++i) {
    pages.push_back(List(query));
    if (pages.back().empty()) break;
    query.after_ad_set_id = pages.back().back().substr(0, 4);
  }
  RecommendationQuery flagged = Query(std::nullopt);
  flagged.flags = {Flag::kDataGap};
  flagged.after_ad_set_id = "as_b";
  flagged.limit = 1;

  EXPECT_THAT(pages, ElementsAre(ElementsAre(Key("as_a", W(2)), Key("as_b", W(1))),
                                 ElementsAre(Key("as_c", W(2)), Key("as_d", W(3))),
                                 ElementsAre(Key("as_e", W(2))), IsEmpty()));
  EXPECT_THAT(List(flagged), ElementsAre(Key("as_c", W(2))));
}

TEST_F(ListRecommendationsTest, RefusesAPageWithoutALimit) {
  RecommendationQuery query = Query(std::nullopt);
  query.limit = 0;

  EXPECT_TRUE(HasStatus(StatusOf(store_->ListRecommendations(query)),
                        absl::StatusCode::kInvalidArgument, "limit: must be positive, got 0"));
}

TEST_F(RecommendationStoreTest, ListsInByteOrder) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  ASSERT_OK(SaveDecisions(
      *store, Decisions({Full("as_a", W(1)), Full("as_B", W(1)), Full("as_\xc3\xa9", W(1))})));

  EXPECT_THAT(Keys(store->ListRecommendations(Query(W(1)))),
              ElementsAre(Key("as_B", W(1)), Key("as_a", W(1)), Key("as_\xc3\xa9", W(1))));
}

TEST_F(RecommendationStoreTest, AFailingDecisionStoresNoneOfTheBatch) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  ASSERT_OK(store->InsertClimbTest(RunningTest("as_ok")));
  std::vector<Decision> decisions = Decisions({Full("as_ok", W(5)), Full("as_bad", W(5))});
  decisions[0].test_update = PromoteTest();
  {
    // The second insert fails inside the transaction, after the first
    // recommendation and the test update were written.
    ASSERT_OK_AND_ASSIGN(auto other, OpenOther(DbPath()));
    ASSERT_OK(
        other->Exec("CREATE TRIGGER refuse_bad BEFORE INSERT ON recommendations "
                    "WHEN NEW.ad_set_id = 'as_bad' BEGIN SELECT RAISE(ABORT, 'refused by test'); "
                    "END",
                    "test"));
  }

  const absl::Status status = SaveDecisions(*store, decisions);

  EXPECT_TRUE(HasStatus(status, absl::StatusCode::kInternal, "refused by test"));
  EXPECT_TRUE(HasStatus(status, absl::StatusCode::kInternal, "storing recommendations"));
  EXPECT_EQ(QueryInt("SELECT count(*) FROM recommendations"), 0);
  ASSERT_OK_AND_ASSIGN(const ClimbTest after, store->GetClimbTest("ct_1"));
  EXPECT_EQ(after.state, ClimbTestState::kRunning);
  {
    ASSERT_OK_AND_ASSIGN(auto other, OpenOther(DbPath()));
    ASSERT_OK(other->Exec("DROP TRIGGER refuse_bad", "test"));
  }
  ASSERT_OK(SaveDecisions(*store, decisions));
  EXPECT_EQ(QueryInt("SELECT count(*) FROM recommendations"), 2);
}

TEST_F(RecommendationStoreTest, ALockedDatabaseRefusesARunBeforeItStarts) {
  SqliteStoreOptions options = Options();
  options.busy_timeout_ms = 100;
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(options));
  ASSERT_OK_AND_ASSIGN(auto other, OpenOther(DbPath()));
  ASSERT_OK(other->Exec("BEGIN IMMEDIATE", "test"));
  EvaluationRecord run;
  run.evaluation_id = "ev_1";
  run.as_of_week = W(3);
  bool ran = false;

  const absl::Status stored =
      store->StoreEvaluation([&](Store::DecisionWriter) -> absl::StatusOr<EvaluationRecord> {
        ran = true;
        return run;
      });

  // Refused before any work: a run would otherwise decide every ad set for
  // nothing.
  EXPECT_FALSE(ran);
  EXPECT_TRUE(HasStatus(stored, absl::StatusCode::kUnavailable,
                        "storing an evaluation: database is locked by another writer for more "
                        "than 100 ms"));
  ASSERT_OK(other->Exec("ROLLBACK", "test"));
  EXPECT_EQ(QueryInt("SELECT count(*) FROM evaluations"), 0);
  ASSERT_OK(StoreRun(*store, run, Decisions({Full("as_1", W(3))})));
  EXPECT_OK(store->GetRecommendation("as_1", W(3)));
}

// Run ev_0 is stored; run ev_1 gives as_1 another action, as_2 its first
// recommendation, and promotes test ct_1, in two writes.
class EvaluationRunTest : public RecommendationStoreTest {
 protected:
  void SetUp() override {
    RecommendationStoreTest::SetUp();
    ASSERT_OK_AND_ASSIGN(store_, OpenSqliteStore(Options()));
    ASSERT_OK(store_->InsertClimbTest(RunningTest("as_2")));
    ASSERT_OK(StoreRun(*store_, Run("ev_0"), Decisions({With(Full("as_1", W(3)), Action::kHold)})));

    decisions_ = Decisions(
        {With(Full("as_1", W(3)), Action::kAtTop), With(Full("as_2", W(3)), Action::kAtTop)});
    decisions_[1].test_update = PromoteTest();
  }

  static EvaluationRecord Run(const std::string& evaluation_id) {
    EvaluationRecord run;
    run.evaluation_id = evaluation_id;
    run.as_of_week = W(3);
    run.evaluated_at = EvaluatedAt();
    return run;
  }

  // Run ev_1: writes each decision in a call of its own, then `before_end`
  // runs, then the run answers `end`.
  absl::Status StoreSecondRun(absl::FunctionRef<void()> before_end,
                              absl::StatusOr<EvaluationRecord> end) {
    return store_->StoreEvaluation(
        [&](Store::DecisionWriter write) -> absl::StatusOr<EvaluationRecord> {
          for (const Decision& decision : decisions_) {
            RETURN_IF_ERROR(PrepareAndWrite(*store_, write, {decision}));
          }
          before_end();
          return end;
        });
  }

  // Every read shows run ev_0 alone.
  void ExpectOnlyTheFirstRun(Store& store) {
    ASSERT_OK_AND_ASSIGN(const Recommendation as_1, store.GetRecommendation("as_1", W(3)));
    EXPECT_EQ(as_1.action, Action::kHold);
    EXPECT_TRUE(HasStatus(StatusOf(store.GetRecommendation("as_2", std::nullopt)),
                          absl::StatusCode::kNotFound, "no recommendation for ad set 'as_2'"));
    EXPECT_THAT(Keys(store.ListRecommendations(Query(W(3)))), ElementsAre(Key("as_1", W(3))));
    EXPECT_THAT(Keys(store.ListRecommendations(Query(std::nullopt))),
                ElementsAre(Key("as_1", W(3))));
    ASSERT_OK_AND_ASSIGN(const ClimbTest test, store.GetClimbTest("ct_1"));
    EXPECT_EQ(test.state, ClimbTestState::kRunning);
    ASSERT_OK_AND_ASSIGN(const StoreStats stats, store.GetStats());
    ASSERT_TRUE(stats.latest_evaluation.has_value());
    EXPECT_EQ(stats.latest_evaluation->evaluation_id, "ev_0");
    EXPECT_EQ(QueryInt("SELECT count(*) FROM evaluations"), 1);
  }

  std::unique_ptr<Store> store_;
  std::vector<Decision> decisions_;
};

TEST_F(EvaluationRunTest, IsInvisibleWhileItRunsAndThenWhole) {
  ASSERT_OK(StoreSecondRun(
      [&] {
        // Its own store's readers, and another connection alike.
        ExpectOnlyTheFirstRun(*store_);
        EXPECT_EQ(QueryInt("SELECT count(*) FROM recommendations"), 1);
      },
      Run("ev_1")));

  ASSERT_OK_AND_ASSIGN(const Recommendation as_1, store_->GetRecommendation("as_1", W(3)));
  EXPECT_EQ(as_1.action, Action::kAtTop);
  ASSERT_OK_AND_ASSIGN(const Recommendation as_2, store_->GetRecommendation("as_2", W(3)));
  EXPECT_EQ(as_2.action, Action::kAtTop);
  ASSERT_OK_AND_ASSIGN(const ClimbTest test, store_->GetClimbTest("ct_1"));
  EXPECT_EQ(test.state, ClimbTestState::kPromoted);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM recommendations"), 2);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM evaluations WHERE evaluation_id = 'ev_1'"), 1);
}

TEST_F(EvaluationRunTest, ARunThatFailsLeavesNothing) {
  const absl::Status stored = StoreSecondRun([] {}, absl::CancelledError("the client went away"));

  EXPECT_TRUE(HasStatus(stored, absl::StatusCode::kCancelled, "the client went away"));
  ExpectOnlyTheFirstRun(*store_);
}

TEST_F(EvaluationRunTest, ARunRecordedAlreadyLeavesNothing) {
  const absl::Status stored = StoreSecondRun([] {}, Run("ev_0"));

  EXPECT_TRUE(
      HasStatus(stored, absl::StatusCode::kAlreadyExists, "evaluation 'ev_0' is already recorded"));
  ExpectOnlyTheFirstRun(*store_);
}

TEST_F(EvaluationRunTest, ARecordThatCannotBeStoredLeavesNothing) {
  EvaluationRecord bad = Run("ev_1");
  bad.evaluated = -1;

  EXPECT_EQ(StoreSecondRun([] {}, bad).code(), absl::StatusCode::kInvalidArgument);
  ExpectOnlyTheFirstRun(*store_);
}

TEST_F(RecommendationStoreTest, RefusesARecommendationItCouldNotReadBack) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  Recommendation negative = Full("as_2", W(3));
  negative.sustained_counts["Purchase"] = -1;
  Recommendation far = Full("as_3", W(3));
  far.evaluated_at = absl::InfiniteFuture();
  Recommendation anonymous = Full("", W(3));

  const absl::Status negative_status =
      SaveDecisions(*store, Decisions({Full("as_1", W(3)), negative}));
  const absl::Status far_status = SaveDecisions(*store, Decisions({far}));
  const absl::Status anonymous_status = SaveDecisions(*store, Decisions({anonymous}));

  EXPECT_TRUE(HasStatus(
      negative_status, absl::StatusCode::kInvalidArgument,
      R"(decisions[1].recommendation.sustained_counts["Purchase"]: must not be negative, got -1)"));
  EXPECT_TRUE(HasStatus(far_status, absl::StatusCode::kInvalidArgument,
                        "decisions[0].recommendation.evaluated_at: infinite-future is outside "
                        "years 1 to 9999"));
  EXPECT_TRUE(HasStatus(anonymous_status, absl::StatusCode::kInvalidArgument,
                        "decisions[0].recommendation.ad_set_id: must not be empty"));
  EXPECT_EQ(QueryInt("SELECT count(*) FROM recommendations"), 0);
}

// What another store prepared means nothing to this one.
class ForeignDecisions : public Store::PreparedDecisions {};

TEST_F(RecommendationStoreTest, RefusesDecisionsPreparedElsewhere) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  EvaluationRecord run;
  run.evaluation_id = "ev_1";
  run.as_of_week = W(3);

  const absl::Status stored =
      store->StoreEvaluation([&](Store::DecisionWriter write) -> absl::StatusOr<EvaluationRecord> {
        RETURN_IF_ERROR(write(ForeignDecisions()));
        return run;
      });

  EXPECT_TRUE(HasStatus(stored, absl::StatusCode::kInvalidArgument,
                        "decisions: not prepared by this store's PrepareDecisions"));
  EXPECT_EQ(QueryInt("SELECT count(*) FROM evaluations"), 0);
}

TEST_F(RecommendationStoreTest, ACorruptStoredValueIsDataLoss) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  ASSERT_OK(SaveDecisions(*store, Decisions({Full("as_1", W(3)), Full("as_2", W(3))})));
  ASSERT_OK_AND_ASSIGN(auto other, OpenOther(DbPath()));
  ASSERT_OK(other->Exec(R"(UPDATE recommendations SET reasons = '[{"message":"m","rule":"r"}]' )"
                        "WHERE ad_set_id = 'as_1'",
                        "test"));
  ASSERT_OK(
      other->Exec("UPDATE recommendations SET flag_mask = 1 WHERE ad_set_id = 'as_2'", "test"));

  EXPECT_TRUE(HasStatus(StatusOf(store->GetRecommendation("as_1", W(3))),
                        absl::StatusCode::kDataLoss,
                        absl::StrCat("stored reasons of the recommendation of ad set 'as_1' week ",
                                     W(3).ToString(), R"( is corrupt: expected key "rule")")));
  EXPECT_TRUE(HasStatus(StatusOf(store->GetRecommendation("as_2", W(3))),
                        absl::StatusCode::kDataLoss,
                        R"(stored flags of the recommendation of ad set 'as_2' week )"));
  EXPECT_TRUE(HasStatus(StatusOf(store->GetRecommendation("as_2", W(3))),
                        absl::StatusCode::kDataLoss, "does not match flag_mask 1"));
}

TEST_F(RecommendationStoreTest, StatsNameTheMostRecentEvaluationWithItsDuration) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  ASSERT_OK_AND_ASSIGN(const StoreStats before, store->GetStats());
  EXPECT_FALSE(before.latest_evaluation.has_value());

  EvaluationRecord later;
  later.evaluation_id = "ev_a";  // sorts first, so only the time can pick it
  later.as_of_week = W(4);
  later.account_id = "act_1";
  later.ad_set_ids = {"as_1"};
  later.policy_version = "p2";
  later.evaluated_at = EvaluatedAt() + absl::Hours(1);
  later.evaluated = 3;
  later.action_counts = {{Action::kHold, 2}, {Action::kDuplicateAndClimb, 1}};
  later.duration = absl::Microseconds(1'234'567);
  EvaluationRecord earlier;
  earlier.evaluation_id = "ev_b";
  earlier.as_of_week = W(5);
  earlier.evaluated_at = EvaluatedAt();
  ASSERT_OK(StoreRun(*store, later));
  ASSERT_OK(StoreRun(*store, earlier));

  ASSERT_OK_AND_ASSIGN(const StoreStats stats, store->GetStats());
  ASSERT_TRUE(stats.latest_evaluation.has_value());
  const EvaluationRecord& latest = *stats.latest_evaluation;
  EXPECT_EQ(latest.evaluation_id, "ev_a");
  EXPECT_EQ(latest.as_of_week, W(4));
  EXPECT_EQ(latest.account_id, "act_1");
  EXPECT_THAT(latest.ad_set_ids, ElementsAre("as_1"));
  EXPECT_EQ(latest.policy_version, "p2");
  EXPECT_EQ(latest.evaluated_at, EvaluatedAt() + absl::Hours(1));
  EXPECT_EQ(latest.evaluated, 3);
  EXPECT_EQ(latest.action_counts,
            (std::map<Action, int>{{Action::kHold, 2}, {Action::kDuplicateAndClimb, 1}}));
  EXPECT_EQ(latest.duration, absl::Microseconds(1'234'567));
}

TEST_F(RecommendationStoreTest, RecordsEachEvaluationOnce) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  EvaluationRecord evaluation;
  evaluation.evaluation_id = "ev_1";
  evaluation.as_of_week = W(3);
  evaluation.account_id = "act_1";
  evaluation.ad_set_ids = {"as_1", "as_\"2\""};
  evaluation.policy_version = "ladder-2026-01";
  evaluation.evaluated_at = EvaluatedAt();
  evaluation.evaluated = 2;
  evaluation.action_counts = {{Action::kMoveDown, 1}, {Action::kAtTop, 1}};
  EvaluationRecord unfiltered;
  unfiltered.evaluation_id = "ev_2";
  unfiltered.as_of_week = W(4);

  ASSERT_OK(StoreRun(*store, evaluation));
  ASSERT_OK(StoreRun(*store, unfiltered));
  EvaluationRecord again = evaluation;
  again.evaluated = 9;
  const absl::Status repeated = StoreRun(*store, again);

  EXPECT_TRUE(HasStatus(repeated, absl::StatusCode::kAlreadyExists,
                        "evaluation 'ev_1' is already recorded"));
  ASSERT_OK_AND_ASSIGN(auto db, OpenOther(DbPath()));
  ASSERT_OK_AND_ASSIGN(
      StatementLease rows,
      db->Prepare("SELECT evaluation_id, as_of_week, account_id, ad_set_ids, policy_version, "
                  "evaluated_at, evaluated, action_counts, account_id IS NULL "
                  "FROM evaluations ORDER BY evaluation_id",
                  "test"));
  ASSERT_OK_AND_ASSIGN(bool row, rows->Step("test"));
  ASSERT_TRUE(row);
  EXPECT_EQ(rows->ColumnText(0), "ev_1");
  EXPECT_EQ(rows->ColumnText(1), W(3).ToString());
  EXPECT_EQ(rows->ColumnText(2), "act_1");
  EXPECT_EQ(rows->ColumnText(3), R"(["as_1","as_\"2\""])");
  EXPECT_EQ(rows->ColumnText(4), "ladder-2026-01");
  EXPECT_EQ(rows->ColumnText(5), "2026-01-12T09:30:00.123456Z");
  EXPECT_EQ(rows->ColumnInt(6), 2);
  EXPECT_EQ(rows->ColumnText(7), R"({"AT_TOP":1,"MOVE_DOWN":1})");
  ASSERT_OK_AND_ASSIGN(row, rows->Step("test"));
  ASSERT_TRUE(row);
  EXPECT_EQ(rows->ColumnText(0), "ev_2");
  EXPECT_EQ(rows->ColumnInt(8), 1) << "an empty account_id is NULL";
  EXPECT_EQ(rows->ColumnText(3), "[]");
  EXPECT_EQ(rows->ColumnText(7), "{}");
  ASSERT_OK_AND_ASSIGN(row, rows->Step("test"));
  EXPECT_FALSE(row);
}

TEST(ReasonsCodecTest, ReadsBackWhatItWrites) {
  const std::vector<Reason> reasons = {
      {"move_down", "12 < 50"}, {"", ""}, {"flag.\"odd\"", "tab\t back\\ caf\xc3\xa9"}};

  EXPECT_EQ(EncodeReasons({}), "[]");
  EXPECT_EQ(EncodeReasons({{"a", "b"}}), R"([{"rule":"a","message":"b"}])");
  EXPECT_EQ(DecodeReasons(EncodeReasons(reasons)).value_or(std::vector<Reason>{}), reasons);
  EXPECT_EQ(DecodeReasons("[]").value_or(std::vector<Reason>{{"x", "y"}}), std::vector<Reason>{});
}

TEST(ReasonsCodecTest, RefusesWhatItNeverWrites) {
  const char* const bad[] = {
      R"([{"message":"b","rule":"a"}])",         R"([{"rule":"a"}])",
      R"([{"rule":"a","message":"b","x":"c"}])", R"([{"rule":"a","message":"b"},])",
      R"([{"rule":"a", "message":"b"}])",        R"({"rule":"a","message":"b"})",
      R"([{"rule":"a","message":1}])",           R"([{"rule":"a","message":"b"}] )",
  };
  for (const char* json : bad) {
    EXPECT_EQ(DecodeReasons(json).status().code(), absl::StatusCode::kDataLoss) << json;
  }
}

TEST(TimestampCodecTest, WritesUtcWithMicroseconds) {
  EXPECT_EQ(EncodeTimestamp(EvaluatedAt()), "2026-01-12T09:30:00.123456Z");
  EXPECT_EQ(EncodeTimestamp(absl::UnixEpoch()), "1970-01-01T00:00:00.000000Z");
  // Sub-microsecond parts are dropped toward the past, also before 1970.
  EXPECT_EQ(EncodeTimestamp(EvaluatedAt() + absl::Nanoseconds(999)), "2026-01-12T09:30:00.123456Z");
  EXPECT_EQ(EncodeTimestamp(absl::UnixEpoch() - absl::Nanoseconds(1)),
            "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(EncodeTimestamp(absl::FromUnixMicros(-1'500'000)), "1969-12-31T23:59:58.500000Z");
}

TEST(TimestampCodecTest, ReadsBackWhatItWrites) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  const absl::Time times[] = {
      EvaluatedAt(),
      absl::UnixEpoch(),
      absl::FromUnixMicros(-1),
      absl::FromCivil(absl::CivilSecond(1, 1, 1), utc),
      absl::FromCivil(absl::CivilSecond(9999, 12, 31, 23, 59, 59), utc) +
          absl::Microseconds(999999),
  };
  for (const absl::Time time : times) {
    EXPECT_TRUE(TimestampInRange(time)) << time;
    const std::string text = EncodeTimestamp(time);
    EXPECT_EQ(DecodeTimestamp(text).value_or(absl::InfinitePast()), time) << text;
  }
  EXPECT_FALSE(TimestampInRange(absl::FromCivil(absl::CivilSecond(10000, 1, 1), utc)));
  EXPECT_FALSE(TimestampInRange(absl::FromCivil(absl::CivilSecond(0, 12, 31), utc)));
  EXPECT_FALSE(TimestampInRange(absl::InfiniteFuture()));
}

TEST(TimestampCodecTest, RefusesWhatItNeverWrites) {
  const char* const bad[] = {
      "2026-01-12T09:30:00Z",        "2026-01-12T09:30:00.123Z",    "2026-02-30T00:00:00.000000Z",
      "2026-01-12 09:30:00.000000Z", "2026-01-12T09:30:00.000000z", "2026-01-12T24:00:00.000000Z",
      "2026-01-12T09:30:00.000000",  "0000-01-01T00:00:00.000000Z", "",
  };
  for (const char* text : bad) {
    EXPECT_EQ(DecodeTimestamp(text).status().code(), absl::StatusCode::kDataLoss) << text;
  }
}

}  // namespace
}  // namespace rung
