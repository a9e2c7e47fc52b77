// OpenStore: the one place that knows which engines there are.

#include "rung/store.h"
#include "storage/database_uri.h"
#include "storage/postgres/pg_store.h"
#include "storage/sqlite/sqlite_store.h"

namespace rung {
namespace {

// Room beside the readers for what holds a connection for long: an
// evaluation's writer and its scan, an ingest.
constexpr int kPostgresWriterConnections = 4;

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> OpenStore(const std::string& location,
                                                 const StoreSettings& settings) {
  if (IsPostgresUri(location)) {
    PostgresStoreOptions options;
    options.uri = location;
    options.connections = settings.reader_connections + kPostgresWriterConnections;
    return OpenPostgresStore(options);
  }
  SqliteStoreOptions options;
  options.path = location;
  options.synchronous = settings.synchronous;
  options.busy_timeout_ms = settings.busy_timeout_ms;
  options.reader_connections = settings.reader_connections;
  return OpenSqliteStore(options);
}

}  // namespace rung
