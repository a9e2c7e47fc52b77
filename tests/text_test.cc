#include "core/text.h"

#include <cstdint>
#include <limits>
#include <string>

#include "gtest/gtest.h"

namespace rung {
namespace {

TEST(JsonQuoteTest, EscapesWhatJsonRequires) {
  EXPECT_EQ(JsonQuote("plain"), "\"plain\"");
  EXPECT_EQ(JsonQuote("say \"hi\"\\"), "\"say \\\"hi\\\"\\\\\"");
  EXPECT_EQ(JsonQuote("a\nb\tc\r"), "\"a\\nb\\tc\\r\"");
  EXPECT_EQ(JsonQuote(std::string("\x01\x1f", 2)), "\"\\u0001\\u001f\"");
  EXPECT_EQ(JsonQuote("caf\xc3\xa9"), "\"caf\xc3\xa9\"");  // UTF-8 passes through
  EXPECT_EQ(JsonQuote(""), "\"\"");
}

TEST(QuoteTest, EscapesAndCutsLongInput) {
  EXPECT_EQ(Quote("form_strat"), "\"form_strat\"");
  EXPECT_EQ(Quote("a\nb", '\''), "'a\\nb'");
  const std::string quoted = Quote(std::string(100, 'x'));
  EXPECT_EQ(quoted, "\"" + std::string(64, 'x') + "...\" (100 bytes)");
}

TEST(MicrosTextTest, TwoDecimalsRoundedHalfAwayFromZero) {
  EXPECT_EQ(MicrosText(3'100'000), "3.10");
  EXPECT_EQ(MicrosText(155'000'000), "155.00");
  EXPECT_EQ(MicrosText(0), "0.00");
  EXPECT_EQ(MicrosText(4'999), "0.00");
  EXPECT_EQ(MicrosText(5'000), "0.01");
  EXPECT_EQ(MicrosText(3'104'999), "3.10");
  EXPECT_EQ(MicrosText(3'105'000), "3.11");
  EXPECT_EQ(MicrosText(-3'105'000), "-3.11");
  EXPECT_EQ(MicrosText(std::numeric_limits<int64_t>::max()), "9223372036854.78");
  EXPECT_EQ(MicrosText(std::numeric_limits<int64_t>::min()), "-9223372036854.78");
}

TEST(AppendZeroPaddedTest, PadsToTheWidthAndAppends) {
  std::string text = "at ";
  AppendZeroPadded(7, 4, &text);
  EXPECT_EQ(text, "at 0007");
  AppendZeroPadded(0, 2, &text);
  EXPECT_EQ(text, "at 000700");
  AppendZeroPadded(9999, 4, &text);
  EXPECT_EQ(text, "at 0007009999");
  AppendZeroPadded(123456, 6, &text);
  EXPECT_EQ(text, "at 0007009999123456");
}

}  // namespace
}  // namespace rung
