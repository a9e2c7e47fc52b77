#include "core/retry.h"

namespace rung {

absl::Status RetryWhileAborted(absl::FunctionRef<absl::Status()> attempt) {
  absl::Status status;
  for (int i = 0; i < kWriteAttempts; ++i) {
    status = attempt();
    if (!absl::IsAborted(status)) return status;
  }
  return status;
}

}  // namespace rung
