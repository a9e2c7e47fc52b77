#ifndef RUNG_DECISION_H_
#define RUNG_DECISION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rung/ad_set_week.h"
#include "rung/climb_test.h"
#include "rung/ladder.h"
#include "rung/policy.h"
#include "rung/recommendation.h"
#include "rung/week.h"

namespace rung {

// A climb test that governs the evaluated ad set, with the weeks of both
// sides (each up to the as-of week at least), since judging compares them.
struct ClimbTestContext {
  ClimbTest test;
  AdSetHistory original;
  AdSetHistory duplicate;
};

// Everything one decision needs. The decision reads nothing else: no clock,
// no store, so equal inputs give equal recommendations.
struct DecisionInput {
  // The evaluated ad set's weeks, oldest first; weeks after as_of are ignored.
  const AdSetHistory* history = nullptr;
  Week as_of;
  const Policy* policy = nullptr;
  // Resolves the ladder an ad set names; a name it does not know is
  // REVIEW_SETUP.
  const LadderRegistry* ladders = nullptr;
  // The test that governs the ad set at as_of (see GoverningTest), if any.
  const ClimbTestContext* climb_test = nullptr;
  // Every test the ad set took part in, for retest baselines.
  const std::vector<ClimbTest>* past_tests = nullptr;
};

struct Decision {
  Recommendation recommendation;
  // Set when a climb test governed the ad set.
  std::optional<TestUpdate> test_update;
};

// The budget to leave learning over `window`, the consistency window's weeks
// oldest first (each its record, or nullptr for a week without one), for
// each of `events` in that order, at the learning threshold `threshold`:
// - the spend weeks are the records with a known spend_micros; a week without
//   a record or without spend adds neither spend nor counts, so a missing
//   spend never reads as 0 and never lowers a cost;
// - weekly_spend_micros is Σ spend ÷ spend weeks;
// - per event, event_count is Σ count over the spend weeks (saturating at the
//   int64 maximum), the cost per
//   event Σ spend ÷ event_count, and the weekly budget `threshold` × that
//   cost (the micros as stored, so that a reader can multiply them back);
// - quotients are rounded half up to the micro; with no spend week, or a
//   count of 0, the cost and budget are nullopt: nothing divides by zero;
// - sums are 128-bit, and a figure that does not fit in 64 bits is nullopt.
LearningBudget LearningBudgetOver(const std::vector<const AdSetWeek*>& window,
                                  std::vector<std::string> events, int threshold);

// Applies the ladder policy's rules, in order, to one ad set at week
// input.as_of. Never targets more than one rung above the current one.
Decision Decide(const DecisionInput& input);

}  // namespace rung

#endif  // RUNG_DECISION_H_
