#ifndef RUNG_CLI_ACCOUNT_COMMANDS_H_
#define RUNG_CLI_ACCOUNT_COMMANDS_H_

#include "absl/status/status.h"
#include "cli/args.h"
#include "cli/session.h"

namespace rung::cli {

// `rungctl accounts`: every account, with what needs a person this week.
absl::Status RunAccounts(const Invocation& invocation, Session& session);

// `rungctl summary --account ID`: one account's figures, what changed since
// the evaluated week before, and the weekly trend.
absl::Status RunSummary(const Invocation& invocation, Session& session);

}  // namespace rung::cli

#endif  // RUNG_CLI_ACCOUNT_COMMANDS_H_
