#ifndef RUNG_ACCOUNT_VIEW_H_
#define RUNG_ACCOUNT_VIEW_H_

// What the account view reads from the store: each account's figures for
// ListAccounts, and an account's stored advice cut down to what its summary
// and weekly trend need. The figures themselves are computed in the core.

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "rung/recommendation.h"
#include "rung/week.h"

namespace rung {

// One account as its stored data sums it up.
struct StoredAccountFigures {
  std::string account_id;
  // Distinct ad sets with a stored week.
  int64_t ad_sets = 0;
  // The latest week stored for any of its ad sets; nullopt when none.
  std::optional<Week> last_week_stored;
  // The latest week the account has stored advice for; nullopt when none.
  std::optional<Week> latest_evaluated_week;
  // The count of each action at latest_evaluated_week.
  std::map<Action, int64_t> actions_at_latest;
  // The count of each learning status at latest_evaluated_week; advice for
  // a week without a record has none, so these may sum to fewer.
  std::map<LearningStatus, int64_t> learning_statuses_at_latest;
};

// Which accounts ListAccountFigures answers: every account that has a stored
// week or a recorded sync, in id order after `after_account_id`.
struct AccountFiguresQuery {
  std::string after_account_id;
  int limit = 100;
};

// One stored recommendation, with the spend of its ad set's week.
struct AdviceRow {
  std::string ad_set_id;
  Week week;
  Action action = Action::kInsufficientData;
  std::optional<LearningStatus> learning_status;
  // Empty when the week had no record.
  std::string current_event;
  // nullopt when the week's record has no spend, or there is no record.
  std::optional<int64_t> spend_micros;
};

// One stored recommendation's learning budget, with the T it is at.
struct StoredLearningBudget {
  std::string ad_set_id;
  int learning_threshold = 0;
  LearningBudget budget;
};

}  // namespace rung

#endif  // RUNG_ACCOUNT_VIEW_H_
