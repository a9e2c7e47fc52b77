#include "rung/week.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/text.h"

namespace rung {
namespace {

const char* WeekdayName(absl::Weekday day) {
  switch (day) {
    case absl::Weekday::monday: return "Monday";
    case absl::Weekday::tuesday: return "Tuesday";
    case absl::Weekday::wednesday: return "Wednesday";
    case absl::Weekday::thursday: return "Thursday";
    case absl::Weekday::friday: return "Friday";
    case absl::Weekday::saturday: return "Saturday";
    case absl::Weekday::sunday: return "Sunday";
  }
  return "?";
}

std::string FormatDay(absl::CivilDay day) {
  std::string text;
  text.reserve(10);
  AppendZeroPadded(day.year(), 4, &text);
  text += '-';
  AppendZeroPadded(day.month(), 2, &text);
  text += '-';
  AppendZeroPadded(day.day(), 2, &text);
  return text;
}

// Strict YYYY-MM-DD: absl::ParseCivilTime would also take "2026-1-5" and
// normalize "2026-02-30" into March.
bool ParseStrictDay(std::string_view text, absl::CivilDay* out) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  int parts[3] = {0, 0, 0};
  const size_t starts[3] = {0, 5, 8};
  const size_t lengths[3] = {4, 2, 2};
  for (int i = 0; i < 3; ++i) {
    for (size_t j = starts[i]; j < starts[i] + lengths[i]; ++j) {
      if (text[j] < '0' || text[j] > '9') return false;
      parts[i] = parts[i] * 10 + (text[j] - '0');
    }
  }
  const absl::CivilDay day(parts[0], parts[1], parts[2]);
  if (day.year() != parts[0] || day.month() != parts[1] || day.day() != parts[2]) {
    return false;  // normalized: the date does not exist
  }
  *out = day;
  return true;
}

}  // namespace

absl::StatusOr<Week> Week::Parse(std::string_view text) {
  absl::CivilDay day;
  if (!ParseStrictDay(text, &day)) {
    return absl::InvalidArgumentError(
        absl::StrCat(Quote(AsAbsl(text), '\''), " is not a date of the form YYYY-MM-DD"));
  }
  const absl::Weekday weekday = absl::GetWeekday(day);
  if (weekday != absl::Weekday::monday) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s is a %s; weeks start on Monday, so use %s", text, WeekdayName(weekday),
                        Containing(day).ToString()));
  }
  return Week(day);
}

Week Week::Containing(absl::CivilDay day) {
  return Week(absl::PrevWeekday(day + 1, absl::Weekday::monday));
}

Week Week::LastComplete(absl::Time now) { return LastCompleteIn(now, absl::UTCTimeZone()); }

Week Week::LastCompleteIn(absl::Time now, absl::TimeZone zone) {
  return Containing(absl::ToCivilDay(now, zone)).Previous();
}

std::string Week::ToString() const { return FormatDay(monday_); }

}  // namespace rung
