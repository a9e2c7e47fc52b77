// The contract of ClimbTestStore and AccountStore, for every engine: storing
// and finding tests, at most one running test per ad set, changes made only
// from the state their caller read (alone or in an evaluation), and the
// accounts a sync records.

#include <algorithm>
#include <cmath>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/barrier.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store_contract.h"
#include "store_contract_engines.h"

namespace rung {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

template <typename Engine>
class ClimbTestContract : public StoreContractTest<Engine> {
 protected:
  // The stored test, or one with the error as its id.
  ClimbTest Get(const std::string& id) {
    auto test = this->store().GetClimbTest(id);
    if (!test.ok()) {
      ADD_FAILURE() << test.status();
      ClimbTest missing;
      missing.climb_test_id = test.status().ToString();
      return missing;
    }
    return *std::move(test);
  }

  // Inserts `test` and makes it `next`, as CancelClimbTest or an
  // evaluation would.
  absl::Status InsertAs(const ClimbTest& test, const ClimbTest& next) {
    RETURN_IF_ERROR(this->store().InsertClimbTest(test));
    return this->store().UpdateClimbTest({test, next});
  }
};
TYPED_TEST_SUITE(ClimbTestContract, StoreEngines, EngineNames);

TYPED_TEST(ClimbTestContract, EveryFieldReadsBackAsWritten) {
  const ClimbTest test = NewTest("ct_1", "as_o", "as_d", W(2));
  ASSERT_OK(this->store().InsertClimbTest(test));
  const ClimbTest running = this->Get("ct_1");
  // One side had no conversion; the other's cost is not a short decimal.
  const ClimbTest kept = Judged(test, ClimbTestState::kKeptCurrent, W(5), 0.1 + 0.2, kInf, 41);

  ASSERT_OK(StoreRun(this->store(), EvaluationRun("ev_1"), Chunk({}, {{running, kept}})));

  {
    SCOPED_TRACE("running");
    ExpectSameTest(running, test);
  }
  {
    SCOPED_TRACE("kept current");
    ExpectSameTest(this->Get("ct_1"), kept);
  }
}

TYPED_TEST(ClimbTestContract, AnUnknownIdIsNotFound) {
  const ClimbTest test = NewTest("ct_1", "as_o", "as_d", W(2));
  ASSERT_OK(this->store().InsertClimbTest(test));
  ClimbTest other = NewTest("ct_2", "as_x", "as_y", W(2));

  EXPECT_TRUE(HasStatus(StatusOf(this->store().GetClimbTest("ct_2")), absl::StatusCode::kNotFound,
                        "climb test 'ct_2' not found"));
  EXPECT_TRUE(HasStatus(this->store().UpdateClimbTest({other, CancelledAt(other, W(3))}),
                        absl::StatusCode::kNotFound, "climb test 'ct_2' not found"));
  EXPECT_TRUE(HasStatus(StoreRun(this->store(), EvaluationRun("ev_1"),
                                 Chunk({}, {{other, CancelledAt(other, W(3))}})),
                        absl::StatusCode::kNotFound, "climb test 'ct_2' not found"));
}

TYPED_TEST(ClimbTestContract, TestsOfAnAdSetAreInEitherRoleOldestStartFirst) {
  // Stored latest start first, and with ids out of start order, so that
  // neither insertion nor id order can pass for start order.
  const ClimbTest b = NewTest("ct_b", "as_1", "as_9", W(6));
  ASSERT_OK(this->InsertAs(b, CancelledAt(b, W(7))));
  const ClimbTest a = NewTest("ct_a", "as_1", "as_2", W(3));
  ASSERT_OK(this->InsertAs(a, CancelledAt(a, W(4))));
  ASSERT_OK(this->store().InsertClimbTest(NewTest("ct_c", "as_0", "as_1", W(1))));
  ASSERT_OK(this->store().InsertClimbTest(NewTest("ct_5", "as_7", "as_8", W(1))));
  // Of one start week, the smaller id comes first, whatever was stored first.
  const ClimbTest e = NewTest("ct_e", "as_5", "as_6", W(1));
  ASSERT_OK(this->InsertAs(e, CancelledAt(e, W(1))));
  ASSERT_OK(this->store().InsertClimbTest(NewTest("ct_d", "as_5", "as_4", W(1))));

  EXPECT_THAT(Ids(this->store().ClimbTestsOf("as_1")), ElementsAre("ct_c", "ct_a", "ct_b"));
  EXPECT_THAT(Ids(this->store().ClimbTestsOf("as_8")), ElementsAre("ct_5"));
  EXPECT_THAT(Ids(this->store().ClimbTestsOf("as_9")), ElementsAre("ct_b"));
  EXPECT_THAT(Ids(this->store().ClimbTestsOf("as_5")), ElementsAre("ct_d", "ct_e"));
  EXPECT_THAT(Ids(this->store().ClimbTestsOf("as_unknown")), IsEmpty());
}

TYPED_TEST(ClimbTestContract, ListsByAccountAndStateInIdOrder) {
  Store& store = this->store();
  const ClimbTest ct_3 = NewTest("ct_3", "as_5", "as_6", W(1));
  ASSERT_OK(this->InsertAs(ct_3, Judged(ct_3, ClimbTestState::kPromoted, W(4), 2, 1)));
  ASSERT_OK(store.InsertClimbTest(NewTest("ct_1", "as_1", "as_2", W(1))));
  const ClimbTest ct_2 = NewTest("ct_2", "as_3", "as_4", W(1));
  ASSERT_OK(this->InsertAs(ct_2, CancelledAt(ct_2, W(2))));
  ASSERT_OK(store.InsertClimbTest(NewTest("ct_4", "as_7", "as_8", W(1), "act_2")));
  auto query = [](std::string account_id, std::optional<ClimbTestState> state) {
    ClimbTestQuery q;
    q.account_id = std::move(account_id);
    q.state = state;
    return q;
  };

  EXPECT_THAT(Ids(store.ListClimbTests(query("", std::nullopt))),
              ElementsAre("ct_1", "ct_2", "ct_3", "ct_4"));
  EXPECT_THAT(Ids(store.ListClimbTests(query("act_1", std::nullopt))),
              ElementsAre("ct_1", "ct_2", "ct_3"));
  EXPECT_THAT(Ids(store.ListClimbTests(query("", ClimbTestState::kRunning))),
              ElementsAre("ct_1", "ct_4"));
  EXPECT_THAT(Ids(store.ListClimbTests(query("act_1", ClimbTestState::kRunning))),
              ElementsAre("ct_1"));
  EXPECT_THAT(Ids(store.ListClimbTests(query("act_1", ClimbTestState::kPromoted))),
              ElementsAre("ct_3"));
  EXPECT_THAT(Ids(store.ListClimbTests(query("act_2", ClimbTestState::kCancelled))), IsEmpty());
  EXPECT_THAT(Ids(store.ListClimbTests(query("act_3", std::nullopt))), IsEmpty());
}

TYPED_TEST(ClimbTestContract, ListsByPageInByteOrder) {
  Store& store = this->store();
  for (const char* id : {"ct_5", "ct_1", "CT_0", "ct_3", "ct_4", "ct_\xc3\xa9", "ct_2"}) {
    ASSERT_OK(store.InsertClimbTest(
        NewTest(id, absl::StrCat(id, "_original"), absl::StrCat(id, "_duplicate"), W(1))));
  }
  const ClimbTest ct_2 = this->Get("ct_2");
  ASSERT_OK(store.UpdateClimbTest({ct_2, CancelledAt(ct_2, W(2))}));
  ClimbTestQuery query;
  query.limit = 3;
  std::vector<std::vector<std::string>> pages;
  for (int i = 0; i < 4; ++i) {
    pages.push_back(Ids(store.ListClimbTests(query)));
    if (pages.back().empty()) break;
    query.after_climb_test_id = pages.back().back();
  }
  ClimbTestQuery running;
  running.state = ClimbTestState::kRunning;
  running.after_climb_test_id = "ct_1";
  running.limit = 2;
  ClimbTestQuery no_limit;
  no_limit.limit = 0;

  EXPECT_THAT(pages,
              ElementsAre(ElementsAre("CT_0", "ct_1", "ct_2"), ElementsAre("ct_3", "ct_4", "ct_5"),
                          ElementsAre("ct_\xc3\xa9"), IsEmpty()));
  EXPECT_THAT(Ids(store.ListClimbTests(running)), ElementsAre("ct_3", "ct_4"));
  EXPECT_TRUE(HasStatus(StatusOf(store.ListClimbTests(no_limit)),
                        absl::StatusCode::kInvalidArgument, "limit: must be positive, got 0"));
}

TYPED_TEST(ClimbTestContract, ARunningTestKeepsBothItsAdSetsFromANewOne) {
  Store& store = this->store();
  ASSERT_OK(store.InsertClimbTest(NewTest("ct_1", "as_o", "as_d", W(1))));
  const std::pair<const char*, const char*> cases[] = {
      {"as_o", "as_x"}, {"as_d", "as_x"}, {"as_x", "as_o"}, {"as_x", "as_d"}, {"as_d", "as_o"},
  };

  for (const auto& [original, duplicate] : cases) {
    SCOPED_TRACE(absl::StrCat(original, " -> ", duplicate));
    EXPECT_TRUE(HasStatus(store.InsertClimbTest(NewTest("ct_2", original, duplicate, W(2))),
                          absl::StatusCode::kAborted,
                          absl::StrCat("climb test 'ct_2' was not stored: a running test now "
                                       "involves ad set '",
                                       original, "' or '", duplicate, "'")));
  }
  EXPECT_TRUE(HasStatus(store.InsertClimbTest(NewTest("ct_1", "as_p", "as_q", W(2))),
                        absl::StatusCode::kAlreadyExists, "climb test 'ct_1' already exists"));
  // A taken id is ALREADY_EXISTS even when a running test is in the way too.
  EXPECT_TRUE(HasStatus(store.InsertClimbTest(NewTest("ct_1", "as_o", "as_q", W(2))),
                        absl::StatusCode::kAlreadyExists, "climb test 'ct_1' already exists"));
  EXPECT_TRUE(HasStatus(StatusOf(store.GetClimbTest("ct_2")), absl::StatusCode::kNotFound,
                        "climb test 'ct_2' not found"));
  EXPECT_THAT(Ids(store.ClimbTestsOf("as_x")), IsEmpty());
  EXPECT_THAT(Ids(store.ClimbTestsOf("as_p")), IsEmpty());
}

TYPED_TEST(ClimbTestContract, AllowsANewTestOnceTheRunningOneEnds) {
  Store& store = this->store();
  const ClimbTest ct_1 = NewTest("ct_1", "as_o", "as_d", W(1));
  ASSERT_OK(this->InsertAs(ct_1, CancelledAt(ct_1, W(2))));

  const ClimbTest ct_2 = NewTest("ct_2", "as_o", "as_d", W(3));
  ASSERT_OK(this->InsertAs(ct_2, Judged(ct_2, ClimbTestState::kKeptCurrent, W(6), 10, 12)));
  ASSERT_OK(store.InsertClimbTest(NewTest("ct_3", "as_d", "as_o", W(7))));

  EXPECT_THAT(Ids(store.ClimbTestsOf("as_o")), ElementsAre("ct_1", "ct_2", "ct_3"));
  EXPECT_EQ(this->Get("ct_3").state, ClimbTestState::kRunning);
}

TYPED_TEST(ClimbTestContract, RefusesATestThatIsNotNew) {
  Store& store = this->store();
  ClimbTest same = NewTest("ct_1", "as_o", "as_o", W(1));
  ClimbTest judged = NewTest("ct_1", "as_o", "as_d", W(1));
  judged.state = ClimbTestState::kPromoted;
  ClimbTest concluded = NewTest("ct_1", "as_o", "as_d", W(1));
  concluded.concluded_week = W(2);
  ClimbTest eventless = NewTest("ct_1", "as_o", "as_d", W(1));
  eventless.to_event.clear();

  EXPECT_TRUE(HasStatus(store.InsertClimbTest(same), absl::StatusCode::kInvalidArgument,
                        "climb_test.duplicate_ad_set_id: 'as_o' is also the original"));
  EXPECT_TRUE(HasStatus(store.InsertClimbTest(judged), absl::StatusCode::kInvalidArgument,
                        "climb_test.state: a new test is RUNNING, not PROMOTED"));
  EXPECT_TRUE(HasStatus(store.InsertClimbTest(concluded), absl::StatusCode::kInvalidArgument,
                        "climb_test: a new test has no concluded_week"));
  EXPECT_TRUE(HasStatus(store.InsertClimbTest(eventless), absl::StatusCode::kInvalidArgument,
                        "climb_test.to_event: must not be empty"));
  EXPECT_THAT(Ids(store.ListClimbTests({})), IsEmpty());
}

TYPED_TEST(ClimbTestContract, AChangeMakesOnlyWhatMayChange) {
  const ClimbTest test = NewTest("ct_1", "as_o", "as_d", W(1));
  ASSERT_OK(this->store().InsertClimbTest(test));
  // A change that also names other ad sets, events and times: a test keeps
  // those from its start.
  ClimbTest next = Judged(test, ClimbTestState::kPromoted, W(5), 20.5, 15.25);
  next.account_id = "act_other";
  next.original_ad_set_id = "as_other";
  next.from_event = "Lead";
  next.start_week = W(0);
  next.create_time = CreatedAt() + absl::Hours(1);

  ASSERT_OK(this->store().UpdateClimbTest({test, next}));

  ExpectSameTest(this->Get("ct_1"), Judged(test, ClimbTestState::kPromoted, W(5), 20.5, 15.25));
}

TYPED_TEST(ClimbTestContract, AChangeIsMadeOnlyFromTheExpectedStateAndWeek) {
  Store& store = this->store();
  const ClimbTest test = NewTest("ct_1", "as_o", "as_d", W(1));
  ASSERT_OK(store.InsertClimbTest(test));
  const ClimbTest kept = Judged(test, ClimbTestState::kKeptCurrent, W(5), 14, 18, 37);
  ASSERT_OK(store.UpdateClimbTest({test, kept}));

  // From RUNNING, as a caller that read it before the judgement expects.
  EXPECT_TRUE(HasStatus(store.UpdateClimbTest({test, CancelledAt(test, W(6))}),
                        absl::StatusCode::kAborted,
                        "climb test 'ct_1' is KEPT_CURRENT now, not RUNNING as expected"));
  // From KEPT_CURRENT, but at another week.
  const ClimbTest kept_later = Judged(test, ClimbTestState::kKeptCurrent, W(6), 14, 18, 37);
  EXPECT_TRUE(HasStatus(
      store.UpdateClimbTest({kept_later, Judged(test, ClimbTestState::kPromoted, W(6), 1, 2)}),
      absl::StatusCode::kAborted, "climb test 'ct_1' is KEPT_CURRENT now"));
  EXPECT_TRUE(HasStatus(
      StoreRun(store, EvaluationRun("ev_1"), Chunk({Full("as_o", W(6))}, {{test, kept_later}})),
      absl::StatusCode::kAborted, "climb test 'ct_1' is KEPT_CURRENT now"));
  ExpectSameTest(this->Get("ct_1"), kept);
  EXPECT_TRUE(HasStatus(StatusOf(store.GetRecommendation("as_o", W(6))),
                        absl::StatusCode::kNotFound, "no recommendation"));

  // From what is stored: the judging week's evaluation reopens it.
  ASSERT_OK(StoreRun(store, EvaluationRun("ev_2"), Chunk({Full("as_o", W(5))}, {{kept, test}})));
  ExpectSameTest(this->Get("ct_1"), test);
  // Running again, it holds its ad sets again.
  EXPECT_TRUE(HasStatus(store.InsertClimbTest(NewTest("ct_2", "as_o", "as_x", W(6))),
                        absl::StatusCode::kAborted, "a running test now involves ad set 'as_o'"));
}

TYPED_TEST(ClimbTestContract, ChangesOfOneRunFollowEachOther) {
  Store& store = this->store();
  const ClimbTest test = NewTest("ct_1", "as_o", "as_d", W(1));
  ASSERT_OK(store.InsertClimbTest(test));
  const ClimbTest promoted = Judged(test, ClimbTestState::kPromoted, W(5), 20, 15);
  const ClimbTest kept = Judged(test, ClimbTestState::kKeptCurrent, W(5), 14, 18, 37);

  // A change that expects what an earlier chunk's change replaced ends the
  // run, and nothing of it is published.
  {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<EvaluationWriter> writer, store.BeginEvaluation());
    ASSERT_OK(writer->Write(Chunk({}, {{test, promoted}})));
    EXPECT_TRUE(HasStatus(WriteAndCommit(*writer, Chunk({}, {{test, kept}}), EvaluationRun("ev_1")),
                          absl::StatusCode::kAborted,
                          "climb test 'ct_1' is PROMOTED now, not RUNNING as expected"));
  }
  ExpectSameTest(this->Get("ct_1"), test);

  // The second chunk's change expects what the first chunk's made.
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<EvaluationWriter> writer, store.BeginEvaluation());
  ASSERT_OK(writer->Write(Chunk({}, {{test, promoted}})));
  ASSERT_OK(writer->Write(Chunk({}, {{promoted, kept}})));
  ASSERT_OK(writer->Commit(EvaluationRun("ev_1")));
  writer.reset();

  ExpectSameTest(this->Get("ct_1"), kept);
}

TYPED_TEST(ClimbTestContract, RefusesAChangeNoTestCanTake) {
  Store& store = this->store();
  const ClimbTest test = NewTest("ct_1", "as_o", "as_d", W(1));
  ASSERT_OK(store.InsertClimbTest(test));
  const ClimbTest negative = Judged(test, ClimbTestState::kPromoted, W(5), 1, -2);
  const ClimbTest not_a_number = Judged(test, ClimbTestState::kPromoted, W(5), std::nan(""), 2);
  ClimbTest other_id = Judged(test, ClimbTestState::kPromoted, W(5), 1, 2);
  other_id.climb_test_id = "ct_2";
  ClimbTest negative_baseline = Judged(test, ClimbTestState::kKeptCurrent, W(5), 1, 2, -1);

  EXPECT_TRUE(HasStatus(store.UpdateClimbTest({test, negative}), absl::StatusCode::kInvalidArgument,
                        "change.next.duplicate_cost_per_macro: must be a cost of at least 0 or "
                        "+infinity, got -2"));
  EXPECT_TRUE(HasStatus(store.UpdateClimbTest({test, other_id}), absl::StatusCode::kInvalidArgument,
                        "change.next.climb_test_id: 'ct_2' is not the expected test's 'ct_1'"));
  EXPECT_TRUE(HasStatus(store.UpdateClimbTest({test, negative_baseline}),
                        absl::StatusCode::kInvalidArgument,
                        "change.next.retest_baseline: must not be negative, got -1"));
  // In a run, the first change is fine and the second makes the run fail.
  const ClimbTest ct_9 = NewTest("ct_9", "as_x", "as_y", W(1));
  ASSERT_OK(store.InsertClimbTest(ct_9));
  EXPECT_TRUE(HasStatus(StoreRun(store, EvaluationRun("ev_1"),
                                 Chunk({Full("as_x", W(5))},
                                       {{ct_9, CancelledAt(ct_9, W(5))}, {test, not_a_number}})),
                        absl::StatusCode::kInvalidArgument,
                        "test_changes[1].next.original_cost_per_macro: must be a cost"));
  ExpectSameTest(this->Get("ct_1"), test);
  ExpectSameTest(this->Get("ct_9"), ct_9);
  EXPECT_TRUE(HasStatus(StatusOf(store.GetRecommendation("as_x", W(5))),
                        absl::StatusCode::kNotFound, "no recommendation"));
}

// However they race, one of several tests on one ad set is stored, and one
// of several changes from one read is made; the others are ABORTED.
TYPED_TEST(ClimbTestContract, RacingWritesOfOneTestMakeOne) {
  constexpr int kThreads = 4;
  Store& store = this->store();
  const ClimbTest test = NewTest("ct_0", "as_o", "as_d", W(1));
  ASSERT_OK(store.InsertClimbTest(test));
  absl::Barrier start(kThreads);
  std::vector<absl::Status> inserted(kThreads);
  std::vector<absl::Status> changed(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const ClimbTest candidate =
          NewTest(absl::StrCat("ct_", t + 1), "as_x", absl::StrCat("as_x", t), W(2));
      const ClimbTest judged =
          Judged(test, ClimbTestState::kPromoted, W(5), t, std::nullopt, std::nullopt);
      start.Block();
      inserted[t] = store.InsertClimbTest(candidate);
      changed[t] = store.UpdateClimbTest({test, judged});
    });
  }
  for (std::thread& thread : threads) thread.join();

  auto count = [](const std::vector<absl::Status>& statuses, absl::StatusCode code) {
    return std::count_if(statuses.begin(), statuses.end(),
                         [&](const absl::Status& s) { return s.code() == code; });
  };
  EXPECT_EQ(count(inserted, absl::StatusCode::kOk), 1);
  EXPECT_EQ(count(inserted, absl::StatusCode::kAborted), kThreads - 1);
  EXPECT_EQ(count(changed, absl::StatusCode::kOk), 1);
  EXPECT_EQ(count(changed, absl::StatusCode::kAborted), kThreads - 1);
  ClimbTestQuery running;
  running.state = ClimbTestState::kRunning;
  EXPECT_EQ(Ids(store.ListClimbTests(running)).size(), 1u);
  // The stored judgement is the one change that was made.
  const auto winner =
      std::find_if(changed.begin(), changed.end(), [](const absl::Status& s) { return s.ok(); });
  ASSERT_NE(winner, changed.end());
  EXPECT_EQ(this->Get("ct_0").original_cost_per_macro,
            static_cast<double>(winner - changed.begin()));
}

// --- Accounts -----------------------------------------------------------------

template <typename Engine>
class AccountContract : public StoreContractTest<Engine> {};
TYPED_TEST_SUITE(AccountContract, StoreEngines, EngineNames);

absl::Time SyncedAt(int day, int hour) {
  return absl::FromCivil(absl::CivilSecond(2026, 11, day, hour, 0, 0), absl::UTCTimeZone()) +
         absl::Microseconds(123456);
}

AccountRecord Account(const std::string& id, const std::string& time_zone, absl::Time synced) {
  AccountRecord account;
  account.account_id = id;
  account.name = "Acme " + id;
  account.currency = "USD";
  account.time_zone = time_zone;
  account.last_sync_time = synced;
  return account;
}

TYPED_TEST(AccountContract, RecordsAndReadsBackEveryField) {
  const AccountRecord account = Account("act_1", "America/Los_Angeles", SyncedAt(30, 3));
  ASSERT_OK(this->store().RecordAccountSync(account));

  ASSERT_OK_AND_ASSIGN(const AccountRecord read, this->store().GetAccount("act_1"));
  EXPECT_EQ(read, account);
}

TYPED_TEST(AccountContract, ASecondSyncReplacesEveryField) {
  Store& store = this->store();
  ASSERT_OK(store.RecordAccountSync(Account("act_1", "America/Los_Angeles", SyncedAt(23, 3))));
  AccountRecord later;
  later.account_id = "act_1";
  later.name = "Acme renamed";
  later.last_sync_time = SyncedAt(30, 3);
  ASSERT_OK(store.RecordAccountSync(later));

  ASSERT_OK_AND_ASSIGN(const AccountRecord read, store.GetAccount("act_1"));
  EXPECT_EQ(read, later);
  ASSERT_OK_AND_ASSIGN(const std::vector<AccountRecord> all, store.ListAccounts());
  EXPECT_EQ(all.size(), 1u);
}

TYPED_TEST(AccountContract, AnAccountWithoutARecordedSyncIsNotFound) {
  ASSERT_OK(this->store().RecordAccountSync(Account("act_1", "", SyncedAt(30, 3))));

  EXPECT_TRUE(HasStatus(this->store().GetAccount("act_2").status(), absl::StatusCode::kNotFound,
                        "account 'act_2' not found: no sync of it was recorded"));
}

TYPED_TEST(AccountContract, ListsEveryAccountInIdOrder) {
  const std::vector<AccountRecord> accounts = {
      Account("ACT_0", "Europe/Paris", SyncedAt(29, 1)),
      Account("act_1", "America/Los_Angeles", SyncedAt(30, 1)),
      Account("act_2", "", SyncedAt(30, 2)),
      Account("act_3", "Asia/Tokyo", SyncedAt(30, 3)),
  };
  for (const AccountRecord& account : {accounts[2], accounts[0], accounts[3], accounts[1]}) {
    ASSERT_OK(this->store().RecordAccountSync(account));
  }

  ASSERT_OK_AND_ASSIGN(const std::vector<AccountRecord> listed, this->store().ListAccounts());
  EXPECT_EQ(listed, accounts);
}

TYPED_TEST(AccountContract, RefusesAnAccountWithoutIdOrSyncTime) {
  Store& store = this->store();
  AccountRecord no_id = Account("", "", SyncedAt(30, 3));
  AccountRecord no_time = Account("act_1", "", SyncedAt(30, 3));
  no_time.last_sync_time.reset();
  AccountRecord far = Account("act_1", "", absl::InfiniteFuture());

  EXPECT_TRUE(HasStatus(store.RecordAccountSync(no_id), absl::StatusCode::kInvalidArgument,
                        "account.account_id"));
  EXPECT_TRUE(HasStatus(store.RecordAccountSync(no_time), absl::StatusCode::kInvalidArgument,
                        "account.last_sync_time"));
  EXPECT_TRUE(HasStatus(store.RecordAccountSync(far), absl::StatusCode::kInvalidArgument,
                        "account.last_sync_time"));
  ASSERT_OK_AND_ASSIGN(const std::vector<AccountRecord> listed, store.ListAccounts());
  EXPECT_THAT(listed, IsEmpty());
}

TYPED_TEST(AccountContract, AFreshStoreAnswersPing) { EXPECT_OK(this->store().Ping()); }

}  // namespace
}  // namespace rung
