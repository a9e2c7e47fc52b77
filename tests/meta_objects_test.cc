// Meta's account and ad set objects as the sync reads them.

#include "meta/meta_objects.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace rung::meta {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

json AdSetWith(json promoted_object, std::string goal = "OFFSITE_CONVERSIONS") {
  return {{"id", "238"},
          {"name", "Prospecting"},
          {"campaign_id", "120"},
          {"account_id", "1001"},
          {"optimization_goal", goal},
          {"promoted_object", std::move(promoted_object)},
          {"effective_status", "ACTIVE"}};
}

std::string EventOf(const json& item) {
  absl::StatusOr<MetaAdSet> ad_set = ReadAdSet(item);
  return ad_set.ok() ? ad_set->event : std::string(ad_set.status().message());
}

TEST(ReadAdSetTest, StandardEventsFromCustomEventType) {
  const std::pair<const char*, const char*> cases[] = {
      {"CONTENT_VIEW", "ViewContent"},
      {"ADD_TO_CART", "AddToCart"},
      {"INITIATED_CHECKOUT", "InitiateCheckout"},
      {"PURCHASE", "Purchase"},
      {"LEAD", "Lead"},
      {"COMPLETE_REGISTRATION", "CompleteRegistration"},
      {"ADD_PAYMENT_INFO", "AddPaymentInfo"},
      {"ADD_TO_WISHLIST", "AddToWishlist"},
      {"SEARCH", "Search"},
      {"SUBSCRIBE", "Subscribe"},
      {"START_TRIAL", "StartTrial"},
  };
  for (const auto& [type, event] : cases) {
    EXPECT_EQ(EventOf(AdSetWith({{"pixel_id", "9"}, {"custom_event_type", type}})), event) << type;
  }
}

TEST(ReadAdSetTest, LandingPageViewsAreThePageViewRung) {
  EXPECT_EQ(EventOf(AdSetWith(nullptr, "LANDING_PAGE_VIEWS")), "PageView");
}

TEST(ReadAdSetTest, ACustomConversionIsItsInsightsActionType) {
  EXPECT_EQ(EventOf(AdSetWith({{"custom_conversion_id", "5551"}, {"custom_event_type", "OTHER"}})),
            "offsite_conversion.custom.5551");
}

TEST(ReadAdSetTest, AnythingElseIsRefusedNamingTheAdSet) {
  absl::StatusOr<MetaAdSet> other = ReadAdSet(AdSetWith({{"custom_event_type", "OTHER"}}));
  EXPECT_TRUE(absl::IsFailedPrecondition(other.status())) << other.status();
  EXPECT_THAT(other.status().message(), HasSubstr("ad set 238"));
  EXPECT_THAT(other.status().message(), HasSubstr("OTHER"));
  absl::StatusOr<MetaAdSet> reach = ReadAdSet(AdSetWith(nullptr, "REACH"));
  EXPECT_TRUE(absl::IsFailedPrecondition(reach.status()));
  EXPECT_THAT(reach.status().message(), HasSubstr("REACH"));
}

TEST(ReadAdSetTest, LearningStageInfoAndSource) {
  json item = AdSetWith({{"custom_event_type", "ADD_TO_CART"}});
  item["learning_stage_info"] = {{"status", "FAIL"},
                                 {"last_sig_edit_ts", 1764000000},
                                 {"conversions", 12},
                                 {"dynamic_lp_conversions_threshold", "40"}};
  item["source_adset_id"] = "237";
  absl::StatusOr<MetaAdSet> ad_set = ReadAdSet(item);
  ASSERT_TRUE(ad_set.ok()) << ad_set.status();
  EXPECT_EQ(ad_set->learning_status, "FAIL");
  EXPECT_EQ(ad_set->last_significant_edit, absl::FromUnixSeconds(1764000000));
  EXPECT_EQ(ad_set->learning_threshold, 40);
  EXPECT_EQ(ad_set->source_adset_id, "237");
  EXPECT_EQ(ad_set->campaign_id, "120");
}

TEST(ReadAdSetTest, NoLearningStageAndASourceOfZeroMeanNone) {
  json item = AdSetWith({{"custom_event_type", "PURCHASE"}});
  item["source_adset_id"] = "0";
  absl::StatusOr<MetaAdSet> ad_set = ReadAdSet(item);
  ASSERT_TRUE(ad_set.ok()) << ad_set.status();
  EXPECT_EQ(ad_set->learning_status, "");
  EXPECT_FALSE(ad_set->last_significant_edit.has_value());
  EXPECT_FALSE(ad_set->learning_threshold.has_value());
  EXPECT_EQ(ad_set->source_adset_id, "");
}

TEST(ReadAdSetTest, WrongTypesAreErrorsNamingTheMember) {
  json item = AdSetWith({{"custom_event_type", 7}});
  EXPECT_THAT(ReadAdSet(item).status().message(), HasSubstr("custom_event_type"));
  EXPECT_THAT(ReadAdSet(json{{"name", "x"}}).status().message(), HasSubstr("id"));
  EXPECT_FALSE(ReadAdSet(json::array()).ok());
}

TEST(ReadAccountTest, ReadsIdNameCurrencyAndTimeZone) {
  absl::StatusOr<MetaAccount> account = ReadAccount({{"id", "act_1001"},
                                                     {"name", "Shop"},
                                                     {"currency", "USD"},
                                                     {"timezone_name", "America/Los_Angeles"}});
  ASSERT_TRUE(account.ok()) << account.status();
  EXPECT_EQ(account->account_id, "act_1001");
  EXPECT_EQ(account->name, "Shop");
  EXPECT_EQ(account->currency, "USD");
  EXPECT_EQ(account->time_zone, "America/Los_Angeles");
  EXPECT_EQ(ReadAccount({{"id", "1001"}})->account_id, "act_1001");
  EXPECT_FALSE(ReadAccount({{"name", "no id"}}).ok());
}

}  // namespace
}  // namespace rung::meta
