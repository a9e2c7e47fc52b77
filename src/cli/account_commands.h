#ifndef RUNG_CLI_ACCOUNT_COMMANDS_H_
#define RUNG_CLI_ACCOUNT_COMMANDS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cli/args.h"
#include "cli/session.h"

namespace rung::cli {

// The currency of the account as its last recorded sync named it; "" when
// no sync was recorded (NOT_FOUND) or Meta named none, so that amounts print
// as plain numbers.
absl::StatusOr<std::string> AccountCurrency(Session& session, const std::string& account_id);

// `rungctl accounts`: every account, with what needs a person this week.
absl::Status RunAccounts(const Invocation& invocation, Session& session);

// `rungctl summary --account ID`: one account's figures, what changed since
// the evaluated week before, and the weekly trend.
absl::Status RunSummary(const Invocation& invocation, Session& session);

}  // namespace rung::cli

#endif  // RUNG_CLI_ACCOUNT_COMMANDS_H_
