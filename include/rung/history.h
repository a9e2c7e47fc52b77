#ifndef RUNG_HISTORY_H_
#define RUNG_HISTORY_H_

#include <string>

#include "absl/status/statusor.h"
#include "rung/ad_set_week.h"

namespace rung {

// The record of week `w`, or nullptr. `history` is oldest first.
const AdSetWeek* FindWeek(const AdSetHistory& history, Week w);

// The record that best describes the ad set at `w`: w's own, else the latest
// before it, else the first after it; nullptr only for an empty history.
const AdSetWeek* RecordNear(const AdSetHistory& history, Week w);

// Consecutive weeks ending at `w` whose records optimize for the event of
// w's record. Counting stops at a missing week or another event; a week with
// a significant edit counts and then ends the run. 0 when w has no record.
int WeeksOnRung(const AdSetHistory& history, Week w);

// The ladder named by the latest record at or before `w` that names one, or
// "ecommerce".
std::string LadderAt(const AdSetHistory& history, Week w);

// Describes an ad set by its latest week. FAILED_PRECONDITION when empty.
absl::StatusOr<AdSetSummary> Summarize(const AdSetHistory& history);

}  // namespace rung

#endif  // RUNG_HISTORY_H_
