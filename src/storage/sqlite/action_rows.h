#ifndef RUNG_STORAGE_SQLITE_ACTION_ROWS_H_
#define RUNG_STORAGE_SQLITE_ACTION_ROWS_H_

// The actions table (migration 0008): its SQL and how a row encodes. Each
// function uses the connection it is given; the write expects the caller to
// hold the writer and its transaction.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "rung/action_record.h"
#include "rung/store.h"
#include "storage/sqlite/sqlite_db.h"

namespace rung {

// See ActionStore::RecordAction; `record` is checked by CheckStorableAction.
absl::StatusOr<ActionRecord> UpsertActionRow(Connection& writer, const ActionRecord& record);

// NOT_FOUND for a key with no row.
absl::StatusOr<ActionRecord> SelectActionRow(Connection& connection, const std::string& key);

// See ActionStore::ListActions; `query` is checked by CheckActionQuery.
absl::StatusOr<std::vector<ActionRecord>> SelectActionRows(Connection& connection,
                                                           const ActionQuery& query);

}  // namespace rung

#endif  // RUNG_STORAGE_SQLITE_ACTION_ROWS_H_
