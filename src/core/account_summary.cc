#include "rung/account_summary.h"

#include <algorithm>
#include <cmath>
#include <limits>
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

// Below this, a sum of fractions is taken for the whole number above it.
constexpr long double kWholeSlack = 1e-9L;

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
  if (row.week == current_) {
    current_actions_.emplace(row.ad_set_id, row.action);
    capacity_.Add(row);
  }
  if (row.week == previous_) previous_actions_.emplace(row.ad_set_id, row.action);
}

void LearningCapacityFolder::Add(const AdviceRow& row) {
  const LearningBudget& budget = row.learning_budget;
  if (!budget.weekly_spend_micros.has_value()) return;
  Share& share = shares_[row.ad_set_id];
  share.weekly_spend_micros = *budget.weekly_spend_micros;
  // Spend of 0 buys nothing: events it counted cost no budget.
  const bool buys = *budget.weekly_spend_micros > 0 && row.learning_threshold > 0;
  for (const RungBudget& rung : budget.rungs) {
    share.ad_sets.emplace_back(
        rung.event,
        buys ? static_cast<long double>(rung.event_count) /
                   (static_cast<long double>(budget.spend_weeks) * row.learning_threshold)
             : 0);
  }
}

LearningCapacity LearningCapacityFolder::Capacity() const {
  int64_t weekly_spend_micros = 0;
  std::vector<std::pair<std::string, long double>> ad_sets;  // first seen first
  for (const auto& [ad_set_id, share] : shares_) {
    weekly_spend_micros += share.weekly_spend_micros;
    for (const auto& [event, part] : share.ad_sets) {
      auto seen = std::find_if(ad_sets.begin(), ad_sets.end(),
                               [&](const auto& entry) { return entry.first == event; });
      if (seen == ad_sets.end()) seen = ad_sets.insert(ad_sets.end(), {event, 0});
      seen->second += part;
    }
  }
  LearningCapacity capacity;
  capacity.weekly_spend_micros = weekly_spend_micros;
  for (const auto& [event, sum] : ad_sets) {
    if (sum <= 0) continue;
    RungCapacity& rung = capacity.rungs.emplace_back();
    rung.event = event;
    rung.ad_sets_at_threshold = static_cast<int64_t>(std::floor(sum + kWholeSlack));
    const long double budget = std::round(static_cast<long double>(weekly_spend_micros) / sum);
    if (budget <= static_cast<long double>(std::numeric_limits<int64_t>::max())) {
      rung.blended_weekly_budget_micros = static_cast<int64_t>(budget);
    }
  }
  return capacity;
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
