#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rung/import.h"
#include "support/import_fixtures.h"

namespace rung {
namespace {

using ::rung::test_support::ReadImportFixture;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

constexpr char kHeader[] =
    "account_id,campaign_id,ad_set_id,week_start,optimization_event,spend_micros,count.Purchase";

absl::StatusOr<ImportedFile> Parse(const std::string& content) {
  ImportOptions options;
  options.format = ImportFormat::kRungCsv;
  return ParseImportFile(content, "weeks.csv", options);
}

std::string ErrorOf(const std::string& content) {
  const absl::StatusOr<ImportedFile> file = Parse(content);
  if (file.ok()) return "no error";
  EXPECT_EQ(file.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(file.status().message());
}

TEST(RungCsvImportTest, ReadsTheFixture) {
  const absl::StatusOr<ImportedFile> file =
      ParseImportFile(ReadImportFixture("rung_weeks.csv"), "rung_weeks.csv", {});
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->format, ImportFormat::kRungCsv);
  ASSERT_EQ(file->records.size(), 4u);

  const RawAdSetWeek& first = file->records[0].week;
  EXPECT_EQ(file->records[0].source, "line 2");
  EXPECT_EQ(first.account_id, "act_1001");
  EXPECT_EQ(first.campaign_id, "cmp_sales_eu");
  EXPECT_EQ(first.ad_set_id, "as_broad_atc");
  EXPECT_EQ(first.week_start, "2026-10-05");
  EXPECT_EQ(first.optimization_event, "AddToCart");
  EXPECT_EQ(first.spend_micros, 412870000);
  EXPECT_EQ(first.ladder, "ecommerce");
  EXPECT_EQ(first.reported_learning_status, "LEARNING");
  EXPECT_EQ(first.learning_threshold_override, std::nullopt);
  EXPECT_FALSE(first.significant_edit);
  // The empty count.form_start cell is no count at all.
  EXPECT_THAT(first.event_counts, ElementsAre(Pair("ViewContent", 1210), Pair("AddToCart", 96),
                                              Pair("InitiateCheckout", 31), Pair("Purchase", 11)));

  const RawAdSetWeek& quoted = file->records[2].week;
  EXPECT_EQ(quoted.campaign_id, "cmp_q4,\"hero\"");
  EXPECT_EQ(quoted.learning_threshold_override, 60);
  EXPECT_TRUE(quoted.significant_edit);
  EXPECT_EQ(quoted.ladder, "");

  const RawAdSetWeek& leads = file->records[3].week;
  EXPECT_EQ(leads.spend_micros, std::nullopt);
  EXPECT_TRUE(leads.significant_edit);
  EXPECT_THAT(leads.event_counts, ElementsAre(Pair("form_start", 38)));
  EXPECT_THAT(file->notes, IsEmpty());
}

TEST(RungCsvImportTest, PassesValuesThroughForTheDaemonToJudge) {
  const absl::StatusOr<ImportedFile> file =
      Parse(absl::StrCat(kHeader, "\r\n,c,a,2026-10-07,add_to_cart,-5,0\r\n"));
  ASSERT_TRUE(file.ok()) << file.status();
  const RawAdSetWeek& week = file->records[0].week;
  EXPECT_EQ(week.account_id, "");
  EXPECT_EQ(week.week_start, "2026-10-07");
  EXPECT_EQ(week.optimization_event, "add_to_cart");
  EXPECT_EQ(week.spend_micros, -5);
  EXPECT_THAT(week.event_counts, ElementsAre(Pair("Purchase", 0)));
}

TEST(RungCsvImportTest, NamesEveryMissingRequiredColumn) {
  EXPECT_EQ(ErrorOf("ad_set_id,week_start,count.Purchase\na,2026-10-05,3\n"),
            "line 1: missing required columns account_id, campaign_id, optimization_event");
}

TEST(RungCsvImportTest, RefusesUnknownAndRepeatedColumns) {
  EXPECT_EQ(ErrorOf(absl::StrCat(kHeader, ",spend\n")),
            "line 1: unknown column \"spend\"; the columns are account_id, campaign_id, "
            "ad_set_id, week_start, optimization_event, spend_micros, ladder, "
            "reported_learning_status, learning_threshold_override, significant_edit, and "
            "count.<Event> per event");
  EXPECT_EQ(ErrorOf(absl::StrCat(kHeader, ",count.Purchase\n")),
            "line 1: column \"count.Purchase\" appears twice (columns 7 and 8)");
  EXPECT_EQ(ErrorOf(absl::StrCat(kHeader, ",count.\n")),
            "line 1: column \"count.\" names no event; write count.<Event>, such as "
            "count.AddToCart");
}

TEST(RungCsvImportTest, RefusesCellsThatAreNotNumbersNamingLineAndColumn) {
  EXPECT_EQ(ErrorOf(absl::StrCat(kHeader, "\nx,c,a,2026-10-05,Purchase,1,2\n",
                                 "x,c,a,2026-10-12,Purchase,12.5,2\n")),
            "line 3, column \"spend_micros\": '12.5' is not a whole number");
  EXPECT_EQ(ErrorOf(absl::StrCat(kHeader, "\nx,c,a,2026-10-05,Purchase,1,abc\n")),
            "line 2, column \"count.Purchase\": 'abc' is not a whole number");
  EXPECT_EQ(ErrorOf("account_id,campaign_id,ad_set_id,week_start,optimization_event,"
                    "significant_edit\nx,c,a,2026-10-05,Purchase,yes\n"),
            "line 2, column \"significant_edit\": 'yes' is not true, false, 1, 0 or empty");
}

TEST(RungCsvImportTest, RefusesARowWithTheWrongNumberOfCells) {
  EXPECT_EQ(ErrorOf(absl::StrCat(kHeader, "\nx,c,a,2026-10-05,Purchase,1\n")),
            "line 2: 6 cells, but the header (line 1) has 7 columns");
}

TEST(RungCsvImportTest, AHeaderAloneHoldsNoRecords) {
  const absl::StatusOr<ImportedFile> file = Parse(absl::StrCat(kHeader, "\n"));
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_THAT(file->records, IsEmpty());
}

}  // namespace
}  // namespace rung
