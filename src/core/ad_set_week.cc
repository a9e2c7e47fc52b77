#include "rung/ad_set_week.h"

#include <tuple>

namespace rung {

int64_t AdSetWeek::CountOf(const std::string& event) const {
  auto it = event_counts.find(event);
  return it == event_counts.end() ? 0 : it->second;
}

bool operator==(const AdSetWeek& a, const AdSetWeek& b) {
  auto fields = [](const AdSetWeek& r) {
    return std::tie(r.account_id, r.campaign_id, r.ad_set_id, r.week, r.optimization_event,
                    r.spend_micros, r.event_counts, r.reported_learning,
                    r.learning_threshold_override, r.ladder, r.significant_edit);
  };
  return fields(a) == fields(b);
}

}  // namespace rung
