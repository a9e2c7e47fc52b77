#ifndef RUNG_TESTS_SUPPORT_POLICY_CHANGES_H_
#define RUNG_TESTS_SUPPORT_POLICY_CHANGES_H_

#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "rung/policy.h"

namespace rung::test_support {

// One change per field of the policy's list, to a valid value other than the
// default, so that a field added to the list is covered by itself.
struct PolicyChange {
  std::string field;
  Policy policy;              // the default with the field changed
  PolicyOverrides overrides;  // the field alone
};

inline std::vector<PolicyChange> PolicyChanges() {
  std::vector<PolicyChange> changes;
  ForEachPolicyField([&](std::string_view name, auto value, auto override_value) {
    PolicyChange& change = changes.emplace_back();
    change.field = std::string(name);
    // Counts one more, fractions and ratios a tenth more: valid for every
    // default (a cutover still at most T, a fraction still at most 1).
    if constexpr (std::is_integral_v<std::decay_t<decltype(change.policy.*value)>>) {
      change.policy.*value += 1;
    } else {
      change.policy.*value *= 1.1;
    }
    change.overrides.*override_value = change.policy.*value;
  });
  return changes;
}

}  // namespace rung::test_support

#endif  // RUNG_TESTS_SUPPORT_POLICY_CHANGES_H_
