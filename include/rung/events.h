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

// Priority of an Insights action_type among the aliases of one event, for the
// Insights importer: omni_* (0), plain (1), offsite_conversion.fb_pixel_* (2),
// onsite_web_* (3); other spellings sort after them (4).
int InsightsAliasPriority(std::string_view action_type);

}  // namespace rung

#endif  // RUNG_EVENTS_H_
