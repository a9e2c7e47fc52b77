#include "api/advisor_service_impl.h"

#include <chrono>
#include <string>
#include <type_traits>
#include <vector>

#include "api/proto_convert.h"
#include "api/status_mapping.h"
#include "rung/status_macros.h"

namespace rung {
namespace {

grpc::ServerUnaryReactor* Finish(grpc::CallbackServerContext* context, const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

// The client's deadline runs out a moment before the server's copy of it
// (which starts when the call arrives), and the client then cancels the
// call: a cancellation this close to the deadline is the deadline's.
constexpr std::chrono::seconds kDeadlineSlack(1);

// OK while the client still wants the call's answer.
absl::Status CallStillWanted(const grpc::CallbackServerContext& context) {
  if (!context.IsCancelled()) return absl::OkStatus();
  if (context.deadline() <= std::chrono::system_clock::now() + kDeadlineSlack) {
    return absl::DeadlineExceededError("the call's deadline passed; nothing was stored");
  }
  return absl::CancelledError("the client cancelled the call; nothing was stored");
}

// The what-if policy a request proposes, if it does.
template <typename Request>
absl::Status ProposedPolicy(const Request& request, std::optional<StoredPolicy>* out) {
  if (!request.has_policy()) return absl::OkStatus();
  ASSIGN_OR_RETURN(*out, FromProto(request.policy()));
  return absl::OkStatus();
}

absl::Status Ingest(const grpc::CallbackServerContext& context, Advisor* advisor,
                    const v1::IngestWeeksRequest& request, v1::IngestWeeksResponse* response) {
  // Only before: once the batch is committed, it is stored, wanted or not.
  RETURN_IF_ERROR(CallStillWanted(context));
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

absl::Status Evaluate(const grpc::CallbackServerContext& context, Advisor* advisor,
                      const v1::EvaluateAdSetsRequest& request,
                      v1::EvaluateAdSetsResponse* response) {
  EvaluationRequest evaluation;
  // gRPC cancels the call when its deadline passes, so this enforces both.
  evaluation.check_cancelled = [&context] { return CallStillWanted(context); };
  evaluation.as_of_week = request.as_of_week();
  evaluation.account_id = request.account_id();
  evaluation.ad_set_ids.assign(request.ad_set_ids().begin(), request.ad_set_ids().end());
  evaluation.dry_run = request.dry_run();
  RETURN_IF_ERROR(ProposedPolicy(request, &evaluation.policy));
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
  for (const AccountWeek& account_week : result->account_weeks) {
    ToProto(account_week, response->add_account_weeks());
  }
  response->set_changed(static_cast<int32_t>(result->changed.size()));
  for (const ChangedAdvice& change : result->changed)
    ToProto(change, response->add_changed_advice());
  return absl::OkStatus();
}

absl::Status Backtest(const grpc::CallbackServerContext& context, Advisor* advisor,
                      const v1::RunBacktestRequest& request, v1::RunBacktestResponse* response) {
  BacktestRequest backtest;
  backtest.check_cancelled = [&context] { return CallStillWanted(context); };
  backtest.account_id = request.account_id();
  backtest.ad_set_ids.assign(request.ad_set_ids().begin(), request.ad_set_ids().end());
  backtest.from_week = request.from_week();
  backtest.to_week = request.to_week();
  RETURN_IF_ERROR(ProposedPolicy(request, &backtest.policy));
  absl::StatusOr<BacktestResult> result = advisor->RunBacktest(backtest);
  if (!result.ok()) return result.status();
  ToProto(*result, response);
  return absl::OkStatus();
}

// Answers a use case that returns one ClimbTest.
absl::Status AnswerClimbTest(const absl::StatusOr<ClimbTest>& test, v1::ClimbTest* out) {
  if (test.ok()) ToProto(*test, out);
  return test.status();
}

// The authorization metadata as sent, or empty.
absl::string_view Authorization(const grpc::CallbackServerContext& context) {
  const auto found = context.client_metadata().find("authorization");
  if (found == context.client_metadata().end()) return {};
  return absl::string_view(found->second.data(), found->second.size());
}

}  // namespace

template <typename Answer>
grpc::ServerUnaryReactor* AdvisorServiceImpl::Serve(grpc::CallbackServerContext* context,
                                                    absl::string_view method, Answer answer) {
  const absl::StatusOr<std::string> caller = access_->Authorize(Authorization(*context), method);
  if (!caller.ok()) return Finish(context, caller.status());
  // A use case that records who called gets the token's name.
  if constexpr (std::is_invocable_v<Answer, const std::string&>) {
    return Finish(context, answer(*caller));
  } else {
    return Finish(context, answer());
  }
}

grpc::ServerUnaryReactor* AdvisorServiceImpl::IngestWeeks(grpc::CallbackServerContext* context,
                                                          const v1::IngestWeeksRequest* request,
                                                          v1::IngestWeeksResponse* response) {
  return Serve(context, "IngestWeeks",
               [&] { return Ingest(*context, advisor_, *request, response); });
}

grpc::ServerUnaryReactor* AdvisorServiceImpl::GetAdSet(grpc::CallbackServerContext* context,
                                                       const v1::GetAdSetRequest* request,
                                                       v1::GetAdSetResponse* response) {
  return Serve(context, "GetAdSet", [&] { return calls_.GetAdSet(*request, response); });
}

grpc::ServerUnaryReactor* AdvisorServiceImpl::ListAdSets(grpc::CallbackServerContext* context,
                                                         const v1::ListAdSetsRequest* request,
                                                         v1::ListAdSetsResponse* response) {
  return Serve(context, "ListAdSets", [&] { return calls_.ListAdSets(*request, response); });
}

grpc::ServerUnaryReactor* AdvisorServiceImpl::GetAdSetHistory(
    grpc::CallbackServerContext* context, const v1::GetAdSetHistoryRequest* request,
    v1::GetAdSetHistoryResponse* response) {
  return Serve(context, "GetAdSetHistory",
               [&] { return calls_.GetAdSetHistory(*request, response); });
}

}  // namespace rung

namespace rung {

grpc::ServerUnaryReactor* AdvisorServiceImpl::EvaluateAdSets(
    grpc::CallbackServerContext* context, const v1::EvaluateAdSetsRequest* request,
    v1::EvaluateAdSetsResponse* response) {
  return Serve(context, "EvaluateAdSets", [&] {
    const absl::Status evaluated = Evaluate(*context, advisor_, *request, response);
    if (evaluated.ok() && !request->dry_run()) {
      if (warmer_ != nullptr) warmer_->Refill();
      if (announcer_ != nullptr) announcer_->Announce(*request, *response);
    }
    return evaluated;
  });
}

grpc::ServerUnaryReactor* AdvisorServiceImpl::GetRecommendation(
    grpc::CallbackServerContext* context, const v1::GetRecommendationRequest* request,
    v1::GetRecommendationResponse* response) {
  return Serve(context, "GetRecommendation",
               [&] { return calls_.GetRecommendation(*request, response); });
}

grpc::ServerUnaryReactor* AdvisorServiceImpl::ListRecommendations(
    grpc::CallbackServerContext* context, const v1::ListRecommendationsRequest* request,
    v1::ListRecommendationsResponse* response) {
  return Serve(context, "ListRecommendations",
               [&] { return calls_.ListRecommendations(*request, response); });
}

grpc::ServerUnaryReactor* AdvisorServiceImpl::StartClimbTest(
    grpc::CallbackServerContext* context, const v1::StartClimbTestRequest* request,
    v1::StartClimbTestResponse* response) {
  return Serve(context, "StartClimbTest", [&] {
    return AnswerClimbTest(
        advisor_->StartClimbTest(request->original_ad_set_id(), request->duplicate_ad_set_id(),
                                 request->start_week()),
        response->mutable_climb_test());
  });
}

grpc::ServerUnaryReactor* AdvisorServiceImpl::PlanActions(grpc::CallbackServerContext* context,
                                                          const v1::PlanActionsRequest* request,
                                                          v1::PlanActionsResponse* response) {
  return Serve(context, "PlanActions", [&] { return calls_.PlanActions(*request, response); });
}

grpc::ServerUnaryReactor* AdvisorServiceImpl::RecordAction(grpc::CallbackServerContext* context,
                                                           const v1::RecordActionRequest* request,
                                                           v1::RecordActionResponse* response) {
  return Serve(context, "RecordAction", [&](const std::string& caller) -> absl::Status {
    ASSIGN_OR_RETURN(ActionRecord record, FromProto(request->action()));
    ASSIGN_OR_RETURN(const ActionRecord stored, advisor_->RecordAction(std::move(record), caller));
    ToProto(stored, response->mutable_action());
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* AdvisorServiceImpl::ListAccounts(grpc::CallbackServerContext* context,
                                                           const v1::ListAccountsRequest* request,
                                                           v1::ListAccountsResponse* response) {
  return Serve(context, "ListAccounts", [&] { return calls_.ListAccounts(*request, response); });
}

grpc::ServerUnaryReactor* AdvisorServiceImpl::GetAccountSummary(
    grpc::CallbackServerContext* context, const v1::GetAccountSummaryRequest* request,
    v1::GetAccountSummaryResponse* response) {
  return Serve(context, "GetAccountSummary",
               [&] { return calls_.GetAccountSummary(*request, response); });
}

grpc::ServerUnaryReactor* AdvisorServiceImpl::RunBacktest(grpc::CallbackServerContext* context,
                                                          const v1::RunBacktestRequest* request,
                                                          v1::RunBacktestResponse* response) {
  return Serve(context, "RunBacktest",
               [&] { return Backtest(*context, advisor_, *request, response); });
}

grpc::ServerUnaryReactor* AdvisorServiceImpl::UpdatePolicy(grpc::CallbackServerContext* context,
                                                           const v1::UpdatePolicyRequest* request,
                                                           v1::UpdatePolicyResponse* response) {
  const absl::string_view call =
      request->account_id().empty() ? kUpdateDeploymentPolicy : absl::string_view("UpdatePolicy");
  return Serve(context, call, [&](const std::string& caller) -> absl::Status {
    ASSIGN_OR_RETURN(const PolicyUpdate update, FromProto(*request));
    ASSIGN_OR_RETURN(const PolicyView policy, advisor_->UpdatePolicy(update, caller));
    return ToProto(policy, response->mutable_policy());
  });
}

grpc::ServerUnaryReactor* AdvisorServiceImpl::ListPolicyVersions(
    grpc::CallbackServerContext* context, const v1::ListPolicyVersionsRequest* request,
    v1::ListPolicyVersionsResponse* response) {
  return Serve(context, "ListPolicyVersions",
               [&] { return calls_.ListPolicyVersions(*request, response); });
}

grpc::ServerUnaryReactor* AdvisorServiceImpl::ListActions(grpc::CallbackServerContext* context,
                                                          const v1::ListActionsRequest* request,
                                                          v1::ListActionsResponse* response) {
  return Serve(context, "ListActions", [&] { return calls_.ListActions(*request, response); });
}

grpc::ServerUnaryReactor* AdvisorServiceImpl::ListClimbTests(
    grpc::CallbackServerContext* context, const v1::ListClimbTestsRequest* request,
    v1::ListClimbTestsResponse* response) {
  return Serve(context, "ListClimbTests",
               [&] { return calls_.ListClimbTests(*request, response); });
}

grpc::ServerUnaryReactor* AdvisorServiceImpl::CancelClimbTest(
    grpc::CallbackServerContext* context, const v1::CancelClimbTestRequest* request,
    v1::CancelClimbTestResponse* response) {
  return Serve(context, "CancelClimbTest", [&] {
    return AnswerClimbTest(advisor_->CancelClimbTest(request->climb_test_id()),
                           response->mutable_climb_test());
  });
}

grpc::ServerUnaryReactor* AdvisorServiceImpl::GetPolicy(grpc::CallbackServerContext* context,
                                                        const v1::GetPolicyRequest* request,
                                                        v1::GetPolicyResponse* response) {
  return Serve(context, "GetPolicy", [&] { return calls_.GetPolicy(*request, response); });
}

grpc::ServerUnaryReactor* AdvisorServiceImpl::BackupDatabase(
    grpc::CallbackServerContext* context, const v1::BackupDatabaseRequest* request,
    v1::BackupDatabaseResponse* response) {
  return Serve(context, "BackupDatabase", [&] {
    absl::StatusOr<int64_t> size = advisor_->BackupDatabase(request->destination_path());
    if (size.ok()) {
      response->set_destination_path(request->destination_path());
      response->set_size_bytes(*size);
    }
    return size.status();
  });
}

grpc::ServerUnaryReactor* AdvisorServiceImpl::RecordAccountSync(
    grpc::CallbackServerContext* context, const v1::RecordAccountSyncRequest* request,
    v1::RecordAccountSyncResponse* response) {
  return Serve(context, "RecordAccountSync", [&] {
    absl::StatusOr<AccountRecord> stored =
        advisor_->RecordAccountSync(FromProto(request->account()));
    if (stored.ok()) ToProto(*stored, response->mutable_account());
    return stored.status();
  });
}

grpc::ServerUnaryReactor* AdvisorServiceImpl::GetAccount(grpc::CallbackServerContext* context,
                                                         const v1::GetAccountRequest* request,
                                                         v1::GetAccountResponse* response) {
  return Serve(context, "GetAccount", [&] { return calls_.GetAccount(*request, response); });
}

}  // namespace rung
