#ifndef RUNG_LADDER_H_
#define RUNG_LADDER_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace rung {

inline constexpr char kDefaultLadderName[] = "ecommerce";

// An ordered list of events, lowest rung (most volume, least intent) first;
// the last rung is the macro conversion.
struct Ladder {
  std::string name;
  std::vector<std::string> events;

  // The index of `event`, or nullopt when it is not a rung of this ladder.
  std::optional<int> RungOf(std::string_view event) const;
  const std::string& top() const { return events.back(); }
  const std::string& bottom() const { return events.front(); }
};

// The ladders an ad set may belong to, by name. Holds the built-in ecommerce,
// lead_generation and subscription ladders, plus any added from config.
class LadderRegistry {
 public:
  static LadderRegistry BuiltIn();

  // Refuses (INVALID_ARGUMENT) a ladder with a malformed or taken name, fewer
  // than two rungs, a repeated rung, or a rung that is not a well-formed
  // event name. Aliases among the rungs are normalized.
  absl::Status Add(Ladder ladder);

  const Ladder* Find(std::string_view name) const;
  std::vector<std::string> Names() const;

 private:
  std::map<std::string, Ladder, std::less<>> ladders_;
};

}  // namespace rung

#endif  // RUNG_LADDER_H_
