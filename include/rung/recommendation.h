#ifndef RUNG_RECOMMENDATION_H_
#define RUNG_RECOMMENDATION_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "rung/week.h"

namespace rung {

// What the rules engine advises for one ad set in one week. The order is the
// API's; names are the API's without the ACTION_ prefix.
enum class Action {
  kInsufficientData,
  kReviewSetup,
  kStabilize,
  kHold,
  kMoveDown,
  kDuplicateAndClimb,
  kContinueTest,
  kPromoteDuplicate,
  kKeepCurrent,
  kAtTop,
  kConsolidate,
};
inline constexpr int kActionCount = 11;

enum class Flag {
  kShortHistory,
  kDataGap,
  kNearExit,
  kUnstableDelivery,
  kCheckoutFriction,
  kNoisySignal,
  kFunnelInversion,
  kLearningLimitedReported,
  kMissingSpend,
  kThresholdOverridden,
};
inline constexpr int kFlagCount = 10;

enum class LearningStatus { kStuck, kNearExit, kExited, kWellOptimized };
inline constexpr int kLearningStatusCount = 4;

// Upper-case names, as in the API without the enum prefix: "MOVE_DOWN".
std::string_view ActionName(Action action);
std::string_view FlagName(Flag flag);
std::string_view LearningStatusName(LearningStatus status);
std::optional<Action> ActionFromName(std::string_view name);
std::optional<Flag> FlagFromName(std::string_view name);
std::optional<LearningStatus> LearningStatusFromName(std::string_view name);

// One step of a decision: a stable rule id ("move_down", "flag.data_gap")
// and a sentence with the numbers, so that a person can check it by hand.
struct Reason {
  std::string rule;
  std::string message;

  friend bool operator==(const Reason& a, const Reason& b) {
    return a.rule == b.rule && a.message == b.message;
  }
};

// What one rung would cost to bring to the learning threshold T, at the cost
// per event the consistency window observed. Money is integer micros of the
// account's currency.
struct RungBudget {
  std::string event;
  // Σ count of `event` over the budget's spend weeks.
  int64_t event_count = 0;
  // Σ spend ÷ event_count over the spend weeks, rounded half up to the micro;
  // nullopt when there is no spend week or event_count is 0.
  std::optional<int64_t> cost_per_event_micros;
  // T × cost_per_event_micros: the weekly spend at which the rung would
  // reach T at that cost. A lower bound, since the cost per event rises with
  // spend. nullopt with the cost (or when it would not fit in 64 bits).
  std::optional<int64_t> weekly_budget_micros;

  friend bool operator==(const RungBudget& a, const RungBudget& b) {
    return a.event == b.event && a.event_count == b.event_count &&
           a.cost_per_event_micros == b.cost_per_event_micros &&
           a.weekly_budget_micros == b.weekly_budget_micros;
  }
  friend bool operator!=(const RungBudget& a, const RungBudget& b) { return !(a == b); }
};

// T × a rung's cost per event: the weekly spend at which it would reach the
// learning threshold `threshold`. nullopt without a cost, or when it would not
// fit in 64 bits. The one rule for RungBudget::weekly_budget_micros, which a
// reader of a stored budget applies again.
std::optional<int64_t> WeeklyBudgetAt(int threshold, std::optional<int64_t> cost_per_event_micros);

// The budget an ad set needs to leave learning on each rung: every figure is
// over the spend weeks, the weeks of the consistency window that have a
// record with a known spend. Empty (no spend weeks, no rungs) when the as-of
// week has no record.
struct LearningBudget {
  int spend_weeks = 0;
  // The ad set's current weekly spend: the mean spend of the spend weeks,
  // rounded half up to the micro; nullopt when there are none.
  std::optional<int64_t> weekly_spend_micros;
  // Every rung of the ladder in its order, then the current event when it
  // is not one: the events of sustained_counts.
  std::vector<RungBudget> rungs;

  const RungBudget* Find(std::string_view event) const;

  friend bool operator==(const LearningBudget& a, const LearningBudget& b) {
    return a.spend_weeks == b.spend_weeks && a.weekly_spend_micros == b.weekly_spend_micros &&
           a.rungs == b.rungs;
  }
  friend bool operator!=(const LearningBudget& a, const LearningBudget& b) { return !(a == b); }
};

struct Recommendation {
  std::string account_id;
  std::string ad_set_id;
  Week as_of_week;
  std::string ladder;
  Action action = Action::kInsufficientData;
  // Empty when week as_of_week has no record.
  std::string current_event;
  // Set for MOVE_DOWN, DUPLICATE_AND_CLIMB and PROMOTE_DUPLICATE.
  std::string target_event;
  // Absent when week as_of_week has no record.
  std::optional<LearningStatus> learning_status;
  std::set<Flag> flags;
  std::vector<Reason> reasons;
  std::map<std::string, int64_t> latest_counts;
  // Every rung of the ladder (and the current event), by its minimum weekly
  // count over the window.
  std::map<std::string, int64_t> sustained_counts;
  int weeks_on_rung = 0;
  std::optional<Week> next_review_week;
  std::string climb_test_id;
  // The learning threshold T that applied; 0 when there was no record.
  int learning_threshold = 0;
  // What reaching T would cost on each rung, at T.
  LearningBudget learning_budget;
  // Filled in by the evaluation, not by the decision.
  std::string policy_version;
  std::string evaluation_id;
  absl::Time evaluated_at = absl::UnixEpoch();

  bool HasFlag(Flag flag) const { return flags.count(flag) > 0; }
};

// Equal in everything the rules decide, ignoring which evaluation produced it
// and when: what "unchanged inputs give identical recommendations" compares.
bool SameAdvice(const Recommendation& a, const Recommendation& b);

}  // namespace rung

#endif  // RUNG_RECOMMENDATION_H_
