#include "rung/ladder.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace rung {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Optional;

TEST(LadderRegistryTest, BuiltInLadders) {
  const LadderRegistry registry = LadderRegistry::BuiltIn();
  EXPECT_THAT(registry.Names(), ElementsAre("ecommerce", "lead_generation", "subscription"));
  ASSERT_NE(registry.Find("ecommerce"), nullptr);
  EXPECT_THAT(registry.Find("ecommerce")->events,
              ElementsAre("PageView", "ViewContent", "AddToCart", "InitiateCheckout", "Purchase"));
  ASSERT_NE(registry.Find("lead_generation"), nullptr);
  EXPECT_THAT(registry.Find("lead_generation")->events,
              ElementsAre("PageView", "ViewContent", "form_start", "Lead"));
  ASSERT_NE(registry.Find("subscription"), nullptr);
  EXPECT_THAT(
      registry.Find("subscription")->events,
      ElementsAre("PageView", "ViewContent", "CompleteRegistration", "StartTrial", "Subscribe"));
}

TEST(LadderRegistryTest, DefaultLadderIsBuiltIn) {
  EXPECT_EQ(std::string(kDefaultLadderName), "ecommerce");
  EXPECT_NE(LadderRegistry::BuiltIn().Find(kDefaultLadderName), nullptr);
}

TEST(LadderRegistryTest, BuiltInLaddersPassTheirOwnValidation) {
  // BuiltIn() skips Add(); this proves nothing is skipped that Add would refuse.
  const LadderRegistry built_in = LadderRegistry::BuiltIn();
  LadderRegistry fresh;
  for (const std::string& name : built_in.Names()) {
    EXPECT_TRUE(fresh.Add(*built_in.Find(name)).ok()) << name;
    EXPECT_EQ(fresh.Find(name)->events, built_in.Find(name)->events) << name;
  }
}

TEST(LadderRegistryTest, FindUnknownIsNull) {
  EXPECT_EQ(LadderRegistry::BuiltIn().Find("retail"), nullptr);
  EXPECT_EQ(LadderRegistry::BuiltIn().Find(""), nullptr);
}

TEST(LadderTest, RungOfTopAndBottom) {
  const LadderRegistry registry = LadderRegistry::BuiltIn();
  const Ladder* ladder = registry.Find("ecommerce");
  ASSERT_NE(ladder, nullptr);
  EXPECT_THAT(ladder->RungOf("PageView"), Optional(0));
  EXPECT_THAT(ladder->RungOf("InitiateCheckout"), Optional(3));
  EXPECT_THAT(ladder->RungOf("Purchase"), Optional(4));
  EXPECT_EQ(ladder->RungOf("Lead"), std::nullopt);
  // Rungs are canonical; RungOf does not normalize.
  EXPECT_EQ(ladder->RungOf("purchase"), std::nullopt);
  EXPECT_EQ(ladder->bottom(), "PageView");
  EXPECT_EQ(ladder->top(), "Purchase");
}

TEST(LadderRegistryTest, AddsACustomLadderAndNormalizesAliases) {
  LadderRegistry registry = LadderRegistry::BuiltIn();
  ASSERT_TRUE(
      registry.Add({"retail_v2", {"page_view", "view_item", "quiz_done", "omni_purchase"}}).ok());
  const Ladder* ladder = registry.Find("retail_v2");
  ASSERT_NE(ladder, nullptr);
  EXPECT_EQ(ladder->name, "retail_v2");
  EXPECT_THAT(ladder->events, ElementsAre("PageView", "ViewContent", "quiz_done", "Purchase"));
  EXPECT_THAT(registry.Names(),
              ElementsAre("ecommerce", "lead_generation", "retail_v2", "subscription"));
}

TEST(LadderRegistryTest, AcceptsNameBoundaries) {
  LadderRegistry registry;
  EXPECT_TRUE(registry.Add({"a", {"PageView", "Lead"}}).ok());
  EXPECT_TRUE(registry.Add({"z" + std::string(63, '9'), {"PageView", "Lead"}}).ok());
  EXPECT_TRUE(registry.Add({"a_1", {"PageView", "Lead"}}).ok());
}

template <typename T>
std::string TestName(const testing::TestParamInfo<T>& info) {
  return info.param.test_name;
}

struct RefusedCase {
  std::string test_name;
  Ladder ladder;
  std::string message;
};

class LadderRefusedTest : public testing::TestWithParam<RefusedCase> {};

TEST_P(LadderRefusedTest, IsRefusedAndNotAdded) {
  LadderRegistry registry = LadderRegistry::BuiltIn();
  const std::vector<std::string> names_before = registry.Names();
  const Ladder* ecommerce_before = registry.Find("ecommerce");
  const std::vector<std::string> ecommerce_events = ecommerce_before->events;

  absl::Status status = registry.Add(GetParam().ladder);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr(GetParam().message));
  EXPECT_EQ(registry.Names(), names_before);
  EXPECT_EQ(registry.Find("ecommerce")->events, ecommerce_events);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, LadderRefusedTest,
    testing::Values(
        RefusedCase{"EmptyName", {"", {"PageView", "Lead"}}, "\"\" is not a valid ladder name"},
        RefusedCase{
            "UpperCase", {"Retail", {"PageView", "Lead"}}, "\"Retail\" is not a valid ladder name"},
        RefusedCase{"LeadingDigit", {"1retail", {"PageView", "Lead"}}, "is not a valid ladder"},
        RefusedCase{
            "LeadingUnderscore", {"_retail", {"PageView", "Lead"}}, "is not a valid ladder"},
        RefusedCase{"Hyphen", {"re-tail", {"PageView", "Lead"}}, "is not a valid ladder"},
        RefusedCase{"Space", {"re tail", {"PageView", "Lead"}}, "is not a valid ladder"},
        RefusedCase{"NameTooLong",
                    {"z" + std::string(64, '9'), {"PageView", "Lead"}},
                    "is not a valid ladder"},
        RefusedCase{"Taken",
                    {"ecommerce", {"PageView", "Lead"}},
                    "ladders[ecommerce]: a ladder of that name already exists"},
        RefusedCase{"NoRungs", {"retail", {}}, "ladders[retail].events: has 0 rung(s)"},
        RefusedCase{"OneRung", {"retail", {"Purchase"}}, "ladders[retail].events: has 1 rung(s)"},
        RefusedCase{"MalformedRung",
                    {"retail", {"PageView", "AddToCart", "9abc"}},
                    "ladders[retail].events[2]: '9abc' is not a valid event name"},
        RefusedCase{"EmptyRung",
                    {"retail", {"PageView", ""}},
                    "ladders[retail].events[1]: '' is not a valid event name"},
        RefusedCase{"RepeatedRung",
                    {"retail", {"PageView", "AddToCart", "Purchase", "AddToCart"}},
                    "ladders[retail].events[3]: \"AddToCart\" is AddToCart, already rung 1"},
        RefusedCase{
            "RepeatedThroughAlias",
            {"retail", {"PageView", "AddToCart", "omni_add_to_cart"}},
            "ladders[retail].events[2]: \"omni_add_to_cart\" is AddToCart, already rung 1"}),
    TestName<RefusedCase>);

}  // namespace
}  // namespace rung
