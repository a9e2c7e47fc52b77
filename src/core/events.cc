#include "rung/events.h"

#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/text.h"

namespace rung {
namespace {

constexpr size_t kMaxEventNameLength = 64;

// One of Meta's standard events and the spellings other systems use for it.
// A null spelling means that system has none.
struct StandardEvent {
  const char* canonical;
  // The snake_case stem of Meta's Insights action_type family.
  const char* snake;
  // Insights' omni_* spelling, when it is not "omni_" + snake.
  const char* omni_override;
  const char* ga4;
  const char* custom_event_type;
};

constexpr StandardEvent kStandardEvents[] = {
    {"PageView", "page_view", nullptr, "page_view", "PAGE_VIEW"},
    {"ViewContent", "view_content", nullptr, "view_item", "CONTENT_VIEW"},
    {"Search", "search", nullptr, "search", "SEARCH"},
    {"AddToWishlist", "add_to_wishlist", nullptr, "add_to_wishlist", "ADD_TO_WISHLIST"},
    {"AddToCart", "add_to_cart", nullptr, "add_to_cart", "ADD_TO_CART"},
    // Meta spells this one's omni form in the past tense.
    {"InitiateCheckout", "initiate_checkout", "omni_initiated_checkout", "begin_checkout",
     "INITIATED_CHECKOUT"},
    {"AddPaymentInfo", "add_payment_info", nullptr, "add_payment_info", "ADD_PAYMENT_INFO"},
    {"Purchase", "purchase", nullptr, "purchase", "PURCHASE"},
    {"Lead", "lead", nullptr, "generate_lead", "LEAD"},
    {"CompleteRegistration", "complete_registration", nullptr, "sign_up", "COMPLETE_REGISTRATION"},
    {"Contact", "contact", nullptr, nullptr, "CONTACT"},
    {"StartTrial", "start_trial", nullptr, nullptr, "START_TRIAL"},
    {"Subscribe", "subscribe", nullptr, nullptr, "SUBSCRIBE"},
};

constexpr absl::string_view kOmniPrefix = "omni_";
constexpr absl::string_view kPixelPrefix = "offsite_conversion.fb_pixel_";
constexpr absl::string_view kOnsiteWebPrefix = "onsite_web_";

using NameTable = absl::flat_hash_map<std::string, NormalizedEvent>;

NameTable BuildNameTable() {
  NameTable table;
  for (const StandardEvent& e : kStandardEvents) {
    const std::string snake = e.snake;
    const NormalizedEvent alias{e.canonical, EventNameKind::kAlias};
    table.emplace(e.canonical, NormalizedEvent{e.canonical, EventNameKind::kCanonical});
    table.emplace(e.omni_override ? std::string(e.omni_override) : absl::StrCat(kOmniPrefix, snake),
                  alias);
    table.emplace(snake, alias);
    table.emplace(absl::StrCat(kPixelPrefix, snake), alias);
    table.emplace(absl::StrCat(kOnsiteWebPrefix, snake), alias);
    table.emplace(e.custom_event_type, alias);
    if (e.ga4 != nullptr) table.emplace(e.ga4, alias);
  }
  return table;
}

// Built once and never destroyed, so that lookups during shutdown stay safe.
const NameTable& Names() {
  static const NameTable* const table = new NameTable(BuildNameTable());
  return *table;
}

bool IsAsciiLetter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

bool IsEventNameChar(char c) {
  return IsAsciiLetter(c) || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == ':' || c == '-';
}

// [A-Za-z][A-Za-z0-9_.:-]{0,63}, checked by hand: std::regex is slow and
// would be the only user of it.
bool IsWellFormedEventName(std::string_view name) {
  if (name.empty() || name.size() > kMaxEventNameLength || !IsAsciiLetter(name[0])) return false;
  for (char c : name) {
    if (!IsEventNameChar(c)) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<NormalizedEvent> NormalizeEventName(std::string_view raw) {
  if (!IsWellFormedEventName(raw)) {
    return absl::InvalidArgumentError(absl::StrCat(
        Quote(AsAbsl(raw), '\''),
        " is not a valid event name: it must start with a letter and use only letters, digits, "
        "'_', '.', ':' or '-' (at most 64 characters)"));
  }
  const NameTable& names = Names();
  if (auto it = names.find(AsAbsl(raw)); it != names.end()) return it->second;
  return NormalizedEvent{std::string(raw), EventNameKind::kCustom};
}

bool IsCanonicalEvent(std::string_view name) {
  const NameTable& names = Names();
  auto it = names.find(AsAbsl(name));
  return it != names.end() && it->second.kind == EventNameKind::kCanonical;
}

std::optional<std::string> EventOfCustomEventType(std::string_view custom_event_type) {
  for (const StandardEvent& e : kStandardEvents) {
    if (custom_event_type == e.custom_event_type) return std::string(e.canonical);
  }
  return std::nullopt;
}

MetaOptimization MetaOptimizationOf(std::string_view event) {
  constexpr char kConversionsGoal[] = "OFFSITE_CONVERSIONS";
  MetaOptimization optimization;
  if (event == "PageView") {
    optimization.optimization_goal = "LANDING_PAGE_VIEWS";
    return optimization;
  }
  optimization.optimization_goal = kConversionsGoal;
  if (absl::StartsWith(AsAbsl(event), kCustomConversionEventPrefix)) {
    optimization.custom_conversion_id =
        std::string(event.substr(sizeof(kCustomConversionEventPrefix) - 1));
    return optimization;
  }
  for (const StandardEvent& e : kStandardEvents) {
    if (event == e.canonical) {
      optimization.custom_event_type = e.custom_event_type;
      return optimization;
    }
  }
  optimization.custom_event_type = "OTHER";
  optimization.custom_event_str = std::string(event);
  return optimization;
}

int InsightsAliasPriority(std::string_view action_type) {
  if (absl::StartsWith(AsAbsl(action_type), kOmniPrefix)) return 0;
  if (absl::StartsWith(AsAbsl(action_type), kPixelPrefix)) return 2;
  if (absl::StartsWith(AsAbsl(action_type), kOnsiteWebPrefix)) return 3;
  for (const StandardEvent& e : kStandardEvents) {
    if (action_type == e.snake) return 1;
  }
  return 4;
}

}  // namespace rung
