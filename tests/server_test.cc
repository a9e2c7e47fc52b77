// The daemon in-process: a real gRPC server on 127.0.0.1:0 over a real SQLite
// file, called through the generated stubs.

#include "daemon/server.h"

#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <utility>

#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "rung/v1/advisor_service.grpc.pb.h"
#include "sqlite3.h"
#include "support/temp_dir.h"

namespace rung {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

v1::AdSetWeek MakeWeek(const std::string& ad_set, const std::string& week, int64_t purchases,
                       const std::string& event = "Purchase") {
  v1::AdSetWeek record;
  record.set_account_id("act_1");
  record.set_campaign_id("cmp_1");
  record.set_ad_set_id(ad_set);
  record.set_week_start(week);
  record.set_optimization_event(event);
  record.set_spend_micros(250'000'000);
  (*record.mutable_event_counts())["Purchase"] = purchases;
  (*record.mutable_event_counts())["AddToCart"] = purchases * 7;
  return record;
}

// gRPC on a free loopback port, no HTTP, a fresh database in `dir`.
ServerOptions LoopbackOptions(const test_support::TempDir& dir) {
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.http_listen = "";
  options.db_path = dir.File("rung.db");
  return options;
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override { StartServer(DaemonConfig()); }

  // Replaces the running server with one on the same database and `config`.
  void RestartWith(const DaemonConfig& config) {
    server_->Shutdown(absl::ZeroDuration());
    StartServer(config);
  }

  void StartServer(DaemonConfig config) {
    ServerOptions options = LoopbackOptions(dir_);
    options.config = config;
    auto server = Server::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    channel_ = grpc::CreateChannel(server_->grpc_address(), grpc::InsecureChannelCredentials());
    stub_ = v1::AdvisorService::NewStub(channel_);
  }

  grpc::Status Ingest(const std::vector<v1::AdSetWeek>& weeks, v1::IngestWeeksResponse* response,
                      const std::string& request_id = "") {
    v1::IngestWeeksRequest request;
    for (const auto& week : weeks) *request.add_weeks() = week;
    request.set_request_id(request_id);
    grpc::ClientContext context;
    return stub_->IngestWeeks(&context, request, response);
  }

  v1::GetAdSetHistoryResponse History(const std::string& ad_set_id) {
    v1::GetAdSetHistoryRequest request;
    request.set_ad_set_id(ad_set_id);
    v1::GetAdSetHistoryResponse history;
    grpc::ClientContext context;
    const grpc::Status status = stub_->GetAdSetHistory(&context, request, &history);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return history;
  }

  grpc::Status List(const std::string& account, int page_size, const std::string& token,
                    v1::ListAdSetsResponse* response) {
    v1::ListAdSetsRequest request;
    request.set_account_id(account);
    request.set_page_size(page_size);
    request.set_page_token(token);
    grpc::ClientContext context;
    return stub_->ListAdSets(&context, request, response);
  }

  test_support::TempDir dir_;
  std::unique_ptr<Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::AdvisorService::Stub> stub_;
};

TEST_F(ServerTest, BindsARealPortWhenAskedForZero) {
  EXPECT_THAT(server_->grpc_address(), HasSubstr("127.0.0.1:"));
  EXPECT_NE(server_->grpc_address(), "127.0.0.1:0");
}

TEST_F(ServerTest, IngestCountsInsertsUpdatesAndUnchanged) {
  v1::IngestWeeksResponse first;
  ASSERT_TRUE(
      Ingest({MakeWeek("as_1", "2026-09-07", 12), MakeWeek("as_1", "2026-09-14", 14)}, &first)
          .ok());
  EXPECT_EQ(first.inserted(), 2);
  EXPECT_EQ(first.updated(), 0);
  EXPECT_EQ(first.unchanged(), 0);

  v1::IngestWeeksResponse second;
  ASSERT_TRUE(
      Ingest({MakeWeek("as_1", "2026-09-07", 12), MakeWeek("as_1", "2026-09-14", 15)}, &second)
          .ok());
  EXPECT_EQ(second.inserted(), 0);
  EXPECT_EQ(second.updated(), 1);
  EXPECT_EQ(second.unchanged(), 1);

  const v1::GetAdSetHistoryResponse history = History("as_1");
  ASSERT_EQ(history.weeks_size(), 2);
  // The correction replaced the stored count; it was not added to it.
  EXPECT_EQ(history.weeks(1).event_counts().at("Purchase"), 15);
}

TEST_F(ServerTest, AliasesAreNormalizedAndCustomEventsWarn) {
  v1::AdSetWeek week = MakeWeek("as_1", "2026-09-07", 12);
  week.set_optimization_event("PURCHASE");
  week.mutable_event_counts()->erase("Purchase");
  (*week.mutable_event_counts())["omni_purchase"] = 12;
  (*week.mutable_event_counts())["purchase"] = 12;
  (*week.mutable_event_counts())["scroll_75"] = 900;
  v1::IngestWeeksResponse response;
  ASSERT_TRUE(Ingest({week}, &response).ok());
  ASSERT_EQ(response.warnings_size(), 1);
  EXPECT_THAT(response.warnings(0), HasSubstr("scroll_75"));

  const v1::GetAdSetHistoryResponse history = History("as_1");
  ASSERT_EQ(history.weeks_size(), 1);
  EXPECT_EQ(history.weeks(0).optimization_event(), "Purchase");
  EXPECT_EQ(history.weeks(0).event_counts().at("Purchase"), 12);
  EXPECT_EQ(history.weeks(0).event_counts().count("omni_purchase"), 0u);
  EXPECT_EQ(history.weeks(0).event_counts().at("scroll_75"), 900);
}

TEST_F(ServerTest, InvalidRecordNamesIndexAndFieldAndStoresNothing) {
  v1::AdSetWeek bad = MakeWeek("as_2", "2026-09-09", 5);  // a Wednesday
  v1::IngestWeeksResponse response;
  grpc::Status status = Ingest({MakeWeek("as_1", "2026-09-07", 12), bad}, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("weeks[1].week_start"));
  EXPECT_THAT(status.error_message(), HasSubstr("2026-09-07"));

  v1::GetAdSetRequest request;
  request.set_ad_set_id("as_1");
  v1::GetAdSetResponse ad_set;
  grpc::ClientContext context;
  EXPECT_EQ(stub_->GetAdSet(&context, request, &ad_set).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(ServerTest, ConflictingAliasesAreRefused) {
  v1::AdSetWeek week = MakeWeek("as_1", "2026-09-07", 12);
  (*week.mutable_event_counts())["omni_purchase"] = 13;
  v1::IngestWeeksResponse response;
  grpc::Status status = Ingest({week}, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("weeks[0].event_counts"));
}

TEST_F(ServerTest, OversizedBatchIsResourceExhausted) {
  DaemonConfig config;
  config.advisor.max_batch_size = 2;
  RestartWith(config);
  v1::IngestWeeksResponse response;
  grpc::Status status =
      Ingest({MakeWeek("as_1", "2026-09-07", 1), MakeWeek("as_1", "2026-09-14", 1),
              MakeWeek("as_1", "2026-09-21", 1)},
             &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(status.error_message(), HasSubstr("weeks"));
}

TEST_F(ServerTest, RepeatedRequestIdAnswersTheFirstAnswerAndWritesNothing) {
  v1::IngestWeeksResponse first;
  ASSERT_TRUE(Ingest({MakeWeek("as_1", "2026-09-07", 12)}, &first, "req-1").ok());
  v1::IngestWeeksResponse replay;
  ASSERT_TRUE(Ingest({MakeWeek("as_1", "2026-09-07", 99)}, &replay, "req-1").ok());
  EXPECT_EQ(replay.inserted(), 1);
  EXPECT_EQ(replay.updated(), 0);

  const v1::GetAdSetHistoryResponse history = History("as_1");
  EXPECT_EQ(history.weeks(0).event_counts().at("Purchase"), 12);
}

TEST_F(ServerTest, GetAdSetSummarizesTheLatestWeek) {
  v1::IngestWeeksResponse response;
  ASSERT_TRUE(Ingest({MakeWeek("as_1", "2026-08-31", 5, "ViewContent"),
                      MakeWeek("as_1", "2026-09-07", 5, "AddToCart"),
                      MakeWeek("as_1", "2026-09-14", 5, "AddToCart"),
                      MakeWeek("as_1", "2026-09-21", 5, "AddToCart")},
                     &response)
                  .ok());
  v1::GetAdSetRequest request;
  request.set_ad_set_id("as_1");
  v1::GetAdSetResponse ad_set;
  grpc::ClientContext context;
  ASSERT_TRUE(stub_->GetAdSet(&context, request, &ad_set).ok());
  EXPECT_EQ(ad_set.ad_set().account_id(), "act_1");
  EXPECT_EQ(ad_set.ad_set().campaign_id(), "cmp_1");
  EXPECT_EQ(ad_set.ad_set().ladder(), "ecommerce");
  EXPECT_EQ(ad_set.ad_set().optimization_event(), "AddToCart");
  EXPECT_EQ(ad_set.ad_set().weeks_on_rung(), 3);
  EXPECT_EQ(ad_set.ad_set().first_week(), "2026-08-31");
  EXPECT_EQ(ad_set.ad_set().last_week(), "2026-09-21");
  EXPECT_EQ(ad_set.ad_set().week_count(), 4);
}

TEST_F(ServerTest, HistoryIsOldestFirstWithinBounds) {
  v1::IngestWeeksResponse response;
  ASSERT_TRUE(Ingest({MakeWeek("as_1", "2026-09-21", 3), MakeWeek("as_1", "2026-09-07", 1),
                      MakeWeek("as_1", "2026-09-14", 2)},
                     &response)
                  .ok());
  v1::GetAdSetHistoryRequest request;
  request.set_ad_set_id("as_1");
  request.set_from_week("2026-09-14");
  v1::GetAdSetHistoryResponse history;
  grpc::ClientContext context;
  ASSERT_TRUE(stub_->GetAdSetHistory(&context, request, &history).ok());
  ASSERT_EQ(history.weeks_size(), 2);
  EXPECT_EQ(history.weeks(0).week_start(), "2026-09-14");
  EXPECT_EQ(history.weeks(1).week_start(), "2026-09-21");

  request.set_to_week("2026-09-15");  // a Tuesday
  grpc::ClientContext bad_context;
  grpc::Status status = stub_->GetAdSetHistory(&bad_context, request, &history);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("to_week"));
}

TEST_F(ServerTest, ListAdSetsPagesWithOpaqueTokens) {
  v1::IngestWeeksResponse response;
  std::vector<v1::AdSetWeek> weeks;
  for (const char* id : {"as_a", "as_b", "as_c", "as_d", "as_e"})
    weeks.push_back(MakeWeek(id, "2026-09-07", 1));
  v1::AdSetWeek other = MakeWeek("as_other", "2026-09-07", 1);
  other.set_account_id("act_2");
  weeks.push_back(other);
  ASSERT_TRUE(Ingest(weeks, &response).ok());

  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    v1::ListAdSetsResponse page;
    ASSERT_TRUE(List("act_1", 2, token, &page).ok());
    for (const auto& ad_set : page.ad_sets()) seen.push_back(ad_set.ad_set_id());
    token = page.next_page_token();
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_THAT(seen, ElementsAre("as_a", "as_b", "as_c", "as_d", "as_e"));
  EXPECT_EQ(pages, 3);

  v1::ListAdSetsResponse all;
  ASSERT_TRUE(List("", 0, "", &all).ok());
  EXPECT_EQ(all.ad_sets_size(), 6);
  EXPECT_TRUE(all.next_page_token().empty());
}

TEST_F(ServerTest, ListAdSetsRefusesNegativeSizesAndForeignTokens) {
  v1::IngestWeeksResponse response;
  ASSERT_TRUE(
      Ingest({MakeWeek("as_a", "2026-09-07", 1), MakeWeek("as_b", "2026-09-07", 1)}, &response)
          .ok());
  v1::ListAdSetsResponse page;
  grpc::Status negative = List("act_1", -1, "", &page);
  EXPECT_EQ(negative.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(negative.error_message(), HasSubstr("page_size"));

  EXPECT_EQ(List("act_1", 1, "not-a-token", &page).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  v1::ListAdSetsResponse first;
  ASSERT_TRUE(List("act_1", 1, "", &first).ok());
  ASSERT_FALSE(first.next_page_token().empty());
  grpc::Status other_filter = List("act_2", 1, first.next_page_token(), &page);
  EXPECT_EQ(other_filter.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(other_filter.error_message(), HasSubstr("page_token"));
}

TEST_F(ServerTest, PageSizeAboveTheMaximumIsCoerced) {
  DaemonConfig config;
  config.advisor.max_page_size = 2;
  RestartWith(config);
  v1::IngestWeeksResponse response;
  ASSERT_TRUE(Ingest({MakeWeek("as_a", "2026-09-07", 1), MakeWeek("as_b", "2026-09-07", 1),
                      MakeWeek("as_c", "2026-09-07", 1)},
                     &response)
                  .ok());
  v1::ListAdSetsResponse page;
  ASSERT_TRUE(List("", 500, "", &page).ok());
  EXPECT_EQ(page.ad_sets_size(), 2);
  EXPECT_FALSE(page.next_page_token().empty());
}

TEST_F(ServerTest, UnknownAdSetIsNotFound) {
  v1::GetAdSetRequest request;
  request.set_ad_set_id("nope");
  v1::GetAdSetResponse response;
  grpc::ClientContext context;
  grpc::Status status = stub_->GetAdSet(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("nope"));
}

TEST_F(ServerTest, BackupCopiesTheLiveDatabaseIntoANewFile) {
  v1::IngestWeeksResponse ingested;
  ASSERT_TRUE(
      Ingest({MakeWeek("as_1", "2026-09-07", 12), MakeWeek("as_2", "2026-09-07", 3)}, &ingested)
          .ok());
  v1::BackupDatabaseRequest request;
  request.set_destination_path(dir_.File("backup.db"));
  v1::BackupDatabaseResponse response;
  grpc::ClientContext context;

  const grpc::Status status = stub_->BackupDatabase(&context, request, &response);

  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.destination_path(), dir_.File("backup.db"));
  EXPECT_EQ(response.size_bytes(),
            static_cast<int64_t>(std::filesystem::file_size(dir_.File("backup.db"))));
  // The copy is a database rungd serves like any other.
  server_->Shutdown(absl::ZeroDuration());
  ServerOptions restored = LoopbackOptions(dir_);
  restored.db_path = dir_.File("backup.db");
  auto server = Server::Start(restored);
  ASSERT_TRUE(server.ok()) << server.status();
  server_ = std::move(*server);
  stub_ = v1::AdvisorService::NewStub(
      grpc::CreateChannel(server_->grpc_address(), grpc::InsecureChannelCredentials()));
  EXPECT_EQ(History("as_2").weeks_size(), 1);
}

TEST_F(ServerTest, BackupRefusesRelativeAndExistingPaths) {
  const std::pair<std::string, std::string> cases[] = {
      {"", "destination_path: must be an absolute path on the daemon's host"},
      {"backup.db", R"(must be an absolute path on the daemon's host, got "backup.db")"},
      {dir_.File("rung.db"), "destination_path: cannot create"},
  };
  for (const auto& [path, message] : cases) {
    v1::BackupDatabaseRequest request;
    request.set_destination_path(path);
    v1::BackupDatabaseResponse response;
    grpc::ClientContext context;
    const grpc::Status status = stub_->BackupDatabase(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << path;
    EXPECT_THAT(status.error_message(), HasSubstr(message)) << path;
  }
  // The refused copy onto the live file left it alone.
  v1::IngestWeeksResponse ingested;
  EXPECT_TRUE(Ingest({MakeWeek("as_1", "2026-09-07", 12)}, &ingested).ok());
  EXPECT_EQ(History("as_1").weeks_size(), 1);
}

TEST_F(ServerTest, HealthIsServingForTheServerAndTheService) {
  auto health = grpc::health::v1::Health::NewStub(channel_);
  for (const std::string service : {"", "rung.v1.AdvisorService"}) {
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    grpc::health::v1::HealthCheckResponse response;
    grpc::ClientContext context;
    ASSERT_TRUE(health->Check(&context, request, &response).ok()) << service;
    EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING) << service;
  }
}

// Health follows the database: another process holding the write lock turns it
// NOT_SERVING, and releasing the lock turns it back. Watch delivers each flip,
// so the test waits on the stream, never on the clock.
TEST(ServerHealthTest, FlipsWhileAnotherProcessHoldsTheWriteLock) {
  test_support::TempDir dir;
  ServerOptions options = LoopbackOptions(dir);
  options.config.health_probe_interval_ms = 20;
  options.config.storage.busy_timeout_ms = 50;
  auto server = Server::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  auto health = grpc::health::v1::Health::NewStub(
      grpc::CreateChannel((*server)->grpc_address(), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  grpc::health::v1::HealthCheckRequest request;
  auto watch = health->Watch(&context, request);
  grpc::health::v1::HealthCheckResponse status;
  ASSERT_TRUE(watch->Read(&status));
  EXPECT_EQ(status.status(), grpc::health::v1::HealthCheckResponse::SERVING);

  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(options.db_path.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  ASSERT_TRUE(watch->Read(&status));
  EXPECT_EQ(status.status(), grpc::health::v1::HealthCheckResponse::NOT_SERVING);

  ASSERT_EQ(sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(other);
  ASSERT_TRUE(watch->Read(&status));
  EXPECT_EQ(status.status(), grpc::health::v1::HealthCheckResponse::SERVING);
  context.TryCancel();
}

TEST(ServerStartTest, ListensOnAUnixSocket) {
  test_support::TempDir dir;
  ServerOptions options = LoopbackOptions(dir);
  options.listen = "unix:" + dir.File("rungd.sock");
  auto server = Server::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_EQ((*server)->grpc_address(), options.listen);
  auto stub = v1::AdvisorService::NewStub(
      grpc::CreateChannel(options.listen, grpc::InsecureChannelCredentials()));
  v1::ListAdSetsRequest request;
  v1::ListAdSetsResponse response;
  grpc::ClientContext context;
  EXPECT_TRUE(stub->ListAdSets(&context, request, &response).ok());
}

TEST(ServerStartTest, RefusesAMalformedListenAddress) {
  test_support::TempDir dir;
  ServerOptions options = LoopbackOptions(dir);
  options.listen = "localhost";
  auto server = Server::Start(options);
  ASSERT_FALSE(server.ok());
  EXPECT_THAT(std::string(server.status().message()), HasSubstr("--listen"));
}

}  // namespace
}  // namespace rung
