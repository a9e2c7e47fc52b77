#ifndef RUNG_API_ADVISOR_SERVICE_IMPL_H_
#define RUNG_API_ADVISOR_SERVICE_IMPL_H_

#include "rung/advisor.h"
#include "rung/v1/advisor_service.grpc.pb.h"

namespace rung {

// rung.v1.AdvisorService over the core Advisor: converts messages, calls the
// use case, maps the status. Methods not overridden here answer UNIMPLEMENTED
// until the rules engine lands.
class AdvisorServiceImpl final : public v1::AdvisorService::CallbackService {
 public:
  // `advisor` must outlive the service.
  explicit AdvisorServiceImpl(Advisor* advisor) : advisor_(advisor) {}

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

 private:
  Advisor* advisor_;
};

}  // namespace rung

#endif  // RUNG_API_ADVISOR_SERVICE_IMPL_H_
