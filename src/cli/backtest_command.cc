#include "cli/backtest_command.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/output.h"
#include "cli/policy_command.h"
#include "rung/status_macros.h"

namespace rung::cli {
namespace {

using AdvisorStub = v1::AdvisorService::Stub;

// "3 (60.0 %)" of `whole`; just the count when whole is 0.
std::string CountOf(int64_t part, int64_t whole) {
  if (whole == 0) return absl::StrCat(part);
  return absl::StrCat(part, " (", Percent(static_cast<double>(part) / whole), ")");
}

// "50.00 → 40.00 (-20.0 %)", or "-" when a side has no cost.
std::string CostChange(const v1::CostSums& before, const v1::CostSums& after) {
  if (!before.has_cost_per_macro_micros() || !after.has_cost_per_macro_micros()) return "-";
  const double change = after.cost_per_macro_micros() / before.cost_per_macro_micros() - 1;
  return absl::StrCat(Money(static_cast<int64_t>(before.cost_per_macro_micros())), " → ",
                      Money(static_cast<int64_t>(after.cost_per_macro_micros())), " (",
                      absl::StrFormat("%+.1f %%", 100 * change), ")");
}

std::string Reached(const v1::OutcomeTotals& totals) {
  if (totals.outcome_known() == 0) return "-";
  return absl::StrCat(totals.reached_threshold(), "/", totals.outcome_known());
}

void PrintTotals(const v1::RunBacktestResponse& response, std::ostream& out) {
  const v1::BacktestTotals& totals = response.totals();
  out << "backtest from " << response.from_week() << " to " << response.to_week()
      << " under policy " << response.policy_version() << ": " << totals.ad_sets() << " ad sets, "
      << totals.advice() << " weeks of advice\n\n";
  Table table({"ACTION", "GIVEN", "FOLLOWED", "NOT FOLLOWED", "UNKNOWN", "REACHED T IF FOLLOWED",
               "IF NOT", "COST PER MACRO IF FOLLOWED", "IF NOT"});
  for (const v1::ActionTotals& action : totals.actions()) {
    table.AddRow(
        {ShortName(action.action()), absl::StrCat(action.given()),
         CountOf(action.followed(), action.followed() + action.not_followed()),
         absl::StrCat(action.not_followed()), absl::StrCat(action.unknown()),
         Reached(action.when_followed()), Reached(action.when_not_followed()),
         CostChange(action.when_followed().before(), action.when_followed().after()),
         CostChange(action.when_not_followed().before(), action.when_not_followed().after())});
  }
  if (table.empty()) out << "no advice in those weeks: nothing stored for them\n";
  table.Print(out);
  out << "\nFOLLOWED: share of the advice that later weeks could judge. REACHED T: advice whose "
         "next 3 weeks reached the learning threshold. COST PER MACRO: blended spend per macro "
         "conversion, the 3 weeks up to the advice → the 3 after.\n";
}

std::string FollowingText(const v1::BacktestWeek& week) {
  switch (week.following()) {
    case v1::FOLLOWING_FOLLOWED:
      return week.followed_on_ad_set_id().empty()
                 ? "yes"
                 : absl::StrCat("yes, on ", week.followed_on_ad_set_id());
    case v1::FOLLOWING_NOT_FOLLOWED: return "no";
    default: return "cannot tell";
  }
}

void PrintStory(const v1::AdSetBacktest& ad_set, std::ostream& out) {
  out << "\n" << ad_set.ad_set_id() << " (" << ad_set.account_id() << "):\n";
  Table table({"WEEK", "ADVICE", "FOLLOWED", "REACHED T", "COST PER MACRO"});
  for (const v1::BacktestWeek& week : ad_set.weeks()) {
    const v1::Recommendation& advice = week.recommendation();
    const v1::BacktestOutcome& outcome = week.outcome();
    table.AddRow({advice.as_of_week(),
                  advice.target_event().empty()
                      ? ShortName(advice.action())
                      : absl::StrCat(ShortName(advice.action()), " → ", advice.target_event()),
                  FollowingText(week),
                  !outcome.has_reached_threshold() ? "-"
                  : outcome.reached_threshold()    ? "yes"
                                                   : "no",
                  CostChange(outcome.before(), outcome.after())});
  }
  table.Print(out, "  ");
}

}  // namespace

absl::Status RunBacktest(const Invocation& invocation, Session& session) {
  v1::RunBacktestRequest request;
  request.set_account_id(invocation.Value("--account"));
  for (const std::string& id : invocation.Values("--ad-set")) request.add_ad_set_ids(id);
  if (request.account_id().empty() && request.ad_set_ids().empty()) {
    return UsageError("--account (or --ad-set) is required");
  }
  request.set_from_week(invocation.Value("--from"));
  request.set_to_week(invocation.Value("--to"));
  if (request.from_week().empty() || request.to_week().empty()) {
    return UsageError("--from and --to are required: the first and last week to replay");
  }
  if (invocation.Has("--policy")) {
    ASSIGN_OR_RETURN(*request.mutable_policy(), ReadPolicyFile(invocation.Value("--policy")));
  }
  v1::RunBacktestResponse response;
  RETURN_IF_ERROR(session.Call(&AdvisorStub::RunBacktest, request, &response));
  if (session.json()) return PrintJson(response, session.out());
  PrintTotals(response, session.out());
  for (const v1::AdSetBacktest& ad_set : response.ad_sets()) PrintStory(ad_set, session.out());
  return absl::OkStatus();
}

}  // namespace rung::cli
