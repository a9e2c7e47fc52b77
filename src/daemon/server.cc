#include "daemon/server.h"

#include <arpa/inet.h>

#include <atomic>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "api/advisor_service_impl.h"
#include "api/answer_cache.h"
#include "api/answer_warmer.h"
#include "api/evaluation_announcer.h"
#include "api/http_service.h"
#include "api/metrics.h"
#include "daemon/log.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "httplib.h"
#include "rung/status_macros.h"

namespace rung {
namespace {

constexpr char kServiceName[] = "rung.v1.AdvisorService";

struct HostPort {
  std::string host;
  int port = 0;
};

// "host:port" with an optional [IPv6] host; the port must be 0..65535.
absl::StatusOr<HostPort> ParseHostPort(absl::string_view flag, absl::string_view address) {
  const size_t colon = address.rfind(':');
  int port = -1;
  if (colon == absl::string_view::npos || colon == 0 ||
      !absl::SimpleAtoi(address.substr(colon + 1), &port) || port < 0 || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": '", address, "' is not host:port (port 0 picks a free one)"));
  }
  std::string host(address.substr(0, colon));
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  return HostPort{host, port};
}

// Without tokens anyone who can reach the port can ingest, evaluate and copy
// the database: refuse an address others can reach unless told otherwise.
absl::Status CheckExposure(const ServerOptions& options) {
  if (!options.config.tokens.empty() || options.allow_unauthenticated_non_loopback) {
    return absl::OkStatus();
  }
  for (const auto& [flag, address] :
       {std::pair<absl::string_view, const std::string&>{"--listen", options.listen},
        {"--http_listen", options.http_listen}}) {
    if (address.empty() || IsLoopbackAddress(address)) continue;
    return absl::FailedPreconditionError(absl::StrCat(
        flag, ": '", address,
        "' is not a loopback address and the config lists no auth.tokens, so anyone who "
        "reaches it could read and change everything; add tokens (see "
        "deploy/rungd.textproto) or pass --insecure_allow_unauthenticated_non_loopback"));
  }
  return absl::OkStatus();
}

std::shared_ptr<grpc::ServerCredentials> GrpcCredentials(const TlsFiles& tls) {
  if (!tls.enabled()) return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions ssl(
      tls.client_ca_file.empty() ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
                                 : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  ssl.pem_root_certs = tls.client_ca_pem;
  ssl.pem_key_cert_pairs.push_back({tls.key_pem, tls.cert_pem});
  return grpc::SslServerCredentials(ssl);
}

std::unique_ptr<httplib::Server> NewHttpServer(const TlsFiles& tls) {
  if (!tls.enabled()) return std::make_unique<httplib::Server>();
  return std::make_unique<httplib::SSLServer>(
      tls.cert_file.c_str(), tls.key_file.c_str(),
      tls.client_ca_file.empty() ? nullptr : tls.client_ca_file.c_str());
}

std::string JoinHostPort(const std::string& host, int port) {
  return absl::StrContains(host, ':') ? absl::StrCat("[", host, "]:", port)
                                      : absl::StrCat(host, ":", port);
}

// Every method the gRPC server answers, so that its metrics name them.
absl::Status DeclareServedMethods(Metrics* metrics) {
  using Type = grpc::experimental::ServerRpcInfo::Type;
  RETURN_IF_ERROR(metrics->DeclareService(kServiceName));
  RETURN_IF_ERROR(metrics->DeclareService("grpc.reflection.v1alpha.ServerReflection"));
  metrics->DeclareMethod("/grpc.health.v1.Health/Check", Type::UNARY);
  metrics->DeclareMethod("/grpc.health.v1.Health/Watch", Type::SERVER_STREAMING);
  return absl::OkStatus();
}

// Re-checks the database on an interval and flips the standard health
// service, so that probes read a flag instead of touching SQLite each time.
class HealthMonitor {
 public:
  HealthMonitor(Store* store, grpc::HealthCheckServiceInterface* health, absl::Duration interval)
      : store_(store), health_(health), interval_(interval) {
    Probe();
    thread_ = std::thread([this] { Run(); });
  }
  ~HealthMonitor() {
    {
      absl::MutexLock lock(&mu_);
      stopping_ = true;
    }
    thread_.join();
  }

 private:
  void Run() {
    absl::MutexLock lock(&mu_);
    while (!mu_.AwaitWithTimeout(absl::Condition(&stopping_), interval_)) {
      mu_.Unlock();
      Probe();
      mu_.Lock();
    }
  }

  void Probe() {
    const absl::Status status = store_->Ping();
    if (status.ok() == serving_ && probed_) return;
    probed_ = true;
    serving_ = status.ok();
    health_->SetServingStatus(serving_);
    health_->SetServingStatus(kServiceName, serving_);
    if (serving_) {
      Log(LogLevel::kInfo, "database answers; health is SERVING");
    } else {
      Log(LogLevel::kWarn, "database does not answer; health is NOT_SERVING",
          {{"error", std::string(status.message())}});
    }
  }

  Store* store_;
  grpc::HealthCheckServiceInterface* health_;
  absl::Duration interval_;
  bool probed_ = false;
  bool serving_ = false;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

class ServerImpl final : public Server {
 public:
  ~ServerImpl() override { Shutdown(absl::ZeroDuration()); }

  absl::Status Init(const ServerOptions& options) {
    RETURN_IF_ERROR(CheckExposure(options));
    access_ = AccessControl(options.config.tokens);
    ASSIGN_OR_RETURN(store_, OpenStore(options.db_path, options.config.storage));
    Clock clock = options.clock;
    if (!clock) clock = [] { return absl::Now(); };
    advisor_ = std::make_unique<Advisor>(store_.get(), options.config.policy,
                                         options.config.advisor, std::move(clock));
    RETURN_IF_ERROR(RecordPolicyFile());
    if (options.config.answer_cache_bytes > 0) {
      answers_ = std::make_unique<AnswerCache>(options.config.answer_cache_bytes);
      warmer_ = std::make_unique<AnswerWarmer>(advisor_.get(), answers_.get());
    }
    StartNotifier(options.config.notify);
    service_ = std::make_unique<AdvisorServiceImpl>(advisor_.get(), answers_.get(), warmer_.get(),
                                                    announcer_.get(), &access_);
    metrics_ = std::make_unique<Metrics>(advisor_.get(), answers_.get());
    if (notifier_ != nullptr) metrics_->ExposeWebhook(notifier_.get());
    RETURN_IF_ERROR(StartGrpc(options));
    RETURN_IF_ERROR(StartHttp(options.http_listen, options.config.tls));
    health_monitor_ = std::make_unique<HealthMonitor>(
        store_.get(), grpc_->GetHealthCheckService(),
        absl::Milliseconds(options.config.health_probe_interval_ms));
    return absl::OkStatus();
  }

  std::string grpc_address() const override { return grpc_address_; }
  std::string http_address() const override { return http_address_; }

  void Shutdown(absl::Duration grace) override {
    if (stopped_) return;
    stopped_ = true;
    health_monitor_.reset();
    if (grpc_ != nullptr) {
      grpc_->GetHealthCheckService()->Shutdown();  // NOT_SERVING for every service
      grpc_->Shutdown(absl::ToChronoTime(absl::Now() + grace));
      grpc_->Wait();
    }
    if (http_ != nullptr) {
      // httplib's stop() does nothing before listening has begun, and a
      // signal can arrive that early: wait out that short window first.
      while (!http_->is_running() && !http_listen_returned_) std::this_thread::yield();
      http_->stop();
      http_thread_.join();
    }
    service_.reset();
    // What evaluations changed is handed to the notifier before it stops;
    // its grace bounds how long the last messages may hold shutdown up.
    announcer_.reset();
    if (notifier_ != nullptr) notifier_->Stop();
    metrics_.reset();  // after the HTTP server: a scrape reads the notifier
    notifier_.reset();
    warmer_.reset();
    answers_.reset();
    advisor_.reset();
    store_.reset();  // closes SQLite after the last call is done with it
  }

 private:
  // notify.webhook_url: tells the team what each stored evaluation changed.
  void StartNotifier(const NotifySettings& notify) {
    if (!notify.enabled()) return;
    const notify::NotifierLog log = [](std::string_view line) { Log(LogLevel::kWarn, line); };
    notify::WebhookOptions webhook;
    webhook.url = notify.webhook_url;
    notifier_ = std::make_unique<notify::WebhookNotifier>(webhook, log);
    announcer_ = std::make_unique<EvaluationAnnouncer>(advisor_.get(), notifier_.get(),
                                                       notify.dashboard_url, log);
  }

  // Records what the config file changed in the policy's history, and says
  // which accounts have stored overrides on top of the file, so that the
  // two never disagree silently.
  absl::Status RecordPolicyFile() {
    ASSIGN_OR_RETURN(const std::vector<std::string> overridden, advisor_->RecordPolicyFile());
    if (overridden.empty()) {
      Log(LogLevel::kInfo, "policy: the config file's, with no stored overrides");
      return absl::OkStatus();
    }
    std::vector<std::string> names;
    for (const std::string& account_id : overridden) {
      names.push_back(account_id.empty() ? "the deployment" : account_id);
    }
    Log(LogLevel::kInfo, "policy: stored overrides on top of the config file",
        {{"accounts", absl::StrJoin(names, ", ")}});
    return absl::OkStatus();
  }

  absl::Status StartGrpc(const ServerOptions& options) {
    std::string address = options.listen;
    std::string host;
    if (!absl::StartsWith(address, "unix:")) {
      ASSIGN_OR_RETURN(HostPort parsed, ParseHostPort("--listen", address));
      host = parsed.host;
      address = JoinHostPort(parsed.host, parsed.port);
    }
    grpc::EnableDefaultHealthCheckService(true);
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();
    grpc::ServerBuilder builder;
    int bound_port = 0;
    builder.AddListeningPort(address, GrpcCredentials(options.config.tls), &bound_port);
    builder.SetMaxReceiveMessageSize(options.config.max_message_bytes);
    builder.RegisterService(service_.get());
    RETURN_IF_ERROR(DeclareServedMethods(metrics_.get()));
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
        interceptors;
    interceptors.push_back(metrics_->NewInterceptorFactory());
    builder.experimental().SetInterceptorCreators(std::move(interceptors));
    grpc_ = builder.BuildAndStart();
    if (grpc_ == nullptr || bound_port == 0) {
      grpc_.reset();
      return absl::UnavailableError(absl::StrCat("--listen: cannot listen on '", options.listen,
                                                 "' (address in use or not available?)"));
    }
    grpc_address_ = host.empty() ? address : JoinHostPort(host, bound_port);
    return absl::OkStatus();
  }

  absl::Status StartHttp(const std::string& http_listen, const TlsFiles& tls) {
    if (http_listen.empty()) return absl::OkStatus();
    ASSIGN_OR_RETURN(HostPort parsed, ParseHostPort("--http_listen", http_listen));
    http_ = NewHttpServer(tls);
    if (!http_->is_valid()) {
      http_.reset();
      return absl::InvalidArgumentError(absl::StrCat("tls: the HTTP server cannot use '",
                                                     tls.cert_file, "' and '", tls.key_file, "'"));
    }
    RegisterHttpRoutes({advisor_.get(), answers_.get(), store_.get(), metrics_.get(), &access_},
                       http_.get());
    const int port = parsed.port == 0
                         ? http_->bind_to_any_port(parsed.host)
                         : (http_->bind_to_port(parsed.host, parsed.port) ? parsed.port : -1);
    if (port <= 0) {
      http_.reset();
      return absl::UnavailableError(absl::StrCat("--http_listen: cannot listen on '", http_listen,
                                                 "' (address in use or not available?)"));
    }
    http_address_ = JoinHostPort(parsed.host, port);
    http_thread_ = std::thread([this] {
      http_->listen_after_bind();
      http_listen_returned_ = true;
    });
    return absl::OkStatus();
  }

  AccessControl access_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Advisor> advisor_;
  std::unique_ptr<AnswerCache> answers_;
  std::unique_ptr<AnswerWarmer> warmer_;
  std::unique_ptr<notify::WebhookNotifier> notifier_;
  std::unique_ptr<EvaluationAnnouncer> announcer_;
  std::unique_ptr<AdvisorServiceImpl> service_;
  // Outlives both servers, which record into it.
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<grpc::Server> grpc_;
  std::unique_ptr<httplib::Server> http_;
  std::thread http_thread_;
  std::atomic<bool> http_listen_returned_{false};
  std::unique_ptr<HealthMonitor> health_monitor_;
  std::string grpc_address_;
  std::string http_address_;
  bool stopped_ = false;
};

}  // namespace

bool IsLoopbackAddress(const std::string& address) {
  if (absl::StartsWith(address, "unix:")) return true;
  const absl::StatusOr<HostPort> parsed = ParseHostPort("", address);
  if (!parsed.ok()) return false;
  if (parsed->host == "localhost") return true;
  in_addr v4;
  if (inet_pton(AF_INET, parsed->host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6;
  return inet_pton(AF_INET6, parsed->host.c_str(), &v6) == 1 &&
         IN6_ARE_ADDR_EQUAL(&v6, &in6addr_loopback);
}

absl::StatusOr<std::unique_ptr<Server>> Server::Start(const ServerOptions& options) {
  auto server = std::make_unique<ServerImpl>();
  RETURN_IF_ERROR(server->Init(options));
  return std::unique_ptr<Server>(std::move(server));
}

}  // namespace rung
