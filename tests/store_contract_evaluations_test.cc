// The contract of RecommendationStore and EvaluationWriter, for every
// engine: what a recommendation holds, replacement on re-evaluation, the
// list filters and paging, runs published whole or not at all, the latest
// evaluation, and RecommendationsVersion.

#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/barrier.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store_contract.h"
#include "store_contract_engines.h"

namespace rung {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

template <typename Engine>
class RecommendationContract : public StoreContractTest<Engine> {};
TYPED_TEST_SUITE(RecommendationContract, StoreEngines, EngineNames);

TYPED_TEST(RecommendationContract, EveryFieldReadsBackAsWritten) {
  Store& store = this->store();
  const Recommendation full = Full("as_full", W(3));
  const Recommendation bare = Bare("as_bare", W(3));
  ASSERT_OK(SaveChunk(store, Chunk({full, bare})));

  ASSERT_OK_AND_ASSIGN(const Recommendation got_full, store.GetRecommendation("as_full", W(3)));
  ASSERT_OK_AND_ASSIGN(const Recommendation got_bare, store.GetRecommendation("as_bare", W(3)));

  {
    SCOPED_TRACE("full");
    ExpectSameRecommendation(got_full, full);
  }
  {
    SCOPED_TRACE("bare");
    ExpectSameRecommendation(got_bare, bare);
  }
}

TYPED_TEST(RecommendationContract, EvaluatingAWeekAgainReplacesItsRecommendation) {
  Store& store = this->store();
  ASSERT_OK(SaveChunk(store, Chunk({Full("as_1", W(3)), Full("as_1", W(4))})));
  // Every optional field of the first is absent in the second, so a merge
  // rather than a replacement would show.
  Recommendation second = Bare("as_1", W(3));
  second.action = Action::kHold;
  second.flags = {Flag::kDataGap};
  second.evaluation_id = "ev_2";
  second.evaluated_at = EvaluatedAt() + absl::Hours(24 * 7);

  ASSERT_OK(SaveChunk(store, Chunk({second})));

  ASSERT_OK_AND_ASSIGN(const Recommendation got, store.GetRecommendation("as_1", W(3)));
  ExpectSameRecommendation(got, second);
  EXPECT_THAT(Keys(store.ListRecommendations(Query(W(3)))), ElementsAre(Key("as_1", W(3))));
  ASSERT_OK_AND_ASSIGN(const Recommendation other_week, store.GetRecommendation("as_1", W(4)));
  EXPECT_EQ(other_week.evaluation_id, "ev_1");
}

// A store that replaced a week's rows by a range of ad set ids, rather
// than by the ids themselves, would lose as_2 here.
TYPED_TEST(RecommendationContract, EvaluatingSomeAdSetsAgainKeepsTheOthersOfTheWeek) {
  Store& store = this->store();
  ASSERT_OK(SaveChunk(store, Chunk({Full("as_1", W(3)), Full("as_2", W(3)), Full("as_3", W(3))})));
  Recommendation as_1 = With(Full("as_1", W(3)), Action::kHold);
  Recommendation as_3 = With(Full("as_3", W(3)), Action::kAtTop);
  as_1.evaluation_id = as_3.evaluation_id = "ev_2";

  ASSERT_OK(SaveChunk(store, Chunk({as_1, as_3})));

  EXPECT_THAT(Keys(store.ListRecommendations(Query(W(3)))),
              ElementsAre(Key("as_1", W(3)), Key("as_2", W(3)), Key("as_3", W(3))));
  ASSERT_OK_AND_ASSIGN(const Recommendation got_1, store.GetRecommendation("as_1", W(3)));
  ASSERT_OK_AND_ASSIGN(const Recommendation got_2, store.GetRecommendation("as_2", W(3)));
  ASSERT_OK_AND_ASSIGN(const Recommendation got_3, store.GetRecommendation("as_3", W(3)));
  ExpectSameRecommendation(got_1, as_1);
  ExpectSameRecommendation(got_2, Full("as_2", W(3)));
  ExpectSameRecommendation(got_3, as_3);
}

TYPED_TEST(RecommendationContract, AChunkOfSeveralWeeksReplacesEachWeeksOwn) {
  Store& store = this->store();
  ASSERT_OK(SaveChunk(store, Chunk({Full("as_1", W(3)), Full("as_2", W(4))})));
  const Recommendation as_1 = With(Full("as_1", W(3)), Action::kHold);
  const Recommendation as_2 = With(Full("as_2", W(4)), Action::kStabilize);
  const Recommendation as_1_later = With(Full("as_1", W(4)), Action::kAtTop);

  ASSERT_OK(SaveChunk(store, Chunk({as_2, as_1, as_1_later})));

  EXPECT_THAT(Keys(store.ListRecommendations(Query(std::nullopt))),
              ElementsAre(Key("as_1", W(4)), Key("as_2", W(4))));
  ASSERT_OK_AND_ASSIGN(const Recommendation got_1, store.GetRecommendation("as_1", W(3)));
  ASSERT_OK_AND_ASSIGN(const Recommendation got_1_later, store.GetRecommendation("as_1", W(4)));
  ASSERT_OK_AND_ASSIGN(const Recommendation got_2, store.GetRecommendation("as_2", W(4)));
  ExpectSameRecommendation(got_1, as_1);
  ExpectSameRecommendation(got_1_later, as_1_later);
  ExpectSameRecommendation(got_2, as_2);
}

TYPED_TEST(RecommendationContract, TheLastOfOneKeyInARunWins) {
  Store& store = this->store();
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<EvaluationWriter> writer, store.BeginEvaluation());
  ASSERT_OK(writer->Write(
      Chunk({With(Full("as_1", W(3)), Action::kHold), With(Full("as_1", W(3)), Action::kAtTop)})));
  ASSERT_OK(writer->Write(Chunk({With(Full("as_2", W(3)), Action::kHold)})));
  ASSERT_OK(writer->Write(Chunk({With(Full("as_2", W(3)), Action::kStabilize)})));
  ASSERT_OK(writer->Commit(EvaluationRun("ev_1")));

  ASSERT_OK_AND_ASSIGN(const Recommendation as_1, store.GetRecommendation("as_1", W(3)));
  ASSERT_OK_AND_ASSIGN(const Recommendation as_2, store.GetRecommendation("as_2", W(3)));
  EXPECT_EQ(as_1.action, Action::kAtTop);
  EXPECT_EQ(as_2.action, Action::kStabilize);
  EXPECT_THAT(Keys(store.ListRecommendations(Query(std::nullopt))),
              ElementsAre(Key("as_1", W(3)), Key("as_2", W(3))));
}

TYPED_TEST(RecommendationContract, GetsTheGivenWeekOrTheLatest) {
  Store& store = this->store();
  // Saved latest first, so that insertion order cannot pass for week order.
  ASSERT_OK(SaveChunk(store, Chunk({With(Full("as_1", W(4)), Action::kAtTop)})));
  ASSERT_OK(SaveChunk(store, Chunk({With(Full("as_1", W(2)), Action::kHold),
                                    With(Full("as_2", W(9)), Action::kStabilize)})));

  ASSERT_OK_AND_ASSIGN(const Recommendation latest, store.GetRecommendation("as_1", std::nullopt));
  ASSERT_OK_AND_ASSIGN(const Recommendation given, store.GetRecommendation("as_1", W(2)));

  EXPECT_EQ(latest.as_of_week, W(4));
  EXPECT_EQ(latest.action, Action::kAtTop);
  EXPECT_EQ(given.as_of_week, W(2));
  EXPECT_EQ(given.action, Action::kHold);
  EXPECT_TRUE(
      HasStatus(StatusOf(store.GetRecommendation("as_1", W(3))), absl::StatusCode::kNotFound,
                absl::StrCat("no recommendation for ad set 'as_1' at week ", W(3).ToString())));
  EXPECT_TRUE(HasStatus(StatusOf(store.GetRecommendation("as_3", std::nullopt)),
                        absl::StatusCode::kNotFound, "no recommendation for ad set 'as_3'"));
}

TYPED_TEST(RecommendationContract, ListsInByteOrder) {
  Store& store = this->store();
  ASSERT_OK(
      SaveChunk(store, Chunk({Full("as_a", W(1)), Full("as_B", W(1)), Full("as_\xc3\xa9", W(1))})));

  EXPECT_THAT(Keys(store.ListRecommendations(Query(W(1)))),
              ElementsAre(Key("as_B", W(1)), Key("as_a", W(1)), Key("as_\xc3\xa9", W(1))));
}

TYPED_TEST(RecommendationContract, RefusesARecommendationItCouldNotReadBack) {
  Store& store = this->store();
  Recommendation negative = Full("as_2", W(3));
  negative.sustained_counts["Purchase"] = -1;
  Recommendation far = Full("as_3", W(3));
  far.evaluated_at = absl::InfiniteFuture();
  Recommendation anonymous = Full("", W(3));
  Recommendation negative_budget = Full("as_4", W(3));
  negative_budget.learning_budget.rungs[0].cost_per_event_micros = -1;
  Recommendation other_budget = Full("as_5", W(3));
  other_budget.learning_budget.rungs[0].weekly_budget_micros = 150'000'000;  // not 50 × 3.10

  const absl::Status negative_status = SaveChunk(store, Chunk({Full("as_1", W(3)), negative}));
  const absl::Status far_status = SaveChunk(store, Chunk({far}));
  const absl::Status anonymous_status = SaveChunk(store, Chunk({anonymous}));
  const absl::Status negative_budget_status = SaveChunk(store, Chunk({negative_budget}));
  const absl::Status other_budget_status = SaveChunk(store, Chunk({other_budget}));

  EXPECT_TRUE(HasStatus(
      negative_status, absl::StatusCode::kInvalidArgument,
      R"(recommendations[1].recommendation.sustained_counts["Purchase"]: must not be negative, )"
      "got -1"));
  EXPECT_TRUE(HasStatus(far_status, absl::StatusCode::kInvalidArgument,
                        "recommendations[0].recommendation.evaluated_at: infinite-future is "
                        "outside years 1 to 9999"));
  EXPECT_TRUE(HasStatus(anonymous_status, absl::StatusCode::kInvalidArgument,
                        "recommendations[0].recommendation.ad_set_id: must not be empty"));
  EXPECT_TRUE(HasStatus(negative_budget_status, absl::StatusCode::kInvalidArgument,
                        "recommendations[0].recommendation.learning_budget.rungs[0]."
                        "cost_per_event_micros: must not be negative, got -1"));
  EXPECT_TRUE(HasStatus(other_budget_status, absl::StatusCode::kInvalidArgument,
                        "recommendations[0].recommendation.learning_budget.rungs[0]."
                        "weekly_budget_micros: must be learning_threshold (50) × "
                        "cost_per_event_micros"));
  EXPECT_THAT(Keys(store.ListRecommendations(Query(std::nullopt))), IsEmpty());
  EXPECT_EQ(store.RecommendationsVersion().value_or(-1), 0);
}

// Two accounts over three weeks:
//   act_1  as_a  W1 HOLD, W2 MOVE_DOWN [NEAR_EXIT]
//          as_b  W1 STABILIZE [DATA_GAP]
//          as_c  W2 DUPLICATE_AND_CLIMB [NEAR_EXIT, DATA_GAP]
//   act_2  as_d  W1 HOLD, W2 HOLD [CHECKOUT_FRICTION], W3 AT_TOP
//          as_e  W2 MOVE_DOWN [DATA_GAP]
template <typename Engine>
class ListRecommendationsContract : public StoreContractTest<Engine> {
 protected:
  void SetUp() override {
    StoreContractTest<Engine>::SetUp();
    if (this->HasFatalFailure()) return;
    ASSERT_OK(SaveChunk(
        this->store(),
        Chunk({
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

  std::vector<std::string> List(const RecommendationQuery& query) {
    return Keys(this->store().ListRecommendations(query));
  }
};
TYPED_TEST_SUITE(ListRecommendationsContract, StoreEngines, EngineNames);

TYPED_TEST(ListRecommendationsContract, FiltersByWeekAndAccount) {
  EXPECT_THAT(this->List(Query(W(2))), ElementsAre(Key("as_a", W(2)), Key("as_c", W(2)),
                                                   Key("as_d", W(2)), Key("as_e", W(2))));
  EXPECT_THAT(this->List(Query(W(2), "act_1")), ElementsAre(Key("as_a", W(2)), Key("as_c", W(2))));
  EXPECT_THAT(this->List(Query(W(3), "act_1")), IsEmpty());
  EXPECT_THAT(this->List(Query(W(4))), IsEmpty());
}

TYPED_TEST(ListRecommendationsContract, WithoutAWeekTakesEachAdSetsLatest) {
  EXPECT_THAT(this->List(Query(std::nullopt)),
              ElementsAre(Key("as_a", W(2)), Key("as_b", W(1)), Key("as_c", W(2)),
                          Key("as_d", W(3)), Key("as_e", W(2))));
  EXPECT_THAT(this->List(Query(std::nullopt, "act_2")),
              ElementsAre(Key("as_d", W(3)), Key("as_e", W(2))));
}

TYPED_TEST(ListRecommendationsContract, MatchesAnyOfTheActions) {
  RecommendationQuery query = Query(W(2));
  query.actions = {Action::kMoveDown, Action::kDuplicateAndClimb};

  EXPECT_THAT(this->List(query),
              ElementsAre(Key("as_a", W(2)), Key("as_c", W(2)), Key("as_e", W(2))));
}

TYPED_TEST(ListRecommendationsContract, ChoosesTheLatestWeekBeforeFiltering) {
  // as_a and as_d were HOLD once, but their latest recommendations are not.
  RecommendationQuery query = Query(std::nullopt);
  query.actions = {Action::kHold, Action::kStabilize};

  EXPECT_THAT(this->List(query), ElementsAre(Key("as_b", W(1))));
}

TYPED_TEST(ListRecommendationsContract, MatchesAnyOfTheFlags) {
  RecommendationQuery latest = Query(std::nullopt);
  latest.flags = {Flag::kDataGap};
  RecommendationQuery week = Query(W(2));
  week.flags = {Flag::kNearExit, Flag::kCheckoutFriction};

  EXPECT_THAT(this->List(latest),
              ElementsAre(Key("as_b", W(1)), Key("as_c", W(2)), Key("as_e", W(2))));
  EXPECT_THAT(this->List(week),
              ElementsAre(Key("as_a", W(2)), Key("as_c", W(2)), Key("as_d", W(2))));
}

TYPED_TEST(ListRecommendationsContract, CombinesEveryFilter) {
  RecommendationQuery week = Query(W(2), "act_1");
  week.actions = {Action::kMoveDown, Action::kHold};
  week.flags = {Flag::kNearExit};
  RecommendationQuery latest = Query(std::nullopt, "act_2");
  latest.actions = {Action::kMoveDown, Action::kAtTop};
  latest.flags = {Flag::kDataGap};

  EXPECT_THAT(this->List(week), ElementsAre(Key("as_a", W(2))));
  EXPECT_THAT(this->List(latest), ElementsAre(Key("as_e", W(2))));
}

TYPED_TEST(ListRecommendationsContract, PagesByAdSetIdAfterTheFilters) {
  RecommendationQuery query = Query(std::nullopt);
  query.limit = 2;
  std::vector<std::vector<std::string>> pages;
  for (int i = 0; i < 4; ++i) {
    pages.push_back(this->List(query));
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
  EXPECT_THAT(this->List(flagged), ElementsAre(Key("as_c", W(2))));
}

TYPED_TEST(ListRecommendationsContract, RefusesAPageWithoutALimit) {
  RecommendationQuery query = Query(std::nullopt);
  query.limit = 0;

  EXPECT_TRUE(HasStatus(StatusOf(this->store().ListRecommendations(query)),
                        absl::StatusCode::kInvalidArgument, "limit: must be positive, got 0"));
}

// --- Evaluation runs ----------------------------------------------------------------

// Run ev_0 is stored; run ev_1 gives as_1 another action, as_2 its first
// recommendation, and promotes test ct_1, in two chunks.
template <typename Engine>
class EvaluationRunContract : public StoreContractTest<Engine> {
 protected:
  void SetUp() override {
    StoreContractTest<Engine>::SetUp();
    if (this->HasFatalFailure()) return;
    ASSERT_OK(this->store().InsertClimbTest(running_));
    ASSERT_OK(StoreRun(this->store(), EvaluationRun("ev_0"),
                       Chunk({With(Full("as_1", W(3)), Action::kHold)})));
  }

  EvaluationChunk FirstChunk() const { return Chunk({With(Full("as_1", W(3)), Action::kAtTop)}); }

  EvaluationChunk SecondChunk() const {
    return Chunk({With(Full("as_2", W(3)), Action::kAtTop)},
                 {{running_, Judged(running_, ClimbTestState::kPromoted, W(3), 2, 1)}});
  }

  // Every read shows run ev_0 alone.
  void ExpectOnlyTheFirstRun() {
    Store& store = this->store();
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
    EXPECT_EQ(store.RecommendationsVersion().value_or(-1), 1);
  }

  // The second run, whole.
  void ExpectTheSecondRun() {
    Store& store = this->store();
    ASSERT_OK_AND_ASSIGN(const Recommendation as_1, store.GetRecommendation("as_1", W(3)));
    EXPECT_EQ(as_1.action, Action::kAtTop);
    ASSERT_OK_AND_ASSIGN(const Recommendation as_2, store.GetRecommendation("as_2", W(3)));
    EXPECT_EQ(as_2.action, Action::kAtTop);
    ASSERT_OK_AND_ASSIGN(const ClimbTest test, store.GetClimbTest("ct_1"));
    EXPECT_EQ(test.state, ClimbTestState::kPromoted);
    ASSERT_OK_AND_ASSIGN(const StoreStats stats, store.GetStats());
    ASSERT_TRUE(stats.latest_evaluation.has_value());
    EXPECT_EQ(stats.latest_evaluation->evaluation_id, "ev_1");
    EXPECT_EQ(store.RecommendationsVersion().value_or(-1), 2);
  }

  const ClimbTest running_ = NewTest("ct_1", "as_2", "as_2_dup", W(1));
};
TYPED_TEST_SUITE(EvaluationRunContract, StoreEngines, EngineNames);

TYPED_TEST(EvaluationRunContract, IsInvisibleWhileItRunsAndThenWhole) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<EvaluationWriter> writer, this->store().BeginEvaluation());
  ASSERT_OK(writer->Write(this->FirstChunk()));
  ASSERT_OK(writer->Write(this->SecondChunk()));
  {
    SCOPED_TRACE("before Commit");
    this->ExpectOnlyTheFirstRun();
  }

  ASSERT_OK(writer->Commit(EvaluationRun("ev_1")));
  writer.reset();

  this->ExpectTheSecondRun();
}

TYPED_TEST(EvaluationRunContract, ADroppedRunLeavesNothing) {
  {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<EvaluationWriter> writer, this->store().BeginEvaluation());
    ASSERT_OK(writer->Write(this->FirstChunk()));
    ASSERT_OK(writer->Write(this->SecondChunk()));
  }

  this->ExpectOnlyTheFirstRun();
  // Nor does it hold anything: the run made again is stored.
  ASSERT_OK(StoreRun(this->store(), EvaluationRun("ev_1"), this->FirstChunk()));
  ASSERT_OK(StoreRun(this->store(), EvaluationRun("ev_2"), this->SecondChunk()));
  EXPECT_EQ(this->store().GetClimbTest("ct_1").value_or(ClimbTest()).state,
            ClimbTestState::kPromoted);
}

TYPED_TEST(EvaluationRunContract, AFailingWriteLeavesNothing) {
  Recommendation bad = Full("as_3", W(3));
  bad.weeks_on_rung = -1;
  {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<EvaluationWriter> writer, this->store().BeginEvaluation());
    ASSERT_OK(writer->Write(this->FirstChunk()));
    EvaluationChunk failing = this->SecondChunk();
    failing.recommendations.push_back(bad);

    EXPECT_TRUE(HasStatus(writer->Write(failing), absl::StatusCode::kInvalidArgument,
                          "recommendations[1].recommendation.weeks_on_rung: must not be "
                          "negative, got -1"));
  }

  this->ExpectOnlyTheFirstRun();
  EXPECT_TRUE(HasStatus(StatusOf(this->store().GetRecommendation("as_3", W(3))),
                        absl::StatusCode::kNotFound, "no recommendation for ad set 'as_3'"));
}

TYPED_TEST(EvaluationRunContract, ARunRecordedAlreadyLeavesNothing) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<EvaluationWriter> writer, this->store().BeginEvaluation());
  ASSERT_OK(writer->Write(this->FirstChunk()));
  ASSERT_OK(writer->Write(this->SecondChunk()));

  EXPECT_TRUE(HasStatus(writer->Commit(EvaluationRun("ev_0")), absl::StatusCode::kAlreadyExists,
                        "evaluation 'ev_0' is already recorded"));
  writer.reset();

  this->ExpectOnlyTheFirstRun();
}

TYPED_TEST(EvaluationRunContract, ARecordThatCannotBeStoredLeavesNothing) {
  EvaluationRecord bad = EvaluationRun("ev_1");
  bad.evaluated = -1;
  EvaluationRecord anonymous = EvaluationRun("");

  EXPECT_TRUE(HasStatus(StoreRun(this->store(), bad, this->SecondChunk()),
                        absl::StatusCode::kInvalidArgument,
                        "evaluation.evaluated: must not be negative, got -1"));
  EXPECT_TRUE(HasStatus(StoreRun(this->store(), anonymous, this->SecondChunk()),
                        absl::StatusCode::kInvalidArgument,
                        "evaluation.evaluation_id: must not be empty"));
  this->ExpectOnlyTheFirstRun();
}

TYPED_TEST(EvaluationRunContract, ATestChangedSinceTheRunReadItIsAborted) {
  ASSERT_OK(this->store().UpdateClimbTest({this->running_, CancelledAt(this->running_, W(2))}));
  {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<EvaluationWriter> writer, this->store().BeginEvaluation());
    ASSERT_OK(writer->Write(this->FirstChunk()));

    EXPECT_TRUE(HasStatus(WriteAndCommit(*writer, this->SecondChunk(), EvaluationRun("ev_1")),
                          absl::StatusCode::kAborted,
                          "climb test 'ct_1' is CANCELLED now, not RUNNING as expected"));
  }

  ASSERT_OK_AND_ASSIGN(const ClimbTest stored, this->store().GetClimbTest("ct_1"));
  ExpectSameTest(stored, CancelledAt(this->running_, W(2)));
  ASSERT_OK_AND_ASSIGN(const Recommendation as_1, this->store().GetRecommendation("as_1", W(3)));
  EXPECT_EQ(as_1.action, Action::kHold);
  EXPECT_EQ(this->store().RecommendationsVersion().value_or(-1), 1);
}

// --- The evaluation log and the version ---------------------------------------------

template <typename Engine>
class EvaluationLogContract : public StoreContractTest<Engine> {};
TYPED_TEST_SUITE(EvaluationLogContract, StoreEngines, EngineNames);

TYPED_TEST(EvaluationLogContract, StatsNameTheMostRecentEvaluationWithEveryField) {
  Store& store = this->store();
  ASSERT_OK_AND_ASSIGN(const StoreStats before, store.GetStats());
  EXPECT_FALSE(before.latest_evaluation.has_value());

  EvaluationRecord later;
  later.evaluation_id = "ev_a";  // sorts first, so only the time can pick it
  later.as_of_week = W(4);
  later.account_id = "act_1";
  later.ad_set_ids = {"as_1", "as_\"2\""};
  later.policy_version = "p2";
  later.evaluated_at = EvaluatedAt() + absl::Hours(1);
  later.evaluated = 3;
  later.action_counts = {{Action::kHold, 2}, {Action::kDuplicateAndClimb, 1}};
  later.duration = absl::Microseconds(1'234'567);
  EvaluationRecord earlier;
  earlier.evaluation_id = "ev_b";
  earlier.as_of_week = W(5);
  earlier.evaluated_at = EvaluatedAt();
  ASSERT_OK(StoreRun(store, later));
  ASSERT_OK(StoreRun(store, earlier));

  ASSERT_OK_AND_ASSIGN(const StoreStats stats, store.GetStats());
  ASSERT_TRUE(stats.latest_evaluation.has_value());
  const EvaluationRecord& latest = *stats.latest_evaluation;
  EXPECT_EQ(latest.evaluation_id, "ev_a");
  EXPECT_EQ(latest.as_of_week, W(4));
  EXPECT_EQ(latest.account_id, "act_1");
  EXPECT_THAT(latest.ad_set_ids, ElementsAre("as_1", "as_\"2\""));
  EXPECT_EQ(latest.policy_version, "p2");
  EXPECT_EQ(latest.evaluated_at, EvaluatedAt() + absl::Hours(1));
  EXPECT_EQ(latest.evaluated, 3);
  EXPECT_EQ(latest.action_counts,
            (std::map<Action, int>{{Action::kHold, 2}, {Action::kDuplicateAndClimb, 1}}));
  EXPECT_EQ(latest.duration, absl::Microseconds(1'234'567));
}

TYPED_TEST(EvaluationLogContract, OfTwoRunsAtOneInstantTheGreaterIdIsTheLatest) {
  Store& store = this->store();
  // Neither the first nor the last stored.
  ASSERT_OK(StoreRun(store, EvaluationRun("ev_1")));
  ASSERT_OK(StoreRun(store, EvaluationRun("ev_3")));
  ASSERT_OK(StoreRun(store, EvaluationRun("ev_2")));

  ASSERT_OK_AND_ASSIGN(const StoreStats stats, store.GetStats());
  ASSERT_TRUE(stats.latest_evaluation.has_value());
  EXPECT_EQ(stats.latest_evaluation->evaluation_id, "ev_3");
}

TYPED_TEST(EvaluationLogContract, RecordsEachEvaluationOnce) {
  Store& store = this->store();
  EvaluationRecord evaluation = EvaluationRun("ev_1");
  evaluation.evaluated = 2;
  ASSERT_OK(StoreRun(store, evaluation));
  EvaluationRecord again = evaluation;
  again.evaluated = 9;
  again.evaluated_at += absl::Hours(1);

  EXPECT_TRUE(HasStatus(StoreRun(store, again, Chunk({Full("as_1", W(3))})),
                        absl::StatusCode::kAlreadyExists, "evaluation 'ev_1' is already recorded"));

  ASSERT_OK_AND_ASSIGN(const StoreStats stats, store.GetStats());
  ASSERT_TRUE(stats.latest_evaluation.has_value());
  EXPECT_EQ(stats.latest_evaluation->evaluated, 2);
  EXPECT_THAT(Keys(store.ListRecommendations(Query(std::nullopt))), IsEmpty());
  EXPECT_EQ(store.RecommendationsVersion().value_or(-1), 1);
}

// As every engine's columns hold them: whole microseconds, what is finer
// dropped toward the past (also before 1970).
TYPED_TEST(EvaluationLogContract, InstantsKeepWholeMicroseconds) {
  Store& store = this->store();
  Recommendation r = Full("as_1", W(3));
  r.evaluated_at = EvaluatedAt() + absl::Nanoseconds(999);
  EvaluationRecord run = EvaluationRun("ev_1");
  run.evaluated_at = absl::UnixEpoch() - absl::Nanoseconds(1);
  run.duration = absl::Nanoseconds(1'234'567'999);
  ClimbTest test = NewTest("ct_1", "as_1", "as_1_dup", W(1));
  test.create_time = CreatedAt() + absl::Nanoseconds(500);
  AccountRecord account;
  account.account_id = "act_1";
  account.last_sync_time = EvaluatedAt() + absl::Nanoseconds(1);

  ASSERT_OK(StoreRun(store, run, Chunk({r})));
  ASSERT_OK(store.InsertClimbTest(test));
  ASSERT_OK(store.RecordAccountSync(account));

  ASSERT_OK_AND_ASSIGN(const Recommendation read, store.GetRecommendation("as_1", W(3)));
  EXPECT_EQ(read.evaluated_at, EvaluatedAt());
  ASSERT_OK_AND_ASSIGN(const StoreStats stats, store.GetStats());
  ASSERT_TRUE(stats.latest_evaluation.has_value());
  EXPECT_EQ(stats.latest_evaluation->evaluated_at, absl::UnixEpoch() - absl::Microseconds(1));
  EXPECT_EQ(stats.latest_evaluation->duration, absl::Microseconds(1'234'567));
  ASSERT_OK_AND_ASSIGN(const ClimbTest read_test, store.GetClimbTest("ct_1"));
  EXPECT_EQ(read_test.create_time, CreatedAt());
  ASSERT_OK_AND_ASSIGN(const AccountRecord read_account, store.GetAccount("act_1"));
  EXPECT_EQ(read_account.last_sync_time, EvaluatedAt());
}

TYPED_TEST(EvaluationLogContract, TheVersionCountsCommittedEvaluationsOnly) {
  Store& store = this->store();
  auto version = [&] { return store.RecommendationsVersion().value_or(-1); };
  EXPECT_EQ(version(), 0);

  ASSERT_OK(Ingested(store, Batch({Record("as_1", W(3), 10)})));
  ASSERT_OK(store.InsertClimbTest(NewTest("ct_1", "as_1", "as_1_dup", W(1))));
  EXPECT_EQ(version(), 0) << "after an ingest and a climb test";
  {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<EvaluationWriter> writer, store.BeginEvaluation());
    ASSERT_OK(writer->Write(Chunk({Full("as_1", W(3))})));
    EXPECT_EQ(version(), 0) << "while a run is written";
  }
  EXPECT_EQ(version(), 0) << "after a dropped run";

  ASSERT_OK(StoreRun(store, EvaluationRun("ev_1"), Chunk({Full("as_1", W(3))})));
  EXPECT_EQ(version(), 1);
  EXPECT_FALSE(StoreRun(store, EvaluationRun("ev_1")).ok());
  EXPECT_EQ(version(), 1) << "after a refused Commit";
  ASSERT_OK(StoreRun(store, EvaluationRun("ev_2")));
  EXPECT_EQ(version(), 2) << "a run of no recommendations counts too";
}

// Each run reads the version once it has begun, and stores it in every
// chunk; as runs serialize (or lose a race and are made again), no two
// stored runs can have read the same version, and each run's
// recommendations come whole.
TYPED_TEST(EvaluationLogContract, ConcurrentRunsSerialize) {
  constexpr int kThreads = 4;
  constexpr int kRunsPerThread = 50;
  // Chunks, one ad set each: a run long enough for others to overlap it.
  constexpr int kChunks = 20;
  Store& store = this->store();
  absl::Mutex mu;
  std::vector<std::string> failures;
  std::multiset<int64_t> versions_read;
  auto run_once = [&](const std::string& id) -> absl::Status {
    ASSIGN_OR_RETURN(std::unique_ptr<EvaluationWriter> writer, store.BeginEvaluation());
    ASSIGN_OR_RETURN(const int64_t version, store.RecommendationsVersion());
    for (int i = 0; i < kChunks; ++i) {
      Recommendation r = Full(absl::StrCat("as_", i), W(3));
      r.evaluation_id = id;
      r.weeks_on_rung = static_cast<int>(version);
      RETURN_IF_ERROR(writer->Write(Chunk({r})));
    }
    RETURN_IF_ERROR(writer->Commit(EvaluationRun(id)));
    absl::MutexLock lock(&mu);
    versions_read.insert(version);
    return absl::OkStatus();
  };
  // All threads start at once, so that their runs overlap from the first.
  absl::Barrier start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.Block();
      for (int r = 0; r < kRunsPerThread; ++r) {
        const std::string id = absl::StrCat("ev_", t, "_", r);
        absl::Status status;
        do {
          status = run_once(id);
        } while (status.code() == absl::StatusCode::kAborted);
        if (!status.ok()) {
          absl::MutexLock lock(&mu);
          failures.push_back(status.ToString());
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  EXPECT_THAT(failures, IsEmpty());
  std::multiset<int64_t> expected;
  for (int64_t v = 0; v < kThreads * kRunsPerThread; ++v) expected.insert(v);
  EXPECT_EQ(versions_read, expected);
  EXPECT_EQ(store.RecommendationsVersion().value_or(-1), kThreads * kRunsPerThread);
  RecommendationQuery all = Query(W(3));
  all.limit = kChunks + 1;
  ASSERT_OK_AND_ASSIGN(const std::vector<Recommendation> stored, store.ListRecommendations(all));
  ASSERT_EQ(stored.size(), static_cast<size_t>(kChunks));
  for (const Recommendation& r : stored) {
    EXPECT_EQ(r.evaluation_id, stored[0].evaluation_id) << r.ad_set_id;
    EXPECT_EQ(r.weeks_on_rung, kThreads * kRunsPerThread - 1) << r.ad_set_id;
  }
}

TYPED_TEST(EvaluationLogContract, IngestsGoOnBesideARun) {
  Store& store = this->store();
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<EvaluationWriter> writer, store.BeginEvaluation());
  ASSERT_OK(writer->Write(Chunk({Full("as_1", W(3))})));

  // From another thread: an engine with one writer makes it wait for the
  // run, and must not lose it.
  absl::StatusOr<IngestSummary> ingested;
  std::thread ingest([&] { ingested = Ingested(store, Batch({Record("as_1", W(3), 10)})); });
  ASSERT_OK(writer->Commit(EvaluationRun("ev_1")));
  writer.reset();
  ingest.join();

  ASSERT_OK(ingested);
  EXPECT_EQ(*ingested, Summary(1, 0, 0));
  EXPECT_OK(store.GetHistory("as_1", {}, {}));
  EXPECT_OK(store.GetRecommendation("as_1", W(3)));
}

}  // namespace
}  // namespace rung
