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

}  // namespace rung::meta

#endif  // RUNG_META_META_OBJECTS_H_
