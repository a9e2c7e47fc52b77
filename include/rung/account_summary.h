#ifndef RUNG_ACCOUNT_SUMMARY_H_
#define RUNG_ACCOUNT_SUMMARY_H_

// The account view: what an ad-ops lead asks of an account before looking
// at any ad set. Which accounts need me this week, how much spend sits in
// ad sets that have not left learning, which tests are running or were
// judged, and what changed since the previous evaluated week. Computed here
// from the rows the store hands over, so that the rules stay out of SQL.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/numeric/int128.h"
#include "absl/time/time.h"
#include "rung/account_view.h"
#include "rung/climb_test.h"
#include "rung/recommendation.h"
#include "rung/week.h"

namespace rung {

// Whether the action asks a person to do something this week, on Meta or
// in the setup: MOVE_DOWN, DUPLICATE_AND_CLIMB, PROMOTE_DUPLICATE,
// KEEP_CURRENT, CONSOLIDATE and REVIEW_SETUP. The others wait or watch.
bool AsksForAPerson(Action action);

// One account in the list of accounts.
struct AccountOverview {
  std::string account_id;
  // What the last recorded sync read from Meta; empty when none.
  std::string name;
  int64_t ad_sets = 0;
  std::optional<Week> last_week_stored;
  std::optional<absl::Time> last_sync_time;
  std::optional<Week> latest_evaluated_week;
  // Ad sets whose advice at latest_evaluated_week asks for a person.
  int64_t needing_attention = 0;
  // Ad sets of each action, and of each learning status, at
  // latest_evaluated_week; advice for a week without a record has no
  // learning status.
  std::map<Action, int64_t> actions;
  std::map<LearningStatus, int64_t> learning_statuses;
};

// One evaluated week of one account, summed up.
struct WeekFigures {
  Week week;
  int64_t ad_sets = 0;
  std::map<Action, int64_t> actions;
  // Ad sets without a record that week have no learning status and no rung.
  std::map<LearningStatus, int64_t> learning_statuses;
  // By the event each ad set optimized that week.
  std::map<std::string, int64_t> rungs;
  int64_t spend_micros = 0;
  // Spend of the ad sets whose count that week stayed below the learning
  // threshold (STUCK or NEAR_EXIT): the budget still paying for learning.
  int64_t spend_below_threshold_micros = 0;
  int64_t needing_attention = 0;

  // spend_below_threshold_micros / spend_micros; 0 without spend.
  double SpendShareBelowThreshold() const;
};

// How many ad sets the account's current weekly spend could keep at the
// learning threshold T on one rung, at the costs per event its ad sets saw.
struct RungCapacity {
  std::string event;
  // ⌊A⌋, where A = Σ event_count ÷ (spend_weeks × T) over the account's ad
  // sets with a positive weekly spend, each with its own stored learning
  // budget and T. Each term is the ad set's weekly spend ÷ its weekly budget
  // for the rung, before rounding: the ad sets at T that its spend buys at
  // its own cost per event. (To within 1e-9, so that a sum of fractions that
  // is a whole number on paper stays one.)
  int64_t ad_sets_at_threshold = 0;
  // What one ad set at T on the rung would spend a week at the account's
  // blended cost per event: the account's weekly spend ÷ A, rounded to the
  // micro (with one T, T × Σ spend ÷ Σ events bought). nullopt beyond 64
  // bits.
  std::optional<int64_t> blended_weekly_budget_micros;
};

// What the account's spend could keep at T on each rung, at one evaluated
// week, from its ad sets' stored learning budgets. A lower bound as theirs
// are: costs per event rise with spend.
struct LearningCapacity {
  // The sum of the ad sets' current weekly spend, each the mean of its
  // consistency window's weeks with a known spend; ad sets without any add
  // nothing.
  int64_t weekly_spend_micros = 0;
  // The rungs that some ad set with spend counted, lowest first: by the
  // least place any ad set's budget gives the rung, then by name (ladder
  // order, for one ladder).
  std::vector<RungCapacity> rungs;
};

// Folds the stored learning budgets of one week, in any order, into its
// LearningCapacity: the figures do not depend on the order.
class LearningCapacityFolder {
 public:
  void Add(const StoredLearningBudget& stored);
  LearningCapacity Capacity() const;

 private:
  // One rung's A, kept exact until the end: the counts summed per
  // denominator (spend_weeks × T), of which an account has a few.
  struct Rung {
    std::string event;
    size_t place = 0;  // the least place any ad set's budget gives it
    std::map<int64_t, absl::int128> counts_by_denominator;
  };
  // The rung of `event`, added at `place` when new. A linear search: an
  // account has a handful of rungs.
  Rung& RungOf(const std::string& event, size_t place);

  int64_t weekly_spend_micros_ = 0;
  std::vector<Rung> rungs_;
};

// An ad set whose action differs from the previous evaluated week's.
struct AdviceChange {
  std::string ad_set_id;
  // nullopt: no advice that week (a new ad set).
  std::optional<Action> before;
  Action after = Action::kInsufficientData;
};

struct AccountSummary {
  std::string account_id;
  Week as_of_week;
  // The evaluated week before as_of_week; nullopt for the first.
  std::optional<Week> previous_week;
  WeekFigures figures;
  // Every climb test of the account, by its state now.
  std::map<ClimbTestState, int64_t> climb_tests;
  // Since previous_week (every ad set at the first evaluated week), by ad
  // set id.
  std::vector<AdviceChange> changes;
  // Tests whose start or conclusion falls after previous_week, up to and
  // including as_of_week.
  std::vector<ClimbTest> tests_started;
  std::vector<ClimbTest> tests_concluded;
  // The figures of every evaluated week up to as_of_week, oldest first.
  std::vector<WeekFigures> trend;
  // At as_of_week.
  LearningCapacity learning_capacity;
};

// Folds an account's advice rows, in any order, into the figures of each
// week and the changes between `previous` and `current`.
class AccountAdviceFolder {
 public:
  AccountAdviceFolder(std::optional<Week> previous, Week current)
      : previous_(previous), current_(current) {}

  void Add(const AdviceRow& row);

  // The weeks' figures, oldest first.
  std::vector<WeekFigures> TakeTrend();
  // Ad sets of the current week whose action is not the previous week's,
  // by ad set id.
  std::vector<AdviceChange> Changes() const;

 private:
  std::optional<Week> previous_;
  Week current_;
  std::map<Week, WeekFigures> trend_;
  std::map<std::string, Action> previous_actions_;
  std::map<std::string, Action> current_actions_;
};

// The tests that started, and those that concluded, in (previous, current].
void SortTestsIntoTheWeek(const std::vector<ClimbTest>& tests, std::optional<Week> previous,
                          Week current, AccountSummary& summary);

}  // namespace rung

#endif  // RUNG_ACCOUNT_SUMMARY_H_
