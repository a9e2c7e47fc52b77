#include "storage/sqlite/account_rows.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "core/text.h"
#include "rung/status_macros.h"
#include "storage/json_codec.h"
#include "storage/row_codec.h"
#include "storage/row_values.h"
#include "storage/store_errors.h"

namespace rung {
namespace {

// The columns ReadAccount reads, in its order. A macro, so that the
// statements stay literals.
#define RUNG_ACCOUNT_COLUMNS "account_id, name, currency, time_zone, last_sync_time"

constexpr absl::string_view kUpsertAccount =
    "INSERT INTO accounts (" RUNG_ACCOUNT_COLUMNS
    ") VALUES (?1, ?2, ?3, ?4, ?5) "
    "ON CONFLICT (account_id) DO UPDATE SET name = excluded.name, "
    "currency = excluded.currency, time_zone = excluded.time_zone, "
    "last_sync_time = excluded.last_sync_time";
constexpr absl::string_view kSelectAccount =
    "SELECT " RUNG_ACCOUNT_COLUMNS " FROM accounts WHERE account_id = ?1";
constexpr absl::string_view kSelectAccounts =
    "SELECT " RUNG_ACCOUNT_COLUMNS " FROM accounts ORDER BY account_id";

#undef RUNG_ACCOUNT_COLUMNS

}  // namespace

absl::Status UpsertAccountRow(Connection& writer, const AccountRecord& account) {
  constexpr absl::string_view kDoing = "recording an account sync";
  ASSIGN_OR_RETURN(StatementLease upsert, writer.Prepare(kUpsertAccount, kDoing));
  upsert->Bind(1, account.account_id);
  upsert->BindTextOrNull(2, account.name);
  upsert->BindTextOrNull(3, account.currency);
  upsert->BindTextOrNull(4, account.time_zone);
  upsert->Bind(5, EncodeTimestamp(*account.last_sync_time));
  return upsert->Run(kDoing);
}

absl::StatusOr<AccountRecord> SelectAccountRow(Connection& connection,
                                               const std::string& account_id) {
  constexpr absl::string_view kDoing = "reading an account";
  ASSIGN_OR_RETURN(StatementLease select, connection.Prepare(kSelectAccount, kDoing));
  select->Bind(1, account_id);
  ASSIGN_OR_RETURN(const bool row, select->Step(kDoing));
  if (!row) return AccountNotFound(account_id);
  return ReadAccount(*select);
}

absl::StatusOr<std::vector<AccountRecord>> SelectAccountRows(Connection& connection) {
  constexpr absl::string_view kDoing = "reading accounts";
  ASSIGN_OR_RETURN(StatementLease select, connection.Prepare(kSelectAccounts, kDoing));
  std::vector<AccountRecord> accounts;
  while (true) {
    ASSIGN_OR_RETURN(const bool row, select->Step(kDoing));
    if (!row) return accounts;
    ASSIGN_OR_RETURN(AccountRecord account, ReadAccount(*select));
    accounts.push_back(std::move(account));
  }
}

}  // namespace rung
