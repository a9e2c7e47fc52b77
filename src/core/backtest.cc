#include "rung/backtest.h"

#include <algorithm>
#include <utility>

#include "rung/decision.h"
#include "rung/history.h"

namespace rung {
namespace {

// What following an action looks like in the weekly records.
enum class Trace {
  // The ad set, or a copy a climb test links to it, optimizes for the
  // target event within climb_test_weeks + 1 weeks.
  kReachesTarget,
  // The next stored week optimizes for the same event.
  kKeepsEvent,
  // Nothing in weekly volumes shows it.
  kNone,
};

Trace TraceOf(Action action) {
  switch (action) {
    case Action::kMoveDown:
    case Action::kDuplicateAndClimb:
    case Action::kPromoteDuplicate: return Trace::kReachesTarget;
    case Action::kStabilize:
    case Action::kHold:
    case Action::kContinueTest:
    case Action::kKeepCurrent:
    case Action::kAtTop: return Trace::kKeepsEvent;
    case Action::kInsufficientData:
    case Action::kReviewSetup:
    case Action::kConsolidate: return Trace::kNone;
  }
  return Trace::kNone;
}

const AdSetHistory kNoWeeks;

const AdSetHistory& PartnerHistory(const ReplayInput& input, const std::string& ad_set_id) {
  const auto found = input.partners->find(ad_set_id);
  return found == input.partners->end() ? kNoWeeks : found->second;
}

// Copies a climb test links to the replayed ad set: the duplicates of the
// tests it was the original of.
std::vector<std::string> CopiesOf(const ReplayInput& input) {
  const std::string& ad_set_id = input.history->front().ad_set_id;
  std::vector<std::string> copies;
  for (const ClimbTest& test : *input.tests) {
    if (test.original_ad_set_id == ad_set_id) copies.push_back(test.duplicate_ad_set_id);
  }
  return copies;
}

bool OptimizesForWithin(const AdSetHistory& history, const std::string& event, Week after,
                        Week until) {
  return std::any_of(history.begin(), history.end(), [&](const AdSetWeek& record) {
    return record.week > after && record.week <= until && record.optimization_event == event;
  });
}

struct Followed {
  Following following = Following::kUnknown;
  std::string by_copy;
};

Followed ReachesTarget(const ReplayInput& input, const Recommendation& advice) {
  const Week until = advice.as_of_week.Plus(input.policy->climb_test_weeks + 1);
  const AdSetHistory& own = *input.history;
  if (OptimizesForWithin(own, advice.target_event, advice.as_of_week, until)) {
    return {Following::kFollowed, ""};
  }
  for (const std::string& copy : CopiesOf(input)) {
    if (OptimizesForWithin(PartnerHistory(input, copy), advice.target_event, advice.as_of_week,
                           until)) {
      return {Following::kFollowed, copy};
    }
  }
  // Not yet, or not at all: only a stored week past the window tells.
  return {own.back().week >= until ? Following::kNotFollowed : Following::kUnknown, ""};
}

Followed KeepsEvent(const ReplayInput& input, const Recommendation& advice) {
  const AdSetHistory& own = *input.history;
  const auto next = std::find_if(own.begin(), own.end(), [&](const AdSetWeek& record) {
    return record.week > advice.as_of_week;
  });
  if (next == own.end() || advice.current_event.empty()) return {};
  return {next->optimization_event == advice.current_event ? Following::kFollowed
                                                           : Following::kNotFollowed,
          ""};
}

Followed FollowingOf(const ReplayInput& input, const Recommendation& advice) {
  switch (TraceOf(advice.action)) {
    case Trace::kReachesTarget: return ReachesTarget(input, advice);
    case Trace::kKeepsEvent: return KeepsEvent(input, advice);
    case Trace::kNone: break;
  }
  return {};
}

int ThresholdOf(const AdSetWeek& record, const Policy& policy) {
  return record.learning_threshold_override.value_or(policy.learning_threshold);
}

// Folds the weeks of `history` in (after, until] into `outcome`: their
// costs into `sums`, and whether one reached the threshold.
void AddWeeks(const AdSetHistory& history, Week after, Week until, const std::string& macro,
              const Policy& policy, CostSums& sums, std::optional<bool>* reached) {
  for (const AdSetWeek& record : history) {
    if (record.week <= after || record.week > until) continue;
    if (reached != nullptr) {
      const bool here = record.CountOf(record.optimization_event) >= ThresholdOf(record, policy);
      *reached = reached->value_or(false) || here;
    }
    if (!record.spend_micros.has_value()) continue;
    sums.spend_micros += *record.spend_micros;
    sums.macro_conversions += macro.empty() ? 0 : record.CountOf(macro);
    ++sums.weeks;
  }
}

BacktestOutcome OutcomeOf(const ReplayInput& input, const Recommendation& advice,
                          const std::string& copy) {
  const Ladder* ladder = input.ladders->Find(LadderAt(*input.history, advice.as_of_week));
  const std::string macro = ladder == nullptr ? "" : ladder->top();
  const Week w = advice.as_of_week;
  BacktestOutcome outcome;
  AddWeeks(*input.history, w.Plus(-kOutcomeWeeks), w, macro, *input.policy, outcome.before,
           nullptr);
  const Week until = w.Plus(kOutcomeWeeks);
  AddWeeks(*input.history, w, until, macro, *input.policy, outcome.after,
           &outcome.reached_threshold);
  if (!copy.empty()) {
    AddWeeks(PartnerHistory(input, copy), w, until, macro, *input.policy, outcome.after,
             &outcome.reached_threshold);
  }
  return outcome;
}

// Decide reads no week after its as-of week (its contract, for the test's
// sides too), so histories go in whole rather than copied up to w each week.
Recommendation AdviceAt(const ReplayInput& input, Week w) {
  const AdSetHistory& history = *input.history;
  const std::vector<ClimbTest> tests = TestsAsOf(*input.tests, w);
  const std::string& ad_set_id = history.front().ad_set_id;
  std::optional<ClimbTestContext> context;
  if (const ClimbTest* governing = GoverningTest(tests, ad_set_id, w)) {
    const bool is_original = governing->original_ad_set_id == ad_set_id;
    const AdSetHistory& partner = PartnerHistory(
        input, is_original ? governing->duplicate_ad_set_id : governing->original_ad_set_id);
    context = is_original ? ClimbTestContext{*governing, history, partner}
                          : ClimbTestContext{*governing, partner, history};
  }
  DecisionInput decision_input;
  decision_input.history = &history;
  decision_input.as_of = w;
  decision_input.policy = input.policy;
  decision_input.ladders = input.ladders;
  decision_input.climb_test = context.has_value() ? &*context : nullptr;
  decision_input.past_tests = &tests;
  return Decide(decision_input).recommendation;
}

}  // namespace

std::optional<double> CostSums::CostPerMacroMicros() const {
  if (weeks == 0 || macro_conversions == 0) return std::nullopt;
  return static_cast<double>(spend_micros) / static_cast<double>(macro_conversions);
}

CostSums& CostSums::operator+=(const CostSums& other) {
  spend_micros += other.spend_micros;
  macro_conversions += other.macro_conversions;
  weeks += other.weeks;
  return *this;
}

void OutcomeTotals::Add(const BacktestOutcome& outcome) {
  ++advice;
  if (outcome.reached_threshold.has_value()) {
    ++outcome_known;
    if (*outcome.reached_threshold) ++reached_threshold;
  }
  // Only advice with a cost on both sides, so that before and after compare
  // the same ad sets.
  if (outcome.before.weeks > 0 && outcome.after.weeks > 0) {
    before += outcome.before;
    after += outcome.after;
  }
}

void BacktestTotals::Add(const AdSetBacktest& ad_set) {
  ++ad_sets;
  for (const BacktestWeek& week : ad_set.weeks) {
    ++advice;
    ActionTotals& totals = by_action[static_cast<int>(week.recommendation.action)];
    ++totals.given;
    switch (week.following) {
      case Following::kFollowed:
        ++totals.followed;
        totals.when_followed.Add(week.outcome);
        break;
      case Following::kNotFollowed:
        ++totals.not_followed;
        totals.when_not_followed.Add(week.outcome);
        break;
      case Following::kUnknown: ++totals.unknown; break;
    }
  }
}

std::vector<ClimbTest> TestsAsOf(const std::vector<ClimbTest>& tests, Week w) {
  std::vector<ClimbTest> as_of;
  for (const ClimbTest& test : tests) {
    if (test.start_week > w) continue;
    ClimbTest seen = test;
    // A judgement made at w is made again by the replay, from the same
    // weeks; a cancellation at w was made with w's weeks in hand.
    const bool later = seen.concluded_week.has_value() &&
                       (seen.state == ClimbTestState::kCancelled ? *seen.concluded_week > w
                                                                 : *seen.concluded_week >= w);
    if (later) {
      seen.state = ClimbTestState::kRunning;
      seen.concluded_week.reset();
      seen.original_cost_per_macro.reset();
      seen.duplicate_cost_per_macro.reset();
      seen.retest_baseline.reset();
    }
    as_of.push_back(std::move(seen));
  }
  return as_of;
}

AdSetBacktest ReplayAdSet(const ReplayInput& input) {
  const AdSetHistory& history = *input.history;
  AdSetBacktest replay;
  replay.account_id = history.back().account_id;
  replay.ad_set_id = history.back().ad_set_id;
  for (Week w = std::max(input.from, history.front().week); w <= input.to; w = w.Next()) {
    BacktestWeek week;
    week.recommendation = AdviceAt(input, w);
    Followed followed = FollowingOf(input, week.recommendation);
    week.following = followed.following;
    week.followed_on_ad_set_id = std::move(followed.by_copy);
    week.outcome = OutcomeOf(input, week.recommendation, week.followed_on_ad_set_id);
    replay.weeks.push_back(std::move(week));
  }
  return replay;
}

}  // namespace rung
