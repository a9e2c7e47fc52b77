#include "rung/version_lease.h"

#include "absl/time/clock.h"

namespace rung {

absl::StatusOr<int64_t> VersionLease::Get() {
  const Clock::time_point now = Clock::now();
  {
    absl::MutexLock lock(&mu_);
    if (held_ && read_began_ >= renewed_ && now - read_began_ < absl::ToChronoNanoseconds(kReuse)) {
      return version_;
    }
  }
  // Read outside the lock: a slow database must not hold up cached answers
  // for the others, and concurrent readers each get a version at least as
  // new as the one they would have waited for.
  const absl::StatusOr<int64_t> version = read_();
  if (!version.ok()) return version;
  absl::MutexLock lock(&mu_);
  if (now >= renewed_ && (!held_ || now > read_began_)) {
    held_ = true;
    version_ = *version;
    read_began_ = now;
  }
  return version;
}

void VersionLease::Renew() {
  absl::MutexLock lock(&mu_);
  held_ = false;
  renewed_ = Clock::now();
}

void VersionLease::WaitOutLeases() { absl::SleepFor(kReuse); }

}  // namespace rung
