// The Advisor's account use cases over a real SQLite file, on a fixed clock:
// recording syncs, and evaluations whose default as-of week is the last
// complete week in each account's own time zone.

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rung/account.h"
#include "rung/advisor.h"
#include "rung/policy.h"
#include "storage_test_util.h"

namespace rung {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// Monday 03:00 in UTC: still Sunday 19:00 in Los Angeles, noon in Tokyo.
const absl::Time kMondayEarlyUtc =
    absl::FromCivil(absl::CivilSecond(2026, 11, 30, 3, 0, 0), absl::UTCTimeZone());
// Sunday 20:00 in UTC: already Monday 05:00 in Tokyo.
const absl::Time kSundayEveningUtc =
    absl::FromCivil(absl::CivilSecond(2026, 11, 29, 20, 0, 0), absl::UTCTimeZone());

Week At(const std::string& monday) { return Week::Parse(monday).value(); }

class AdvisorAccountsTest : public AdvisorTest {
 protected:
  void SetUp() override {
    now_ = kMondayEarlyUtc;
    AdvisorTest::SetUp();
  }

  // One ad set in each account, with weeks from 2026-11-02 to 2026-11-23,
  // and the syncs of the accounts with a time zone (act_none has none, and
  // act_blank's sync knew no zone).
  void StoreAccounts() {
    IngestBatch batch;
    for (const std::string account : {"act_la", "act_tokyo", "act_utc", "act_none", "act_blank"}) {
      for (const std::string monday : {"2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23"}) {
        batch.records.push_back(Record("as_" + account.substr(4), At(monday), 60, account));
      }
    }
    ASSERT_OK(store_->Ingest(batch));
    for (const auto& [id, zone] :
         std::map<std::string, std::string>{{"act_la", "America/Los_Angeles"},
                                            {"act_tokyo", "Asia/Tokyo"},
                                            {"act_utc", "UTC"},
                                            {"act_blank", ""}}) {
      AccountRecord account;
      account.account_id = id;
      account.time_zone = zone;
      ASSERT_OK(advisor_->RecordAccountSync(account));
    }
  }

  absl::StatusOr<EvaluationResult> DryRun(EvaluationRequest request = {}) {
    request.dry_run = true;
    return advisor_->EvaluateAdSets(request);
  }

  // Each recommended ad set's as-of week.
  static std::map<std::string, std::string> WeeksOf(const EvaluationResult& result) {
    std::map<std::string, std::string> weeks;
    for (const Recommendation& rec : result.recommendations) {
      weeks[rec.ad_set_id] = rec.as_of_week.ToString();
    }
    return weeks;
  }
};

TEST_F(AdvisorAccountsTest, RecordAccountSyncStampsTheClockAndStores) {
  AccountRecord sent;
  sent.account_id = "act_la";
  sent.name = "Acme US";
  sent.currency = "USD";
  sent.time_zone = "America/Los_Angeles";
  // Whatever a caller claims, the daemon's clock decides.
  sent.last_sync_time = absl::UnixEpoch();

  ASSERT_OK_AND_ASSIGN(const AccountRecord stored, advisor_->RecordAccountSync(sent));

  AccountRecord expected = sent;
  expected.last_sync_time = kMondayEarlyUtc;
  EXPECT_EQ(stored, expected);
  ASSERT_OK_AND_ASSIGN(const AccountRecord read, advisor_->GetAccount("act_la"));
  EXPECT_EQ(read, expected);

  now_ = kMondayEarlyUtc + absl::Hours(2);
  ASSERT_OK(advisor_->RecordAccountSync(sent));
  ASSERT_OK_AND_ASSIGN(const AccountRecord again, advisor_->GetAccount("act_la"));
  EXPECT_EQ(again.last_sync_time, kMondayEarlyUtc + absl::Hours(2));
}

TEST_F(AdvisorAccountsTest, RefusesABadTimeZoneOrCurrencyNamingTheFieldAndStoresNothing) {
  AccountRecord bad_zone;
  bad_zone.account_id = "act_1";
  bad_zone.time_zone = "PST";
  EXPECT_TRUE(HasStatus(advisor_->RecordAccountSync(bad_zone).status(),
                        absl::StatusCode::kInvalidArgument, "account.time_zone: \"PST\""));
  AccountRecord bad_currency;
  bad_currency.account_id = "act_1";
  bad_currency.currency = "US$";
  EXPECT_TRUE(HasStatus(advisor_->RecordAccountSync(bad_currency).status(),
                        absl::StatusCode::kInvalidArgument, "account.currency: \"US$\""));

  EXPECT_EQ(advisor_->GetAccount("act_1").status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(HasStatus(advisor_->GetAccount("").status(), absl::StatusCode::kInvalidArgument,
                        "account_id: must not be empty"));
}

TEST_F(AdvisorAccountsTest, EarlyMondayInUtcJudgesLosAngelesAtTheWeekThatEndedThere) {
  StoreAccounts();

  ASSERT_OK_AND_ASSIGN(const EvaluationResult result, DryRun());

  EXPECT_EQ(result.as_of_week.ToString(), "2026-11-23");
  EXPECT_EQ(WeeksOf(result), (std::map<std::string, std::string>{{"as_blank", "2026-11-23"},
                                                                 {"as_la", "2026-11-16"},
                                                                 {"as_none", "2026-11-23"},
                                                                 {"as_tokyo", "2026-11-23"},
                                                                 {"as_utc", "2026-11-23"}}));
  EXPECT_THAT(result.account_weeks,
              ElementsAre(AccountWeek{"act_la", At("2026-11-16"), "America/Los_Angeles"}));
  // Every ad set has a record at the week it was judged at.
  for (const Recommendation& rec : result.recommendations) {
    EXPECT_NE(rec.action, Action::kInsufficientData) << rec.ad_set_id;
  }
}

TEST_F(AdvisorAccountsTest, SundayEveningInUtcJudgesTokyoAtTheWeekThatEndedThere) {
  StoreAccounts();
  now_ = kSundayEveningUtc;

  ASSERT_OK_AND_ASSIGN(const EvaluationResult result, DryRun());

  EXPECT_EQ(result.as_of_week.ToString(), "2026-11-16");
  EXPECT_EQ(WeeksOf(result), (std::map<std::string, std::string>{{"as_blank", "2026-11-16"},
                                                                 {"as_la", "2026-11-16"},
                                                                 {"as_none", "2026-11-16"},
                                                                 {"as_tokyo", "2026-11-23"},
                                                                 {"as_utc", "2026-11-16"}}));
  EXPECT_THAT(result.account_weeks,
              ElementsAre(AccountWeek{"act_tokyo", At("2026-11-23"), "Asia/Tokyo"}));
}

TEST_F(AdvisorAccountsTest, ARequestedWeekAppliesToEveryAccount) {
  StoreAccounts();
  EvaluationRequest request;
  request.as_of_week = "2026-11-23";

  ASSERT_OK_AND_ASSIGN(const EvaluationResult result, DryRun(request));

  EXPECT_EQ(result.as_of_week.ToString(), "2026-11-23");
  ASSERT_EQ(result.recommendations.size(), 5u);
  for (const Recommendation& rec : result.recommendations) {
    EXPECT_EQ(rec.as_of_week.ToString(), "2026-11-23") << rec.ad_set_id;
  }
  EXPECT_THAT(result.account_weeks, IsEmpty());
}

TEST_F(AdvisorAccountsTest, TheRequestedAccountsTimeZoneSetsTheAnswersWeek) {
  StoreAccounts();
  EvaluationRequest los_angeles;
  los_angeles.account_id = "act_la";
  ASSERT_OK_AND_ASSIGN(const EvaluationResult la, DryRun(los_angeles));
  EXPECT_EQ(la.as_of_week.ToString(), "2026-11-16");
  EXPECT_EQ(WeeksOf(la), (std::map<std::string, std::string>{{"as_la", "2026-11-16"}}));
  EXPECT_THAT(la.account_weeks, IsEmpty());

  // Only the accounts judged are listed, not every account whose week differs.
  EvaluationRequest utc;
  utc.account_id = "act_utc";
  ASSERT_OK_AND_ASSIGN(const EvaluationResult in_utc, DryRun(utc));
  EXPECT_EQ(in_utc.as_of_week.ToString(), "2026-11-23");
  EXPECT_EQ(WeeksOf(in_utc), (std::map<std::string, std::string>{{"as_utc", "2026-11-23"}}));
  EXPECT_THAT(in_utc.account_weeks, IsEmpty());
}

TEST_F(AdvisorAccountsTest, NamedAdSetsAreEachJudgedAtTheirAccountsWeek) {
  StoreAccounts();
  EvaluationRequest request;
  request.ad_set_ids = {"as_utc", "as_la"};

  ASSERT_OK_AND_ASSIGN(const EvaluationResult result, DryRun(request));

  EXPECT_EQ(result.as_of_week.ToString(), "2026-11-23");
  EXPECT_EQ(WeeksOf(result), (std::map<std::string, std::string>{{"as_la", "2026-11-16"},
                                                                 {"as_utc", "2026-11-23"}}));
  EXPECT_THAT(result.account_weeks,
              ElementsAre(AccountWeek{"act_la", At("2026-11-16"), "America/Los_Angeles"}));
}

TEST_F(AdvisorAccountsTest, AnAdSetNewerThanItsOwnAsOfWeekIsSkippedUnlessNamed) {
  StoreAccounts();
  // Both first reported in the week that ended in UTC but not in Los Angeles.
  IngestBatch batch;
  batch.records = {Record("as_la_new", At("2026-11-23"), 60, "act_la"),
                   Record("as_utc_new", At("2026-11-23"), 60, "act_utc")};
  ASSERT_OK(store_->Ingest(batch));

  ASSERT_OK_AND_ASSIGN(const EvaluationResult all, DryRun());
  EXPECT_EQ(all.evaluated, 6);
  EXPECT_EQ(WeeksOf(all).count("as_la_new"), 0u);
  EXPECT_EQ(WeeksOf(all).at("as_utc_new"), "2026-11-23");

  EvaluationRequest named;
  named.ad_set_ids = {"as_la_new"};
  ASSERT_OK_AND_ASSIGN(const EvaluationResult one, DryRun(named));
  ASSERT_EQ(one.recommendations.size(), 1u);
  EXPECT_EQ(one.recommendations[0].as_of_week.ToString(), "2026-11-16");
  EXPECT_EQ(one.recommendations[0].action, Action::kInsufficientData);
}

TEST_F(AdvisorAccountsTest, AStoredRunKeepsEachAdSetsWeekAndTheAnswersWeekInItsRecord) {
  StoreAccounts();

  ASSERT_OK_AND_ASSIGN(const EvaluationResult result, advisor_->EvaluateAdSets({}));

  EXPECT_THAT(result.account_weeks,
              ElementsAre(AccountWeek{"act_la", At("2026-11-16"), "America/Los_Angeles"}));
  ASSERT_OK_AND_ASSIGN(const Recommendation la, advisor_->GetRecommendation("as_la", ""));
  EXPECT_EQ(la.as_of_week.ToString(), "2026-11-16");
  EXPECT_EQ(la.evaluation_id, result.evaluation_id);
  ASSERT_OK_AND_ASSIGN(const Recommendation utc, advisor_->GetRecommendation("as_utc", ""));
  EXPECT_EQ(utc.as_of_week.ToString(), "2026-11-23");
  ASSERT_OK_AND_ASSIGN(const StoreStats stats, advisor_->GetStats());
  ASSERT_TRUE(stats.latest_evaluation.has_value());
  EXPECT_EQ(stats.latest_evaluation->as_of_week.ToString(), "2026-11-23");
  EXPECT_EQ(stats.latest_evaluation->evaluated, 5);
}

TEST_F(AdvisorAccountsTest, AStoredZoneThisHostCannotLoadStopsOnlyTheDefaultWeek) {
  StoreAccounts();
  // As if the zone had been recorded on a host whose time zone database knew it.
  AccountRecord unknown;
  unknown.account_id = "act_la";
  unknown.time_zone = "Mars/Olympus_Mons";
  unknown.last_sync_time = kMondayEarlyUtc;
  ASSERT_OK(store_->RecordAccountSync(unknown));

  EXPECT_TRUE(HasStatus(DryRun().status(), absl::StatusCode::kFailedPrecondition,
                        "account \"act_la\" has time zone \"Mars/Olympus_Mons\""));
  EvaluationRequest other_account;
  other_account.account_id = "act_utc";
  EXPECT_OK(DryRun(other_account));
  EvaluationRequest requested;
  requested.as_of_week = "2026-11-23";
  EXPECT_OK(DryRun(requested));
}

}  // namespace
}  // namespace rung
