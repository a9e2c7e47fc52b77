// insights-json: a Graph API Insights response for level=adset and
// time_increment=7, as saved from the API ({"data": [...], "paging": {...}}).
// Every row is one ad set in one week; Meta writes every number as a string.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/text.h"
#include "import/fields.h"
#include "import/formats.h"
#include "import/insights_rows.h"
#include "import/json_document.h"
#include "import/meta_rows.h"
#include "rung/status_macros.h"

namespace rung::importer {
namespace {

using nlohmann::json;

// Below every Insights spelling of a standard event (InsightsAliasPriority).
constexpr int kLowestAliasPriority = 5;

constexpr absl::string_view kDateAdvice =
    "request time_increment=7 with a time_range that starts on a Monday and ends on a Sunday";

// The Graph API's error object, quoted so that its message reaches the user.
absl::Status GraphError(const json& error) {
  if (!error.is_object() || !error.contains("message") || !error["message"].is_string()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the file holds a Graph API error instead of Insights data: ", error.dump()));
  }
  std::vector<std::string> details;
  if (error.contains("type") && error["type"].is_string()) {
    details.push_back(error["type"].get<std::string>());
  }
  if (error.contains("code")) details.push_back(absl::StrCat("code ", error["code"].dump()));
  return absl::InvalidArgumentError(
      absl::StrCat("the file holds a Graph API error instead of Insights data: ",
                   // In full: Meta's message is the one thing the user must read.
                   JsonQuote(error["message"].get<std::string>()),
                   details.empty() ? "" : absl::StrCat(" (", absl::StrJoin(details, ", "), ")")));
}

absl::StatusOr<std::optional<std::string>> Member(const json& row, absl::string_view key,
                                                  absl::string_view place) {
  const auto it = row.find(key);
  if (it == row.end()) return std::optional<std::string>();
  return OptionalString(*it, MemberPlace(place, key));
}

absl::StatusOr<std::string> RequiredString(const json& row, absl::string_view key,
                                           absl::string_view place) {
  ASSIGN_OR_RETURN(std::optional<std::string> value, Member(row, key, place));
  if (!value || value->empty()) {
    return PlaceError(MemberPlace(place, key),
                      absl::StrCat("missing; add ", key, " to the request's fields"));
  }
  return std::move(*value);
}

absl::StatusOr<std::string> AdSetId(const json& row, absl::string_view place) {
  if (row.contains("adset_id")) return RequiredString(row, "adset_id", place);
  if (row.contains("ad_set_id")) return RequiredString(row, "ad_set_id", place);
  return RequiredString(row, "adset_id", place);
}

absl::StatusOr<std::optional<int64_t>> Spend(const json& row, absl::string_view place) {
  const auto it = row.find("spend");
  if (it == row.end() || it->is_null()) return std::optional<int64_t>();
  const std::string spend_place = MemberPlace(place, "spend");
  if (!it->is_string()) {
    return PlaceError(spend_place,
                      absl::StrCat("expected a string such as \"123.45\", as Meta writes it, got ",
                                   it->type_name(), " (a JSON number may have been rounded)"));
  }
  absl::StatusOr<int64_t> micros = ParseAmountMicros(it->get<std::string>());
  if (!micros.ok()) return PlaceError(spend_place, micros.status().message());
  return std::optional<int64_t>(*micros);
}

// learning_stage_info.status (LEARNING, SUCCESS, FAIL) when the export
// merged that ad set field in; the daemon checks the value.
absl::StatusOr<std::string> LearningStatus(const json& row, absl::string_view place) {
  const auto info = row.find("learning_stage_info");
  if (info == row.end() || info->is_null()) return std::string();
  const std::string info_place = MemberPlace(place, "learning_stage_info");
  RETURN_IF_ERROR(CheckObject(*info, info_place));
  ASSIGN_OR_RETURN(std::optional<std::string> status, Member(*info, "status", info_place));
  return std::move(status).value_or("");
}

absl::StatusOr<std::string> RequiredActionField(const json& action, absl::string_view key,
                                                const std::string& place) {
  RETURN_IF_ERROR(CheckObject(action, place));
  ASSIGN_OR_RETURN(std::optional<std::string> value, Member(action, key, place));
  if (!value || value->empty()) return PlaceError(MemberPlace(place, key), "missing");
  return std::move(*value);
}

// {action_type, value} of one action; errors name `place`.
absl::StatusOr<std::pair<std::string, int64_t>> ReadAction(const json& action,
                                                           const std::string& place) {
  ASSIGN_OR_RETURN(std::string type, RequiredActionField(action, "action_type", place));
  const std::string value_place = MemberPlace(place, "value");
  const auto value = action.find("value");
  ASSIGN_OR_RETURN(const std::optional<int64_t> count, value != action.end()
                                                           ? OptionalInt64(*value, value_place)
                                                           : std::optional<int64_t>());
  if (!count) return PlaceError(value_place, "missing");
  return std::make_pair(std::move(type), *count);
}

// The week of a row's dates. Checked without the places first, as in
// ReadAction: they are built only to explain a refusal.
absl::StatusOr<std::string> WeekOfRow(const std::string& start, const std::string& stop,
                                      const std::string& place) {
  absl::StatusOr<std::string> week =
      WeekOfReportingDates(start, stop, {"", "", "date_start", kDateAdvice});
  if (week.ok()) return week;
  return WeekOfReportingDates(start, stop,
                              {MemberPlace(place, "date_start"), MemberPlace(place, "date_stop"),
                               "date_start", kDateAdvice});
}

}  // namespace

absl::StatusOr<RawAdSetWeek> InsightsRowReader::ReadRow(const json& row, const std::string& place,
                                                        absl::string_view optimization_event) {
  RETURN_IF_ERROR(CheckObject(row, place));
  RawAdSetWeek week;
  ASSIGN_OR_RETURN(week.account_id, AccountId(row, place));
  ASSIGN_OR_RETURN(week.campaign_id, RequiredString(row, "campaign_id", place));
  ASSIGN_OR_RETURN(week.ad_set_id, AdSetId(row, place));
  ASSIGN_OR_RETURN(const std::string start, RequiredString(row, "date_start", place));
  ASSIGN_OR_RETURN(const std::string stop, RequiredString(row, "date_stop", place));
  ASSIGN_OR_RETURN(week.week_start, WeekOfRow(start, stop, place));
  ASSIGN_OR_RETURN(week.spend_micros, Spend(row, place));
  ASSIGN_OR_RETURN(week.optimization_event, OptimizationEvent(row, place, optimization_event));
  ASSIGN_OR_RETURN(week.reported_learning_status, LearningStatus(row, place));
  EventAliases aliases;
  RETURN_IF_ERROR(AddActions(row, "actions", place, &aliases));
  RETURN_IF_ERROR(AddActions(row, "conversions", place, &aliases));
  ASSIGN_OR_RETURN(week.event_counts, aliases.Resolve(
                                          [&] {
                                            return absl::StrCat(place, " (ad set ", week.ad_set_id,
                                                                ", week ", week.week_start, ")");
                                          },
                                          &notes_));
  return week;
}

void InsightsRowReader::CountActionTypeAs(std::string action_type, std::string event) {
  extra_action_types_[std::move(action_type)] = std::move(event);
}

std::vector<std::string> InsightsRowReader::TakeNotes() {
  if (!skipped_.empty()) {
    notes_.push_back(absl::StrCat("action types that are not standard events were skipped: ",
                                  absl::StrJoin(skipped_, ", ")));
    skipped_.clear();
  }
  return std::exchange(notes_, {});
}

absl::StatusOr<std::string> InsightsRowReader::AccountId(const json& row,
                                                         absl::string_view place) const {
  if (!row.contains("account_id") && !options_.default_account_id.empty()) {
    return options_.default_account_id;
  }
  ASSIGN_OR_RETURN(const std::string id, RequiredString(row, "account_id", place));
  return MetaAccountId(id);
}

// The row's own optimization_event, else its ad set's
// promoted_object.custom_event_type (when the export merged ad set fields
// in), else the fallback, else the default; Insights itself never says.
absl::StatusOr<std::string> InsightsRowReader::OptimizationEvent(const json& row,
                                                                 absl::string_view place,
                                                                 absl::string_view fallback) const {
  ASSIGN_OR_RETURN(std::optional<std::string> event, Member(row, "optimization_event", place));
  if (event && !event->empty()) return std::move(*event);
  const auto promoted = row.find("promoted_object");
  if (promoted != row.end() && !promoted->is_null()) {
    const std::string promoted_place = MemberPlace(place, "promoted_object");
    RETURN_IF_ERROR(CheckObject(*promoted, promoted_place));
    ASSIGN_OR_RETURN(event, Member(*promoted, "custom_event_type", promoted_place));
    if (event && !event->empty()) return std::move(*event);
  }
  if (!fallback.empty()) return std::string(fallback);
  if (!options_.default_optimization_event.empty()) return options_.default_optimization_event;
  return PlaceError(MemberPlace(place, "optimization_event"),
                    "Insights rows do not say which event the ad set optimized for; pass "
                    "--optimization-event (or add optimization_event to each row)");
}

absl::Status InsightsRowReader::AddActions(const json& row, absl::string_view key,
                                           absl::string_view place, EventAliases* aliases) {
  const auto found = row.find(key);
  if (found == row.end() || found->is_null()) return absl::OkStatus();
  const json& actions = *found;
  if (!actions.is_array()) return CheckArray(actions, MemberPlace(place, key));
  size_t index = 0;
  for (const json& action : actions) {
    // Read without a place first: the names of places cost more than the
    // reading, and only an error needs them (then it is read again with it).
    absl::StatusOr<std::pair<std::string, int64_t>> read = ReadAction(action, "");
    if (!read.ok()) read = ReadAction(action, ElementPlace(MemberPlace(place, key), index));
    if (!read.ok()) return read.status();
    ++index;
    const auto& [type, count] = *read;
    if (const auto extra = extra_action_types_.find(type); extra != extra_action_types_.end()) {
      aliases->Add(extra->second, type, kLowestAliasPriority, count);
      continue;
    }
    const std::optional<ActionEvent> event = EventOfActionType(type, key == "conversions");
    if (!event) {
      skipped_.insert(type);
      continue;
    }
    aliases->Add(event->event, type, event->priority, count);
  }
  return absl::OkStatus();
}

absl::StatusOr<ImportedFile> ReadInsightsJson(const json& document, const ImportOptions& options) {
  if (document.is_object() && document.contains("error")) return GraphError(document["error"]);
  if (!document.is_object() || !document.contains("data")) {
    return absl::InvalidArgumentError(
        "an Insights response is a JSON object with a \"data\" array of rows; this file has none");
  }
  const json& data = document["data"];
  RETURN_IF_ERROR(CheckArray(data, "data"));
  InsightsRowReader reader(options);
  ImportedFile file;
  for (size_t i = 0; i < data.size(); ++i) {
    std::string place = ElementPlace("data", i);
    ASSIGN_OR_RETURN(RawAdSetWeek week, reader.ReadRow(data[i], place));
    file.records.push_back({std::move(week), std::move(place)});
  }
  file.notes = reader.TakeNotes();
  return file;
}

}  // namespace rung::importer
