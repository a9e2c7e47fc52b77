#ifndef RUNG_META_META_OBJECTS_H_
#define RUNG_META_META_OBJECTS_H_

// Meta's ad account and ad set objects as the sync reads them
// (meta-connector.md, "Calls" 1 and 2). Errors are INVALID_ARGUMENT naming
// the member ("promoted_object.custom_event_type: ..."); nothing here calls
// Meta, so every reader is a fuzz target.

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"

namespace rung::meta {

struct MetaAccount {
  std::string account_id;  // "act_" and digits
  std::string name;
  std::string currency;
  std::string time_zone;  // as Meta names it ("America/Los_Angeles")
};

// GET act_{id}?fields=id,name,currency,timezone_name
absl::StatusOr<MetaAccount> ReadAccount(const nlohmann::json& object);

struct MetaAdSet {
  std::string id;
  std::string name;
  std::string campaign_id;
  // The rung it optimizes for, as rungd stores events: a standard event
  // ("AddToCart"), "PageView" for landing page views, or a custom
  // conversion's Insights action type ("offsite_conversion.custom.<id>").
  std::string event;
  // learning_stage_info.status ("LEARNING", "SUCCESS", "FAIL"); empty when
  // Meta gave none (it only does for active ad sets on a conversion goal).
  std::string learning_status;
  std::optional<absl::Time> last_significant_edit;
  // Meta's per-ad-set conversions threshold, where it answers one.
  std::optional<int64_t> learning_threshold;
  // The ad set this one was copied from; empty when it is no copy.
  std::string source_adset_id;
  std::string effective_status;
};

// Ad set fields `rungctl sync` asks for.
inline constexpr char kAdSetFields[] =
    "id,name,account_id,campaign_id,optimization_goal,promoted_object,learning_stage_info,"
    "source_adset_id,effective_status";

// One item of act_{id}/adsets. An ad set whose optimization event is none
// of the rungs (a reach or traffic goal, a custom event without a
// conversion) is FAILED_PRECONDITION naming it and what it optimizes for:
// the sync skips it with a warning.
absl::StatusOr<MetaAdSet> ReadAdSet(const nlohmann::json& item);

// What `rungctl apply` reads of an ad set to check it and to copy it
// (acting-on-meta.md). Members that are JSON on Meta are kept as JSON text,
// to be sent back as they came; money is in the currency's minor unit.
struct AdSetSettings {
  std::string id;
  std::string name;
  std::string campaign_id;
  std::string effective_status;
  std::string optimization_goal;
  std::string billing_event;
  std::string bid_strategy;
  std::optional<int64_t> bid_amount;
  // Both none under a campaign budget.
  std::optional<int64_t> daily_budget;
  std::optional<int64_t> lifetime_budget;
  std::string end_time;  // as Meta wrote it; empty: none
  std::string targeting;
  std::string promoted_object;  // empty: none
  std::string attribution_spec;
  std::string destination_type;
  std::string pacing_type;
  // The rung, named as MetaAdSet::event is, or a custom event's name.
  std::string event;
};

// Ad set fields that ReadAdSetSettings reads.
inline constexpr char kAdSetSettingsFields[] =
    "name,campaign_id,effective_status,targeting,billing_event,optimization_goal,bid_strategy,"
    "bid_amount,daily_budget,lifetime_budget,end_time,promoted_object,attribution_spec,"
    "destination_type,pacing_type";

// `GET {ad_set_id}?fields=kAdSetSettingsFields`. Besides ReadAdSet's events,
// a custom event (custom_event_type OTHER with custom_event_str) is read as
// its name, since apply writes custom events so. An ad set that optimizes for
// no rung is FAILED_PRECONDITION naming it.
absl::StatusOr<AdSetSettings> ReadAdSetSettings(const nlohmann::json& object);

// How Meta is told to optimize for an event.
struct Optimization {
  std::string goal;
  std::string promoted_object;  // JSON text; empty: none
};

// The reverse of ReadAdSet's mapping: `original`'s goal and promoted_object
// with `event` in place of its event. A standard event becomes its
// custom_event_type, a custom conversion ("offsite_conversion.custom.<id>")
// custom_conversion_id, any other event custom_event_type OTHER with
// custom_event_str; PageView becomes the LANDING_PAGE_VIEWS goal with no
// event, and leaving PageView the OFFSITE_CONVERSIONS goal. The other members
// (pixel_id, ...) stay. INVALID_ARGUMENT for a standard event Meta cannot
// optimize for.
absl::StatusOr<Optimization> OptimizationFor(const std::string& event,
                                             const AdSetSettings& original);

}  // namespace rung::meta

#endif  // RUNG_META_META_OBJECTS_H_
