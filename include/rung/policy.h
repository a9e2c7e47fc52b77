#ifndef RUNG_POLICY_H_
#define RUNG_POLICY_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "rung/ladder.h"

namespace rung {

// The thresholds of the rules engine, with the ladder policy's defaults.
// Counts are events per week; fractions and ratios are plain numbers.
struct Policy {
  int learning_threshold = 50;
  double near_exit_fraction = 0.5;
  double well_optimized_multiple = 4;
  int consistency_weeks = 3;
  int cutover_threshold = 30;
  int stabilization_min_weeks = 2;
  int stabilization_max_weeks = 3;
  double stability_max_cv = 0.25;
  int climb_test_weeks = 2;
  double comparable_tolerance = 0.10;
  double retest_growth = 0.20;
  int friction_min_count = 20;
  double friction_ratio = 10;

  friend bool operator==(const Policy& a, const Policy& b);
  friend bool operator!=(const Policy& a, const Policy& b) { return !(a == b); }
};

// A partial policy: only the values present replace the ones beneath. The
// deployment's config and each account's overrides are this shape.
struct PolicyOverrides {
  std::optional<int> learning_threshold;
  std::optional<double> near_exit_fraction;
  std::optional<double> well_optimized_multiple;
  std::optional<int> consistency_weeks;
  std::optional<int> cutover_threshold;
  std::optional<int> stabilization_min_weeks;
  std::optional<int> stabilization_max_weeks;
  std::optional<double> stability_max_cv;
  std::optional<int> climb_test_weeks;
  std::optional<double> comparable_tolerance;
  std::optional<double> retest_growth;
  std::optional<int> friction_min_count;
  std::optional<double> friction_ratio;
};

Policy ApplyOverrides(Policy base, const PolicyOverrides& overrides);

// INVALID_ARGUMENT naming the first bad field as "<prefix>.<field>: ...",
// for values the rules cannot work with (a threshold of 0, a maximum below
// its minimum, a negative tolerance, ...).
absl::Status ValidatePolicy(const Policy& policy, std::string_view prefix);

// A policy as it applies to one account, with what identifies it.
struct EffectivePolicy {
  // Empty for the deployment's own.
  std::string account_id;
  Policy policy;
  // A stable hash of the policy's values and of every ladder: equal inputs
  // give equal versions on any machine and in any release that keeps them.
  std::string version;
};

// The deployment's policy, the accounts' overrides on top of it, and the
// ladders. Immutable once built, so it is shared by threads without locks.
class PolicyBook {
 public:
  // Validates the deployment policy and every account's effective policy;
  // errors name the account ("accounts[act_1].cutover_threshold: ...").
  static absl::StatusOr<PolicyBook> Create(Policy deployment,
                                           std::map<std::string, PolicyOverrides> accounts,
                                           LadderRegistry ladders);

  // The account's effective policy; the deployment's for an account without
  // overrides (but carrying that account_id) and for an empty id.
  EffectivePolicy For(std::string_view account_id) const;

  const LadderRegistry& ladders() const { return ladders_; }

 private:
  explicit PolicyBook(LadderRegistry ladders) : ladders_(std::move(ladders)) {}

  LadderRegistry ladders_;
  EffectivePolicy deployment_;
  std::map<std::string, EffectivePolicy, std::less<>> accounts_;
};

// The canonical text the version hashes: one "name=value" line per value,
// doubles in round-trip precision, then one line per ladder.
std::string CanonicalPolicyText(const Policy& policy, const LadderRegistry& ladders);

}  // namespace rung

#endif  // RUNG_POLICY_H_
