#ifndef RUNG_VERSION_LEASE_H_
#define RUNG_VERSION_LEASE_H_

#include <chrono>
#include <cstdint>
#include <functional>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace rung {

// The recommendations version, read from the database at most once per
// kReuse by a process, so that serving a kept answer costs no round trip.
//
// This process's own evaluations end the lease (Renew). Where replicas
// share the database, it stays right across them through a commit wait:
// EvaluateAdSets answers only kReuse after its commit (WaitOutLeases). A
// call that starts after that answer can only be given a version whose read
// began after the commit, which saw the new version. Both sides measure
// durations on their own steady clock, so the replicas' clocks need not
// agree.
class VersionLease {
 public:
  static constexpr absl::Duration kReuse = absl::Milliseconds(10);

  // `read` reads the version from the database; it may run on many threads.
  explicit VersionLease(std::function<absl::StatusOr<int64_t>()> read) : read_(std::move(read)) {}

  // The version read at most kReuse ago (counted from when its read began),
  // or a fresh one.
  absl::StatusOr<int64_t> Get();

  // Forgets the version and every read under way: called after this
  // process committed an evaluation.
  void Renew();

  // Returns once every lease taken before the call has run out, in every
  // process; called by an evaluation after its commit and before it answers.
  static void WaitOutLeases();

 private:
  using Clock = std::chrono::steady_clock;

  const std::function<absl::StatusOr<int64_t>()> read_;
  absl::Mutex mu_;
  bool held_ ABSL_GUARDED_BY(mu_) = false;
  int64_t version_ ABSL_GUARDED_BY(mu_) = 0;
  Clock::time_point read_began_ ABSL_GUARDED_BY(mu_);
  // Reads that began before this may have missed a commit of ours.
  Clock::time_point renewed_ ABSL_GUARDED_BY(mu_);
};

}  // namespace rung

#endif  // RUNG_VERSION_LEASE_H_
