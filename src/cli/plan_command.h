#ifndef RUNG_CLI_PLAN_COMMAND_H_
#define RUNG_CLI_PLAN_COMMAND_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cli/args.h"
#include "cli/session.h"

namespace rung::cli {

// `rungctl plan`: the steps that would carry out the stored advice on Meta,
// every page of them, readably or as JSON. Changes nothing anywhere.
absl::Status RunPlan(const Invocation& invocation, Session& session);

// --budget-share: the share of O's daily budget that a new ad set gets
// (default 1).
absl::StatusOr<double> BudgetShare(const Invocation& invocation);

// Every page of the plans that --account or --ad-set, --as-of and
// --budget-share ask for, in one answer.
absl::StatusOr<v1::PlanActionsResponse> FetchPlans(const Invocation& invocation, Session& session);

}  // namespace rung::cli

#endif  // RUNG_CLI_PLAN_COMMAND_H_
