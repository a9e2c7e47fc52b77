#ifndef RUNG_META_USAGE_HEADERS_H_
#define RUNG_META_USAGE_HEADERS_H_

#include <map>
#include <string>

#include "absl/time/time.h"

namespace rung::meta {

// What Meta's rate-limit headers say about the quota, read on every answer,
// errors included (meta-connector.md, "Usage headers").
struct Usage {
  // The highest share of any limit used, in percent (0 when no header came):
  // call_count, total_cputime or total_time of X-Business-Use-Case-Usage,
  // acc_id_util_pct of X-Ad-Account-Usage, app_id_util_pct or acc_id_util_pct
  // of X-FB-Ads-Insights-Throttle.
  double max_percent = 0;
  // The longest estimated_time_to_regain_access (given in minutes) or
  // reset_time_duration (seconds) that is above zero; zero when none.
  absl::Duration regain_access = absl::ZeroDuration();
  // The business use case type with the highest share ("ads_insights"),
  // to name the limit that was hit; empty when none.
  std::string limited_use_case;
};

// `headers` as HttpResponse holds them, names in lower case. Headers that are
// missing or malformed count as no usage; never fails (a fuzz target).
Usage ParseUsageHeaders(const std::map<std::string, std::string>& headers);

}  // namespace rung::meta

#endif  // RUNG_META_USAGE_HEADERS_H_
