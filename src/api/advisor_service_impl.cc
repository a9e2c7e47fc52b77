#include "api/advisor_service_impl.h"

#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
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

absl::Status Evaluate(Advisor* advisor, const v1::EvaluateAdSetsRequest& request,
                      v1::EvaluateAdSetsResponse* response) {
  EvaluationRequest evaluation;
  evaluation.as_of_week = request.as_of_week();
  evaluation.account_id = request.account_id();
  evaluation.ad_set_ids.assign(request.ad_set_ids().begin(), request.ad_set_ids().end());
  evaluation.dry_run = request.dry_run();
  absl::StatusOr<EvaluationResult> result = advisor->EvaluateAdSets(evaluation);
  if (!result.ok()) return result.status();
  response->set_evaluation_id(result->evaluation_id);
  response->set_as_of_week(result->as_of_week.ToString());
  response->set_policy_version(result->policy_version);
  response->set_evaluated(result->evaluated);
  for (const auto& [action, count] : result->action_counts) {
    v1::ActionCount* added = response->add_action_counts();
    added->set_action(ToProto(action));
    added->set_count(count);
  }
  for (const Recommendation& rec : result->recommendations) {
    ToProto(rec, response->add_recommendations());
  }
  return absl::OkStatus();
}

absl::StatusOr<RecommendationFilter> FilterFromProto(
    const v1::ListRecommendationsRequest& request) {
  RecommendationFilter filter;
  filter.account_id = request.account_id();
  filter.as_of_week = request.as_of_week();
  for (int i = 0; i < request.actions_size(); ++i) {
    absl::StatusOr<Action> action =
        ActionFromProto(request.actions(i), absl::StrCat("actions[", i, "]"));
    if (!action.ok()) return action.status();
    filter.actions.push_back(*action);
  }
  for (int i = 0; i < request.flags_size(); ++i) {
    absl::StatusOr<Flag> flag = FlagFromProto(request.flags(i), absl::StrCat("flags[", i, "]"));
    if (!flag.ok()) return flag.status();
    filter.flags.push_back(*flag);
  }
  return filter;
}

absl::Status ListRecommendationsPage(Advisor* advisor,
                                     const v1::ListRecommendationsRequest& request,
                                     v1::ListRecommendationsResponse* response) {
  absl::StatusOr<RecommendationFilter> filter = FilterFromProto(request);
  if (!filter.ok()) return filter.status();
  absl::StatusOr<RecommendationPage> page =
      advisor->ListRecommendations(*filter, request.page_size(), request.page_token());
  if (!page.ok()) return page.status();
  for (const Recommendation& rec : page->recommendations) {
    ToProto(rec, response->add_recommendations());
  }
  response->set_next_page_token(page->next_page_token);
  return absl::OkStatus();
}

absl::Status ListClimbTestsPage(Advisor* advisor, const v1::ListClimbTestsRequest& request,
                                v1::ListClimbTestsResponse* response) {
  absl::StatusOr<std::optional<ClimbTestState>> state =
      StateFilterFromProto(request.state(), "state");
  if (!state.ok()) return state.status();
  absl::StatusOr<ClimbTestPage> page = advisor->ListClimbTests(
      request.account_id(), *state, request.page_size(), request.page_token());
  if (!page.ok()) return page.status();
  for (const ClimbTest& test : page->climb_tests) ToProto(test, response->add_climb_tests());
  response->set_next_page_token(page->next_page_token);
  return absl::OkStatus();
}

// Answers a use case that returns one ClimbTest.
absl::Status AnswerClimbTest(const absl::StatusOr<ClimbTest>& test, v1::ClimbTest* out) {
  if (test.ok()) ToProto(*test, out);
  return test.status();
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

namespace rung {

grpc::ServerUnaryReactor* AdvisorServiceImpl::EvaluateAdSets(
    grpc::CallbackServerContext* context, const v1::EvaluateAdSetsRequest* request,
    v1::EvaluateAdSetsResponse* response) {
  return Finish(context, Evaluate(advisor_, *request, response));
}

grpc::ServerUnaryReactor* AdvisorServiceImpl::GetRecommendation(
    grpc::CallbackServerContext* context, const v1::GetRecommendationRequest* request,
    v1::GetRecommendationResponse* response) {
  absl::StatusOr<Recommendation> rec =
      advisor_->GetRecommendation(request->ad_set_id(), request->as_of_week());
  if (rec.ok()) ToProto(*rec, response->mutable_recommendation());
  return Finish(context, rec.status());
}

grpc::ServerUnaryReactor* AdvisorServiceImpl::ListRecommendations(
    grpc::CallbackServerContext* context, const v1::ListRecommendationsRequest* request,
    v1::ListRecommendationsResponse* response) {
  return Finish(context, ListRecommendationsPage(advisor_, *request, response));
}

grpc::ServerUnaryReactor* AdvisorServiceImpl::StartClimbTest(
    grpc::CallbackServerContext* context, const v1::StartClimbTestRequest* request,
    v1::StartClimbTestResponse* response) {
  return Finish(context, AnswerClimbTest(advisor_->StartClimbTest(request->original_ad_set_id(),
                                                                  request->duplicate_ad_set_id(),
                                                                  request->start_week()),
                                         response->mutable_climb_test()));
}

grpc::ServerUnaryReactor* AdvisorServiceImpl::ListClimbTests(
    grpc::CallbackServerContext* context, const v1::ListClimbTestsRequest* request,
    v1::ListClimbTestsResponse* response) {
  return Finish(context, ListClimbTestsPage(advisor_, *request, response));
}

grpc::ServerUnaryReactor* AdvisorServiceImpl::CancelClimbTest(
    grpc::CallbackServerContext* context, const v1::CancelClimbTestRequest* request,
    v1::CancelClimbTestResponse* response) {
  return Finish(context, AnswerClimbTest(advisor_->CancelClimbTest(request->climb_test_id()),
                                         response->mutable_climb_test()));
}

grpc::ServerUnaryReactor* AdvisorServiceImpl::GetPolicy(grpc::CallbackServerContext* context,
                                                        const v1::GetPolicyRequest* request,
                                                        v1::GetPolicyResponse* response) {
  absl::StatusOr<EffectivePolicy> policy = advisor_->GetPolicy(request->account_id());
  if (policy.ok()) ToProto(*policy, *ladders_, response->mutable_policy());
  return Finish(context, policy.status());
}

grpc::ServerUnaryReactor* AdvisorServiceImpl::BackupDatabase(
    grpc::CallbackServerContext* context, const v1::BackupDatabaseRequest* request,
    v1::BackupDatabaseResponse* response) {
  absl::StatusOr<int64_t> size = advisor_->BackupDatabase(request->destination_path());
  if (size.ok()) {
    response->set_destination_path(request->destination_path());
    response->set_size_bytes(*size);
  }
  return Finish(context, size.status());
}

}  // namespace rung
