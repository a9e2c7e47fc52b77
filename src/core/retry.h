#ifndef RUNG_CORE_RETRY_H_
#define RUNG_CORE_RETRY_H_

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"

namespace rung {

// How often a use case that writes from what it read tries, in all, when a
// concurrent writer keeps changing the data under it.
inline constexpr int kWriteAttempts = 5;

// Runs `attempt` until it answers something other than ABORTED (a write that
// lost a race with a concurrent one, to be made again from a fresh read), at
// most `attempts` times; then answers its last status.
absl::Status RetryWhileAborted(absl::FunctionRef<absl::Status()> attempt,
                               int attempts = kWriteAttempts);

}  // namespace rung

#endif  // RUNG_CORE_RETRY_H_
