#ifndef RUNG_API_ADVISOR_CALLS_H_
#define RUNG_API_ADVISOR_CALLS_H_

#include "absl/status/status.h"
#include "api/answer_cache.h"
#include "rung/advisor.h"
#include "rung/ladder.h"
#include "rung/v1/advisor_service.pb.h"

namespace rung {

// The Advisor's read use cases in the API's own messages: request in,
// response out. The gRPC service and the HTTP routes both answer through
// these, so that a dashboard and a gRPC client get the same shapes and have
// the same requests refused with the same words.
class AdvisorCalls {
 public:
  // `advisor` and `answers` (null: keep no answers) must outlive this
  // object.
  AdvisorCalls(Advisor* advisor, AnswerCache* answers) : advisor_(advisor), answers_(answers) {}

  absl::Status GetAdSet(const v1::GetAdSetRequest& request, v1::GetAdSetResponse* response) const;
  absl::Status ListAdSets(const v1::ListAdSetsRequest& request,
                          v1::ListAdSetsResponse* response) const;
  absl::Status GetAdSetHistory(const v1::GetAdSetHistoryRequest& request,
                               v1::GetAdSetHistoryResponse* response) const;
  absl::Status GetRecommendation(const v1::GetRecommendationRequest& request,
                                 v1::GetRecommendationResponse* response) const;
  absl::Status ListRecommendations(const v1::ListRecommendationsRequest& request,
                                   v1::ListRecommendationsResponse* response) const;
  absl::Status ListClimbTests(const v1::ListClimbTestsRequest& request,
                              v1::ListClimbTestsResponse* response) const;
  absl::Status GetPolicy(const v1::GetPolicyRequest& request,
                         v1::GetPolicyResponse* response) const;
  absl::Status ListPolicyVersions(const v1::ListPolicyVersionsRequest& request,
                                  v1::ListPolicyVersionsResponse* response) const;
  absl::Status ListAccounts(const v1::ListAccountsRequest& request,
                            v1::ListAccountsResponse* response) const;
  absl::Status GetAccountSummary(const v1::GetAccountSummaryRequest& request,
                                 v1::GetAccountSummaryResponse* response) const;
  absl::Status GetAccount(const v1::GetAccountRequest& request,
                          v1::GetAccountResponse* response) const;
  absl::Status PlanActions(const v1::PlanActionsRequest& request,
                           v1::PlanActionsResponse* response) const;
  absl::Status ListActions(const v1::ListActionsRequest& request,
                           v1::ListActionsResponse* response) const;

 private:
  // GetRecommendation from the store, without the kept answers.
  absl::Status ReadRecommendation(const v1::GetRecommendationRequest& request,
                                  v1::GetRecommendationResponse* response) const;

  Advisor* advisor_;
  AnswerCache* answers_;
};

}  // namespace rung

#endif  // RUNG_API_ADVISOR_CALLS_H_
