#include "storage/sqlite/connection_pool.h"

#include <utility>

namespace rung {

ConnectionPool::Lease::~Lease() {
  if (connection_ != nullptr) pool_->Release(connection_);
}

ConnectionPool::ConnectionPool(std::vector<std::unique_ptr<Connection>> connections)
    : connections_(std::move(connections)) {
  for (const auto& connection : connections_) idle_.push_back(connection.get());
}

ConnectionPool::Lease ConnectionPool::Acquire() {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(
      +[](std::vector<Connection*>* idle) { return !idle->empty(); }, &idle_));
  Connection* connection = idle_.back();
  idle_.pop_back();
  return Lease(this, connection);
}

void ConnectionPool::Release(Connection* connection) {
  absl::MutexLock lock(&mu_);
  idle_.push_back(connection);
}

}  // namespace rung
