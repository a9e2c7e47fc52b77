#include "rung/ladder.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/text.h"
#include "rung/events.h"
#include "rung/status_macros.h"

namespace rung {
namespace {

constexpr size_t kMaxLadderNameLength = 64;

// [a-z][a-z0-9_]{0,63}: ladder names end up in config keys and URLs.
bool IsWellFormedLadderName(std::string_view name) {
  if (name.empty() || name.size() > kMaxLadderNameLength || name[0] < 'a' || name[0] > 'z') {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// Normalizes every rung in place; errors name the rung as
// "ladders[<name>].events[<i>]".
absl::Status NormalizeRungs(Ladder& ladder) {
  const std::string prefix = absl::StrCat("ladders[", ladder.name, "].events");
  if (ladder.events.size() < 2) {
    return absl::InvalidArgumentError(absl::StrCat(prefix, ": has ", ladder.events.size(),
                                                   " rung(s); a ladder needs at least 2"));
  }
  for (size_t i = 0; i < ladder.events.size(); ++i) {
    const std::string rung_field = absl::StrCat(prefix, "[", i, "]: ");
    absl::StatusOr<NormalizedEvent> event = NormalizeEventName(ladder.events[i]);
    if (!event.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(rung_field, event.status().message()));
    }
    const auto earlier = std::find(ladder.events.begin(), ladder.events.begin() + i, event->name);
    if (earlier != ladder.events.begin() + i) {
      return absl::InvalidArgumentError(
          absl::StrCat(rung_field, Quote(ladder.events[i]), " is ", event->name, ", already rung ",
                       earlier - ladder.events.begin(), "; each event may be a rung only once"));
    }
    ladder.events[i] = std::move(event->name);
  }
  return absl::OkStatus();
}

}  // namespace

std::optional<int> Ladder::RungOf(std::string_view event) const {
  const auto it = std::find(events.begin(), events.end(), event);
  if (it == events.end()) return std::nullopt;
  return static_cast<int>(it - events.begin());
}

LadderRegistry LadderRegistry::BuiltIn() {
  // Inserted directly: these are valid by construction (ladder_test re-adds
  // each one through Add to prove it), so there is no error to handle here.
  LadderRegistry registry;
  const Ladder built_in[] = {
      {"ecommerce", {"PageView", "ViewContent", "AddToCart", "InitiateCheckout", "Purchase"}},
      {"lead_generation", {"PageView", "ViewContent", "form_start", "Lead"}},
      {"subscription",
       {"PageView", "ViewContent", "CompleteRegistration", "StartTrial", "Subscribe"}},
  };
  for (const Ladder& ladder : built_in) registry.ladders_.emplace(ladder.name, ladder);
  return registry;
}

absl::Status LadderRegistry::Add(Ladder ladder) {
  if (!IsWellFormedLadderName(ladder.name)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "ladders: ", Quote(ladder.name),
        " is not a valid ladder name: it must start with a lowercase letter and use only "
        "lowercase letters, digits and '_' (at most 64 characters)"));
  }
  if (ladders_.count(ladder.name) != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("ladders[", ladder.name, "]: a ladder of that name already exists"));
  }
  RETURN_IF_ERROR(NormalizeRungs(ladder));
  std::string name = ladder.name;
  ladders_.emplace(std::move(name), std::move(ladder));
  return absl::OkStatus();
}

const Ladder* LadderRegistry::Find(std::string_view name) const {
  const auto it = ladders_.find(name);
  return it == ladders_.end() ? nullptr : &it->second;
}

std::vector<std::string> LadderRegistry::Names() const {
  std::vector<std::string> names;
  names.reserve(ladders_.size());
  for (const auto& [name, ladder] : ladders_) names.push_back(name);
  return names;
}

}  // namespace rung
