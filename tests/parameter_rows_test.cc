// ParameterRows against a real SQLite file: what a row binds is what the
// table then holds.

#include "storage/sqlite/parameter_rows.h"

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "storage/sqlite/sqlite_db.h"
#include "storage_test_util.h"

namespace rung {
namespace {

class ParameterRowsTest : public StorageTest {
 protected:
  void SetUp() override {
    StorageTest::SetUp();
    ASSERT_OK_AND_ASSIGN(db_, OpenOther(DbPath()));
    ASSERT_OK(db_->Exec("CREATE TABLE t (a TEXT, b INTEGER, c TEXT) STRICT", "test"));
  }

  absl::Status InsertEach(const ParameterRows& rows) {
    ASSIGN_OR_RETURN(StatementLease insert,
                     db_->Prepare("INSERT INTO t VALUES (?1, ?2, ?3)", "test"));
    return rows.RunEach(*insert, "test");
  }

  // Every row as "a|b|c", NULL as "null", in insertion order.
  std::string Table() {
    std::string out;
    auto select = db_->Prepare(
        "SELECT coalesce(a, 'null') || '|' || coalesce(b, 'null') || '|' || coalesce(c, 'null') "
        "FROM t ORDER BY rowid",
        "test");
    EXPECT_OK(select.status());
    while (select.ok() && (*select)->Step("test").value_or(false)) {
      out += (*select)->ColumnText(0) + ";";
    }
    return out;
  }

  std::unique_ptr<Connection> db_;
};

TEST_F(ParameterRowsTest, EachRowBindsItsOwnValuesInOrder) {
  ParameterRows rows;
  rows.StartRow();
  rows.AddText("first");
  rows.AddInt(-7);
  rows.AddTextOrNull("x");
  rows.StartRow();
  rows.AddText("");
  rows.AddInt(9'007'199'254'740'993);
  rows.AddTextOrNull("");
  rows.StartRow();
  rows.AddText(std::string(5000, 'z'));
  rows.AddInt(0);
  rows.AddText("caf\xc3\xa9");

  ASSERT_EQ(rows.rows(), 3u);
  ASSERT_OK(InsertEach(rows));

  EXPECT_EQ(Table(),
            "first|-7|x;|9007199254740993|null;" + std::string(5000, 'z') + "|0|caf\xc3\xa9;");
}

TEST_F(ParameterRowsTest, StopsAtTheFirstRowTheTableRefuses) {
  ParameterRows rows;
  for (const char* b : {"1", "two", "3"}) {
    rows.StartRow();
    rows.AddText("row");
    if (std::string(b) == "two") {
      rows.AddText(b);
    } else {
      rows.AddInt(std::stoi(b));
    }
    rows.AddTextOrNull("");
  }

  const absl::Status inserted = InsertEach(rows);

  EXPECT_TRUE(HasStatus(inserted, absl::StatusCode::kInternal,
                        "cannot store TEXT value in INTEGER column t.b"))
      << inserted;
  EXPECT_EQ(Table(), "row|1|null;");
}

TEST_F(ParameterRowsTest, NoRowsInsertNothing) {
  const ParameterRows rows;

  ASSERT_OK(InsertEach(rows));

  EXPECT_EQ(Table(), "");
}

}  // namespace
}  // namespace rung
