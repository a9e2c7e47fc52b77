#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "import/meta_rows.h"

namespace rung::importer {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;

const ReportingDates kDates = {"data[3].date_start", "data[3].date_stop", "date_start",
                               "ask for whole weeks"};

TEST(WeekOfReportingDatesTest, AcceptsAMondayToSundayRow) {
  EXPECT_EQ(WeekOfReportingDates("2026-10-05", "2026-10-11", kDates).value(), "2026-10-05");
}

TEST(WeekOfReportingDatesTest, RefusesARowThatDoesNotStartOnMonday) {
  const absl::StatusOr<std::string> week = WeekOfReportingDates("2026-10-07", "2026-10-13", kDates);
  ASSERT_FALSE(week.ok());
  EXPECT_EQ(week.status().message(),
            "data[3].date_start: 2026-10-07 is a Wednesday; weekly rows start on a Monday (that "
            "week's Monday is 2026-10-05); ask for whole weeks");
}

TEST(WeekOfReportingDatesTest, RefusesARowThatIsNotSevenDaysLong) {
  for (const char* stop : {"2026-10-05", "2026-10-12", "2026-10-10"}) {
    const absl::StatusOr<std::string> week = WeekOfReportingDates("2026-10-05", stop, kDates);
    ASSERT_FALSE(week.ok()) << stop;
    EXPECT_EQ(week.status().message(),
              std::string("data[3].date_stop: ") + stop +
                  " is not 6 days after date_start 2026-10-05 (expected 2026-10-11): a row must "
                  "cover one whole Monday-to-Sunday week; ask for whole weeks");
  }
}

TEST(WeekOfReportingDatesTest, RefusesWhatIsNotADate) {
  EXPECT_EQ(WeekOfReportingDates("2026-02-30", "2026-03-08", kDates).status().message(),
            "data[3].date_start: '2026-02-30' is not a date of the form YYYY-MM-DD");
  EXPECT_EQ(WeekOfReportingDates("2026-10-05", "soon", kDates).status().message(),
            "data[3].date_stop: 'soon' is not a date of the form YYYY-MM-DD");
}

TEST(EventOfActionTypeTest, ReadsEveryInsightsSpellingOfAStandardEvent) {
  struct Case {
    const char* action_type;
    bool from_conversions;
    const char* event;
    int priority;
  };
  for (const Case& c : {
           Case{"omni_purchase", false, "Purchase", 0},
           Case{"purchase", false, "Purchase", 1},
           Case{"offsite_conversion.fb_pixel_purchase", false, "Purchase", 2},
           Case{"onsite_web_purchase", false, "Purchase", 3},
           Case{"omni_initiated_checkout", false, "InitiateCheckout", 0},
           Case{"subscribe_total", true, "Subscribe", 0},
           Case{"subscribe_website", true, "Subscribe", 2},
           Case{"start_trial_total", true, "StartTrial", 0},
       }) {
    const std::optional<ActionEvent> event = EventOfActionType(c.action_type, c.from_conversions);
    ASSERT_TRUE(event.has_value()) << c.action_type;
    EXPECT_EQ(event->event, c.event) << c.action_type;
    EXPECT_EQ(event->priority, c.priority) << c.action_type;
  }
}

TEST(EventOfActionTypeTest, SkipsWhatIsNotAStandardEvent) {
  for (const char* type :
       {"landing_page_view", "omni_landing_page_view", "link_click", "post_engagement",
        "onsite_web_app_purchase", "app_custom_event.fb_mobile_purchase",
        "offsite_conversion.fb_pixel_custom", "offsite_conversion.custom.123456", "1d_click",
        "subscribe_mobile_app", ""}) {
    EXPECT_FALSE(EventOfActionType(type, true).has_value()) << type;
  }
  // The _total spelling only means "every channel" in the conversions field.
  EXPECT_FALSE(EventOfActionType("subscribe_total", false).has_value());
}

TEST(EventAliasesTest, EqualReportsCountOnce) {
  EventAliases aliases;
  aliases.Add("Purchase", "omni_purchase", 0, 7);
  aliases.Add("AddToCart", "add_to_cart", 1, 30);
  aliases.Add("Purchase", "purchase", 1, 7);
  aliases.Add("Purchase", "offsite_conversion.fb_pixel_purchase", 2, 7);
  std::vector<std::string> notes;
  const auto counts = aliases.Resolve([] { return std::string("data[0]"); }, &notes);
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_THAT(*counts, ElementsAre(Pair("Purchase", 7), Pair("AddToCart", 30)));
  EXPECT_THAT(notes, IsEmpty());
}

TEST(EventAliasesTest, TheBestPriorityWinsADisagreementAndItIsNoted) {
  EventAliases aliases;
  aliases.Add("Purchase", "offsite_conversion.fb_pixel_purchase", 2, 8);
  aliases.Add("Purchase", "purchase", 1, 9);
  aliases.Add("Purchase", "omni_purchase", 0, 9);
  aliases.Add("Purchase", "onsite_web_purchase", 3, 7);
  std::vector<std::string> notes;
  const auto counts =
      aliases.Resolve([] { return std::string("data[4] (ad set as_1, week 2026-10-05)"); }, &notes);
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_THAT(*counts, ElementsAre(Pair("Purchase", 9)));
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_THAT(notes[0], HasSubstr("data[4] (ad set as_1, week 2026-10-05): Purchase: kept "
                                  "omni_purchase=9 over offsite_conversion.fb_pixel_purchase=8, "
                                  "onsite_web_purchase=7"));
}

TEST(EventAliasesTest, EqualPrioritiesThatDisagreeFail) {
  EventAliases aliases;
  aliases.Add("Subscribe", "omni_subscribe", 0, 4);
  aliases.Add("Subscribe", "subscribe_total", 0, 5);
  std::vector<std::string> notes;
  const auto counts = aliases.Resolve([] { return std::string("data[2]"); }, &notes);
  ASSERT_FALSE(counts.ok());
  EXPECT_THAT(std::string(counts.status().message()),
              HasSubstr("data[2]: Subscribe is reported twice with different counts, "
                        "omni_subscribe=4 and subscribe_total=5"));
}

}  // namespace
}  // namespace rung::importer
