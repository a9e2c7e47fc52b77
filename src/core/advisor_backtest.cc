// The Advisor's backtest: the replay of src/core/backtest.cc over the store.

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/climb_tests_by_ad_set.h"
#include "core/request_checks.h"
#include "core/text.h"
#include "rung/advisor.h"
#include "rung/backtest.h"
#include "rung/status_macros.h"

namespace rung {
namespace {

absl::StatusOr<Week> RequiredWeek(std::string_view field, std::string_view text,
                                  absl::CivilDay today) {
  ASSIGN_OR_RETURN(const std::optional<Week> week, ParseStartedWeek(field, text, today));
  if (!week.has_value())
    return absl::InvalidArgumentError(absl::StrCat(AsAbsl(field), ": required"));
  return *week;
}

absl::Status CheckWeeks(const BacktestResult& result) {
  if (result.to_week < result.from_week) {
    return absl::InvalidArgumentError(absl::StrCat("to_week: ", result.to_week.ToString(),
                                                   " is before from_week ",
                                                   result.from_week.ToString()));
  }
  const int64_t weeks = result.to_week.WeeksSince(result.from_week) + 1;
  if (weeks > kMaxBacktestWeeks) {
    return absl::InvalidArgumentError(
        absl::StrCat("to_week: ", weeks, " weeks from from_week; at most ", kMaxBacktestWeeks));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<BacktestResult> Advisor::RunBacktest(const BacktestRequest& request) {
  RETURN_IF_ERROR(CheckOptionalId("account_id", request.account_id));
  if (request.account_id.empty() && request.ad_set_ids.empty()) {
    return absl::InvalidArgumentError("account_id, ad_set_ids: give an account or ad sets");
  }
  RETURN_IF_ERROR(CheckIdBatch("ad_set_ids", request.ad_set_ids, options_.max_batch_size));
  BacktestResult result;
  ASSIGN_OR_RETURN(result.from_week, RequiredWeek("from_week", request.from_week, Today()));
  ASSIGN_OR_RETURN(result.to_week, RequiredWeek("to_week", request.to_week, Today()));
  RETURN_IF_ERROR(CheckWeeks(result));
  ASSIGN_OR_RETURN(const PolicyBook policies,
                   request.policy.has_value()
                       ? ProposedPolicies(request.account_id, *request.policy)
                       : CurrentPolicies());
  result.policy_version = policies.For(request.account_id).version;

  const bool named = !request.ad_set_ids.empty();
  ASSIGN_OR_RETURN(const RunClimbTests climb_tests,
                   RunClimbTests::Load(store_, request.account_id, named));
  auto replay = [&](const AdSetHistory& history) -> absl::Status {
    if (request.check_cancelled) RETURN_IF_ERROR(request.check_cancelled());
    const AdSetWeek& latest = history.back();
    RETURN_IF_ERROR(CheckNamedAdSetOwner(request.account_id, latest));
    ASSIGN_OR_RETURN(const std::vector<ClimbTest> tests, climb_tests.Of(latest.ad_set_id));
    std::map<std::string, AdSetHistory> partners;
    for (const ClimbTest& test : tests) {
      const std::string& partner = test.original_ad_set_id == latest.ad_set_id
                                       ? test.duplicate_ad_set_id
                                       : test.original_ad_set_id;
      absl::StatusOr<AdSetHistory> weeks = store_->GetHistory(partner, std::nullopt, std::nullopt);
      // A copy with no week reported yet has nothing to replay.
      if (absl::IsNotFound(weeks.status())) continue;
      if (!weeks.ok()) return weeks.status();
      partners.emplace(partner, *std::move(weeks));
    }
    const EffectivePolicy policy = policies.For(latest.account_id);
    ReplayInput input;
    input.history = &history;
    input.tests = &tests;
    input.partners = &partners;
    input.policy = &policy.policy;
    input.ladders = &policies.ladders();
    input.from = result.from_week;
    input.to = result.to_week;
    AdSetBacktest replayed = ReplayAdSet(input);
    result.totals.Add(replayed);
    if (named) result.ad_sets.push_back(std::move(replayed));
    return absl::OkStatus();
  };
  if (named) {
    RETURN_IF_ERROR(EvaluateNamed(request.ad_set_ids, replay));
  } else {
    RETURN_IF_ERROR(store_->ScanHistories(request.account_id, replay));
  }
  return result;
}

}  // namespace rung
