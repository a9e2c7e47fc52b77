// Properties of Decide over thousands of random histories, policies and climb
// tests, each generated from a fixed seed (printed on failure) so that every
// run sees the same inputs. An independent reading of the ladder policy
// (spec/ladder-policy.md), written here from the spec, predicts each decision;
// cases that sit within rounding of a fractional boundary are left to the
// table-driven tests.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "rung/climb_test.h"
#include "rung/decision.h"
#include "rung/history.h"
#include "rung/ladder.h"
#include "rung/policy.h"
#include "support/decision_builder.h"

namespace rung {
namespace {

using ::rung::test_support::BuiltInLadders;
using ::rung::test_support::Describe;
using ::rung::test_support::FindReason;
using ::rung::test_support::FlagList;
using ::rung::test_support::FlagRule;
using ::rung::test_support::kWeek0;

constexpr int kHistoriesPerSeed = 1500;
constexpr uint32_t kSeeds[] = {1, 7, 42, 2026, 90210};

const std::vector<Flag> kAllFlags = {Flag::kShortHistory,     Flag::kDataGap,
                                     Flag::kNearExit,         Flag::kUnstableDelivery,
                                     Flag::kCheckoutFriction, Flag::kNoisySignal,
                                     Flag::kFunnelInversion,  Flag::kLearningLimitedReported,
                                     Flag::kMissingSpend,     Flag::kThresholdOverridden};

class Random {
 public:
  explicit Random(uint32_t seed) : rng_(seed) {}
  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  double Real(double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng_); }
  bool Chance(double p) { return Real(0, 1) < p; }
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[static_cast<size_t>(Int(0, static_cast<int>(items.size()) - 1))];
  }

 private:
  std::mt19937 rng_;
};

// A policy within ranges any reading of the spec accepts.
Policy RandomPolicy(Random& r) {
  Policy p;
  if (r.Chance(0.3)) return p;  // the defaults, often
  p.learning_threshold = r.Int(10, 120);
  p.cutover_threshold = r.Int(1, p.learning_threshold - 1);
  p.near_exit_fraction = r.Real(0.1, 0.9);
  p.well_optimized_multiple = r.Real(1.5, 6);
  p.consistency_weeks = r.Int(1, 5);
  p.stabilization_min_weeks = r.Int(1, 3);
  p.stabilization_max_weeks = r.Int(std::max(2, p.stabilization_min_weeks), 5);
  p.stability_max_cv = r.Real(0.05, 0.6);
  p.climb_test_weeks = r.Int(1, 4);
  p.comparable_tolerance = r.Real(0, 0.5);
  p.retest_growth = r.Real(0, 0.5);
  p.friction_min_count = r.Int(1, 50);
  p.friction_ratio = r.Real(1, 20);
  return p;
}

const std::vector<std::string> kLadderNames = {"ecommerce", "lead_generation", "subscription"};
const std::vector<std::string> kOffLadderEvents = {"Lead", "scroll_75", "Purchase", "Contact",
                                                   "form_start"};

int64_t RandomCount(Random& r, const Policy& policy, int64_t level) {
  if (r.Chance(0.12)) {
    // Boundary values of the policy in force.
    const int t = policy.learning_threshold;
    const int c = policy.cutover_threshold;
    const std::vector<int64_t> specials = {0, c - 1, c, c + 1, t - 1, t, t + 1};
    return std::max<int64_t>(0, r.Pick(specials));
  }
  const double noise = r.Real(0.6, 1.4);
  return std::max<int64_t>(0, static_cast<int64_t>(std::llround(level * noise)));
}

struct Generated {
  AdSetHistory history;
  Week as_of;
  Policy policy;
  std::vector<ClimbTest> past_tests;
};

AdSetHistory RandomHistory(Random& r, const Policy& policy, const std::string& ad_set_id, int first,
                           int weeks, const std::string& ladder_name,
                           const std::string& start_event) {
  const Ladder* ladder = BuiltInLadders().Find(ladder_name);
  std::string event = start_event;
  // Per-rung weekly levels: a funnel narrowing toward the top.
  std::map<std::string, int64_t> level;
  double v = r.Real(0, 150);
  for (auto it = ladder->events.rbegin(); it != ladder->events.rend(); ++it) {
    level[*it] = static_cast<int64_t>(v);
    v *= r.Real(0.8, 5);
  }
  AdSetHistory history;
  for (int i = 0; i < weeks; ++i) {
    if (i > 0 && r.Chance(0.12)) continue;  // a gap
    AdSetWeek record;
    record.account_id = "act_1";
    record.campaign_id = "cmp_1";
    record.ad_set_id = ad_set_id;
    record.week = kWeek0.Plus(first + i);
    if (r.Chance(0.2)) {
      event = r.Chance(0.92) ? r.Pick(ladder->events) : r.Pick(kOffLadderEvents);
    }
    record.optimization_event = event;
    for (const std::string& rung : ladder->events) {
      if (r.Chance(0.08)) continue;  // not reported this week
      record.event_counts[rung] = RandomCount(r, policy, level[rung]);
    }
    if (r.Chance(0.1)) record.event_counts["scroll_75"] = r.Int(0, 5000);
    if (r.Chance(0.1)) record.event_counts[event] = RandomCount(r, policy, 60);
    if (r.Chance(0.85)) record.spend_micros = int64_t{r.Int(0, 5000)} * 1000000 + r.Int(0, 999999);
    record.significant_edit = r.Chance(0.1);
    if (r.Chance(0.12)) record.learning_threshold_override = r.Int(1, 150);
    record.reported_learning = static_cast<ReportedLearning>(r.Int(0, 3));
    if (i == 0 && ladder_name != "ecommerce") record.ladder = ladder_name;
    if (i > 0 && r.Chance(0.03)) {
      record.ladder = r.Chance(0.7) ? r.Pick(kLadderNames) : std::string("no_such_ladder");
    }
    history.push_back(std::move(record));
  }
  return history;
}

Generated RandomCase(Random& r) {
  Generated g;
  g.policy = RandomPolicy(r);
  const std::string& ladder_name = r.Pick(kLadderNames);
  const Ladder* ladder = BuiltInLadders().Find(ladder_name);
  const int weeks = r.Int(1, 9);
  g.history = RandomHistory(r, g.policy, "as_1", 0, weeks, ladder_name, r.Pick(ladder->events));
  // Mostly the last week; sometimes any week, a gap, or one past the end.
  g.as_of = r.Chance(0.6) ? g.history.back().week : kWeek0.Plus(r.Int(-1, weeks));
  if (r.Chance(0.3)) {
    for (int i = r.Int(1, 3); i > 0; --i) {
      ClimbTest test;
      test.climb_test_id = absl::StrCat("ct_", i);
      test.account_id = "act_1";
      test.original_ad_set_id = r.Chance(0.85) ? "as_1" : "as_9";
      test.duplicate_ad_set_id = test.original_ad_set_id == "as_1" ? "as_8" : "as_1";
      test.to_event = r.Pick(ladder->events);
      test.from_event = ladder->events.front();
      test.start_week = kWeek0.Plus(r.Int(-2, weeks));
      test.state = static_cast<ClimbTestState>(r.Int(1, 3));
      test.concluded_week = test.start_week.Plus(r.Int(0, 3));
      if (test.state == ClimbTestState::kKeptCurrent || r.Chance(0.2)) {
        test.retest_baseline = r.Int(0, 200);
      }
      g.past_tests.push_back(test);
    }
  }
  return g;
}

Decision RunDecide(const Generated& g, const ClimbTestContext* context = nullptr) {
  DecisionInput input;
  input.history = &g.history;
  input.as_of = g.as_of;
  input.policy = &g.policy;
  input.ladders = &BuiltInLadders();
  input.climb_test = context;
  input.past_tests = &g.past_tests;
  return Decide(input);
}

std::string DescribeInput(const Generated& g) {
  std::string text = absl::StrCat(
      "as_of=", g.as_of.ToString(), " T=", g.policy.learning_threshold,
      " cutover=", g.policy.cutover_threshold, " consistency=", g.policy.consistency_weeks,
      " min/max=", g.policy.stabilization_min_weeks, "/", g.policy.stabilization_max_weeks,
      " cv=", g.policy.stability_max_cv, " growth=", g.policy.retest_growth, "\n");
  for (const AdSetWeek& record : g.history) {
    absl::StrAppend(&text, "  ", record.week.ToString(), " ", record.optimization_event,
                    record.significant_edit ? " edit" : "",
                    record.ladder.empty() ? "" : " ladder=" + record.ladder);
    if (record.learning_threshold_override) {
      absl::StrAppend(&text, " override=", *record.learning_threshold_override);
    }
    for (const auto& [event, count] : record.event_counts)
      absl::StrAppend(&text, " ", event, "=", count);
    absl::StrAppend(&text, "\n");
  }
  for (const ClimbTest& test : g.past_tests) {
    absl::StrAppend(&text, "  test ", test.original_ad_set_id, "->", test.to_event, " ",
                    std::string(ClimbTestStateName(test.state)), " concluded ",
                    test.concluded_week ? test.concluded_week->ToString() : "-", " baseline ",
                    test.retest_baseline.value_or(-1), "\n");
  }
  return text;
}

// ---------------------------------------------------------------------------
// The spec, read independently.

struct Expectation {
  Action action = Action::kInsufficientData;
  std::vector<std::string> rules;  // acceptable reasons[0] rule ids
  std::string target;
  std::set<Flag> flags;
  // Flags whose presence is not predicted (a rounding-close boundary).
  std::set<Flag> unsure_flags;
  std::map<std::string, int64_t> sustained;
  int threshold = 0;
  int weeks_on_rung = 0;
  std::optional<Week> next_review;
  std::optional<LearningStatus> status;
  bool status_sure = true;
  bool action_sure = true;    // false: a rounding-close boundary decided it
  bool flags_checked = true;  // false for REVIEW_SETUP / INSUFFICIENT_DATA
};

// -1, 0 or 1 as a is below, at or above b, or 2 when they are within rounding.
int Compare(double a, double b) {
  const double scale = std::max({1.0, std::fabs(a), std::fabs(b)});
  if (std::fabs(a - b) <= 1e-9 * scale) return 2;
  return a < b ? -1 : 1;
}

Expectation Predict(const Generated& g) {
  Expectation e;
  const Policy& p = g.policy;
  const Week w = g.as_of;
  const AdSetWeek* record = FindWeek(g.history, w);
  if (record == nullptr) {
    e.action = Action::kInsufficientData;
    e.rules = {"no_record"};
    e.flags_checked = false;
    e.next_review = w.Next();
    return e;
  }
  const std::string& c = record->optimization_event;
  e.threshold = record->learning_threshold_override.value_or(p.learning_threshold);
  const int t = e.threshold;
  const Ladder* ladder = BuiltInLadders().Find(LadderAt(g.history, w));
  e.weeks_on_rung = WeeksOnRung(g.history, w);

  // The window and sustained volumes.
  const Week first = g.history.front().week;
  Week start = w.Plus(-(p.consistency_weeks - 1));
  if (start < first) {
    start = first;
    e.flags.insert(Flag::kShortHistory);
  }
  std::vector<const AdSetWeek*> window;
  for (Week x = start; x <= w; x = x.Next()) {
    const AdSetWeek* r = FindWeek(g.history, x);
    if (r == nullptr) {
      e.flags.insert(Flag::kDataGap);
    } else {
      window.push_back(r);
    }
  }
  auto sustained = [&](const std::string& event) {
    int64_t least = -1;
    for (const AdSetWeek* r : window) {
      const int64_t n = r->CountOf(event);
      if (least < 0 || n < least) least = n;
    }
    return least;
  };
  if (ladder != nullptr) {
    for (const std::string& rung : ladder->events) e.sustained[rung] = sustained(rung);
  }
  e.sustained[c] = sustained(c);
  if (record->learning_threshold_override.has_value()) e.flags.insert(Flag::kThresholdOverridden);
  if (record->reported_learning == ReportedLearning::kFail) {
    e.flags.insert(Flag::kLearningLimitedReported);
  }

  // Learning status of c, from its count in W.
  const double x = static_cast<double>(record->CountOf(c));
  const int vs_half = Compare(x, p.near_exit_fraction * t);
  const int vs_top = Compare(x, p.well_optimized_multiple * t);
  e.status_sure = vs_half != 2 && vs_top != 2;
  if (vs_half == -1) {
    e.status = LearningStatus::kStuck;
  } else if (x < t) {
    e.status = LearningStatus::kNearExit;
  } else if (vs_top == -1) {
    e.status = LearningStatus::kExited;
  } else {
    e.status = LearningStatus::kWellOptimized;
  }

  const std::optional<int> rung = ladder != nullptr ? ladder->RungOf(c) : std::nullopt;
  if (!rung.has_value()) {
    e.action = Action::kReviewSetup;
    e.rules = {"not_a_rung"};
    e.flags_checked = false;
    e.next_review = w.Next();
    return e;
  }

  // Flags that depend on the ladder.
  const int64_t s_c = e.sustained[c];
  if (s_c >= p.cutover_threshold && s_c < t) e.flags.insert(Flag::kNearExit);
  if (ladder->RungOf("AddToCart") && ladder->RungOf("Purchase")) {
    const int64_t atc = record->CountOf("AddToCart");
    const int64_t purchases = std::max<int64_t>(record->CountOf("Purchase"), 1);
    if (atc >= p.friction_min_count) {
      const int cmp = Compare(static_cast<double>(atc), p.friction_ratio * purchases);
      if (cmp == 2) e.unsure_flags.insert(Flag::kCheckoutFriction);
      if (cmp == 1) e.flags.insert(Flag::kCheckoutFriction);
    }
  }
  {
    std::optional<int64_t> below;
    for (const std::string& event : ladder->events) {
      const auto it = record->event_counts.find(event);
      if (it == record->event_counts.end()) continue;
      if (below.has_value() && it->second > *below) e.flags.insert(Flag::kFunnelInversion);
      below = it->second;
    }
  }
  if (c == ladder->bottom()) e.flags.insert(Flag::kNoisySignal);

  // Stability over the last min(weeks on rung, max) weeks.
  bool stable = false;
  bool stable_sure = true;
  const int k = std::min(e.weeks_on_rung, p.stabilization_max_weeks);
  if (k >= 2) {
    long double sum = 0, squares = 0;
    for (int i = 0; i < k; ++i) {
      const long double n = static_cast<long double>(FindWeek(g.history, w.Plus(-i))->CountOf(c));
      sum += n;
      squares += n * n;
    }
    if (sum == 0) {
      stable_sure = false;  // CV of an all-zero run is undefined
    } else {
      // CV <= m  <=>  k * squares - sum^2 <= m^2 * sum^2
      const long double lhs = k * squares - sum * sum;
      const long double rhs =
          static_cast<long double>(p.stability_max_cv) * p.stability_max_cv * sum * sum;
      const int cmp = Compare(static_cast<double>(lhs), static_cast<double>(rhs));
      stable_sure = cmp != 2;
      stable = cmp != 1;
    }
  }

  e.next_review = w.Next();
  if (s_c < t) {
    if (s_c >= p.cutover_threshold) {
      e.action = Action::kHold;
      e.rules = {"near_exit_hold"};
    } else {
      e.action = Action::kConsolidate;
      e.rules = {"consolidate"};
      for (int i = *rung - 1; i >= 0; --i) {
        if (e.sustained[ladder->events[i]] >= t) {
          e.action = Action::kMoveDown;
          e.rules = {"move_down"};
          e.target = ladder->events[i];
          if (i == 0) e.flags.insert(Flag::kNoisySignal);
          break;
        }
      }
    }
    return e;
  }
  if (e.weeks_on_rung < p.stabilization_min_weeks) {
    e.action = Action::kStabilize;
    e.rules = {"stabilize_min_weeks"};
    e.next_review = w.Plus(p.stabilization_min_weeks - e.weeks_on_rung);
    return e;
  }
  if (!stable_sure) {
    e.action_sure = false;
    e.unsure_flags.insert(Flag::kUnstableDelivery);
    return e;
  }
  if (!stable) {
    if (e.weeks_on_rung < p.stabilization_max_weeks) {
      e.action = Action::kStabilize;
      e.rules = {"stabilize_unstable"};
    } else {
      e.action = Action::kHold;
      e.rules = {"hold_unstable"};
      e.flags.insert(Flag::kUnstableDelivery);
    }
    return e;
  }
  if (*rung + 1 == static_cast<int>(ladder->events.size())) {
    e.action = Action::kAtTop;
    e.rules = {"at_top"};
    return e;
  }
  const std::string& n = ladder->events[*rung + 1];
  const int64_t s_n = e.sustained[n];
  const std::optional<int64_t> baseline = RetestBaseline(g.past_tests, "as_1", n, w);
  int vs_baseline = 1;
  if (baseline.has_value()) {
    vs_baseline = Compare(static_cast<double>(s_n), *baseline * (1 + p.retest_growth));
    // An exact product (say 50 x 1.2 = 60) is at the boundary, not rounding noise.
    if (vs_baseline == 2 && static_cast<double>(s_n) == *baseline * (1 + p.retest_growth)) {
      vs_baseline = 0;
    }
  }
  const bool cutover_ok = s_n >= p.cutover_threshold;
  if (cutover_ok && vs_baseline == 2) {
    e.action_sure = false;
    return e;
  }
  if (cutover_ok && vs_baseline >= 0) {
    e.action = Action::kDuplicateAndClimb;
    e.rules = {"climb"};
    e.target = n;
  } else {
    e.action = Action::kHold;
    if (!cutover_ok && vs_baseline < 0) {
      e.rules = {"hold_next_rung_below_cutover", "hold_retest_baseline"};
    } else if (!cutover_ok) {
      e.rules = {"hold_next_rung_below_cutover"};
    } else {
      e.rules = {"hold_retest_baseline"};
    }
  }
  return e;
}

bool TargetsAnEvent(Action action) {
  return action == Action::kMoveDown || action == Action::kDuplicateAndClimb ||
         action == Action::kPromoteDuplicate;
}

// ---------------------------------------------------------------------------

class DecisionPropertyTest : public testing::TestWithParam<uint32_t> {};

TEST_P(DecisionPropertyTest, RandomHistoriesFollowThePolicy) {
  const uint32_t seed = GetParam();
  Random r(seed);
  std::map<Action, int> seen;
  for (int i = 0; i < kHistoriesPerSeed; ++i) {
    const Generated g = RandomCase(r);
    ASSERT_TRUE(ValidatePolicy(g.policy, "policy").ok())
        << "seed " << seed << " case " << i << ": " << ValidatePolicy(g.policy, "policy");
    const Decision decision = RunDecide(g);
    const Recommendation& rec = decision.recommendation;
    const Expectation e = Predict(g);
    ++seen[rec.action];
    const std::string where =
        absl::StrCat("seed ", seed, " case ", i, "\n", DescribeInput(g), "got: ", Describe(rec));

    // Determinism: the same input gives the same advice.
    const Decision again = RunDecide(g);
    EXPECT_TRUE(SameAdvice(rec, again.recommendation)) << where;
    EXPECT_EQ(decision.test_update.has_value(), again.test_update.has_value()) << where;
    EXPECT_FALSE(decision.test_update.has_value()) << where;

    // Weeks after W are ignored.
    Generated extended = g;
    AdSetWeek later = g.history.back();
    later.week = std::max(g.history.back().week, g.as_of).Next();
    later.event_counts = {{"Purchase", 1}, {"AddToCart", 100000}};
    later.optimization_event = "PageView";
    extended.history.push_back(later);
    EXPECT_TRUE(SameAdvice(rec, RunDecide(extended).recommendation)) << "appending a later week\n"
                                                                     << where;

    ASSERT_FALSE(rec.reasons.empty()) << where;
    EXPECT_EQ(rec.as_of_week, g.as_of) << where;

    // Targets.
    EXPECT_EQ(!rec.target_event.empty(), TargetsAnEvent(rec.action)) << where;
    const Ladder* ladder = BuiltInLadders().Find(LadderAt(g.history, g.as_of));
    if (!rec.target_event.empty()) {
      ASSERT_NE(ladder, nullptr) << where;
      const std::optional<int> target = ladder->RungOf(rec.target_event);
      const std::optional<int> current = ladder->RungOf(rec.current_event);
      ASSERT_TRUE(target.has_value()) << "the target is a rung\n" << where;
      ASSERT_TRUE(current.has_value()) << where;
      if (rec.action == Action::kDuplicateAndClimb) {
        EXPECT_EQ(*target, *current + 1) << "a climb is exactly one rung\n" << where;
      }
      if (rec.action == Action::kMoveDown) {
        EXPECT_LT(*target, *current) << where;
        EXPECT_GE(rec.sustained_counts.at(rec.target_event), rec.learning_threshold) << where;
        EXPECT_LT(rec.sustained_counts.at(rec.current_event), g.policy.cutover_threshold) << where;
        // The highest such rung.
        for (int j = *target + 1; j < *current; ++j) {
          EXPECT_LT(rec.sustained_counts.at(ladder->events[j]), rec.learning_threshold)
              << ladder->events[j] << " is higher and reaches T\n"
              << where;
        }
      }
    }

    // NEAR_EXIT iff c is a rung with sustained volume in [cutover, T).
    const bool c_is_rung = ladder != nullptr && ladder->RungOf(rec.current_event).has_value();
    if (c_is_rung) {
      const int64_t s_c = rec.sustained_counts.at(rec.current_event);
      EXPECT_EQ(rec.HasFlag(Flag::kNearExit),
                s_c >= g.policy.cutover_threshold && s_c < rec.learning_threshold)
          << where;
    } else {
      EXPECT_FALSE(rec.HasFlag(Flag::kNearExit)) << where;
    }
    EXPECT_FALSE(rec.HasFlag(Flag::kMissingSpend)) << where;

    // Every flag has its reason.
    for (Flag flag : kAllFlags) {
      EXPECT_EQ(FindReason(rec, FlagRule(flag)) != nullptr, rec.HasFlag(flag))
          << FlagName(flag) << "\n"
          << where;
    }

    // The independent reading.
    EXPECT_EQ(rec.weeks_on_rung, e.weeks_on_rung) << where;
    EXPECT_EQ(rec.learning_threshold, e.threshold) << where;
    if (e.action != Action::kInsufficientData) {
      EXPECT_EQ(rec.current_event, FindWeek(g.history, g.as_of)->optimization_event) << where;
      EXPECT_EQ(rec.latest_counts, FindWeek(g.history, g.as_of)->event_counts) << where;
      for (const auto& [event, count] : e.sustained) {
        const auto it = rec.sustained_counts.find(event);
        if (it == rec.sustained_counts.end()) {
          ADD_FAILURE() << "no sustained count for " << event << "\n" << where;
          continue;
        }
        EXPECT_EQ(it->second, count) << event << "\n" << where;
      }
      if (e.status_sure) {
        EXPECT_EQ(rec.learning_status, e.status) << where;
      }
    } else {
      EXPECT_FALSE(rec.learning_status.has_value()) << where;
    }
    if (e.action_sure) {
      EXPECT_EQ(rec.action, e.action) << "expected " << ActionName(e.action) << "\n" << where;
      EXPECT_NE(std::find(e.rules.begin(), e.rules.end(), rec.reasons[0].rule), e.rules.end())
          << "expected rule " << e.rules.front() << "\n"
          << where;
      EXPECT_EQ(rec.target_event, e.target) << where;
      EXPECT_EQ(rec.next_review_week, e.next_review) << where;
    }
    if (e.flags_checked) {
      std::set<Flag> got = rec.flags;
      std::set<Flag> want = e.flags;
      for (Flag flag : e.unsure_flags) {
        got.erase(flag);
        want.erase(flag);
      }
      EXPECT_EQ(FlagList(got), FlagList(want)) << where;
    }

    if (HasFailure()) break;  // the first failing case of a seed, with its seed and index
  }
  // The generator reaches every non-test action.
  for (Action action :
       {Action::kInsufficientData, Action::kReviewSetup, Action::kStabilize, Action::kHold,
        Action::kMoveDown, Action::kDuplicateAndClimb, Action::kAtTop, Action::kConsolidate}) {
    EXPECT_GT(seen[action], 0) << "seed " << seed << " never produced " << ActionName(action);
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, DecisionPropertyTest, testing::ValuesIn(kSeeds));

// ---------------------------------------------------------------------------
// Climb tests: both sides reach one verdict, and it follows the costs.

struct ClimbCase {
  Policy policy;
  ClimbTestContext context;
  Week as_of;
};

ClimbCase RandomClimb(Random& r) {
  ClimbCase c;
  c.policy = RandomPolicy(r);
  const int start = r.Int(2, 5);
  const int last = start + r.Int(0, 4);
  // The original optimizes a rung below the top, the duplicate the next one.
  const std::string ladder_name = r.Pick(kLadderNames);
  const Ladder* ladder = BuiltInLadders().Find(ladder_name);
  const int from = r.Int(0, static_cast<int>(ladder->events.size()) - 2);
  c.context.test.climb_test_id = "ct_r";
  c.context.test.account_id = "act_1";
  c.context.test.original_ad_set_id = "as_1";
  c.context.test.duplicate_ad_set_id = "as_2";
  c.context.test.from_event = ladder->events[from];
  c.context.test.to_event = ladder->events[from + 1];
  c.context.test.start_week = kWeek0.Plus(start);
  c.context.original =
      RandomHistory(r, c.policy, "as_1", 0, last + 1, ladder_name, c.context.test.from_event);
  c.context.duplicate = RandomHistory(r, c.policy, "as_2", start, last - start + 1, ladder_name,
                                      c.context.test.to_event);
  // Keep both on their rungs (and ladder) in the test weeks, so that rules 1
  // and 2 leave the verdict to rule 3.
  for (AdSetHistory* side : {&c.context.original, &c.context.duplicate}) {
    const std::string& event =
        side == &c.context.original ? c.context.test.from_event : c.context.test.to_event;
    for (AdSetWeek& record : *side) {
      record.optimization_event = event;
      if (record.week != side->front().week) record.ladder.clear();
    }
    if (side->back().week != kWeek0.Plus(last)) {
      AdSetWeek record = side->back();
      record.week = kWeek0.Plus(last);
      record.ladder.clear();
      side->push_back(record);
    }
  }
  c.as_of = kWeek0.Plus(last);
  return c;
}

TEST_P(DecisionPropertyTest, ClimbTestsGiveOneVerdictFromTheCosts) {
  const uint32_t seed = GetParam();
  Random r(seed ^ 0x5eed);
  std::map<Action, int> seen;
  for (int i = 0; i < kHistoriesPerSeed / 3; ++i) {
    const ClimbCase c = RandomClimb(r);
    const ClimbTest& test = c.context.test;
    const Ladder* ladder = BuiltInLadders().Find(LadderAt(c.context.original, c.as_of));
    ASSERT_NE(ladder, nullptr);
    Decision sides[2];
    const AdSetHistory* histories[2] = {&c.context.original, &c.context.duplicate};
    const std::vector<ClimbTest> none;
    for (int s = 0; s < 2; ++s) {
      DecisionInput input;
      input.history = histories[s];
      input.as_of = c.as_of;
      input.policy = &c.policy;
      input.ladders = &BuiltInLadders();
      input.climb_test = &c.context;
      input.past_tests = &none;
      sides[s] = Decide(input);
    }
    const std::string where = absl::StrCat(
        "seed ", seed, " climb case ", i, " start ", test.start_week.ToString(), " as_of ",
        c.as_of.ToString(), " weeks ", c.policy.climb_test_weeks, " tolerance ",
        c.policy.comparable_tolerance, "\noriginal: ", Describe(sides[0].recommendation),
        "\nduplicate: ", Describe(sides[1].recommendation));

    // Predict: running, missing spend, or the costs.
    const int64_t weeks_run = c.as_of.WeeksSince(test.start_week) + 1;
    Action want;
    std::string rule;
    bool sure = true;
    std::optional<ClimbTestState> state;
    if (weeks_run < c.policy.climb_test_weeks) {
      want = Action::kContinueTest;
      rule = "climb_test_running";
      state = ClimbTestState::kRunning;
    } else {
      bool missing = false;
      long double spend[2] = {0, 0};
      long double macros[2] = {0, 0};
      for (int s = 0; s < 2; ++s) {
        for (Week x = test.start_week; x <= c.as_of; x = x.Next()) {
          const AdSetWeek* record = FindWeek(*histories[s], x);
          if (record == nullptr || !record->spend_micros.has_value()) {
            missing = true;
            continue;
          }
          spend[s] += *record->spend_micros;
          macros[s] += record->CountOf(ladder->top());
        }
      }
      if (missing) {
        want = Action::kContinueTest;
        rule = "climb_test_missing_spend";
        state = ClimbTestState::kRunning;
      } else {
        bool comparable;
        if (macros[0] == 0) {
          comparable = true;  // the original's cost is infinite
        } else if (macros[1] == 0) {
          comparable = false;
        } else {
          // dup_spend / dup_macros <= orig_spend / orig_macros * (1 + tol)
          const double lhs = static_cast<double>(spend[1] * macros[0]);
          const double rhs =
              static_cast<double>(spend[0] * macros[1] * (1 + c.policy.comparable_tolerance));
          const int cmp = Compare(lhs, rhs);
          sure = cmp != 2;
          comparable = cmp != 1;
        }
        want = comparable ? Action::kPromoteDuplicate : Action::kKeepCurrent;
        rule = comparable ? "climb_test_promote" : "climb_test_keep";
        state = comparable ? ClimbTestState::kPromoted : ClimbTestState::kKeptCurrent;
      }
    }

    for (int s = 0; s < 2; ++s) {
      const Recommendation& rec = sides[s].recommendation;
      ++seen[rec.action];
      EXPECT_EQ(rec.climb_test_id, "ct_r") << where;
      ASSERT_TRUE(sides[s].test_update.has_value()) << where;
      EXPECT_EQ(sides[s].test_update->climb_test_id, "ct_r") << where;
      EXPECT_EQ(rec.HasFlag(Flag::kMissingSpend), rule == "climb_test_missing_spend") << where;
      EXPECT_EQ(rec.target_event,
                rec.action == Action::kPromoteDuplicate ? test.to_event : std::string())
          << where;
      if (sure) {
        EXPECT_EQ(rec.action, want) << "expected " << ActionName(want) << "\n" << where;
        ASSERT_FALSE(rec.reasons.empty()) << where;
        EXPECT_EQ(rec.reasons[0].rule, rule) << where;
        EXPECT_EQ(sides[s].test_update->state, state) << where;
      }
      if (rec.action == Action::kContinueTest && rule == "climb_test_running") {
        EXPECT_EQ(rec.next_review_week,
                  std::optional<Week>(test.start_week.Plus(c.policy.climb_test_weeks - 1)))
            << where;
      }
    }
    // One verdict, whichever side is evaluated.
    EXPECT_EQ(sides[0].recommendation.action, sides[1].recommendation.action) << where;
    EXPECT_EQ(sides[0].test_update->state, sides[1].test_update->state) << where;
    EXPECT_EQ(sides[0].test_update->original_cost_per_macro,
              sides[1].test_update->original_cost_per_macro)
        << where;
    EXPECT_EQ(sides[0].test_update->duplicate_cost_per_macro,
              sides[1].test_update->duplicate_cost_per_macro)
        << where;
    EXPECT_EQ(sides[0].test_update->retest_baseline, sides[1].test_update->retest_baseline)
        << where;
    if (sides[0].recommendation.action == Action::kKeepCurrent) {
      // The original's sustained volume of to_event in its own window.
      EXPECT_EQ(sides[0].test_update->retest_baseline,
                std::optional<int64_t>(sides[0].recommendation.sustained_counts.at(test.to_event)))
          << where;
    }
    // Determinism.
    DecisionInput input;
    input.history = histories[1];
    input.as_of = c.as_of;
    input.policy = &c.policy;
    input.ladders = &BuiltInLadders();
    input.climb_test = &c.context;
    input.past_tests = &none;
    const Decision again = Decide(input);
    EXPECT_TRUE(SameAdvice(again.recommendation, sides[1].recommendation)) << where;
    if (HasFailure()) break;
  }
  for (Action action : {Action::kContinueTest, Action::kPromoteDuplicate, Action::kKeepCurrent}) {
    EXPECT_GT(seen[action], 0) << "seed " << seed << " never produced " << ActionName(action);
  }
}

}  // namespace
}  // namespace rung
