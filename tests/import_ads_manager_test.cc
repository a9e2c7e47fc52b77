#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rung/import.h"
#include "support/import_fixtures.h"

namespace rung {
namespace {

using ::rung::test_support::CountOf;
using ::rung::test_support::ReadImportFixture;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::StartsWith;

ImportOptions AdsManagerOptions() {
  ImportOptions options;
  options.format = ImportFormat::kAdsManagerCsv;
  return options;
}

constexpr char kHeader[] =
    "Reporting starts,Reporting ends,Account ID,Campaign ID,Ad set name,Ad set ID,Delivery,"
    "Result indicator,Amount spent (EUR),Adds to cart,Purchases,Website purchases";

// A one-row export, cells in kHeader's order.
std::string Export(const std::string& row, const std::string& header = kHeader) {
  return absl::StrCat(header, "\r\n", row, "\r\n");
}

constexpr char kRow[] =
    "2026-10-05,2026-10-11,1001,23857000000000110,Broad,23857000000000011,Active,"
    "actions:offsite_conversion.fb_pixel_purchase,\"1,234.56\",88,9,9";

absl::StatusOr<ImportedFile> Parse(const std::string& content,
                                   const ImportOptions& options = AdsManagerOptions()) {
  return ParseImportFile(content, "export.csv", options);
}

std::string ErrorOf(const std::string& content,
                    const ImportOptions& options = AdsManagerOptions()) {
  const absl::StatusOr<ImportedFile> file = Parse(content, options);
  if (file.ok()) return "no error";
  EXPECT_EQ(file.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(file.status().message());
}

// kRow with some of its cells replaced, by index.
std::string RowWith(const std::vector<std::pair<size_t, std::string>>& replacements) {
  std::vector<std::string> cells = {"2026-10-05",
                                    "2026-10-11",
                                    "1001",
                                    "23857000000000110",
                                    "Broad",
                                    "23857000000000011",
                                    "Active",
                                    "actions:offsite_conversion.fb_pixel_purchase",
                                    "\"1,234.56\"",
                                    "88",
                                    "9",
                                    "9"};
  for (const auto& [index, cell] : replacements) cells[index] = cell;
  return absl::StrJoin(cells, ",");
}

std::string RowWith(size_t index, const std::string& cell) { return RowWith({{index, cell}}); }

TEST(AdsManagerImportTest, ReadsTheFixture) {
  const absl::StatusOr<ImportedFile> file =
      ParseImportFile(ReadImportFixture("ads_manager_weekly.csv"), "ads_manager_weekly.csv", {});
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->format, ImportFormat::kAdsManagerCsv);
  // Nine ad set weeks; the totals row at line 11 is not one.
  ASSERT_EQ(file->records.size(), 9u);

  const ImportedRecord& first = file->records[0];
  EXPECT_EQ(first.source, "line 2");
  EXPECT_EQ(first.week.account_id, "act_1001");
  EXPECT_EQ(first.week.campaign_id, "23857000000000110");
  EXPECT_EQ(first.week.ad_set_id, "23857000000000011");
  EXPECT_EQ(first.week.week_start, "2026-09-21");
  EXPECT_EQ(first.week.optimization_event, "AddToCart");
  EXPECT_EQ(first.week.spend_micros, 1234560000);
  EXPECT_THAT(first.week.event_counts,
              ElementsAre(Pair("ViewContent", 1488), Pair("AddToCart", 88),
                          Pair("InitiateCheckout", 27), Pair("Purchase", 9)));

  EXPECT_EQ(file->records[1].week.optimization_event, "Purchase");
  EXPECT_EQ(file->records[2].week.optimization_event, "InitiateCheckout");
  // Line 5: Purchases and Website purchases are both empty, Ads Manager's 0.
  EXPECT_EQ(file->records[3].source, "line 5");
  EXPECT_EQ(CountOf(file->records[3].week, "Purchase"), 0);
  // Line 8: Purchases 11 (every channel) over Website purchases 10.
  EXPECT_EQ(CountOf(file->records[6].week, "Purchase"), 11);

  ASSERT_EQ(file->notes.size(), 3u);
  EXPECT_THAT(file->notes[0],
              StartsWith("line 8 (ad set 23857000000000011, week 2026-10-05): Purchase: kept "
                         "Purchases=11 over Website purchases=10"));
  EXPECT_EQ(file->notes[1], "rows without an ad set ID (totals) were skipped: line 11");
  EXPECT_EQ(file->notes[2],
            "columns not read: \"Account name\", \"Campaign name\", \"Ad set name\", "
            "\"Attribution setting\", \"Results\", \"Impressions\", \"Reach\", \"Link clicks\", "
            "\"Landing page views\", \"Cost per result\", \"Starts\", \"Ends\"");
}

TEST(AdsManagerImportTest, DeliveryDescribesOnlyEachAdSetsLatestWeek) {
  const absl::StatusOr<ImportedFile> file =
      ParseImportFile(ReadImportFixture("ads_manager_weekly.csv"), "ads_manager_weekly.csv", {});
  ASSERT_TRUE(file.ok()) << file.status();
  std::vector<std::string> statuses;
  for (const ImportedRecord& record : file->records) {
    statuses.push_back(absl::StrCat(record.week.ad_set_id.substr(14), "@", record.week.week_start,
                                    "=", record.week.reported_learning_status));
  }
  EXPECT_THAT(statuses,
              ElementsAre("011@2026-09-21=", "012@2026-09-21=", "013@2026-09-21=",
                          "011@2026-09-28=", "012@2026-09-28=", "013@2026-09-28=",
                          "011@2026-10-05=LEARNING", "012@2026-10-05=", "013@2026-10-05=FAIL"));
}

TEST(AdsManagerImportTest, MatchesHeadersLoosely) {
  const std::string header =
      "  REPORTING STARTS ,Reporting Ends,Account id,Campaign ID,Ad Set ID,Ad set delivery,"
      "Amount Spent (USD),Website Adds to Cart,PURCHASES";
  ImportOptions options = AdsManagerOptions();
  options.default_optimization_event = "Purchase";
  const absl::StatusOr<ImportedFile> file =
      Parse(Export("2026-10-05,2026-10-11,1001,c1,a1,Learning limited,\"12,345.6\",4,2", header),
            options);
  ASSERT_TRUE(file.ok()) << file.status();
  const RawAdSetWeek& week = file->records[0].week;
  EXPECT_EQ(week.spend_micros, 12345600000);
  EXPECT_EQ(week.reported_learning_status, "FAIL");
  EXPECT_THAT(week.event_counts, ElementsAre(Pair("AddToCart", 4), Pair("Purchase", 2)));
}

TEST(AdsManagerImportTest, NamesEveryMissingColumn) {
  const std::string header = "Reporting starts,Starts,Ends,Campaign ID,Ad set name,Amount spent";
  EXPECT_EQ(ErrorOf(Export("2026-10-05,2026-10-05,2026-10-11,c1,Broad,1", header)),
            "line 1: Ads Manager CSV: missing columns \"Reporting ends\" (looked for: Reporting "
            "ends, in any case, with or without a currency suffix); \"Ad set ID\" (looked for: "
            "Ad set ID, Adset ID, in any case, with or without a currency suffix); \"Account "
            "ID\" (looked for: Account ID, in any case, with or without a currency suffix), or "
            "pass --account; found: \"Reporting starts\", \"Starts\", "
            "\"Ends\", \"Campaign ID\", \"Ad set name\", \"Amount spent\"");
}

TEST(AdsManagerImportTest, TheDefaultAccountStandsInForAMissingAccountColumn) {
  ImportOptions options = AdsManagerOptions();
  options.default_account_id = "act_77";
  const std::string header = "Reporting starts,Reporting ends,Campaign ID,Ad set ID";
  options.default_optimization_event = "Purchase";
  const absl::StatusOr<ImportedFile> file =
      Parse(Export("2026-10-05,2026-10-11,c1,a1", header), options);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->records[0].week.account_id, "act_77");
  EXPECT_EQ(file->records[0].week.spend_micros, std::nullopt);
  EXPECT_THAT(file->records[0].week.event_counts, IsEmpty());
}

TEST(AdsManagerImportTest, TwoColumnsForOneThingAreRefused) {
  EXPECT_EQ(ErrorOf(Export(RowWith(9, "88,1"), absl::StrCat(kHeader, ",Amount spent (USD)"))),
            "line 1: columns \"Amount spent (EUR)\" and \"Amount spent (USD)\" both mean Amount "
            "spent");
}

TEST(AdsManagerImportTest, NonNumericCellsAreRefusedNamingLineAndColumn) {
  EXPECT_THAT(ErrorOf(Export(RowWith(8, "\"12,x\""))),
              StartsWith("line 2, column \"Amount spent (EUR)\": '12,x' is not a number"));
  EXPECT_THAT(ErrorOf(Export(RowWith(8, "\"12,5\""))), HasSubstr("a decimal comma is not read"));
  EXPECT_EQ(ErrorOf(Export(RowWith(8, "1.2345678"))),
            "line 2, column \"Amount spent (EUR)\": '1.2345678' has more than 6 decimals; spend "
            "is kept in micros");
  EXPECT_EQ(ErrorOf(Export(RowWith(10, "abc"))),
            "line 2, column \"Purchases\": 'abc' is not a whole number");
  EXPECT_EQ(ErrorOf(Export(RowWith(9, "2.5"))),
            "line 2, column \"Adds to cart\": '2.5' is not a whole number");
}

TEST(AdsManagerImportTest, EmptyCellsAreZeroButNeverOutrankANumber) {
  const absl::StatusOr<ImportedFile> file = Parse(Export(RowWith({{8, ""}, {9, ""}, {10, ""}})));
  ASSERT_TRUE(file.ok()) << file.status();
  const RawAdSetWeek& week = file->records[0].week;
  EXPECT_EQ(week.spend_micros, 0);
  // The empty "Purchases" does not outrank "Website purchases" 9.
  EXPECT_THAT(week.event_counts, ElementsAre(Pair("Purchase", 9), Pair("AddToCart", 0)));
  EXPECT_THAT(file->notes, ElementsAre("columns not read: \"Ad set name\""));
}

TEST(AdsManagerImportTest, ReadsTheDateFormatsThatCannotBeMisread) {
  for (const auto& [start, stop] :
       std::vector<std::pair<std::string, std::string>>{{"2026/10/05", "2026/10/11"},
                                                        {"05.10.2026", "11.10.2026"},
                                                        {"2026/10/5", "2026/10/11"},
                                                        {" 2026-10-05 ", "2026-10-11"}}) {
    const absl::StatusOr<ImportedFile> file = Parse(Export(RowWith({{0, start}, {1, stop}})));
    ASSERT_TRUE(file.ok()) << start << ": " << file.status();
    EXPECT_EQ(file->records[0].week.week_start, "2026-10-05") << start;
  }
  EXPECT_EQ(ErrorOf(Export(RowWith(0, "10/05/2026"))),
            "line 2, column \"Reporting starts\": '10/05/2026' could be month/day or day/month; "
            "export dates as YYYY-MM-DD");
  EXPECT_EQ(ErrorOf(Export(RowWith(0, "\"Oct 5, 2026\""))),
            "line 2, column \"Reporting starts\": 'Oct 5, 2026' is not a date of the form "
            "YYYY-MM-DD");
}

TEST(AdsManagerImportTest, ARowThatIsNotOneMondayToSundayWeekIsRefused) {
  EXPECT_EQ(ErrorOf(Export(RowWith(0, "2026-10-07"))),
            "line 2, column \"Reporting starts\": 2026-10-07 is a Wednesday; weekly rows start on "
            "a Monday (that week's Monday is 2026-10-05); export with the weekly breakdown over a "
            "date range that starts on a Monday and ends on a Sunday");
  EXPECT_THAT(ErrorOf(Export(RowWith(1, "2026-10-05"))),
              StartsWith("line 2, column \"Reporting ends\": 2026-10-05 is not 6 days after "
                         "Reporting starts 2026-10-05 (expected 2026-10-11)"));
}

TEST(AdsManagerImportTest, OptimizationEventFromItsColumnThenTheResultIndicatorThenTheDefault) {
  const std::string header = absl::StrCat(kHeader, ",Optimization event");
  ImportOptions options = AdsManagerOptions();
  options.default_optimization_event = "ViewContent";
  const absl::StatusOr<ImportedFile> file =
      Parse(absl::StrCat(header, "\n", kRow, ",Lead\n", RowWith(5, "a2"), ",\n"), options);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->records[0].week.optimization_event, "Lead");
  EXPECT_EQ(file->records[1].week.optimization_event, "Purchase");

  const absl::StatusOr<ImportedFile> by_default =
      Parse(Export(RowWith(7, "actions:link_click")), options);
  ASSERT_TRUE(by_default.ok()) << by_default.status();
  EXPECT_EQ(by_default->records[0].week.optimization_event, "ViewContent");

  EXPECT_EQ(ErrorOf(Export(RowWith(7, "actions:link_click"))),
            "line 2: no optimization event: the row has no \"Optimization event\" and its "
            "\"Result indicator\" \"actions:link_click\" is not a standard event; pass "
            "--optimization-event");
  EXPECT_EQ(ErrorOf(Export(RowWith(7, ""))),
            "line 2: no optimization event: the row has no \"Optimization event\" and no "
            "\"Result indicator\"; pass --optimization-event");
}

TEST(AdsManagerImportTest, ARowWithTheWrongNumberOfCellsIsRefused) {
  EXPECT_EQ(ErrorOf(Export(absl::StrCat(kRow, "\r\n2026-10-05,2026-10-11,1001,c1"))),
            "line 3: 4 cells, but the header (line 1) has 12 columns");
}

}  // namespace
}  // namespace rung
