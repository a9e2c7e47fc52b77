#include "cli/plan_command.h"

#include <ostream>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "cli/output.h"
#include "rung/status_macros.h"

namespace rung::cli {
namespace {

using AdvisorStub = v1::AdvisorService::Stub;

absl::StatusOr<v1::PlanActionsRequest> PlanRequestOf(const Invocation& invocation) {
  v1::PlanActionsRequest request;
  request.set_account_id(invocation.Value("--account"));
  for (const std::string& id : invocation.Values("--ad-set")) request.add_ad_set_ids(id);
  if (request.account_id().empty() == (request.ad_set_ids_size() == 0)) {
    return UsageError("give --account or --ad-set (one of the two)");
  }
  request.set_as_of_week(invocation.Value("--as-of"));
  ASSIGN_OR_RETURN(const double share, BudgetShare(invocation));
  request.set_budget_share(share);
  return request;
}

void PrintStep(int number, const v1::PlannedStep& step, std::ostream& out) {
  out << "  " << number << ". " << step.method() << " " << step.path() << "  " << step.purpose()
      << "\n";
  if (!step.condition().empty()) out << "       (" << step.condition() << ")\n";
  for (const v1::PlannedParam& param : step.params()) {
    out << "       " << param.name() << "=" << param.value() << "\n";
  }
}

void PrintPlan(const v1::ActionPlan& plan, std::ostream& out) {
  out << plan.ad_set_id() << " · " << plan.as_of_week() << " · " << ShortName(plan.action()) << ": "
      << plan.summary() << "\n";
  if (plan.steps_size() == 0) return;
  for (int i = 0; i < plan.steps_size(); ++i) PrintStep(i + 1, plan.steps(i), out);
  out << "  key " << plan.key() << "\n";
}

}  // namespace

absl::StatusOr<double> BudgetShare(const Invocation& invocation) {
  if (!invocation.Has("--budget-share")) return 1.0;
  double share = 0;
  const std::string text = invocation.Value("--budget-share");
  if (!absl::SimpleAtod(text, &share) || !(share > 0)) {
    return UsageError(absl::StrCat("--budget-share: '", text, "' is not a positive number"));
  }
  return share;
}

absl::StatusOr<v1::PlanActionsResponse> FetchPlans(const Invocation& invocation, Session& session) {
  ASSIGN_OR_RETURN(v1::PlanActionsRequest request, PlanRequestOf(invocation));
  v1::PlanActionsResponse all;
  RETURN_IF_ERROR(session.ForEachPage(&AdvisorStub::PlanActions, request,
                                      [&](const v1::PlanActionsResponse& page) {
                                        all.MergeFrom(page);
                                        return true;
                                      }));
  all.clear_next_page_token();
  return all;
}

absl::Status RunPlan(const Invocation& invocation, Session& session) {
  ASSIGN_OR_RETURN(const v1::PlanActionsResponse all, FetchPlans(invocation, session));
  if (session.json()) return PrintJson(all, session.out());
  std::ostream& out = session.out();
  int acting = 0;
  for (const v1::ActionPlan& plan : all.plans()) acting += plan.steps_size() > 0 ? 1 : 0;
  out << acting << (acting == 1 ? " action" : " actions")
      << " on Meta; nothing was changed. Each value in braces is read or made when the action "
         "runs.\n";
  for (const v1::ActionPlan& plan : all.plans()) {
    out << "\n";
    PrintPlan(plan, out);
  }
  return absl::OkStatus();
}

}  // namespace rung::cli
