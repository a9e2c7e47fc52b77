#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "import/csv_reader.h"

namespace rung::importer {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(CsvReaderTest, ReadsQuotedCellsWithSeparatorsQuotesAndLineBreaks) {
  const absl::StatusOr<CsvTable> table =
      ReadCsvTable("a,b,c\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n3,,\"\"\n");
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_THAT(table->header, ElementsAre("a", "b", "c"));
  ASSERT_EQ(table->rows.size(), 2u);
  EXPECT_THAT(table->rows[0].cells, ElementsAre("x, y", "say \"hi\"", "two\nlines"));
  EXPECT_EQ(table->rows[0].line, 2);
  EXPECT_THAT(table->rows[1].cells, ElementsAre("3", "", ""));
  // The quoted line break moved the next row to line 4.
  EXPECT_EQ(table->rows[1].line, 4);
}

TEST(CsvReaderTest, ReadsCrlfAndAByteOrderMark) {
  const absl::StatusOr<CsvTable> table = ReadCsvTable(
      "\xEF\xBB\xBF"
      "a,b\r\n1,\"2\r\n3\"\r\n4,5");
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_THAT(table->header, ElementsAre("a", "b"));
  ASSERT_EQ(table->rows.size(), 2u);
  EXPECT_THAT(table->rows[0].cells, ElementsAre("1", "2\r\n3"));
  EXPECT_THAT(table->rows[1].cells, ElementsAre("4", "5"));
  EXPECT_EQ(table->rows[1].line, 4);
}

TEST(CsvReaderTest, SkipsBlankLinesButCountsThem) {
  const absl::StatusOr<CsvTable> table = ReadCsvTable("\na,b\n\n1,2\n\n");
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(table->header_line, 2);
  ASSERT_EQ(table->rows.size(), 1u);
  EXPECT_EQ(table->rows[0].line, 4);
}

TEST(CsvReaderTest, KeepsATrailingEmptyCell) {
  const absl::StatusOr<CsvTable> table = ReadCsvTable("a,b\n1,\n");
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_THAT(table->rows[0].cells, ElementsAre("1", ""));
}

struct BadCsv {
  std::string name;
  std::string content;
  std::string error;
};

void PrintTo(const BadCsv& c, std::ostream* os) { *os << c.name; }

class CsvReaderErrorTest : public ::testing::TestWithParam<BadCsv> {};

TEST_P(CsvReaderErrorTest, NamesTheLine) {
  const absl::StatusOr<CsvTable> table = ReadCsvTable(GetParam().content);
  ASSERT_FALSE(table.ok());
  EXPECT_EQ(table.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(table.status().message(), GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    Errors, CsvReaderErrorTest,
    ::testing::Values(
        BadCsv{"TooFewCells", "a,b,c\n1,2,3\n4,5\n",
               "line 3: 2 cells, but the header (line 1) has 3 columns"},
        BadCsv{"TooManyCells", "a,b\n1,234.5,6\n",
               "line 2: 3 cells, but the header (line 1) has 2 columns; a cell that contains "
               "',' must be quoted"},
        BadCsv{"UnclosedQuote", "a,b\n1,\"2\n3\n",
               "line 2: quoted cell 2 is never closed; the file ends inside it"},
        BadCsv{"QuoteInsidePlainCell", "a,b\n1,2\"3\n",
               "line 2: a quote inside unquoted cell 2; quote the whole cell and double the quote"},
        BadCsv{"TextAfterClosingQuote", "a,b\n\"1\"x,2\n",
               "line 2: unexpected text after the closing quote of cell 1; a quoted cell ends at "
               "its quote"},
        BadCsv{"OnlyBlankLines", "\n\r\n", "line 1: the file has no header row"}),
    [](const auto& test) { return test.param.name; });

}  // namespace
}  // namespace rung::importer
