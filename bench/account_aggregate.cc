#include "account_aggregate.h"

namespace rung::bench {

bool operator==(const WeekTotals& a, const WeekTotals& b) {
  return a.ad_sets == b.ad_sets && a.actions == b.actions &&
         a.learning_statuses == b.learning_statuses && a.rungs == b.rungs &&
         a.spend_micros == b.spend_micros &&
         a.spend_below_threshold_micros == b.spend_below_threshold_micros;
}

void AddGroup(const AggregateGroup& group, AccountTotals& totals) {
  WeekTotals& week = totals[std::string(group.week)];
  week.ad_sets += group.ad_sets;
  week.actions[std::string(group.action)] += group.ad_sets;
  if (group.learning_status.has_value()) {
    week.learning_statuses[std::string(*group.learning_status)] += group.ad_sets;
    if (*group.learning_status == "STUCK" || *group.learning_status == "NEAR_EXIT") {
      week.spend_below_threshold_micros += group.spend_micros;
    }
  }
  if (group.current_event.has_value())
    week.rungs[std::string(*group.current_event)] += group.ad_sets;
  week.spend_micros += group.spend_micros;
}

}  // namespace rung::bench
