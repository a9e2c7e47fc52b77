// What only the SQLite engine does, beyond the contract that
// store_contract_*_test.cc checks for every engine: its options, a file
// that is locked, unreachable or edited by another tool, the text its rows
// hold, backups, checkpoints, and data that outlives the process.

#include "storage/sqlite/sqlite_store.h"

#include <sqlite3.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rung/store.h"
#include "storage/sqlite/sqlite_db.h"
#include "store_contract.h"

namespace rung {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

class SqliteStoreTest : public StorageTest {
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

  // Runs `sql` on a connection of its own, as another tool would.
  void ExecOther(const std::string& sql) {
    ASSERT_OK_AND_ASSIGN(auto db, OpenOther(DbPath()));
    ASSERT_OK(db->Exec(sql, "test"));
  }
};

// --- Options and the file ------------------------------------------------------

TEST_F(SqliteStoreTest, RefusesBadOptions) {
  SqliteStoreOptions bogus_synchronous = Options();
  bogus_synchronous.synchronous = "SOMETIMES";
  SqliteStoreOptions no_readers = Options();
  no_readers.reader_connections = 0;
  SqliteStoreOptions negative_timeout = Options();
  negative_timeout.busy_timeout_ms = -1;
  SqliteStoreOptions in_memory = Options();
  in_memory.path = ":memory:";

  EXPECT_TRUE(HasStatus(StatusOf(OpenSqliteStore(bogus_synchronous)),
                        absl::StatusCode::kInvalidArgument,
                        "storage.synchronous: 'SOMETIMES' is not one of FULL, NORMAL or OFF"));
  EXPECT_TRUE(HasStatus(StatusOf(OpenSqliteStore(no_readers)), absl::StatusCode::kInvalidArgument,
                        "storage.reader_connections: must be at least 1, got 0"));
  EXPECT_TRUE(HasStatus(StatusOf(OpenSqliteStore(negative_timeout)),
                        absl::StatusCode::kInvalidArgument,
                        "storage.busy_timeout_ms: must not be negative, got -1"));
  EXPECT_TRUE(HasStatus(StatusOf(OpenSqliteStore(in_memory)), absl::StatusCode::kInvalidArgument,
                        "storage.path: ':memory:' is not a database file path"));
  EXPECT_FALSE(std::filesystem::exists(DbPath()));
}

TEST_F(SqliteStoreTest, TakesTheSynchronousModeInAnyCase) {
  SqliteStoreOptions options = Options();
  options.synchronous = "normal";
  options.reader_connections = 1;

  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(options));

  EXPECT_OK(store->Ping());
}

TEST_F(SqliteStoreTest, APathThatCannotBeOpenedIsUnavailable) {
  SqliteStoreOptions options = Options();
  options.path += "/no/such/directory/rung.db";

  EXPECT_TRUE(HasStatus(StatusOf(OpenSqliteStore(options)), absl::StatusCode::kUnavailable,
                        absl::StrCat("opening '", options.path,
                                     "': cannot open the database file (sqlite: unable to open "
                                     "database file)")));
}

TEST_F(SqliteStoreTest, ADatabaseLockedByAnotherWriterIsUnavailableUntilReleased) {
  SqliteStoreOptions options = Options();
  options.busy_timeout_ms = 200;
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(options));
  ASSERT_OK_AND_ASSIGN(auto other, OpenOther(DbPath()));
  ASSERT_OK(other->Exec("BEGIN IMMEDIATE", "test"));

  const auto outcome = store->Ingest(Batch({Record("as_1", W(0), 10)}));

  EXPECT_TRUE(HasStatus(StatusOf(outcome), absl::StatusCode::kUnavailable,
                        "ingesting a batch: database is locked by another writer for more than "
                        "200 ms (sqlite: database is locked)"));
  EXPECT_TRUE(HasStatus(store->Ping(), absl::StatusCode::kUnavailable,
                        "probing the write lock: database is locked by another writer for more "
                        "than 100 ms"));
  // The probe's short timeout is the probe's alone: a write still waits 200 ms.
  EXPECT_TRUE(HasStatus(StatusOf(store->Ingest(Batch({Record("as_1", W(0), 10)}))),
                        absl::StatusCode::kUnavailable, "for more than 200 ms"));

  ASSERT_OK(other->Exec("ROLLBACK", "test"));
  EXPECT_OK(store->Ping());
  EXPECT_OK(Ingested(*store, Batch({Record("as_1", W(0), 10)})));
}

TEST_F(SqliteStoreTest, ALockedDatabaseRefusesARunBeforeItStarts) {
  SqliteStoreOptions options = Options();
  options.busy_timeout_ms = 100;
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(options));
  ASSERT_OK_AND_ASSIGN(auto other, OpenOther(DbPath()));
  ASSERT_OK(other->Exec("BEGIN IMMEDIATE", "test"));

  // Refused before any work: a run would otherwise decide every ad set for
  // nothing.
  EXPECT_TRUE(HasStatus(StatusOf(store->BeginEvaluation()), absl::StatusCode::kUnavailable,
                        "storing an evaluation: database is locked by another writer for more "
                        "than 100 ms"));

  ASSERT_OK(other->Exec("ROLLBACK", "test"));
  EXPECT_EQ(QueryInt("SELECT count(*) FROM evaluations"), 0);
  // The refused run holds nothing.
  ASSERT_OK(StoreRun(*store, EvaluationRun("ev_1"), Chunk({Full("as_1", W(3))})));
  EXPECT_OK(store->GetRecommendation("as_1", W(3)));
}

TEST_F(SqliteStoreTest, DataOutlivesTheStore) {
  const AccountRecord account = [] {
    AccountRecord a;
    a.account_id = "act_1";
    a.time_zone = "Asia/Tokyo";
    a.last_sync_time = EvaluatedAt();
    return a;
  }();
  {
    ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
    ASSERT_OK(Ingested(*store, Batch({Record("as_1", W(0), 10)}, "req-1")));
    ASSERT_OK(StoreRun(*store, EvaluationRun("ev_1"), Chunk({Full("as_1", W(3))})));
    ASSERT_OK(store->InsertClimbTest(NewTest("ct_1", "as_1", "as_2", W(1))));
    ASSERT_OK(store->RecordAccountSync(account));
  }

  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));

  EXPECT_THAT(store->GetHistory("as_1", {}, {}).value_or(AdSetHistory{}),
              ElementsAre(Record("as_1", W(0), 10)));
  EXPECT_OK(store->GetRecommendation("as_1", W(3)));
  EXPECT_OK(store->GetClimbTest("ct_1"));
  EXPECT_EQ(store->GetAccount("act_1").value_or(AccountRecord()), account);
  EXPECT_EQ(store->RecommendationsVersion().value_or(-1), 1);
  // The request id too: a replay after a restart writes nothing.
  ASSERT_OK_AND_ASSIGN(const IngestSummary replay,
                       Ingested(*store, Batch({Record("as_9", W(0), 1)}, "req-1")));
  EXPECT_EQ(replay, Summary(1, 0, 0));
  EXPECT_TRUE(HasStatus(StatusOf(store->GetHistory("as_9", {}, {})), absl::StatusCode::kNotFound,
                        "ad set 'as_9' not found"));
}

TEST_F(SqliteStoreTest, AnotherProcessSeesTheVersionMove) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  ASSERT_OK_AND_ASSIGN(auto other, OpenSqliteStore(Options()));
  ASSERT_EQ(other->RecommendationsVersion().value_or(-1), 0);

  ASSERT_OK(StoreRun(*store, EvaluationRun("ev_1"), Chunk({Full("as_1", W(3))})));

  EXPECT_EQ(other->RecommendationsVersion().value_or(-1), 1);
  EXPECT_OK(other->GetRecommendation("as_1", W(3)));
}

// --- Rows that another tool wrote or broke ----------------------------------------

// Each visited history, as (ad set id, weeks).
absl::StatusOr<std::vector<std::pair<std::string, std::vector<Week>>>> ScanAll(Store& store) {
  std::vector<std::pair<std::string, std::vector<Week>>> visited;
  RETURN_IF_ERROR(store.ScanHistories("", [&](const AdSetHistory& history) {
    visited.emplace_back(history.front().ad_set_id, WeeksOf(history));
    return absl::OkStatus();
  }));
  return visited;
}

TEST_F(SqliteStoreTest, ScanningPassesOverAdSetsWithoutWeeks) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  ASSERT_OK(Ingested(*store,
                     Batch({Record("as_b", W(0), 1, "act_1"), Record("as_d", W(0), 1, "act_2")})));
  ExecOther(
      "INSERT INTO ad_sets VALUES ('as_a', 'act_7', 'c'), ('as_c', 'act_8', 'c'), "
      "('as_e', 'act_9', 'c')");

  ASSERT_OK_AND_ASSIGN(const auto all, ScanAll(*store));

  EXPECT_THAT(all, ElementsAre(Pair("as_b", ElementsAre(W(0))), Pair("as_d", ElementsAre(W(0)))));
}

TEST_F(SqliteStoreTest, WeeksOfAnAdSetWithoutItsRowAreDataLoss) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  ASSERT_OK(Ingested(*store, Batch({Record("as_a", W(0), 1), Record("as_c", W(0), 1)})));
  ASSERT_OK_AND_ASSIGN(auto other, OpenOther(DbPath()));
  // Only a tool that turns the foreign keys off can leave weeks behind.
  ASSERT_OK(other->Exec("PRAGMA foreign_keys = OFF", "test"));
  ASSERT_OK(other->Exec(absl::StrCat("INSERT INTO ad_set_weeks (ad_set_id, week_start, "
                                     "optimization_event, event_counts) VALUES ('as_b', '",
                                     W(0).ToString(), "', 'Purchase', '{}')"),
                        "test"));

  EXPECT_TRUE(HasStatus(StatusOf(ScanAll(*store)), absl::StatusCode::kDataLoss,
                        "ad set 'as_b' has stored weeks but no row in ad_sets"));
}

TEST_F(SqliteStoreTest, ACorruptStoredValueIsDataLossNamingTheRow) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  ASSERT_OK(Ingested(*store, Batch({Record("as_1", W(0), 10)})));
  ASSERT_OK(SaveChunk(*store, Chunk({Full("as_1", W(3)), Full("as_2", W(3))})));
  AccountRecord account;
  account.account_id = "act_1";
  account.last_sync_time = EvaluatedAt();
  ASSERT_OK(store->RecordAccountSync(account));
  ExecOther(R"(UPDATE ad_set_weeks SET event_counts = '{"b":1,"a":2}')");
  ExecOther(R"(UPDATE recommendations SET reasons = '[{"message":"m","rule":"r"}]' )"
            "WHERE ad_set_id = 'as_1'");
  ExecOther("UPDATE recommendations SET flag_mask = 1 WHERE ad_set_id = 'as_2'");
  ExecOther("UPDATE accounts SET last_sync_time = '2026-11-30 03:00:00.123456Z'");

  const std::string corrupt_week = absl::StrCat("stored event_counts of ad set 'as_1' week ",
                                                W(0).ToString(), " is corrupt: keys not sorted");
  EXPECT_TRUE(HasStatus(StatusOf(store->GetHistory("as_1", {}, {})), absl::StatusCode::kDataLoss,
                        corrupt_week));
  EXPECT_TRUE(HasStatus(StatusOf(ScanAll(*store)), absl::StatusCode::kDataLoss, corrupt_week));
  EXPECT_TRUE(HasStatus(StatusOf(store->GetRecommendation("as_1", W(3))),
                        absl::StatusCode::kDataLoss,
                        absl::StrCat("stored reasons of the recommendation of ad set 'as_1' week ",
                                     W(3).ToString(), R"( is corrupt: expected key "rule")")));
  EXPECT_TRUE(HasStatus(StatusOf(store->GetRecommendation("as_2", W(3))),
                        absl::StatusCode::kDataLoss, "does not match flag_mask 1"));
  EXPECT_TRUE(HasStatus(StatusOf(store->GetAccount("act_1")), absl::StatusCode::kDataLoss,
                        "stored last_sync_time of account 'act_1' is corrupt"));
  EXPECT_EQ(store->ListAccounts().status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(SqliteStoreTest, AFailingInsertInARunStoresNoneOfIt) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  const ClimbTest test = NewTest("ct_1", "as_ok", "as_ok_dup", W(1));
  ASSERT_OK(store->InsertClimbTest(test));
  const EvaluationChunk chunk =
      Chunk({Full("as_ok", W(5)), Full("as_bad", W(5))},
            {{test, Judged(test, ClimbTestState::kPromoted, W(5), 2, 1)}});
  // The second insert fails inside the transaction, after the first
  // recommendation was written.
  ExecOther(
      "CREATE TRIGGER refuse_bad BEFORE INSERT ON recommendations "
      "WHEN NEW.ad_set_id = 'as_bad' BEGIN SELECT RAISE(ABORT, 'refused by test'); END");

  const absl::Status status = SaveChunk(*store, chunk);

  EXPECT_TRUE(HasStatus(status, absl::StatusCode::kInternal, "refused by test"));
  EXPECT_TRUE(HasStatus(status, absl::StatusCode::kInternal, "storing recommendations"));
  EXPECT_EQ(QueryInt("SELECT count(*) FROM recommendations"), 0);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM evaluations"), 0);
  EXPECT_EQ(store->GetClimbTest("ct_1").value_or(ClimbTest()).state, ClimbTestState::kRunning);
  ExecOther("DROP TRIGGER refuse_bad");
  ASSERT_OK(SaveChunk(*store, chunk));
  EXPECT_EQ(QueryInt("SELECT count(*) FROM recommendations"), 2);
}

TEST_F(SqliteStoreTest, TheSchemaRefusesTwoRunningTestsInOneRole) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  ASSERT_OK(store->InsertClimbTest(NewTest("ct_1", "as_o", "as_d", W(1))));
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

// --- What the rows hold, for tools that read the file without rungd ---------------

TEST_F(SqliteStoreTest, EveryCommittedBatchIsLoggedButAReplayIsNot) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  ASSERT_OK(Ingested(*store, Batch({Record("as_1", W(0), 1), Record("as_2", W(0), 3)}, "r1")));
  ASSERT_OK(Ingested(*store, Batch({Record("as_1", W(0), 1), Record("as_1", W(1), 2)})));
  ASSERT_OK(Ingested(*store, Batch({Record("as_1", W(0), 9)}, "r1")));  // a replay

  ASSERT_OK_AND_ASSIGN(auto db, OpenOther(DbPath()));
  ASSERT_OK_AND_ASSIGN(
      StatementLease rows,
      db->Prepare("SELECT ifnull(request_id, '-'), records, inserted, updated, unchanged "
                  "FROM ingest_log ORDER BY ingest_id",
                  "test"));
  std::vector<std::string> logged;
  while (rows->Step("test").value_or(false)) {
    logged.push_back(absl::StrCat(rows->ColumnText(0), " ", rows->ColumnInt(1), " ",
                                  rows->ColumnInt(2), " ", rows->ColumnInt(3), " ",
                                  rows->ColumnInt(4)));
  }
  EXPECT_THAT(logged, ElementsAre("r1 2 2 0 0", "- 2 1 0 1"));
}

TEST_F(SqliteStoreTest, ARecommendationRowReadsWithoutThisProgram) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  ASSERT_OK(SaveChunk(*store, Chunk({Full("as_full", W(3)), Bare("as_bare", W(3))})));
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

TEST_F(SqliteStoreTest, TheNewTablesAreStrictAndOnlyTheLargeRowsKeepARowid) {
  ASSERT_OK(OpenSqliteStore(Options()));

  EXPECT_EQ(QueryInt("SELECT count(*) FROM pragma_table_list WHERE name IN "
                     "('evaluations', 'climb_tests') AND strict = 1 AND wr = 1"),
            2);
  // Rows of about 800 bytes append faster to a rowid table (migration 0005).
  EXPECT_EQ(QueryInt("SELECT count(*) FROM pragma_table_list WHERE name = 'recommendations' "
                     "AND strict = 1 AND wr = 0"),
            1);
}

TEST_F(SqliteStoreTest, AnEvaluationRowReadsWithoutThisProgram) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  EvaluationRecord evaluation = EvaluationRun("ev_1");
  evaluation.account_id = "act_1";
  evaluation.ad_set_ids = {"as_1", "as_\"2\""};
  evaluation.policy_version = "ladder-2026-01";
  evaluation.evaluated = 2;
  evaluation.action_counts = {{Action::kMoveDown, 1}, {Action::kAtTop, 1}};
  EvaluationRecord unfiltered;
  unfiltered.evaluation_id = "ev_2";
  unfiltered.as_of_week = W(4);
  ASSERT_OK(StoreRun(*store, evaluation));
  ASSERT_OK(StoreRun(*store, unfiltered));

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

TEST_F(SqliteStoreTest, AClimbTestRowKeepsCostsAsNumbers) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  const ClimbTest test = NewTest("ct_1", "as_o", "as_d", W(2));
  ASSERT_OK(store->InsertClimbTest(test));
  ASSERT_OK(store->UpdateClimbTest(
      {test, Judged(test, ClimbTestState::kKeptCurrent, W(5), 0.1 + 0.2, kInf, 41)}));

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

TEST_F(SqliteStoreTest, WhatASyncDidNotSayIsNull) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  AccountRecord account;
  account.account_id = "act_1";
  account.name = "Acme";
  account.last_sync_time = EvaluatedAt();
  ASSERT_OK(store->RecordAccountSync(account));

  EXPECT_EQ(QueryInt("SELECT count(*) FROM accounts WHERE currency IS NULL AND "
                     "time_zone IS NULL AND last_sync_time = '2026-01-12T09:30:00.123456Z'"),
            1);
}

// --- Statistics, backups and checkpoints -------------------------------------------

TEST_F(SqliteStoreTest, DatabaseBytesAreTheFilesOnDisk) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  ASSERT_OK(Ingested(*store, Batch({Record("as_1", W(0), 1)})));

  ASSERT_OK_AND_ASSIGN(const StoreStats stats, store->GetStats());

  // The main file and, while it is there, the write-ahead log.
  EXPECT_GE(stats.database_bytes, static_cast<int64_t>(std::filesystem::file_size(DbPath())));
  EXPECT_GT(stats.database_bytes, 0);
}

TEST_F(SqliteStoreTest, ABackupIsAWholeDatabaseWithoutWhatWasNotCommitted) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  ASSERT_OK(Ingested(*store, Batch({Record("as_1", W(0), 10), Record("as_1", W(1), 11)})));
  // Another writer in the middle of a transaction: the backup must neither
  // wait for it nor copy its rows.
  ASSERT_OK_AND_ASSIGN(auto other, OpenOther(DbPath()));
  ASSERT_OK(other->Exec("BEGIN IMMEDIATE", "test"));
  ASSERT_OK(other->Exec("INSERT INTO ad_sets VALUES ('uncommitted', 'act_1', 'cmp_1')", "test"));
  const std::string copy = DbPath() + ".backup";

  ASSERT_OK_AND_ASSIGN(const int64_t bytes, store->Backup(copy));
  ASSERT_OK(other->Exec("COMMIT", "test"));

  EXPECT_EQ(bytes, static_cast<int64_t>(std::filesystem::file_size(copy)));
  ASSERT_OK_AND_ASSIGN(auto check, OpenOther(copy));
  EXPECT_EQ(check->QueryText("PRAGMA integrity_check", "test").value_or("error"), "ok");
  EXPECT_EQ(check->QueryInt("SELECT count(*) FROM ad_sets WHERE ad_set_id = 'uncommitted'", "test")
                .value_or(-1),
            0);
  check.reset();
  SqliteStoreOptions restored = Options();
  restored.path = copy;
  ASSERT_OK_AND_ASSIGN(auto from_copy, OpenSqliteStore(restored));
  EXPECT_THAT(from_copy->GetHistory("as_1", {}, {}).value_or(AdSetHistory{}),
              ElementsAre(Record("as_1", W(0), 10), Record("as_1", W(1), 11)));
}

TEST_F(SqliteStoreTest, ABackupNeverOverwritesAFile) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  const std::string existing = DbPath() + ".keep";
  { std::ofstream(existing) << "precious"; }

  EXPECT_TRUE(
      HasStatus(StatusOf(store->Backup(existing)), absl::StatusCode::kInvalidArgument,
                absl::StrCat("destination_path: cannot create '", existing, "': File exists")));
  std::string kept;
  std::getline(std::ifstream(existing), kept);
  EXPECT_EQ(kept, "precious");
  const std::string nowhere = DbPath() + ".d/missing/copy.db";
  EXPECT_TRUE(HasStatus(StatusOf(store->Backup(nowhere)), absl::StatusCode::kInvalidArgument,
                        "No such file or directory"));
  EXPECT_FALSE(std::filesystem::exists(nowhere));
}

// The writer's commits only ask for checkpoints; a thread of the store's own
// runs them (checkpointer_test tests it alone), and GetStats counts them.
TEST_F(SqliteStoreTest, CheckpointsRunBesideTheWriterAndAreCounted) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Store> store, OpenSqliteStore(Options()));
  ASSERT_OK_AND_ASSIGN(const StoreStats before, store->GetStats());
  ASSERT_EQ(before.engine_counters.size(), 1u);
  EXPECT_EQ(before.engine_counters[0].name, "rung_wal_checkpoints_total");
  EXPECT_THAT(before.engine_counters[0].by_result, ElementsAre(Pair("ok", 0), Pair("failed", 0)));

  // About 25 records fill a page: enough batches to fill the log.
  constexpr int kAdSets = 3000;
  for (int week = 0; week < 12; ++week) {
    std::vector<AdSetWeek> records;
    for (int i = 0; i < kAdSets; ++i) {
      records.push_back(Record(absl::StrCat("as_", i), W(week), i % 97));
    }
    ASSERT_OK(Ingested(*store, Batch(std::move(records))));
  }
  ASSERT_OK_AND_ASSIGN(const Checkpointer::Stats checkpoints, WaitForCheckpointsForTest(*store));
  EXPECT_GE(checkpoints.checkpoints, 1);
  EXPECT_EQ(checkpoints.failures, 0);
  EXPECT_EQ(checkpoints.last.copied_frames, checkpoints.last.wal_frames);
  ASSERT_OK_AND_ASSIGN(const StoreStats stats, store->GetStats());
  ASSERT_EQ(stats.engine_counters.size(), 1u);
  EXPECT_THAT(stats.engine_counters[0].by_result,
              ElementsAre(Pair("ok", checkpoints.checkpoints), Pair("failed", 0)));
}

TEST(SqliteStatusTest, MapsResultCodesAndKeepsSqlitesMessage) {
  struct Case {
    int rc;
    absl::StatusCode code;
    const char* what;
  };
  const Case cases[] = {
      {SQLITE_BUSY, absl::StatusCode::kUnavailable,
       "database is locked by another writer for more than 5000 ms"},
      {SQLITE_LOCKED, absl::StatusCode::kUnavailable,
       "database is locked by another writer for more than 5000 ms"},
      {SQLITE_FULL, absl::StatusCode::kResourceExhausted, "database or disk is full"},
      {SQLITE_CANTOPEN, absl::StatusCode::kUnavailable, "cannot open the database file"},
      {SQLITE_IOERR_WRITE, absl::StatusCode::kUnavailable, "I/O error on the database file"},
      {SQLITE_NOTADB, absl::StatusCode::kFailedPrecondition, "the file is not a SQLite database"},
      {SQLITE_CORRUPT, absl::StatusCode::kDataLoss, "the database file is corrupt"},
      {SQLITE_CONSTRAINT_PRIMARYKEY, absl::StatusCode::kInternal,
       "a database constraint was violated"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.rc);
    EXPECT_EQ(
        SqliteStatus(c.rc, "what sqlite said", "doing it", 5000),
        absl::Status(c.code, absl::StrCat("doing it: ", c.what, " (sqlite: what sqlite said)")));
  }
}

}  // namespace
}  // namespace rung
