#ifndef RUNG_AD_SET_WEEK_H_
#define RUNG_AD_SET_WEEK_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "rung/week.h"

namespace rung {

// Meta's own word on the learning phase; kFail is "Learning limited".
enum class ReportedLearning { kUnspecified, kLearning, kSuccess, kFail };

// One ad set in one week, normalized: event names are canonical (or custom,
// verbatim) and every count is >= 0. Only validation produces these from
// outside input.
struct AdSetWeek {
  std::string account_id;
  std::string campaign_id;
  std::string ad_set_id;
  Week week;
  std::string optimization_event;
  std::optional<int64_t> spend_micros;
  // Sorted by name, so that equal records compare and encode equally.
  std::map<std::string, int64_t> event_counts;
  ReportedLearning reported_learning = ReportedLearning::kUnspecified;
  std::optional<int32_t> learning_threshold_override;
  // Empty: the ladder of the previous week applies.
  std::string ladder;
  bool significant_edit = false;

  // The count of `event`, 0 when the record has none.
  int64_t CountOf(const std::string& event) const;

  friend bool operator==(const AdSetWeek& a, const AdSetWeek& b);
  friend bool operator!=(const AdSetWeek& a, const AdSetWeek& b) { return !(a == b); }
};

// An ad set's stored weeks, oldest first, each week at most once.
using AdSetHistory = std::vector<AdSetWeek>;

// An ad set as its latest stored week describes it.
struct AdSetSummary {
  std::string account_id;
  std::string campaign_id;
  std::string ad_set_id;
  std::string ladder;
  std::string optimization_event;
  int weeks_on_rung = 0;
  Week first_week;
  Week last_week;
  int week_count = 0;
};

}  // namespace rung

#endif  // RUNG_AD_SET_WEEK_H_
