#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rung/import.h"
#include "support/import_fixtures.h"

namespace rung {
namespace {

using ::rung::test_support::ReadImportFixture;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::StartsWith;

absl::StatusOr<ImportedFile> Parse(const std::string& content) {
  ImportOptions options;
  options.format = ImportFormat::kRungJson;
  return ParseImportFile(content, "weeks.json", options);
}

std::string ErrorOf(const std::string& content) {
  const absl::StatusOr<ImportedFile> file = Parse(content);
  if (file.ok()) return "no error";
  EXPECT_EQ(file.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(file.status().message());
}

// A request of one week whose fields are `fields` (JSON members, no braces).
std::string OneWeek(const std::string& fields) {
  return "{\"weeks\": [{\"adSetId\": \"a\", " + fields + "}]}";
}

TEST(RungJsonImportTest, ReadsTheFixtureInBothNamings) {
  const absl::StatusOr<ImportedFile> file =
      ParseImportFile(ReadImportFixture("rung_weeks.json"), "rung_weeks.json", {});
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->format, ImportFormat::kRungJson);
  EXPECT_EQ(file->request_id, "weekly-import-2026-10-12");
  ASSERT_EQ(file->records.size(), 3u);

  const RawAdSetWeek& camel = file->records[0].week;
  EXPECT_EQ(file->records[0].source, "weeks[0]");
  EXPECT_EQ(camel.account_id, "act_1001");
  EXPECT_EQ(camel.campaign_id, "cmp_sales_eu");
  EXPECT_EQ(camel.ad_set_id, "as_broad_atc");
  EXPECT_EQ(camel.week_start, "2026-10-05");
  EXPECT_EQ(camel.optimization_event, "AddToCart");
  EXPECT_EQ(camel.spend_micros, 412870000);
  EXPECT_THAT(camel.event_counts,
              ElementsAre(Pair("AddToCart", 96), Pair("Purchase", 11), Pair("ViewContent", 1210)));
  EXPECT_EQ(camel.reported_learning_status, "REPORTED_LEARNING_STATUS_LEARNING");
  EXPECT_EQ(camel.ladder, "ecommerce");
  EXPECT_FALSE(camel.significant_edit);

  const RawAdSetWeek& snake = file->records[1].week;
  EXPECT_EQ(snake.account_id, "act_1001");
  EXPECT_EQ(snake.ad_set_id, "as_hero_purchase");
  EXPECT_EQ(snake.spend_micros, 1289400000);
  EXPECT_EQ(snake.reported_learning_status, "SUCCESS");
  EXPECT_EQ(snake.learning_threshold_override, 60);
  EXPECT_TRUE(snake.significant_edit);

  const RawAdSetWeek& numbered = file->records[2].week;
  EXPECT_EQ(numbered.reported_learning_status, "FAIL");
  EXPECT_EQ(numbered.spend_micros, std::nullopt);
  EXPECT_THAT(numbered.event_counts, ElementsAre(Pair("form_start", 38)));
}

TEST(RungJsonImportTest, ReadsInt64AsANumberOrAString) {
  for (const char* spend : {"123", "\"123\"", "123.0", "\"-4\""}) {
    const absl::StatusOr<ImportedFile> file =
        Parse(OneWeek(std::string("\"spendMicros\": ") + spend));
    ASSERT_TRUE(file.ok()) << spend << ": " << file.status();
    EXPECT_EQ(file->records[0].week.spend_micros, spend[1] == '-' ? -4 : 123) << spend;
  }
}

TEST(RungJsonImportTest, RefusesValuesOfTheWrongType) {
  EXPECT_EQ(ErrorOf(OneWeek("\"spendMicros\": \"12.5\"")),
            "weeks[0].spendMicros: '12.5' is not a whole number");
  EXPECT_EQ(ErrorOf(OneWeek("\"spend_micros\": 1.5")),
            "weeks[0].spend_micros: 1.5 is not a whole number");
  EXPECT_EQ(ErrorOf(OneWeek("\"spendMicros\": 9223372036854775808")),
            "weeks[0].spendMicros: 9223372036854775808 is out of range for a 64-bit integer");
  EXPECT_EQ(ErrorOf(OneWeek("\"spendMicros\": true")),
            "weeks[0].spendMicros: expected an integer (a number or a string of digits), got "
            "boolean");
  EXPECT_EQ(ErrorOf(OneWeek("\"weekStart\": 20261005")),
            "weeks[0].weekStart: expected a string, got number");
  EXPECT_EQ(ErrorOf(OneWeek("\"significantEdit\": \"true\"")),
            "weeks[0].significantEdit: expected true or false, got string");
  EXPECT_EQ(ErrorOf(OneWeek("\"eventCounts\": {\"Purchase\": \"abc\"}")),
            "weeks[0].eventCounts[\"Purchase\"]: 'abc' is not a whole number");
  EXPECT_EQ(ErrorOf(OneWeek("\"eventCounts\": {\"Purchase\": null}")),
            "weeks[0].eventCounts[\"Purchase\"]: a count must not be null");
  EXPECT_EQ(ErrorOf(OneWeek("\"eventCounts\": [3]")),
            "weeks[0].eventCounts: expected an object, got array");
  EXPECT_EQ(ErrorOf(OneWeek("\"reportedLearningStatus\": 7")),
            "weeks[0].reportedLearningStatus: 7 is not a ReportedLearningStatus number (0-3)");
}

TEST(RungJsonImportTest, ReadsLearningStatusNumbersAsTheirNames) {
  const absl::StatusOr<ImportedFile> file = Parse(
      "{\"weeks\": [{\"reportedLearningStatus\": 0}, {\"reportedLearningStatus\": 1}, "
      "{\"reportedLearningStatus\": 2}]}");
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->records[0].week.reported_learning_status, "");
  EXPECT_EQ(file->records[1].week.reported_learning_status, "LEARNING");
  EXPECT_EQ(file->records[2].week.reported_learning_status, "SUCCESS");
}

TEST(RungJsonImportTest, RefusesUnknownFieldsNamingThem) {
  EXPECT_THAT(ErrorOf("{\"weeks\": [{}, {\"adSetId\": \"a\", \"spend\": \"1.00\"}]}"),
              StartsWith("weeks[1]: unknown field \"spend\"; the fields are accountId, "
                         "campaignId, adSetId, weekStart, optimizationEvent, spendMicros,"));
  EXPECT_EQ(ErrorOf("{\"weeks\": [], \"requestID\": \"r\"}"),
            "the request: unknown field \"requestID\"; the fields are weeks, requestId");
}

TEST(RungJsonImportTest, RefusesAFieldGivenInBothNamings) {
  EXPECT_EQ(ErrorOf(OneWeek("\"ad_set_id\": \"b\"")),
            "weeks[0]: field \"adSetId\" is given twice, also as \"ad_set_id\"");
  EXPECT_EQ(ErrorOf("{\"requestId\": \"a\", \"request_id\": \"b\"}"),
            "the request: field \"requestId\" is given twice, also as \"request_id\"");
}

TEST(RungJsonImportTest, RefusesTheWrongShape) {
  EXPECT_EQ(ErrorOf("[{\"adSetId\": \"a\"}]"), "the request: expected an object, got array");
  EXPECT_EQ(ErrorOf("{\"weeks\": {\"adSetId\": \"a\"}}"), "weeks: expected an array, got object");
  EXPECT_EQ(ErrorOf("{\"weeks\": [\"a\"]}"), "weeks[0]: expected an object, got string");
}

TEST(RungJsonImportTest, NoWeeksIsAnEmptyRequest) {
  const absl::StatusOr<ImportedFile> file = Parse("{\"requestId\": \"r1\"}");
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_THAT(file->records, IsEmpty());
  EXPECT_EQ(file->request_id, "r1");
}

TEST(RungJsonImportTest, ATruncatedFileNamesWhereItStops) {
  const std::string content = ReadImportFixture("rung_weeks.json");
  const std::string cut = content.substr(0, content.find("\"ladder\""));
  EXPECT_THAT(ErrorOf(cut), StartsWith("not valid JSON at line 13, column 7"));
  EXPECT_THAT(ErrorOf(cut), HasSubstr("the file ends early: is it truncated?"));
}

}  // namespace
}  // namespace rung
