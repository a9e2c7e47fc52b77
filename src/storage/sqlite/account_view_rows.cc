#include "storage/sqlite/account_view_rows.h"

#include <cstdint>

#include "rung/status_macros.h"
#include "storage/row_codec.h"

namespace rung {
namespace {

// The rows AddAccountFiguresRow reads. The page is cut from each source
// before their union, so that neither is read past it; ad_sets stands for
// the accounts with a stored week, since an ad set is stored with its first
// week and never deleted. An ad set's last week comes from one seek of
// ad_set_weeks' key, the latest evaluated week from one seek of
// recommendations_by_account_week (migration 0010), whose range at that
// week holds its actions. Only the learning statuses of that week are read
// from the table, one row per ad set: with 300,000 ad sets that made the
// statement about a quarter slower (warm cache) than an index that carried
// them too, not worth a fifth column in every entry.
constexpr absl::string_view kSelectAccountFigures =
    "WITH page (id) AS ("
    "SELECT id FROM (SELECT DISTINCT account_id AS id FROM ad_sets WHERE account_id > ?1 "
    "ORDER BY account_id LIMIT ?2) "
    "UNION SELECT id FROM (SELECT account_id AS id FROM accounts WHERE account_id > ?1 "
    "ORDER BY account_id LIMIT ?2) "
    "ORDER BY id LIMIT ?2), "
    "figures (id, ad_sets, last_week, latest_week) AS ("
    "SELECT p.id, count(s.ad_set_id), "
    "max((SELECT max(w.week_start) FROM ad_set_weeks AS w WHERE w.ad_set_id = s.ad_set_id)), "
    "(SELECT max(r.as_of_week) FROM recommendations AS r WHERE r.account_id = p.id) "
    "FROM page AS p LEFT JOIN ad_sets AS s ON s.account_id = p.id GROUP BY p.id) "
    "SELECT f.id, f.ad_sets, f.last_week, f.latest_week, r.action, r.learning_status, "
    "count(r.action) FROM figures AS f LEFT JOIN recommendations AS r "
    "ON r.account_id = f.id AND r.as_of_week = f.latest_week "
    "GROUP BY f.id, r.action, r.learning_status ORDER BY f.id, r.action, r.learning_status";
// Week after week, each found by one seek past the one before: the index
// has an entry for every ad set of each week, which DISTINCT would read.
constexpr absl::string_view kSelectEvaluatedWeeks =
    "WITH RECURSIVE weeks (week) AS ("
    "SELECT min(as_of_week) FROM recommendations WHERE account_id = ?1 "
    "UNION ALL SELECT (SELECT min(r.as_of_week) FROM recommendations AS r "
    "WHERE r.account_id = ?1 AND r.as_of_week > weeks.week) FROM weeks "
    "WHERE weeks.week IS NOT NULL) "
    "SELECT week FROM weeks WHERE week IS NOT NULL ORDER BY week";
// The rows ReadAdviceInto reads, found through recommendations_by_account_week.
constexpr absl::string_view kScanAdvice =
    "SELECT r.ad_set_id, r.as_of_week, r.action, r.learning_status, r.current_event, "
    "w.spend_micros FROM recommendations AS r LEFT JOIN ad_set_weeks AS w "
    "ON w.ad_set_id = r.ad_set_id AND w.week_start = r.as_of_week "
    "WHERE r.account_id = ?1 AND r.as_of_week BETWEEN ?2 AND ?3";
// The rows ReadLearningBudgetInto reads: one range of
// recommendations_by_account_week.
constexpr absl::string_view kScanLearningBudgets =
    "SELECT ad_set_id, learning_threshold, learning_budget FROM recommendations "
    "WHERE account_id = ?1 AND as_of_week = ?2";

}  // namespace

absl::StatusOr<std::vector<StoredAccountFigures>> SelectAccountFiguresRows(
    Connection& connection, const AccountFiguresQuery& query) {
  constexpr absl::string_view kDoing = "reading the figures of accounts";
  ASSIGN_OR_RETURN(StatementLease select, connection.Prepare(kSelectAccountFigures, kDoing));
  select->Bind(1, query.after_account_id);
  select->Bind(2, int64_t{query.limit});
  std::vector<StoredAccountFigures> figures;
  while (true) {
    ASSIGN_OR_RETURN(const bool row, select->Step(kDoing));
    if (!row) return figures;
    RETURN_IF_ERROR(AddAccountFiguresRow(*select, &figures));
  }
}

absl::StatusOr<std::vector<Week>> SelectEvaluatedWeekRows(Connection& connection,
                                                          const std::string& account_id) {
  constexpr absl::string_view kDoing = "reading an account's evaluated weeks";
  ASSIGN_OR_RETURN(StatementLease select, connection.Prepare(kSelectEvaluatedWeeks, kDoing));
  select->Bind(1, account_id);
  std::vector<Week> weeks;
  while (true) {
    ASSIGN_OR_RETURN(const bool row, select->Step(kDoing));
    if (!row) return weeks;
    ASSIGN_OR_RETURN(const Week week, ReadEvaluatedWeek(*select, account_id));
    weeks.push_back(week);
  }
}

absl::Status ScanAdviceRows(Connection& connection, const std::string& account_id, Week from,
                            Week to, absl::FunctionRef<absl::Status(const AdviceRow&)> visit) {
  constexpr absl::string_view kDoing = "reading an account's advice";
  ASSIGN_OR_RETURN(StatementLease select, connection.Prepare(kScanAdvice, kDoing));
  select->Bind(1, account_id);
  select->Bind(2, from.ToString());
  select->Bind(3, to.ToString());
  AdviceRow advice;
  WeekParser weeks;
  while (true) {
    ASSIGN_OR_RETURN(const bool row, select->Step(kDoing));
    if (!row) return absl::OkStatus();
    RETURN_IF_ERROR(ReadAdviceInto(*select, weeks, &advice));
    RETURN_IF_ERROR(visit(advice));
  }
}

absl::Status ScanLearningBudgetRows(
    Connection& connection, const std::string& account_id, Week week,
    absl::FunctionRef<absl::Status(const StoredLearningBudget&)> visit) {
  constexpr absl::string_view kDoing = "reading an account's learning budgets";
  ASSIGN_OR_RETURN(StatementLease select, connection.Prepare(kScanLearningBudgets, kDoing));
  select->Bind(1, account_id);
  select->Bind(2, week.ToString());
  StoredLearningBudget budget;
  while (true) {
    ASSIGN_OR_RETURN(const bool row, select->Step(kDoing));
    if (!row) return absl::OkStatus();
    RETURN_IF_ERROR(ReadLearningBudgetInto(*select, week, &budget));
    RETURN_IF_ERROR(visit(budget));
  }
}

}  // namespace rung
