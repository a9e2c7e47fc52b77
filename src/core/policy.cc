#include "rung/policy.h"

#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "core/digest.h"
#include "core/text.h"
#include "rung/status_macros.h"

namespace rung {
namespace {

// Versions are quoted in every recommendation; 16 hex digits (64 bits) keep
// them short while a collision between two real policies stays implausible.
constexpr size_t kVersionLength = 16;

// Accumulates the first failed check as "<prefix>.<field>: <problem>".
class FieldChecker {
 public:
  explicit FieldChecker(std::string_view prefix) : prefix_(prefix) {}

  template <typename T>
  void AtLeast(const char* field, T value, T minimum) {
    // Written so that NaN fails too.
    if (!(value >= minimum))
      Fail(field, absl::StrCat("must be at least ", minimum, ", got ", value));
  }
  template <typename T>
  void AtMost(const char* field, T value, T maximum, std::string_view what) {
    if (!(value <= maximum)) {
      Fail(field, absl::StrCat("must be at most ", AsAbsl(what), " (", maximum, "), got ", value));
    }
  }
  void Positive(const char* field, double value) {
    if (!(value > 0) || std::isinf(value)) {
      Fail(field, absl::StrCat("must be a positive number, got ", value));
    }
  }

  absl::Status status() const { return status_; }

 private:
  void Fail(const char* field, const std::string& problem) {
    if (!status_.ok()) return;
    status_ = absl::InvalidArgumentError(
        absl::StrCat(AsAbsl(prefix_), prefix_.empty() ? "" : ".", field, ": ", problem));
  }

  std::string prefix_;
  absl::Status status_;
};

template <typename T>
void Override(T& value, const std::optional<T>& replacement) {
  if (replacement.has_value()) value = *replacement;
}

// Round-trip precision, so that two policies differing in any bit differ in
// text, and equal ones print equally everywhere.
std::string Exact(double value) { return absl::StrFormat("%.17g", value); }

}  // namespace

bool operator==(const Policy& a, const Policy& b) {
  return a.learning_threshold == b.learning_threshold &&
         a.near_exit_fraction == b.near_exit_fraction &&
         a.well_optimized_multiple == b.well_optimized_multiple &&
         a.consistency_weeks == b.consistency_weeks && a.cutover_threshold == b.cutover_threshold &&
         a.stabilization_min_weeks == b.stabilization_min_weeks &&
         a.stabilization_max_weeks == b.stabilization_max_weeks &&
         a.stability_max_cv == b.stability_max_cv && a.climb_test_weeks == b.climb_test_weeks &&
         a.comparable_tolerance == b.comparable_tolerance && a.retest_growth == b.retest_growth &&
         a.friction_min_count == b.friction_min_count && a.friction_ratio == b.friction_ratio;
}

Policy ApplyOverrides(Policy base, const PolicyOverrides& overrides) {
  Override(base.learning_threshold, overrides.learning_threshold);
  Override(base.near_exit_fraction, overrides.near_exit_fraction);
  Override(base.well_optimized_multiple, overrides.well_optimized_multiple);
  Override(base.consistency_weeks, overrides.consistency_weeks);
  Override(base.cutover_threshold, overrides.cutover_threshold);
  Override(base.stabilization_min_weeks, overrides.stabilization_min_weeks);
  Override(base.stabilization_max_weeks, overrides.stabilization_max_weeks);
  Override(base.stability_max_cv, overrides.stability_max_cv);
  Override(base.climb_test_weeks, overrides.climb_test_weeks);
  Override(base.comparable_tolerance, overrides.comparable_tolerance);
  Override(base.retest_growth, overrides.retest_growth);
  Override(base.friction_min_count, overrides.friction_min_count);
  Override(base.friction_ratio, overrides.friction_ratio);
  return base;
}

absl::Status ValidatePolicy(const Policy& policy, std::string_view prefix) {
  // A year bounds every week count: history beyond it says nothing about now.
  constexpr int kMaxWeeks = 52;
  FieldChecker check(prefix);
  check.AtLeast("learning_threshold", policy.learning_threshold, 1);
  check.Positive("near_exit_fraction", policy.near_exit_fraction);
  check.AtMost("near_exit_fraction", policy.near_exit_fraction, 1.0, "1");
  check.AtLeast("well_optimized_multiple", policy.well_optimized_multiple, 1.0);
  check.AtLeast("consistency_weeks", policy.consistency_weeks, 1);
  check.AtMost("consistency_weeks", policy.consistency_weeks, kMaxWeeks, "a year");
  check.AtLeast("cutover_threshold", policy.cutover_threshold, 1);
  check.AtMost("cutover_threshold", policy.cutover_threshold, policy.learning_threshold,
               "learning_threshold");
  check.AtLeast("stabilization_min_weeks", policy.stabilization_min_weeks, 1);
  check.AtLeast("stabilization_max_weeks", policy.stabilization_max_weeks,
                policy.stabilization_min_weeks);
  check.AtMost("stabilization_max_weeks", policy.stabilization_max_weeks, kMaxWeeks, "a year");
  check.AtLeast("stability_max_cv", policy.stability_max_cv, 0.0);
  check.AtLeast("climb_test_weeks", policy.climb_test_weeks, 1);
  check.AtMost("climb_test_weeks", policy.climb_test_weeks, kMaxWeeks, "a year");
  check.AtLeast("comparable_tolerance", policy.comparable_tolerance, 0.0);
  check.AtLeast("retest_growth", policy.retest_growth, 0.0);
  check.AtLeast("friction_min_count", policy.friction_min_count, 0);
  check.Positive("friction_ratio", policy.friction_ratio);
  return check.status();
}

std::string CanonicalPolicyText(const Policy& policy, const LadderRegistry& ladders) {
  std::string text = absl::StrCat("learning_threshold=", policy.learning_threshold, "\n",
                                  "near_exit_fraction=", Exact(policy.near_exit_fraction), "\n",
                                  "well_optimized_multiple=", Exact(policy.well_optimized_multiple),
                                  "\n", "consistency_weeks=", policy.consistency_weeks, "\n",
                                  "cutover_threshold=", policy.cutover_threshold, "\n",
                                  "stabilization_min_weeks=", policy.stabilization_min_weeks, "\n",
                                  "stabilization_max_weeks=", policy.stabilization_max_weeks, "\n",
                                  "stability_max_cv=", Exact(policy.stability_max_cv), "\n",
                                  "climb_test_weeks=", policy.climb_test_weeks, "\n",
                                  "comparable_tolerance=", Exact(policy.comparable_tolerance), "\n",
                                  "retest_growth=", Exact(policy.retest_growth), "\n",
                                  "friction_min_count=", policy.friction_min_count, "\n",
                                  "friction_ratio=", Exact(policy.friction_ratio), "\n",
                                  "default_ladder=", kDefaultLadderName, "\n");
  for (const std::string& name : ladders.Names()) {
    absl::StrAppend(&text, "ladder ", name, "=", absl::StrJoin(ladders.Find(name)->events, ","),
                    "\n");
  }
  return text;
}

absl::StatusOr<PolicyBook> PolicyBook::Create(Policy deployment,
                                              std::map<std::string, PolicyOverrides> accounts,
                                              LadderRegistry ladders) {
  PolicyBook book(std::move(ladders));
  const auto effective = [&book](std::string account_id,
                                 Policy policy) -> absl::StatusOr<EffectivePolicy> {
    ASSIGN_OR_RETURN(std::string digest, Sha256Hex(CanonicalPolicyText(policy, book.ladders_)));
    digest.resize(kVersionLength);
    return EffectivePolicy{std::move(account_id), policy, std::move(digest)};
  };
  RETURN_IF_ERROR(ValidatePolicy(deployment, "policy"));
  ASSIGN_OR_RETURN(book.deployment_, effective("", deployment));
  for (const auto& [account_id, overrides] : accounts) {
    if (account_id.empty()) {
      return absl::InvalidArgumentError("accounts[].account_id: must not be empty");
    }
    const Policy policy = ApplyOverrides(deployment, overrides);
    RETURN_IF_ERROR(ValidatePolicy(policy, absl::StrCat("accounts[", account_id, "]")));
    ASSIGN_OR_RETURN(EffectivePolicy account, effective(account_id, policy));
    book.accounts_.emplace(account_id, std::move(account));
  }
  return book;
}

EffectivePolicy PolicyBook::For(std::string_view account_id) const {
  const auto it = accounts_.find(account_id);
  if (it != accounts_.end()) return it->second;
  EffectivePolicy policy = deployment_;
  policy.account_id = std::string(account_id);
  return policy;
}

}  // namespace rung
