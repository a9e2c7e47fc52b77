#include "core/background_worker.h"

#include <utility>

namespace rung {

BackgroundWorker::BackgroundWorker(std::function<void()> work)
    : work_(std::move(work)), thread_([this] { Run(); }) {}

BackgroundWorker::~BackgroundWorker() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

void BackgroundWorker::Request() {
  absl::MutexLock lock(&mu_);
  requested_ = true;
}

void BackgroundWorker::WaitUntilIdle() {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(this, &BackgroundWorker::Idle));
}

bool BackgroundWorker::Superseded() const {
  absl::MutexLock lock(&mu_);
  return requested_ || stopping_;
}

void BackgroundWorker::Run() {
  absl::MutexLock lock(&mu_);
  while (true) {
    mu_.Await(absl::Condition(this, &BackgroundWorker::Wanted));
    if (stopping_) return;
    requested_ = false;
    running_ = true;
    mu_.Unlock();
    work_();
    mu_.Lock();
    running_ = false;
  }
}

}  // namespace rung
