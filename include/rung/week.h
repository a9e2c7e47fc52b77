#ifndef RUNG_WEEK_H_
#define RUNG_WEEK_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace rung {

// An ISO-8601 week, identified by its Monday. Only Mondays can be held, so
// every Week in the program is valid by construction.
class Week {
 public:
  // The week of 1970-01-05, the first Monday of the Unix epoch; a placeholder
  // for records that are about to be filled in.
  Week() : monday_(1970, 1, 5) {}
  // Parses "YYYY-MM-DD". A well-formed date that is not a Monday is refused
  // with a message naming the Monday of its week.
  static absl::StatusOr<Week> Parse(std::string_view text);
  // The week containing `day`.
  static Week Containing(absl::CivilDay day);
  // The last week that has fully ended at `now` (UTC).
  static Week LastComplete(absl::Time now);
  // The last week that has fully ended at `now` on the wall clocks of `zone`:
  // for a zone behind UTC, early on a Monday in UTC, the week before
  // LastComplete's.
  static Week LastCompleteIn(absl::Time now, absl::TimeZone zone);

  std::string ToString() const;
  absl::CivilDay monday() const { return monday_; }

  Week Plus(int64_t weeks) const { return Week(monday_ + 7 * weeks); }
  Week Next() const { return Plus(1); }
  Week Previous() const { return Plus(-1); }
  // Whole weeks from `other` to this week (positive when this is later).
  int64_t WeeksSince(Week other) const { return (monday_ - other.monday_) / 7; }

  friend bool operator==(Week a, Week b) { return a.monday_ == b.monday_; }
  friend bool operator!=(Week a, Week b) { return a.monday_ != b.monday_; }
  friend bool operator<(Week a, Week b) { return a.monday_ < b.monday_; }
  friend bool operator<=(Week a, Week b) { return a.monday_ <= b.monday_; }
  friend bool operator>(Week a, Week b) { return a.monday_ > b.monday_; }
  friend bool operator>=(Week a, Week b) { return a.monday_ >= b.monday_; }

 private:
  explicit Week(absl::CivilDay monday) : monday_(monday) {}
  absl::CivilDay monday_;
};

}  // namespace rung

#endif  // RUNG_WEEK_H_
