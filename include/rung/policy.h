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

// The thresholds of the rules engine as X(type, name, default), with the
// ladder policy's defaults. Whatever lists them (Policy, PolicyOverrides and,
// through ForEachPolicyField, the canonical text and the API's and config's
// messages) is made from this one list, so that none can miss a threshold or
// disagree on a default. Counts are events per week; fractions and ratios are
// plain numbers. The order is the canonical text's, which versions hash: a
// reordering alone would change every version.
#define RUNG_POLICY_FIELDS(X)           \
  X(int, learning_threshold, 50)        \
  X(double, near_exit_fraction, 0.5)    \
  X(double, well_optimized_multiple, 4) \
  X(int, consistency_weeks, 3)          \
  X(int, cutover_threshold, 30)         \
  X(int, stabilization_min_weeks, 2)    \
  X(int, stabilization_max_weeks, 3)    \
  X(double, stability_max_cv, 0.25)     \
  X(int, climb_test_weeks, 2)           \
  X(double, comparable_tolerance, 0.10) \
  X(double, retest_growth, 0.20)        \
  X(int, friction_min_count, 20)        \
  X(double, friction_ratio, 10)

struct Policy {
#define RUNG_POLICY_MEMBER(type, name, default_value) type name = default_value;
  RUNG_POLICY_FIELDS(RUNG_POLICY_MEMBER)
#undef RUNG_POLICY_MEMBER

  friend bool operator==(const Policy& a, const Policy& b);
  friend bool operator!=(const Policy& a, const Policy& b) { return !(a == b); }
};

// A partial policy: only the values present replace the ones beneath. The
// deployment's config and each account's overrides are this shape.
struct PolicyOverrides {
#define RUNG_POLICY_OVERRIDE(type, name, default_value) std::optional<type> name;
  RUNG_POLICY_FIELDS(RUNG_POLICY_OVERRIDE)
#undef RUNG_POLICY_OVERRIDE
};

// Calls visit(name, &Policy::field, &PolicyOverrides::field) for every field,
// in the list's order, so that code which maps the fields by name (the
// canonical text, the adapters' messages) needs no line per field. The
// member pointers carry the type: int or double.
template <typename Visitor>
void ForEachPolicyField(Visitor&& visit) {
#define RUNG_POLICY_VISIT(type, name, default_value) \
  visit(std::string_view(#name), &Policy::name, &PolicyOverrides::name);
  RUNG_POLICY_FIELDS(RUNG_POLICY_VISIT)
#undef RUNG_POLICY_VISIT
}
// Elsewhere the list is reached through ForEachPolicyField only.
#undef RUNG_POLICY_FIELDS

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
