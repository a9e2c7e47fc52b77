#include "rung/history.h"

#include <algorithm>

#include "rung/ladder.h"

namespace rung {
namespace {

// The position of w's record, or history.end().
AdSetHistory::const_iterator Locate(const AdSetHistory& history, Week w) {
  const auto it =
      std::lower_bound(history.begin(), history.end(), w,
                       [](const AdSetWeek& record, Week week) { return record.week < week; });
  return it != history.end() && it->week == w ? it : history.end();
}

}  // namespace

const AdSetWeek* FindWeek(const AdSetHistory& history, Week w) {
  const auto it = Locate(history, w);
  return it == history.end() ? nullptr : &*it;
}

const AdSetWeek* RecordNear(const AdSetHistory& history, Week w) {
  if (history.empty()) return nullptr;
  const auto after_w =
      std::upper_bound(history.begin(), history.end(), w,
                       [](Week week, const AdSetWeek& record) { return week < record.week; });
  return after_w == history.begin() ? &history.front() : &*(after_w - 1);
}

int WeeksOnRung(const AdSetHistory& history, Week w) {
  const auto at_w = Locate(history, w);
  if (at_w == history.end()) return 0;
  int weeks = 0;
  Week expected = w;
  // Walks back over consecutive records; history holds each week at most
  // once, so a record whose week is not the expected one marks a gap.
  for (auto it = std::make_reverse_iterator(at_w + 1); it != history.rend(); ++it) {
    if (it->week != expected || it->optimization_event != at_w->optimization_event) break;
    ++weeks;
    // Meta restarts learning after a significant edit, so the run starts here.
    if (it->significant_edit) break;
    expected = expected.Previous();
  }
  return weeks;
}

std::string LadderAt(const AdSetHistory& history, Week w) {
  const auto after_w =
      std::upper_bound(history.begin(), history.end(), w,
                       [](Week week, const AdSetWeek& record) { return week < record.week; });
  for (auto it = std::make_reverse_iterator(after_w); it != history.rend(); ++it) {
    if (!it->ladder.empty()) return it->ladder;
  }
  return kDefaultLadderName;
}

absl::StatusOr<AdSetSummary> Summarize(const AdSetHistory& history) {
  if (history.empty()) {
    return absl::FailedPreconditionError("an ad set with no weeks cannot be summarized");
  }
  const AdSetWeek& last = history.back();
  AdSetSummary summary;
  summary.account_id = last.account_id;
  summary.campaign_id = last.campaign_id;
  summary.ad_set_id = last.ad_set_id;
  summary.ladder = LadderAt(history, last.week);
  summary.optimization_event = last.optimization_event;
  summary.weeks_on_rung = WeeksOnRung(history, last.week);
  summary.first_week = history.front().week;
  summary.last_week = last.week;
  summary.week_count = static_cast<int>(history.size());
  return summary;
}

}  // namespace rung
