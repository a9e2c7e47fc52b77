#ifndef RUNG_API_ADVISOR_SERVICE_IMPL_H_
#define RUNG_API_ADVISOR_SERVICE_IMPL_H_

#include "api/advisor_calls.h"
#include "rung/advisor.h"
#include "rung/v1/advisor_service.grpc.pb.h"

namespace rung {

// rung.v1.AdvisorService over the core Advisor: converts messages, calls the
// use case, maps the status.
class AdvisorServiceImpl final : public v1::AdvisorService::CallbackService {
 public:
  // `advisor` and `ladders` must outlive the service.
  AdvisorServiceImpl(Advisor* advisor, const LadderRegistry* ladders)
      : advisor_(advisor), calls_(advisor, ladders) {}

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

 private:
  Advisor* advisor_;
  // The reads, shared with the HTTP routes.
  const AdvisorCalls calls_;
};

}  // namespace rung

#endif  // RUNG_API_ADVISOR_SERVICE_IMPL_H_
