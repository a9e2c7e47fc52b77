#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "rung/import.h"
#include "support/import_fixtures.h"

namespace rung {
namespace {

using ::nlohmann::json;
using ::rung::test_support::CountOf;
using ::rung::test_support::ReadImportFixture;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::Pair;
using ::testing::StartsWith;

ImportOptions InsightsOptions(const std::string& default_event = "PURCHASE") {
  ImportOptions options;
  options.format = ImportFormat::kInsightsJson;
  options.default_optimization_event = default_event;
  return options;
}

// One row as the Graph API writes it for level=adset, time_increment=7.
json Row() {
  return json::parse(R"({
    "account_id": "1001",
    "account_name": "Northwind Outdoor EU",
    "campaign_id": "23856000000000100",
    "campaign_name": "Sales | EU",
    "adset_id": "23856000000000001",
    "adset_name": "Broad",
    "spend": "412.87",
    "impressions": "57057",
    "actions": [
      {"action_type": "link_click", "value": "1840"},
      {"action_type": "omni_add_to_cart", "value": "96"},
      {"action_type": "add_to_cart", "value": "96"}
    ],
    "date_start": "2026-10-05",
    "date_stop": "2026-10-11"
  })");
}

json Response(std::vector<json> rows) {
  json response = {{"data", json::array()}};
  for (json& row : rows) response["data"].push_back(std::move(row));
  return response;
}

absl::StatusOr<ImportedFile> Parse(const json& document,
                                   const ImportOptions& options = InsightsOptions()) {
  return ParseImportFile(document.dump(), "insights.json", options);
}

// The error of a one-row response after `edit`.
std::string RowError(void (*edit)(json&), const ImportOptions& options = InsightsOptions()) {
  json row = Row();
  edit(row);
  const absl::StatusOr<ImportedFile> file = Parse(Response({row}), options);
  if (file.ok()) return "no error";
  EXPECT_EQ(file.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(file.status().message());
}

json Actions(std::vector<std::pair<std::string, std::string>> actions) {
  json list = json::array();
  for (const auto& [type, value] : actions)
    list.push_back({{"action_type", type}, {"value", value}});
  return list;
}

TEST(InsightsImportTest, ReadsTheFixture) {
  const absl::StatusOr<ImportedFile> file = ParseImportFile(
      ReadImportFixture("insights_weekly.json"), "insights_weekly.json", InsightsOptions());
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->format, ImportFormat::kInsightsJson);
  ASSERT_EQ(file->records.size(), 12u);

  const ImportedRecord& first = file->records[0];
  EXPECT_EQ(first.source, "data[0]");
  EXPECT_EQ(first.week.account_id, "act_1001");
  EXPECT_EQ(first.week.campaign_id, "23856000000000100");
  EXPECT_EQ(first.week.ad_set_id, "23856000000000001");
  EXPECT_EQ(first.week.week_start, "2026-10-05");
  EXPECT_EQ(first.week.optimization_event, "PURCHASE");
  EXPECT_EQ(first.week.spend_micros, 412870000);
  // Four aliases of ViewContent, four of AddToCart and so on: one count each.
  EXPECT_THAT(first.week.event_counts,
              ElementsAre(Pair("ViewContent", 1210), Pair("AddToCart", 96),
                          Pair("InitiateCheckout", 31), Pair("Purchase", 11)));

  const ImportedRecord& last = file->records[11];
  EXPECT_EQ(last.source, "data[11]");
  EXPECT_EQ(last.week.ad_set_id, "23856000000000003");
  EXPECT_EQ(last.week.week_start, "2026-10-26");
  EXPECT_EQ(last.week.spend_micros, 662500000);

  // data[6] is ad set ...001 in the week of 2026-10-19, where one purchase
  // came through the app: omni_purchase and purchase say 13, the pixel 12.
  EXPECT_EQ(CountOf(file->records[6].week, "Purchase"), 13);
  ASSERT_EQ(file->notes.size(), 2u);
  EXPECT_EQ(file->notes[0],
            "data[6] (ad set 23856000000000001, week 2026-10-19): Purchase: kept omni_purchase=13 "
            "over offsite_conversion.fb_pixel_purchase=12, onsite_web_purchase=12 (names of one "
            "event are never added up; the first in priority order wins)");
  EXPECT_EQ(file->notes[1],
            "action types that are not standard events were skipped: landing_page_view, "
            "link_click, onsite_web_app_add_to_cart, onsite_web_app_purchase, "
            "onsite_web_app_view_content, page_engagement, post_engagement, post_reaction, "
            "video_view, web_in_store_purchase");
}

TEST(InsightsImportTest, PurchaseAliasesWithEqualValuesCountOnce) {
  json row = Row();
  row["actions"] = Actions(
      {{"omni_purchase", "7"}, {"purchase", "7"}, {"offsite_conversion.fb_pixel_purchase", "7"}});
  const absl::StatusOr<ImportedFile> file = Parse(Response({row}));
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_THAT(file->records[0].week.event_counts, ElementsAre(Pair("Purchase", 7)));
  EXPECT_THAT(file->notes, IsEmpty());
}

TEST(InsightsImportTest, PurchaseAliasesThatDisagreeKeepOmniAndSayso) {
  json row = Row();
  // The pixel spelling first, so that order cannot be what decides.
  row["actions"] = Actions(
      {{"offsite_conversion.fb_pixel_purchase", "8"}, {"purchase", "9"}, {"omni_purchase", "10"}});
  const absl::StatusOr<ImportedFile> file = Parse(Response({Row(), row}));
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_THAT(file->records[1].week.event_counts, ElementsAre(Pair("Purchase", 10)));
  // Then the line about data[0]'s link_click.
  ASSERT_EQ(file->notes.size(), 2u);
  EXPECT_THAT(file->notes[0],
              StartsWith("data[1] (ad set 23856000000000001, week 2026-10-05): Purchase: kept "
                         "omni_purchase=10 over purchase=9, "
                         "offsite_conversion.fb_pixel_purchase=8"));
}

TEST(InsightsImportTest, PlainSpellingOutranksThePixelWhenOmniIsAbsent) {
  json row = Row();
  row["actions"] = Actions({{"offsite_conversion.fb_pixel_add_to_cart", "40"},
                            {"onsite_web_add_to_cart", "39"},
                            {"add_to_cart", "41"}});
  const absl::StatusOr<ImportedFile> file = Parse(Response({row}));
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_THAT(file->records[0].week.event_counts, ElementsAre(Pair("AddToCart", 41)));
}

TEST(InsightsImportTest, ReadsTheConversionsField) {
  json row = Row();
  row["actions"] = json::array();
  row["conversions"] = Actions({{"subscribe_website", "4"},
                                {"subscribe_total", "5"},
                                {"subscribe_mobile_app", "1"},
                                {"start_trial_total", "2"}});
  const absl::StatusOr<ImportedFile> file = Parse(Response({row}));
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_THAT(file->records[0].week.event_counts,
              ElementsAre(Pair("Subscribe", 5), Pair("StartTrial", 2)));
  ASSERT_EQ(file->notes.size(), 2u);
  EXPECT_THAT(file->notes[0], HasSubstr("kept subscribe_total=5 over subscribe_website=4"));
  EXPECT_THAT(file->notes[1], HasSubstr("skipped: subscribe_mobile_app"));
}

TEST(InsightsImportTest, OneActionTypeTwiceWithDifferentValuesIsAnError) {
  EXPECT_THAT(RowError([](json& row) {
                row["actions"] = Actions({{"purchase", "3"}, {"purchase", "4"}});
              }),
              HasSubstr("data[0] (ad set 23856000000000001, week 2026-10-05): Purchase is "
                        "reported twice with different counts, purchase=3 and purchase=4"));
}

TEST(InsightsImportTest, RowsWithoutActionsHaveNoCounts) {
  json row = Row();
  row.erase("actions");
  const absl::StatusOr<ImportedFile> file = Parse(Response({row}));
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_THAT(file->records[0].week.event_counts, IsEmpty());
}

struct SpendCase {
  std::string spend;
  int64_t micros;
};

void PrintTo(const SpendCase& c, std::ostream* os) { *os << "spend " << c.spend; }

class InsightsSpendTest : public ::testing::TestWithParam<SpendCase> {};

TEST_P(InsightsSpendTest, IsExactToTheMicro) {
  json row = Row();
  row["spend"] = GetParam().spend;
  const absl::StatusOr<ImportedFile> file = Parse(Response({row}));
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->records[0].week.spend_micros, GetParam().micros);
}

INSTANTIATE_TEST_SUITE_P(Spends, InsightsSpendTest,
                         ::testing::Values(SpendCase{"0.1", 100000}, SpendCase{"123.45", 123450000},
                                           SpendCase{"1234567.891234", 1234567891234},
                                           SpendCase{"0", 0}, SpendCase{"12", 12000000}));

struct BadSpend {
  json spend;
  std::string error;
};

void PrintTo(const BadSpend& c, std::ostream* os) { *os << "spend " << c.spend.dump(); }

class InsightsBadSpendTest : public ::testing::TestWithParam<BadSpend> {};

TEST_P(InsightsBadSpendTest, IsRefusedNamingTheField) {
  json row = Row();
  row["spend"] = GetParam().spend;
  const absl::StatusOr<ImportedFile> file = Parse(Response({row}));
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(file.status().message()), StartsWith("data[0].spend: "));
  EXPECT_THAT(std::string(file.status().message()), HasSubstr(GetParam().error));
}

INSTANTIATE_TEST_SUITE_P(
    Spends, InsightsBadSpendTest,
    ::testing::Values(BadSpend{"1.2345678", "'1.2345678' has more than 6 decimals"},
                      BadSpend{"12,x", "'12,x' is not an amount"}, BadSpend{"-3.50", "is negative"},
                      BadSpend{"2e2", "has an exponent"}, BadSpend{"", "is not an amount"},
                      BadSpend{123.45, "expected a string such as \"123.45\""}));

TEST(InsightsImportTest, ARowThatDoesNotStartOnMondayIsRefused) {
  EXPECT_EQ(RowError([](json& row) {
              row["date_start"] = "2026-10-07";
              row["date_stop"] = "2026-10-13";
            }),
            "data[0].date_start: 2026-10-07 is a Wednesday; weekly rows start on a Monday (that "
            "week's Monday is 2026-10-05); request time_increment=7 with a time_range that "
            "starts on a Monday and ends on a Sunday");
}

TEST(InsightsImportTest, ADailyRowIsRefused) {
  EXPECT_THAT(RowError([](json& row) { row["date_stop"] = "2026-10-05"; }),
              StartsWith("data[0].date_stop: 2026-10-05 is not 6 days after date_start "
                         "2026-10-05 (expected 2026-10-11)"));
}

TEST(InsightsImportTest, NonNumericCountsAreRefusedNamingTheAction) {
  EXPECT_EQ(RowError([](json& row) { row["actions"][1]["value"] = "abc"; }),
            "data[0].actions[1].value: 'abc' is not a whole number");
  EXPECT_EQ(RowError([](json& row) { row["actions"][2].erase("value"); }),
            "data[0].actions[2].value: missing");
  EXPECT_EQ(RowError([](json& row) { row["actions"] = "none"; }),
            "data[0].actions: expected an array, got string");
}

TEST(InsightsImportTest, MissingFieldsAreNamed) {
  EXPECT_EQ(RowError([](json& row) { row.erase("adset_id"); }),
            "data[0].adset_id: missing; add adset_id to the request's fields");
  EXPECT_EQ(RowError([](json& row) { row.erase("campaign_id"); }),
            "data[0].campaign_id: missing; add campaign_id to the request's fields");
  EXPECT_EQ(RowError([](json& row) { row.erase("date_start"); }),
            "data[0].date_start: missing; add date_start to the request's fields");
  EXPECT_EQ(RowError([](json& row) { row["adset_id"] = 12; }),
            "data[0].adset_id: expected a string, got number");
}

TEST(InsightsImportTest, AcceptsAdSetIdSpelledWithAnUnderscore) {
  json row = Row();
  row["ad_set_id"] = row["adset_id"];
  row.erase("adset_id");
  const absl::StatusOr<ImportedFile> file = Parse(Response({row}));
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->records[0].week.ad_set_id, "23856000000000001");
}

TEST(InsightsImportTest, AccountIdComesFromTheRowElseTheDefault) {
  ImportOptions options = InsightsOptions();
  options.default_account_id = "act_9";
  json prefixed = Row();
  prefixed["account_id"] = "act_1001";
  json without = Row();
  without.erase("account_id");
  const absl::StatusOr<ImportedFile> file = Parse(Response({Row(), prefixed, without}), options);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->records[0].week.account_id, "act_1001");
  EXPECT_EQ(file->records[1].week.account_id, "act_1001");
  EXPECT_EQ(file->records[2].week.account_id, "act_9");

  EXPECT_EQ(RowError([](json& row) { row.erase("account_id"); }),
            "data[0].account_id: missing; add account_id to the request's fields");
}

TEST(InsightsImportTest, OptimizationEventFromTheRowThenPromotedObjectThenTheDefault) {
  json own = Row();
  own["optimization_event"] = "AddToCart";
  own["promoted_object"] = {{"custom_event_type", "PURCHASE"}};
  json promoted = Row();
  promoted["promoted_object"] = {{"pixel_id", "1234"}, {"custom_event_type", "ADD_TO_CART"}};
  const absl::StatusOr<ImportedFile> file =
      Parse(Response({own, promoted, Row()}), InsightsOptions("InitiateCheckout"));
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->records[0].week.optimization_event, "AddToCart");
  EXPECT_EQ(file->records[1].week.optimization_event, "ADD_TO_CART");
  EXPECT_EQ(file->records[2].week.optimization_event, "InitiateCheckout");
}

TEST(InsightsImportTest, WithoutAnyOptimizationEventItAsksForTheFlag) {
  EXPECT_EQ(RowError([](json&) {}, InsightsOptions("")),
            "data[0].optimization_event: Insights rows do not say which event the ad set "
            "optimized for; pass --optimization-event (or add optimization_event to each row)");
}

TEST(InsightsImportTest, ReadsLearningStageInfoWhenMergedIn) {
  json row = Row();
  row["learning_stage_info"] = {{"status", "FAIL"}};
  const absl::StatusOr<ImportedFile> file = Parse(Response({row, Row()}));
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->records[0].week.reported_learning_status, "FAIL");
  EXPECT_EQ(file->records[1].week.reported_learning_status, "");
}

TEST(InsightsImportTest, PagingSummaryAndTraceKeysAreIgnored) {
  json plain = Response({Row()});
  json paged = plain;
  paged["paging"] = {{"cursors", {{"before", "MAZDZD"}, {"after", "MAZDZD"}}},
                     {"next", "https://graph.facebook.com/v19.0/act_1001/insights?after=MAZDZD"}};
  paged["summary"] = {{"spend", "412.87"}};
  paged["__fb_trace_id__"] = "AbCdEf";
  const absl::StatusOr<ImportedFile> a = Parse(plain);
  const absl::StatusOr<ImportedFile> b = Parse(paged);
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  ASSERT_EQ(b->records.size(), 1u);
  EXPECT_EQ(b->records[0].week.ad_set_id, a->records[0].week.ad_set_id);
  EXPECT_EQ(b->records[0].week.event_counts, a->records[0].week.event_counts);
  EXPECT_EQ(b->records[0].week.spend_micros, a->records[0].week.spend_micros);
}

TEST(InsightsImportTest, AGraphErrorQuotesMetasMessage) {
  const json error = json::parse(R"({"error": {
      "message": "Error validating access token: Session has expired on Monday, 12-Oct-26.",
      "type": "OAuthException", "code": 190, "error_subcode": 463,
      "fbtrace_id": "A1b2C3d4"}})");
  const absl::StatusOr<ImportedFile> file = ParseImportFile(error.dump(), "x.json", {});
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(file.status().message()),
            "the file holds a Graph API error instead of Insights data: \"Error validating "
            "access token: Session has expired on Monday, 12-Oct-26.\" (OAuthException, code "
            "190)");
}

TEST(InsightsImportTest, AResponseWithoutRowsIsRefused) {
  const absl::StatusOr<ImportedFile> missing =
      ParseImportFile(R"({"paging": {}})", "x.json", InsightsOptions());
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("\"data\" array"));
  const absl::StatusOr<ImportedFile> wrong =
      ParseImportFile(R"({"data": {"adset_id": "1"}})", "x.json", InsightsOptions());
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(std::string(wrong.status().message()), "data: expected an array, got object");
  const absl::StatusOr<ImportedFile> empty =
      ParseImportFile(R"({"data": []})", "x.json", InsightsOptions());
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_THAT(empty->records, IsEmpty());
}

TEST(InsightsImportTest, ATruncatedFileNamesWhereItStops) {
  const std::string content = ReadImportFixture("insights_weekly.json");
  for (size_t cut : {content.size() / 3, content.size() / 2, content.size() - 2}) {
    const absl::StatusOr<ImportedFile> file =
        ParseImportFile(content.substr(0, cut), "insights_weekly.json", {});
    ASSERT_FALSE(file.ok()) << cut;
    EXPECT_EQ(file.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(file.status().message()),
                HasSubstr("(byte " + std::to_string(cut) + ")"));
    EXPECT_THAT(std::string(file.status().message()),
                HasSubstr("the file ends early: is it truncated?"));
  }
}

TEST(InsightsImportTest, MalformedJsonNamesTheLineAndColumn) {
  const absl::StatusOr<ImportedFile> file = ParseImportFile(
      "{\"data\": [\n  {\"adset_id\": \"1\",}\n]}", "insights.json", InsightsOptions());
  ASSERT_FALSE(file.ok());
  EXPECT_THAT(std::string(file.status().message()),
              StartsWith("not valid JSON at line 2, column 20 (byte 30): syntax error"));
  EXPECT_THAT(std::string(file.status().message()), Not(HasSubstr("truncated")));
}

// Found by tests/fuzz/insights_json_fuzzer (corpus/insights_json/number_overflow.json): the
// parser threw out_of_range past the error handling and rungctl aborted.
TEST(InsightsImportTest, ANumberPastADoublesRangeIsAnError) {
  for (const char* content : {"3334e3333", "{\"data\": [{\"spend\": 1e400}]}"}) {
    const absl::StatusOr<ImportedFile> file =
        ParseImportFile(content, "insights.json", InsightsOptions());
    ASSERT_FALSE(file.ok()) << content;
    EXPECT_EQ(file.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(file.status().message()),
                StartsWith("not valid JSON: number overflow parsing '"));
  }
}

}  // namespace
}  // namespace rung
