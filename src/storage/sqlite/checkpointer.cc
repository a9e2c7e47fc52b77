#include "storage/sqlite/checkpointer.h"

#include <utility>

namespace rung {

Checkpointer::Checkpointer(std::unique_ptr<Connection> connection)
    : connection_(std::move(connection)), worker_([this] { Checkpoint(); }) {}

void Checkpointer::AfterCommit(int wal_frames) {
  if (wal_frames >= kWalFramesThreshold) worker_.Request();
}

Checkpointer::Stats Checkpointer::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

void Checkpointer::Checkpoint() {
  absl::StatusOr<Connection::CheckpointResult> result =
      connection_->CheckpointPassive("checkpointing the write-ahead log");
  absl::MutexLock lock(&mu_);
  if (result.ok()) {
    ++stats_.checkpoints;
    stats_.last = *result;
  } else {
    ++stats_.failures;
  }
}

}  // namespace rung
