#include <cstdint>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "import/fields.h"

namespace rung::importer {
namespace {

using ::testing::HasSubstr;

struct AmountCase {
  std::string text;
  int64_t micros;
};

void PrintTo(const AmountCase& c, std::ostream* os) { *os << "'" << c.text << "'"; }

class AmountTest : public ::testing::TestWithParam<AmountCase> {};

TEST_P(AmountTest, IsExactToTheMicro) {
  const absl::StatusOr<int64_t> micros = ParseAmountMicros(GetParam().text);
  ASSERT_TRUE(micros.ok()) << micros.status();
  EXPECT_EQ(*micros, GetParam().micros);
}

INSTANTIATE_TEST_SUITE_P(Amounts, AmountTest,
                         ::testing::Values(AmountCase{"0", 0}, AmountCase{"0.1", 100000},
                                           AmountCase{"123.45", 123450000},
                                           AmountCase{"1234567.891234", 1234567891234},
                                           AmountCase{"0.000001", 1}, AmountCase{"007.50", 7500000},
                                           AmountCase{"9223372036854.775807", INT64_MAX}));

struct BadAmount {
  std::string text;
  std::string error;
};

void PrintTo(const BadAmount& c, std::ostream* os) { *os << "'" << c.text << "'"; }

class BadAmountTest : public ::testing::TestWithParam<BadAmount> {};

TEST_P(BadAmountTest, IsRefusedWithTheReason) {
  const absl::StatusOr<int64_t> micros = ParseAmountMicros(GetParam().text);
  ASSERT_FALSE(micros.ok()) << *micros;
  EXPECT_EQ(micros.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(micros.status().message()), HasSubstr(GetParam().error));
}

INSTANTIATE_TEST_SUITE_P(
    Amounts, BadAmountTest,
    ::testing::Values(
        BadAmount{"1.2345678", "'1.2345678' has more than 6 decimals"},
        BadAmount{"-5.00", "'-5.00' is negative"}, BadAmount{"1e3", "'1e3' has an exponent"},
        BadAmount{"1.5E+2", "has an exponent"}, BadAmount{"12,x", "'12,x' is not an amount"},
        BadAmount{"", "'' is not an amount"}, BadAmount{".5", "is not an amount"},
        BadAmount{"5.", "is not an amount"}, BadAmount{" 5", "is not an amount"},
        BadAmount{"one", "is not an amount"}, BadAmount{"9223372036854.775808", "is too large"},
        BadAmount{"99999999999999", "is too large"}));

TEST(IntegerTest, ReadsSignedWholeNumbersWithinInt64) {
  EXPECT_EQ(ParseInteger("0").value(), 0);
  EXPECT_EQ(ParseInteger("42").value(), 42);
  EXPECT_EQ(ParseInteger("-7").value(), -7);
  EXPECT_EQ(ParseInteger("9223372036854775807").value(), INT64_MAX);
  for (const char* bad : {"abc", "", "-", "1.0", "+1", " 1", "1e3"}) {
    const absl::StatusOr<int64_t> value = ParseInteger(bad);
    ASSERT_FALSE(value.ok()) << bad;
    EXPECT_THAT(std::string(value.status().message()), HasSubstr("is not a whole number"));
  }
  EXPECT_THAT(std::string(ParseInteger("9223372036854775808").status().message()),
              HasSubstr("out of range"));
}

TEST(ThousandsTest, RemovesOnlyWellPlacedSeparators) {
  EXPECT_EQ(WithoutThousandsSeparators("1,234.56").value(), "1234.56");
  EXPECT_EQ(WithoutThousandsSeparators("12,345,678").value(), "12345678");
  EXPECT_EQ(WithoutThousandsSeparators("999").value(), "999");
  EXPECT_EQ(WithoutThousandsSeparators("12.5").value(), "12.5");
  for (const char* bad : {"12,x", "1,23", "1,2345", ",123", "1,,234", "1234,567", "1,234.5,6"}) {
    const absl::StatusOr<std::string> plain = WithoutThousandsSeparators(bad);
    ASSERT_FALSE(plain.ok()) << bad << " gave " << *plain;
    EXPECT_THAT(std::string(plain.status().message()), HasSubstr("is not a number"));
  }
}

TEST(IsoDayTest, IsStrict) {
  EXPECT_EQ(ParseIsoDay("2026-10-05"), absl::CivilDay(2026, 10, 5));
  for (const char* bad :
       {"2026-1-5", "2026-02-30", "2026/10/05", "05.10.2026", "", "2026-10-05 "}) {
    EXPECT_FALSE(ParseIsoDay(bad).has_value()) << bad;
  }
}

TEST(MetaAccountIdTest, PrefixesNumericIdsOnly) {
  EXPECT_EQ(MetaAccountId("1001"), "act_1001");
  EXPECT_EQ(MetaAccountId("act_1001"), "act_1001");
  EXPECT_EQ(MetaAccountId("acme"), "acme");
}

TEST(PlacesTest, NameTheRowAndField) {
  EXPECT_EQ(CsvPlace(7, "Amount spent (EUR)"), "line 7, column \"Amount spent (EUR)\"");
  const absl::Status error = PlaceError("data[3].spend", "bad");
  EXPECT_EQ(error.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(error.message(), "data[3].spend: bad");
}

}  // namespace
}  // namespace rung::importer
