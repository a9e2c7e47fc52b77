#ifndef RUNG_API_METRICS_H_
#define RUNG_API_METRICS_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "api/answer_cache.h"
#include "grpcpp/support/server_interceptor.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/registry.h"
#include "rung/advisor.h"

namespace rung {

// A gRPC method as go-grpc-prometheus labels it.
struct GrpcMethodName {
  std::string service;  // "rung.v1.AdvisorService"
  std::string method;   // "GetRecommendation"
};

// Splits "/package.Service/Method" the way go-grpc-prometheus does: both
// parts "unknown" when there is no slash after the service.
GrpcMethodName SplitFullMethodName(absl::string_view full_method);

class GrpcServerMetrics;  // metrics.cc: the grpc_server_* families

namespace notify {
class WebhookNotifier;
}  // namespace notify

// The daemon's Prometheus metrics, served as text by GET /metrics:
//   - the grpc_server_* family, named and labelled exactly as
//     go-grpc-prometheus does so that its dashboards and alerts work as is,
//     recorded by a server interceptor;
//   - rung_http_requests_total by route template (never a raw path);
//   - domain gauges (ad sets, weeks, the latest evaluation, ...) read from
//     the Advisor at each scrape, so they are never stale and every replica
//     agrees;
//   - per-account gauges for a Grafana board, read the same way: the ad sets
//     of each action and of each learning status at each account's latest
//     evaluated week, every value present (zeros included) so that series
//     do not come and go with the advice;
//   - rung_webhook_*, the notifier's counts, when notifications are on.
// No label holds an ad set id or any other name a client chose, which would
// be a series per ad set or per made-up method, with one bounded exception:
// account_id, for the first `max_accounts` accounts by id only.
// rung_accounts counts them all, so that a board sees when some are left
// out. Thread-safe once the methods are declared.
class Metrics {
 public:
  // How many accounts the per-account gauges cover by default.
  static constexpr int kMaxAccounts = 500;

  // `advisor` and `answers` (null when answers are not kept) must outlive
  // this object.
  Metrics(Advisor* advisor, const AnswerCache* answers, int max_accounts = kMaxAccounts);
  ~Metrics();

  // Declares the gRPC methods the server serves, before it starts. Only these
  // are labelled by name; a call to any other (which the server answers
  // UNIMPLEMENTED) is counted under grpc_service and grpc_method "unknown".
  // Each declared method starts with zero series, as go-grpc-prometheus's
  // InitializeMetrics does, so that rates and alerts see it before its first
  // call.
  //
  // Every method of a service compiled into this program; INTERNAL when the
  // generated descriptor pool does not hold it.
  absl::Status DeclareService(absl::string_view service);
  // One method of a service whose descriptor is not compiled in (gRPC's own
  // health service): "/grpc.health.v1.Health/Check".
  void DeclareMethod(absl::string_view full_method, grpc::experimental::ServerRpcInfo::Type type);

  // A factory for ServerBuilder::experimental().SetInterceptorCreators: one
  // interceptor per call, recording into this object, which must outlive
  // the gRPC server.
  std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> NewInterceptorFactory();

  // Serves the counts of the notifier of notify.webhook_url, which must
  // outlive this object. Before the server starts, like the Declare calls.
  void ExposeWebhook(const notify::WebhookNotifier* notifier);

  // Counts one HTTP answer; `path_template` such as "/v1/adsets/{ad_set_id}".
  void CountHttpRequest(absl::string_view path_template, int status);

  // Every metric in the Prometheus text format (version 0.0.4).
  std::string Scrape() const;

 private:
  Advisor* advisor_;
  const AnswerCache* answers_;
  const int max_accounts_;
  const notify::WebhookNotifier* webhook_ = nullptr;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<GrpcServerMetrics> grpc_;
  prometheus::Family<prometheus::Counter>& http_requests_;
};

}  // namespace rung

#endif  // RUNG_API_METRICS_H_
