// What a sync may record of an ad account, and which time zones count.

#include "rung/account.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace rung {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

AccountRecord Valid() {
  AccountRecord account;
  account.account_id = "act_1001";
  account.name = "Acme EU";
  account.currency = "EUR";
  account.time_zone = "Europe/Berlin";
  return account;
}

TEST(ValidateAccountTest, AcceptsAKnownAccountAndOneWithOnlyAnId) {
  EXPECT_TRUE(ValidateAccount(Valid()).ok()) << ValidateAccount(Valid());
  AccountRecord bare;
  bare.account_id = "act_1";
  EXPECT_TRUE(ValidateAccount(bare).ok()) << ValidateAccount(bare);
}

TEST(ValidateAccountTest, CountsTheNameInCharactersNotBytes) {
  AccountRecord account = Valid();
  // 256 characters of three bytes each.
  account.name.clear();
  for (int i = 0; i < kMaxAccountNameLength; ++i) account.name += "\xE6\x97\xA5";
  EXPECT_TRUE(ValidateAccount(account).ok()) << ValidateAccount(account);
  account.name += "x";
  const absl::Status status = ValidateAccount(account);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "account.name: is 257 characters; at most 256");
}

struct RefusedCase {
  std::string label;
  void (*spoil)(AccountRecord&);
  std::string field;
};

class RefusedAccountTest : public ::testing::TestWithParam<RefusedCase> {};

TEST_P(RefusedAccountTest, NamesTheField) {
  AccountRecord account = Valid();
  GetParam().spoil(account);
  const absl::Status status = ValidateAccount(account);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), StartsWith(GetParam().field + ": "));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, RefusedAccountTest,
    ::testing::Values(
        RefusedCase{"EmptyId", [](AccountRecord& a) { a.account_id.clear(); },
                    "account.account_id"},
        RefusedCase{"IdWithSpace", [](AccountRecord& a) { a.account_id = "act 1"; },
                    "account.account_id"},
        RefusedCase{"LongId", [](AccountRecord& a) { a.account_id = std::string(129, 'a'); },
                    "account.account_id"},
        RefusedCase{"LowercaseCurrency", [](AccountRecord& a) { a.currency = "eur"; },
                    "account.currency"},
        RefusedCase{"LongCurrency", [](AccountRecord& a) { a.currency = "EURO"; },
                    "account.currency"},
        RefusedCase{"UnknownZone", [](AccountRecord& a) { a.time_zone = "America/Los_Angles"; },
                    "account.time_zone"},
        RefusedCase{"ZoneAsPath", [](AccountRecord& a) { a.time_zone = "/usr/share/zoneinfo/UTC"; },
                    "account.time_zone"},
        RefusedCase{"ZoneClimbingOut", [](AccountRecord& a) { a.time_zone = "../zoneinfo/UTC"; },
                    "account.time_zone"},
        RefusedCase{"HostZone", [](AccountRecord& a) { a.time_zone = "localtime"; },
                    "account.time_zone"},
        RefusedCase{"FixedOffset", [](AccountRecord& a) { a.time_zone = "Fixed/UTC+05:00"; },
                    "account.time_zone"}),
    [](const auto& test) { return test.param.label; });

TEST(LoadAccountTimeZoneTest, LoadsIanaNamesAndSaysWhatItRefuses) {
  const absl::StatusOr<absl::TimeZone> zone = LoadAccountTimeZone("America/Los_Angeles");
  ASSERT_TRUE(zone.ok()) << zone.status();
  EXPECT_EQ(zone->name(), "America/Los_Angeles");
  EXPECT_TRUE(LoadAccountTimeZone("UTC").ok());
  const absl::Status refused = LoadAccountTimeZone("Mars/Olympus_Mons").status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(refused.message()),
              HasSubstr("\"Mars/Olympus_Mons\" is not an IANA time zone"));
}

}  // namespace
}  // namespace rung
