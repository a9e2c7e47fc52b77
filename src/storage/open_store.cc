// OpenStore: the one place that knows which engines there are.

#include "absl/strings/match.h"
#include "rung/store.h"
#include "storage/sqlite/sqlite_store.h"

namespace rung {

absl::StatusOr<std::unique_ptr<Store>> OpenStore(const std::string& location,
                                                 const StoreSettings& settings) {
  SqliteStoreOptions options;
  options.path = location;
  options.synchronous = settings.synchronous;
  options.busy_timeout_ms = settings.busy_timeout_ms;
  options.reader_connections = settings.reader_connections;
  return OpenSqliteStore(options);
}

}  // namespace rung
