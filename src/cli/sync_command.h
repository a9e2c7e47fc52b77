#ifndef RUNG_CLI_SYNC_COMMAND_H_
#define RUNG_CLI_SYNC_COMMAND_H_

#include "absl/status/status.h"
#include "cli/args.h"
#include "cli/session.h"

namespace rung::cli {

// `rungctl sync --account act_ID ...`: pulls each account from Meta's
// Marketing API (meta::SyncAccount) and stores it in rungd, then prints a
// summary per account. An account that fails stops only itself; an invalid
// token stops the run. The Meta token comes from META_ACCESS_TOKEN or
// --meta-token-file, never from a flag's value, which `ps` would show.
absl::Status RunSync(const Invocation& invocation, Session& session);

}  // namespace rung::cli

#endif  // RUNG_CLI_SYNC_COMMAND_H_
