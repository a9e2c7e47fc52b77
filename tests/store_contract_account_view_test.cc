// The contract of the account view's reads (rung/account_view.h), for every
// engine: each account's figures from its stored weeks, its latest stored
// advice and its recorded sync, page by page in byte order of ids, and the
// count of those accounts in GetStats; the weeks
// an account has advice for; and its advice scanned week by week, ad set by
// ad set, with the spend of each ad set's week.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "core/text.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rung/account.h"
#include "rung/account_view.h"
#include "store_contract.h"
#include "store_contract_engines.h"

namespace rung {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

// `figures` in one line, to compare at a glance: the counts of actions,
// then of learning statuses; the error alone when the call failed.
std::vector<std::string> Lines(const absl::StatusOr<std::vector<StoredAccountFigures>>& figures) {
  if (!figures.ok()) return {figures.status().ToString()};
  std::vector<std::string> lines;
  for (const StoredAccountFigures& account : *figures) {
    std::string line = absl::StrCat(
        account.account_id, " ad_sets=", account.ad_sets, " stored=",
        account.last_week_stored.has_value() ? account.last_week_stored->ToString() : "-",
        " evaluated=",
        account.latest_evaluated_week.has_value() ? account.latest_evaluated_week->ToString()
                                                  : "-");
    for (const auto& [action, count] : account.actions_at_latest) {
      absl::StrAppend(&line, " ", AsAbsl(ActionName(action)), "=", count);
    }
    for (const auto& [status, count] : account.learning_statuses_at_latest) {
      absl::StrAppend(&line, " ", AsAbsl(LearningStatusName(status)), "=", count);
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

// `row` in one line: "as_1@2026-01-12 MOVE_DOWN STUCK Purchase 1500000",
// with "-" for what it lacks.
std::string Line(const AdviceRow& row) {
  return absl::StrCat(
      row.ad_set_id, "@", row.week.ToString(), " ", AsAbsl(ActionName(row.action)), " ",
      row.learning_status.has_value() ? AsAbsl(LearningStatusName(*row.learning_status)) : "-", " ",
      row.current_event.empty() ? "-" : row.current_event, " ",
      row.spend_micros.has_value() ? absl::StrCat(*row.spend_micros) : "-");
}

// The first word of each line: its account, or its ad set and week.
std::vector<std::string> FirstWords(const std::vector<std::string>& lines) {
  std::vector<std::string> words;
  for (const std::string& line : lines) words.push_back(line.substr(0, line.find(' ')));
  return words;
}

AccountFiguresQuery Page(const std::string& after_account_id, int limit) {
  AccountFiguresQuery query;
  query.after_account_id = after_account_id;
  query.limit = limit;
  return query;
}

AccountRecord Synced(const std::string& account_id) {
  AccountRecord account;
  account.account_id = account_id;
  account.last_sync_time = absl::FromUnixSeconds(1796000000);
  return account;
}

AdSetWeek WithSpend(AdSetWeek record, std::optional<int64_t> spend_micros) {
  record.spend_micros = spend_micros;
  return record;
}

Recommendation WithLearning(Recommendation r, LearningStatus status) {
  r.learning_status = status;
  return r;
}

template <typename Engine>
class AccountViewContract : public StoreContractTest<Engine> {
 protected:
  // Two accounts with weeks and advice, one of them also synced, and
  // accounts known only from a sync, before and after them in byte order:
  //
  // act_1: as_a weeks 0-2 (spend at 1), as_b weeks 1 (spend 0) and 3
  //   (spend), as_c week 2; advice of weeks 1 (as_c's without a record), 2
  //   (as_a only) and 3 (HOLD STUCK, MOVE_DOWN STUCK, HOLD NEAR_EXIT).
  // act_2: as_d week 0, as_e week 4; advice of weeks 1 and 4 (as_d's
  //   without a record, so without a learning status).
  void StoreTwoAccounts() {
    Store& store = this->store();
    ASSERT_OK(Ingested(
        store, Batch({Record("as_a", W(0), 1), WithSpend(Record("as_a", W(1), 2), 1'500'000),
                      Record("as_a", W(2), 3), WithSpend(Record("as_b", W(1), 4), 0),
                      WithSpend(Record("as_b", W(3), 5), 2'000'000), Record("as_c", W(2), 6),
                      Record("as_d", W(0), 7, "act_2"), Record("as_e", W(4), 8, "act_2")})));
    for (const char* account_id : {"act_0", "act_1", "act_9", "ACT_Z"}) {
      ASSERT_OK(store.RecordAccountSync(Synced(account_id)));
    }
    // Out of id order within each week, so that the scan must order them.
    ASSERT_OK(SaveChunk(store, Chunk({Bare("as_c", W(1)), Full("as_a", W(1)),
                                      WithLearning(With(Full("as_b", W(1)), Action::kHold),
                                                   LearningStatus::kExited),
                                      With(Full("as_d", W(1), "act_2"), Action::kAtTop)})));
    ASSERT_OK(SaveChunk(store, Chunk({With(Full("as_a", W(2)), Action::kHold)})));
    ASSERT_OK(SaveChunk(
        store,
        Chunk({WithLearning(With(Full("as_c", W(3)), Action::kHold), LearningStatus::kNearExit),
               Full("as_b", W(3)), With(Full("as_a", W(3)), Action::kHold)})));
    ASSERT_OK(SaveChunk(store, Chunk({Bare("as_d", W(4), "act_2"), Full("as_e", W(4), "act_2")})));
  }

  // Every row that ScanAccountAdvice hands over, one Line each; the error
  // alone when the scan failed.
  std::vector<std::string> Scan(const std::string& account_id, Week from, Week to) {
    std::vector<std::string> lines;
    const absl::Status scanned =
        this->store().ScanAccountAdvice(account_id, from, to, [&](const AdviceRow& row) {
          lines.push_back(Line(row));
          return absl::OkStatus();
        });
    if (!scanned.ok()) return {scanned.ToString()};
    return lines;
  }
};
TYPED_TEST_SUITE(AccountViewContract, StoreEngines, EngineNames);

// --- ListAccountFigures ------------------------------------------------------------

TYPED_TEST(AccountViewContract, FiguresSumUpEachAccountsWeeksAndLatestAdvice) {
  this->StoreTwoAccounts();

  EXPECT_THAT(
      Lines(this->store().ListAccountFigures(Page("", 100))),
      ElementsAre(
          "ACT_Z ad_sets=0 stored=- evaluated=-", "act_0 ad_sets=0 stored=- evaluated=-",
          absl::StrCat("act_1 ad_sets=3 stored=", W(3).ToString(), " evaluated=", W(3).ToString(),
                       " HOLD=2 MOVE_DOWN=1 STUCK=2 NEAR_EXIT=1"),
          absl::StrCat("act_2 ad_sets=2 stored=", W(4).ToString(), " evaluated=", W(4).ToString(),
                       " INSUFFICIENT_DATA=1 MOVE_DOWN=1 STUCK=1"),
          "act_9 ad_sets=0 stored=- evaluated=-"));
}

TYPED_TEST(AccountViewContract, AnAccountWithWeeksButNoAdviceHasNoEvaluatedWeek) {
  ASSERT_OK(Ingested(this->store(), Batch({Record("as_1", W(0), 1), Record("as_1", W(2), 1)})));

  EXPECT_THAT(
      Lines(this->store().ListAccountFigures(Page("", 100))),
      ElementsAre(absl::StrCat("act_1 ad_sets=1 stored=", W(2).ToString(), " evaluated=-")));
}

TYPED_TEST(AccountViewContract, ANewerEvaluationOfTheLatestWeekIsWhatItCounts) {
  this->StoreTwoAccounts();

  ASSERT_OK(SaveChunk(this->store(), Chunk({WithLearning(With(Full("as_b", W(3)), Action::kHold),
                                                         LearningStatus::kWellOptimized)})));

  EXPECT_THAT(Lines(this->store().ListAccountFigures(Page("act_0", 1))),
              ElementsAre(absl::StrCat("act_1 ad_sets=3 stored=", W(3).ToString(),
                                       " evaluated=", W(3).ToString(),
                                       " HOLD=3 STUCK=1 NEAR_EXIT=1 WELL_OPTIMIZED=1")));
}

TYPED_TEST(AccountViewContract, FiguresComePageByPageAfterTheLastId) {
  this->StoreTwoAccounts();
  Store& store = this->store();
  auto ids = [&](const AccountFiguresQuery& query) {
    return FirstWords(Lines(store.ListAccountFigures(query)));
  };

  EXPECT_THAT(ids(Page("", 2)), ElementsAre("ACT_Z", "act_0"));
  EXPECT_THAT(ids(Page("act_0", 2)), ElementsAre("act_1", "act_2"));
  EXPECT_THAT(ids(Page("act_2", 2)), ElementsAre("act_9"));
  EXPECT_THAT(ids(Page("act_9", 2)), IsEmpty());
  EXPECT_THAT(ids(Page("act_1", 1)), ElementsAre("act_2"));
  EXPECT_THAT(ids(Page("act_", 100)), ElementsAre("act_0", "act_1", "act_2", "act_9"));
}

TYPED_TEST(AccountViewContract, AnEmptyStoreHasNoFigures) {
  EXPECT_THAT(Lines(this->store().ListAccountFigures(Page("", 100))), IsEmpty());
  ASSERT_OK_AND_ASSIGN(const StoreStats stats, this->store().GetStats());
  EXPECT_EQ(stats.accounts, 0);
}

TYPED_TEST(AccountViewContract, StatsCountTheAccountsThatFiguresList) {
  this->StoreTwoAccounts();
  // Owners of ad sets that come before, between and after the others.
  ASSERT_OK(Ingested(this->store(),
                     Batch({Record("as_x", W(0), 1, "act_00"), Record("as_y", W(0), 1, "act_5"),
                            Record("as_z", W(0), 1, "act_99")})));

  ASSERT_OK_AND_ASSIGN(const StoreStats stats, this->store().GetStats());

  // act_1 has ad sets and a sync, and counts once.
  EXPECT_EQ(stats.accounts, 8);
  EXPECT_EQ(Lines(this->store().ListAccountFigures(Page("", 100))).size(), 8u);
}

TYPED_TEST(AccountViewContract, RefusesALimitThatIsNotPositive) {
  this->StoreTwoAccounts();

  for (const int limit : {0, -1}) {
    EXPECT_TRUE(HasStatus(this->store().ListAccountFigures(Page("", limit)).status(),
                          absl::StatusCode::kInvalidArgument, "limit: must be positive"))
        << limit;
  }
}

// --- EvaluatedWeeks ------------------------------------------------------------------

TYPED_TEST(AccountViewContract, EvaluatedWeeksAreTheAccountsOwnOldestFirst) {
  this->StoreTwoAccounts();
  Store& store = this->store();

  EXPECT_THAT(store.EvaluatedWeeks("act_1").value_or(std::vector<Week>{W(99)}),
              ElementsAre(W(1), W(2), W(3)));
  EXPECT_THAT(store.EvaluatedWeeks("act_2").value_or(std::vector<Week>{W(99)}),
              ElementsAre(W(1), W(4)));
  EXPECT_THAT(store.EvaluatedWeeks("act_0").value_or(std::vector<Week>{W(99)}), IsEmpty());
  EXPECT_THAT(store.EvaluatedWeeks("act_unknown").value_or(std::vector<Week>{W(99)}), IsEmpty());
}

// --- ScanAccountAdvice ---------------------------------------------------------------

TYPED_TEST(AccountViewContract, ScansTheAccountsAdviceWithSpend) {
  this->StoreTwoAccounts();
  auto at = [](const char* ad_set_id, int week, const char* rest) {
    return absl::StrCat(ad_set_id, "@", W(week).ToString(), " ", rest);
  };

  EXPECT_THAT(this->Scan("act_1", W(0), W(9)),
              UnorderedElementsAre(at("as_a", 1, "MOVE_DOWN STUCK Purchase 1500000"),
                                   at("as_b", 1, "HOLD EXITED Purchase 0"),
                                   // No record that week: no event, learning status or spend.
                                   at("as_c", 1, "INSUFFICIENT_DATA - - -"),
                                   // A record without spend.
                                   at("as_a", 2, "HOLD STUCK Purchase -"),
                                   // Advice for a week with no record.
                                   at("as_a", 3, "HOLD STUCK Purchase -"),
                                   at("as_b", 3, "MOVE_DOWN STUCK Purchase 2000000"),
                                   at("as_c", 3, "HOLD NEAR_EXIT Purchase -")));
  EXPECT_THAT(this->Scan("act_2", W(0), W(9)),
              UnorderedElementsAre(at("as_d", 1, "AT_TOP STUCK Purchase -"),
                                   at("as_d", 4, "INSUFFICIENT_DATA - - -"),
                                   at("as_e", 4, "MOVE_DOWN STUCK Purchase -")));
  EXPECT_THAT(this->Scan("act_0", W(0), W(9)), IsEmpty());
}

TYPED_TEST(AccountViewContract, ScansOnlyTheWeeksFromFromToToBothIncluded) {
  this->StoreTwoAccounts();
  auto keys = [&](Week from, Week to) { return FirstWords(this->Scan("act_1", from, to)); };
  auto key = [](const char* ad_set_id, int week) { return Key(ad_set_id, W(week)); };

  EXPECT_THAT(keys(W(2), W(2)), ElementsAre(key("as_a", 2)));
  EXPECT_THAT(keys(W(2), W(3)),
              UnorderedElementsAre(key("as_a", 2), key("as_a", 3), key("as_b", 3), key("as_c", 3)));
  EXPECT_THAT(keys(W(0), W(1)),
              UnorderedElementsAre(key("as_a", 1), key("as_b", 1), key("as_c", 1)));
  EXPECT_THAT(keys(W(4), W(9)), IsEmpty());
  EXPECT_THAT(keys(W(3), W(1)), IsEmpty());
}

TYPED_TEST(AccountViewContract, AScanStopsAtTheVisitorsErrorAndTheStoreReadsOn) {
  Store& store = this->store();
  // Enough rows that a server may still be sending when the visitor gives up.
  std::vector<Recommendation> many;
  for (int i = 0; i < 5000; ++i) many.push_back(Full(absl::StrCat("as_", 10000 + i), W(1)));
  ASSERT_OK(SaveChunk(store, Chunk(many)));
  int visits = 0;

  const absl::Status stopped = store.ScanAccountAdvice("act_1", W(0), W(9), [&](const AdviceRow&) {
    return ++visits == 3 ? absl::CancelledError("enough") : absl::OkStatus();
  });

  EXPECT_TRUE(HasStatus(stopped, absl::StatusCode::kCancelled, "enough")) << stopped;
  EXPECT_EQ(visits, 3);
  // What the scan held is free again and answers in full; PostgreSQL's pool
  // lends the connection given back last, the one whose statement stopped.
  EXPECT_EQ(this->Scan("act_1", W(0), W(9)).size(), 5000u);
  EXPECT_THAT(store.EvaluatedWeeks("act_1").value_or(std::vector<Week>{}), ElementsAre(W(1)));
}

// --- ScanLearningBudgets ----------------------------------------------------------

TYPED_TEST(AccountViewContract, ScansOneWeeksLearningBudgetsWithTheirThresholds) {
  Store& store = this->store();
  // Bare ones beside full ones, whose budgets a reused row must not keep.
  ASSERT_OK(SaveChunk(
      store, Chunk({Full("as_a", W(1)), Bare("as_b", W(1)), Full("as_c", W(1), "act_2")})));
  Recommendation later = Full("as_a", W(2));
  later.learning_threshold = 40;
  later.learning_budget.weekly_spend_micros = 7;
  later.learning_budget.rungs[0].weekly_budget_micros = 124'000'000;  // 40 × 3.10
  ASSERT_OK(SaveChunk(store, Chunk({later})));
  auto scan = [&](const std::string& account_id, Week week) {
    std::map<std::string, StoredLearningBudget> read;
    const absl::Status status =
        store.ScanLearningBudgets(account_id, week, [&](const StoredLearningBudget& stored) {
          read.emplace(stored.ad_set_id, stored);
          return absl::OkStatus();
        });
    EXPECT_OK(status);
    return read;
  };

  const std::map<std::string, StoredLearningBudget> first = scan("act_1", W(1));
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first.at("as_a").learning_threshold, 50);
  EXPECT_EQ(first.at("as_a").budget, Full("as_a", W(1)).learning_budget);
  EXPECT_EQ(first.at("as_b").learning_threshold, 0);
  EXPECT_EQ(first.at("as_b").budget, LearningBudget());
  const std::map<std::string, StoredLearningBudget> second = scan("act_1", W(2));
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second.at("as_a").learning_threshold, 40);
  EXPECT_EQ(second.at("as_a").budget, later.learning_budget);
  EXPECT_TRUE(scan("act_1", W(3)).empty());
  EXPECT_EQ(scan("act_2", W(1)).size(), 1u);
}

TYPED_TEST(AccountViewContract, AScanOfBudgetsStopsAtTheVisitorsError) {
  Store& store = this->store();
  ASSERT_OK(SaveChunk(store, Chunk({Full("as_a", W(1)), Full("as_b", W(1))})));
  int visited = 0;

  const absl::Status stopped =
      store.ScanLearningBudgets("act_1", W(1), [&](const StoredLearningBudget&) {
        ++visited;
        return absl::CancelledError("enough");
      });

  EXPECT_TRUE(HasStatus(stopped, absl::StatusCode::kCancelled, "enough"));
  EXPECT_EQ(visited, 1);
}

}  // namespace
}  // namespace rung
