#ifndef RUNG_CLI_POLICY_COMMAND_H_
#define RUNG_CLI_POLICY_COMMAND_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cli/args.h"
#include "cli/session.h"
#include "rung/v1/policy.pb.h"

namespace rung::cli {

// `rungctl policy get`: the effective policy, its version, etag and ladders,
// and the stored overrides beneath it.
absl::Status RunPolicyGet(const Invocation& invocation, Session& session);

// `rungctl policy set FILE --reason TEXT`: replaces the stored overrides of
// the account (or the deployment) with the file's.
absl::Status RunPolicySet(const Invocation& invocation, Session& session);

// `rungctl policy history`: every version, newest first.
absl::Status RunPolicyHistory(const Invocation& invocation, Session& session);

// A policy file: rung.v1.PolicyOverrides in protobuf's JSON mapping (a file
// ending in .json, or whose text starts with "{") or in text format. Errors
// name the file and, for text format, the line and column.
absl::StatusOr<v1::PolicyOverrides> ReadPolicyFile(const std::string& path);

}  // namespace rung::cli

#endif  // RUNG_CLI_POLICY_COMMAND_H_
