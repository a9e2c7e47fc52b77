// The Advisor's use case of acting on the advice: PlanActions.

#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "core/ids.h"
#include "core/page_token.h"
#include "core/request_checks.h"
#include "core/text.h"
#include "rung/action_plan.h"
#include "rung/advisor.h"
#include "rung/status_macros.h"

namespace rung {
namespace {

constexpr double kMaxBudgetShare = 10.0;

absl::Status CheckPlanRequest(const PlanRequest& request, int max_batch_size) {
  if (request.account_id.empty() == request.ad_set_ids.empty()) {
    return absl::InvalidArgumentError(
        "account_id, ad_set_ids: give one of the two, an account or ad sets");
  }
  RETURN_IF_ERROR(CheckOptionalId("account_id", request.account_id));
  RETURN_IF_ERROR(CheckIdBatch("ad_set_ids", request.ad_set_ids, max_batch_size));
  if (!(request.budget_share > 0 && request.budget_share <= kMaxBudgetShare)) {
    return absl::InvalidArgumentError(absl::StrCat("budget_share: ", request.budget_share,
                                                   " is not in (0, ", kMaxBudgetShare, "]"));
  }
  if (!request.ad_set_ids.empty() && !request.page_token.empty()) {
    return absl::InvalidArgumentError("page_token: plans of named ad sets come in one page");
  }
  return absl::OkStatus();
}

// The Monday of the week under way in the account's time zone, or in UTC
// before a sync recorded one.
absl::StatusOr<Week> CurrentWeekOf(Store* store, const std::string& account_id, absl::Time now) {
  const absl::StatusOr<AccountRecord> account = store->GetAccount(account_id);
  if (!account.ok() && !absl::IsNotFound(account.status())) return account.status();
  ASSIGN_OR_RETURN(const Week last,
                   LastCompleteWeekOfAccount(account.ok() ? account->time_zone : "", now));
  return last.Next();
}

// Parameters that must never be stored: Meta's secrets.
constexpr absl::string_view kSecretParams[] = {"access_token", "appsecret_proof", "client_secret"};

absl::Status CheckRecordedAction(const ActionRecord& record) {
  RETURN_IF_ERROR(CheckRequiredId("action.account_id", record.account_id));
  RETURN_IF_ERROR(CheckRequiredId("action.ad_set_id", record.ad_set_id));
  RETURN_IF_ERROR(CheckOptionalId("action.duplicate_ad_set_id", record.duplicate_ad_set_id));
  if (!ActsOnMeta(record.action)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "action.action: ", AsAbsl(ActionName(record.action)), " does nothing on Meta"));
  }
  const std::string key = ActionKey(record.ad_set_id, record.as_of_week, record.action);
  if (record.key != key) {
    return absl::InvalidArgumentError(
        absl::StrCat("action.key: ", Quote(record.key), " is not the action's key ", Quote(key)));
  }
  for (size_t i = 0; i < record.steps.size(); ++i) {
    for (const auto& [name, value] : record.steps[i].params) {
      for (const absl::string_view secret : kSecretParams) {
        if (name == secret) {
          return absl::InvalidArgumentError(
              absl::StrCat("action.steps[", i, "].params: ", secret, " must never be recorded"));
        }
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ActionRecord> Advisor::RecordAction(ActionRecord record,
                                                   std::string_view recorded_by) {
  RETURN_IF_ERROR(CheckRecordedAction(record));
  // Kept only when the key is new: the store keeps the first id.
  record.action_id = NewId("ac_");
  record.recorded_by = std::string(recorded_by);
  record.updated_at = clock_();
  record.created_at = record.updated_at;
  return store_->RecordAction(record);
}

absl::StatusOr<ActionPage> Advisor::ListActions(std::string_view account_id,
                                                std::string_view ad_set_id, int page_size,
                                                std::string_view page_token) {
  RETURN_IF_ERROR(CheckRequiredId("account_id", account_id));
  RETURN_IF_ERROR(CheckOptionalId("ad_set_id", ad_set_id));
  ASSIGN_OR_RETURN(const int limit, EffectivePageSize(page_size, options_.default_page_size,
                                                      options_.max_page_size));
  const std::string filter =
      absl::StrCat("account_id=", AsAbsl(account_id), ";ad_set_id=", AsAbsl(ad_set_id));
  ActionQuery query;
  query.account_id = std::string(account_id);
  query.ad_set_id = std::string(ad_set_id);
  query.limit = limit + 1;  // one more tells whether another page follows
  if (!page_token.empty()) {
    ASSIGN_OR_RETURN(query.after_key, DecodePageToken(page_token, filter));
  }
  ActionPage page;
  ASSIGN_OR_RETURN(page.actions, store_->ListActions(query));
  page.next_page_token =
      TrimPage(page.actions, limit, filter, [](const ActionRecord& a) { return a.key; });
  return page;
}

absl::StatusOr<ActionPlan> Advisor::PlanFor(const Recommendation& recommendation,
                                            const PlanSettings& settings) {
  std::optional<ClimbTest> test;
  if (!recommendation.climb_test_id.empty()) {
    absl::StatusOr<ClimbTest> stored = store_->GetClimbTest(recommendation.climb_test_id);
    if (stored.ok()) {
      test = *std::move(stored);
    } else if (!absl::IsNotFound(stored.status())) {
      return stored.status();
    }
  }
  return PlanAction(recommendation, test.has_value() ? &*test : nullptr, settings);
}

absl::StatusOr<PlanPage> Advisor::PlanActions(const PlanRequest& request) {
  RETURN_IF_ERROR(CheckPlanRequest(request, options_.max_batch_size));
  PlanPage page;
  const absl::Time now = clock_();
  // Each account's current week, read once per request rather than per ad set.
  absl::flat_hash_map<std::string, Week> start_weeks;
  auto plan_for = [&](const Recommendation& recommendation) -> absl::StatusOr<ActionPlan> {
    auto [found, inserted] = start_weeks.try_emplace(recommendation.account_id);
    if (inserted) {
      ASSIGN_OR_RETURN(found->second, CurrentWeekOf(store_, recommendation.account_id, now));
    }
    PlanSettings settings;
    settings.budget_share = request.budget_share;
    settings.start_week = found->second;
    return PlanFor(recommendation, settings);
  };
  // Both ad sets of a test carry its verdict, which is one plan.
  absl::flat_hash_set<std::string> planned;
  auto add = [&](ActionPlan plan) {
    if (planned.insert(plan.key).second) page.plans.push_back(std::move(plan));
  };
  if (!request.ad_set_ids.empty()) {
    for (const std::string& ad_set_id : request.ad_set_ids) {
      ASSIGN_OR_RETURN(const Recommendation recommendation,
                       GetRecommendation(ad_set_id, request.as_of_week));
      ASSIGN_OR_RETURN(ActionPlan plan, plan_for(recommendation));
      add(std::move(plan));
    }
    return page;
  }
  RecommendationFilter filter;
  filter.account_id = request.account_id;
  filter.as_of_week = request.as_of_week;
  for (int i = 0; i < kActionCount; ++i) {
    if (ActsOnMeta(static_cast<Action>(i))) filter.actions.push_back(static_cast<Action>(i));
  }
  ASSIGN_OR_RETURN(RecommendationPage advice,
                   ListRecommendations(filter, request.page_size, request.page_token));
  for (const Recommendation& recommendation : advice.recommendations) {
    ASSIGN_OR_RETURN(ActionPlan plan, plan_for(recommendation));
    // A duplicate's verdict is planned with its original, which the same
    // account lists, perhaps on another page.
    if (plan.ad_set_id != recommendation.ad_set_id) continue;
    add(std::move(plan));
  }
  page.next_page_token = std::move(advice.next_page_token);
  return page;
}

}  // namespace rung
