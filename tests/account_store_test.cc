// The accounts table behind Store::RecordAccountSync, GetAccount and
// ListAccounts, on real SQLite files.

#include <memory>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "rung/account.h"
#include "rung/store.h"
#include "storage_test_util.h"

namespace rung {
namespace {

using AccountStoreTest = StorageTest;

absl::Time At(int day, int hour) {
  return absl::FromCivil(absl::CivilSecond(2026, 11, day, hour, 0, 0), absl::UTCTimeZone()) +
         absl::Microseconds(123456);
}

AccountRecord Account(const std::string& id, const std::string& time_zone, absl::Time synced) {
  AccountRecord account;
  account.account_id = id;
  account.name = "Acme " + id;
  account.currency = "USD";
  account.time_zone = time_zone;
  account.last_sync_time = synced;
  return account;
}

TEST_F(AccountStoreTest, RecordsAndReadsBackEveryField) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  const AccountRecord account = Account("act_1", "America/Los_Angeles", At(30, 3));
  ASSERT_OK(store->RecordAccountSync(account));

  ASSERT_OK_AND_ASSIGN(const AccountRecord read, store->GetAccount("act_1"));
  EXPECT_EQ(read, account);
}

TEST_F(AccountStoreTest, ASecondSyncReplacesEveryField) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  ASSERT_OK(store->RecordAccountSync(Account("act_1", "America/Los_Angeles", At(23, 3))));
  AccountRecord later;
  later.account_id = "act_1";
  later.name = "Acme renamed";
  later.last_sync_time = At(30, 3);
  ASSERT_OK(store->RecordAccountSync(later));

  ASSERT_OK_AND_ASSIGN(const AccountRecord read, store->GetAccount("act_1"));
  EXPECT_EQ(read, later);
  ASSERT_OK_AND_ASSIGN(const std::vector<AccountRecord> all, store->ListAccounts());
  EXPECT_EQ(all.size(), 1u);
  // What Meta did not answer is no value: NULL, as elsewhere in the schema.
  ASSERT_OK_AND_ASSIGN(auto db, OpenOther(DbPath()));
  EXPECT_EQ(db->QueryInt("SELECT count(*) FROM accounts WHERE currency IS NULL AND "
                         "time_zone IS NULL",
                         "test")
                .value_or(-1),
            1);
}

TEST_F(AccountStoreTest, AnAccountWithoutARecordedSyncIsNotFound) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  ASSERT_OK(store->RecordAccountSync(Account("act_1", "", At(30, 3))));

  EXPECT_TRUE(HasStatus(store->GetAccount("act_2").status(), absl::StatusCode::kNotFound,
                        "account 'act_2' not found"));
}

TEST_F(AccountStoreTest, ListsEveryAccountInIdOrderAndSurvivesReopening) {
  const std::vector<AccountRecord> accounts = {
      Account("act_1", "America/Los_Angeles", At(30, 1)),
      Account("act_2", "", At(30, 2)),
      Account("act_3", "Asia/Tokyo", At(30, 3)),
  };
  {
    ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
    for (const AccountRecord& account : {accounts[2], accounts[0], accounts[1]}) {
      ASSERT_OK(store->RecordAccountSync(account));
    }
  }
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));

  ASSERT_OK_AND_ASSIGN(const std::vector<AccountRecord> listed, store->ListAccounts());
  EXPECT_EQ(listed, accounts);
  ASSERT_OK_AND_ASSIGN(const AccountRecord tokyo, store->GetAccount("act_3"));
  EXPECT_EQ(tokyo, accounts[2]);
}

TEST_F(AccountStoreTest, RefusesAnAccountWithoutIdOrSyncTime) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  AccountRecord no_id = Account("", "", At(30, 3));
  EXPECT_TRUE(HasStatus(store->RecordAccountSync(no_id), absl::StatusCode::kInvalidArgument,
                        "account.account_id"));
  AccountRecord no_time = Account("act_1", "", At(30, 3));
  no_time.last_sync_time.reset();
  EXPECT_TRUE(HasStatus(store->RecordAccountSync(no_time), absl::StatusCode::kInvalidArgument,
                        "account.last_sync_time"));
  ASSERT_OK_AND_ASSIGN(const std::vector<AccountRecord> listed, store->ListAccounts());
  EXPECT_TRUE(listed.empty());
}

TEST_F(AccountStoreTest, ACorruptSyncTimeIsDataLossNamingTheAccount) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  ASSERT_OK(store->RecordAccountSync(Account("act_1", "", At(30, 3))));
  {
    ASSERT_OK_AND_ASSIGN(auto db, OpenOther(DbPath()));
    ASSERT_OK(
        db->Exec("UPDATE accounts SET last_sync_time = '2026-11-30 03:00:00.123456Z'", "test"));
  }

  EXPECT_TRUE(HasStatus(store->GetAccount("act_1").status(), absl::StatusCode::kDataLoss,
                        "stored last_sync_time of account 'act_1' is corrupt"));
  EXPECT_EQ(store->ListAccounts().status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace rung
