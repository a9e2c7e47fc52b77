#include "rung/action_record.h"

#include <string_view>

namespace rung {
namespace {

struct StateName {
  ActionState state;
  std::string_view name;
};

constexpr StateName kStateNames[] = {
    {ActionState::kInProgress, "IN_PROGRESS"},
    {ActionState::kDone, "DONE"},
    {ActionState::kFailed, "FAILED"},
    {ActionState::kSkipped, "SKIPPED"},
};

}  // namespace

std::string_view ActionStateName(ActionState state) {
  for (const StateName& entry : kStateNames) {
    if (entry.state == state) return entry.name;
  }
  return "UNKNOWN";
}

std::optional<ActionState> ParseActionState(std::string_view name) {
  for (const StateName& entry : kStateNames) {
    if (entry.name == name) return entry.state;
  }
  return std::nullopt;
}

}  // namespace rung
