// Tokens and roles end to end: every AdvisorService method (enumerated from
// the service descriptor, so that a new method cannot be forgotten) and every
// HTTP route against a real daemon with tokens, and the refusal to listen
// beyond loopback without them.

#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "core/access.h"
#include "core/digest.h"
#include "daemon/config.h"
#include "daemon/server.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "support/daemon_fixture.h"
#include "support/temp_dir.h"

namespace rung {
namespace {

using ::testing::HasSubstr;

// A secret per role; the config holds only their hashes.
const std::map<Role, std::string>& Secrets() {
  static const auto* secrets = new std::map<Role, std::string>{{Role::kReader, "reader-secret"},
                                                               {Role::kWriter, "writer-secret"},
                                                               {Role::kAdmin, "admin-secret"}};
  return *secrets;
}

DaemonConfig ConfigWithTokens() {
  config::v1::Config config;
  for (const auto& [role, secret] : Secrets()) {
    config::v1::TokenConfig* token = config.mutable_auth()->add_tokens();
    token->set_name(std::string(RoleName(role)));
    token->set_sha256(*Sha256Hex(secret));
    token->set_role(static_cast<config::v1::Role>(role));
  }
  absl::StatusOr<DaemonConfig> resolved = ResolveConfig(config);
  EXPECT_TRUE(resolved.ok()) << resolved.status();
  return *resolved;
}

const google::protobuf::ServiceDescriptor& AdvisorServiceDescriptor() {
  return *google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
      v1::AdvisorService::service_full_name());
}

TEST(AccessTableTest, EveryMethodOfTheServiceHasARole) {
  const auto& service = AdvisorServiceDescriptor();
  ASSERT_GT(service.method_count(), 0);
  for (int i = 0; i < service.method_count(); ++i) {
    EXPECT_TRUE(RequiredRole(service.method(i)->name()).has_value()) << service.method(i)->name();
  }
  EXPECT_FALSE(RequiredRole("NoSuchMethod").has_value());
}

TEST(AccessTableTest, ReadsNeedReaderChangesWriterAndEvaluationAndBackupAdmin) {
  const std::map<std::string, Role> expected = {
      {"GetAdSet", Role::kReader},
      {"ListAdSets", Role::kReader},
      {"GetAdSetHistory", Role::kReader},
      {"GetRecommendation", Role::kReader},
      {"ListRecommendations", Role::kReader},
      {"ListClimbTests", Role::kReader},
      {"GetPolicy", Role::kReader},
      {"GetAccount", Role::kReader},
      {"PlanActions", Role::kReader},
      {"ListActions", Role::kReader},
      {"ListPolicyVersions", Role::kReader},
      {"ListAccounts", Role::kReader},
      {"GetAccountSummary", Role::kReader},
      {"RunBacktest", Role::kReader},
      {"Metrics", Role::kReader},
      {"IngestWeeks", Role::kWriter},
      {"StartClimbTest", Role::kWriter},
      {"CancelClimbTest", Role::kWriter},
      {"RecordAccountSync", Role::kWriter},
      {"RecordAction", Role::kWriter},
      {"UpdatePolicy", Role::kWriter},
      {std::string(kUpdateDeploymentPolicy), Role::kAdmin},
      {"EvaluateAdSets", Role::kAdmin},
      {"BackupDatabase", Role::kAdmin},
  };
  for (const auto& [call, role] : expected) EXPECT_EQ(RequiredRole(call), role) << call;
}

TEST(AccessControlTest, WithoutTokensEverythingIsOpenButUnlistedCallsAreNot) {
  const AccessControl open;
  EXPECT_TRUE(open.Check("", "EvaluateAdSets").ok());
  EXPECT_EQ(open.Check("", "NoSuchMethod").code(), absl::StatusCode::kInternal);
}

TEST(AccessControlTest, TheSchemeIsCaseInsensitiveAndTheTokenExact) {
  const AccessControl access(ConfigWithTokens().tokens);
  EXPECT_TRUE(access.Check("bearer reader-secret", "GetAdSet").ok());
  EXPECT_TRUE(access.Check("Bearer  reader-secret ", "GetAdSet").ok());
  for (const char* bad : {"", "reader-secret", "Basic reader-secret", "Bearer reader-secreT",
                          "Bearer reader-secret2", "Bearer", "Bearer "}) {
    EXPECT_EQ(access.Check(bad, "GetAdSet").code(), absl::StatusCode::kUnauthenticated) << bad;
  }
}

// How each kind of caller fares, for one method.
struct Caller {
  std::string label;
  std::string authorization;  // empty: no metadata at all
  std::optional<Role> role;   // nullopt: not a valid token
};

std::vector<Caller> Callers() {
  std::vector<Caller> callers = {{"no token", "", std::nullopt},
                                 {"unknown token", "Bearer not-a-token", std::nullopt},
                                 {"not bearer", "Basic cmVhZGVyOnNlY3JldA==", std::nullopt}};
  for (const auto& [role, secret] : Secrets()) {
    callers.push_back({std::string(RoleName(role)), "Bearer " + secret, role});
  }
  return callers;
}

class AuthServerTest : public test_support::DaemonFixture {
 protected:
  void SetUp() override { StartDaemon(ConfigWithTokens()); }

  // Calls `method` of AdvisorService with an empty request, by name.
  grpc::Status CallByName(const std::string& method, const std::string& authorization) {
    grpc::GenericStub stub(channel_);
    grpc::ClientContext context;
    if (!authorization.empty()) context.AddMetadata("authorization", authorization);
    grpc::Slice empty_message("");
    grpc::ByteBuffer request(&empty_message, 1);
    grpc::ByteBuffer response;
    grpc::Status status;
    absl::Notification done;
    stub.UnaryCall(&context, absl::StrCat("/", AdvisorServiceDescriptor().full_name(), "/", method),
                   grpc::StubOptions(), &request, &response, [&](grpc::Status answered) {
                     status = std::move(answered);
                     done.Notify();
                   });
    done.WaitForNotification();
    return status;
  }

  httplib::Result HttpGet(const std::string& path, const std::string& authorization) {
    httplib::Headers headers;
    if (!authorization.empty()) headers.emplace("Authorization", authorization);
    return Http().Get(path.c_str(), headers);
  }
};

TEST_F(AuthServerTest, EveryMethodRefusesStrangersAndWeakRolesAndServesTheRightOnes) {
  const auto& service = AdvisorServiceDescriptor();
  int refused = 0;
  for (int i = 0; i < service.method_count(); ++i) {
    const std::string method = service.method(i)->name();
    // An empty UpdatePolicy request is the deployment's, an admin's call.
    const std::string call =
        method == "UpdatePolicy" ? std::string(kUpdateDeploymentPolicy) : method;
    const Role needed = *RequiredRole(call);
    for (const Caller& caller : Callers()) {
      SCOPED_TRACE(absl::StrCat(method, " as ", caller.label));
      const grpc::Status status = CallByName(method, caller.authorization);
      if (!caller.role.has_value()) {
        EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << status.error_message();
        ++refused;
      } else if (*caller.role < needed) {
        EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
        EXPECT_EQ(status.error_message(),
                  absl::StrCat(call, " needs role ", RoleName(needed), "; the token has role ",
                               RoleName(*caller.role)));
        ++refused;
      } else {
        EXPECT_NE(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
        EXPECT_NE(status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
            << status.error_message();
      }
    }
  }
  // Printed for RELIABILITY.md: 22 methods × 3 strangers, a reader on the 5
  // writer methods, a reader and a writer on the 3 admin calls (the
  // deployment's UpdatePolicy among them).
  std::printf("unauthorized gRPC calls refused: %d\n", refused);
  EXPECT_EQ(refused, 22 * 3 + 5 + 3 * 2);
}

TEST_F(AuthServerTest, AWriterMayChangeAnAccountsPolicyAndOnlyAnAdminTheDeployments) {
  auto update = [&](Role role, const std::string& account_id) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + Secrets().at(role));
    v1::UpdatePolicyRequest request;
    request.set_account_id(account_id);
    request.mutable_policy()->set_cutover_threshold(25);
    request.set_reason("more climbs");
    v1::UpdatePolicyResponse response;
    return stub_->UpdatePolicy(&context, request, &response);
  };

  EXPECT_EQ(update(Role::kReader, "act_1").error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(update(Role::kWriter, "act_1").ok());
  EXPECT_EQ(update(Role::kWriter, "").error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(update(Role::kAdmin, "").ok());

  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + Secrets().at(Role::kReader));
  v1::ListPolicyVersionsRequest request;
  request.set_account_id("act_1");
  v1::ListPolicyVersionsResponse versions;
  ASSERT_TRUE(stub_->ListPolicyVersions(&context, request, &versions).ok());
  ASSERT_GE(versions.versions_size(), 1);
  EXPECT_EQ(versions.versions(0).changed_by(), "writer");  // the token's name
}

TEST_F(AuthServerTest, AReaderMayReadAnAccountButNotRecordItsSync) {
  auto call = [&](const std::string& secret, auto method, const auto& request, auto* response) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + secret);
    return (stub_.get()->*method)(&context, request, response);
  };
  v1::RecordAccountSyncRequest record;
  record.mutable_account()->set_account_id("act_1");
  record.mutable_account()->set_time_zone("Europe/Berlin");
  v1::GetAccountRequest get;
  get.set_account_id("act_1");
  v1::RecordAccountSyncResponse recorded;
  v1::GetAccountResponse read;

  const grpc::Status as_reader = call(
      Secrets().at(Role::kReader), &v1::AdvisorService::Stub::RecordAccountSync, record, &recorded);
  EXPECT_EQ(as_reader.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(as_reader.error_message(),
            "RecordAccountSync needs role writer; the token has role reader");
  EXPECT_EQ(call(Secrets().at(Role::kReader), &v1::AdvisorService::Stub::GetAccount, get, &read)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);

  const grpc::Status as_writer = call(
      Secrets().at(Role::kWriter), &v1::AdvisorService::Stub::RecordAccountSync, record, &recorded);
  ASSERT_TRUE(as_writer.ok()) << as_writer.error_message();
  const grpc::Status read_back =
      call(Secrets().at(Role::kReader), &v1::AdvisorService::Stub::GetAccount, get, &read);
  ASSERT_TRUE(read_back.ok()) << read_back.error_message();
  EXPECT_EQ(read.account().time_zone(), "Europe/Berlin");
}

TEST_F(AuthServerTest, AWriterRecordsAnActionUnderItsTokensNameAndAReaderListsIt) {
  auto call = [&](Role role, auto method, const auto& request, auto* response) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + Secrets().at(role));
    return (stub_.get()->*method)(&context, request, response);
  };
  v1::RecordActionRequest record;
  v1::ActionRecord* action = record.mutable_action();
  action->set_key("as_1@2026-11-30@MOVE_DOWN");
  action->set_account_id("act_1");
  action->set_ad_set_id("as_1");
  action->set_as_of_week("2026-11-30");
  action->set_action(v1::ACTION_MOVE_DOWN);
  action->set_state(v1::ACTION_STATE_IN_PROGRESS);
  action->set_recorded_by("someone else");  // output only: the token names the caller
  v1::ActionStep* step = action->add_steps();
  step->set_method("POST");
  step->set_path("act_1/adsets");
  step->set_result_id("6001");
  v1::RecordActionResponse recorded;

  const grpc::Status as_reader =
      call(Role::kReader, &v1::AdvisorService::Stub::RecordAction, record, &recorded);
  EXPECT_EQ(as_reader.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  const grpc::Status as_writer =
      call(Role::kWriter, &v1::AdvisorService::Stub::RecordAction, record, &recorded);
  ASSERT_TRUE(as_writer.ok()) << as_writer.error_message();
  EXPECT_EQ(recorded.action().recorded_by(), "writer");
  EXPECT_FALSE(recorded.action().action_id().empty());

  const httplib::Result listed =
      HttpGet("/v1/accounts/act_1/actions?ad_set_id=as_1", "Bearer " + Secrets().at(Role::kReader));
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->status, 200) << listed->body;
  EXPECT_THAT(listed->body, HasSubstr("\"recordedBy\":\"writer\""));
  EXPECT_THAT(listed->body, HasSubstr("\"resultId\":\"6001\""));
  EXPECT_THAT(listed->body, HasSubstr("\"state\":\"ACTION_STATE_IN_PROGRESS\""));
}

TEST_F(AuthServerTest, RefusedCallsAreCountedWithTheirCode) {
  EXPECT_EQ(CallByName("GetAdSet", "").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(CallByName("EvaluateAdSets", "Bearer reader-secret").error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  const httplib::Result scrape = HttpGet("/metrics", "Bearer reader-secret");
  ASSERT_TRUE(scrape);
  ASSERT_EQ(scrape->status, 200);
  EXPECT_THAT(scrape->body, HasSubstr("grpc_server_handled_total{grpc_code=\"Unauthenticated\","
                                      "grpc_method=\"GetAdSet\",grpc_service=\"rung.v1."
                                      "AdvisorService\",grpc_type=\"unary\"} 1"));
  EXPECT_THAT(scrape->body, HasSubstr("grpc_server_handled_total{grpc_code=\"PermissionDenied\","
                                      "grpc_method=\"EvaluateAdSets\",grpc_service=\"rung.v1."
                                      "AdvisorService\",grpc_type=\"unary\"} 1"));
}

TEST_F(AuthServerTest, HealthStaysOpen) {
  auto health = grpc::health::v1::Health::NewStub(channel_);
  for (const std::string service : {"", "rung.v1.AdvisorService"}) {
    grpc::ClientContext context;
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    grpc::health::v1::HealthCheckResponse response;
    const grpc::Status status = health->Check(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
  }
}

// Every route that reads data, with what a reader gets when allowed.
const struct {
  const char* path;
  int allowed_status;
} kReadRoutes[] = {
    {"/v1/adsets", 200},
    {"/v1/adsets/as_missing", 404},
    {"/v1/adsets/as_missing/recommendation", 404},
    {"/v1/adsets/as_missing/history", 404},
    {"/v1/recommendations", 200},
    {"/v1/policy", 200},
    {"/v1/climbtests", 200},
    {"/v1/accounts/act_1/actions", 200},
    {"/v1/accounts/act_1/policy", 200},
    {"/v1/accounts", 200},
    {"/v1/accounts/act_1", 404},
    {"/v1/accounts/act_1/summary", 404},
    {"/metrics", 200},
};

TEST_F(AuthServerTest, HttpReadsNeedAReaderToken) {
  int refused = 0;
  for (const auto& route : kReadRoutes) {
    for (const Caller& caller : Callers()) {
      SCOPED_TRACE(absl::StrCat(route.path, " as ", caller.label));
      const httplib::Result result = HttpGet(route.path, caller.authorization);
      ASSERT_TRUE(result);
      if (!caller.role.has_value()) {
        EXPECT_EQ(result->status, 401);
        EXPECT_EQ(result->get_header_value("WWW-Authenticate"), "Bearer realm=\"rungd\"");
        EXPECT_THAT(result->body, HasSubstr("\"status\":\"UNAUTHENTICATED\""));
        ++refused;
      } else {
        EXPECT_EQ(result->status, route.allowed_status) << result->body;
        EXPECT_FALSE(result->has_header("WWW-Authenticate"));
      }
    }
  }
  std::printf("unauthorized HTTP requests refused: %d\n", refused);
  EXPECT_EQ(refused, 13 * 3);
}

TEST_F(AuthServerTest, HealthzAndTheDashboardPageStayOpen) {
  for (const char* path : {"/healthz", "/"}) {
    const httplib::Result result = HttpGet(path, "");
    ASSERT_TRUE(result) << path;
    EXPECT_EQ(result->status, 200) << path;
  }
}

TEST_F(AuthServerTest, AStrangerLearnsNothingFromAKnownPathWithAnotherMethod) {
  const httplib::Result result = Http().Post("/v1/adsets", "", "application/json");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 401);
}

TEST(LoopbackTest, KnowsWhichAddressesStayOnThisMachine) {
  for (const char* local : {"127.0.0.1:50051", "127.8.9.10:0", "[::1]:50051", "localhost:8080",
                            "unix:/run/rung/rungd.sock"}) {
    EXPECT_TRUE(IsLoopbackAddress(local)) << local;
  }
  for (const char* remote : {"0.0.0.0:50051", "[::]:50051", "10.0.0.1:80", "128.0.0.1:80",
                             "rung.example.com:443", "[::ffff:127.0.0.1]:80", "nonsense"}) {
    EXPECT_FALSE(IsLoopbackAddress(remote)) << remote;
  }
}

class ExposureTest : public ::testing::Test {
 protected:
  absl::StatusOr<std::unique_ptr<Server>> Start(const std::string& listen,
                                                const std::string& http_listen,
                                                const DaemonConfig& config, bool allowed) {
    ServerOptions options;
    options.listen = listen;
    options.http_listen = http_listen;
    options.db_path = dir_.File("rung.db");
    options.config = config;
    options.allow_unauthenticated_non_loopback = allowed;
    return Server::Start(options);
  }

  test_support::TempDir dir_;
};

TEST_F(ExposureTest, RefusesANonLoopbackAddressWithoutTokens) {
  const struct {
    const char* listen;
    const char* http_listen;
    const char* flag;
  } kCases[] = {{"0.0.0.0:0", "", "--listen: '0.0.0.0:0'"},
                {"127.0.0.1:0", "0.0.0.0:0", "--http_listen: '0.0.0.0:0'"}};
  for (const auto& c : kCases) {
    const auto server = Start(c.listen, c.http_listen, DaemonConfig(), /*allowed=*/false);
    ASSERT_FALSE(server.ok()) << c.listen;
    EXPECT_EQ(server.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(std::string(server.status().message()), HasSubstr(c.flag));
    EXPECT_THAT(std::string(server.status().message()),
                HasSubstr("pass --insecure_allow_unauthenticated_non_loopback"));
  }
}

TEST_F(ExposureTest, StartsBeyondLoopbackWithTheFlagOrWithTokens) {
  for (const bool with_tokens : {false, true}) {
    SCOPED_TRACE(with_tokens ? "tokens" : "flag");
    auto server = Start("0.0.0.0:0", "0.0.0.0:0", with_tokens ? ConfigWithTokens() : DaemonConfig(),
                        /*allowed=*/!with_tokens);
    ASSERT_TRUE(server.ok()) << server.status();
    (*server)->Shutdown(absl::ZeroDuration());
  }
}

}  // namespace
}  // namespace rung
