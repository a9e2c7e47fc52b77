#ifndef RUNG_STORAGE_POSTGRES_PG_STORE_H_
#define RUNG_STORAGE_POSTGRES_PG_STORE_H_

// The Store over one PostgreSQL database, which several rungd may share.
//
// What it relies on, so that engines speaking PostgreSQL's protocol can
// follow: SERIALIZABLE transactions (a loser answers ABORTED and the core
// runs it again), READ COMMITTED upserts, REPEATABLE READ snapshots for
// reads, INSERT ... ON CONFLICT, unnest() of array parameters, row locks
// taken by UPDATE, and partial unique indexes. No advisory locks,
// LISTEN/NOTIFY, temporary tables or server-side cursors.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "rung/store.h"

namespace rung {

struct PostgresStoreOptions {
  // A libpq URI ("postgresql://...") or key=value string.
  std::string uri;
  // Connections kept open, each used by one call at a time.
  int connections = 8;
};

// Connects, then creates or migrates the schema (migrations/postgres/).
// Refuses a database that is not Rung Advisor's, one whose schema is newer
// than this binary knows, and one whose applied migration was edited.
// UNAVAILABLE when the server cannot be reached; messages never show the
// password.
absl::StatusOr<std::unique_ptr<Store>> OpenPostgresStore(const PostgresStoreOptions& options);

}  // namespace rung

#endif  // RUNG_STORAGE_POSTGRES_PG_STORE_H_
