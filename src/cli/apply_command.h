#ifndef RUNG_CLI_APPLY_COMMAND_H_
#define RUNG_CLI_APPLY_COMMAND_H_

#include "absl/status/status.h"
#include "cli/args.h"
#include "cli/session.h"

namespace rung::cli {

// `rungctl apply`: without --execute, exactly what `rungctl plan` prints,
// and no call that writes. With --execute, carries each plan out on Meta
// (act::ActionRunner), at most --max-actions of them, recording every step
// in rungd; prints one line per action, and one line on stderr per failure.
// An action that fails stops only itself.
absl::Status RunApply(const Invocation& invocation, Session& session);

}  // namespace rung::cli

#endif  // RUNG_CLI_APPLY_COMMAND_H_
