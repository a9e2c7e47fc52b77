#include "meta/meta_objects.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "import/fields.h"
#include "import/json_document.h"
#include "rung/events.h"
#include "rung/status_macros.h"

namespace rung::meta {
namespace {

using importer::CheckObject;
using importer::OptionalInt64;
using importer::OptionalString;
using nlohmann::json;

constexpr char kPageViewGoal[] = "LANDING_PAGE_VIEWS";
constexpr char kPageView[] = "PageView";
constexpr char kOtherEventType[] = "OTHER";
// The promoted_object members that name the event.
constexpr const char* kEventMembers[] = {"custom_event_type", "custom_event_str",
                                         "custom_conversion_id"};
absl::StatusOr<std::string> StringAt(const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end()) return std::string();
  ASSIGN_OR_RETURN(std::optional<std::string> value, OptionalString(*it, key));
  return std::move(value).value_or("");
}

absl::StatusOr<std::string> RequiredStringAt(const json& object, const char* key) {
  ASSIGN_OR_RETURN(std::string value, StringAt(object, key));
  if (value.empty()) return absl::InvalidArgumentError(absl::StrCat(key, ": missing"));
  return value;
}

absl::StatusOr<std::optional<int64_t>> IntAt(const json& object, const char* key,
                                             const std::string& place) {
  const auto it = object.find(key);
  if (it == object.end()) return std::optional<int64_t>();
  return OptionalInt64(*it, place);
}

// The event of promoted_object and optimization_goal, or why there is none.
absl::StatusOr<std::string> OptimizationEvent(const json& item, const std::string& goal) {
  const auto promoted = item.find("promoted_object");
  if (promoted != item.end() && !promoted->is_null()) {
    RETURN_IF_ERROR(CheckObject(*promoted, "promoted_object"));
    ASSIGN_OR_RETURN(const std::string conversion, StringAt(*promoted, "custom_conversion_id"));
    if (!conversion.empty()) return absl::StrCat(kCustomConversionEventPrefix, conversion);
    ASSIGN_OR_RETURN(const std::string type, StringAt(*promoted, "custom_event_type"));
    if (!type.empty()) {
      if (std::optional<std::string> event = EventOfCustomEventType(type)) return *event;
      return absl::FailedPreconditionError(
          absl::StrCat("optimizes for custom_event_type ", type, ", which is no rung"));
    }
  }
  if (goal == kPageViewGoal) return std::string(kPageView);
  return absl::FailedPreconditionError(absl::StrCat(
      "optimizes for ", goal.empty() ? "no conversion event" : goal, ", which is no rung"));
}

absl::Status ReadLearningStage(const json& item, MetaAdSet* ad_set) {
  const auto info = item.find("learning_stage_info");
  if (info == item.end() || info->is_null()) return absl::OkStatus();
  RETURN_IF_ERROR(CheckObject(*info, "learning_stage_info"));
  ASSIGN_OR_RETURN(ad_set->learning_status, StringAt(*info, "status"));
  ASSIGN_OR_RETURN(const std::optional<int64_t> edit,
                   IntAt(*info, "last_sig_edit_ts", "learning_stage_info.last_sig_edit_ts"));
  if (edit.has_value() && *edit > 0) ad_set->last_significant_edit = absl::FromUnixSeconds(*edit);
  // Meta's reference lists no threshold member of learning_stage_info; the
  // name ladder-policy.md gives is read when an answer carries it.
  ASSIGN_OR_RETURN(ad_set->learning_threshold,
                   IntAt(*info, "dynamic_lp_conversions_threshold",
                         "learning_stage_info.dynamic_lp_conversions_threshold"));
  return absl::OkStatus();
}

// A member kept as JSON text; empty when absent or null.
std::string JsonTextAt(const json& object, const char* key) {
  const auto it = object.find(key);
  return it == object.end() || it->is_null() ? std::string() : it->dump();
}

// Money and bids: Meta writes them as strings of minor units; "0" is none.
absl::StatusOr<std::optional<int64_t>> AmountAt(const json& object, const char* key) {
  ASSIGN_OR_RETURN(std::optional<int64_t> amount, IntAt(object, key, key));
  if (amount.has_value() && *amount <= 0) return std::optional<int64_t>();
  return amount;
}

// A custom event's name, as apply writes it; empty for any other event.
absl::StatusOr<std::string> CustomEventName(const json& item) {
  const auto promoted = item.find("promoted_object");
  if (promoted == item.end() || !promoted->is_object()) return std::string();
  ASSIGN_OR_RETURN(const std::string type, StringAt(*promoted, "custom_event_type"));
  if (type != kOtherEventType) return std::string();
  return StringAt(*promoted, "custom_event_str");
}

}  // namespace

absl::StatusOr<MetaAccount> ReadAccount(const json& object) {
  RETURN_IF_ERROR(CheckObject(object, "account"));
  MetaAccount account;
  ASSIGN_OR_RETURN(const std::string id, RequiredStringAt(object, "id"));
  account.account_id = importer::MetaAccountId(id);
  ASSIGN_OR_RETURN(account.name, StringAt(object, "name"));
  ASSIGN_OR_RETURN(account.currency, StringAt(object, "currency"));
  ASSIGN_OR_RETURN(account.time_zone, StringAt(object, "timezone_name"));
  return account;
}

absl::StatusOr<MetaAdSet> ReadAdSet(const json& item) {
  RETURN_IF_ERROR(CheckObject(item, "ad set"));
  MetaAdSet ad_set;
  ASSIGN_OR_RETURN(ad_set.id, RequiredStringAt(item, "id"));
  ASSIGN_OR_RETURN(ad_set.name, StringAt(item, "name"));
  ASSIGN_OR_RETURN(ad_set.campaign_id, RequiredStringAt(item, "campaign_id"));
  ASSIGN_OR_RETURN(ad_set.effective_status, StringAt(item, "effective_status"));
  ASSIGN_OR_RETURN(ad_set.source_adset_id, StringAt(item, "source_adset_id"));
  // Meta answers "0" for an ad set that was not copied.
  if (ad_set.source_adset_id == "0") ad_set.source_adset_id.clear();
  ASSIGN_OR_RETURN(const std::string goal, StringAt(item, "optimization_goal"));
  absl::StatusOr<std::string> event = OptimizationEvent(item, goal);
  if (!event.ok()) {
    return absl::Status(event.status().code(),
                        absl::StrCat("ad set ", ad_set.id, ": ", event.status().message()));
  }
  ad_set.event = *std::move(event);
  RETURN_IF_ERROR(ReadLearningStage(item, &ad_set));
  return ad_set;
}

absl::StatusOr<AdSetSettings> ReadAdSetSettings(const json& object) {
  RETURN_IF_ERROR(CheckObject(object, "ad set"));
  AdSetSettings settings;
  ASSIGN_OR_RETURN(settings.id, RequiredStringAt(object, "id"));
  ASSIGN_OR_RETURN(settings.name, StringAt(object, "name"));
  ASSIGN_OR_RETURN(settings.campaign_id, RequiredStringAt(object, "campaign_id"));
  for (const auto& [key, field] :
       {std::pair<const char*, std::string*>{"effective_status", &settings.effective_status},
        {"optimization_goal", &settings.optimization_goal},
        {"billing_event", &settings.billing_event},
        {"bid_strategy", &settings.bid_strategy},
        {"end_time", &settings.end_time},
        {"destination_type", &settings.destination_type}}) {
    ASSIGN_OR_RETURN(*field, StringAt(object, key));
  }
  for (const auto& [key, field] :
       {std::pair<const char*, std::optional<int64_t>*>{"bid_amount", &settings.bid_amount},
        {"daily_budget", &settings.daily_budget},
        {"lifetime_budget", &settings.lifetime_budget}}) {
    ASSIGN_OR_RETURN(*field, AmountAt(object, key));
  }
  settings.targeting = JsonTextAt(object, "targeting");
  settings.promoted_object = JsonTextAt(object, "promoted_object");
  settings.attribution_spec = JsonTextAt(object, "attribution_spec");
  settings.pacing_type = JsonTextAt(object, "pacing_type");
  ASSIGN_OR_RETURN(settings.event, CustomEventName(object));
  if (!settings.event.empty()) return settings;
  absl::StatusOr<std::string> event = OptimizationEvent(object, settings.optimization_goal);
  if (!event.ok()) {
    return absl::Status(event.status().code(),
                        absl::StrCat("ad set ", settings.id, ": ", event.status().message()));
  }
  settings.event = *std::move(event);
  return settings;
}

absl::StatusOr<Optimization> OptimizationFor(const std::string& event,
                                             const AdSetSettings& original) {
  json promoted = original.promoted_object.empty()
                      ? json::object()
                      : json::parse(original.promoted_object, nullptr, /*allow_exceptions=*/false);
  if (!promoted.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat("ad set ", original.id, ": promoted_object is no JSON object"));
  }
  for (const char* member : kEventMembers) promoted.erase(member);
  if (const absl::Status named = NormalizeEventName(event).status(); !named.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("event ", event, ": ", named.message()));
  }
  // The event's members as the connector's table writes them
  // (MetaOptimizationOf), in place of O's.
  const MetaOptimization target = MetaOptimizationOf(event);
  for (const auto& [member, value] :
       {std::pair<const char*, const std::string&>{"custom_event_type", target.custom_event_type},
        {"custom_event_str", target.custom_event_str},
        {"custom_conversion_id", target.custom_conversion_id}}) {
    if (!value.empty()) promoted[member] = value;
  }
  Optimization optimization;
  optimization.goal = target.optimization_goal;
  if (!promoted.empty()) optimization.promoted_object = promoted.dump();
  return optimization;
}

}  // namespace rung::meta
