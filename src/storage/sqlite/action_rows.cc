#include "storage/sqlite/action_rows.h"

#include <cstdint>
#include <utility>

#include "rung/status_macros.h"
#include "storage/row_codec.h"
#include "storage/sqlite/bound_columns.h"
#include "storage/store_errors.h"

namespace rung {
namespace {

// The columns ReadAction reads, in its order; EncodeAction's are the same
// without created_at. A macro, so that the statements stay literals.
#define RUNG_ACTION_COLUMNS                                                          \
  "action_id, key, account_id, ad_set_id, duplicate_ad_set_id, as_of_week, action, " \
  "target_event, state, outcome, steps, recorded_by, updated_at, created_at"

// A new key is created_at its updated_at (?13 twice). A stored key keeps
// its action_id and created_at, and is replaced only while the record names
// its owner: a record for another owner changes nothing and answers no row.
constexpr absl::string_view kUpsertAction =
    "INSERT INTO actions (" RUNG_ACTION_COLUMNS
    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13) "
    "ON CONFLICT (key) DO UPDATE SET duplicate_ad_set_id = excluded.duplicate_ad_set_id, "
    "as_of_week = excluded.as_of_week, action = excluded.action, "
    "target_event = excluded.target_event, state = excluded.state, outcome = excluded.outcome, "
    "steps = excluded.steps, recorded_by = excluded.recorded_by, updated_at = excluded.updated_at "
    "WHERE account_id = excluded.account_id AND ad_set_id = excluded.ad_set_id "
    "RETURNING " RUNG_ACTION_COLUMNS;
constexpr absl::string_view kSelectAction =
    "SELECT " RUNG_ACTION_COLUMNS " FROM actions WHERE key = ?1";
// Two statements rather than "?4 IS NULL OR ad_set_id = ?4", so that SQLite
// can pick the index that fits each.
constexpr absl::string_view kListActionsOfAccount =
    "SELECT " RUNG_ACTION_COLUMNS
    " FROM actions WHERE account_id = ?1 AND key > ?2 ORDER BY key LIMIT ?3";
constexpr absl::string_view kListActionsOfAdSet =
    "SELECT " RUNG_ACTION_COLUMNS
    " FROM actions WHERE account_id = ?1 AND ad_set_id = ?4 AND key > ?2 ORDER BY key LIMIT ?3";

#undef RUNG_ACTION_COLUMNS

}  // namespace

absl::StatusOr<ActionRecord> UpsertActionRow(Connection& writer, const ActionRecord& record) {
  constexpr absl::string_view kDoing = "recording an action";
  {
    ASSIGN_OR_RETURN(StatementLease upsert, writer.Prepare(kUpsertAction, kDoing));
    BoundColumns columns(*upsert);
    EncodeAction(record, columns);
    ASSIGN_OR_RETURN(const bool row, upsert->Step(kDoing));
    if (row) return ReadAction(*upsert);
  }
  ASSIGN_OR_RETURN(const ActionRecord stored, SelectActionRow(writer, record.key));
  return ActionOwnedElsewhere(record.key, stored.account_id, stored.ad_set_id);
}

absl::StatusOr<ActionRecord> SelectActionRow(Connection& connection, const std::string& key) {
  constexpr absl::string_view kDoing = "reading an action";
  ASSIGN_OR_RETURN(StatementLease select, connection.Prepare(kSelectAction, kDoing));
  select->Bind(1, key);
  ASSIGN_OR_RETURN(const bool row, select->Step(kDoing));
  if (!row) return ActionNotFound(key);
  return ReadAction(*select);
}

absl::StatusOr<std::vector<ActionRecord>> SelectActionRows(Connection& connection,
                                                           const ActionQuery& query) {
  constexpr absl::string_view kDoing = "listing actions";
  const bool by_ad_set = !query.ad_set_id.empty();
  ASSIGN_OR_RETURN(
      StatementLease select,
      connection.Prepare(by_ad_set ? kListActionsOfAdSet : kListActionsOfAccount, kDoing));
  select->Bind(1, query.account_id);
  select->Bind(2, query.after_key);
  select->Bind(3, int64_t{query.limit});
  if (by_ad_set) select->Bind(4, query.ad_set_id);
  std::vector<ActionRecord> records;
  while (true) {
    ASSIGN_OR_RETURN(const bool row, select->Step(kDoing));
    if (!row) return records;
    ASSIGN_OR_RETURN(ActionRecord record, ReadAction(*select));
    records.push_back(std::move(record));
  }
}

}  // namespace rung
