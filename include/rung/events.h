#ifndef RUNG_EVENTS_H_
#define RUNG_EVENTS_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace rung {

// How a raw event name was recognized.
enum class EventNameKind {
  kCanonical,  // one of Meta's standard event names, as is
  kAlias,      // a GA4, Insights action_type or custom_event_type spelling
  kCustom,     // any other well-formed name, stored verbatim
};

struct NormalizedEvent {
  std::string name;  // the canonical name, or the custom name verbatim
  EventNameKind kind;
};

// Maps a raw event name to what is stored. Fails (INVALID_ARGUMENT, no field
// prefix: the caller knows the field) when the name is not of the form
// [A-Za-z][A-Za-z0-9_.:-]{0,63}.
absl::StatusOr<NormalizedEvent> NormalizeEventName(std::string_view raw);

// True for Meta's standard event names such as "AddToCart".
bool IsCanonicalEvent(std::string_view name);

// The standard event of a Meta promoted_object.custom_event_type such as
// "ADD_TO_CART" or "INITIATED_CHECKOUT"; nullopt for any other text
// ("OTHER", a GA4 name). The same table gives the reverse for writing.
std::optional<std::string> EventOfCustomEventType(std::string_view custom_event_type);

// A custom conversion's event name is its Insights action type: this prefix
// and the conversion's id.
inline constexpr char kCustomConversionEventPrefix[] = "offsite_conversion.custom.";

// How Meta's ad set API is told to optimize for `event` (acting-on-meta.md):
// a standard event as promoted_object.custom_event_type, a custom conversion
// ("offsite_conversion.custom.<id>") as custom_conversion_id, any other
// custom event as custom_event_type OTHER with custom_event_str, and
// PageView as the LANDING_PAGE_VIEWS goal with no event. Members that do
// not apply are empty.
struct MetaOptimization {
  std::string optimization_goal;
  std::string custom_event_type;
  std::string custom_conversion_id;
  std::string custom_event_str;
};
MetaOptimization MetaOptimizationOf(std::string_view event);

// Priority of an Insights action_type among the aliases of one event, for the
// Insights importer: omni_* (0), plain (1), offsite_conversion.fb_pixel_* (2),
// onsite_web_* (3); other spellings sort after them (4).
int InsightsAliasPriority(std::string_view action_type);

}  // namespace rung

#endif  // RUNG_EVENTS_H_
