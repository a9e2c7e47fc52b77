#include "core/page_token.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace rung {
namespace {

using ::testing::HasSubstr;

TEST(PageTokenTest, RoundTripsTheCursorForItsFilter) {
  const std::string token = EncodePageToken({"account_id=act_1", "as_42"});
  auto after = DecodePageToken(token, "account_id=act_1");
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(*after, "as_42");
}

TEST(PageTokenTest, TokenIsOpaque) {
  const std::string token = EncodePageToken({"account_id=act_1", "as_42"});
  EXPECT_EQ(token.find("as_42"), std::string::npos);
}

TEST(PageTokenTest, RefusesATokenOfAnotherFilter) {
  const std::string token = EncodePageToken({"account_id=act_1", "as_42"});
  auto after = DecodePageToken(token, "account_id=act_2");
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(after.status().message()), HasSubstr("page_token"));
}

TEST(PageTokenTest, RefusesGarbage) {
  for (const char* garbage : {"%%%", "abc", "cjE"}) {
    auto after = DecodePageToken(garbage, "account_id=");
    EXPECT_EQ(after.status().code(), absl::StatusCode::kInvalidArgument) << garbage;
  }
}

TEST(PageTokenTest, PageSizeFollowsAip158) {
  EXPECT_EQ(*EffectivePageSize(0, 100, 1000), 100);
  EXPECT_EQ(*EffectivePageSize(7, 100, 1000), 7);
  EXPECT_EQ(*EffectivePageSize(1000, 100, 1000), 1000);
  EXPECT_EQ(*EffectivePageSize(1001, 100, 1000), 1000);
  EXPECT_EQ(*EffectivePageSize(0, 100, 10), 10);
  auto negative = EffectivePageSize(-1, 100, 1000);
  EXPECT_EQ(negative.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(negative.status().message()), HasSubstr("page_size"));
}

}  // namespace
}  // namespace rung
