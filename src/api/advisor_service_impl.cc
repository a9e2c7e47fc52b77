#include "api/advisor_service_impl.h"

#include <vector>

#include "api/proto_convert.h"
#include "api/status_mapping.h"

namespace rung {
namespace {

grpc::ServerUnaryReactor* Finish(grpc::CallbackServerContext* context, const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

absl::Status Ingest(Advisor* advisor, const v1::IngestWeeksRequest& request,
                    v1::IngestWeeksResponse* response) {
  std::vector<RawAdSetWeek> weeks;
  weeks.reserve(static_cast<size_t>(request.weeks_size()));
  for (const v1::AdSetWeek& week : request.weeks()) weeks.push_back(FromProto(week));
  absl::StatusOr<IngestSummary> summary = advisor->IngestWeeks(weeks, request.request_id());
  if (!summary.ok()) return summary.status();
  response->set_inserted(summary->inserted);
  response->set_updated(summary->updated);
  response->set_unchanged(summary->unchanged);
  for (const std::string& warning : summary->warnings) response->add_warnings(warning);
  return absl::OkStatus();
}

}  // namespace

grpc::ServerUnaryReactor* AdvisorServiceImpl::IngestWeeks(grpc::CallbackServerContext* context,
                                                          const v1::IngestWeeksRequest* request,
                                                          v1::IngestWeeksResponse* response) {
  return Finish(context, Ingest(advisor_, *request, response));
}

grpc::ServerUnaryReactor* AdvisorServiceImpl::GetAdSet(grpc::CallbackServerContext* context,
                                                       const v1::GetAdSetRequest* request,
                                                       v1::GetAdSetResponse* response) {
  absl::StatusOr<AdSetSummary> summary = advisor_->GetAdSet(request->ad_set_id());
  if (summary.ok()) ToProto(*summary, response->mutable_ad_set());
  return Finish(context, summary.status());
}

grpc::ServerUnaryReactor* AdvisorServiceImpl::ListAdSets(grpc::CallbackServerContext* context,
                                                         const v1::ListAdSetsRequest* request,
                                                         v1::ListAdSetsResponse* response) {
  absl::StatusOr<AdSetPage> page =
      advisor_->ListAdSets(request->account_id(), request->page_size(), request->page_token());
  if (page.ok()) {
    for (const AdSetSummary& summary : page->ad_sets) ToProto(summary, response->add_ad_sets());
    response->set_next_page_token(page->next_page_token);
  }
  return Finish(context, page.status());
}

grpc::ServerUnaryReactor* AdvisorServiceImpl::GetAdSetHistory(
    grpc::CallbackServerContext* context, const v1::GetAdSetHistoryRequest* request,
    v1::GetAdSetHistoryResponse* response) {
  absl::StatusOr<AdSetHistory> history =
      advisor_->GetAdSetHistory(request->ad_set_id(), request->from_week(), request->to_week());
  if (history.ok()) {
    for (const AdSetWeek& week : *history) ToProto(week, response->add_weeks());
  }
  return Finish(context, history.status());
}

}  // namespace rung
