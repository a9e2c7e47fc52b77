#include "core/retry.h"

namespace rung {

absl::Status RetryWhileAborted(absl::FunctionRef<absl::Status()> attempt, int attempts) {
  absl::Status status;
  for (int i = 0; i < attempts; ++i) {
    status = attempt();
    if (!absl::IsAborted(status)) return status;
  }
  return status;
}

}  // namespace rung
