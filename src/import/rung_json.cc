// rung-json: an IngestWeeksRequest in protobuf's JSON mapping, read with
// the same leniency as protobuf's own parser (both the lowerCamelCase and the
// original field names; int64 as a number or a string; enums by name or
// number; null for a default) and its strictness about unknown fields.

#include <iterator>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/text.h"
#include "import/fields.h"
#include "import/formats.h"
#include "import/json_document.h"
#include "rung/status_macros.h"

namespace rung::importer {
namespace {

using nlohmann::json;

enum class Field {
  kAccountId,
  kCampaignId,
  kAdSetId,
  kWeekStart,
  kOptimizationEvent,
  kSpendMicros,
  kEventCounts,
  kReportedLearningStatus,
  kLearningThresholdOverride,
  kLadder,
  kSignificantEdit,
};

struct FieldNames {
  absl::string_view json_name;
  absl::string_view proto_name;
  Field field;
};

// rung.v1.AdSetWeek (proto/rung/v1/ad_set.proto).
constexpr FieldNames kWeekFields[] = {
    {"accountId", "account_id", Field::kAccountId},
    {"campaignId", "campaign_id", Field::kCampaignId},
    {"adSetId", "ad_set_id", Field::kAdSetId},
    {"weekStart", "week_start", Field::kWeekStart},
    {"optimizationEvent", "optimization_event", Field::kOptimizationEvent},
    {"spendMicros", "spend_micros", Field::kSpendMicros},
    {"eventCounts", "event_counts", Field::kEventCounts},
    {"reportedLearningStatus", "reported_learning_status", Field::kReportedLearningStatus},
    {"learningThresholdOverride", "learning_threshold_override", Field::kLearningThresholdOverride},
    {"ladder", "ladder", Field::kLadder},
    {"significantEdit", "significant_edit", Field::kSignificantEdit},
};

// rung.v1.ReportedLearningStatus by number; 0 is UNSPECIFIED.
constexpr absl::string_view kLearningStatusNames[] = {"", "LEARNING", "SUCCESS", "FAIL"};

const FieldNames* FindField(const std::string& key) {
  for (const FieldNames& names : kWeekFields) {
    if (key == names.json_name || key == names.proto_name) return &names;
  }
  return nullptr;
}

absl::Status UnknownField(absl::string_view place, const std::string& key,
                          absl::string_view known) {
  return PlaceError(place, absl::StrCat("unknown field ", Quote(key), "; the fields are ", known));
}

std::string KnownWeekFields() {
  std::vector<absl::string_view> names;
  for (const FieldNames& field : kWeekFields) names.push_back(field.json_name);
  return absl::StrJoin(names, ", ");
}

absl::Status ReadString(const json& value, absl::string_view place, std::string* out) {
  ASSIGN_OR_RETURN(std::optional<std::string> text, OptionalString(value, place));
  *out = std::move(text).value_or("");
  return absl::OkStatus();
}

absl::Status ReadLearningStatus(const json& value, absl::string_view place, std::string* out) {
  if (!value.is_number_integer()) return ReadString(value, place, out);
  const int64_t number = value.get<int64_t>();
  if (number < 0 || number >= static_cast<int64_t>(std::size(kLearningStatusNames))) {
    return PlaceError(place, absl::StrCat(number, " is not a ReportedLearningStatus number (0-",
                                          std::size(kLearningStatusNames) - 1, ")"));
  }
  *out = std::string(kLearningStatusNames[number]);
  return absl::OkStatus();
}

absl::Status ReadBool(const json& value, absl::string_view place, bool* out) {
  if (value.is_null()) return absl::OkStatus();
  if (!value.is_boolean()) {
    return PlaceError(place, absl::StrCat("expected true or false, got ", value.type_name()));
  }
  *out = value.get<bool>();
  return absl::OkStatus();
}

absl::Status ReadEventCounts(const json& value, absl::string_view place,
                             std::vector<std::pair<std::string, int64_t>>* out) {
  if (value.is_null()) return absl::OkStatus();
  RETURN_IF_ERROR(CheckObject(value, place));
  for (const auto& [event, count_value] : value.items()) {
    const std::string count_place = absl::StrCat(place, "[", Quote(event), "]");
    ASSIGN_OR_RETURN(const std::optional<int64_t> count, OptionalInt64(count_value, count_place));
    if (!count) return PlaceError(count_place, "a count must not be null");
    out->emplace_back(event, *count);
  }
  return absl::OkStatus();
}

absl::Status ReadField(Field field, const json& value, absl::string_view place,
                       RawAdSetWeek* week) {
  switch (field) {
    case Field::kAccountId: return ReadString(value, place, &week->account_id);
    case Field::kCampaignId: return ReadString(value, place, &week->campaign_id);
    case Field::kAdSetId: return ReadString(value, place, &week->ad_set_id);
    case Field::kWeekStart: return ReadString(value, place, &week->week_start);
    case Field::kOptimizationEvent: return ReadString(value, place, &week->optimization_event);
    case Field::kLadder: return ReadString(value, place, &week->ladder);
    case Field::kReportedLearningStatus:
      return ReadLearningStatus(value, place, &week->reported_learning_status);
    case Field::kSignificantEdit: return ReadBool(value, place, &week->significant_edit);
    case Field::kEventCounts: return ReadEventCounts(value, place, &week->event_counts);
    case Field::kSpendMicros: {
      ASSIGN_OR_RETURN(week->spend_micros, OptionalInt64(value, place));
      return absl::OkStatus();
    }
    case Field::kLearningThresholdOverride: {
      ASSIGN_OR_RETURN(week->learning_threshold_override, OptionalInt64(value, place));
      return absl::OkStatus();
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<RawAdSetWeek> ReadWeek(const json& element, const std::string& place) {
  RETURN_IF_ERROR(CheckObject(element, place));
  RawAdSetWeek week;
  // The key each field was read from, to refuse a field given twice.
  std::vector<std::pair<Field, std::string>> seen;
  for (const auto& [key, value] : element.items()) {
    const FieldNames* names = FindField(key);
    if (names == nullptr) return UnknownField(place, key, KnownWeekFields());
    for (const auto& [field, earlier_key] : seen) {
      if (field == names->field) {
        return PlaceError(place, absl::StrCat("field ", Quote(earlier_key),
                                              " is given twice, also as ", Quote(key)));
      }
    }
    seen.emplace_back(names->field, key);
    RETURN_IF_ERROR(ReadField(names->field, value, MemberPlace(place, key), &week));
  }
  return week;
}

}  // namespace

absl::StatusOr<ImportedFile> ReadRungJson(const json& document) {
  constexpr absl::string_view kPlace = "the request";
  RETURN_IF_ERROR(CheckObject(document, kPlace));
  ImportedFile file;
  const json* weeks = nullptr;
  std::string request_id_key;
  for (const auto& [key, value] : document.items()) {
    if (key == "weeks") {
      weeks = &value;
    } else if (key == "requestId" || key == "request_id") {
      if (!request_id_key.empty()) {
        return PlaceError(kPlace, absl::StrCat("field ", Quote(request_id_key),
                                               " is given twice, also as ", Quote(key)));
      }
      request_id_key = key;
      RETURN_IF_ERROR(ReadString(value, key, &file.request_id));
    } else {
      return UnknownField(kPlace, key, "weeks, requestId");
    }
  }
  if (weeks == nullptr || weeks->is_null()) return file;
  RETURN_IF_ERROR(CheckArray(*weeks, "weeks"));
  for (size_t i = 0; i < weeks->size(); ++i) {
    std::string place = ElementPlace("weeks", i);
    ASSIGN_OR_RETURN(RawAdSetWeek week, ReadWeek((*weeks)[i], place));
    file.records.push_back({std::move(week), std::move(place)});
  }
  return file;
}

}  // namespace rung::importer
