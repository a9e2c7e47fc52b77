#include "storage/store_checks.h"

#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/text.h"
#include "rung/status_macros.h"
#include "storage/json_codec.h"
#include "storage/row_values.h"
#include "storage/store_errors.h"

namespace rung {
namespace {

absl::Status CheckCounts(const std::map<std::string, int64_t>& counts, absl::string_view field) {
  for (const auto& [name, count] : counts) {
    if (count < 0) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s[\"%s\"]: must not be negative, got %d", field, name, count));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckNotNegative(std::optional<int64_t> value, absl::string_view field) {
  if (!value.has_value() || *value >= 0) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrFormat("%s: must not be negative, got %d", field, *value));
}

// Nothing negative, since the stored JSON has no spelling for it; and each
// weekly budget at `threshold` × its cost, since it is stored as that rule.
absl::Status CheckLearningBudget(const LearningBudget& budget, int threshold,
                                 absl::string_view field) {
  RETURN_IF_ERROR(CheckNotNegative(budget.spend_weeks, absl::StrCat(field, ".spend_weeks")));
  RETURN_IF_ERROR(
      CheckNotNegative(budget.weekly_spend_micros, absl::StrCat(field, ".weekly_spend_micros")));
  for (size_t i = 0; i < budget.rungs.size(); ++i) {
    const RungBudget& rung = budget.rungs[i];
    const std::string at = absl::StrCat(field, ".rungs[", i, "].");
    RETURN_IF_ERROR(CheckNotNegative(rung.event_count, absl::StrCat(at, "event_count")));
    RETURN_IF_ERROR(
        CheckNotNegative(rung.cost_per_event_micros, absl::StrCat(at, "cost_per_event_micros")));
    if (rung.weekly_budget_micros != WeeklyBudgetAt(threshold, rung.cost_per_event_micros)) {
      return absl::InvalidArgumentError(
          absl::StrCat(at, "weekly_budget_micros: must be learning_threshold (", threshold,
                       ") × cost_per_event_micros, or unset when that is unset or beyond 64 bits"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckTimestamp(absl::Time time, absl::string_view field) {
  if (TimestampInRange(time)) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": ", absl::FormatTime(absl::RFC3339_full, time, absl::UTCTimeZone()),
                   " is outside years 1 to 9999"));
}

absl::Status CheckCost(std::optional<double> cost, absl::string_view field) {
  if (!cost.has_value() || *cost >= 0) return absl::OkStatus();  // NaN fails >= 0
  return absl::InvalidArgumentError(
      absl::StrFormat("%s: must be a cost of at least 0 or +infinity, got %f", field, *cost));
}

// An override that is infinite or NaN, for which JSON, which stores the
// overrides, has no spelling.
absl::Status CheckFiniteOverrides(const PolicyOverrides& overrides, absl::string_view field) {
  absl::Status status;
  ForEachPolicyField([&](std::string_view name, auto, auto member) {
    if constexpr (std::is_same_v<decltype(member), std::optional<double> PolicyOverrides::*>) {
      const std::optional<double>& value = overrides.*member;
      if (status.ok() && value.has_value() && !std::isfinite(*value)) {
        status = absl::InvalidArgumentError(
            absl::StrCat(field, ".", AsAbsl(name), ": must be a finite number, got ", *value));
      }
    }
  });
  return status;
}

absl::Status CheckStorablePolicyRevision(const PolicyRevision& revision, absl::string_view field) {
  if (revision.revision < 1) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s.revision: must be at least 1, got %d", field, revision.revision));
  }
  RETURN_IF_ERROR(CheckNotEmpty(revision.version, absl::StrCat(field, ".version")));
  if (revision.deployment_revision < 0) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s.deployment_revision: must not be negative, got %d", field,
                        revision.deployment_revision));
  }
  RETURN_IF_ERROR(CheckFiniteOverrides(revision.overrides, absl::StrCat(field, ".overrides")));
  if (!revision.account_id.empty() && !revision.ladders.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(field, ".ladders: must be empty for ",
                                                   PolicyOwner(revision.account_id),
                                                   ": custom ladders are the deployment's"));
  }
  return CheckTimestamp(revision.change_time, absl::StrCat(field, ".change_time"));
}

}  // namespace

absl::Status CheckStorableRecommendation(const Recommendation& r) {
  RETURN_IF_ERROR(CheckNotEmpty(r.ad_set_id, "recommendation.ad_set_id"));
  RETURN_IF_ERROR(CheckNotEmpty(r.account_id, "recommendation.account_id"));
  RETURN_IF_ERROR(CheckCounts(r.latest_counts, "recommendation.latest_counts"));
  RETURN_IF_ERROR(CheckCounts(r.sustained_counts, "recommendation.sustained_counts"));
  if (r.weeks_on_rung < 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "recommendation.weeks_on_rung: must not be negative, got %d", r.weeks_on_rung));
  }
  if (r.learning_threshold < 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "recommendation.learning_threshold: must not be negative, got %d", r.learning_threshold));
  }
  RETURN_IF_ERROR(CheckLearningBudget(r.learning_budget, r.learning_threshold,
                                      "recommendation.learning_budget"));
  return CheckTimestamp(r.evaluated_at, "recommendation.evaluated_at");
}

absl::Status CheckStorableEvaluation(const EvaluationRecord& evaluation) {
  RETURN_IF_ERROR(CheckNotEmpty(evaluation.evaluation_id, "evaluation.evaluation_id"));
  if (evaluation.evaluated < 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "evaluation.evaluated: must not be negative, got %d", evaluation.evaluated));
  }
  for (const auto& [action, count] : evaluation.action_counts) {
    if (count < 0) {
      return absl::InvalidArgumentError(
          absl::StrFormat("evaluation.action_counts[%s]: must not be negative, got %d",
                          AsAbsl(ActionName(action)), count));
    }
  }
  return CheckTimestamp(evaluation.evaluated_at, "evaluation.evaluated_at");
}

absl::Status CheckNewClimbTest(const ClimbTest& test) {
  RETURN_IF_ERROR(CheckNotEmpty(test.climb_test_id, "climb_test.climb_test_id"));
  RETURN_IF_ERROR(CheckNotEmpty(test.account_id, "climb_test.account_id"));
  RETURN_IF_ERROR(CheckNotEmpty(test.original_ad_set_id, "climb_test.original_ad_set_id"));
  RETURN_IF_ERROR(CheckNotEmpty(test.duplicate_ad_set_id, "climb_test.duplicate_ad_set_id"));
  RETURN_IF_ERROR(CheckNotEmpty(test.from_event, "climb_test.from_event"));
  RETURN_IF_ERROR(CheckNotEmpty(test.to_event, "climb_test.to_event"));
  if (test.original_ad_set_id == test.duplicate_ad_set_id) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "climb_test.duplicate_ad_set_id: '%s' is also the original", test.duplicate_ad_set_id));
  }
  if (test.state != ClimbTestState::kRunning) {
    return absl::InvalidArgumentError(absl::StrCat("climb_test.state: a new test is RUNNING, not ",
                                                   AsAbsl(ClimbTestStateName(test.state))));
  }
  if (test.concluded_week.has_value() || test.original_cost_per_macro.has_value() ||
      test.duplicate_cost_per_macro.has_value() || test.retest_baseline.has_value()) {
    return absl::InvalidArgumentError(
        "climb_test: a new test has no concluded_week, costs or retest_baseline");
  }
  return CheckTimestamp(test.create_time, "climb_test.create_time");
}

absl::Status CheckStorableChange(const ClimbTestChange& change, absl::string_view field) {
  const ClimbTest& next = change.next;
  if (next.climb_test_id != change.expected.climb_test_id) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s.next.climb_test_id: '%s' is not the expected test's '%s'", field,
                        next.climb_test_id, change.expected.climb_test_id));
  }
  RETURN_IF_ERROR(CheckNotEmpty(next.climb_test_id, absl::StrCat(field, ".next.climb_test_id")));
  RETURN_IF_ERROR(CheckCost(next.original_cost_per_macro,
                            absl::StrCat(field, ".next.original_cost_per_macro")));
  RETURN_IF_ERROR(CheckCost(next.duplicate_cost_per_macro,
                            absl::StrCat(field, ".next.duplicate_cost_per_macro")));
  if (next.retest_baseline.has_value() && *next.retest_baseline < 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s.next.retest_baseline: must not be negative, got %d", field, *next.retest_baseline));
  }
  return absl::OkStatus();
}

absl::Status CheckStorableRecommendations(const std::vector<Recommendation>& recommendations) {
  for (size_t i = 0; i < recommendations.size(); ++i) {
    // The path is spelled out only for a refusal: building it for every
    // decision of a large evaluation cost more than the checks.
    if (absl::Status status = CheckStorableRecommendation(recommendations[i]); !status.ok()) {
      return WithMessagePrefix(absl::StrCat("recommendations[", i, "]."), status);
    }
  }
  return absl::OkStatus();
}

absl::Status CheckStorableChunk(const EvaluationChunk& chunk) {
  RETURN_IF_ERROR(CheckStorableRecommendations(chunk.recommendations));
  for (size_t i = 0; i < chunk.test_changes.size(); ++i) {
    RETURN_IF_ERROR(
        CheckStorableChange(chunk.test_changes[i], absl::StrCat("test_changes[", i, "]")));
  }
  return absl::OkStatus();
}

absl::Status CheckStorableAccount(const AccountRecord& account) {
  RETURN_IF_ERROR(CheckNotEmpty(account.account_id, "account.account_id"));
  if (!account.last_sync_time.has_value() || !TimestampInRange(*account.last_sync_time)) {
    return absl::InvalidArgumentError(
        "account.last_sync_time: must be set, within years 1 to 9999");
  }
  return absl::OkStatus();
}

absl::Status CheckStorableAction(const ActionRecord& record) {
  RETURN_IF_ERROR(CheckNotEmpty(record.key, "action.key"));
  RETURN_IF_ERROR(CheckNotEmpty(record.action_id, "action.action_id"));
  RETURN_IF_ERROR(CheckNotEmpty(record.account_id, "action.account_id"));
  RETURN_IF_ERROR(CheckNotEmpty(record.ad_set_id, "action.ad_set_id"));
  for (size_t i = 0; i < record.steps.size(); ++i) {
    const ActionStep& step = record.steps[i];
    const std::string field = absl::StrCat("action.steps[", i, "]");
    RETURN_IF_ERROR(CheckNotEmpty(step.method, absl::StrCat(field, ".method")));
    RETURN_IF_ERROR(CheckNotEmpty(step.path, absl::StrCat(field, ".path")));
    RETURN_IF_ERROR(CheckTimestamp(step.done_at, absl::StrCat(field, ".done_at")));
  }
  return CheckTimestamp(record.updated_at, "action.updated_at");
}

absl::Status CheckActionQuery(const ActionQuery& query) {
  RETURN_IF_ERROR(CheckNotEmpty(query.account_id, "action_query.account_id"));
  return CheckPageLimit(query.limit);
}

absl::Status CheckStorablePolicyRevisions(const std::vector<PolicyRevision>& revisions) {
  std::map<absl::string_view, size_t> index_of_account;
  for (size_t i = 0; i < revisions.size(); ++i) {
    const std::string field = absl::StrCat("revisions[", i, "]");
    RETURN_IF_ERROR(CheckStorablePolicyRevision(revisions[i], field));
    const auto [first, is_new] = index_of_account.emplace(revisions[i].account_id, i);
    if (!is_new) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ".account_id: ", PolicyOwner(revisions[i].account_id), " has revisions[",
          first->second, "] in this call too; an append takes one revision of each account"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckPolicyRevisionQuery(const PolicyRevisionQuery& query) {
  RETURN_IF_ERROR(CheckPageLimit(query.limit));
  if (query.before_revision >= 0) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrFormat("policy_revision_query.before_revision: must not be negative, got %d",
                      query.before_revision));
}

}  // namespace rung
