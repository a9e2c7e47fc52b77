#include "api/metrics.h"

#include <chrono>
#include <iterator>
#include <map>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "google/protobuf/descriptor.h"
#include "notify/webhook_notifier.h"
#include "prometheus/histogram.h"
#include "prometheus/metric_family.h"
#include "prometheus/text_serializer.h"
#include "rung/recommendation.h"
#include "rung/status_macros.h"

namespace rung {
namespace {

using prometheus::ClientMetric;
using prometheus::Labels;
using prometheus::MetricFamily;
using InterceptionHook = grpc::experimental::InterceptionHookPoints;

// The status code names of Go's codes.Code.String(), which go-grpc-prometheus
// puts in grpc_code; indexed by the code's number.
constexpr const char* kGoCodeNames[] = {
    "OK",       "Canceled",        "Unknown",          "InvalidArgument",   "DeadlineExceeded",
    "NotFound", "AlreadyExists",   "PermissionDenied", "ResourceExhausted", "FailedPrecondition",
    "Aborted",  "OutOfRange",      "Unimplemented",    "Internal",          "Unavailable",
    "DataLoss", "Unauthenticated",
};

std::string GoCodeName(grpc::StatusCode code) {
  const int number = static_cast<int>(code);
  if (number < 0 || number >= static_cast<int>(std::size(kGoCodeNames))) {
    return absl::StrCat("Code(", number, ")");  // as Go prints codes it does not know
  }
  return kGoCodeNames[number];
}

std::string GrpcTypeName(bool client_streaming, bool server_streaming) {
  if (client_streaming && server_streaming) return "bidi_stream";
  if (client_streaming) return "client_stream";
  if (server_streaming) return "server_stream";
  return "unary";
}

std::string GrpcTypeName(grpc::experimental::ServerRpcInfo::Type type) {
  using Type = grpc::experimental::ServerRpcInfo::Type;
  return GrpcTypeName(type == Type::CLIENT_STREAMING || type == Type::BIDI_STREAMING,
                      type == Type::SERVER_STREAMING || type == Type::BIDI_STREAMING);
}

// prometheus.DefBuckets, go-grpc-prometheus's default for handling time.
prometheus::Histogram::BucketBoundaries HandlingBuckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

Labels MethodLabels(std::string type, std::string service, std::string method) {
  return {{"grpc_type", std::move(type)},
          {"grpc_service", std::move(service)},
          {"grpc_method", std::move(method)}};
}

}  // namespace

// The grpc_server_* families, and the declared methods with their labels.
class GrpcServerMetrics {
 public:
  explicit GrpcServerMetrics(prometheus::Registry& registry)
      : started(prometheus::BuildCounter()
                    .Name("grpc_server_started_total")
                    .Help("Total number of RPCs started on the server.")
                    .Register(registry)),
        handled(prometheus::BuildCounter()
                    .Name("grpc_server_handled_total")
                    .Help("Total number of RPCs completed on the server, regardless of success "
                          "or failure.")
                    .Register(registry)),
        received(prometheus::BuildCounter()
                     .Name("grpc_server_msg_received_total")
                     .Help("Total number of RPC stream messages received on the server.")
                     .Register(registry)),
        sent(prometheus::BuildCounter()
                 .Name("grpc_server_msg_sent_total")
                 .Help("Total number of gRPC stream messages sent by the server.")
                 .Register(registry)),
        handling_seconds(prometheus::BuildHistogram()
                             .Name("grpc_server_handling_seconds")
                             .Help("Histogram of response latency (seconds) of gRPC that had "
                                   "been application-level handled by the server.")
                             .Register(registry)) {}

  void Declare(absl::string_view full_method, std::string type) {
    const GrpcMethodName name = SplitFullMethodName(full_method);
    const Labels& labels = declared_[std::string(full_method)] =
        MethodLabels(std::move(type), name.service, name.method);
    started.Add(labels);
    received.Add(labels);
    sent.Add(labels);
    handling_seconds.Add(labels, HandlingBuckets());
    for (size_t code = 0; code < std::size(kGoCodeNames); ++code) {
      handled.Add(WithCode(labels, static_cast<grpc::StatusCode>(code)));
    }
  }

  Labels LabelsFor(const grpc::experimental::ServerRpcInfo& info) const {
    const auto found = declared_.find(info.method() == nullptr ? "" : info.method());
    if (found != declared_.end()) return found->second;
    return MethodLabels(GrpcTypeName(info.type()), "unknown", "unknown");
  }

  static Labels WithCode(Labels labels, grpc::StatusCode code) {
    labels["grpc_code"] = GoCodeName(code);
    return labels;
  }

  prometheus::Family<prometheus::Counter>& started;
  prometheus::Family<prometheus::Counter>& handled;
  prometheus::Family<prometheus::Counter>& received;
  prometheus::Family<prometheus::Counter>& sent;
  prometheus::Family<prometheus::Histogram>& handling_seconds;

 private:
  // Written before the server starts, read-only after.
  std::map<std::string, Labels, std::less<>> declared_;
};

namespace {

// Records one call: created when the call arrives, observes the handling
// time and the code when the status is sent.
class CallMetricsInterceptor final : public grpc::experimental::Interceptor {
 public:
  CallMetricsInterceptor(GrpcServerMetrics* metrics, Labels labels)
      : metrics_(metrics),
        labels_(std::move(labels)),
        received_(metrics->received.Add(labels_)),
        sent_(metrics->sent.Add(labels_)),
        start_(std::chrono::steady_clock::now()) {
    metrics->started.Add(labels_).Increment();
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    // A message that failed to parse never reached the handler.
    if (methods->QueryInterceptionHookPoint(InterceptionHook::POST_RECV_MESSAGE) &&
        methods->GetRecvMessage() != nullptr) {
      received_.Increment();
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHook::PRE_SEND_MESSAGE)) sent_.Increment();
    if (methods->QueryInterceptionHookPoint(InterceptionHook::PRE_SEND_STATUS)) {
      const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start_;
      metrics_->handling_seconds.Add(labels_, HandlingBuckets()).Observe(elapsed.count());
      metrics_->handled
          .Add(GrpcServerMetrics::WithCode(labels_, methods->GetSendStatus().error_code()))
          .Increment();
    }
    methods->Proceed();
  }

 private:
  GrpcServerMetrics* metrics_;
  const Labels labels_;
  prometheus::Counter& received_;
  prometheus::Counter& sent_;
  const std::chrono::steady_clock::time_point start_;
};

class CallMetricsFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit CallMetricsFactory(GrpcServerMetrics* metrics) : metrics_(metrics) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new CallMetricsInterceptor(metrics_, metrics_->LabelsFor(*info));
  }

 private:
  GrpcServerMetrics* metrics_;
};

ClientMetric GaugeValue(double value, Labels labels = {}) {
  ClientMetric metric;
  for (const auto& [name, label_value] : labels) metric.label.push_back({name, label_value});
  metric.gauge.value = value;
  return metric;
}

MetricFamily GaugeFamily(std::string name, std::string help, std::vector<ClientMetric> values) {
  return {std::move(name), std::move(help), prometheus::MetricType::Gauge, std::move(values)};
}

// A counter family split by one label, `result`.
MetricFamily CountersByResult(std::string name, std::string help,
                              const std::vector<std::pair<std::string, int64_t>>& by_result) {
  std::vector<ClientMetric> values;
  for (const auto& [result, count] : by_result) {
    ClientMetric metric;
    metric.label.push_back({"result", result});
    metric.counter.value = static_cast<double>(count);
    values.push_back(std::move(metric));
  }
  return {std::move(name), std::move(help), prometheus::MetricType::Counter, std::move(values)};
}

MetricFamily CounterFamily(std::string name, std::string help, int64_t count) {
  ClientMetric metric;
  metric.counter.value = static_cast<double>(count);
  return {std::move(name), std::move(help), prometheus::MetricType::Counter, {std::move(metric)}};
}

double UnixSeconds(absl::Time time) { return absl::ToDoubleSeconds(time - absl::UnixEpoch()); }

// One sample for each of the `value_count` values of `Enum`, with `labels`
// and the value's name as `label`: its count, 0 when `counts` has none.
template <typename Enum, typename Count>
void AddEveryValue(int value_count, std::string_view (*name)(Enum),
                   const std::map<Enum, Count>& counts, Labels labels, const std::string& label,
                   std::vector<ClientMetric>& samples) {
  for (int i = 0; i < value_count; ++i) {
    const Enum value = static_cast<Enum>(i);
    const auto found = counts.find(value);
    labels[label] = std::string(name(value));
    samples.push_back(
        GaugeValue(found == counts.end() ? 0 : static_cast<double>(found->second), labels));
  }
}

// The domain gauges. Series without a value yet (no evaluation, no ingest)
// are left out rather than reported as 0, which would read as 1970.
std::vector<MetricFamily> StoreFamilies(const StoreStats& stats) {
  std::vector<MetricFamily> families = {
      GaugeFamily("rung_ad_sets", "Ad sets with at least one stored week.",
                  {GaugeValue(static_cast<double>(stats.ad_sets))}),
      GaugeFamily("rung_ad_set_week_records",
                  "Stored ad set week records, one per ad set and week.",
                  {GaugeValue(static_cast<double>(stats.weeks))}),
      GaugeFamily("rung_database_size_bytes",
                  "What the database takes on disk: SQLite's file and write-ahead log, or "
                  "PostgreSQL's database.",
                  {GaugeValue(static_cast<double>(stats.database_bytes))}),
  };
  for (const EngineCounter& counter : stats.engine_counters) {
    families.push_back(CountersByResult(counter.name, counter.help, counter.by_result));
  }
  std::vector<ClientMetric> by_action;
  AddEveryValue(
      kActionCount, &ActionName,
      stats.latest_evaluation ? stats.latest_evaluation->action_counts : std::map<Action, int>{},
      {}, "action", by_action);
  families.push_back(GaugeFamily(
      "rung_latest_evaluation_recommendations",
      "Recommendations of each action in the latest stored evaluation (0 before the first).",
      std::move(by_action)));
  if (stats.latest_evaluation) {
    families.push_back(
        GaugeFamily("rung_latest_evaluation_duration_seconds",
                    "Wall time of the latest stored evaluation, reads and writes included.",
                    {GaugeValue(absl::ToDoubleSeconds(stats.latest_evaluation->duration))}));
    families.push_back(
        GaugeFamily("rung_latest_evaluation_timestamp_seconds",
                    "When the latest stored evaluation ran, in Unix seconds.",
                    {GaugeValue(UnixSeconds(stats.latest_evaluation->evaluated_at))}));
  }
  if (stats.last_ingest_time) {
    families.push_back(GaugeFamily(
        "rung_last_ingest_timestamp_seconds",
        "When the last ingest that changed stored weeks was committed, in Unix seconds.",
        {GaugeValue(UnixSeconds(*stats.last_ingest_time))}));
  }
  return families;
}

// What the domain gauges show, read from the store at one scrape.
struct DomainFigures {
  StoreStats stats;
  // The first `max_accounts` by id.
  std::vector<AccountOverview> accounts;
};

absl::StatusOr<DomainFigures> ReadDomainFigures(Advisor& advisor, int max_accounts) {
  DomainFigures figures;
  ASSIGN_OR_RETURN(figures.stats, advisor.GetStats());
  auto keep = [&figures](const AccountOverview& account) {
    figures.accounts.push_back(account);
    return absl::OkStatus();
  };
  RETURN_IF_ERROR(advisor.ForEachAccount(keep, max_accounts));
  return figures;
}

// The gauges of each account, from the first `max_accounts` by id.
std::vector<MetricFamily> AccountFamilies(int64_t account_count,
                                          const std::vector<AccountOverview>& accounts,
                                          int max_accounts) {
  std::vector<ClientMetric> by_action;
  std::vector<ClientMetric> by_learning_status;
  for (const AccountOverview& account : accounts) {
    const Labels labels = {{"account_id", account.account_id}};
    AddEveryValue(kActionCount, &ActionName, account.actions, labels, "action", by_action);
    AddEveryValue(kLearningStatusCount, &LearningStatusName, account.learning_statuses, labels,
                  "learning_status", by_learning_status);
  }
  return {
      GaugeFamily("rung_accounts",
                  absl::StrCat("Accounts with a stored week or a recorded sync. Only the first ",
                               max_accounts, " by id have rung_account_* series."),
                  {GaugeValue(static_cast<double>(account_count))}),
      GaugeFamily("rung_account_ad_sets",
                  "Ad sets of each action in the account's latest evaluated week (0 before its "
                  "first).",
                  std::move(by_action)),
      GaugeFamily("rung_account_ad_sets_by_learning_status",
                  "Ad sets of each learning status in the account's latest evaluated week; "
                  "those without a record that week have none.",
                  std::move(by_learning_status)),
  };
}

std::vector<MetricFamily> AnswerCacheFamilies(const AnswerCache::Stats& stats) {
  return {
      CountersByResult("rung_answer_cache_lookups_total",
                       "GetRecommendation answers looked up among those kept since the last "
                       "evaluation, by result.",
                       {{"hit", stats.hits}, {"miss", stats.misses}}),
      GaugeFamily("rung_answer_cache_bytes",
                  "Memory held by kept GetRecommendation answers (limits.answer_cache_mb caps it).",
                  {GaugeValue(static_cast<double>(stats.bytes))}),
  };
}

// Every message ends in one result, so that the rate of those other than
// "sent" is what an alert watches.
std::vector<MetricFamily> WebhookFamilies(const notify::WebhookStats& stats) {
  return {
      CountersByResult("rung_webhook_messages_total",
                       "Messages to notify.webhook_url by how they ended: sent, rejected (a 4xx, "
                       "not retried), failed (every attempt), overflowed (pushed out of a full "
                       "queue) or stopped (dropped at shutdown).",
                       {{"sent", stats.sent},
                        {"rejected", stats.rejected},
                        {"failed", stats.failed},
                        {"overflowed", stats.overflowed},
                        {"stopped", stats.stopped}}),
      CounterFamily("rung_webhook_retries_total",
                    "Attempts to send a message to notify.webhook_url again after a failure.",
                    stats.retries),
      GaugeFamily("rung_webhook_queued_messages",
                  "Messages to notify.webhook_url waiting or on their way.",
                  {GaugeValue(static_cast<double>(stats.queued))}),
  };
}

}  // namespace

GrpcMethodName SplitFullMethodName(absl::string_view full_method) {
  absl::ConsumePrefix(&full_method, "/");
  const size_t slash = full_method.find('/');
  if (slash == absl::string_view::npos) return {"unknown", "unknown"};
  return {std::string(full_method.substr(0, slash)), std::string(full_method.substr(slash + 1))};
}

Metrics::Metrics(Advisor* advisor, const AnswerCache* answers, int max_accounts)
    : advisor_(advisor),
      answers_(answers),
      max_accounts_(max_accounts),
      registry_(std::make_shared<prometheus::Registry>()),
      grpc_(std::make_unique<GrpcServerMetrics>(*registry_)),
      http_requests_(prometheus::BuildCounter()
                         .Name("rung_http_requests_total")
                         .Help("HTTP requests answered, by route template and status code.")
                         .Register(*registry_)) {}

Metrics::~Metrics() = default;

absl::Status Metrics::DeclareService(absl::string_view service) {
  const google::protobuf::ServiceDescriptor* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(std::string(service));
  if (descriptor == nullptr) {
    return absl::InternalError(absl::StrCat("metrics: no descriptor for gRPC service ", service));
  }
  for (int i = 0; i < descriptor->method_count(); ++i) {
    const google::protobuf::MethodDescriptor& method = *descriptor->method(i);
    grpc_->Declare(absl::StrCat("/", service, "/", method.name()),
                   GrpcTypeName(method.client_streaming(), method.server_streaming()));
  }
  return absl::OkStatus();
}

void Metrics::DeclareMethod(absl::string_view full_method,
                            grpc::experimental::ServerRpcInfo::Type type) {
  grpc_->Declare(full_method, GrpcTypeName(type));
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
Metrics::NewInterceptorFactory() {
  return std::make_unique<CallMetricsFactory>(grpc_.get());
}

void Metrics::ExposeWebhook(const notify::WebhookNotifier* notifier) { webhook_ = notifier; }

void Metrics::CountHttpRequest(absl::string_view path_template, int status) {
  http_requests_
      .Add({{"path_template", std::string(path_template)}, {"code", std::to_string(status)}})
      .Increment();
}

std::string Metrics::Scrape() const {
  std::vector<MetricFamily> families = registry_->Collect();
  const absl::StatusOr<DomainFigures> domain = ReadDomainFigures(*advisor_, max_accounts_);
  // The call metrics matter most when the database does not answer, so a
  // failed read drops only the domain gauges, and says so.
  families.push_back(GaugeFamily("rung_store_stats_up",
                                 "1 when the domain gauges could be read from the database at "
                                 "this scrape, 0 when they are missing because it failed.",
                                 {GaugeValue(domain.ok() ? 1 : 0)}));
  if (domain.ok()) {
    for (MetricFamily& family : StoreFamilies(domain->stats)) families.push_back(std::move(family));
    for (MetricFamily& family :
         AccountFamilies(domain->stats.accounts, domain->accounts, max_accounts_)) {
      families.push_back(std::move(family));
    }
  }
  if (answers_ != nullptr) {
    for (MetricFamily& family : AnswerCacheFamilies(answers_->stats())) {
      families.push_back(std::move(family));
    }
  }
  if (webhook_ != nullptr) {
    for (MetricFamily& family : WebhookFamilies(webhook_->stats())) {
      families.push_back(std::move(family));
    }
  }
  return prometheus::TextSerializer().Serialize(families);
}

}  // namespace rung
