#include "rung/account_summary.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>
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
  if (row.week == current_) current_actions_.emplace(row.ad_set_id, row.action);
  if (row.week == previous_) previous_actions_.emplace(row.ad_set_id, row.action);
}

void LearningCapacityFolder::Add(const StoredLearningBudget& stored) {
  const LearningBudget& budget = stored.budget;
  if (!budget.weekly_spend_micros.has_value()) return;
  weekly_spend_micros_ += *budget.weekly_spend_micros;
  // Spend of 0 buys nothing: events it counted cost no budget.
  const bool buys = *budget.weekly_spend_micros > 0 && stored.learning_threshold > 0;
  const int64_t denominator = int64_t{budget.spend_weeks} * stored.learning_threshold;
  for (size_t place = 0; place < budget.rungs.size(); ++place) {
    Rung& known = RungOf(budget.rungs[place].event, place);
    known.place = std::min(known.place, place);
    const int64_t count = budget.rungs[place].event_count;
    if (buys && count > 0) known.counts_by_denominator[denominator] += count;
  }
}

LearningCapacityFolder::Rung& LearningCapacityFolder::RungOf(const std::string& event,
                                                             size_t place) {
  const auto found = std::find_if(rungs_.begin(), rungs_.end(),
                                  [&](const Rung& known) { return known.event == event; });
  if (found != rungs_.end()) return *found;
  return rungs_.emplace_back(Rung{event, place, {}});
}

LearningCapacity LearningCapacityFolder::Capacity() const {
  std::vector<const Rung*> lowest_first;
  for (const Rung& rung : rungs_) lowest_first.push_back(&rung);
  std::sort(lowest_first.begin(), lowest_first.end(), [](const Rung* a, const Rung* b) {
    return std::tie(a->place, a->event) < std::tie(b->place, b->event);
  });
  LearningCapacity capacity;
  capacity.weekly_spend_micros = weekly_spend_micros_;
  for (const Rung* rung : lowest_first) {
    if (rung->counts_by_denominator.empty()) continue;
    long double ad_sets = 0;
    for (const auto& [denominator, counts] : rung->counts_by_denominator) {
      ad_sets += static_cast<long double>(counts) / static_cast<long double>(denominator);
    }
    RungCapacity& out = capacity.rungs.emplace_back();
    out.event = rung->event;
    out.ad_sets_at_threshold = static_cast<int64_t>(std::floor(ad_sets + kWholeSlack));
    const long double budget = std::round(static_cast<long double>(weekly_spend_micros_) / ad_sets);
    if (budget <= static_cast<long double>(std::numeric_limits<int64_t>::max())) {
      out.blended_weekly_budget_micros = static_cast<int64_t>(budget);
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
