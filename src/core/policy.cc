#include "rung/policy.h"

#include <cmath>
#include <type_traits>
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

// Errors take the name from the table, so that it cannot drift from the
// member a check reads.
template <typename T>
std::string_view FieldName(T Policy::*field) {
  std::string_view name;
  ForEachPolicyField([&](std::string_view candidate, auto member, auto) {
    if constexpr (std::is_same_v<decltype(member), T Policy::*>) {
      if (member == field) name = candidate;
    }
  });
  return name;
}

// Accumulates the first failed check as "<prefix>.<field>: <problem>".
class FieldChecker {
 public:
  FieldChecker(const Policy& policy, std::string_view prefix) : policy_(policy), prefix_(prefix) {}

  template <typename T>
  void AtLeast(T Policy::*field, T minimum) {
    const T value = policy_.*field;
    // Written so that NaN fails too.
    if (!(value >= minimum))
      Fail(field, absl::StrCat("must be at least ", minimum, ", got ", value));
  }
  template <typename T>
  void AtMost(T Policy::*field, T maximum, std::string_view what) {
    const T value = policy_.*field;
    if (!(value <= maximum)) {
      Fail(field, absl::StrCat("must be at most ", AsAbsl(what), " (", maximum, "), got ", value));
    }
  }
  void Positive(double Policy::*field) {
    const double value = policy_.*field;
    if (!(value > 0) || std::isinf(value)) {
      Fail(field, absl::StrCat("must be a positive number, got ", value));
    }
  }

  absl::Status status() const { return status_; }

 private:
  template <typename T>
  void Fail(T Policy::*field, const std::string& problem) {
    if (!status_.ok()) return;
    status_ = absl::InvalidArgumentError(absl::StrCat(AsAbsl(prefix_), prefix_.empty() ? "" : ".",
                                                      AsAbsl(FieldName(field)), ": ", problem));
  }

  const Policy& policy_;
  std::string prefix_;
  absl::Status status_;
};

std::string CanonicalValue(int value) { return absl::StrCat(value); }
// Round-trip precision, so that two policies differing in any bit differ in
// text, and equal ones print equally everywhere.
std::string CanonicalValue(double value) { return absl::StrFormat("%.17g", value); }

}  // namespace

bool operator==(const Policy& a, const Policy& b) {
  bool equal = true;
  ForEachPolicyField(
      [&](std::string_view, auto value, auto) { equal = equal && a.*value == b.*value; });
  return equal;
}

Policy ApplyOverrides(Policy base, const PolicyOverrides& overrides) {
  ForEachPolicyField([&](std::string_view, auto value, auto replacement) {
    if ((overrides.*replacement).has_value()) base.*value = *(overrides.*replacement);
  });
  return base;
}

absl::Status ValidatePolicy(const Policy& policy, std::string_view prefix) {
  // A year bounds every week count: history beyond it says nothing about now.
  constexpr int kMaxWeeks = 52;
  FieldChecker check(policy, prefix);
  check.AtLeast(&Policy::learning_threshold, 1);
  check.Positive(&Policy::near_exit_fraction);
  check.AtMost(&Policy::near_exit_fraction, 1.0, "1");
  check.AtLeast(&Policy::well_optimized_multiple, 1.0);
  check.AtLeast(&Policy::consistency_weeks, 1);
  check.AtMost(&Policy::consistency_weeks, kMaxWeeks, "a year");
  check.AtLeast(&Policy::cutover_threshold, 1);
  check.AtMost(&Policy::cutover_threshold, policy.learning_threshold,
               FieldName(&Policy::learning_threshold));
  check.AtLeast(&Policy::stabilization_min_weeks, 1);
  check.AtLeast(&Policy::stabilization_max_weeks, policy.stabilization_min_weeks);
  check.AtMost(&Policy::stabilization_max_weeks, kMaxWeeks, "a year");
  check.AtLeast(&Policy::stability_max_cv, 0.0);
  check.AtLeast(&Policy::climb_test_weeks, 1);
  check.AtMost(&Policy::climb_test_weeks, kMaxWeeks, "a year");
  check.AtLeast(&Policy::comparable_tolerance, 0.0);
  check.AtLeast(&Policy::retest_growth, 0.0);
  check.AtLeast(&Policy::friction_min_count, 0);
  check.Positive(&Policy::friction_ratio);
  return check.status();
}

std::string CanonicalPolicyText(const Policy& policy, const LadderRegistry& ladders) {
  std::string text;
  ForEachPolicyField([&](std::string_view name, auto value, auto) {
    absl::StrAppend(&text, AsAbsl(name), "=", CanonicalValue(policy.*value), "\n");
  });
  absl::StrAppend(&text, "default_ladder=", kDefaultLadderName, "\n");
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
