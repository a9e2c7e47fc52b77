#ifndef RUNG_API_ADVISOR_SERVICE_IMPL_H_
#define RUNG_API_ADVISOR_SERVICE_IMPL_H_

#include "absl/strings/string_view.h"
#include "api/advisor_calls.h"
#include "api/answer_warmer.h"
#include "api/evaluation_announcer.h"
#include "core/access.h"
#include "rung/advisor.h"
#include "rung/v1/advisor_service.grpc.pb.h"

namespace rung {

// rung.v1.AdvisorService over the core Advisor: checks the caller's token
// against the access table, converts messages, calls the use case, maps the
// status.
class AdvisorServiceImpl final : public v1::AdvisorService::CallbackService {
 public:
  // `advisor`, `answers` and `warmer` (both null when answers are not kept),
  // `announcer` (null without a webhook) and `access` must outlive the
  // service.
  AdvisorServiceImpl(Advisor* advisor, AnswerCache* answers, AnswerWarmer* warmer,
                     EvaluationAnnouncer* announcer, const AccessControl* access)
      : advisor_(advisor),
        calls_(advisor, answers),
        warmer_(warmer),
        announcer_(announcer),
        access_(access) {}

  grpc::ServerUnaryReactor* ListAccounts(grpc::CallbackServerContext* context,
                                         const v1::ListAccountsRequest* request,
                                         v1::ListAccountsResponse* response) override;
  grpc::ServerUnaryReactor* GetAccountSummary(grpc::CallbackServerContext* context,
                                              const v1::GetAccountSummaryRequest* request,
                                              v1::GetAccountSummaryResponse* response) override;
  grpc::ServerUnaryReactor* RunBacktest(grpc::CallbackServerContext* context,
                                        const v1::RunBacktestRequest* request,
                                        v1::RunBacktestResponse* response) override;
  grpc::ServerUnaryReactor* UpdatePolicy(grpc::CallbackServerContext* context,
                                         const v1::UpdatePolicyRequest* request,
                                         v1::UpdatePolicyResponse* response) override;
  grpc::ServerUnaryReactor* ListPolicyVersions(grpc::CallbackServerContext* context,
                                               const v1::ListPolicyVersionsRequest* request,
                                               v1::ListPolicyVersionsResponse* response) override;
  grpc::ServerUnaryReactor* IngestWeeks(grpc::CallbackServerContext* context,
                                        const v1::IngestWeeksRequest* request,
                                        v1::IngestWeeksResponse* response) override;
  grpc::ServerUnaryReactor* GetAdSet(grpc::CallbackServerContext* context,
                                     const v1::GetAdSetRequest* request,
                                     v1::GetAdSetResponse* response) override;
  grpc::ServerUnaryReactor* ListAdSets(grpc::CallbackServerContext* context,
                                       const v1::ListAdSetsRequest* request,
                                       v1::ListAdSetsResponse* response) override;
  grpc::ServerUnaryReactor* GetAdSetHistory(grpc::CallbackServerContext* context,
                                            const v1::GetAdSetHistoryRequest* request,
                                            v1::GetAdSetHistoryResponse* response) override;

  grpc::ServerUnaryReactor* EvaluateAdSets(grpc::CallbackServerContext* context,
                                           const v1::EvaluateAdSetsRequest* request,
                                           v1::EvaluateAdSetsResponse* response) override;
  grpc::ServerUnaryReactor* GetRecommendation(grpc::CallbackServerContext* context,
                                              const v1::GetRecommendationRequest* request,
                                              v1::GetRecommendationResponse* response) override;
  grpc::ServerUnaryReactor* ListRecommendations(grpc::CallbackServerContext* context,
                                                const v1::ListRecommendationsRequest* request,
                                                v1::ListRecommendationsResponse* response) override;
  grpc::ServerUnaryReactor* StartClimbTest(grpc::CallbackServerContext* context,
                                           const v1::StartClimbTestRequest* request,
                                           v1::StartClimbTestResponse* response) override;
  grpc::ServerUnaryReactor* PlanActions(grpc::CallbackServerContext* context,
                                        const v1::PlanActionsRequest* request,
                                        v1::PlanActionsResponse* response) override;
  grpc::ServerUnaryReactor* RecordAction(grpc::CallbackServerContext* context,
                                         const v1::RecordActionRequest* request,
                                         v1::RecordActionResponse* response) override;
  grpc::ServerUnaryReactor* ListActions(grpc::CallbackServerContext* context,
                                        const v1::ListActionsRequest* request,
                                        v1::ListActionsResponse* response) override;
  grpc::ServerUnaryReactor* ListClimbTests(grpc::CallbackServerContext* context,
                                           const v1::ListClimbTestsRequest* request,
                                           v1::ListClimbTestsResponse* response) override;
  grpc::ServerUnaryReactor* CancelClimbTest(grpc::CallbackServerContext* context,
                                            const v1::CancelClimbTestRequest* request,
                                            v1::CancelClimbTestResponse* response) override;
  grpc::ServerUnaryReactor* GetPolicy(grpc::CallbackServerContext* context,
                                      const v1::GetPolicyRequest* request,
                                      v1::GetPolicyResponse* response) override;
  grpc::ServerUnaryReactor* BackupDatabase(grpc::CallbackServerContext* context,
                                           const v1::BackupDatabaseRequest* request,
                                           v1::BackupDatabaseResponse* response) override;
  grpc::ServerUnaryReactor* RecordAccountSync(grpc::CallbackServerContext* context,
                                              const v1::RecordAccountSyncRequest* request,
                                              v1::RecordAccountSyncResponse* response) override;
  grpc::ServerUnaryReactor* GetAccount(grpc::CallbackServerContext* context,
                                       const v1::GetAccountRequest* request,
                                       v1::GetAccountResponse* response) override;

 private:
  // Finishes the call with `answer()` when its token may call `method` (the
  // access table's name), and with the refusal otherwise. An `answer` that
  // takes a string is given the token's name.
  template <typename Answer>
  grpc::ServerUnaryReactor* Serve(grpc::CallbackServerContext* context, absl::string_view method,
                                  Answer answer);

  Advisor* advisor_;
  // The reads, shared with the HTTP routes.
  const AdvisorCalls calls_;
  AnswerWarmer* warmer_;
  EvaluationAnnouncer* announcer_;
  const AccessControl* access_;
};

}  // namespace rung

#endif  // RUNG_API_ADVISOR_SERVICE_IMPL_H_
