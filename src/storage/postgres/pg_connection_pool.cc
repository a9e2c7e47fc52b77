#include "storage/postgres/pg_connection_pool.h"

#include <utility>

#include "rung/status_macros.h"

namespace rung {

PgConnectionPool::Lease::~Lease() {
  if (pool_ != nullptr) pool_->Release(slot_);
}

PgConnectionPool::PgConnectionPool(std::string conninfo, size_t size, PgConnectOptions options)
    : conninfo_(std::move(conninfo)), options_(std::move(options)), connections_(size) {
  for (size_t slot = 0; slot < size; ++slot) idle_.push_back(slot);
}

absl::StatusOr<PgConnectionPool::Lease> PgConnectionPool::Acquire() {
  size_t slot;
  {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](std::vector<size_t>* idle) { return !idle->empty(); }, &idle_));
    slot = idle_.back();
    idle_.pop_back();
  }
  // Constructed before connecting, so that a failure gives the slot back.
  Lease lease(this, slot);
  std::unique_ptr<PgConnection>& connection = connections_[slot];
  if (connection == nullptr || connection->IsBroken()) {
    connection.reset();
    ASSIGN_OR_RETURN(connection, PgConnection::Connect(conninfo_, options_));
  }
  return lease;
}

void PgConnectionPool::Release(size_t slot) {
  absl::MutexLock lock(&mu_);
  idle_.push_back(slot);
}

}  // namespace rung
