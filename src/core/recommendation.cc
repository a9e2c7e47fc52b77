#include "rung/recommendation.h"

#include <array>
#include <limits>
#include <utility>

#include "absl/numeric/int128.h"

namespace rung {
namespace {

constexpr std::array<std::pair<Action, std::string_view>, kActionCount> kActionNames = {{
    {Action::kInsufficientData, "INSUFFICIENT_DATA"},
    {Action::kReviewSetup, "REVIEW_SETUP"},
    {Action::kStabilize, "STABILIZE"},
    {Action::kHold, "HOLD"},
    {Action::kMoveDown, "MOVE_DOWN"},
    {Action::kDuplicateAndClimb, "DUPLICATE_AND_CLIMB"},
    {Action::kContinueTest, "CONTINUE_TEST"},
    {Action::kPromoteDuplicate, "PROMOTE_DUPLICATE"},
    {Action::kKeepCurrent, "KEEP_CURRENT"},
    {Action::kAtTop, "AT_TOP"},
    {Action::kConsolidate, "CONSOLIDATE"},
}};

constexpr std::array<std::pair<Flag, std::string_view>, kFlagCount> kFlagNames = {{
    {Flag::kShortHistory, "SHORT_HISTORY"},
    {Flag::kDataGap, "DATA_GAP"},
    {Flag::kNearExit, "NEAR_EXIT"},
    {Flag::kUnstableDelivery, "UNSTABLE_DELIVERY"},
    {Flag::kCheckoutFriction, "CHECKOUT_FRICTION"},
    {Flag::kNoisySignal, "NOISY_SIGNAL"},
    {Flag::kFunnelInversion, "FUNNEL_INVERSION"},
    {Flag::kLearningLimitedReported, "LEARNING_LIMITED_REPORTED"},
    {Flag::kMissingSpend, "MISSING_SPEND"},
    {Flag::kThresholdOverridden, "THRESHOLD_OVERRIDDEN"},
}};

constexpr std::array<std::pair<LearningStatus, std::string_view>, kLearningStatusCount>
    kLearningStatusNames = {{
        {LearningStatus::kStuck, "STUCK"},
        {LearningStatus::kNearExit, "NEAR_EXIT"},
        {LearningStatus::kExited, "EXITED"},
        {LearningStatus::kWellOptimized, "WELL_OPTIMIZED"},
    }};

template <typename Enum, size_t N>
std::string_view NameIn(const std::array<std::pair<Enum, std::string_view>, N>& names, Enum value) {
  for (const auto& [candidate, name] : names) {
    if (candidate == value) return name;
  }
  return "UNKNOWN";
}

template <typename Enum, size_t N>
std::optional<Enum> ValueIn(const std::array<std::pair<Enum, std::string_view>, N>& names,
                            std::string_view name) {
  for (const auto& [value, candidate] : names) {
    if (candidate == name) return value;
  }
  return std::nullopt;
}

}  // namespace

std::string_view ActionName(Action action) { return NameIn(kActionNames, action); }
std::string_view FlagName(Flag flag) { return NameIn(kFlagNames, flag); }
std::string_view LearningStatusName(LearningStatus status) {
  return NameIn(kLearningStatusNames, status);
}
std::optional<Action> ActionFromName(std::string_view name) { return ValueIn(kActionNames, name); }
std::optional<Flag> FlagFromName(std::string_view name) { return ValueIn(kFlagNames, name); }
std::optional<LearningStatus> LearningStatusFromName(std::string_view name) {
  return ValueIn(kLearningStatusNames, name);
}

bool SameAdvice(const Recommendation& a, const Recommendation& b) {
  return a.account_id == b.account_id && a.ad_set_id == b.ad_set_id &&
         a.as_of_week == b.as_of_week && a.ladder == b.ladder && a.action == b.action &&
         a.current_event == b.current_event && a.target_event == b.target_event &&
         a.learning_status == b.learning_status && a.flags == b.flags && a.reasons == b.reasons &&
         a.latest_counts == b.latest_counts && a.sustained_counts == b.sustained_counts &&
         a.weeks_on_rung == b.weeks_on_rung && a.next_review_week == b.next_review_week &&
         a.climb_test_id == b.climb_test_id && a.learning_threshold == b.learning_threshold &&
         a.learning_budget == b.learning_budget && a.policy_version == b.policy_version;
}

std::optional<int64_t> WeeklyBudgetAt(int threshold, std::optional<int64_t> cost_per_event_micros) {
  if (!cost_per_event_micros.has_value()) return std::nullopt;
  const absl::int128 budget = absl::int128(threshold) * *cost_per_event_micros;
  if (budget > std::numeric_limits<int64_t>::max() || budget < 0) return std::nullopt;
  return static_cast<int64_t>(budget);
}

const RungBudget* LearningBudget::Find(std::string_view event) const {
  for (const RungBudget& rung : rungs) {
    if (rung.event == event) return &rung;
  }
  return nullptr;
}

}  // namespace rung
