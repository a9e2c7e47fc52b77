// BackgroundWorker: requests coalesce, long work can yield, and stopping
// never runs what was only asked for. Synchronised with notifications, never
// with sleeps.

#include "core/background_worker.h"

#include <atomic>
#include <memory>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace rung {
namespace {

TEST(BackgroundWorkerTest, RequestsWhileItRunsMakeOneMoreRun) {
  std::atomic<int> runs{0};
  absl::Notification started;
  absl::Notification release;
  BackgroundWorker worker([&] {
    if (runs.fetch_add(1) == 0) {
      started.Notify();
      release.WaitForNotification();
    }
  });
  worker.Request();
  started.WaitForNotification();
  for (int i = 0; i < 3; ++i) worker.Request();
  release.Notify();
  worker.WaitUntilIdle();
  EXPECT_EQ(runs.load(), 2);
}

TEST(BackgroundWorkerTest, NothingAskedNothingRun) {
  std::atomic<int> runs{0};
  BackgroundWorker worker([&] { runs.fetch_add(1); });
  worker.WaitUntilIdle();
  EXPECT_EQ(runs.load(), 0);
}

TEST(BackgroundWorkerTest, LongWorkSeesANewerRequestAndYields) {
  std::atomic<int> runs{0};
  absl::Notification started;
  const BackgroundWorker* self = nullptr;
  auto worker = std::make_unique<BackgroundWorker>([&] {
    if (runs.fetch_add(1) > 0) return;
    started.Notify();
    while (!self->Superseded()) {
    }
  });
  self = worker.get();
  worker->Request();
  started.WaitForNotification();
  worker->Request();  // ends the first run's wait, then runs again
  worker->WaitUntilIdle();
  EXPECT_EQ(runs.load(), 2);
  EXPECT_FALSE(worker->Superseded());
}

TEST(BackgroundWorkerTest, StoppingFinishesTheRunAndDropsWhatWasOnlyAsked) {
  std::atomic<int> runs{0};
  absl::Notification started;
  // Not through `worker`, which reset() empties before the destructor runs.
  const BackgroundWorker* self = nullptr;
  auto worker = std::make_unique<BackgroundWorker>([&] {
    runs.fetch_add(1);
    started.Notify();
    while (!self->Superseded()) {
    }
  });
  self = worker.get();
  worker->Request();
  started.WaitForNotification();
  worker.reset();  // the running work sees the stop, then nothing else runs
  EXPECT_EQ(runs.load(), 1);
}

}  // namespace
}  // namespace rung
