#include "rung/events.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace rung {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Spelled out in full rather than derived, so that a wrong derivation in the
// implementation cannot hide behind the same derivation here.
struct InsightsFamily {
  std::string canonical;
  std::string omni;
  std::string plain;
  std::string pixel;
  std::string onsite_web;
};

const std::vector<InsightsFamily>& Families() {
  static const auto* const families = new std::vector<InsightsFamily>{
      {"PageView", "omni_page_view", "page_view", "offsite_conversion.fb_pixel_page_view",
       "onsite_web_page_view"},
      {"ViewContent", "omni_view_content", "view_content",
       "offsite_conversion.fb_pixel_view_content", "onsite_web_view_content"},
      {"Search", "omni_search", "search", "offsite_conversion.fb_pixel_search",
       "onsite_web_search"},
      {"AddToWishlist", "omni_add_to_wishlist", "add_to_wishlist",
       "offsite_conversion.fb_pixel_add_to_wishlist", "onsite_web_add_to_wishlist"},
      {"AddToCart", "omni_add_to_cart", "add_to_cart", "offsite_conversion.fb_pixel_add_to_cart",
       "onsite_web_add_to_cart"},
      {"InitiateCheckout", "omni_initiated_checkout", "initiate_checkout",
       "offsite_conversion.fb_pixel_initiate_checkout", "onsite_web_initiate_checkout"},
      {"AddPaymentInfo", "omni_add_payment_info", "add_payment_info",
       "offsite_conversion.fb_pixel_add_payment_info", "onsite_web_add_payment_info"},
      {"Purchase", "omni_purchase", "purchase", "offsite_conversion.fb_pixel_purchase",
       "onsite_web_purchase"},
      {"Lead", "omni_lead", "lead", "offsite_conversion.fb_pixel_lead", "onsite_web_lead"},
      {"CompleteRegistration", "omni_complete_registration", "complete_registration",
       "offsite_conversion.fb_pixel_complete_registration", "onsite_web_complete_registration"},
      {"Contact", "omni_contact", "contact", "offsite_conversion.fb_pixel_contact",
       "onsite_web_contact"},
      {"StartTrial", "omni_start_trial", "start_trial", "offsite_conversion.fb_pixel_start_trial",
       "onsite_web_start_trial"},
      {"Subscribe", "omni_subscribe", "subscribe", "offsite_conversion.fb_pixel_subscribe",
       "onsite_web_subscribe"},
  };
  return *families;
}

struct AliasCase {
  std::string alias;
  std::string canonical;
  int insights_priority;
};

std::string CaseName(const testing::TestParamInfo<AliasCase>& info) {
  std::string name = info.param.alias;
  for (char& c : name) {
    if (c == '.') c = '_';
  }
  return name;
}

std::vector<AliasCase> InsightsCases() {
  std::vector<AliasCase> cases;
  for (const InsightsFamily& f : Families()) {
    cases.push_back({f.omni, f.canonical, 0});
    cases.push_back({f.plain, f.canonical, 1});
    cases.push_back({f.pixel, f.canonical, 2});
    cases.push_back({f.onsite_web, f.canonical, 3});
  }
  return cases;
}

class AliasTest : public testing::TestWithParam<AliasCase> {};

TEST_P(AliasTest, NormalizesToCanonical) {
  absl::StatusOr<NormalizedEvent> event = NormalizeEventName(GetParam().alias);
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ(event->name, GetParam().canonical);
  EXPECT_EQ(event->kind, EventNameKind::kAlias);
  EXPECT_FALSE(IsCanonicalEvent(GetParam().alias));
}

TEST_P(AliasTest, HasItsInsightsPriority) {
  EXPECT_EQ(InsightsAliasPriority(GetParam().alias), GetParam().insights_priority);
}

INSTANTIATE_TEST_SUITE_P(InsightsActionTypes, AliasTest, testing::ValuesIn(InsightsCases()),
                         CaseName);

// GA4 names that are not also an Insights plain name sort last for Insights.
INSTANTIATE_TEST_SUITE_P(Ga4, AliasTest,
                         testing::Values(AliasCase{"page_view", "PageView", 1},
                                         AliasCase{"view_item", "ViewContent", 4},
                                         AliasCase{"search", "Search", 1},
                                         AliasCase{"add_to_wishlist", "AddToWishlist", 1},
                                         AliasCase{"add_to_cart", "AddToCart", 1},
                                         AliasCase{"begin_checkout", "InitiateCheckout", 4},
                                         AliasCase{"add_payment_info", "AddPaymentInfo", 1},
                                         AliasCase{"purchase", "Purchase", 1},
                                         AliasCase{"generate_lead", "Lead", 4},
                                         AliasCase{"sign_up", "CompleteRegistration", 4}),
                         CaseName);

INSTANTIATE_TEST_SUITE_P(
    CustomEventTypes, AliasTest,
    testing::Values(AliasCase{"PAGE_VIEW", "PageView", 4},
                    AliasCase{"CONTENT_VIEW", "ViewContent", 4}, AliasCase{"SEARCH", "Search", 4},
                    AliasCase{"ADD_TO_WISHLIST", "AddToWishlist", 4},
                    AliasCase{"ADD_TO_CART", "AddToCart", 4},
                    AliasCase{"INITIATED_CHECKOUT", "InitiateCheckout", 4},
                    AliasCase{"ADD_PAYMENT_INFO", "AddPaymentInfo", 4},
                    AliasCase{"PURCHASE", "Purchase", 4}, AliasCase{"LEAD", "Lead", 4},
                    AliasCase{"COMPLETE_REGISTRATION", "CompleteRegistration", 4},
                    AliasCase{"CONTACT", "Contact", 4}, AliasCase{"START_TRIAL", "StartTrial", 4},
                    AliasCase{"SUBSCRIBE", "Subscribe", 4}),
    CaseName);

class CanonicalTest : public testing::TestWithParam<InsightsFamily> {};

TEST_P(CanonicalTest, StaysAsIs) {
  const std::string& name = GetParam().canonical;
  absl::StatusOr<NormalizedEvent> event = NormalizeEventName(name);
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ(event->name, name);
  EXPECT_EQ(event->kind, EventNameKind::kCanonical);
  EXPECT_TRUE(IsCanonicalEvent(name));
  EXPECT_EQ(InsightsAliasPriority(name), 4);
}

INSTANTIATE_TEST_SUITE_P(StandardEvents, CanonicalTest, testing::ValuesIn(Families()),
                         [](const testing::TestParamInfo<InsightsFamily>& param) {
                           return param.param.canonical;
                         });

class CustomTest : public testing::TestWithParam<std::string> {};

TEST_P(CustomTest, IsStoredVerbatim) {
  absl::StatusOr<NormalizedEvent> event = NormalizeEventName(GetParam());
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ(event->name, GetParam());
  EXPECT_EQ(event->kind, EventNameKind::kCustom);
  EXPECT_FALSE(IsCanonicalEvent(GetParam()));
}

INSTANTIATE_TEST_SUITE_P(
    Names, CustomTest,
    testing::Values("form_start", "scroll_75", "video_complete", "x", "a.b:c-d_9",
                    // Aliases match exactly: other cases and near-misses are custom.
                    "purchase_", "Purchase_", "pageview", "addToCart", "Add_To_Cart", "ADDTOCART",
                    "Omni_purchase", "OMNI_PURCHASE",
                    // Meta spells only the past tense for omni InitiateCheckout.
                    "omni_initiate_checkout", "omni_initiated_checkout_", "onsite_web_view_item",
                    std::string("L") + std::string(63, 'x')));  // 64 characters

class MalformedTest : public testing::TestWithParam<std::string> {};

TEST_P(MalformedTest, IsRefused) {
  absl::StatusOr<NormalizedEvent> event = NormalizeEventName(GetParam());
  ASSERT_EQ(event.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(event.status().message()), HasSubstr("is not a valid event name"));
}

INSTANTIATE_TEST_SUITE_P(Names, MalformedTest,
                         testing::Values("", "9abc", "_abc", "-abc", ".abc", "add to cart",
                                         "add/to", "a,b", "caf\xc3\xa9", "tab\t", "a\n",
                                         std::string("a\0b", 3),
                                         std::string("L") + std::string(64, 'x')));  // 65

TEST(NormalizeEventNameTest, ExplainsTheRule) {
  absl::StatusOr<NormalizedEvent> event = NormalizeEventName("9abc");
  EXPECT_EQ(event.status().message(),
            "'9abc' is not a valid event name: it must start with a letter and use only letters, "
            "digits, '_', '.', ':' or '-' (at most 64 characters)");
}

TEST(NormalizeEventNameTest, QuotesControlCharactersEscaped) {
  absl::StatusOr<NormalizedEvent> event = NormalizeEventName("bad\x01name'");
  ASSERT_FALSE(event.ok());
  const std::string message(event.status().message());
  EXPECT_THAT(message, HasSubstr("'bad\\x01name\\''"));
  EXPECT_THAT(message, Not(HasSubstr("\x01")));
}

TEST(NormalizeEventNameTest, TruncatesHugeNames) {
  absl::StatusOr<NormalizedEvent> event = NormalizeEventName(std::string(1 << 20, 'a'));
  ASSERT_FALSE(event.ok());
  EXPECT_LT(event.status().message().size(), 300u);
  EXPECT_THAT(std::string(event.status().message()), HasSubstr("(1048576 bytes)"));
}

TEST(InsightsAliasPriorityTest, RanksUnknownSpellingsLast) {
  EXPECT_EQ(InsightsAliasPriority("form_start"), 4);
  EXPECT_EQ(InsightsAliasPriority(""), 4);
  EXPECT_EQ(InsightsAliasPriority("offsite_conversion.custom.12345"), 4);
}

}  // namespace
}  // namespace rung
