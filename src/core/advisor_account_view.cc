// The Advisor's account view: the list of accounts with what needs a person,
// and one account's summary with its weekly trend and what changed.

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/page_token.h"
#include "core/request_checks.h"
#include "core/text.h"
#include "rung/advisor.h"
#include "rung/status_macros.h"

namespace rung {
namespace {

constexpr char kAccountsFilter[] = "accounts";
constexpr int kTestsPageSize = 1000;

AccountOverview Overview(const StoredAccountFigures& figures, const AccountRecord* synced) {
  AccountOverview overview;
  overview.account_id = figures.account_id;
  overview.ad_sets = figures.ad_sets;
  overview.last_week_stored = figures.last_week_stored;
  overview.latest_evaluated_week = figures.latest_evaluated_week;
  overview.actions = figures.actions_at_latest;
  overview.learning_statuses = figures.learning_statuses_at_latest;
  for (const auto& [action, count] : figures.actions_at_latest) {
    if (AsksForAPerson(action)) overview.needing_attention += count;
  }
  if (synced != nullptr) {
    overview.name = synced->name;
    overview.last_sync_time = synced->last_sync_time;
  }
  return overview;
}

// The evaluated week asked for (the latest when none), and the one before.
absl::StatusOr<std::pair<Week, std::optional<Week>>> SummaryWeeks(std::string_view account_id,
                                                                  const std::vector<Week>& weeks,
                                                                  std::optional<Week> requested) {
  if (weeks.empty()) {
    return absl::NotFoundError(absl::StrCat("account ", Quote(AsAbsl(account_id)),
                                            " has no stored advice; evaluate it first"));
  }
  const auto at =
      requested.has_value() ? std::find(weeks.begin(), weeks.end(), *requested) : weeks.end() - 1;
  if (at == weeks.end()) {
    return absl::NotFoundError(absl::StrCat("as_of_week: account ", Quote(AsAbsl(account_id)),
                                            " has no stored advice for ", requested->ToString(),
                                            "; its latest is ", weeks.back().ToString()));
  }
  return std::make_pair(*at, at == weeks.begin() ? std::nullopt : std::optional<Week>(*(at - 1)));
}

}  // namespace

absl::StatusOr<AccountPage> Advisor::ListAccounts(int page_size, std::string_view page_token) {
  ASSIGN_OR_RETURN(const int limit, EffectivePageSize(page_size, options_.default_page_size,
                                                      options_.max_page_size));
  AccountFiguresQuery query;
  query.limit = limit + 1;  // one more tells whether another page follows
  if (!page_token.empty()) {
    ASSIGN_OR_RETURN(query.after_account_id, DecodePageToken(page_token, kAccountsFilter));
  }
  ASSIGN_OR_RETURN(const std::vector<StoredAccountFigures> figures,
                   store_->ListAccountFigures(query));
  ASSIGN_OR_RETURN(const std::vector<AccountRecord> synced, store_->ListAccounts());
  std::map<std::string_view, const AccountRecord*> synced_by_id;
  for (const AccountRecord& account : synced) synced_by_id[account.account_id] = &account;
  AccountPage page;
  for (const StoredAccountFigures& account : figures) {
    const auto found = synced_by_id.find(account.account_id);
    page.accounts.push_back(
        Overview(account, found == synced_by_id.end() ? nullptr : found->second));
  }
  page.next_page_token =
      TrimPage(page.accounts, limit, kAccountsFilter,
               [](const AccountOverview& account) { return account.account_id; });
  return page;
}

absl::Status Advisor::ForEachAccount(absl::FunctionRef<absl::Status(const AccountOverview&)> visit,
                                     int max_accounts) {
  std::string page_token;
  for (int visited = 0; visited < max_accounts;) {
    ASSIGN_OR_RETURN(const AccountPage page, ListAccounts(max_accounts - visited, page_token));
    for (const AccountOverview& account : page.accounts) RETURN_IF_ERROR(visit(account));
    if (page.next_page_token.empty()) break;
    visited += static_cast<int>(page.accounts.size());
    page_token = page.next_page_token;
  }
  return absl::OkStatus();
}

absl::StatusOr<AccountSummary> Advisor::GetAccountSummary(std::string_view account_id,
                                                          std::string_view as_of_week) {
  RETURN_IF_ERROR(CheckRequiredId("account_id", account_id));
  ASSIGN_OR_RETURN(const std::optional<Week> requested,
                   ParseOptionalWeek("as_of_week", as_of_week));
  ASSIGN_OR_RETURN(const std::vector<Week> weeks, store_->EvaluatedWeeks(account_id));
  ASSIGN_OR_RETURN(const auto chosen, SummaryWeeks(account_id, weeks, requested));
  AccountSummary summary;
  summary.account_id = std::string(account_id);
  summary.as_of_week = chosen.first;
  summary.previous_week = chosen.second;
  AccountAdviceFolder folder(summary.previous_week, summary.as_of_week);
  RETURN_IF_ERROR(store_->ScanAccountAdvice(account_id, weeks.front(), summary.as_of_week,
                                            [&folder](const AdviceRow& row) {
                                              folder.Add(row);
                                              return absl::OkStatus();
                                            }));
  summary.trend = folder.TakeTrend();
  summary.figures = summary.trend.back();
  summary.changes = folder.Changes();
  LearningCapacityFolder capacity;
  RETURN_IF_ERROR(store_->ScanLearningBudgets(account_id, summary.as_of_week,
                                              [&capacity](const StoredLearningBudget& budget) {
                                                capacity.Add(budget);
                                                return absl::OkStatus();
                                              }));
  summary.learning_capacity = capacity.Capacity();
  ClimbTestQuery query;
  query.account_id = std::string(account_id);
  query.limit = kTestsPageSize;
  std::vector<ClimbTest> tests;
  while (true) {
    ASSIGN_OR_RETURN(std::vector<ClimbTest> page, store_->ListClimbTests(query));
    const bool last = page.size() < static_cast<size_t>(kTestsPageSize);
    if (!page.empty()) query.after_climb_test_id = page.back().climb_test_id;
    tests.insert(tests.end(), std::make_move_iterator(page.begin()),
                 std::make_move_iterator(page.end()));
    if (last) break;
  }
  SortTestsIntoTheWeek(tests, summary.previous_week, summary.as_of_week, summary);
  return summary;
}

}  // namespace rung
