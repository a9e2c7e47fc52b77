#ifndef RUNG_CLI_META_FLAGS_H_
#define RUNG_CLI_META_FLAGS_H_

// The flags of the commands that call Meta (`sync`, `apply --execute`): where
// the Graph API is, how long to wait for it, and the credentials. The Meta
// token comes from META_ACCESS_TOKEN or --meta-token-file, never from a
// flag's value, which `ps` would show.

#include "absl/status/statusor.h"
#include "cli/args.h"
#include "meta/graph_client.h"

namespace rung::cli {

struct MetaFlags {
  meta::GraphOptions graph;
  meta::GraphCredentials credentials;
};

// A usage error for a malformed value or a missing token.
absl::StatusOr<MetaFlags> ReadMetaFlags(const Invocation& invocation);

// Their rows of the command table.
inline const FlagSpec kMetaFlagSpecs[] = {
    {"--graph-url", FlagArity::kValue, "URL", "default https://graph.facebook.com"},
    {"--api-version", FlagArity::kValue, "V", "Graph API version (default v27.0)"},
    {"--max-wait", FlagArity::kValue, "DURATION",
     "longest wait for Meta per account, throttling and reports together (default 15m)"},
    {"--meta-token-file", FlagArity::kValue, "PATH",
     "file holding the Meta access token (default: $META_ACCESS_TOKEN)"},
    {"--meta-app-secret-file", FlagArity::kValue, "PATH",
     "file holding the app secret, for appsecret_proof (default: $META_APP_SECRET)"},
};

}  // namespace rung::cli

#endif  // RUNG_CLI_META_FLAGS_H_
