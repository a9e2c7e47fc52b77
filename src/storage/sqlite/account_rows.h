#ifndef RUNG_STORAGE_SQLITE_ACCOUNT_ROWS_H_
#define RUNG_STORAGE_SQLITE_ACCOUNT_ROWS_H_

// The accounts table (migration 0006): its SQL and how a row encodes. Each
// function uses the connection it is given; the write expects the caller to
// hold the writer and its transaction.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "rung/account.h"
#include "storage/sqlite/sqlite_db.h"

namespace rung {

// Inserts the account, or replaces every column of its row.
absl::Status UpsertAccountRow(Connection& writer, const AccountRecord& account);

// NOT_FOUND for an account with no row.
absl::StatusOr<AccountRecord> SelectAccountRow(Connection& connection,
                                               const std::string& account_id);

// Every row, in id order.
absl::StatusOr<std::vector<AccountRecord>> SelectAccountRows(Connection& connection);

}  // namespace rung

#endif  // RUNG_STORAGE_SQLITE_ACCOUNT_ROWS_H_
