#include "api/advisor_calls.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "api/proto_convert.h"
#include "rung/status_macros.h"

namespace rung {
namespace {

absl::StatusOr<RecommendationFilter> FilterFromProto(
    const v1::ListRecommendationsRequest& request) {
  RecommendationFilter filter;
  filter.account_id = request.account_id();
  filter.as_of_week = request.as_of_week();
  for (int i = 0; i < request.actions_size(); ++i) {
    ASSIGN_OR_RETURN(Action action,
                     ActionFromProto(request.actions(i), absl::StrCat("actions[", i, "]")));
    filter.actions.push_back(action);
  }
  for (int i = 0; i < request.flags_size(); ++i) {
    ASSIGN_OR_RETURN(Flag flag, FlagFromProto(request.flags(i), absl::StrCat("flags[", i, "]")));
    filter.flags.push_back(flag);
  }
  return filter;
}

}  // namespace

absl::Status AdvisorCalls::GetAdSet(const v1::GetAdSetRequest& request,
                                    v1::GetAdSetResponse* response) const {
  ASSIGN_OR_RETURN(AdSetSummary summary, advisor_->GetAdSet(request.ad_set_id()));
  ToProto(summary, response->mutable_ad_set());
  return absl::OkStatus();
}

absl::Status AdvisorCalls::ListAdSets(const v1::ListAdSetsRequest& request,
                                      v1::ListAdSetsResponse* response) const {
  ASSIGN_OR_RETURN(AdSetPage page, advisor_->ListAdSets(request.account_id(), request.page_size(),
                                                        request.page_token()));
  for (const AdSetSummary& summary : page.ad_sets) ToProto(summary, response->add_ad_sets());
  response->set_next_page_token(page.next_page_token);
  return absl::OkStatus();
}

absl::Status AdvisorCalls::GetAdSetHistory(const v1::GetAdSetHistoryRequest& request,
                                           v1::GetAdSetHistoryResponse* response) const {
  ASSIGN_OR_RETURN(
      AdSetHistory history,
      advisor_->GetAdSetHistory(request.ad_set_id(), request.from_week(), request.to_week()));
  for (const AdSetWeek& week : history) ToProto(week, response->add_weeks());
  return absl::OkStatus();
}

absl::Status AdvisorCalls::GetRecommendation(const v1::GetRecommendationRequest& request,
                                             v1::GetRecommendationResponse* response) const {
  if (answers_ == nullptr) return ReadRecommendation(request, response);
  // Read before the store: an answer must not outlive a change it missed.
  ASSIGN_OR_RETURN(const int64_t version, advisor_->RecommendationsVersion());
  const std::string key = AnswerCache::KeyOf(request.ad_set_id(), request.as_of_week());
  if (answers_->Find(version, key, response)) return absl::OkStatus();
  RETURN_IF_ERROR(ReadRecommendation(request, response));
  answers_->Keep(version, key, *response);
  return absl::OkStatus();
}

absl::Status AdvisorCalls::ReadRecommendation(const v1::GetRecommendationRequest& request,
                                              v1::GetRecommendationResponse* response) const {
  ASSIGN_OR_RETURN(Recommendation rec,
                   advisor_->GetRecommendation(request.ad_set_id(), request.as_of_week()));
  ToProto(rec, response->mutable_recommendation());
  return absl::OkStatus();
}

absl::Status AdvisorCalls::ListRecommendations(const v1::ListRecommendationsRequest& request,
                                               v1::ListRecommendationsResponse* response) const {
  ASSIGN_OR_RETURN(RecommendationFilter filter, FilterFromProto(request));
  ASSIGN_OR_RETURN(RecommendationPage page, advisor_->ListRecommendations(
                                                filter, request.page_size(), request.page_token()));
  for (const Recommendation& rec : page.recommendations) {
    ToProto(rec, response->add_recommendations());
  }
  response->set_next_page_token(page.next_page_token);
  return absl::OkStatus();
}

absl::Status AdvisorCalls::ListClimbTests(const v1::ListClimbTestsRequest& request,
                                          v1::ListClimbTestsResponse* response) const {
  ASSIGN_OR_RETURN(std::optional<ClimbTestState> state,
                   StateFilterFromProto(request.state(), "state"));
  ASSIGN_OR_RETURN(ClimbTestPage page,
                   advisor_->ListClimbTests(request.account_id(), state, request.page_size(),
                                            request.page_token()));
  for (const ClimbTest& test : page.climb_tests) ToProto(test, response->add_climb_tests());
  response->set_next_page_token(page.next_page_token);
  return absl::OkStatus();
}

absl::Status AdvisorCalls::GetPolicy(const v1::GetPolicyRequest& request,
                                     v1::GetPolicyResponse* response) const {
  ASSIGN_OR_RETURN(const PolicyView policy, advisor_->GetPolicy(request.account_id()));
  return ToProto(policy, response->mutable_policy());
}

absl::Status AdvisorCalls::ListPolicyVersions(const v1::ListPolicyVersionsRequest& request,
                                              v1::ListPolicyVersionsResponse* response) const {
  ASSIGN_OR_RETURN(PolicyVersionPage page,
                   advisor_->ListPolicyVersions(request.account_id(), request.page_size(),
                                                request.page_token()));
  for (const PolicyRevision& version : page.versions) {
    RETURN_IF_ERROR(ToProto(version, response->add_versions()));
  }
  response->set_next_page_token(page.next_page_token);
  return absl::OkStatus();
}

absl::Status AdvisorCalls::ListAccounts(const v1::ListAccountsRequest& request,
                                        v1::ListAccountsResponse* response) const {
  ASSIGN_OR_RETURN(const AccountPage page,
                   advisor_->ListAccounts(request.page_size(), request.page_token()));
  for (const AccountOverview& account : page.accounts) ToProto(account, response->add_accounts());
  response->set_next_page_token(page.next_page_token);
  return absl::OkStatus();
}

absl::Status AdvisorCalls::GetAccountSummary(const v1::GetAccountSummaryRequest& request,
                                             v1::GetAccountSummaryResponse* response) const {
  ASSIGN_OR_RETURN(const AccountSummary summary,
                   advisor_->GetAccountSummary(request.account_id(), request.as_of_week()));
  ToProto(summary, response->mutable_summary());
  return absl::OkStatus();
}

absl::Status AdvisorCalls::GetAccount(const v1::GetAccountRequest& request,
                                      v1::GetAccountResponse* response) const {
  ASSIGN_OR_RETURN(AccountRecord account, advisor_->GetAccount(request.account_id()));
  ToProto(account, response->mutable_account());
  return absl::OkStatus();
}

absl::Status AdvisorCalls::PlanActions(const v1::PlanActionsRequest& request,
                                       v1::PlanActionsResponse* response) const {
  PlanRequest plan;
  plan.account_id = request.account_id();
  plan.ad_set_ids.assign(request.ad_set_ids().begin(), request.ad_set_ids().end());
  plan.as_of_week = request.as_of_week();
  if (request.budget_share() != 0) plan.budget_share = request.budget_share();
  plan.page_size = request.page_size();
  plan.page_token = request.page_token();
  ASSIGN_OR_RETURN(PlanPage page, advisor_->PlanActions(plan));
  for (const ActionPlan& action : page.plans) ToProto(action, response->add_plans());
  response->set_next_page_token(page.next_page_token);
  return absl::OkStatus();
}

absl::Status AdvisorCalls::ListActions(const v1::ListActionsRequest& request,
                                       v1::ListActionsResponse* response) const {
  ASSIGN_OR_RETURN(ActionPage page,
                   advisor_->ListActions(request.account_id(), request.ad_set_id(),
                                         request.page_size(), request.page_token()));
  for (const ActionRecord& record : page.actions) ToProto(record, response->add_actions());
  response->set_next_page_token(page.next_page_token);
  return absl::OkStatus();
}

}  // namespace rung
