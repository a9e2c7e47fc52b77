#ifndef RUNG_CLI_PLAN_COMMAND_H_
#define RUNG_CLI_PLAN_COMMAND_H_

#include "absl/status/status.h"
#include "cli/args.h"
#include "cli/session.h"

namespace rung::cli {

// `rungctl plan`: the steps that would carry out the stored advice on Meta,
// every page of them, readably or as JSON. Changes nothing anywhere.
absl::Status RunPlan(const Invocation& invocation, Session& session);

}  // namespace rung::cli

#endif  // RUNG_CLI_PLAN_COMMAND_H_
