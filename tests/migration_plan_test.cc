// The engine-neutral part of migrating: which migrations a database still
// needs, and which applied ones rungd must refuse.

#include "storage/migration_plan.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "storage/migrations.h"
#include "support/status_assertions.h"

namespace rung {
namespace {

const std::vector<Migration>& Known() {
  static const std::vector<Migration> known = {
      {1, "initial", "CREATE TABLE a (x INTEGER);"},
      {2, "second", "CREATE TABLE b (x INTEGER);"},
      {4, "fourth", "CREATE TABLE d (x INTEGER);"},
  };
  return known;
}

AppliedMigration Applied(int index) {
  const Migration& migration = Known()[index];
  return {migration.version, MigrationChecksum(migration).value()};
}

std::vector<int> Versions(const std::vector<const Migration*>& migrations) {
  std::vector<int> versions;
  for (const Migration* migration : migrations) versions.push_back(migration->version);
  return versions;
}

TEST(MigrationPlanTest, AFreshDatabaseNeedsEveryMigrationInOrder) {
  ASSERT_OK_AND_ASSIGN(const std::vector<const Migration*> pending, PendingMigrations({}, Known()));
  EXPECT_EQ(Versions(pending), (std::vector<int>{1, 2, 4}));
}

TEST(MigrationPlanTest, OnlyMigrationsAfterTheNewestAppliedArePending) {
  ASSERT_OK_AND_ASSIGN(const std::vector<const Migration*> pending,
                       PendingMigrations({Applied(1), Applied(0)}, Known()));
  EXPECT_EQ(Versions(pending), (std::vector<int>{4}));
  ASSERT_OK_AND_ASSIGN(const std::vector<const Migration*> none,
                       PendingMigrations({Applied(0), Applied(1), Applied(2)}, Known()));
  EXPECT_TRUE(none.empty());
}

TEST(MigrationPlanTest, RefusesASchemaNewerThanItKnows) {
  const absl::Status status = PendingMigrations({Applied(0), {7, "abc"}}, Known()).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(),
            "database schema version 7 is newer than this rungd knows (4); upgrade rungd");
}

TEST(MigrationPlanTest, RefusesAnAppliedMigrationItDoesNotKnow) {
  EXPECT_TRUE(HasStatus(PendingMigrations({Applied(0), {3, "abc"}}, Known()).status(),
                        absl::StatusCode::kFailedPrecondition,
                        "database has migration 3 applied, which this rungd does not know"));
}

TEST(MigrationPlanTest, RefusesAMigrationEditedAfterItWasApplied) {
  EXPECT_TRUE(
      HasStatus(PendingMigrations({Applied(0), {2, "0123"}}, Known()).status(),
                absl::StatusCode::kFailedPrecondition,
                "migration 0002_second was edited after it was applied (checksum 0123 != "));
}

TEST(MigrationPlanTest, ReportsTheNewestProblemFirst) {
  EXPECT_TRUE(HasStatus(PendingMigrations({{1, "edited"}, {9, "abc"}}, Known()).status(),
                        absl::StatusCode::kFailedPrecondition, "upgrade rungd"));
}

TEST(MigrationPlanTest, NamesMigrationsAsTheirFilesAre) {
  EXPECT_EQ(MigrationName(Known()[2]), "0004_fourth");
}

}  // namespace
}  // namespace rung
