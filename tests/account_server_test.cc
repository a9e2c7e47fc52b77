// RecordAccountSync, GetAccount and EvaluateAdSets' account_weeks over a real
// gRPC server on 127.0.0.1:0 and a real SQLite file, on a fixed clock.

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "support/daemon_fixture.h"

namespace rung {
namespace {

using ::testing::HasSubstr;
using TimeUtil = google::protobuf::util::TimeUtil;

// Monday 03:00 in UTC, still Sunday 19:00 in Los Angeles.
const absl::Time kMondayEarlyUtc =
    absl::FromCivil(absl::CivilSecond(2026, 11, 30, 3, 0, 0), absl::UTCTimeZone());

v1::AdSetWeek PurchaseWeek(const std::string& account, const std::string& ad_set,
                           const std::string& monday) {
  v1::AdSetWeek record;
  record.set_account_id(account);
  record.set_campaign_id("cmp_1");
  record.set_ad_set_id(ad_set);
  record.set_week_start(monday);
  record.set_optimization_event("Purchase");
  record.set_spend_micros(250'000'000);
  (*record.mutable_event_counts())["Purchase"] = 60;
  (*record.mutable_event_counts())["AddToCart"] = 400;
  return record;
}

class AccountServerTest : public test_support::DaemonFixture {
 protected:
  void SetUp() override {
    clock_ = [] { return kMondayEarlyUtc; };
    StartDaemon(DaemonConfig());
  }

  grpc::Status Record(const v1::Account& account, v1::RecordAccountSyncResponse* response) {
    v1::RecordAccountSyncRequest request;
    *request.mutable_account() = account;
    grpc::ClientContext context;
    return stub_->RecordAccountSync(&context, request, response);
  }

  grpc::Status Get(const std::string& account_id, v1::GetAccountResponse* response) {
    v1::GetAccountRequest request;
    request.set_account_id(account_id);
    grpc::ClientContext context;
    return stub_->GetAccount(&context, request, response);
  }
};

v1::Account LosAngeles() {
  v1::Account account;
  account.set_account_id("act_la");
  account.set_name("Acme US");
  account.set_currency("USD");
  account.set_time_zone("America/Los_Angeles");
  return account;
}

TEST_F(AccountServerTest, RecordsASyncWithTheDaemonsClockAndAnswersItOnGet) {
  v1::Account sent = LosAngeles();
  // Ignored: the daemon's clock sets it.
  *sent.mutable_last_sync_time() = TimeUtil::SecondsToTimestamp(0);
  v1::RecordAccountSyncResponse recorded;
  const grpc::Status status = Record(sent, &recorded);
  ASSERT_TRUE(status.ok()) << status.error_message();

  v1::Account expected = LosAngeles();
  *expected.mutable_last_sync_time() =
      TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(kMondayEarlyUtc));
  EXPECT_EQ(recorded.account().DebugString(), expected.DebugString());
  v1::GetAccountResponse read;
  const grpc::Status got = Get("act_la", &read);
  ASSERT_TRUE(got.ok()) << got.error_message();
  EXPECT_EQ(read.account().DebugString(), expected.DebugString());
}

TEST_F(AccountServerTest, RefusesBadFieldsByNameAndAnswersNotFoundForAnUnknownAccount) {
  v1::Account bad_zone = LosAngeles();
  bad_zone.set_time_zone("America/Los_Angles");
  v1::RecordAccountSyncResponse recorded;
  const grpc::Status zone = Record(bad_zone, &recorded);
  EXPECT_EQ(zone.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(zone.error_message(), HasSubstr("account.time_zone: \"America/Los_Angles\""));

  v1::Account bad_currency = LosAngeles();
  bad_currency.set_currency("usd");
  const grpc::Status currency = Record(bad_currency, &recorded);
  EXPECT_EQ(currency.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(currency.error_message(), HasSubstr("account.currency"));

  const grpc::Status no_account = Record(v1::Account(), &recorded);
  EXPECT_EQ(no_account.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(no_account.error_message(), HasSubstr("account.account_id: must not be empty"));

  v1::GetAccountResponse read;
  const grpc::Status unknown = Get("act_la", &read);
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(unknown.error_message(), HasSubstr("act_la"));
}

TEST_F(AccountServerTest, EvaluateAnswersTheAccountsJudgedAtTheirOwnWeek) {
  std::vector<v1::AdSetWeek> weeks;
  for (const std::string monday : {"2026-11-09", "2026-11-16", "2026-11-23"}) {
    weeks.push_back(PurchaseWeek("act_la", "as_la", monday));
    weeks.push_back(PurchaseWeek("act_utc", "as_utc", monday));
  }
  Ingest(weeks);
  v1::RecordAccountSyncResponse recorded;
  ASSERT_TRUE(Record(LosAngeles(), &recorded).ok());

  v1::EvaluateAdSetsResponse response;
  const grpc::Status status = Evaluate("", &response, /*dry_run=*/true);
  ASSERT_TRUE(status.ok()) << status.error_message();

  EXPECT_EQ(response.as_of_week(), "2026-11-23");
  ASSERT_EQ(response.account_weeks_size(), 1);
  EXPECT_EQ(response.account_weeks(0).account_id(), "act_la");
  EXPECT_EQ(response.account_weeks(0).as_of_week(), "2026-11-16");
  EXPECT_EQ(response.account_weeks(0).time_zone(), "America/Los_Angeles");
  ASSERT_EQ(response.recommendations_size(), 2);
  EXPECT_EQ(response.recommendations(0).ad_set_id(), "as_la");
  EXPECT_EQ(response.recommendations(0).as_of_week(), "2026-11-16");
  EXPECT_EQ(response.recommendations(1).as_of_week(), "2026-11-23");

  v1::EvaluateAdSetsResponse requested;
  ASSERT_TRUE(Evaluate("2026-11-23", &requested, /*dry_run=*/true).ok());
  EXPECT_EQ(requested.account_weeks_size(), 0);
}

}  // namespace
}  // namespace rung
