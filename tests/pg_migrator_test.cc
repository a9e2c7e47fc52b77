// PostgreSQL's schema migrations against a real server: a fresh database,
// reopening, the databases rungd refuses, and several rungd at once.

#include "storage/postgres/pg_migrator.h"

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/barrier.h"
#include "core/digest.h"
#include "gtest/gtest.h"
#include "storage/json_codec.h"
#include "storage/migrations.h"
#include "storage/postgres/pg_connection.h"
#include "storage_test_util.h"
#include "support/postgres_environment.h"
#include "support/status_assertions.h"

namespace rung {
namespace {

using PgMigratorTest = test_support::PostgresTest;

// The version after the embedded migrations', where a test's own start.
int Next() { return PostgresMigrations().back().version + 1; }

// The embedded migrations and then `extra`.
std::vector<Migration> With(std::vector<Migration> extra) {
  std::vector<Migration> migrations = PostgresMigrations();
  migrations.insert(migrations.end(), extra.begin(), extra.end());
  return migrations;
}

TEST_F(PgMigratorTest, FreshDatabaseGetsEveryMigrationWithItsChecksum) {
  ASSERT_OK(MigratePostgres(*db_, PostgresMigrations()));

  const std::vector<Migration>& embedded = PostgresMigrations();
  ASSERT_FALSE(embedded.empty());
  ASSERT_OK_AND_ASSIGN(const PgResult rows,
                       db_->Query("SELECT version, name, checksum, applied_at > now() - "
                                  "interval '1 minute' FROM schema_migrations ORDER BY version",
                                  {}, "test"));
  ASSERT_EQ(rows.rows(), static_cast<int>(embedded.size()));
  for (int row = 0; row < rows.rows(); ++row) {
    const Migration& migration = embedded[row];
    EXPECT_EQ(rows.Int64(row, 0).value_or(-1), migration.version);
    EXPECT_EQ(rows.Text(row, 1), std::string(migration.name));
    ASSERT_OK_AND_ASSIGN(const std::string checksum, Sha256Hex(migration.sql));
    EXPECT_EQ(rows.Text(row, 2), checksum);
    EXPECT_TRUE(rows.Bool(row, 3).value_or(false));
  }
  EXPECT_EQ(Scalar("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND "
                   "tablename IN ('ad_sets', 'ad_set_weeks', 'ingest_requests', 'ingest_log', "
                   "'recommendations', 'evaluations', 'climb_tests', 'accounts', 'actions', "
                   "'policy_revisions')"),
            "10");
}

TEST_F(PgMigratorTest, TheSchemaKeepsWhatSqlitesKeeps) {
  ASSERT_OK(MigratePostgres(*db_, PostgresMigrations()));
  ASSERT_OK(db_->Exec(
      "INSERT INTO climb_tests (climb_test_id, account_id, original_ad_set_id, "
      "duplicate_ad_set_id, from_event, to_event, start_week, state, create_time) "
      "VALUES ('ct_1', 'act_1', 'as_1', 'as_2', 'AddToCart', 'InitiateCheckout', '2026-01-05', "
      "'RUNNING', now())",
      "test"));
  // At most one running test per original.
  EXPECT_EQ(db_->Exec("INSERT INTO climb_tests (climb_test_id, account_id, original_ad_set_id, "
                      "duplicate_ad_set_id, from_event, to_event, start_week, state, "
                      "create_time) VALUES ('ct_2', 'act_1', 'as_1', 'as_3', 'AddToCart', "
                      "'InitiateCheckout', '2026-01-05', 'RUNNING', now())",
                      "test")
                .code(),
            absl::StatusCode::kAlreadyExists);
  // A judgment's cost may be +Infinity.
  EXPECT_OK(
      db_->Exec("UPDATE climb_tests SET state = 'PROMOTED', concluded_week = '2026-02-02', "
                "original_cost_per_macro = 'Infinity', duplicate_cost_per_macro = 1.5",
                "test"));
  // The recommendations version starts at no evaluation, in its one row.
  EXPECT_EQ(Scalar("SELECT version FROM recommendations_version"), "0");
  EXPECT_EQ(db_->Exec("INSERT INTO recommendations_version VALUES (2, 0)", "test").code(),
            absl::StatusCode::kFailedPrecondition);
  // Ids order by bytes, as in SQLite, whatever the database's locale.
  ASSERT_OK(
      db_->Exec("INSERT INTO ad_sets VALUES ('b', 'act', 'c'), ('B', 'act', 'c'), "
                "('a', 'act', 'c')",
                "test"));
  EXPECT_EQ(Scalar("SELECT string_agg(ad_set_id, ',' ORDER BY ad_set_id) FROM ad_sets"), "B,a,b");
  // An action's state is one that ActionState names.
  const std::string insert_action =
      "INSERT INTO actions (action_id, account_id, ad_set_id, as_of_week, action, steps, "
      "created_at, updated_at, key, state) VALUES ('a_1', 'act', 'as', '2026-01-05', 'HOLD', "
      "'[]', now(), now(), ";
  EXPECT_OK(db_->Exec(insert_action + "'k_1', 'DONE')", "test"));
  EXPECT_EQ(db_->Exec(insert_action + "'k_2', 'PAUSED')", "test").code(),
            absl::StatusCode::kFailedPrecondition);
  // Custom ladders are the deployment's (''), and revisions start at 1.
  const std::string insert_revision =
      "INSERT INTO policy_revisions (account_id, revision, version, deployment_revision, "
      "overrides, change_time, ladders) VALUES ";
  const std::string ladders = "'[{\"name\":\"x\",\"events\":[\"A\",\"B\"]}]'";
  EXPECT_OK(db_->Exec(insert_revision + "('', 1, 'v', 1, '{}', now(), " + ladders + ")", "test"));
  EXPECT_EQ(db_->Exec(insert_revision + "('act', 1, 'v', 1, '{}', now(), " + ladders + ")", "test")
                .code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(db_->Exec(insert_revision + "('act', 0, 'v', 1, '{}', now(), '[]')", "test").code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(PgMigratorTest, LearningBudgetsArriveOnADatabaseOfSchemaFourWithItsAdviceKept) {
  const std::vector<Migration>& embedded = PostgresMigrations();
  ASSERT_GE(embedded.size(), 5u);
  ASSERT_EQ(embedded[4].version, 5);
  ASSERT_OK(MigratePostgres(*db_, {embedded.begin(), embedded.begin() + 4}));
  // Written as a binary of schema four did, which had no learning budget.
  ASSERT_OK(db_->Exec(
      "INSERT INTO recommendations (ad_set_id, as_of_week, account_id, ladder, action, "
      "flag_mask, flags, latest_counts, sustained_counts, reasons, weeks_on_rung, "
      "learning_threshold, policy_version, evaluation_id, evaluated_at) VALUES ('as_1', "
      "'2026-01-05', 'act_1', 'ecommerce', 'HOLD', 4, '[\"NEAR_EXIT\"]', '{\"Purchase\":41}', "
      "'{\"Purchase\":40}', '[{\"rule\":\"near_exit_hold\",\"message\":\"hold\"}]', 3, 50, "
      "'p', 'ev_1', '2026-01-12T00:00:00Z')",
      "test"));

  ASSERT_OK_AND_ASSIGN(const std::unique_ptr<Store> store, OpenStore(uri(), StoreSettings()));

  EXPECT_EQ(Scalar("SELECT learning_budget FROM recommendations"),
            std::string(kEmptyLearningBudgetJson));
  ASSERT_OK_AND_ASSIGN(const Recommendation kept,
                       store->GetRecommendation("as_1", *Week::Parse("2026-01-05")));
  EXPECT_EQ(kept.action, Action::kHold);
  EXPECT_EQ(kept.flags, std::set<Flag>{Flag::kNearExit});
  EXPECT_EQ(kept.sustained_counts, (std::map<std::string, int64_t>{{"Purchase", 40}}));
  EXPECT_EQ(kept.reasons, (std::vector<Reason>{{"near_exit_hold", "hold"}}));
  EXPECT_EQ(kept.learning_budget, LearningBudget());
}

TEST_F(PgMigratorTest, ReopeningAppliesNothingAndKeepsTheData) {
  ASSERT_OK(MigratePostgres(*db_, PostgresMigrations()));
  ASSERT_OK(
      db_->Exec("INSERT INTO ad_sets VALUES ('as_1', 'act_1', 'cmp_1'); "
                "UPDATE schema_migrations SET applied_at = '2000-01-01T00:00:00Z'",
                "test"));

  ASSERT_OK_AND_ASSIGN(const std::unique_ptr<PgConnection> again, PgConnection::Connect(uri()));
  ASSERT_OK(MigratePostgres(*again, PostgresMigrations()));

  EXPECT_EQ(Scalar("SELECT count(*) FROM schema_migrations WHERE applied_at <> "
                   "'2000-01-01T00:00:00Z'"),
            "0");
  EXPECT_EQ(Scalar("SELECT ad_set_id FROM ad_sets"), "as_1");
}

TEST_F(PgMigratorTest, RefusesASchemaNewerThanItKnows) {
  ASSERT_OK(MigratePostgres(*db_, PostgresMigrations()));
  const int known = PostgresMigrations().back().version;
  ASSERT_OK(
      db_->Query("INSERT INTO schema_migrations (version, name, checksum) "
                 "VALUES ($1, 'from_the_future', 'abc')",
                 {absl::StrCat(known + 1)}, "test"));

  const absl::Status status = MigratePostgres(*db_, PostgresMigrations());
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(),
            absl::StrCat("database schema version ", known + 1, " is newer than this rungd knows (",
                         known, "); upgrade rungd"));
}

TEST_F(PgMigratorTest, RefusesAMigrationEditedAfterItWasApplied) {
  ASSERT_OK(MigratePostgres(*db_, PostgresMigrations()));
  std::vector<Migration> edited = PostgresMigrations();
  const std::string sql = std::string(edited.front().sql) + "\n-- an afterthought\n";
  edited.front().sql = sql;

  EXPECT_TRUE(HasStatus(MigratePostgres(*db_, edited), absl::StatusCode::kFailedPrecondition,
                        "migration 0001_initial was edited after it was applied"));
}

TEST_F(PgMigratorTest, RefusesADatabaseThatIsNotOurs) {
  ASSERT_OK(db_->Exec("CREATE TABLE invoices (id int)", "test"));

  const absl::Status status = MigratePostgres(*db_, PostgresMigrations());
  EXPECT_TRUE(HasStatus(status, absl::StatusCode::kFailedPrecondition,
                        "is not a Rung Advisor database (it has tables but no schema_migrations)"));
  EXPECT_TRUE(HasStatus(status, absl::StatusCode::kFailedPrecondition, "postgresql://rung:***@"));
  EXPECT_FALSE(absl::StrContains(status.message(), server().password()));
  EXPECT_EQ(Scalar("SELECT to_regclass('schema_migrations') IS NULL"), "t");
}

TEST_F(PgMigratorTest, AFailingMigrationLeavesThePreviousVersion) {
  const std::vector<Migration> migrations =
      With({{Next(), "broken", "CREATE TABLE half_done (x int); SELEC 1;"}});

  EXPECT_TRUE(HasStatus(MigratePostgres(*db_, migrations), absl::StatusCode::kInternal,
                        absl::StrFormat("applying migration %04d_broken: ", Next())));
  EXPECT_EQ(Scalar("SELECT max(version) FROM schema_migrations"), absl::StrCat(Next() - 1));
  EXPECT_EQ(Scalar("SELECT to_regclass('half_done') IS NULL"), "t");
}

TEST_F(PgMigratorTest, MigratorsStartedTogetherOnAFreshDatabaseApplyEachMigrationOnce) {
  // Each migration leaves a row, so that one applied twice shows.
  const std::vector<Migration> migrations = With({
      {Next(), "counted",
       "CREATE TABLE applications (n int); INSERT INTO applications VALUES (1);"},
      {Next() + 1, "counted_again", "INSERT INTO applications VALUES (2);"},
  });
  constexpr int kMigrators = 4;
  std::vector<std::unique_ptr<PgConnection>> connections;
  for (int i = 0; i < kMigrators; ++i) {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<PgConnection> connection, PgConnection::Connect(uri()));
    connections.push_back(std::move(connection));
  }
  std::vector<absl::Status> results(kMigrators);
  absl::Barrier* start = new absl::Barrier(kMigrators);
  std::vector<std::thread> threads;
  for (int i = 0; i < kMigrators; ++i) {
    threads.emplace_back([&, i] {
      if (start->Block()) delete start;
      results[i] = MigratePostgres(*connections[i], migrations);
    });
  }
  for (std::thread& thread : threads) thread.join();

  for (const absl::Status& result : results) EXPECT_OK(result);
  std::vector<std::string> versions;
  for (int version = 1; version <= Next() + 1; ++version) versions.push_back(absl::StrCat(version));
  EXPECT_EQ(Scalar("SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_migrations"),
            absl::StrJoin(versions, ","));
  EXPECT_EQ(Scalar("SELECT string_agg(n::text, ',' ORDER BY n) FROM applications"), "1,2");
}

}  // namespace
}  // namespace rung
