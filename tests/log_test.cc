#include "daemon/log.h"

#include "gtest/gtest.h"

namespace rung {
namespace {

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
