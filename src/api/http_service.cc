#include "api/http_service.h"

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "api/advisor_calls.h"
#include "api/dashboard_page.h"
#include "api/etag.h"
#include "api/http_routing.h"
#include "api/proto_json.h"
#include "api/status_mapping.h"
#include "core/text.h"
#include "google/protobuf/descriptor.h"
#include "httplib.h"
#include "rung/status_macros.h"

namespace rung {
namespace {

constexpr char kJsonType[] = "application/json";

// One answer, before conditional requests and metrics are applied.
struct Reply {
  int status = 200;
  std::string content_type;
  std::string body;
  // Set on reads: sent as ETag, and If-None-Match is answered with 304.
  std::string etag;
  std::vector<std::pair<std::string, std::string>> headers;
};

// What a route handler gets: its path variables and its checked query.
struct RouteCall {
  PathVariables path;
  QueryParams query;
};

struct Route {
  // Also the path_template label of rung_http_requests_total.
  std::string path_template;
  // The access table's name for what the route answers ("GetAdSet"), or
  // empty for a route open to anyone.
  absl::string_view call;
  std::vector<absl::string_view> query_params;
  std::function<absl::StatusOr<Reply>(const RouteCall&)> handle;
  // A page people open from links, which pick up tracking parameters: any
  // query is ignored rather than refused.
  bool ignores_query = false;
};

Reply ErrorReply(int http_status, absl::StatusCode code, absl::string_view message) {
  Reply reply;
  reply.status = http_status;
  reply.content_type = kJsonType;
  reply.body = absl::StrCat("{\"error\":{\"code\":", http_status, ",\"status\":\"",
                            absl::StatusCodeToString(WireCode(code)),
                            "\",\"message\":", JsonQuote(message), "}}\n");
  return reply;
}

Reply ErrorReply(const absl::Status& status) {
  return ErrorReply(ToHttpStatus(status.code()), status.code(), status.message());
}

// A body that is a pure function of stored data, so that its hash is a
// validator. Polling still costs a full read and render per request (the
// body is built, then hashed); what the ETag saves is the transfer and the
// dashboard's re-rendering, and it can never be stale.
absl::StatusOr<Reply> ValidatedReply(std::string body, std::string content_type) {
  Reply reply;
  ASSIGN_OR_RETURN(reply.etag, EntityTag(body));
  reply.body = std::move(body);
  reply.content_type = std::move(content_type);
  return reply;
}

absl::StatusOr<Reply> JsonReply(const google::protobuf::Message& message) {
  ASSIGN_OR_RETURN(std::string json, ProtoToJson(message, JsonLayout::kCompact));
  return ValidatedReply(std::move(json), kJsonType);
}

template <typename Request>
absl::Status ReadPaging(const QueryParams& query, Request* request) {
  ASSIGN_OR_RETURN(const int32_t page_size, query.Int32("page_size"));
  request->set_page_size(page_size);
  ASSIGN_OR_RETURN(*request->mutable_page_token(), query.Single("page_token"));
  return absl::OkStatus();
}

// Each enum value of `param`, repeated or comma-separated, by name.
absl::StatusOr<std::vector<int>> ReadEnums(const QueryParams& query, absl::string_view param,
                                           const google::protobuf::EnumDescriptor& type,
                                           absl::string_view noun) {
  std::vector<int> values;
  for (const std::string& name : query.List(param)) {
    ASSIGN_OR_RETURN(const int value, ParseEnumParam(param, name, type, noun));
    values.push_back(value);
  }
  return values;
}

absl::StatusOr<Reply> ListRecommendations(const AdvisorCalls& calls, const RouteCall& call) {
  v1::ListRecommendationsRequest request;
  ASSIGN_OR_RETURN(*request.mutable_account_id(), call.query.Single("account_id"));
  ASSIGN_OR_RETURN(*request.mutable_as_of_week(), call.query.Single("as_of_week"));
  ASSIGN_OR_RETURN(const std::vector<int> actions,
                   ReadEnums(call.query, "action", *v1::Action_descriptor(), "an action"));
  for (int action : actions) request.add_actions(static_cast<v1::Action>(action));
  ASSIGN_OR_RETURN(const std::vector<int> flags,
                   ReadEnums(call.query, "flag", *v1::Flag_descriptor(), "a flag"));
  for (int flag : flags) request.add_flags(static_cast<v1::Flag>(flag));
  RETURN_IF_ERROR(ReadPaging(call.query, &request));
  v1::ListRecommendationsResponse response;
  RETURN_IF_ERROR(calls.ListRecommendations(request, &response));
  return JsonReply(response);
}

absl::StatusOr<Reply> GetRecommendation(const AdvisorCalls& calls, const RouteCall& call) {
  v1::GetRecommendationRequest request;
  request.set_ad_set_id(call.path.at("ad_set_id"));
  ASSIGN_OR_RETURN(*request.mutable_as_of_week(), call.query.Single("as_of_week"));
  v1::GetRecommendationResponse response;
  RETURN_IF_ERROR(calls.GetRecommendation(request, &response));
  return JsonReply(response.recommendation());
}

absl::StatusOr<Reply> GetAdSetHistory(const AdvisorCalls& calls, const RouteCall& call) {
  v1::GetAdSetHistoryRequest request;
  request.set_ad_set_id(call.path.at("ad_set_id"));
  ASSIGN_OR_RETURN(*request.mutable_from_week(), call.query.Single("from_week"));
  ASSIGN_OR_RETURN(*request.mutable_to_week(), call.query.Single("to_week"));
  v1::GetAdSetHistoryResponse response;
  RETURN_IF_ERROR(calls.GetAdSetHistory(request, &response));
  return JsonReply(response);
}

absl::StatusOr<Reply> ListAdSets(const AdvisorCalls& calls, const RouteCall& call) {
  v1::ListAdSetsRequest request;
  ASSIGN_OR_RETURN(*request.mutable_account_id(), call.query.Single("account_id"));
  RETURN_IF_ERROR(ReadPaging(call.query, &request));
  v1::ListAdSetsResponse response;
  RETURN_IF_ERROR(calls.ListAdSets(request, &response));
  return JsonReply(response);
}

absl::StatusOr<Reply> GetAdSet(const AdvisorCalls& calls, const RouteCall& call) {
  v1::GetAdSetRequest request;
  request.set_ad_set_id(call.path.at("ad_set_id"));
  v1::GetAdSetResponse response;
  RETURN_IF_ERROR(calls.GetAdSet(request, &response));
  return JsonReply(response.ad_set());
}

absl::StatusOr<Reply> PolicyOf(const AdvisorCalls& calls, std::string account_id) {
  v1::GetPolicyRequest request;
  request.set_account_id(std::move(account_id));
  v1::GetPolicyResponse response;
  RETURN_IF_ERROR(calls.GetPolicy(request, &response));
  return JsonReply(response.policy());
}

absl::StatusOr<Reply> GetPolicy(const AdvisorCalls& calls, const RouteCall& call) {
  ASSIGN_OR_RETURN(std::string account_id, call.query.Single("account_id"));
  return PolicyOf(calls, std::move(account_id));
}

absl::StatusOr<Reply> GetAccountPolicy(const AdvisorCalls& calls, const RouteCall& call) {
  return PolicyOf(calls, call.path.at("account_id"));
}

absl::StatusOr<Reply> ListClimbTests(const AdvisorCalls& calls, const RouteCall& call) {
  v1::ListClimbTestsRequest request;
  ASSIGN_OR_RETURN(*request.mutable_account_id(), call.query.Single("account_id"));
  ASSIGN_OR_RETURN(const std::string state, call.query.Single("state"));
  if (!state.empty()) {
    ASSIGN_OR_RETURN(
        const int value,
        ParseEnumParam("state", state, *v1::ClimbTestState_descriptor(), "a climb test state"));
    request.set_state(static_cast<v1::ClimbTestState>(value));
  }
  RETURN_IF_ERROR(ReadPaging(call.query, &request));
  v1::ListClimbTestsResponse response;
  RETURN_IF_ERROR(calls.ListClimbTests(request, &response));
  return JsonReply(response);
}

absl::StatusOr<Reply> ListActions(const AdvisorCalls& calls, const RouteCall& call) {
  v1::ListActionsRequest request;
  request.set_account_id(call.path.at("account_id"));
  ASSIGN_OR_RETURN(*request.mutable_ad_set_id(), call.query.Single("ad_set_id"));
  RETURN_IF_ERROR(ReadPaging(call.query, &request));
  v1::ListActionsResponse response;
  RETURN_IF_ERROR(calls.ListActions(request, &response));
  return JsonReply(response);
}

absl::StatusOr<Reply> ListAccounts(const AdvisorCalls& calls, const RouteCall& call) {
  v1::ListAccountsRequest request;
  RETURN_IF_ERROR(ReadPaging(call.query, &request));
  v1::ListAccountsResponse response;
  RETURN_IF_ERROR(calls.ListAccounts(request, &response));
  return JsonReply(response);
}

absl::StatusOr<Reply> GetAccount(const AdvisorCalls& calls, const RouteCall& call) {
  v1::GetAccountRequest request;
  request.set_account_id(call.path.at("account_id"));
  v1::GetAccountResponse response;
  RETURN_IF_ERROR(calls.GetAccount(request, &response));
  return JsonReply(response.account());
}

absl::StatusOr<Reply> GetAccountSummary(const AdvisorCalls& calls, const RouteCall& call) {
  v1::GetAccountSummaryRequest request;
  request.set_account_id(call.path.at("account_id"));
  ASSIGN_OR_RETURN(*request.mutable_as_of_week(), call.query.Single("as_of_week"));
  v1::GetAccountSummaryResponse response;
  RETURN_IF_ERROR(calls.GetAccountSummary(request, &response));
  return JsonReply(response.summary());
}

// Probes the database on every request rather than reading a cached flag: a
// load balancer must stop sending dashboards here the moment it stops
// answering.
Reply Health(Store* store) {
  const bool serving = store->Ping().ok();
  Reply reply;
  reply.status = serving ? 200 : 503;
  reply.content_type = kJsonType;
  reply.body = serving ? "{\"status\":\"SERVING\"}\n" : "{\"status\":\"NOT_SERVING\"}\n";
  return reply;
}

// Not validated: every scrape differs, and Prometheus never revalidates.
Reply Scrape(Metrics* metrics) {
  Reply reply;
  reply.content_type = "text/plain; version=0.0.4; charset=utf-8";
  reply.body = metrics->Scrape();
  return reply;
}

std::vector<Route> MakeRoutes(const HttpBackends& backends) {
  auto calls = std::make_shared<const AdvisorCalls>(backends.advisor, backends.answers);
  // Binds a handler to the shared calls.
  auto with_calls =
      [calls](absl::StatusOr<Reply> (*handler)(const AdvisorCalls&, const RouteCall&)) {
        return [calls, handler](const RouteCall& call) { return handler(*calls, call); };
      };
  absl::StatusOr<Reply> dashboard =
      ValidatedReply(std::string(DashboardPage()), "text/html; charset=utf-8");
  // The page holds no data: it asks for a token when a JSON route answers 401.
  return {
      {"/", "", {}, [dashboard](const RouteCall&) { return dashboard; }, /*ignores_query=*/true},
      {"/healthz", "", {}, [store = backends.store](const RouteCall&) { return Health(store); }},
      {"/metrics",
       "Metrics",
       {},
       [metrics = backends.metrics](const RouteCall&) { return Scrape(metrics); }},
      {"/v1/recommendations",
       "ListRecommendations",
       {"account_id", "as_of_week", "action", "flag", "page_size", "page_token"},
       with_calls(&ListRecommendations)},
      {"/v1/adsets",
       "ListAdSets",
       {"account_id", "page_size", "page_token"},
       with_calls(&ListAdSets)},
      {"/v1/adsets/{ad_set_id}", "GetAdSet", {}, with_calls(&GetAdSet)},
      {"/v1/adsets/{ad_set_id}/recommendation",
       "GetRecommendation",
       {"as_of_week"},
       with_calls(&GetRecommendation)},
      {"/v1/adsets/{ad_set_id}/history",
       "GetAdSetHistory",
       {"from_week", "to_week"},
       with_calls(&GetAdSetHistory)},
      {"/v1/policy", "GetPolicy", {"account_id"}, with_calls(&GetPolicy)},
      {"/v1/accounts", "ListAccounts", {"page_size", "page_token"}, with_calls(&ListAccounts)},
      {"/v1/accounts/{account_id}", "GetAccount", {}, with_calls(&GetAccount)},
      {"/v1/accounts/{account_id}/summary",
       "GetAccountSummary",
       {"as_of_week"},
       with_calls(&GetAccountSummary)},
      {"/v1/accounts/{account_id}/policy", "GetPolicy", {}, with_calls(&GetAccountPolicy)},
      {"/v1/accounts/{account_id}/actions",
       "ListActions",
       {"ad_set_id", "page_size", "page_token"},
       with_calls(&ListActions)},
      {"/v1/climbtests",
       "ListClimbTests",
       {"account_id", "state", "page_size", "page_token"},
       with_calls(&ListClimbTests)},
  };
}

// The caller's refusal, or OK: before anything else about the request is
// looked at, so that a stranger learns nothing from the answers.
absl::Status Authorize(const AccessControl& access, const Route& route,
                       const httplib::Request& request) {
  if (route.call.empty()) return absl::OkStatus();
  return access.Check(request.get_header_value("Authorization"), route.call);
}

Reply Refusal(const absl::Status& status) {
  Reply reply = ErrorReply(status);
  if (status.code() == absl::StatusCode::kUnauthenticated) {
    reply.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"rungd\"");
  }
  return reply;
}

// Finds the route, checks the token, the method and the query, and runs the
// handler. Sets `*matched` to the route whose template matched, if any.
Reply Dispatch(const std::vector<Route>& routes, const AccessControl& access,
               const httplib::Request& request, absl::string_view raw_path, const Route** matched) {
  for (const Route& route : routes) {
    absl::StatusOr<std::optional<PathVariables>> path =
        MatchPathTemplate(route.path_template, raw_path);
    if (path.ok() && !path->has_value()) continue;
    *matched = &route;
    if (absl::Status allowed = Authorize(access, route, request); !allowed.ok()) {
      return Refusal(allowed);
    }
    if (!path.ok()) return ErrorReply(path.status());
    // httplib answers HEAD from the same reply, without the body.
    if (request.method != "GET" && request.method != "HEAD") {
      Reply reply = ErrorReply(405, absl::StatusCode::kUnimplemented,
                               absl::StrCat(request.method, " is not allowed on ",
                                            route.path_template, "; it answers GET and HEAD only"));
      reply.headers.emplace_back("Allow", "GET, HEAD");
      return reply;
    }
    absl::StatusOr<QueryParams> query = QueryParams::Check(
        route.ignores_query ? QueryParams::Values() : request.params, route.query_params);
    if (!query.ok()) return ErrorReply(query.status());
    absl::StatusOr<Reply> reply = route.handle({**std::move(path), *std::move(query)});
    return reply.ok() ? *std::move(reply) : ErrorReply(reply.status());
  }
  return ErrorReply(absl::NotFoundError(absl::StrCat("no such path: ", Quote(raw_path))));
}

// Every If-None-Match line, as one list.
std::string IfNoneMatch(const httplib::Request& request) {
  std::vector<std::string> values;
  for (size_t i = 0; i < request.get_header_value_count("If-None-Match"); ++i) {
    values.push_back(request.get_header_value("If-None-Match", i));
  }
  return absl::StrJoin(values, ", ");
}

void Send(Reply reply, const httplib::Request& request, httplib::Response& response) {
  for (const auto& [name, value] : reply.headers) response.set_header(name, value);
  if (!reply.etag.empty()) {
    response.set_header("ETag", reply.etag);
    // Stored, but revalidated each time: the data changes with every ingest.
    response.set_header("Cache-Control", "no-cache");
    if (request.has_header("If-None-Match") && IfNoneMatchHits(IfNoneMatch(request), reply.etag)) {
      response.status = 304;
      return;
    }
  }
  response.status = reply.status;
  response.set_content(std::move(reply.body), reply.content_type);
}

}  // namespace

void RegisterHttpRoutes(const HttpBackends& backends, httplib::Server* server) {
  // One router for every method, so that a known path with another method
  // is a 405 and an unknown path a JSON 404, rather than httplib's defaults.
  // Paths are matched as sent (target), since httplib's decoded path would
  // split an id holding "%2F".
  server->set_pre_routing_handler(
      [routes = MakeRoutes(backends), metrics = backends.metrics, access = backends.access](
          const httplib::Request& request, httplib::Response& response) {
        const absl::string_view target = request.target;
        const absl::string_view raw_path = target.substr(0, target.find('?'));
        const Route* matched = nullptr;
        Send(Dispatch(routes, *access, request, raw_path, &matched), request, response);
        metrics->CountHttpRequest(matched == nullptr ? "unmatched" : matched->path_template,
                                  response.status);
        return httplib::Server::HandlerResponse::Handled;
      });
}

}  // namespace rung
