// The bad-input battery, import files: the repo's valid import fixtures, each
// broken in one place, must be refused with INVALID_ARGUMENT and a message
// naming the place (line, column, JSON path) and the field. (The daemon's
// surfaces are in bad_input_test.cc.) Parsing stores nothing, so there is no
// stored data to compare.

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "rung/import.h"
#include "support/import_fixtures.h"

namespace rung {
namespace {

using ::testing::HasSubstr;

struct ImportCase {
  std::string name;
  std::string fixture;
  std::function<std::string(const std::string&)> damage;
  std::string names;
};

std::ostream& operator<<(std::ostream& out, const ImportCase& c) { return out << c.name; }

std::function<std::string(const std::string&)> Replace(std::string from, std::string to) {
  return [from, to](const std::string& content) {
    const size_t at = content.find(from);
    EXPECT_NE(at, std::string::npos) << "the fixture no longer has " << from;
    if (at == std::string::npos) return content;
    return content.substr(0, at) + to + content.substr(at + from.size());
  };
}

std::function<std::string(const std::string&)> Truncate(double fraction) {
  return [fraction](const std::string& content) {
    return content.substr(0, static_cast<size_t>(content.size() * fraction));
  };
}

// The file without its column `index`, which must come before any quoted comma.
std::function<std::string(const std::string&)> DropColumn(size_t index) {
  return [index](const std::string& content) {
    std::string out;
    for (absl::string_view line : absl::StrSplit(content, '\n')) {
      std::vector<absl::string_view> cells = absl::StrSplit(line, ',');
      if (cells.size() > index) cells.erase(cells.begin() + static_cast<std::ptrdiff_t>(index));
      absl::StrAppend(&out, absl::StrJoin(cells, ","), "\n");
    }
    return out;
  };
}

std::vector<ImportCase> ImportCases() {
  const std::string rung_csv = "rung_weeks.csv";
  const std::string rung_json = "rung_weeks.json";
  const std::string insights = "insights_weekly.json";
  const std::string ads_manager = "ads_manager_weekly.csv";
  return {
      {"RungCsvNonNumericCount", rung_csv, Replace(",1210,96,", ",1210,9x6,"),
       "line 2, column \"count.AddToCart\""},
      {"RungCsvFractionalSpend", rung_csv, Replace("412870000", "412.87"),
       "line 2, column \"spend_micros\""},
      {"RungCsvMissingColumn", rung_csv, DropColumn(0), "account_id"},
      {"RungCsvUnknownColumn", rung_csv, Replace("ladder,", "ladderz,"), "ladderz"},
      {"RungCsvShortRow", rung_csv,
       Replace(",ecommerce,LEARNING,,false,1210,96,31,11,", ",ecommerce"), "line 2"},
      {"RungCsvUnterminatedQuote", rung_csv, Replace("cmp_sales_eu", "\"cmp_sales_eu"), "line"},
      {"RungCsvBadBoolean", rung_csv, Replace(",false,", ",maybe,"),
       "line 2, column \"significant_edit\""},
      {"RungJsonTruncated", rung_json, Truncate(0.5), "not valid JSON"},
      {"RungJsonNonNumericCount", rung_json,
       Replace("\"AddToCart\": 96", "\"AddToCart\": \"lots\""), "weeks[0]"},
      {"RungJsonUnknownField", rung_json,
       Replace("\"ladder\": \"ecommerce\"", "\"ladr\": \"ecommerce\""), "ladr"},
      {"InsightsTruncated", insights, Truncate(0.3), "not valid JSON"},
      {"InsightsBadSpend", insights, Replace("\"spend\": \"412.87\"", "\"spend\": \"4I2.87\""),
       "data[0].spend"},
      {"InsightsNotAnArray", insights, Replace("\"data\": [", "\"data\": 7, \"x\": ["), "data"},
      {"AdsManagerNonNumericPurchases", ads_manager, Replace(",88,27,9,9,", ",88,27,nine,9,"),
       "line 2, column \"Purchases\""},
      {"AdsManagerMissingAdSetId", ads_manager, Replace(",Ad set ID,", ",Ad set,"), "Ad set ID"},
      {"AdsManagerNonMondayWeek", ads_manager,
       Replace("2026-09-21,2026-09-27", "2026-09-23,2026-09-29"), "line 2"},
      {"AdsManagerBadSpend", ads_manager, Replace("\"1,234.56\"", "\"1,2x4.56\""),
       "line 2, column \"Amount spent (EUR)\""},
  };
}

class ImportBattery : public ::testing::TestWithParam<ImportCase> {};

TEST_P(ImportBattery, RefusedWithThePlaceAndFieldNamed) {
  const ImportCase& c = GetParam();
  const std::string content = c.damage(test_support::ReadImportFixture(c.fixture));
  auto file = ParseImportFile(content, c.fixture, ImportOptions());
  ASSERT_FALSE(file.ok()) << "accepted: " << c.name;
  EXPECT_EQ(file.status().code(), absl::StatusCode::kInvalidArgument) << file.status();
  EXPECT_THAT(std::string(file.status().message()), HasSubstr(c.names));
}

INSTANTIATE_TEST_SUITE_P(Cases, ImportBattery, ::testing::ValuesIn(ImportCases()),
                         [](const auto& test) { return test.param.name; });

}  // namespace
}  // namespace rung
