#ifndef RUNG_CORE_CHUNK_QUEUE_H_
#define RUNG_CORE_CHUNK_QUEUE_H_

#include <deque>
#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace rung {

// Hands chunks of work (each a T) from one producer thread to one consumer
// thread, holding at most `capacity` chunks, so that memory stays bounded when the
// consumer is the slower side. Either side may close it with a status; the
// other side then gets that status instead of waiting forever. Thread-safe.
template <typename T>
class ChunkQueue {
 public:
  explicit ChunkQueue(size_t capacity) : capacity_(capacity) {}

  // Waits while the queue is full. Once it is closed, answers the status it
  // was closed with (CANCELLED if that was OK: nobody takes chunks anymore).
  absl::Status Push(T chunk) {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(this, &ChunkQueue::HasRoomOrClosed));
    if (closed_) {
      return closed_with_.ok() ? absl::CancelledError("the consumer stopped") : closed_with_;
    }
    chunks_.push_back(std::move(chunk));
    return absl::OkStatus();
  }

  // Waits while the queue is empty and open. The next chunk; nullopt once
  // it was closed with OK and every chunk was taken; the status it was
  // closed with otherwise.
  absl::StatusOr<std::optional<T>> Pop() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(this, &ChunkQueue::HasChunkOrClosed));
    if (!closed_with_.ok()) return closed_with_;
    if (chunks_.empty()) return std::optional<T>();
    T chunk = std::move(chunks_.front());
    chunks_.pop_front();
    return std::optional<T>(std::move(chunk));
  }

  // The first close wins: a later one cannot hide the error that ended it.
  void Close(absl::Status status) {
    absl::MutexLock lock(&mu_);
    if (closed_) return;
    closed_ = true;
    closed_with_ = std::move(status);
  }

 private:
  bool HasRoomOrClosed() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return closed_ || chunks_.size() < capacity_;
  }
  bool HasChunkOrClosed() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return closed_ || !chunks_.empty();
  }

  const size_t capacity_;
  absl::Mutex mu_;
  std::deque<T> chunks_ ABSL_GUARDED_BY(mu_);
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status closed_with_ ABSL_GUARDED_BY(mu_);
};

}  // namespace rung

#endif  // RUNG_CORE_CHUNK_QUEUE_H_
