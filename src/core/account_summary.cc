#include "rung/account_summary.h"

#include <utility>

namespace rung {

bool AsksForAPerson(Action action) {
  switch (action) {
    case Action::kMoveDown:
    case Action::kDuplicateAndClimb:
    case Action::kPromoteDuplicate:
    case Action::kKeepCurrent:
    case Action::kConsolidate:
    case Action::kReviewSetup: return true;
    case Action::kInsufficientData:
    case Action::kStabilize:
    case Action::kHold:
    case Action::kContinueTest:
    case Action::kAtTop: return false;
  }
  return false;
}

double WeekFigures::SpendShareBelowThreshold() const {
  return spend_micros == 0 ? 0.0
                           : static_cast<double>(spend_below_threshold_micros) /
                                 static_cast<double>(spend_micros);
}

namespace {

bool BelowThreshold(std::optional<LearningStatus> status) {
  return status == LearningStatus::kStuck || status == LearningStatus::kNearExit;
}

}  // namespace

void AccountAdviceFolder::Add(const AdviceRow& row) {
  WeekFigures& figures = trend_[row.week];
  figures.week = row.week;
  ++figures.ad_sets;
  ++figures.actions[row.action];
  if (row.learning_status.has_value()) ++figures.learning_statuses[*row.learning_status];
  if (!row.current_event.empty()) ++figures.rungs[row.current_event];
  const int64_t spend = row.spend_micros.value_or(0);
  figures.spend_micros += spend;
  if (BelowThreshold(row.learning_status)) figures.spend_below_threshold_micros += spend;
  if (AsksForAPerson(row.action)) ++figures.needing_attention;
  if (row.week == current_) current_actions_.emplace(row.ad_set_id, row.action);
  if (row.week == previous_) previous_actions_.emplace(row.ad_set_id, row.action);
}

std::vector<WeekFigures> AccountAdviceFolder::TakeTrend() {
  std::vector<WeekFigures> trend;
  trend.reserve(trend_.size());
  for (auto& [week, figures] : trend_) trend.push_back(std::move(figures));
  trend_.clear();
  return trend;
}

std::vector<AdviceChange> AccountAdviceFolder::Changes() const {
  std::vector<AdviceChange> changes;
  for (const auto& [ad_set_id, action] : current_actions_) {
    const auto before = previous_actions_.find(ad_set_id);
    if (before != previous_actions_.end() && before->second == action) continue;
    changes.push_back(AdviceChange{
        ad_set_id,
        before == previous_actions_.end() ? std::nullopt : std::optional<Action>(before->second),
        action});
  }
  return changes;
}

void SortTestsIntoTheWeek(const std::vector<ClimbTest>& tests, std::optional<Week> previous,
                          Week current, AccountSummary& summary) {
  const auto in_the_week = [&](Week week) {
    return week <= current && (!previous.has_value() || *previous < week);
  };
  for (const ClimbTest& test : tests) {
    ++summary.climb_tests[test.state];
    if (in_the_week(test.start_week)) summary.tests_started.push_back(test);
    if (test.concluded_week.has_value() && in_the_week(*test.concluded_week)) {
      summary.tests_concluded.push_back(test);
    }
  }
}

}  // namespace rung
