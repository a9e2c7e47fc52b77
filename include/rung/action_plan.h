#ifndef RUNG_ACTION_PLAN_H_
#define RUNG_ACTION_PLAN_H_

// What carrying out one stored recommendation on Meta takes
// (acting-on-meta.md): the Graph API calls and the rungd calls, in order,
// as data that `rungctl plan` prints and `rungctl apply` follows. Plain
// C++: no HTTP, no JSON library, no Meta token.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rung/climb_test.h"
#include "rung/recommendation.h"
#include "rung/week.h"

namespace rung {

// One call. A value in braces is known only when the action runs: {D} is
// a duplicate that the action creates, {O.field} a field of the original as
// the action's first step read it, {ad} each ad of O that the step's
// condition names. Known ids are written out.
struct PlannedStep {
  // "GET" and "POST" go to Meta's Graph API; "RUNGD" to rungd's own API.
  std::string method;
  // Relative to the API version ("123", "act_1001/adsets", "{ad}/copies"),
  // or rungd's method ("StartClimbTest").
  std::string path;
  std::vector<std::pair<std::string, std::string>> params;
  // Why the step is there, in a few words ("create the duplicate").
  std::string purpose;
  // Empty, or when the step is skipped or repeated ("for each active ad of
  // O", "only when O has an ad set budget").
  std::string condition;
};

// The plan of one action. Both ad sets of a climb test get the test's
// verdict as their advice; they make one action, keyed by the original.
struct ActionPlan {
  // "<original ad set>@<as-of week>@<ACTION>": what `apply` records, and
  // what the duplicate's name carries so that a run cut short finds it.
  std::string key;
  std::string account_id;
  // The original ad set (O).
  std::string ad_set_id;
  // The duplicate (D), when a climb test names it already.
  std::string duplicate_ad_set_id;
  Week as_of_week;
  Action action = Action::kInsufficientData;
  std::string current_event;
  std::string target_event;
  // One line: what the action does, or why there is nothing to do on Meta.
  std::string summary;
  // Empty when there is nothing to do on Meta.
  std::vector<PlannedStep> steps;
};

struct PlanSettings {
  // The share of O's daily budget that a new ad set gets.
  double budget_share = 1.0;
  // The Monday of the current week in the account's time zone: a climb
  // test that the action starts begins then.
  Week start_week;
};

// True for the actions that change something on Meta.
bool ActsOnMeta(Action action);

// The plan of `recommendation`. `test` is the climb test that the advice
// judged (recommendation.climb_test_id), needed for PROMOTE_DUPLICATE and
// KEEP_CURRENT; without it those plans say the test is missing.
ActionPlan PlanAction(const Recommendation& recommendation, const ClimbTest* test,
                      const PlanSettings& settings);

// The key of an action: "<original ad set>@<as-of week>@<ACTION>".
std::string ActionKey(std::string_view ad_set_id, Week as_of_week, Action action);

// The suffix of a duplicate's name: it names the rung and carries the
// action's key, so that a duplicate created just before a crash is found
// in O's campaign by its name.
std::string DuplicateNameSuffix(std::string_view target_event, std::string_view key);

}  // namespace rung

#endif  // RUNG_ACTION_PLAN_H_
