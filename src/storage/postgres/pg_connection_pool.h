#ifndef RUNG_STORAGE_POSTGRES_PG_CONNECTION_POOL_H_
#define RUNG_STORAGE_POSTGRES_PG_CONNECTION_POOL_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "storage/postgres/pg_connection.h"

namespace rung {

// A fixed number of connections to one server, each lent to one thread at a
// time (a PgConnection is not thread-safe). Acquire waits while all are lent
// out, so the size bounds the concurrent statements. Connections are made
// on first use, and made again when the one in a slot broke: after an
// outage the pool recovers by itself once the server is back.
class PgConnectionPool {
 public:
  // Gives its slot back to the pool when it goes out of scope.
  class Lease {
   public:
    Lease(PgConnectionPool* pool, size_t slot) : pool_(pool), slot_(slot) {}
    Lease(Lease&& other) noexcept
        : pool_(std::exchange(other.pool_, nullptr)), slot_(other.slot_) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease();

    PgConnection* operator->() const { return pool_->connections_[slot_].get(); }
    PgConnection& operator*() const { return *pool_->connections_[slot_]; }

   private:
    PgConnectionPool* pool_;
    size_t slot_;
  };

  // `size` must be at least 1. Connects to nothing yet.
  PgConnectionPool(std::string conninfo, size_t size, PgConnectOptions options = {});
  PgConnectionPool(const PgConnectionPool&) = delete;
  PgConnectionPool& operator=(const PgConnectionPool&) = delete;

  // A working connection, connecting first when its slot has none or a
  // broken one; UNAVAILABLE while the server cannot be reached.
  absl::StatusOr<Lease> Acquire();
  size_t size() const { return connections_.size(); }

 private:
  void Release(size_t slot);

  const std::string conninfo_;
  const PgConnectOptions options_;
  // A slot is touched only by the holder of its lease, so needs no lock.
  std::vector<std::unique_ptr<PgConnection>> connections_;
  absl::Mutex mu_;
  std::vector<size_t> idle_ ABSL_GUARDED_BY(mu_);
};

}  // namespace rung

#endif  // RUNG_STORAGE_POSTGRES_PG_CONNECTION_POOL_H_
