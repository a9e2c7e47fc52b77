// Record validation and event-name normalization. The bytes become a small
// batch of raw records whose fields are often drawn from plausible values, so
// that many records pass and the checks on accepted records run; every record
// validation accepts must keep the promises AdSetWeek makes.

#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "fuzz_check.h"
#include "rung/events.h"
#include "rung/validation.h"

namespace {

constexpr absl::CivilDay kToday(2026, 11, 18);

const char* const kIds[] = {"act_1", "c1", "as1", "as2", "x"};
const char* const kWeeks[] = {"2026-11-09", "2026-11-02", "2026-11-16", "2026-11-23",
                              "2026-11-11", "1999-12-27", "2000-01-03", "2026-02-30"};
const char* const kEvents[] = {"Purchase",
                               "AddToCart",
                               "add_to_cart",
                               "omni_initiated_checkout",
                               "offsite_conversion.fb_pixel_purchase",
                               "onsite_web_add_to_cart",
                               "ADD_TO_CART",
                               "view_item",
                               "app_open",
                               "Lead",
                               "1bad",
                               ""};
const char* const kLearning[] = {"",
                                 "LEARNING",
                                 "SUCCESS",
                                 "FAIL",
                                 "REPORTED_LEARNING_STATUS_UNSPECIFIED",
                                 "REPORTED_LEARNING_STATUS_FAIL"};
const char* const kLadders[] = {"", "ecommerce", "lead_generation", "subscription", "nope"};

template <size_t N>
std::string Field(FuzzedDataProvider& data, const char* const (&plausible)[N]) {
  if (data.ConsumeBool()) return data.PickValueInArray(plausible);
  return data.ConsumeRandomLengthString(140);
}

int64_t Count(FuzzedDataProvider& data) {
  if (data.ConsumeBool()) return data.ConsumeIntegralInRange<int64_t>(0, 1000);
  return data.ConsumeIntegral<int64_t>();
}

std::optional<int64_t> MaybeCount(FuzzedDataProvider& data) {
  if (!data.ConsumeBool()) return std::nullopt;
  return Count(data);
}

rung::RawAdSetWeek ConsumeRecord(FuzzedDataProvider& data) {
  rung::RawAdSetWeek raw;
  raw.account_id = Field(data, kIds);
  raw.campaign_id = Field(data, kIds);
  raw.ad_set_id = Field(data, kIds);
  raw.week_start = Field(data, kWeeks);
  raw.optimization_event = Field(data, kEvents);
  raw.spend_micros = MaybeCount(data);
  const int events = data.ConsumeIntegralInRange(0, 6);
  for (int i = 0; i < events; ++i) raw.event_counts.emplace_back(Field(data, kEvents), Count(data));
  raw.reported_learning_status = Field(data, kLearning);
  raw.learning_threshold_override = MaybeCount(data);
  raw.ladder = Field(data, kLadders);
  raw.significant_edit = data.ConsumeBool();
  return raw;
}

// What a caller would send to get `record` stored: validating it again must
// give the same record (normalization is idempotent).
rung::RawAdSetWeek ToRaw(const rung::AdSetWeek& record) {
  static const char* const kLearningNames[] = {"", "LEARNING", "SUCCESS", "FAIL"};
  rung::RawAdSetWeek raw;
  raw.account_id = record.account_id;
  raw.campaign_id = record.campaign_id;
  raw.ad_set_id = record.ad_set_id;
  raw.week_start = record.week.ToString();
  raw.optimization_event = record.optimization_event;
  raw.spend_micros = record.spend_micros;
  raw.event_counts.assign(record.event_counts.begin(), record.event_counts.end());
  raw.reported_learning_status = kLearningNames[static_cast<int>(record.reported_learning)];
  raw.learning_threshold_override = record.learning_threshold_override;
  raw.ladder = record.ladder;
  raw.significant_edit = record.significant_edit;
  return raw;
}

// Stored names are canonical, or custom names kept verbatim.
bool IsStoredEventName(const std::string& name) {
  if (rung::IsCanonicalEvent(name)) return true;
  const absl::StatusOr<rung::NormalizedEvent> again = rung::NormalizeEventName(name);
  return again.ok() && again->kind == rung::EventNameKind::kCustom && again->name == name;
}

void CheckNormalization(const std::string& raw) {
  const absl::StatusOr<rung::NormalizedEvent> event = rung::NormalizeEventName(raw);
  if (!event.ok()) {
    FUZZ_CHECK(absl::IsInvalidArgument(event.status()));
    return;
  }
  FUZZ_CHECK((event->kind == rung::EventNameKind::kCanonical) == rung::IsCanonicalEvent(raw));
  FUZZ_CHECK(event->kind == rung::EventNameKind::kAlias || event->name == raw);
  FUZZ_CHECK(IsStoredEventName(event->name));
}

void CheckAccepted(const rung::AdSetWeek& record, const rung::LadderRegistry& ladders) {
  FUZZ_CHECK(absl::GetWeekday(record.week.monday()) == absl::Weekday::monday);
  FUZZ_CHECK(record.week.monday() <= kToday);
  FUZZ_CHECK(IsStoredEventName(record.optimization_event));
  for (const auto& [name, count] : record.event_counts) {
    FUZZ_CHECK(IsStoredEventName(name));
    FUZZ_CHECK(count >= 0 && count <= rung::kMaxEventCount);
  }
  FUZZ_CHECK(!record.spend_micros.has_value() || *record.spend_micros >= 0);
  for (const std::string* id : {&record.account_id, &record.campaign_id, &record.ad_set_id}) {
    FUZZ_CHECK(!id->empty() && id->size() <= static_cast<size_t>(rung::kMaxIdLength));
  }
  std::vector<std::string> warnings;
  const absl::StatusOr<rung::AdSetWeek> again =
      rung::ValidateRecord(ToRaw(record), 0, ladders, kToday, &warnings);
  FUZZ_CHECK(again.ok() && *again == record);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  static const rung::LadderRegistry ladders = rung::LadderRegistry::BuiltIn();
  FuzzedDataProvider data(bytes, size);
  std::vector<rung::RawAdSetWeek> batch(data.ConsumeIntegralInRange(0, 4));
  for (rung::RawAdSetWeek& raw : batch) raw = ConsumeRecord(data);

  for (size_t i = 0; i < batch.size(); ++i) {
    CheckNormalization(batch[i].optimization_event);
    for (const auto& entry : batch[i].event_counts) CheckNormalization(entry.first);
    std::vector<std::string> warnings;
    const absl::StatusOr<rung::AdSetWeek> record =
        rung::ValidateRecord(batch[i], i, ladders, kToday, &warnings);
    if (record.ok()) {
      CheckAccepted(*record, ladders);
    } else {
      FUZZ_CHECK(absl::IsInvalidArgument(record.status()));
      FUZZ_CHECK(absl::StartsWith(record.status().message(), absl::StrCat("weeks[", i, "].")));
    }
  }

  rung::ValidationOptions options;
  options.today = kToday;
  options.max_batch_size = 3;
  const absl::StatusOr<rung::ValidatedBatch> validated =
      rung::ValidateBatch(batch, ladders, options);
  if (validated.ok()) {
    FUZZ_CHECK(validated->records.size() == batch.size());
  } else if (batch.size() > 3) {
    FUZZ_CHECK(absl::IsResourceExhausted(validated.status()));
  } else {
    FUZZ_CHECK(absl::IsInvalidArgument(validated.status()));
    FUZZ_CHECK(absl::StartsWith(validated.status().message(), "weeks["));
  }
  return 0;
}
