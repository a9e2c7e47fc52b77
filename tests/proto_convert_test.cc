#include "api/proto_convert.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace rung {
namespace {

using ::testing::Pair;
using ::testing::UnorderedElementsAre;

TEST(ProtoConvertTest, RequestRecordIsCopiedUnjudged) {
  v1::AdSetWeek week;
  week.set_account_id("act_1");
  week.set_campaign_id("cmp_1");
  week.set_ad_set_id("as_1");
  week.set_week_start("2026-09-07");
  week.set_optimization_event("add_to_cart");
  week.set_spend_micros(0);
  (*week.mutable_event_counts())["add_to_cart"] = 85;
  (*week.mutable_event_counts())["AddToCart"] = 85;
  week.set_reported_learning_status(v1::REPORTED_LEARNING_STATUS_FAIL);
  week.set_learning_threshold_override(40);
  week.set_ladder("ecommerce");
  week.set_significant_edit(true);

  RawAdSetWeek raw = FromProto(week);
  EXPECT_EQ(raw.optimization_event, "add_to_cart");
  ASSERT_TRUE(raw.spend_micros.has_value());  // zero spend is known spend
  EXPECT_EQ(*raw.spend_micros, 0);
  EXPECT_THAT(raw.event_counts,
              UnorderedElementsAre(Pair("add_to_cart", 85), Pair("AddToCart", 85)));
  EXPECT_EQ(raw.reported_learning_status, "REPORTED_LEARNING_STATUS_FAIL");
  EXPECT_EQ(raw.learning_threshold_override, 40);
  EXPECT_TRUE(raw.significant_edit);
}

TEST(ProtoConvertTest, AbsentOptionalsStayAbsent) {
  v1::AdSetWeek week;
  RawAdSetWeek raw = FromProto(week);
  EXPECT_FALSE(raw.spend_micros.has_value());
  EXPECT_FALSE(raw.learning_threshold_override.has_value());
  EXPECT_EQ(raw.reported_learning_status, "");
}

TEST(ProtoConvertTest, UnknownEnumNumberTravelsAsItsNumber) {
  v1::AdSetWeek week;
  week.set_reported_learning_status(static_cast<v1::ReportedLearningStatus>(42));
  EXPECT_EQ(FromProto(week).reported_learning_status, "42");
}

TEST(ProtoConvertTest, StoredRecordRoundTrips) {
  AdSetWeek week;
  week.account_id = "act_1";
  week.campaign_id = "cmp_1";
  week.ad_set_id = "as_1";
  week.week = *Week::Parse("2026-09-07");
  week.optimization_event = "Purchase";
  week.event_counts = {{"Purchase", 12}, {"AddToCart", 85}};
  week.reported_learning = ReportedLearning::kSuccess;
  week.significant_edit = true;

  v1::AdSetWeek proto;
  ToProto(week, &proto);
  EXPECT_EQ(proto.week_start(), "2026-09-07");
  EXPECT_FALSE(proto.has_spend_micros());
  EXPECT_EQ(proto.reported_learning_status(), v1::REPORTED_LEARNING_STATUS_SUCCESS);
  EXPECT_EQ(proto.event_counts().at("AddToCart"), 85);
  EXPECT_TRUE(proto.significant_edit());
}

}  // namespace
}  // namespace rung
