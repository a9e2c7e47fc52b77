#ifndef RUNG_ACTION_RECORD_H_
#define RUNG_ACTION_RECORD_H_

// What `rungctl apply` did on Meta for one action, as rungd keeps it
// (acting-on-meta.md, "What is stored and shown"): each step with Meta's
// answer, so that a run cut short resumes where it stopped and never makes
// a second ad set, and so that people see what was done, when and by whom.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "rung/recommendation.h"
#include "rung/week.h"

namespace rung {

enum class ActionState {
  kInProgress,
  kDone,
  kFailed,
  kSkipped,
};

// "IN_PROGRESS", "DONE", "FAILED", "SKIPPED".
std::string_view ActionStateName(ActionState state);
std::optional<ActionState> ParseActionState(std::string_view name);

// One call that apply made.
struct ActionStep {
  std::string method;
  std::string path;
  // As sent, without the token or any other secret.
  std::vector<std::pair<std::string, std::string>> params;
  // The id that Meta's answer carried (a new ad set, a copied ad), if any.
  std::string result_id;
  // Empty when the call succeeded; else what Meta or the client said.
  std::string error;
  absl::Time done_at = absl::UnixEpoch();

  friend bool operator==(const ActionStep& a, const ActionStep& b) {
    return a.method == b.method && a.path == b.path && a.params == b.params &&
           a.result_id == b.result_id && a.error == b.error && a.done_at == b.done_at;
  }
};

struct ActionRecord {
  // Assigned by rungd when the key is first recorded.
  std::string action_id;
  // The plan's key: "<original ad set>@<as-of week>@<ACTION>". One record
  // per key; recording the key again replaces its steps and state.
  std::string key;
  std::string account_id;
  std::string ad_set_id;
  // The duplicate, once it exists.
  std::string duplicate_ad_set_id;
  Week as_of_week;
  Action action = Action::kInsufficientData;
  std::string target_event;
  std::vector<ActionStep> steps;
  ActionState state = ActionState::kInProgress;
  // Why it was skipped or failed, in one line; empty otherwise.
  std::string outcome;
  // The name of the token that recorded it last ("" without tokens).
  std::string recorded_by;
  // When the key was first recorded, and last.
  absl::Time created_at = absl::UnixEpoch();
  absl::Time updated_at = absl::UnixEpoch();

  friend bool operator==(const ActionRecord& a, const ActionRecord& b) {
    return a.action_id == b.action_id && a.key == b.key && a.account_id == b.account_id &&
           a.ad_set_id == b.ad_set_id && a.duplicate_ad_set_id == b.duplicate_ad_set_id &&
           a.as_of_week == b.as_of_week && a.action == b.action &&
           a.target_event == b.target_event && a.steps == b.steps && a.state == b.state &&
           a.outcome == b.outcome && a.recorded_by == b.recorded_by &&
           a.created_at == b.created_at && a.updated_at == b.updated_at;
  }
};

}  // namespace rung

#endif  // RUNG_ACTION_RECORD_H_
