#include "import/meta_rows.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "core/text.h"
#include "import/fields.h"
#include "rung/events.h"

namespace rung::importer {
namespace {

constexpr int kDaysAfterStart = 6;

std::string NotADate(absl::string_view text) {
  return absl::StrCat(Quote(text, '\''), " is not a date of the form YYYY-MM-DD");
}

std::string WeekdayName(absl::CivilDay day) {
  return absl::FormatTime("%A", absl::FromCivil(day, absl::UTCTimeZone()), absl::UTCTimeZone());
}

std::string NameAndCount(const std::string& name, int64_t count) {
  return absl::StrCat(name, "=", count);
}

}  // namespace

absl::StatusOr<std::string> WeekOfReportingDates(absl::string_view start, absl::string_view stop,
                                                 const ReportingDates& dates) {
  const std::optional<absl::CivilDay> start_day = ParseIsoDay(start);
  if (!start_day) return PlaceError(dates.start_place, NotADate(start));
  if (absl::GetWeekday(*start_day) != absl::Weekday::monday) {
    const absl::CivilDay monday = absl::PrevWeekday(*start_day, absl::Weekday::monday);
    return PlaceError(dates.start_place,
                      absl::StrCat(start, " is a ", WeekdayName(*start_day),
                                   "; weekly rows start on a Monday (that week's Monday is ",
                                   absl::FormatCivilTime(monday), "); ", dates.advice));
  }
  const std::optional<absl::CivilDay> stop_day = ParseIsoDay(stop);
  if (!stop_day) return PlaceError(dates.stop_place, NotADate(stop));
  const absl::CivilDay sunday = *start_day + kDaysAfterStart;
  if (*stop_day != sunday) {
    return PlaceError(
        dates.stop_place,
        absl::StrCat(stop, " is not 6 days after ", dates.start_name, " ", start, " (expected ",
                     absl::FormatCivilTime(sunday),
                     "): a row must cover one whole Monday-to-Sunday week; ", dates.advice));
  }
  return std::string(start);
}

std::optional<ActionEvent> EventOfActionType(absl::string_view action_type, bool from_conversions) {
  absl::string_view stem = action_type;
  std::string converted;
  if (from_conversions && absl::ConsumeSuffix(&stem, "_total")) {
    converted = absl::StrCat("omni_", stem);
  } else if (from_conversions && absl::ConsumeSuffix(&stem, "_website")) {
    converted = absl::StrCat("offsite_conversion.fb_pixel_", stem);
  }
  const std::string_view spelling = converted.empty()
                                        ? std::string_view(action_type.data(), action_type.size())
                                        : std::string_view(converted);
  absl::StatusOr<NormalizedEvent> event = NormalizeEventName(spelling);
  if (!event.ok() || event->kind == EventNameKind::kCustom) return std::nullopt;
  return ActionEvent{std::move(event->name), InsightsAliasPriority(spelling)};
}

void EventAliases::Add(absl::string_view event, absl::string_view name, int priority,
                       int64_t count) {
  auto it = std::find_if(events_.begin(), events_.end(),
                         [&](const auto& entry) { return entry.first == event; });
  if (it == events_.end()) it = events_.insert(events_.end(), {std::string(event), {}});
  it->second.push_back({std::string(name), priority, count});
}

absl::StatusOr<std::vector<std::pair<std::string, int64_t>>> EventAliases::Resolve(
    absl::FunctionRef<std::string()> row, std::vector<std::string>* notes) const {
  std::vector<std::pair<std::string, int64_t>> counts;
  for (const auto& [event, unsorted] : events_) {
    std::vector<Report> reports = unsorted;
    std::stable_sort(reports.begin(), reports.end(),
                     [](const Report& a, const Report& b) { return a.priority < b.priority; });
    const Report& best = reports.front();
    std::vector<std::string> others;
    for (size_t i = 1; i < reports.size(); ++i) {
      if (reports[i].count == best.count) continue;
      if (reports[i].priority == best.priority) {
        return PlaceError(row(), absl::StrCat(event, " is reported twice with different counts, ",
                                              NameAndCount(best.name, best.count), " and ",
                                              NameAndCount(reports[i].name, reports[i].count),
                                              ", and neither name ranks above the other"));
      }
      others.push_back(NameAndCount(reports[i].name, reports[i].count));
    }
    if (!others.empty()) {
      notes->push_back(absl::StrCat(row(), ": ", event, ": kept ",
                                    NameAndCount(best.name, best.count), " over ",
                                    absl::StrJoin(others, ", "),
                                    " (names of one event are "
                                    "never added up; the first in priority order wins)"));
    }
    counts.emplace_back(event, best.count);
  }
  return counts;
}

}  // namespace rung::importer
