// Opening a database file: schema migrations, and the files rungd refuses.

#include "storage/migrations.h"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/digest.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rung/status_macros.h"
#include "rung/store.h"
#include "storage/json_codec.h"
#include "storage/sqlite/migrator.h"
#include "storage/sqlite/sqlite_db.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage_test_util.h"

namespace rung {
namespace {

class MigrationsTest : public StorageTest {
 protected:
  // This binary's store on a database that a binary of an older schema wrote
  // one ad set week to, and another connection to the file.
  struct Upgraded {
    std::unique_ptr<Store> store;
    std::unique_ptr<Connection> db;
  };

  // Upgrades a database of schema `version` and checks what every upgrade
  // must hold: the latest schema, migration `version` + 1 named `table` with
  // a STRICT table of that name, and the week written before kept.
  absl::StatusOr<Upgraded> UpgradeFrom(int version, const std::string& table) {
    const std::vector<Migration>& embedded = SqliteMigrations();
    if (embedded.size() <= static_cast<size_t>(version) ||
        embedded[static_cast<size_t>(version)].version != version + 1) {
      return absl::InternalError(absl::StrCat("no migration follows schema ", version));
    }
    {
      const std::vector<Migration> older(embedded.begin(), embedded.begin() + version);
      ASSIGN_OR_RETURN(auto store, OpenSqliteStoreForTest(Options(), older));
      IngestBatch batch;
      batch.records = {Record("as_1", W(0), 10)};
      RETURN_IF_ERROR(store->Ingest(batch).status());
    }
    Upgraded upgraded;
    ASSIGN_OR_RETURN(upgraded.store, OpenSqliteStore(Options()));
    ASSIGN_OR_RETURN(upgraded.db, OpenOther(DbPath()));
    Connection& db = *upgraded.db;
    EXPECT_EQ(db.QueryInt("PRAGMA user_version", "test").value_or(-1), embedded.back().version);
    EXPECT_EQ(db.QueryText(absl::StrCat("SELECT name FROM schema_migrations WHERE version = ",
                                        version + 1),
                           "test")
                  .value_or(""),
              table);
    EXPECT_EQ(db.QueryInt(absl::StrCat("SELECT count(*) FROM pragma_table_list WHERE name = '",
                                       table, "' AND strict = 1"),
                          "test")
                  .value_or(-1),
              1);
    const absl::StatusOr<AdSetHistory> history = upgraded.store->GetHistory("as_1", {}, {});
    EXPECT_TRUE(history.ok()) << history.status();
    if (history.ok()) {
      EXPECT_THAT(*history, testing::ElementsAre(Record("as_1", W(0), 10)));
    }
    return upgraded;
  }

  // This binary's store on a database that a binary of schema `version` (2
  // to 10) wrote a HOLD of as_1 at W(0) to, without a learning budget.
  absl::StatusOr<std::unique_ptr<Store>> UpgradeAHoldFrom(int version) {
    const std::vector<Migration>& embedded = SqliteMigrations();
    if (embedded.size() <= static_cast<size_t>(version) ||
        embedded[static_cast<size_t>(version)].version != version + 1) {
      return absl::InternalError(absl::StrCat("no migration follows schema ", version));
    }
    const std::vector<Migration> older(embedded.begin(), embedded.begin() + version);
    RETURN_IF_ERROR(OpenSqliteStoreForTest(Options(), older).status());
    ASSIGN_OR_RETURN(auto db, OpenOther(DbPath()));
    RETURN_IF_ERROR(db->Exec(
        "INSERT INTO recommendations (ad_set_id, as_of_week, account_id, ladder, action, "
        "flag_mask, flags, latest_counts, sustained_counts, reasons, weeks_on_rung, "
        "learning_threshold, policy_version, evaluation_id, evaluated_at) VALUES ('as_1', "
        "'2026-01-05', 'act_1', 'ecommerce', 'HOLD', 4, '[\"NEAR_EXIT\"]', '{\"Purchase\":41}', "
        "'{\"Purchase\":40}', '[{\"rule\":\"near_exit_hold\",\"message\":\"hold\"}]', 3, 50, "
        "'p', 'ev_1', '2026-01-12T00:00:00.000000Z')",
        "test"));
    return OpenSqliteStore(Options());
  }
};

std::string ReadFile(const std::string& path) {
  std::string bytes(std::filesystem::file_size(path), '\0');
  std::ifstream in(path, std::ios::binary);
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return bytes;
}

TEST_F(MigrationsTest, FreshDatabaseGetsEveryMigrationWithItsChecksum) {
  ASSERT_OK(OpenSqliteStore(Options()));

  ASSERT_OK_AND_ASSIGN(auto db, OpenOther(DbPath()));
  const std::vector<Migration>& embedded = SqliteMigrations();
  ASSERT_FALSE(embedded.empty());
  ASSERT_OK_AND_ASSIGN(StatementLease rows,
                       db->Prepare("SELECT version, name, checksum, applied_at "
                                   "FROM schema_migrations ORDER BY version",
                                   "test"));
  for (const Migration& migration : embedded) {
    ASSERT_OK_AND_ASSIGN(const bool row, rows->Step("test"));
    ASSERT_TRUE(row) << "no row for migration " << migration.version;
    EXPECT_EQ(rows->ColumnInt(0), migration.version);
    EXPECT_EQ(rows->ColumnText(1), migration.name);
    ASSERT_OK_AND_ASSIGN(const std::string checksum, Sha256Hex(migration.sql));
    EXPECT_EQ(rows->ColumnText(2), checksum);
    EXPECT_EQ(rows->ColumnText(3).size(), std::string("2026-01-05T10:00:00Z").size());
  }
  ASSERT_OK_AND_ASSIGN(const bool extra_row, rows->Step("test"));
  EXPECT_FALSE(extra_row);

  EXPECT_EQ(db->QueryText("PRAGMA journal_mode", "test").value_or(""), "wal");
  EXPECT_EQ(db->QueryInt("PRAGMA user_version", "test").value_or(-1), embedded.back().version);
  EXPECT_EQ(db->QueryInt("PRAGMA application_id", "test").value_or(-1), kApplicationId);
  EXPECT_EQ(db->QueryInt("SELECT count(*) FROM pragma_table_list WHERE name IN "
                         "('ad_sets', 'ad_set_weeks', 'ingest_requests', 'schema_migrations') "
                         "AND strict = 1",
                         "test")
                .value_or(-1),
            4);
}

TEST_F(MigrationsTest, ReopeningAppliesNothingAndKeepsTheData) {
  {
    ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
    IngestBatch batch;
    batch.records = {Record("as_1", W(0), 10)};
    ASSERT_OK(store->Ingest(batch));
  }
  {
    // A marker that a second application of the migrations would not keep.
    ASSERT_OK_AND_ASSIGN(auto db, OpenOther(DbPath()));
    ASSERT_OK(db->Exec("UPDATE schema_migrations SET applied_at = 'marker'", "test"));
  }

  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));

  ASSERT_OK_AND_ASSIGN(auto db, OpenOther(DbPath()));
  EXPECT_EQ(
      db->QueryInt("SELECT count(*) FROM schema_migrations WHERE applied_at = 'marker'", "test")
          .value_or(-1),
      static_cast<int64_t>(SqliteMigrations().size()));
  EXPECT_EQ(db->QueryInt("SELECT count(*) FROM schema_migrations", "test").value_or(-1),
            static_cast<int64_t>(SqliteMigrations().size()));
  ASSERT_OK_AND_ASSIGN(const AdSetHistory history, store->GetHistory("as_1", {}, {}));
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0], Record("as_1", W(0), 10));
}

TEST_F(MigrationsTest, RefusesASchemaNewerThanItKnows) {
  ASSERT_OK(OpenSqliteStore(Options()));
  {
    ASSERT_OK_AND_ASSIGN(auto db, OpenOther(DbPath()));
    ASSERT_OK(
        db->Exec("INSERT INTO schema_migrations VALUES "
                 "(999, 'from_the_future', 'abc', '2030-01-07T00:00:00Z')",
                 "test"));
  }

  const auto store = OpenSqliteStore(Options());

  EXPECT_TRUE(HasStatus(StatusOf(store), absl::StatusCode::kFailedPrecondition,
                        absl::StrCat("database schema version 999 is newer than this rungd knows (",
                                     SqliteMigrations().back().version, "); upgrade rungd")));
}

TEST_F(MigrationsTest, RefusesAMigrationEditedAfterItWasApplied) {
  const std::vector<Migration> original = {{1, "first", "CREATE TABLE t (x INTEGER) STRICT;"}};
  const std::vector<Migration> edited = {
      {1, "first", "CREATE TABLE t (x INTEGER, y INTEGER) STRICT;"}};
  ASSERT_OK(OpenSqliteStoreForTest(Options(), original));

  const auto store = OpenSqliteStoreForTest(Options(), edited);

  ASSERT_OK_AND_ASSIGN(const std::string applied, Sha256Hex(original[0].sql));
  ASSERT_OK_AND_ASSIGN(const std::string now, Sha256Hex(edited[0].sql));
  EXPECT_TRUE(HasStatus(StatusOf(store), absl::StatusCode::kFailedPrecondition,
                        absl::StrCat("migration 0001_first was edited after it was applied "
                                     "(checksum ",
                                     applied, " != ", now, ")")));
  EXPECT_OK(OpenSqliteStoreForTest(Options(), original));
}

TEST_F(MigrationsTest, AppliesOnlyThePendingMigrations) {
  const std::vector<Migration> first = {{1, "first", "CREATE TABLE t (x INTEGER) STRICT;"}};
  const std::vector<Migration> both = {first[0],
                                       {2, "second", "ALTER TABLE t ADD COLUMN y INTEGER;"}};
  ASSERT_OK(OpenSqliteStoreForTest(Options(), first));
  {
    ASSERT_OK_AND_ASSIGN(auto db, OpenOther(DbPath()));
    ASSERT_OK(db->Exec("INSERT INTO t VALUES (7)", "test"));
  }

  ASSERT_OK(OpenSqliteStoreForTest(Options(), both));

  ASSERT_OK_AND_ASSIGN(auto db, OpenOther(DbPath()));
  EXPECT_EQ(db->QueryInt("SELECT x FROM t WHERE y IS NULL", "test").value_or(-1), 7);
  EXPECT_EQ(db->QueryInt("PRAGMA user_version", "test").value_or(-1), 2);
  EXPECT_EQ(db->QueryInt("SELECT count(*) FROM schema_migrations", "test").value_or(-1), 2);
}

TEST_F(MigrationsTest, AFailingMigrationLeavesThePreviousVersion) {
  const Migration first = {1, "first", "CREATE TABLE a (x INTEGER) STRICT;"};
  const std::vector<Migration> broken = {
      first, {2, "second", "CREATE TABLE b (x INTEGER) STRICT; INSERT INTO missing VALUES (1);"}};
  const std::vector<Migration> fixed = {first, {2, "second", "CREATE TABLE b (x INTEGER) STRICT;"}};

  const auto store = OpenSqliteStoreForTest(Options(), broken);

  EXPECT_TRUE(
      HasStatus(StatusOf(store), absl::StatusCode::kInternal, "applying migration 0002_second: "));
  EXPECT_TRUE(HasStatus(StatusOf(store), absl::StatusCode::kInternal, "no such table: missing"));
  {
    ASSERT_OK_AND_ASSIGN(auto db, OpenOther(DbPath()));
    EXPECT_EQ(db->QueryInt("SELECT max(version) FROM schema_migrations", "test").value_or(-1), 1);
    EXPECT_EQ(db->QueryInt("PRAGMA user_version", "test").value_or(-1), 1);
    EXPECT_EQ(
        db->QueryInt("SELECT count(*) FROM sqlite_schema WHERE name = 'b'", "test").value_or(-1),
        0);
  }
  ASSERT_OK(OpenSqliteStoreForTest(Options(), fixed));
  ASSERT_OK_AND_ASSIGN(auto db, OpenOther(DbPath()));
  EXPECT_EQ(db->QueryInt("PRAGMA user_version", "test").value_or(-1), 2);
}

TEST_F(MigrationsTest, RefusesAnotherProgramsSqliteDatabaseWithoutTouchingIt) {
  {
    ASSERT_OK_AND_ASSIGN(auto db, OpenOther(DbPath()));
    ASSERT_OK(db->Exec("CREATE TABLE users (name TEXT)", "test"));
  }

  const auto store = OpenSqliteStore(Options());

  EXPECT_TRUE(HasStatus(StatusOf(store), absl::StatusCode::kFailedPrecondition,
                        absl::StrCat("'", DbPath(),
                                     "' is not a Rung Advisor database (it has tables but no "
                                     "schema_migrations)")));
  ASSERT_OK_AND_ASSIGN(auto db, OpenOther(DbPath()));
  EXPECT_EQ(db->QueryText("PRAGMA journal_mode", "test").value_or(""), "delete");
  EXPECT_EQ(db->QueryInt("PRAGMA application_id", "test").value_or(-1), 0);
  EXPECT_EQ(db->QueryInt("SELECT count(*) FROM sqlite_schema", "test").value_or(-1), 1);
}

TEST_F(MigrationsTest, RefusesADatabaseOfAnotherApplicationId) {
  {
    ASSERT_OK_AND_ASSIGN(auto db, OpenOther(DbPath()));
    ASSERT_OK(db->Exec("PRAGMA application_id = 42", "test"));
  }

  const auto store = OpenSqliteStore(Options());

  EXPECT_TRUE(HasStatus(StatusOf(store), absl::StatusCode::kFailedPrecondition,
                        "belongs to another application (PRAGMA application_id is 42"));
}

TEST_F(MigrationsTest, RefusesAFileThatIsNotSqliteWithoutTouchingIt) {
  std::mt19937 random(20260105);
  std::string bytes(8192, '\0');
  for (char& byte : bytes) byte = static_cast<char>(random() & 0xff);
  {
    std::ofstream out(DbPath(), std::ios::binary);
    out << bytes;
  }

  const auto store = OpenSqliteStore(Options());

  EXPECT_TRUE(HasStatus(StatusOf(store), absl::StatusCode::kFailedPrecondition,
                        absl::StrCat("opening '", DbPath(),
                                     "': the file is not a SQLite database (sqlite: file is not "
                                     "a database)")));
  EXPECT_EQ(ReadFile(DbPath()), bytes);
}

TEST_F(MigrationsTest, AccountsArriveOnADatabaseOfSchemaFiveWithItsDataKept) {
  ASSERT_OK_AND_ASSIGN(const Upgraded upgraded, UpgradeFrom(5, "accounts"));
  AccountRecord account;
  account.account_id = "act_1";
  account.time_zone = "America/Los_Angeles";
  account.last_sync_time = absl::FromUnixSeconds(1796000000);
  ASSERT_OK(upgraded.store->RecordAccountSync(account));
  ASSERT_OK_AND_ASSIGN(const AccountRecord read, upgraded.store->GetAccount("act_1"));
  EXPECT_EQ(read, account);
}

TEST_F(MigrationsTest, TheRecommendationsVersionStartsAtTheEvaluationsStoredBefore) {
  const std::vector<Migration>& embedded = SqliteMigrations();
  ASSERT_GE(embedded.size(), 7u);
  ASSERT_EQ(embedded[6].version, 7);
  {
    const std::vector<Migration> up_to_six(embedded.begin(), embedded.begin() + 6);
    ASSERT_OK(OpenSqliteStoreForTest(Options(), up_to_six));
    // Written as a binary of schema six did, which had no version to bump.
    ASSERT_OK_AND_ASSIGN(auto db, OpenOther(DbPath()));
    ASSERT_OK(
        db->Exec("INSERT INTO evaluations (evaluation_id, as_of_week, ad_set_ids, policy_version, "
                 "evaluated_at, evaluated, action_counts) VALUES "
                 "('ev_1', '2026-01-05', '[]', 'p', '2026-01-12T00:00:00.000000Z', 0, '{}'), "
                 "('ev_2', '2026-01-12', '[]', 'p', '2026-01-19T00:00:00.000000Z', 0, '{}')",
                 "test"));
  }

  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));

  EXPECT_EQ(store->RecommendationsVersion().value_or(-1), 2);
  EvaluationRecord run;
  run.evaluation_id = "ev_3";
  ASSERT_OK(StoreRun(*store, run));
  EXPECT_EQ(store->RecommendationsVersion().value_or(-1), 3);
}

TEST_F(MigrationsTest, ActionsArriveOnADatabaseOfSchemaSevenWithItsDataKept) {
  ASSERT_OK_AND_ASSIGN(const Upgraded upgraded, UpgradeFrom(7, "actions"));
  Store* store = upgraded.store.get();
  Connection* db = upgraded.db.get();
  ActionRecord action;
  action.action_id = "action_1";
  action.key = "as_1@2026-01-05@HOLD";
  action.account_id = "act_1";
  action.ad_set_id = "as_1";
  action.as_of_week = W(0);
  action.action = Action::kHold;
  action.updated_at = absl::FromUnixSeconds(1796000000);
  ASSERT_OK_AND_ASSIGN(const ActionRecord stored, store->RecordAction(action));
  EXPECT_EQ(stored.created_at, action.updated_at);
  // A state that no ActionState names is refused by the table itself.
  EXPECT_EQ(db->Exec("UPDATE actions SET state = 'PAUSED'", "test").code(),
            absl::StatusCode::kInternal);
  EXPECT_EQ(db->Exec("UPDATE actions SET steps = '{}'", "test").code(),
            absl::StatusCode::kInternal);
}

TEST_F(MigrationsTest, PolicyRevisionsArriveOnADatabaseOfSchemaEightWithItsDataKept) {
  ASSERT_OK_AND_ASSIGN(const Upgraded upgraded, UpgradeFrom(8, "policy_revisions"));
  Store* store = upgraded.store.get();
  Connection* db = upgraded.db.get();
  PolicyRevision revision;
  revision.account_id = "act_1";
  revision.revision = 1;
  revision.version = "0123456789abcdef";
  revision.overrides.cutover_threshold = 20;
  revision.change_time = absl::FromUnixSeconds(1796000000);
  ASSERT_OK(store->AppendPolicyRevisions({revision}));
  ASSERT_OK_AND_ASSIGN(const std::vector<PolicyRevision> latest, store->LatestPolicyRevisions());
  ASSERT_EQ(latest.size(), 1u);
  EXPECT_EQ(latest[0].overrides.cutover_threshold, 20);
  EXPECT_EQ(db->QueryText("SELECT overrides FROM policy_revisions", "test").value_or(""),
            R"({"cutover_threshold":20})");
  // The table itself refuses what the store never writes: overrides that
  // are no object, ladders on an account, a revision below 1.
  EXPECT_EQ(db->Exec("UPDATE policy_revisions SET overrides = '[]'", "test").code(),
            absl::StatusCode::kInternal);
  EXPECT_EQ(db->Exec("UPDATE policy_revisions SET ladders = "
                     "'[{\"name\":\"x\",\"events\":[\"A\",\"B\"]}]'",
                     "test")
                .code(),
            absl::StatusCode::kInternal);
  EXPECT_EQ(db->Exec("UPDATE policy_revisions SET revision = 0", "test").code(),
            absl::StatusCode::kInternal);
}

TEST_F(MigrationsTest, TheAccountWeekIndexArrivesOnADatabaseOfSchemaNineWithItsDataKept) {
  ASSERT_OK_AND_ASSIGN(auto store, UpgradeAHoldFrom(9));

  ASSERT_OK_AND_ASSIGN(auto db, OpenOther(DbPath()));
  EXPECT_EQ(db->QueryInt("PRAGMA user_version", "test").value_or(-1),
            SqliteMigrations().back().version);
  EXPECT_EQ(db->QueryInt("SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND "
                         "name = 'recommendations_by_account_week'",
                         "test")
                .value_or(-1),
            1);
  // An account's latest week is one seek of it, not a walk of the account.
  ASSERT_OK_AND_ASSIGN(StatementLease plan,
                       db->Prepare("EXPLAIN QUERY PLAN SELECT max(as_of_week) FROM "
                                   "recommendations WHERE account_id = 'act_1'",
                                   "test"));
  ASSERT_OK_AND_ASSIGN(const bool row, plan->Step("test"));
  ASSERT_TRUE(row);
  EXPECT_THAT(plan->ColumnText(3), testing::HasSubstr("recommendations_by_account_week"));
  ASSERT_OK_AND_ASSIGN(const Recommendation kept, store->GetRecommendation("as_1", W(0)));
  EXPECT_EQ(kept.action, Action::kHold);
}

TEST_F(MigrationsTest, LearningBudgetsArriveOnADatabaseOfSchemaTenWithItsAdviceKept) {
  ASSERT_OK_AND_ASSIGN(auto store, UpgradeAHoldFrom(10));

  ASSERT_OK_AND_ASSIGN(auto db, OpenOther(DbPath()));
  EXPECT_EQ(db->QueryText("SELECT learning_budget FROM recommendations", "test").value_or(""),
            std::string(kEmptyLearningBudgetJson));
  ASSERT_OK_AND_ASSIGN(const Recommendation kept, store->GetRecommendation("as_1", W(0)));
  EXPECT_EQ(kept.action, Action::kHold);
  EXPECT_EQ(kept.flags, std::set<Flag>{Flag::kNearExit});
  EXPECT_EQ(kept.sustained_counts, (std::map<std::string, int64_t>{{"Purchase", 40}}));
  EXPECT_EQ(kept.reasons, (std::vector<Reason>{{"near_exit_hold", "hold"}}));
  EXPECT_EQ(kept.learning_threshold, 50);
  EXPECT_EQ(kept.learning_budget, LearningBudget());
  // And the upgraded table stores a budget.
  Recommendation budgeted = kept;
  budgeted.as_of_week = W(1);
  budgeted.learning_budget.spend_weeks = 1;
  budgeted.learning_budget.weekly_spend_micros = 7;
  EvaluationChunk chunk;
  chunk.recommendations = {budgeted};
  ASSERT_OK(SaveChunk(*store, chunk));
  ASSERT_OK_AND_ASSIGN(const Recommendation read, store->GetRecommendation("as_1", W(1)));
  EXPECT_EQ(read.learning_budget, budgeted.learning_budget);
}

TEST_F(MigrationsTest, AnEmptyFileBecomesADatabase) {
  { std::ofstream out(DbPath(), std::ios::binary); }

  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));

  EXPECT_OK(store->Ping());
}

}  // namespace
}  // namespace rung
