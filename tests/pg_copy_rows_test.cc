// PgCopyRows and PgConnection::CopyIn against a real PostgreSQL server:
// every value must arrive exactly as it was added, whatever its bytes.

#include "storage/postgres/pg_copy_rows.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "support/postgres_environment.h"
#include "support/status_assertions.h"

namespace rung {
namespace {

class PgCopyRowsTest : public test_support::PostgresTest {
 protected:
  void SetUp() override {
    test_support::PostgresTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_OK(db_->Exec("CREATE TABLE copied (n bigint, body text, day date)", "test"));
  }

  // The rows of `copied` in n's order: body, or nullopt for NULL.
  std::vector<std::optional<std::string>> Bodies() {
    return Column("SELECT body FROM copied ORDER BY n");
  }

  static constexpr char kCopy[] = "COPY copied (n, body, day) FROM STDIN";
};

TEST_F(PgCopyRowsTest, EveryTextArrivesVerbatimAndEmptyOrNullAsAsked) {
  const std::vector<std::optional<std::string>> bodies = {"plain",
                                                          "tab\there",
                                                          "new\nline and \r return",
                                                          "back\\slash \\N \\t \\\\",
                                                          "\\.",
                                                          "ünïcødé ✓ 😀 \x01\x7f",
                                                          std::nullopt,
                                                          std::string(3 << 20, 'x'),
                                                          "last"};
  PgCopyRows rows;
  for (size_t i = 0; i < bodies.size(); ++i) {
    rows.StartRow();
    rows.AddInt(static_cast<int64_t>(i));
    if (bodies[i].has_value()) {
      rows.AddText(*bodies[i]);
    } else {
      rows.AddNull();
    }
    rows.AddText("2026-11-30");
  }
  EXPECT_EQ(rows.rows(), static_cast<int64_t>(bodies.size()));

  ASSERT_OK(db_->CopyIn(kCopy, rows.text(), "copying"));

  EXPECT_EQ(Bodies(), bodies);
  EXPECT_EQ(Scalar("SELECT count(*) FROM copied WHERE day = date '2026-11-30'"),
            absl::StrCat(bodies.size()));
}

TEST_F(PgCopyRowsTest, AddTextOrNullMakesTheEmptyTextNull) {
  PgCopyRows rows;
  rows.StartRow();
  rows.AddInt(1);
  rows.AddTextOrNull("");
  rows.AddTextOrNull("2026-11-30");
  rows.StartRow();
  rows.AddInt(2);
  rows.AddText("");
  rows.AddNull();

  ASSERT_OK(db_->CopyIn(kCopy, rows.text(), "copying"));

  EXPECT_EQ(Bodies(), (std::vector<std::optional<std::string>>{std::nullopt, ""}));
  EXPECT_EQ(Scalar("SELECT count(*) FROM copied WHERE day IS NULL"), "1");
}

TEST_F(PgCopyRowsTest, ARefusedRowFailsTheCopyNamingItAndLeavesTheConnectionUsable) {
  PgCopyRows rows;
  rows.StartRow();
  rows.AddInt(1);
  rows.AddText("kept only if every row is");
  rows.AddText("2026-11-30");
  rows.StartRow();
  rows.AddInt(2);
  rows.AddText("bad day");
  rows.AddText("2026-13-45");

  const absl::Status refused = db_->CopyIn(kCopy, rows.text(), "storing recommendations");

  EXPECT_TRUE(HasStatus(refused, absl::StatusCode::kInvalidArgument, "storing recommendations"))
      << refused;
  EXPECT_EQ(Scalar("SELECT count(*) FROM copied"), "0");
}

TEST_F(PgCopyRowsTest, ACopyIntoNoTableSaysWhatWeWereDoing) {
  PgCopyRows rows;
  rows.StartRow();
  rows.AddInt(1);

  const absl::Status refused =
      db_->CopyIn("COPY no_such_table FROM STDIN", rows.text(), "storing recommendations");

  EXPECT_TRUE(HasStatus(refused, absl::StatusCode::kInternal, "storing recommendations"))
      << refused;
  EXPECT_EQ(Scalar("SELECT 41 + 1"), "42");
}

}  // namespace
}  // namespace rung
