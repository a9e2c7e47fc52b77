#ifndef RUNG_STORAGE_MIGRATIONS_H_
#define RUNG_STORAGE_MIGRATIONS_H_

#include <string_view>
#include <vector>

namespace rung {

// One numbered schema step, embedded from migrations/ENGINE/NNNN_name.sql.
struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

// Every SQLite migration this binary knows, in version order. Generated at
// build time.
const std::vector<Migration>& SqliteMigrations();
// The same for PostgreSQL, from migrations/postgres/; only in
// rung_storage_postgres.
const std::vector<Migration>& PostgresMigrations();

}  // namespace rung

#endif  // RUNG_STORAGE_MIGRATIONS_H_
