#ifndef RUNG_STORAGE_SQLITE_ACCOUNT_VIEW_ROWS_H_
#define RUNG_STORAGE_SQLITE_ACCOUNT_VIEW_ROWS_H_

// The account view's reads (rung/account_view.h) over ad_sets,
// ad_set_weeks, recommendations and accounts: their SQL, each a single
// statement on the connection it is given, so that it reads one moment.

#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "rung/account_view.h"
#include "rung/week.h"
#include "storage/sqlite/sqlite_db.h"

namespace rung {

// See AccountStore::ListAccountFigures; `query`'s limit is checked by
// CheckPageLimit.
absl::StatusOr<std::vector<StoredAccountFigures>> SelectAccountFiguresRows(
    Connection& connection, const AccountFiguresQuery& query);

// See AccountStore::EvaluatedWeeks.
absl::StatusOr<std::vector<Week>> SelectEvaluatedWeekRows(Connection& connection,
                                                          const std::string& account_id);

// See AccountStore::ScanAccountAdvice.
absl::Status ScanAdviceRows(Connection& connection, const std::string& account_id, Week from,
                            Week to, absl::FunctionRef<absl::Status(const AdviceRow&)> visit);

// See AccountStore::ScanLearningBudgets.
absl::Status ScanLearningBudgetRows(
    Connection& connection, const std::string& account_id, Week week,
    absl::FunctionRef<absl::Status(const StoredLearningBudget&)> visit);

}  // namespace rung

#endif  // RUNG_STORAGE_SQLITE_ACCOUNT_VIEW_ROWS_H_
