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

TEST(ProtoConvertTest, ImportedRecordRoundTripsThroughTheMessage) {
  RawAdSetWeek raw;
  raw.account_id = "act_1";
  raw.campaign_id = "cmp_1";
  raw.ad_set_id = "as_1";
  raw.week_start = "2026-09-07";
  raw.optimization_event = "add_to_cart";
  raw.spend_micros = 0;
  raw.event_counts = {{"add_to_cart", 85}, {"AddToCart", 85}, {"AddToCart", 85}};
  raw.reported_learning_status = "FAIL";
  raw.learning_threshold_override = 40;
  raw.ladder = "ecommerce";
  raw.significant_edit = true;

  v1::AdSetWeek week;
  ASSERT_TRUE(ToProto(raw, &week).ok());
  RawAdSetWeek back = FromProto(week);
  EXPECT_EQ(back.week_start, "2026-09-07");
  EXPECT_EQ(back.optimization_event, "add_to_cart");
  EXPECT_EQ(back.spend_micros, 0);
  EXPECT_THAT(back.event_counts,
              UnorderedElementsAre(Pair("add_to_cart", 85), Pair("AddToCart", 85)));
  EXPECT_EQ(back.reported_learning_status, "REPORTED_LEARNING_STATUS_FAIL");
  EXPECT_EQ(back.learning_threshold_override, 40);
  EXPECT_EQ(back.ladder, "ecommerce");
  EXPECT_TRUE(back.significant_edit);
}

TEST(ProtoConvertTest, ImportedRecordWithoutOptionalsLeavesThemUnset) {
  v1::AdSetWeek week;
  ASSERT_TRUE(ToProto(RawAdSetWeek(), &week).ok());
  EXPECT_FALSE(week.has_spend_micros());
  EXPECT_FALSE(week.has_learning_threshold_override());
  EXPECT_EQ(week.reported_learning_status(), v1::REPORTED_LEARNING_STATUS_UNSPECIFIED);
}

TEST(ProtoConvertTest, ImportedRecordTheMessageCannotCarryIsRefusedNamingTheField) {
  struct Case {
    void (*spoil)(RawAdSetWeek*);
    std::string message;
  };
  const Case cases[] = {
      {[](RawAdSetWeek* raw) { raw->reported_learning_status = "learning"; },
       "reported_learning_status: \"learning\" is not LEARNING, SUCCESS or FAIL"},
      {[](RawAdSetWeek* raw) { raw->learning_threshold_override = int64_t{1} << 40; },
       "learning_threshold_override: 1099511627776 is out of range"},
      {[](RawAdSetWeek* raw) {
         raw->event_counts = {{"Purchase", 3}, {"Purchase", 4}};
       },
       "event_counts[\"Purchase\"]: given twice, as 3 and 4"},
  };
  for (const Case& c : cases) {
    RawAdSetWeek raw;
    c.spoil(&raw);
    v1::AdSetWeek week;
    const absl::Status status = ToProto(raw, &week);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.message;
    EXPECT_EQ(status.message(), c.message);
  }
}

TEST(ProtoConvertTest, TheLearningBudgetGoesInMicrosAndLeavesWhatIsUnknownUnset) {
  Recommendation rec;
  rec.learning_budget.spend_weeks = 3;
  rec.learning_budget.weekly_spend_micros = 93'000'000;
  rec.learning_budget.rungs = {{"AddToCart", 90, 3'100'000, 155'000'000},
                               {"Purchase", 0, std::nullopt, std::nullopt}};

  v1::Recommendation out;
  ToProto(rec, &out);

  const v1::LearningBudget& budget = out.learning_budget();
  EXPECT_EQ(budget.spend_weeks(), 3);
  ASSERT_TRUE(budget.has_weekly_spend_micros());
  EXPECT_EQ(budget.weekly_spend_micros(), 93'000'000);
  ASSERT_EQ(budget.rungs_size(), 2);
  EXPECT_EQ(budget.rungs(0).event(), "AddToCart");
  EXPECT_EQ(budget.rungs(0).event_count(), 90);
  EXPECT_EQ(budget.rungs(0).cost_per_event_micros(), 3'100'000);
  EXPECT_EQ(budget.rungs(0).weekly_budget_micros(), 155'000'000);
  EXPECT_EQ(budget.rungs(1).event(), "Purchase");
  EXPECT_EQ(budget.rungs(1).event_count(), 0);
  EXPECT_FALSE(budget.rungs(1).has_cost_per_event_micros());
  EXPECT_FALSE(budget.rungs(1).has_weekly_budget_micros());

  v1::Recommendation empty;
  ToProto(Recommendation(), &empty);
  EXPECT_FALSE(empty.learning_budget().has_weekly_spend_micros());
  EXPECT_EQ(empty.learning_budget().rungs_size(), 0);
}

TEST(ProtoConvertTest, TheSummarysLearningCapacityGoesRungByRung) {
  AccountSummary summary;
  summary.learning_capacity.weekly_spend_micros = 650'000'000;
  summary.learning_capacity.rungs = {{"AddToCart", 5, 120'930'233}, {"Purchase", 0, std::nullopt}};

  v1::AccountSummary out;
  ToProto(summary, &out);

  const v1::LearningCapacity& capacity = out.learning_capacity();
  EXPECT_EQ(capacity.weekly_spend_micros(), 650'000'000);
  ASSERT_EQ(capacity.rungs_size(), 2);
  EXPECT_EQ(capacity.rungs(0).event(), "AddToCart");
  EXPECT_EQ(capacity.rungs(0).ad_sets_at_threshold(), 5);
  EXPECT_EQ(capacity.rungs(0).blended_weekly_budget_micros(), 120'930'233);
  EXPECT_EQ(capacity.rungs(1).event(), "Purchase");
  EXPECT_FALSE(capacity.rungs(1).has_blended_weekly_budget_micros());
}

}  // namespace
}  // namespace rung
