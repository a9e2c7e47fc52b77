// The contract of ActionStore, for every engine: one record per key, whose
// first record's id and time are kept; every field read back as written; a
// key kept by its account and ad set; listing by account or ad set in key
// order, page by page; and the records no store takes.

#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/barrier.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store_contract.h"
#include "store_contract_engines.h"

namespace rung {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// 2026-11-30T03:00:00.123456Z plus `minutes`: a fraction that a store
// keeping milliseconds would lose.
absl::Time At(int minutes) {
  return absl::FromCivil(absl::CivilSecond(2026, 11, 30, 3, 0, 0), absl::UTCTimeZone()) +
         absl::Microseconds(123456) + absl::Minutes(minutes);
}

ActionStep Step(const std::string& method, const std::string& path, absl::Time done_at) {
  ActionStep step;
  step.method = method;
  step.path = path;
  step.done_at = done_at;
  return step;
}

// A record of `key` with just what every record has, made at At(0).
ActionRecord BareAction(const std::string& key, const std::string& account_id = "act_1",
                        const std::string& ad_set_id = "as_1") {
  ActionRecord record;
  record.action_id = "action_" + key;
  record.key = key;
  record.account_id = account_id;
  record.ad_set_id = ad_set_id;
  record.as_of_week = W(3);
  record.action = Action::kDuplicateAndClimb;
  record.updated_at = At(0);
  record.created_at = At(0);
  return record;
}

// A record with every field set, text that JSON must escape in each step's
// params and error, params out of name order with a name repeated, and
// times with microseconds.
ActionRecord FullAction(const std::string& key) {
  ActionRecord record = BareAction(key);
  record.duplicate_ad_set_id = "as_1_dup";
  record.target_event = "InitiateCheckout";
  record.state = ActionState::kFailed;
  record.outcome = "Meta said: \"(#100) Invalid parameter\" \\ caf\xc3\xa9";
  record.recorded_by = "ops-token \xe2\x9c\x93";
  ActionStep copy = Step("POST", "/as_1/copies", At(1));
  copy.params = {{"status_option", "PAUSED"},
                 {"deep_copy", "true"},
                 {"rename_options", R"({"rename_suffix":" \"climb\" \\ \u00e9"})"},
                 {"deep_copy", "false"},
                 {"empty", ""},
                 {"caf\xc3\xa9 \xf0\x9f\x9a\x80", "tab\t newline\n nul-free \x01 bell\x07"}};
  copy.result_id = "as_1_dup";
  ActionStep update = Step("POST", "/as_1_dup", At(2) + absl::Microseconds(1));
  update.params = {{"optimization_goal", "OFFSITE_CONVERSIONS"}};
  update.error =
      "HTTP 400: {\"error\":{\"message\":\"quote \\\" and backslash \\\\\"}}\n\xe2\x9c\x97";
  record.steps = {copy, update};
  record.updated_at = At(3);
  return record;
}

// `record` as the store answers it when its key is first recorded.
ActionRecord AsFirst(ActionRecord record) {
  record.created_at = record.updated_at;
  return record;
}

// Every field, one expectation each, so that a failure names the field.
void ExpectSameAction(const ActionRecord& got, const ActionRecord& want) {
  EXPECT_EQ(got.action_id, want.action_id);
  EXPECT_EQ(got.key, want.key);
  EXPECT_EQ(got.account_id, want.account_id);
  EXPECT_EQ(got.ad_set_id, want.ad_set_id);
  EXPECT_EQ(got.duplicate_ad_set_id, want.duplicate_ad_set_id);
  EXPECT_EQ(got.as_of_week, want.as_of_week);
  EXPECT_EQ(got.action, want.action);
  EXPECT_EQ(got.target_event, want.target_event);
  ASSERT_EQ(got.steps.size(), want.steps.size());
  for (size_t i = 0; i < got.steps.size(); ++i) {
    SCOPED_TRACE(absl::StrCat("steps[", i, "]"));
    EXPECT_EQ(got.steps[i].method, want.steps[i].method);
    EXPECT_EQ(got.steps[i].path, want.steps[i].path);
    EXPECT_EQ(got.steps[i].params, want.steps[i].params);
    EXPECT_EQ(got.steps[i].result_id, want.steps[i].result_id);
    EXPECT_EQ(got.steps[i].error, want.steps[i].error);
    EXPECT_EQ(got.steps[i].done_at, want.steps[i].done_at);
  }
  EXPECT_EQ(got.state, want.state);
  EXPECT_EQ(got.outcome, want.outcome);
  EXPECT_EQ(got.recorded_by, want.recorded_by);
  EXPECT_EQ(got.created_at, want.created_at);
  EXPECT_EQ(got.updated_at, want.updated_at);
  // And nothing that the comparisons above leave out.
  EXPECT_TRUE(got == want);
}

ActionQuery ActionsOf(const std::string& account_id, const std::string& ad_set_id = "",
                      int limit = 100) {
  ActionQuery query;
  query.account_id = account_id;
  query.ad_set_id = ad_set_id;
  query.limit = limit;
  return query;
}

// The keys of `records`; the error alone when the call failed.
std::vector<std::string> Keys(const absl::StatusOr<std::vector<ActionRecord>>& records) {
  if (!records.ok()) return {records.status().ToString()};
  std::vector<std::string> keys;
  for (const ActionRecord& record : *records) keys.push_back(record.key);
  return keys;
}

template <typename Engine>
class ActionContract : public StoreContractTest<Engine> {
 protected:
  // Every page of `query`, `limit` keys at most each, up to the first empty
  // one (five at most, so that a store that never ends fails).
  std::vector<std::vector<std::string>> Pages(ActionQuery query) {
    std::vector<std::vector<std::string>> pages;
    for (int i = 0; i < 5; ++i) {
      pages.push_back(Keys(this->store().ListActions(query)));
      if (pages.back().empty()) break;
      query.after_key = pages.back().back();
    }
    return pages;
  }
};
TYPED_TEST_SUITE(ActionContract, StoreEngines, EngineNames);

TYPED_TEST(ActionContract, EveryFieldReadsBackAsWritten) {
  Store& store = this->store();
  const ActionRecord full = FullAction("as_1@2026-01-26@DUPLICATE_AND_CLIMB");
  const ActionRecord bare = BareAction("as_2@2026-01-26@HOLD", "act_1", "as_2");

  ASSERT_OK_AND_ASSIGN(const ActionRecord full_answer, store.RecordAction(full));
  ASSERT_OK_AND_ASSIGN(const ActionRecord bare_answer, store.RecordAction(bare));

  {
    SCOPED_TRACE("the answer to the full record");
    ExpectSameAction(full_answer, AsFirst(full));
  }
  {
    SCOPED_TRACE("the full record read back");
    ASSERT_OK_AND_ASSIGN(const ActionRecord read, store.GetAction(full.key));
    ExpectSameAction(read, AsFirst(full));
  }
  {
    SCOPED_TRACE("the bare record read back");
    ExpectSameAction(bare_answer, AsFirst(bare));
    ASSERT_OK_AND_ASSIGN(const ActionRecord read, store.GetAction(bare.key));
    ExpectSameAction(read, AsFirst(bare));
  }
  ASSERT_OK_AND_ASSIGN(const std::vector<ActionRecord> listed,
                       store.ListActions(ActionsOf("act_1")));
  ASSERT_EQ(listed.size(), 2u);
  ExpectSameAction(listed[0], AsFirst(full));
  ExpectSameAction(listed[1], AsFirst(bare));
}

TYPED_TEST(ActionContract, EveryStateAndActionReadsBack) {
  Store& store = this->store();
  const ActionState states[] = {ActionState::kInProgress, ActionState::kDone, ActionState::kFailed,
                                ActionState::kSkipped};
  const Action actions[] = {Action::kMoveDown, Action::kPromoteDuplicate, Action::kConsolidate,
                            Action::kInsufficientData};
  for (int i = 0; i < 4; ++i) {
    ActionRecord record = BareAction(absl::StrCat("as_1@2026-01-26@", i));
    record.state = states[i];
    record.action = actions[i];
    ASSERT_OK(store.RecordAction(record));
  }

  ASSERT_OK_AND_ASSIGN(const std::vector<ActionRecord> listed,
                       store.ListActions(ActionsOf("act_1")));
  ASSERT_EQ(listed.size(), 4u);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(listed[i].state, states[i]) << i;
    EXPECT_EQ(listed[i].action, actions[i]) << i;
  }
}

TYPED_TEST(ActionContract, TimesKeepWholeMicroseconds) {
  ActionRecord record = BareAction("as_1@2026-01-26@HOLD");
  record.updated_at = At(0) + absl::Nanoseconds(999);
  record.steps = {Step("GET", "/as_1", At(-1) + absl::Nanoseconds(1))};

  ASSERT_OK(this->store().RecordAction(record));

  ASSERT_OK_AND_ASSIGN(const ActionRecord read, this->store().GetAction(record.key));
  EXPECT_EQ(read.updated_at, At(0));
  EXPECT_EQ(read.created_at, At(0));
  ASSERT_EQ(read.steps.size(), 1u);
  EXPECT_EQ(read.steps[0].done_at, At(-1));
}

TYPED_TEST(ActionContract, ARecordAgainKeepsTheFirstIdAndCreationAndReplacesTheRest) {
  Store& store = this->store();
  const std::string key = "as_1@2026-01-26@DUPLICATE_AND_CLIMB";
  ActionRecord first = BareAction(key);
  first.steps = {Step("POST", "/as_1/copies", At(0))};
  first.steps[0].params = {{"deep_copy", "true"}};
  first.outcome = "cut short";
  first.recorded_by = "alice";
  ASSERT_OK(store.RecordAction(first));
  // A later run, which names another id and creation time: neither moves.
  ActionRecord again = FullAction(key);
  again.action_id = "action_other";
  again.created_at = At(-60);
  again.state = ActionState::kDone;
  again.updated_at = At(30);

  ASSERT_OK_AND_ASSIGN(const ActionRecord answer, store.RecordAction(again));

  ActionRecord want = again;
  want.action_id = first.action_id;
  want.created_at = first.updated_at;
  ExpectSameAction(answer, want);
  ASSERT_OK_AND_ASSIGN(const ActionRecord read, store.GetAction(key));
  ExpectSameAction(read, want);

  // And back to fewer steps and empty optional fields: nothing of the
  // second record stays.
  ActionRecord third = BareAction(key);
  third.updated_at = At(45);
  ASSERT_OK(store.RecordAction(third));

  ASSERT_OK_AND_ASSIGN(const ActionRecord read_third, store.GetAction(key));
  want = third;
  want.created_at = first.updated_at;
  ExpectSameAction(read_third, want);
  EXPECT_THAT(Keys(store.ListActions(ActionsOf("act_1"))), ElementsAre(key));
}

TYPED_TEST(ActionContract, AKeyKeepsItsAccountAndAdSet) {
  Store& store = this->store();
  const std::string key = "as_1@2026-01-26@MOVE_DOWN";
  ASSERT_OK_AND_ASSIGN(const ActionRecord stored, store.RecordAction(FullAction(key)));
  ActionRecord other_account = BareAction(key, "act_2", "as_1");
  other_account.updated_at = At(10);
  ActionRecord other_ad_set = BareAction(key, "act_1", "as_9");
  other_ad_set.updated_at = At(10);

  for (const ActionRecord& record : {other_account, other_ad_set}) {
    SCOPED_TRACE(absl::StrCat(record.account_id, " ", record.ad_set_id));
    EXPECT_TRUE(HasStatus(StatusOf(store.RecordAction(record)),
                          absl::StatusCode::kFailedPrecondition,
                          "action 'as_1@2026-01-26@MOVE_DOWN' is recorded for account 'act_1' "
                          "and ad set 'as_1'"));
  }

  ASSERT_OK_AND_ASSIGN(const ActionRecord read, store.GetAction(key));
  ExpectSameAction(read, stored);
  EXPECT_THAT(Keys(store.ListActions(ActionsOf("act_2"))), IsEmpty());
  EXPECT_THAT(Keys(store.ListActions(ActionsOf("act_1", "as_9"))), IsEmpty());
}

TYPED_TEST(ActionContract, AnUnknownKeyIsNotFound) {
  ASSERT_OK(this->store().RecordAction(BareAction("as_1@2026-01-26@HOLD")));

  EXPECT_TRUE(HasStatus(StatusOf(this->store().GetAction("as_1@2026-01-19@HOLD")),
                        absl::StatusCode::kNotFound, "action 'as_1@2026-01-19@HOLD' not found"));
  EXPECT_TRUE(HasStatus(StatusOf(this->store().GetAction("")), absl::StatusCode::kNotFound,
                        "action '' not found"));
}

TYPED_TEST(ActionContract, ListsAnAccountOrAnAdSetInKeyOrderPageByPage) {
  Store& store = this->store();
  // Recorded out of key order, with keys that byte order and a locale's
  // order would sort apart.
  const std::pair<const char*, const char*> keys[] = {
      {"as_b@2", "as_b"},        {"as_a@2", "as_a"}, {"AS_Z@1", "AS_Z"}, {"as_b@1", "as_b"},
      {"as_\xc3\xa9@1", "as_e"}, {"as_a@1", "as_a"}, {"as_b@3", "as_b"},
  };
  for (const auto& [key, ad_set_id] : keys) {
    ASSERT_OK(store.RecordAction(BareAction(key, "act_1", ad_set_id)));
  }
  ASSERT_OK(store.RecordAction(BareAction("as_a@0", "act_2", "as_a")));
  ASSERT_OK(store.RecordAction(BareAction("as_x@1", "act_2", "as_x")));

  EXPECT_THAT(this->Pages(ActionsOf("act_1", "", 3)),
              ElementsAre(ElementsAre("AS_Z@1", "as_a@1", "as_a@2"),
                          ElementsAre("as_b@1", "as_b@2", "as_b@3"), ElementsAre("as_\xc3\xa9@1"),
                          IsEmpty()));
  EXPECT_THAT(this->Pages(ActionsOf("act_1", "as_b", 2)),
              ElementsAre(ElementsAre("as_b@1", "as_b@2"), ElementsAre("as_b@3"), IsEmpty()));
  EXPECT_THAT(this->Pages(ActionsOf("act_2")),
              ElementsAre(ElementsAre("as_a@0", "as_x@1"), IsEmpty()));
  EXPECT_THAT(Keys(store.ListActions(ActionsOf("act_2", "as_b"))), IsEmpty());
  EXPECT_THAT(Keys(store.ListActions(ActionsOf("act_3"))), IsEmpty());
  ActionQuery after = ActionsOf("act_1", "as_a");
  after.after_key = "as_a@1";
  EXPECT_THAT(Keys(store.ListActions(after)), ElementsAre("as_a@2"));
}

// The Advisor asks for one more than a page to tell whether another
// follows, so a store takes any positive limit, as for the other lists.
TYPED_TEST(ActionContract, RefusesAQueryWithoutAccountOrWithoutAPositiveLimit) {
  Store& store = this->store();
  ASSERT_OK(store.RecordAction(BareAction("as_1@1")));

  EXPECT_TRUE(HasStatus(StatusOf(store.ListActions(ActionsOf("act_1", "", 0))),
                        absl::StatusCode::kInvalidArgument, "limit: must be positive, got 0"));
  EXPECT_TRUE(HasStatus(StatusOf(store.ListActions(ActionsOf("act_1", "", -1))),
                        absl::StatusCode::kInvalidArgument, "limit: must be positive, got -1"));
  EXPECT_TRUE(HasStatus(StatusOf(store.ListActions(ActionsOf("", "as_1"))),
                        absl::StatusCode::kInvalidArgument,
                        "action_query.account_id: must not be empty"));
  EXPECT_THAT(Keys(store.ListActions(ActionsOf("act_1", "", 1))), ElementsAre("as_1@1"));
  EXPECT_THAT(Keys(store.ListActions(ActionsOf("act_1", "", 1001))), ElementsAre("as_1@1"));
}

TYPED_TEST(ActionContract, RefusesARecordNoStoreTakesNamingTheField) {
  Store& store = this->store();
  auto with = [](auto change) {
    ActionRecord record = FullAction("as_1@2026-01-26@MOVE_DOWN");
    record.steps.push_back(Step("GET", "/as_1", At(2)));
    change(record);
    return record;
  };
  const std::pair<ActionRecord, const char*> cases[] = {
      {with([](ActionRecord& r) { r.key.clear(); }), "action.key: must not be empty"},
      {with([](ActionRecord& r) { r.action_id.clear(); }), "action.action_id: must not be empty"},
      {with([](ActionRecord& r) { r.account_id.clear(); }), "action.account_id: must not be empty"},
      {with([](ActionRecord& r) { r.ad_set_id.clear(); }), "action.ad_set_id: must not be empty"},
      {with([](ActionRecord& r) { r.steps[2].method.clear(); }),
       "action.steps[2].method: must not be empty"},
      {with([](ActionRecord& r) { r.steps[1].path.clear(); }),
       "action.steps[1].path: must not be empty"},
      {with([](ActionRecord& r) { r.steps[0].done_at = absl::InfiniteFuture(); }),
       "action.steps[0].done_at: "},
      {with([](ActionRecord& r) {
         r.updated_at = absl::FromCivil(absl::CivilSecond(0, 12, 31), absl::UTCTimeZone());
       }),
       "action.updated_at: "},
  };

  for (const auto& [record, message] : cases) {
    EXPECT_TRUE(HasStatus(StatusOf(store.RecordAction(record)), absl::StatusCode::kInvalidArgument,
                          message));
  }
  EXPECT_TRUE(HasStatus(StatusOf(store.GetAction("as_1@2026-01-26@MOVE_DOWN")),
                        absl::StatusCode::kNotFound, "not found"));
  EXPECT_THAT(Keys(store.ListActions(ActionsOf("act_1"))), IsEmpty());
}

// However records of one new key race, the first one stored keeps the key:
// each answers its id and creation, and a record for another owner is
// refused rather than taking the key over.
TYPED_TEST(ActionContract, RacingRecordsOfOneKeyKeepOneFirst) {
  constexpr int kThreads = 4;
  Store& store = this->store();
  const std::string key = "as_1@2026-01-26@DUPLICATE_AND_CLIMB";
  absl::Barrier start(kThreads);
  std::vector<absl::StatusOr<ActionRecord>> answers(kThreads, absl::UnknownError("not run"));
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // Odd threads name another ad set.
      ActionRecord record = BareAction(key, "act_1", t % 2 == 0 ? "as_1" : "as_9");
      record.action_id = absl::StrCat("action_", t);
      record.updated_at = At(t);
      start.Block();
      answers[t] = store.RecordAction(record);
    });
  }
  for (std::thread& thread : threads) thread.join();

  ASSERT_OK_AND_ASSIGN(const ActionRecord stored, store.GetAction(key));
  std::set<std::string> ids;
  int refused = 0;
  for (int t = 0; t < kThreads; ++t) {
    SCOPED_TRACE(t);
    if (answers[t].ok()) {
      EXPECT_EQ(answers[t]->ad_set_id, stored.ad_set_id);
      EXPECT_EQ(answers[t]->created_at, stored.created_at);
      ids.insert(answers[t]->action_id);
    } else {
      EXPECT_EQ(answers[t].status().code(), absl::StatusCode::kFailedPrecondition)
          << answers[t].status();
      ++refused;
    }
  }
  // One owner's two threads succeeded, the other's two were refused.
  EXPECT_EQ(refused, 2);
  EXPECT_THAT(ids, ElementsAre(stored.action_id));
  EXPECT_THAT(Keys(this->store().ListActions(ActionsOf("act_1"))), ElementsAre(key));
}

}  // namespace
}  // namespace rung
