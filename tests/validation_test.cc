#include "rung/validation.h"

#include <algorithm>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace rung {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::SizeIs;
using ::testing::StartsWith;

// A Thursday, so that the week of 2026-11-09 has started and 2026-11-16 has not.
constexpr absl::CivilDay kToday(2026, 11, 12);
// Errors must name the record's own index, not assume it is the first.
constexpr size_t kIndex = 3;

RawAdSetWeek ValidRaw() {
  RawAdSetWeek raw;
  raw.account_id = "act_1";
  raw.campaign_id = "cmp_1";
  raw.ad_set_id = "as_1";
  raw.week_start = "2026-11-02";
  raw.optimization_event = "Purchase";
  raw.event_counts = {{"Purchase", 12}, {"AddToCart", 85}};
  return raw;
}

absl::StatusOr<AdSetWeek> Validate(const RawAdSetWeek& raw,
                                   std::vector<std::string>* warnings = nullptr) {
  static const LadderRegistry* const ladders = new LadderRegistry(LadderRegistry::BuiltIn());
  std::vector<std::string> ignored;
  return ValidateRecord(raw, kIndex, *ladders, kToday, warnings ? warnings : &ignored);
}

absl::StatusOr<ValidatedBatch> ValidateAll(const std::vector<RawAdSetWeek>& raw,
                                           int max_batch_size = 5000) {
  ValidationOptions options;
  options.max_batch_size = max_batch_size;
  options.today = kToday;
  return ValidateBatch(raw, LadderRegistry::BuiltIn(), options);
}

TEST(ValidateRecordTest, AcceptsAndNormalizesAValidRecord) {
  RawAdSetWeek raw = ValidRaw();
  raw.optimization_event = "omni_purchase";
  raw.event_counts = {{"purchase", 12}, {"offsite_conversion.fb_pixel_add_to_cart", 85}};
  raw.spend_micros = 1'500'000'000;
  raw.reported_learning_status = "REPORTED_LEARNING_STATUS_FAIL";
  raw.learning_threshold_override = 40;
  raw.ladder = "subscription";
  raw.significant_edit = true;
  std::vector<std::string> warnings;

  absl::StatusOr<AdSetWeek> record = Validate(raw, &warnings);

  ASSERT_TRUE(record.ok()) << record.status();
  EXPECT_EQ(record->account_id, "act_1");
  EXPECT_EQ(record->campaign_id, "cmp_1");
  EXPECT_EQ(record->ad_set_id, "as_1");
  EXPECT_EQ(record->week.ToString(), "2026-11-02");
  EXPECT_EQ(record->optimization_event, "Purchase");
  EXPECT_EQ(record->spend_micros, 1'500'000'000);
  EXPECT_THAT(record->event_counts, ElementsAre(Pair("AddToCart", 85), Pair("Purchase", 12)));
  EXPECT_EQ(record->reported_learning, ReportedLearning::kFail);
  EXPECT_EQ(record->learning_threshold_override, 40);
  EXPECT_EQ(record->ladder, "subscription");
  EXPECT_TRUE(record->significant_edit);
  EXPECT_THAT(warnings, IsEmpty());
}

TEST(ValidateRecordTest, LeavesOptionalFieldsUnset) {
  absl::StatusOr<AdSetWeek> record = Validate(ValidRaw());
  ASSERT_TRUE(record.ok()) << record.status();
  EXPECT_EQ(record->spend_micros, std::nullopt);
  EXPECT_EQ(record->learning_threshold_override, std::nullopt);
  EXPECT_EQ(record->reported_learning, ReportedLearning::kUnspecified);
  EXPECT_EQ(record->ladder, "");
  EXPECT_FALSE(record->significant_edit);
}

struct Case {
  std::string test_name;
  std::function<void(RawAdSetWeek&)> mutate;
  // For refusals, the start of the message; unused for acceptances.
  std::string message;
};

template <typename T>
std::string CaseName(const testing::TestParamInfo<T>& info) {
  return info.param.test_name;
}

class RefusedTest : public testing::TestWithParam<Case> {};

TEST_P(RefusedTest, NamesIndexAndField) {
  RawAdSetWeek raw = ValidRaw();
  GetParam().mutate(raw);
  absl::StatusOr<AdSetWeek> record = Validate(raw);
  EXPECT_EQ(record.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(record.status().message()), StartsWith(GetParam().message));
}

const std::string k129(129, 'x');

INSTANTIATE_TEST_SUITE_P(
    Ids, RefusedTest,
    testing::Values(
        Case{"AccountEmpty", [](auto& r) { r.account_id = ""; },
             "weeks[3].account_id: must not be empty"},
        Case{"AccountTooLong", [](auto& r) { r.account_id = k129; },
             "weeks[3].account_id: is 129 characters; at most 128"},
        Case{"AccountSpace", [](auto& r) { r.account_id = "act 1"; },
             "weeks[3].account_id: contains a space, control or non-ASCII character at index 3"},
        Case{"AccountTab", [](auto& r) { r.account_id = "act_\t"; },
             "weeks[3].account_id: contains a space, control or non-ASCII character at index 4"},
        Case{"AccountDel", [](auto& r) { r.account_id = "act\x7f"; },
             "weeks[3].account_id: contains a space, control or non-ASCII character at index 3"},
        Case{"AccountNonAscii", [](auto& r) { r.account_id = "\xc3\xa9t\xc3\xa9"; },
             "weeks[3].account_id: contains a space, control or non-ASCII character at index 0"},
        Case{"CampaignEmpty", [](auto& r) { r.campaign_id = ""; },
             "weeks[3].campaign_id: must not be empty"},
        Case{"CampaignTooLong", [](auto& r) { r.campaign_id = k129; },
             "weeks[3].campaign_id: is 129 characters; at most 128"},
        Case{"CampaignSpace", [](auto& r) { r.campaign_id = " cmp"; },
             "weeks[3].campaign_id: contains a space, control or non-ASCII character at index 0"},
        Case{"AdSetEmpty", [](auto& r) { r.ad_set_id = ""; },
             "weeks[3].ad_set_id: must not be empty"},
        Case{"AdSetTooLong", [](auto& r) { r.ad_set_id = k129; },
             "weeks[3].ad_set_id: is 129 characters; at most 128"},
        Case{"AdSetNul", [](auto& r) { r.ad_set_id = std::string("as\0", 3); },
             "weeks[3].ad_set_id: contains a space, control or non-ASCII character at index 2"}),
    CaseName<Case>);

INSTANTIATE_TEST_SUITE_P(
    WeekStart, RefusedTest,
    testing::Values(
        Case{"Empty", [](auto& r) { r.week_start = ""; },
             "weeks[3].week_start: '' is not a date of the form YYYY-MM-DD"},
        Case{"UnpaddedMonth", [](auto& r) { r.week_start = "2026-1-5"; },
             "weeks[3].week_start: '2026-1-5' is not a date of the form YYYY-MM-DD"},
        Case{"February30", [](auto& r) { r.week_start = "2026-02-30"; },
             "weeks[3].week_start: '2026-02-30' is not a date"},
        Case{"Sunday", [](auto& r) { r.week_start = "2026-11-08"; },
             "weeks[3].week_start: 2026-11-08 is a Sunday; weeks start on Monday, so use "
             "2026-11-02"},
        Case{"Tuesday", [](auto& r) { r.week_start = "2026-11-03"; },
             "weeks[3].week_start: 2026-11-03 is a Tuesday; weeks start on Monday, so use "
             "2026-11-02"},
        Case{"Future", [](auto& r) { r.week_start = "2026-11-16"; },
             "weeks[3].week_start: week 2026-11-16 starts in the future (today is 2026-11-12)"},
        Case{"BeforeEarliest", [](auto& r) { r.week_start = "1999-12-27"; },
             "weeks[3].week_start: week 1999-12-27 is before 2000-01-03"}),
    CaseName<Case>);

INSTANTIATE_TEST_SUITE_P(
    OptimizationEvent, RefusedTest,
    testing::Values(Case{"Missing", [](auto& r) { r.optimization_event = ""; },
                         "weeks[3].optimization_event: is required"},
                    Case{"Malformed", [](auto& r) { r.optimization_event = "9abc"; },
                         "weeks[3].optimization_event: '9abc' is not a valid event name"},
                    Case{"Space", [](auto& r) { r.optimization_event = "add to cart"; },
                         "weeks[3].optimization_event: 'add to cart' is not a valid event"}),
    CaseName<Case>);

INSTANTIATE_TEST_SUITE_P(SpendMicros, RefusedTest,
                         testing::Values(Case{"Negative", [](auto& r) { r.spend_micros = -1; },
                                              "weeks[3].spend_micros: is -1; spend is 0 or more"}),
                         CaseName<Case>);

INSTANTIATE_TEST_SUITE_P(
    EventCounts, RefusedTest,
    testing::Values(
        Case{"NegativeCount",
             [](auto& r) {
               r.event_counts.push_back({"add_to_cart", -1});
             },
             "weeks[3].event_counts[\"add_to_cart\"]: count -1 is negative"},
        Case{"CountOverMaximum",
             [](auto& r) {
               r.event_counts = {{"Purchase", kMaxEventCount + 1}};
             },
             "weeks[3].event_counts[\"Purchase\"]: count 1099511627777 exceeds the maximum of "
             "1099511627776"},
        Case{"MalformedName",
             [](auto& r) {
               r.event_counts.push_back({"bad name", 1});
             },
             "weeks[3].event_counts[\"bad name\"]: 'bad name' is not a valid event name"},
        Case{"EmptyName",
             [](auto& r) {
               r.event_counts.push_back({"", 1});
             },
             "weeks[3].event_counts[\"\"]: '' is not a valid event name"},
        Case{"AliasesDisagree",
             [](auto& r) {
               r.event_counts = {{"purchase", 12}, {"omni_purchase", 13}};
             },
             "weeks[3].event_counts: \"omni_purchase\" (13) and \"purchase\" (12) both mean "
             "Purchase but disagree"},
        Case{"CanonicalAndAliasDisagree",
             [](auto& r) {
               r.event_counts = {{"Purchase", 12}, {"PURCHASE", 0}};
             },
             "weeks[3].event_counts: \"PURCHASE\" (0) and \"Purchase\" (12) both mean Purchase"},
        Case{"SameNameTwiceDisagrees",
             [](auto& r) {
               r.event_counts = {{"Purchase", 12}, {"Purchase", 11}};
             },
             "weeks[3].event_counts: \"Purchase\" (11) and \"Purchase\" (12) both mean Purchase"}),
    CaseName<Case>);

INSTANTIATE_TEST_SUITE_P(
    ReportedLearningStatus, RefusedTest,
    testing::Values(
        Case{"LowerCase", [](auto& r) { r.reported_learning_status = "learning"; },
             "weeks[3].reported_learning_status: \"learning\" is not LEARNING, SUCCESS or FAIL"},
        Case{"BareUnspecified", [](auto& r) { r.reported_learning_status = "UNSPECIFIED"; },
             "weeks[3].reported_learning_status: \"UNSPECIFIED\" is not"},
        Case{"BarePrefix",
             [](auto& r) { r.reported_learning_status = "REPORTED_LEARNING_STATUS_"; },
             "weeks[3].reported_learning_status: \"REPORTED_LEARNING_STATUS_\" is not"},
        Case{"UnknownPrefixed",
             [](auto& r) { r.reported_learning_status = "REPORTED_LEARNING_STATUS_LIMITED"; },
             "weeks[3].reported_learning_status: \"REPORTED_LEARNING_STATUS_LIMITED\" is not"},
        Case{"Padded", [](auto& r) { r.reported_learning_status = " FAIL"; },
             "weeks[3].reported_learning_status: \" FAIL\" is not"}),
    CaseName<Case>);

INSTANTIATE_TEST_SUITE_P(
    LearningThresholdOverride, RefusedTest,
    testing::Values(
        Case{"Zero", [](auto& r) { r.learning_threshold_override = 0; },
             "weeks[3].learning_threshold_override: is 0; it must be between 1 and 1000000"},
        Case{"Negative", [](auto& r) { r.learning_threshold_override = -50; },
             "weeks[3].learning_threshold_override: is -50"},
        Case{"OverMaximum", [](auto& r) { r.learning_threshold_override = 1000001; },
             "weeks[3].learning_threshold_override: is 1000001"},
        // Would wrap to a small positive int32 if narrowed before the check.
        Case{"Over32Bits", [](auto& r) { r.learning_threshold_override = (int64_t{1} << 32) + 50; },
             "weeks[3].learning_threshold_override: is 4294967346"}),
    CaseName<Case>);

INSTANTIATE_TEST_SUITE_P(
    Ladder, RefusedTest,
    testing::Values(Case{"Unknown", [](auto& r) { r.ladder = "retail"; },
                         "weeks[3].ladder: unknown ladder \"retail\"; known ladders: ecommerce, "
                         "lead_generation, subscription"},
                    Case{"WrongCase", [](auto& r) { r.ladder = "Ecommerce"; },
                         "weeks[3].ladder: unknown ladder \"Ecommerce\""}),
    CaseName<Case>);

class AcceptedTest : public testing::TestWithParam<Case> {};

TEST_P(AcceptedTest, IsValid) {
  RawAdSetWeek raw = ValidRaw();
  GetParam().mutate(raw);
  absl::StatusOr<AdSetWeek> record = Validate(raw);
  EXPECT_TRUE(record.ok()) << record.status();
}

INSTANTIATE_TEST_SUITE_P(
    Boundaries, AcceptedTest,
    testing::Values(
        Case{"AccountIdOf128", [](auto& r) { r.account_id = std::string(128, 'a'); }, ""},
        Case{"CampaignIdOf128", [](auto& r) { r.campaign_id = std::string(128, 'c'); }, ""},
        Case{"AdSetIdOf128", [](auto& r) { r.ad_set_id = std::string(128, 's'); }, ""},
        Case{"IdOfOneChar", [](auto& r) { r.ad_set_id = "7"; }, ""},
        Case{"IdWithPunctuation", [](auto& r) { r.ad_set_id = "!as:1/~"; }, ""},
        Case{"CurrentWeek", [](auto& r) { r.week_start = "2026-11-09"; }, ""},
        Case{"EarliestWeek", [](auto& r) { r.week_start = "2000-01-03"; }, ""},
        Case{"CountZero",
             [](auto& r) {
               r.event_counts = {{"Purchase", 0}};
             },
             ""},
        Case{"CountMaximum",
             [](auto& r) {
               r.event_counts = {{"Purchase", kMaxEventCount}};
             },
             ""},
        Case{"NoCounts", [](auto& r) { r.event_counts.clear(); }, ""},
        Case{"SpendZero", [](auto& r) { r.spend_micros = 0; }, ""},
        Case{"ThresholdOne", [](auto& r) { r.learning_threshold_override = 1; }, ""},
        Case{"ThresholdMaximum",
             [](auto& r) { r.learning_threshold_override = kMaxLearningThreshold; }, ""},
        Case{"BuiltInLadder", [](auto& r) { r.ladder = "lead_generation"; }, ""},
        Case{"CustomOptimizationEvent", [](auto& r) { r.optimization_event = "form_start"; }, ""}),
    CaseName<Case>);

TEST(ValidateRecordTest, AcceptsTheWeekStartingToday) {
  RawAdSetWeek raw = ValidRaw();
  raw.week_start = "2026-11-09";
  std::vector<std::string> warnings;
  const LadderRegistry ladders = LadderRegistry::BuiltIn();
  EXPECT_TRUE(ValidateRecord(raw, 0, ladders, absl::CivilDay(2026, 11, 9), &warnings).ok());
  EXPECT_FALSE(ValidateRecord(raw, 0, ladders, absl::CivilDay(2026, 11, 8), &warnings).ok());
}

class ReportedLearningTest
    : public testing::TestWithParam<std::pair<std::string, ReportedLearning>> {};

TEST_P(ReportedLearningTest, Parses) {
  RawAdSetWeek raw = ValidRaw();
  raw.reported_learning_status = GetParam().first;
  absl::StatusOr<AdSetWeek> record = Validate(raw);
  ASSERT_TRUE(record.ok()) << record.status();
  EXPECT_EQ(record->reported_learning, GetParam().second);
}

INSTANTIATE_TEST_SUITE_P(
    Spellings, ReportedLearningTest,
    testing::Values(std::pair("", ReportedLearning::kUnspecified),
                    std::pair("REPORTED_LEARNING_STATUS_UNSPECIFIED",
                              ReportedLearning::kUnspecified),
                    std::pair("LEARNING", ReportedLearning::kLearning),
                    std::pair("REPORTED_LEARNING_STATUS_LEARNING", ReportedLearning::kLearning),
                    std::pair("SUCCESS", ReportedLearning::kSuccess),
                    std::pair("REPORTED_LEARNING_STATUS_SUCCESS", ReportedLearning::kSuccess),
                    std::pair("FAIL", ReportedLearning::kFail),
                    std::pair("REPORTED_LEARNING_STATUS_FAIL", ReportedLearning::kFail)));

TEST(ValidateRecordTest, AliasesWithEqualValuesCountOnce) {
  RawAdSetWeek raw = ValidRaw();
  raw.event_counts = {{"omni_purchase", 12},
                      {"purchase", 12},
                      {"offsite_conversion.fb_pixel_purchase", 12},
                      {"onsite_web_purchase", 12},
                      {"Purchase", 12}};
  absl::StatusOr<AdSetWeek> record = Validate(raw);
  ASSERT_TRUE(record.ok()) << record.status();
  EXPECT_THAT(record->event_counts, ElementsAre(Pair("Purchase", 12)));
}

struct OrderCase {
  std::string test_name;
  std::vector<std::pair<std::string, int64_t>> event_counts;
  // Empty when the record is valid.
  std::string error;
};

class EventCountOrderTest : public testing::TestWithParam<OrderCase> {};

TEST_P(EventCountOrderTest, OutcomeDoesNotDependOnOrder) {
  std::vector<std::pair<std::string, int64_t>> counts = GetParam().event_counts;
  std::sort(counts.begin(), counts.end());
  RawAdSetWeek raw = ValidRaw();
  raw.event_counts = counts;
  const absl::StatusOr<AdSetWeek> first = Validate(raw);
  if (GetParam().error.empty()) {
    ASSERT_TRUE(first.ok()) << first.status();
  } else {
    EXPECT_THAT(std::string(first.status().message()), StartsWith(GetParam().error));
  }
  while (std::next_permutation(counts.begin(), counts.end())) {
    raw.event_counts = counts;
    EXPECT_EQ(Validate(raw), first);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, EventCountOrderTest,
    testing::Values(
        OrderCase{
            "Agreeing",
            {{"add_to_cart", 85}, {"omni_add_to_cart", 85}, {"Purchase", 12}, {"form_start", 4}},
            ""},
        OrderCase{
            "Conflicting",
            {{"purchase", 12}, {"omni_purchase", 13}, {"onsite_web_purchase", 14}, {"Lead", 5}},
            "weeks[3].event_counts: \"omni_purchase\" (13) and \"onsite_web_purchase\" (14) "
            "both mean Purchase but disagree"},
        OrderCase{"SeveralInvalid",
                  {{"x y", 1}, {"Lead", -1}, {"9bad", 2}, {"Purchase", 12}},
                  "weeks[3].event_counts[\"9bad\"]: '9bad' is not a valid event name"}),
    CaseName<OrderCase>);

TEST(ValidateRecordTest, WarnsWhenTheOptimizationEventHasNoCount) {
  RawAdSetWeek raw = ValidRaw();
  raw.optimization_event = "omni_initiated_checkout";
  std::vector<std::string> warnings;
  absl::StatusOr<AdSetWeek> record = Validate(raw, &warnings);
  ASSERT_TRUE(record.ok()) << record.status();
  EXPECT_EQ(record->CountOf("InitiateCheckout"), 0);
  ASSERT_THAT(warnings, SizeIs(1));
  EXPECT_THAT(warnings[0], HasSubstr("optimization event InitiateCheckout has no count"));
  EXPECT_THAT(warnings[0], HasSubstr("weeks[3].event_counts"));
  EXPECT_THAT(warnings[0], HasSubstr("read as 0"));
}

TEST(ValidateRecordTest, WarnsOncePerCustomNameAndKeepsExistingWarnings) {
  RawAdSetWeek raw = ValidRaw();
  raw.optimization_event = "form_strat";
  raw.event_counts = {{"form_strat", 3}, {"scroll_75", 40}};
  std::vector<std::string> warnings = {"earlier"};
  absl::StatusOr<AdSetWeek> record = Validate(raw, &warnings);
  ASSERT_TRUE(record.ok()) << record.status();
  EXPECT_EQ(record->optimization_event, "form_strat");
  EXPECT_THAT(record->event_counts, ElementsAre(Pair("form_strat", 3), Pair("scroll_75", 40)));
  ASSERT_THAT(warnings, SizeIs(3));
  EXPECT_EQ(warnings[0], "earlier");
  EXPECT_EQ(warnings[1],
            "custom event \"form_strat\" is not a standard event (first seen at "
            "weeks[3].optimization_event, 1 record); stored as is, check the spelling");
  EXPECT_THAT(warnings[2], HasSubstr("custom event \"scroll_75\""));
  EXPECT_THAT(warnings[2], HasSubstr("weeks[3].event_counts, 1 record"));
}

TEST(ValidateRecordTest, StandardNamesDoNotWarn) {
  RawAdSetWeek raw = ValidRaw();
  raw.event_counts = {{"Purchase", 12}, {"begin_checkout", 30}, {"CONTENT_VIEW", 300}};
  std::vector<std::string> warnings;
  ASSERT_TRUE(Validate(raw, &warnings).ok());
  EXPECT_THAT(warnings, IsEmpty());
}

// --- ValidateBatch ---------------------------------------------------------

RawAdSetWeek RawFor(const std::string& ad_set_id, const std::string& week_start) {
  RawAdSetWeek raw = ValidRaw();
  raw.ad_set_id = ad_set_id;
  raw.week_start = week_start;
  return raw;
}

TEST(ValidateBatchTest, EmptyBatchIsNothingToDo) {
  absl::StatusOr<ValidatedBatch> batch = ValidateAll({});
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_THAT(batch->records, IsEmpty());
  EXPECT_THAT(batch->warnings, IsEmpty());
}

TEST(ValidateBatchTest, KeepsRequestOrderAndNormalizes) {
  std::vector<RawAdSetWeek> raw = {RawFor("as_2", "2026-11-02"), RawFor("as_1", "2026-11-09"),
                                   RawFor("as_1", "2026-10-26")};
  raw[1].event_counts = {{"omni_purchase", 7}};
  absl::StatusOr<ValidatedBatch> batch = ValidateAll(raw);
  ASSERT_TRUE(batch.ok()) << batch.status();
  ASSERT_THAT(batch->records, SizeIs(3));
  EXPECT_EQ(batch->records[0].ad_set_id, "as_2");
  EXPECT_EQ(batch->records[1].week.ToString(), "2026-11-09");
  EXPECT_THAT(batch->records[1].event_counts, ElementsAre(Pair("Purchase", 7)));
  EXPECT_EQ(batch->records[2].week.ToString(), "2026-10-26");
}

TEST(ValidateBatchTest, OverTheMaximumIsResourceExhausted) {
  // Checked before any record: these records are invalid too.
  const std::vector<RawAdSetWeek> raw(6, RawAdSetWeek{});
  absl::StatusOr<ValidatedBatch> batch = ValidateAll(raw, /*max_batch_size=*/5);
  EXPECT_EQ(batch.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(batch.status().message(),
            "weeks: 6 records exceed the maximum batch size of 5; split the request");
}

TEST(ValidateBatchTest, ExactlyTheMaximumIsAccepted) {
  std::vector<RawAdSetWeek> raw;
  for (int i = 0; i < 5; ++i) raw.push_back(RawFor("as_" + std::to_string(i), "2026-11-02"));
  absl::StatusOr<ValidatedBatch> batch = ValidateAll(raw, /*max_batch_size=*/5);
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_THAT(batch->records, SizeIs(5));
}

TEST(ValidateBatchTest, ErrorNamesTheFailingRecord) {
  std::vector<RawAdSetWeek> raw = {RawFor("as_1", "2026-11-02"), RawFor("as_2", "2026-11-02"),
                                   RawFor("as_3", "2026-11-04")};
  absl::StatusOr<ValidatedBatch> batch = ValidateAll(raw);
  EXPECT_EQ(batch.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(batch.status().message()), StartsWith("weeks[2].week_start: "));
}

TEST(ValidateBatchTest, DuplicateAdSetWeekNamesBothIndices) {
  std::vector<RawAdSetWeek> raw = {RawFor("as_1", "2026-11-02"), RawFor("as_2", "2026-11-02"),
                                   RawFor("as_1", "2026-11-09"), RawFor("as_1", "2026-11-02")};
  absl::StatusOr<ValidatedBatch> batch = ValidateAll(raw);
  EXPECT_EQ(batch.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(batch.status().message(),
            "weeks[3].week_start: ad set \"as_1\" week 2026-11-02 already appears at weeks[0]");
}

TEST(ValidateBatchTest, AdSetUnderTwoAccountsIsRefused) {
  std::vector<RawAdSetWeek> raw = {RawFor("as_1", "2026-11-02"), RawFor("as_1", "2026-11-09")};
  raw[1].account_id = "act_2";
  absl::StatusOr<ValidatedBatch> batch = ValidateAll(raw);
  EXPECT_EQ(batch.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(batch.status().message(),
            "weeks[1].account_id: ad set \"as_1\" is under \"act_1\" at weeks[0] but \"act_2\" "
            "here");
}

TEST(ValidateBatchTest, AdSetUnderTwoCampaignsIsRefused) {
  std::vector<RawAdSetWeek> raw = {RawFor("as_1", "2026-11-02"), RawFor("as_2", "2026-11-02"),
                                   RawFor("as_1", "2026-11-09")};
  raw[2].campaign_id = "cmp_2";
  absl::StatusOr<ValidatedBatch> batch = ValidateAll(raw);
  EXPECT_EQ(batch.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(batch.status().message()),
              StartsWith("weeks[2].campaign_id: ad set \"as_1\" is under \"cmp_1\" at weeks[0]"));
}

TEST(ValidateBatchTest, CustomNameWarningsAreDeduplicatedInFirstSeenOrder) {
  std::vector<RawAdSetWeek> raw;
  for (int i = 0; i < 6; ++i)
    raw.push_back(RawFor("as_1", Week::Parse("2026-09-07")->Plus(i).ToString()));
  raw[1].event_counts.push_back({"zeta_event", 1});
  raw[2].event_counts.push_back({"form_strat", 1});
  raw[3].optimization_event = "form_strat";
  raw[3].event_counts.push_back({"form_strat", 2});  // the same record counts once
  raw[5].event_counts.push_back({"form_strat", 3});
  raw[5].event_counts.push_back({"zeta_event", 3});

  absl::StatusOr<ValidatedBatch> batch = ValidateAll(raw);

  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_THAT(batch->warnings,
              ElementsAre("custom event \"zeta_event\" is not a standard event (first seen at "
                          "weeks[1].event_counts, 2 records); stored as is, check the spelling",
                          "custom event \"form_strat\" is not a standard event (first seen at "
                          "weeks[2].event_counts, 3 records); stored as is, check the spelling"));
}

TEST(ValidateBatchTest, UncountedOptimizationEventWarnsOncePerEvent) {
  std::vector<RawAdSetWeek> raw = {RawFor("as_1", "2026-11-02"), RawFor("as_2", "2026-11-02"),
                                   RawFor("as_3", "2026-11-02")};
  raw[1].event_counts = {{"AddToCart", 9}};
  raw[2].event_counts = {};
  absl::StatusOr<ValidatedBatch> batch = ValidateAll(raw);
  ASSERT_TRUE(batch.ok()) << batch.status();
  ASSERT_THAT(batch->warnings, SizeIs(1));
  EXPECT_THAT(batch->warnings[0], HasSubstr("optimization event Purchase has no count (first "
                                            "seen at weeks[1].event_counts, 2 records)"));
}

TEST(ValidateBatchTest, CapsTheNumberOfWarnings) {
  std::vector<RawAdSetWeek> raw = {RawFor("as_1", "2026-11-02")};
  for (int i = 0; i < 150; ++i) raw[0].event_counts.push_back({"custom_" + std::to_string(i), i});
  absl::StatusOr<ValidatedBatch> batch = ValidateAll(raw);
  ASSERT_TRUE(batch.ok()) << batch.status();
  ASSERT_THAT(batch->warnings, SizeIs(101));
  EXPECT_EQ(batch->warnings.back(), "50 more warnings not shown");
}

}  // namespace
}  // namespace rung
