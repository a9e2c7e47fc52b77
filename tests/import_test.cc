// ParseImportFile as a whole: format names, auto-detection and empty files.
// Each format's own reading is tested in import_<format>_test.cc.

#include "rung/import.h"

#include <string>

#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rung/ladder.h"
#include "rung/validation.h"
#include "support/import_fixtures.h"

namespace rung {
namespace {

using ::rung::test_support::ReadImportFixture;
using ::testing::HasSubstr;

struct Detection {
  std::string fixture;
  ImportFormat format;
};

void PrintTo(const Detection& c, std::ostream* os) { *os << c.fixture; }

class DetectionTest : public ::testing::TestWithParam<Detection> {};

TEST_P(DetectionTest, ByExtension) {
  ImportOptions options;
  options.default_optimization_event = "Purchase";
  const absl::StatusOr<ImportedFile> file =
      ParseImportFile(ReadImportFixture(GetParam().fixture), GetParam().fixture, options);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->format, GetParam().format);
  EXPECT_FALSE(file->records.empty());
}

// What the importers read is what the daemon accepts: the fixtures, which
// the end-to-end tests also ingest, pass the core's validation unchanged.
TEST_P(DetectionTest, TheRecordsPassTheDaemonsValidation) {
  ImportOptions options;
  options.default_optimization_event = "Purchase";
  const absl::StatusOr<ImportedFile> file =
      ParseImportFile(ReadImportFixture(GetParam().fixture), GetParam().fixture, options);
  ASSERT_TRUE(file.ok()) << file.status();
  std::vector<RawAdSetWeek> batch;
  for (const ImportedRecord& record : file->records) batch.push_back(record.week);
  ValidationOptions validation;
  validation.today = absl::CivilDay(2026, 11, 16);
  const absl::StatusOr<ValidatedBatch> valid =
      ValidateBatch(batch, LadderRegistry::BuiltIn(), validation);
  ASSERT_TRUE(valid.ok()) << valid.status();
  EXPECT_EQ(valid->records.size(), file->records.size());
}

TEST_P(DetectionTest, ByContentWhenTheNameSaysNothing) {
  ImportOptions options;
  options.default_optimization_event = "Purchase";
  for (const char* name : {"-", "export.txt", "weekly"}) {
    const absl::StatusOr<ImportedFile> file =
        ParseImportFile(ReadImportFixture(GetParam().fixture), name, options);
    ASSERT_TRUE(file.ok()) << name << ": " << file.status();
    EXPECT_EQ(file->format, GetParam().format) << name;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, DetectionTest,
    ::testing::Values(Detection{"rung_weeks.csv", ImportFormat::kRungCsv},
                      Detection{"rung_weeks.json", ImportFormat::kRungJson},
                      Detection{"insights_weekly.json", ImportFormat::kInsightsJson},
                      Detection{"ads_manager_weekly.csv", ImportFormat::kAdsManagerCsv}));

TEST(ImportTest, AGraphErrorIsDetectedAsInsights) {
  const absl::StatusOr<ImportedFile> file =
      ParseImportFile("{\"error\": {\"message\": \"Invalid OAuth access token.\"}}", "x", {});
  ASSERT_FALSE(file.ok());
  EXPECT_THAT(std::string(file.status().message()), HasSubstr("Graph API error"));
}

TEST(ImportTest, AnUndetectableFileNamesTheFormatsAndTheFlag) {
  const std::string formats =
      "pass --format with one of rung-csv, rung-json, insights-json, ads-manager-csv";
  for (const auto& [content, name, what] : {
           std::tuple<std::string, std::string, std::string>{
               "{\"rows\": []}", "x.json",
               "JSON with neither a \"weeks\" array (rung-json) nor a \"data\" array"},
           {"{\"weeks\": [], \"data\": []}", "x.json",
            "a JSON object with both \"weeks\" and \"data\""},
           {"[1, 2]", "x", "JSON with neither"},
           {"Campaign name,Impressions\nSales,1000\n", "x.csv",
            "CSV whose header has neither \"Reporting starts\" (ads-manager-csv) nor ad_set_id "
            "and week_start (rung-csv)"},
       }) {
    const absl::StatusOr<ImportedFile> file = ParseImportFile(content, name, {});
    ASSERT_FALSE(file.ok()) << content;
    EXPECT_EQ(file.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(file.status().message()),
                HasSubstr("cannot tell the format of \"" + name + "\": it is " + what));
    EXPECT_THAT(std::string(file.status().message()), HasSubstr(formats));
  }
}

TEST(ImportTest, TheExtensionDecidesBetweenJsonAndCsv) {
  const absl::StatusOr<ImportedFile> file = ParseImportFile("ad_set_id,week_start\n", "a.json", {});
  ASSERT_FALSE(file.ok());
  EXPECT_THAT(std::string(file.status().message()), HasSubstr("not valid JSON at line 1"));
}

TEST(ImportTest, AnExplicitFormatIsReadAsThatFormat) {
  ImportOptions options;
  options.format = ImportFormat::kRungCsv;
  const absl::StatusOr<ImportedFile> file = ParseImportFile(
      ReadImportFixture("ads_manager_weekly.csv"), "ads_manager_weekly.csv", options);
  ASSERT_FALSE(file.ok());
  EXPECT_THAT(std::string(file.status().message()),
              HasSubstr("line 1: unknown column \"Reporting starts\""));
}

TEST(ImportTest, AnEmptyFileIsRefusedInEveryFormat) {
  for (const ImportFormat format :
       {ImportFormat::kAuto, ImportFormat::kRungCsv, ImportFormat::kRungJson,
        ImportFormat::kInsightsJson, ImportFormat::kAdsManagerCsv}) {
    for (const char* content : {"", " \r\n\t\n", "\xEF\xBB\xBF", "\xEF\xBB\xBF\r\n"}) {
      ImportOptions options;
      options.format = format;
      const absl::StatusOr<ImportedFile> file = ParseImportFile(content, "weeks.csv", options);
      ASSERT_FALSE(file.ok()) << ImportFormatName(format);
      EXPECT_EQ(file.status().code(), absl::StatusCode::kInvalidArgument);
      EXPECT_EQ(std::string(file.status().message()), "the file is empty");
    }
  }
}

TEST(ImportTest, FormatNamesRoundTrip) {
  for (const ImportFormat format :
       {ImportFormat::kAuto, ImportFormat::kRungCsv, ImportFormat::kRungJson,
        ImportFormat::kInsightsJson, ImportFormat::kAdsManagerCsv}) {
    const absl::StatusOr<ImportFormat> parsed = ImportFormatFromName(ImportFormatName(format));
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(*parsed, format);
  }
  EXPECT_EQ(ImportFormatName(ImportFormat::kAdsManagerCsv), "ads-manager-csv");
  EXPECT_EQ(ImportFormatName(ImportFormat::kInsightsJson), "insights-json");
  const absl::StatusOr<ImportFormat> unknown = ImportFormatFromName("csv");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(unknown.status().message()),
            "unknown format \"csv\"; the formats are auto, rung-csv, rung-json, insights-json, "
            "ads-manager-csv");
}

}  // namespace
}  // namespace rung
