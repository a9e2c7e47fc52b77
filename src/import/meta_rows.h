#ifndef RUNG_IMPORT_META_ROWS_H_
#define RUNG_IMPORT_META_ROWS_H_

// What Meta's two report formats (Insights JSON, Ads Manager CSV) share:
// rows that each cover one reporting week, and events reported under several
// names at once.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rung::importer {

// Where a row's reporting dates are, for messages.
struct ReportingDates {
  std::string start_place;  // `data[3].date_start`, `line 7, column "Reporting starts"`
  std::string stop_place;
  absl::string_view start_name;  // "date_start"
  // How to ask Meta for whole weeks, appended to a date error.
  absl::string_view advice;
};

// The week_start of a row that reports one Monday-to-Sunday week, from its
// YYYY-MM-DD start and stop dates. Meta reports the weeks of whatever range it
// was asked for, so a range that does not start on a Monday shifts every
// row; such rows are refused rather than moved to a week they do not cover.
absl::StatusOr<std::string> WeekOfReportingDates(absl::string_view start, absl::string_view stop,
                                                 const ReportingDates& dates);

// The standard event an Insights action type reports, and its priority
// among the names of that event (rung::InsightsAliasPriority).
struct ActionEvent {
  std::string event;
  int priority;
};

// nullopt for an action type that is not a standard event: link_click,
// landing_page_view, offsite_conversion.custom.<id>, app events
// (app_custom_event.fb_mobile_purchase) and the like. `from_conversions`
// reads the Insights `conversions` field, which spells some events
// <stem>_total (every channel, ranked as omni_<stem>) and <stem>_website
// (ranked as offsite_conversion.fb_pixel_<stem>).
std::optional<ActionEvent> EventOfActionType(absl::string_view action_type, bool from_conversions);

// Collects one row's counts when Meta reports an event under several names
// (omni_purchase, purchase, offsite_conversion.fb_pixel_purchase; or the
// "Purchases" and "Website purchases" columns). They are overlapping views
// of the same conversions, so they are never added up: the name with the
// best (lowest) priority gives the count.
class EventAliases {
 public:
  void Add(absl::string_view event, absl::string_view name, int priority, int64_t count);

  // One count per event, in the order events were first added. Names of one
  // event that disagree add a note naming `row` and every value; names of
  // equal priority that disagree leave nothing to decide by and fail.
  // `row` names the row, and is asked only when there is something to say.
  absl::StatusOr<std::vector<std::pair<std::string, int64_t>>> Resolve(
      absl::FunctionRef<std::string()> row, std::vector<std::string>* notes) const;

 private:
  struct Report {
    std::string name;
    int priority;
    int64_t count;
  };
  std::vector<std::pair<std::string, std::vector<Report>>> events_;
};

}  // namespace rung::importer

#endif  // RUNG_IMPORT_META_ROWS_H_
