#ifndef RUNG_IMPORT_INSIGHTS_ROWS_H_
#define RUNG_IMPORT_INSIGHTS_ROWS_H_

// Rows of a Graph API Insights answer (level=adset, time_increment=7), read
// one at a time: by the insights-json importer for a saved file, and by
// rungctl sync for the pages it pulls.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"
#include "rung/import.h"
#include "rung/validation.h"

namespace rung::importer {

class EventAliases;

// Reads rows, collecting the notes of what they leave out.
class InsightsRowReader {
 public:
  explicit InsightsRowReader(const ImportOptions& options) : options_(options) {}

  // One row; `place` names it in errors ("data[3]"). `optimization_event`
  // is used when the row does not say (Insights itself never does); empty
  // falls back to the options' default.
  absl::StatusOr<RawAdSetWeek> ReadRow(const nlohmann::json& row, const std::string& place,
                                       absl::string_view optimization_event = {});

  // Action types that are no standard event but count as `event`, at the
  // lowest priority among its names: a custom conversion's
  // offsite_conversion.custom.<id>, or landing_page_view for PageView.
  void CountActionTypeAs(std::string action_type, std::string event);

  // The notes of every row read, then one line naming the action types that
  // were skipped, so that no reported action disappears unmentioned.
  std::vector<std::string> TakeNotes();

 private:
  absl::StatusOr<std::string> AccountId(const nlohmann::json& row, absl::string_view place) const;
  absl::StatusOr<std::string> OptimizationEvent(const nlohmann::json& row, absl::string_view place,
                                                absl::string_view fallback) const;
  absl::Status AddActions(const nlohmann::json& row, absl::string_view key, absl::string_view place,
                          EventAliases* aliases);

  const ImportOptions& options_;
  std::map<std::string, std::string, std::less<>> extra_action_types_;
  std::vector<std::string> notes_;
  std::set<std::string> skipped_;
};

}  // namespace rung::importer

#endif  // RUNG_IMPORT_INSIGHTS_ROWS_H_
