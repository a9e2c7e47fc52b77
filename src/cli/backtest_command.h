#ifndef RUNG_CLI_BACKTEST_COMMAND_H_
#define RUNG_CLI_BACKTEST_COMMAND_H_

#include "absl/status/status.h"
#include "cli/args.h"
#include "cli/session.h"

namespace rung::cli {

// `rungctl backtest --account ID --from WEEK --to WEEK [--policy FILE]
// [--ad-set ID...]`: the totals by action, followed against ignored advice;
// with --ad-set, each named ad set's story week by week.
absl::Status RunBacktest(const Invocation& invocation, Session& session);

}  // namespace rung::cli

#endif  // RUNG_CLI_BACKTEST_COMMAND_H_
