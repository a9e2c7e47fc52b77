#ifndef RUNG_STORAGE_POSTGRES_PG_MIGRATOR_H_
#define RUNG_STORAGE_POSTGRES_PG_MIGRATOR_H_

// Brings a PostgreSQL database to the schema this binary was built with, and
// refuses databases it must not touch: someone else's, a newer rungd's, or
// one whose applied migrations differ from ours.

#include <vector>

#include "absl/status/status.h"
#include "storage/migrations.h"
#include "storage/postgres/pg_connection.h"

namespace rung {

// Works in the connection's current schema (search_path). Refuses a schema
// that has tables but no schema_migrations, and one whose applied migrations
// this binary does not know or that changed since (storage/migration_plan.h).
// Creates schema_migrations in a fresh one, then applies the pending
// `migrations` (in version order), each in its own SERIALIZABLE transaction
// with its schema_migrations row, so that a failing one leaves the database
// at the previous version.
//
// Several rungd may start at once on one database: each transaction runs
// again when it lost to a concurrent one (a serialization failure, or the
// unique violation that concurrent DDL of the same table ends in), and then
// finds the work done. No advisory lock, which CockroachDB and YugabyteDB
// lack.
absl::Status MigratePostgres(PgConnection& connection, const std::vector<Migration>& migrations);

}  // namespace rung

#endif  // RUNG_STORAGE_POSTGRES_PG_MIGRATOR_H_
