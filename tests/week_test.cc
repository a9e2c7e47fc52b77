#include "rung/week.h"

#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace rung {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

Week MustParse(const std::string& text) {
  absl::StatusOr<Week> week = Week::Parse(text);
  EXPECT_TRUE(week.ok()) << week.status();
  return week.value_or(Week());
}

TEST(WeekParseTest, AcceptsMonday) {
  absl::StatusOr<Week> week = Week::Parse("2026-11-09");
  ASSERT_TRUE(week.ok()) << week.status();
  EXPECT_EQ(week->monday(), absl::CivilDay(2026, 11, 9));
  EXPECT_EQ(week->ToString(), "2026-11-09");
}

struct NotMondayCase {
  std::string text;
  std::string weekday;
  std::string monday;
};

class WeekNotMondayTest : public testing::TestWithParam<NotMondayCase> {};

TEST_P(WeekNotMondayTest, NamesTheMondayOfItsWeek) {
  const NotMondayCase& c = GetParam();
  absl::StatusOr<Week> week = Week::Parse(c.text);
  ASSERT_EQ(week.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string message(week.status().message());
  EXPECT_THAT(message, HasSubstr(c.text + " is a " + c.weekday));
  EXPECT_THAT(message, HasSubstr("so use " + c.monday));
}

INSTANTIATE_TEST_SUITE_P(Days, WeekNotMondayTest,
                         testing::Values(
                             // A Sunday ends its ISO week, so it names the Monday six days earlier.
                             NotMondayCase{"2026-11-15", "Sunday", "2026-11-09"},
                             NotMondayCase{"2026-11-10", "Tuesday", "2026-11-09"},
                             NotMondayCase{"2026-11-14", "Saturday", "2026-11-09"},
                             NotMondayCase{"2021-01-03", "Sunday", "2020-12-28"},   // across a year
                             NotMondayCase{"2024-02-29", "Thursday", "2024-02-26"}  // leap day
                             ));

class WeekMalformedTest : public testing::TestWithParam<std::string> {};

TEST_P(WeekMalformedTest, IsRefused) {
  absl::StatusOr<Week> week = Week::Parse(GetParam());
  ASSERT_EQ(week.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(week.status().message()),
              HasSubstr("'" + GetParam() + "' is not a date of the form YYYY-MM-DD"));
}

INSTANTIATE_TEST_SUITE_P(Texts, WeekMalformedTest,
                         testing::Values("", "2026-1-5", "2026-01-5", "2026-02-30", "2025-02-29",
                                         "2026-13-02", "2026-00-05", "2026/11/09", "20261109",
                                         " 2026-11-09", "2026-11-09 ", "2026-11-0a", "+026-11-09",
                                         "26-11-09"));

TEST(WeekParseTest, EscapesControlCharactersInTheMessage) {
  absl::StatusOr<Week> week = Week::Parse(std::string("2026\n11-09"));
  ASSERT_FALSE(week.ok());
  const std::string message(week.status().message());
  EXPECT_THAT(message, HasSubstr("2026\\n11-09"));
  EXPECT_THAT(message, Not(HasSubstr("\n")));
}

TEST(WeekParseTest, TruncatesHugeInputInTheMessage) {
  absl::StatusOr<Week> week = Week::Parse(std::string(100000, '7'));
  ASSERT_FALSE(week.ok());
  EXPECT_LT(week.status().message().size(), 200u);
  EXPECT_THAT(std::string(week.status().message()), HasSubstr("(100000 bytes)"));
}

TEST(WeekTest, DefaultIsTheFirstMondayOfTheEpoch) { EXPECT_EQ(Week().ToString(), "1970-01-05"); }

TEST(WeekTest, ContainingFindsTheMonday) {
  EXPECT_EQ(Week::Containing(absl::CivilDay(2026, 11, 9)).ToString(), "2026-11-09");
  EXPECT_EQ(Week::Containing(absl::CivilDay(2026, 11, 12)).ToString(), "2026-11-09");
  EXPECT_EQ(Week::Containing(absl::CivilDay(2026, 11, 15)).ToString(), "2026-11-09");
  EXPECT_EQ(Week::Containing(absl::CivilDay(2026, 11, 16)).ToString(), "2026-11-16");
}

absl::Time Utc(int y, int m, int d, int hh, int mm, int ss) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, ss), absl::UTCTimeZone());
}

TEST(WeekTest, LastCompleteIsThePreviousWeek) {
  EXPECT_EQ(Week::LastComplete(Utc(2026, 11, 12, 10, 0, 0)).ToString(), "2026-11-02");
  // The week of 2026-11-09 ends at the last second of Sunday.
  EXPECT_EQ(Week::LastComplete(Utc(2026, 11, 15, 23, 59, 59)).ToString(), "2026-11-02");
  EXPECT_EQ(Week::LastComplete(Utc(2026, 11, 16, 0, 0, 0)).ToString(), "2026-11-09");
}

TEST(WeekTest, LastCompleteInCountsOnTheZonesWallClock) {
  absl::TimeZone los_angeles;
  absl::TimeZone tokyo;
  ASSERT_TRUE(absl::LoadTimeZone("America/Los_Angeles", &los_angeles));
  ASSERT_TRUE(absl::LoadTimeZone("Asia/Tokyo", &tokyo));
  // Monday 03:00 in UTC is still Sunday 19:00 in Los Angeles.
  const absl::Time monday_utc = Utc(2026, 11, 30, 3, 0, 0);
  EXPECT_EQ(Week::LastCompleteIn(monday_utc, los_angeles).ToString(), "2026-11-16");
  EXPECT_EQ(Week::LastCompleteIn(monday_utc, absl::UTCTimeZone()).ToString(), "2026-11-23");
  EXPECT_EQ(Week::LastCompleteIn(monday_utc, tokyo).ToString(), "2026-11-23");
  // Sunday 20:00 in UTC is already Monday 05:00 in Tokyo.
  const absl::Time sunday_utc = Utc(2026, 11, 29, 20, 0, 0);
  EXPECT_EQ(Week::LastCompleteIn(sunday_utc, tokyo).ToString(), "2026-11-23");
  EXPECT_EQ(Week::LastCompleteIn(sunday_utc, absl::UTCTimeZone()).ToString(), "2026-11-16");
  // The week ends at midnight on the zone's own clock: 08:00 UTC in winter.
  EXPECT_EQ(Week::LastCompleteIn(Utc(2026, 11, 30, 7, 59, 59), los_angeles).ToString(),
            "2026-11-16");
  EXPECT_EQ(Week::LastCompleteIn(Utc(2026, 11, 30, 8, 0, 0), los_angeles).ToString(), "2026-11-23");
}

TEST(WeekTest, Arithmetic) {
  const Week week = MustParse("2026-12-28");
  EXPECT_EQ(week.Next().ToString(), "2027-01-04");
  EXPECT_EQ(week.Previous().ToString(), "2026-12-21");
  EXPECT_EQ(week.Plus(-52).ToString(), "2025-12-29");
  EXPECT_EQ(week.Plus(3).WeeksSince(week), 3);
  EXPECT_EQ(week.WeeksSince(week.Plus(3)), -3);
  EXPECT_EQ(week.WeeksSince(week), 0);
}

TEST(WeekTest, Comparisons) {
  const Week early = MustParse("2026-11-02");
  const Week late = MustParse("2026-11-09");
  EXPECT_TRUE(early < late);
  EXPECT_TRUE(early <= late);
  EXPECT_TRUE(late > early);
  EXPECT_TRUE(late >= early);
  EXPECT_TRUE(early != late);
  EXPECT_FALSE(early == late);
  EXPECT_TRUE(early.Next() == late);
  EXPECT_FALSE(late < late);
}

}  // namespace
}  // namespace rung
