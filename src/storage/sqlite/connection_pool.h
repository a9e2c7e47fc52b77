#ifndef RUNG_STORAGE_SQLITE_CONNECTION_POOL_H_
#define RUNG_STORAGE_SQLITE_CONNECTION_POOL_H_

#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "storage/sqlite/sqlite_db.h"

namespace rung {

// A fixed set of connections, each lent to one thread at a time (a
// Connection is not thread-safe). Acquire waits while all are lent out, so
// the number of connections bounds the concurrent reads.
class ConnectionPool {
 public:
  // Gives a connection back to the pool when it goes out of scope.
  class Lease {
   public:
    Lease(ConnectionPool* pool, Connection* connection) : pool_(pool), connection_(connection) {}
    Lease(Lease&& other) noexcept : pool_(other.pool_), connection_(other.connection_) {
      other.connection_ = nullptr;
    }
    Lease& operator=(Lease&&) = delete;
    ~Lease();

    Connection* operator->() const { return connection_; }
    Connection& operator*() const { return *connection_; }

   private:
    ConnectionPool* pool_;
    Connection* connection_;
  };

  // `connections` must not be empty.
  explicit ConnectionPool(std::vector<std::unique_ptr<Connection>> connections);
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  Lease Acquire();
  size_t size() const { return connections_.size(); }

 private:
  void Release(Connection* connection);

  const std::vector<std::unique_ptr<Connection>> connections_;
  absl::Mutex mu_;
  std::vector<Connection*> idle_ ABSL_GUARDED_BY(mu_);
};

}  // namespace rung

#endif  // RUNG_STORAGE_SQLITE_CONNECTION_POOL_H_
