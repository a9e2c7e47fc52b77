#ifndef RUNG_DECISION_H_
#define RUNG_DECISION_H_

#include <cstdint>
#include <optional>
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

// Applies the ladder policy's rules, in order, to one ad set at week
// input.as_of. Never targets more than one rung above the current one.
Decision Decide(const DecisionInput& input);

}  // namespace rung

#endif  // RUNG_DECISION_H_
