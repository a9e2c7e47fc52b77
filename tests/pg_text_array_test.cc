// PgTextArray against a real PostgreSQL server: the server must read back
// every element exactly as it was added, whatever its characters.

#include "storage/postgres/pg_text_array.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "support/postgres_environment.h"
#include "support/status_assertions.h"

namespace rung {
namespace {

using PgTextArrayTest = test_support::PostgresTest;

TEST_F(PgTextArrayTest, EveryElementReadsBackVerbatimAndInOrder) {
  const std::vector<std::optional<std::string>> elements = {"plain",
                                                            "",
                                                            std::nullopt,
                                                            "{braces,commas}",
                                                            "double \"quotes\"",
                                                            "back\\slash \\\\",
                                                            "NULL",
                                                            "ünïcødé ✓ 😀",
                                                            "tab\tnew\nline \x01\x7f",
                                                            std::string(70000, 'x'),
                                                            std::nullopt};
  PgTextArray array;
  for (const auto& element : elements) {
    if (element.has_value()) {
      array.Add(*element);
    } else {
      array.AddNull();
    }
  }
  EXPECT_EQ(array.size(), static_cast<int32_t>(elements.size()));

  // As the server reads them, in order.
  EXPECT_EQ(Column("SELECT e FROM unnest($1::text[]) WITH ORDINALITY AS u(e, n) ORDER BY n",
                   {std::move(array).Param()}),
            elements);
}

TEST_F(PgTextArrayTest, AnEmptyArrayHasNoElements) {
  ASSERT_OK_AND_ASSIGN(const PgResult result, db_->Query("SELECT cardinality($1::text[])",
                                                         {PgTextArray().Param()}, "test"));
  EXPECT_EQ(result.Int64(0, 0).value_or(-1), 0);
}

TEST_F(PgTextArrayTest, ElementsCastToTheColumnTypesOfAnUnnestStatement) {
  PgTextArray weeks;
  weeks.Add("2026-11-30");
  weeks.AddNull();
  PgTextArray counts;
  counts.Add("-9223372036854775808");
  counts.Add("42");
  ASSERT_OK_AND_ASSIGN(
      const PgResult rows,
      db_->Query("SELECT u.w::date IS NULL, u.w::date - date '2026-11-23', u.c::bigint "
                 "FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(w, c, n) ORDER BY n",
                 {std::move(weeks).Param(), std::move(counts).Param()}, "test"));
  ASSERT_EQ(rows.rows(), 2);
  EXPECT_EQ(rows.Int64(0, 1).value_or(0), 7);
  EXPECT_EQ(rows.Int64(0, 2).value_or(0), INT64_MIN);
  EXPECT_TRUE(rows.Bool(1, 0).value_or(false));
  EXPECT_EQ(rows.Int64(1, 2).value_or(0), 42);
}

}  // namespace
}  // namespace rung
