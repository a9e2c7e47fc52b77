#include "daemon/log.h"

#include "gtest/gtest.h"

namespace rung {
namespace {

TEST(LogTest, JsonQuoteEscapesWhatJsonRequires) {
  EXPECT_EQ(JsonQuote("plain"), "\"plain\"");
  EXPECT_EQ(JsonQuote("say \"hi\"\\"), "\"say \\\"hi\\\"\\\\\"");
  EXPECT_EQ(JsonQuote("a\nb\tc\r"), "\"a\\nb\\tc\\r\"");
  EXPECT_EQ(JsonQuote(std::string("\x01", 1)), "\"\\u0001\"");
  EXPECT_EQ(JsonQuote("caf\xc3\xa9"), "\"caf\xc3\xa9\"");  // UTF-8 passes through
}

TEST(LogTest, ParsesTheFourLevelsOnly) {
  LogLevel level = LogLevel::kInfo;
  ASSERT_TRUE(ParseLogLevel("debug", &level));
  EXPECT_EQ(level, LogLevel::kDebug);
  ASSERT_TRUE(ParseLogLevel("error", &level));
  EXPECT_EQ(level, LogLevel::kError);
  EXPECT_FALSE(ParseLogLevel("DEBUG", &level));
  EXPECT_FALSE(ParseLogLevel("verbose", &level));
  EXPECT_EQ(level, LogLevel::kError);
}

TEST(LogTest, WritesOneJsonObjectPerLine) {
  ::testing::internal::CaptureStderr();
  Log(LogLevel::kWarn, "disk \"almost\" full", {{"free_bytes", 42}, {"path", "/var/lib/rung"}});
  const std::string line = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  EXPECT_NE(line.find("\"level\":\"warn\""), std::string::npos) << line;
  EXPECT_NE(line.find("\"msg\":\"disk \\\"almost\\\" full\""), std::string::npos) << line;
  EXPECT_NE(line.find("\"free_bytes\":42"), std::string::npos) << line;
  EXPECT_NE(line.find("\"path\":\"/var/lib/rung\""), std::string::npos) << line;
}

TEST(LogTest, DropsLinesBelowTheLevel) {
  SetLogLevel(LogLevel::kError);
  ::testing::internal::CaptureStderr();
  Log(LogLevel::kInfo, "not shown");
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  SetLogLevel(LogLevel::kInfo);
}

}  // namespace
}  // namespace rung
