#ifndef RUNG_CLI_COMMANDS_H_
#define RUNG_CLI_COMMANDS_H_

#include "absl/types/span.h"
#include "cli/args.h"

namespace rung::cli {

// Every command rungctl knows, in the order help lists them.
absl::Span<const CommandSpec> Commands();

// --server, --token, --json and --timeout, which every command takes.
absl::Span<const FlagSpec> CommonFlags();

}  // namespace rung::cli

#endif  // RUNG_CLI_COMMANDS_H_
