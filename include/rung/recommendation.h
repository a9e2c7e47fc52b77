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
