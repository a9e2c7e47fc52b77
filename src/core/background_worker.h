#ifndef RUNG_CORE_BACKGROUND_WORKER_H_
#define RUNG_CORE_BACKGROUND_WORKER_H_

#include <functional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace rung {

// Runs one piece of upkeep on a thread of its own whenever asked, without
// making the asker wait: requests that arrive while it runs make it run once
// more afterwards, however many there were. For work that must follow an
// event (a big commit, a new evaluation) but need not hold it up.
//
// Thread-safe. Destroying it lets a run under way finish and drops a
// request not yet started.
class BackgroundWorker {
 public:
  explicit BackgroundWorker(std::function<void()> work);
  ~BackgroundWorker();
  BackgroundWorker(const BackgroundWorker&) = delete;
  BackgroundWorker& operator=(const BackgroundWorker&) = delete;

  // Asks for a run. Never waits.
  void Request();

  // Returns once no run is asked for or under way.
  void WaitUntilIdle();

  // For long work to poll: true once a newer request or the destructor
  // waits, so that it can end early and let the next run start.
  bool Superseded() const;

 private:
  void Run();
  bool Wanted() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return requested_ || stopping_; }
  bool Idle() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !requested_ && !running_; }

  const std::function<void()> work_;
  mutable absl::Mutex mu_;
  bool requested_ ABSL_GUARDED_BY(mu_) = false;
  bool running_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;  // last: starts once everything above exists
};

}  // namespace rung

#endif  // RUNG_CORE_BACKGROUND_WORKER_H_
