#include "storage/checkpointer.h"

#include <utility>

namespace rung {

Checkpointer::Checkpointer(std::unique_ptr<Connection> connection)
    : connection_(std::move(connection)), thread_([this] { Run(); }) {}

Checkpointer::~Checkpointer() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

void Checkpointer::AfterCommit(int wal_frames) {
  if (wal_frames < kWalFramesThreshold) return;
  absl::MutexLock lock(&mu_);
  requested_ = true;
}

void Checkpointer::WaitUntilIdle() {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(this, &Checkpointer::Idle));
}

Checkpointer::Stats Checkpointer::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

void Checkpointer::Run() {
  absl::MutexLock lock(&mu_);
  while (true) {
    mu_.Await(absl::Condition(this, &Checkpointer::Wanted));
    if (stopping_) return;
    requested_ = false;
    running_ = true;
    mu_.Unlock();
    absl::StatusOr<Connection::CheckpointResult> result =
        connection_->CheckpointPassive("checkpointing the write-ahead log");
    mu_.Lock();
    running_ = false;
    if (result.ok()) {
      ++stats_.checkpoints;
      stats_.last = *result;
    } else {
      ++stats_.failures;
      stats_.last_failure = result.status();
    }
  }
}

}  // namespace rung
