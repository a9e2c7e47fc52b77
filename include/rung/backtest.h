#ifndef RUNG_BACKTEST_H_
#define RUNG_BACKTEST_H_

// A backtest replays the policy over stored history: for each week W, the
// advice the rules would have given with only the data up to W, whether the
// ad set then followed it, and how it fared afterwards. Nothing is stored.

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "rung/ad_set_week.h"
#include "rung/climb_test.h"
#include "rung/ladder.h"
#include "rung/policy.h"
#include "rung/policy_version.h"
#include "rung/recommendation.h"
#include "rung/week.h"

namespace rung {

// Weeks after the advice over which its outcome is judged, and before it
// (the advice's own week included) for the cost it is compared with.
inline constexpr int kOutcomeWeeks = 3;

// Whether an ad set did what it was advised. kUnknown when the weeks that
// would tell are not stored yet, or the action has no observable trace in
// weekly volumes (CONSOLIDATE, REVIEW_SETUP, INSUFFICIENT_DATA).
enum class Following { kUnknown, kFollowed, kNotFollowed };

// Spend and macro conversions summed over some weeks: only weeks whose spend
// is known, so that both sides cover the same weeks.
struct CostSums {
  int64_t spend_micros = 0;
  int64_t macro_conversions = 0;
  // Weeks that had a known spend.
  int weeks = 0;

  // Σspend ÷ Σmacro in micros; nullopt without a week or a conversion.
  std::optional<double> CostPerMacroMicros() const;
  CostSums& operator+=(const CostSums& other);
};

// How an ad set fared in the kOutcomeWeeks after the advice.
struct BacktestOutcome {
  // Whether a week after reached the learning threshold on the event it
  // optimized for; nullopt when none of those weeks is stored.
  std::optional<bool> reached_threshold;
  // The kOutcomeWeeks up to the advice's week, and those after it (on the
  // ad set and on the copy that followed the advice, if one did).
  CostSums before;
  CostSums after;
};

// The advice of one week, replayed.
struct BacktestWeek {
  Recommendation recommendation;
  Following following = Following::kUnknown;
  // The copy that followed a climb, when it was a copy and not the ad set.
  std::string followed_on_ad_set_id;
  BacktestOutcome outcome;
};

// One ad set's replay, week by week, oldest first.
struct AdSetBacktest {
  std::string account_id;
  std::string ad_set_id;
  std::vector<BacktestWeek> weeks;
};

// What one side (followed or not) of an action's advice came to.
struct OutcomeTotals {
  int64_t advice = 0;
  // Of `advice`: with a week stored after it, and of those, reaching T.
  int64_t outcome_known = 0;
  int64_t reached_threshold = 0;
  // Over the advice whose weeks before and after both had a known spend.
  CostSums before;
  CostSums after;

  void Add(const BacktestOutcome& outcome);
};

struct ActionTotals {
  int64_t given = 0;
  int64_t followed = 0;
  int64_t not_followed = 0;
  int64_t unknown = 0;
  OutcomeTotals when_followed;
  OutcomeTotals when_not_followed;
};

// Totals over every replayed week, by action; memory stays the same whatever
// the number of ad sets.
struct BacktestTotals {
  int64_t ad_sets = 0;
  int64_t advice = 0;
  std::array<ActionTotals, kActionCount> by_action;

  void Add(const AdSetBacktest& ad_set);
};

// What RunBacktest replays: every ad set of `account_id` (of every account
// when empty), or the named ones.
struct BacktestRequest {
  std::string account_id;
  std::vector<std::string> ad_set_ids;
  // Mondays; from_week <= to_week, at most kMaxBacktestWeeks apart.
  std::string from_week;
  std::string to_week;
  // A proposed policy for account_id (the deployment's when empty) in place
  // of its stored one.
  std::optional<StoredPolicy> policy;
  // Asked between ad sets, as EvaluationRequest::check_cancelled.
  std::function<absl::Status()> check_cancelled;
};

// Weeks one backtest may replay: two years.
inline constexpr int kMaxBacktestWeeks = 104;

struct BacktestResult {
  Week from_week;
  Week to_week;
  // The policy of the request's account (the deployment's when none).
  std::string policy_version;
  BacktestTotals totals;
  // Week by week, only for named ad sets: an account's would grow with it.
  std::vector<AdSetBacktest> ad_sets;
};

// One ad set to replay. Every pointer must be set and outlive the call.
struct ReplayInput {
  // The ad set's whole stored history, oldest first (not empty).
  const AdSetHistory* history = nullptr;
  // Every climb test the ad set took part in, as stored now.
  const std::vector<ClimbTest>* tests = nullptr;
  // The histories of the other ad sets of those tests, by id; one missing
  // is taken as having no week.
  const std::map<std::string, AdSetHistory>* partners = nullptr;
  const Policy* policy = nullptr;
  const LadderRegistry* ladders = nullptr;
  Week from;
  Week to;
};

// Replays the policy over one ad set, for each week from `from` to `to` at
// which it has a record or an earlier one. The advice at W depends only on
// the records of weeks <= W and on the climb tests as they stood at W (a test
// concluded later is seen running, one started later not at all): appending
// weeks never changes it. Following and outcome look at the weeks after W by
// design.
AdSetBacktest ReplayAdSet(const ReplayInput& input);

// `tests` as they stood at week `w`: those started by w, and of those, the
// ones concluded or cancelled after w still running.
std::vector<ClimbTest> TestsAsOf(const std::vector<ClimbTest>& tests, Week w);

}  // namespace rung

#endif  // RUNG_BACKTEST_H_
