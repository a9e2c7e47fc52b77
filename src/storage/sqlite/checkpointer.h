#ifndef RUNG_STORAGE_SQLITE_CHECKPOINTER_H_
#define RUNG_STORAGE_SQLITE_CHECKPOINTER_H_

#include <cstdint>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "core/background_worker.h"
#include "storage/sqlite/sqlite_db.h"

namespace rung {

// Keeps the write-ahead log short without making a commit wait for it.
//
// SQLite's automatic checkpoint runs inside the commit that crosses its
// threshold: that commit also copies the whole log into the database file
// and syncs the file. For a stored evaluation of 100,000 ad sets that is
// about 90 MB, and a sixth of the evaluation's time. Here a commit only wakes
// a thread of ours, which runs the same PASSIVE checkpoint on a connection of
// its own while the writer and the readers go on. Durability does not change:
// a commit is on disk once its frames are synced into the log.
//
// Thread-safe. Destroying it lets a checkpoint under way finish, then stops
// the thread; what is still in the log stays there, safe, for the next
// checkpoint or the last connection's close.
class Checkpointer {
 public:
  // SQLite's own default: with 4 KB pages, about 4 MB of log.
  static constexpr int kWalFramesThreshold = 1000;

  struct Stats {
    int64_t checkpoints = 0;
    int64_t failures = 0;
    // What the latest successful checkpoint did.
    Connection::CheckpointResult last;
  };

  // `connection` is a read-write connection to the database, used by
  // nothing else.
  explicit Checkpointer(std::unique_ptr<Connection> connection);

  // For Connection::OnCommit of the writer: asks for a checkpoint when the
  // log holds kWalFramesThreshold frames or more. Never waits for one.
  void AfterCommit(int wal_frames);

  // Returns once no checkpoint is asked for or under way.
  void WaitUntilIdle() { worker_.WaitUntilIdle(); }

  Stats stats() const;

 private:
  void Checkpoint();

  const std::unique_ptr<Connection> connection_;  // only the worker's thread uses it
  mutable absl::Mutex mu_;
  Stats stats_ ABSL_GUARDED_BY(mu_);
  BackgroundWorker worker_;  // last: its thread uses everything above
};

}  // namespace rung

#endif  // RUNG_STORAGE_SQLITE_CHECKPOINTER_H_
