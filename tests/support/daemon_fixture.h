#ifndef RUNG_TESTS_SUPPORT_DAEMON_FIXTURE_H_
#define RUNG_TESTS_SUPPORT_DAEMON_FIXTURE_H_

// A real daemon for end-to-end tests: gRPC and HTTP on 127.0.0.1:0 over a
// SQLite file in a temp dir, with a gRPC stub and an HTTP client, and the
// spec scenarios as ad set records.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "daemon/config.h"
#include "daemon/server.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "rung/v1/advisor_service.grpc.pb.h"
#include "rung/week.h"
#include "support/spec_scenarios.h"
#include "support/temp_dir.h"

namespace rung::test_support {

// Week 0 of the scenarios: long enough ago that none of them is in the future.
inline std::string WeekAt(int offset) { return Week::Parse("2026-09-07")->Plus(offset).ToString(); }

inline v1::AdSetWeek ScenarioRecord(const std::string& account, const std::string& ad_set, int week,
                                    const ScenarioWeek& scenario_week) {
  v1::AdSetWeek record;
  record.set_account_id(account);
  record.set_campaign_id("cmp_1");
  record.set_ad_set_id(ad_set);
  record.set_week_start(WeekAt(week));
  record.set_optimization_event(scenario_week.event);
  record.set_spend_micros(100'000'000);
  for (const auto& [name, count] : scenario_week.counts) {
    (*record.mutable_event_counts())[name] = count;
  }
  return record;
}

// Every week of `scenario`, from week 0, as ad set `ad_set`.
inline std::vector<v1::AdSetWeek> ScenarioRecords(const SpecScenario& scenario,
                                                  const std::string& account,
                                                  const std::string& ad_set) {
  std::vector<v1::AdSetWeek> records;
  for (size_t i = 0; i < scenario.weeks.size(); ++i) {
    records.push_back(ScenarioRecord(account, ad_set, static_cast<int>(i), scenario.weeks[i]));
  }
  return records;
}

// rungd on 127.0.0.1:0 over `db_path`, with HTTP on 127.0.0.1:0 unless
// `with_http` is false, and on `clock` when it is set.
inline absl::StatusOr<std::unique_ptr<Server>> StartLocalServer(const std::string& db_path,
                                                                const DaemonConfig& config,
                                                                bool with_http = true,
                                                                Clock clock = nullptr) {
  ServerOptions options;
  options.clock = std::move(clock);
  options.listen = "127.0.0.1:0";
  options.http_listen = with_http ? "127.0.0.1:0" : "";
  options.db_path = db_path;
  options.config = config;
  return Server::Start(options);
}

class DaemonFixture : public ::testing::Test {
 protected:
  void SetUp() override { StartDaemon(DaemonConfig()); }

  // (Re)starts the daemon with `config` on the same database.
  void StartDaemon(const DaemonConfig& config) {
    if (server_ != nullptr) server_->Shutdown(absl::ZeroDuration());
    auto server = StartLocalServer(dir_.File("rung.db"), config, /*with_http=*/true, clock_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    channel_ = grpc::CreateChannel(server_->grpc_address(), grpc::InsecureChannelCredentials());
    stub_ = v1::AdvisorService::NewStub(channel_);
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown(absl::ZeroDuration());
  }

  // A client of the daemon's HTTP address ("host:port").
  httplib::Client Http() const {
    const std::string address = server_->http_address();
    const size_t colon = address.rfind(':');
    return httplib::Client(address.substr(0, colon), std::stoi(address.substr(colon + 1)));
  }

  void Ingest(const std::vector<v1::AdSetWeek>& weeks) {
    v1::IngestWeeksRequest request;
    for (const auto& week : weeks) *request.add_weeks() = week;
    v1::IngestWeeksResponse response;
    grpc::ClientContext context;
    const grpc::Status status = stub_->IngestWeeks(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  grpc::Status Evaluate(const std::string& as_of, v1::EvaluateAdSetsResponse* response,
                        bool dry_run = false, const std::string& account = "",
                        const std::vector<std::string>& ad_set_ids = {}) {
    v1::EvaluateAdSetsRequest request;
    request.set_as_of_week(as_of);
    request.set_dry_run(dry_run);
    request.set_account_id(account);
    for (const auto& id : ad_set_ids) request.add_ad_set_ids(id);
    grpc::ClientContext context;
    return stub_->EvaluateAdSets(&context, request, response);
  }

  v1::EvaluateAdSetsResponse MustEvaluate(const std::string& as_of) {
    v1::EvaluateAdSetsResponse response;
    const grpc::Status status = Evaluate(as_of, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  TempDir dir_;
  // The daemon's clock from the next StartDaemon on; unset: the real one.
  Clock clock_;
  std::unique_ptr<Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::AdvisorService::Stub> stub_;
};

}  // namespace rung::test_support

#endif  // RUNG_TESTS_SUPPORT_DAEMON_FIXTURE_H_
