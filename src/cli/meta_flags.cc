#include "cli/meta_flags.h"

#include <cstdlib>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "rung/status_macros.h"

namespace rung::cli {
namespace {

// A secret from `variable`, or from the file `flag` names (the flag wins).
// Trailing whitespace is dropped: files end in a newline.
absl::StatusOr<std::string> ReadSecret(const Invocation& invocation, absl::string_view flag,
                                       const char* variable) {
  if (invocation.Has(flag)) {
    const std::string path = invocation.Value(flag);
    absl::StatusOr<std::string> text = ReadWholeFile(path);
    if (!text.ok()) return UsageError(absl::StrCat(flag, ": cannot read '", path, "'"));
    return std::string(absl::StripTrailingAsciiWhitespace(*text));
  }
  const char* value = std::getenv(variable);
  return std::string(absl::StripTrailingAsciiWhitespace(value == nullptr ? "" : value));
}

}  // namespace

absl::StatusOr<MetaFlags> ReadMetaFlags(const Invocation& invocation) {
  MetaFlags flags;
  flags.graph.base_url = invocation.Value("--graph-url", flags.graph.base_url);
  if (!absl::StartsWith(flags.graph.base_url, "https://") &&
      !absl::StartsWith(flags.graph.base_url, "http://")) {
    return UsageError("--graph-url: give an http:// or https:// URL");
  }
  flags.graph.api_version = invocation.Value("--api-version", flags.graph.api_version);
  if (invocation.Has("--max-wait")) {
    ASSIGN_OR_RETURN(flags.graph.max_wait,
                     ParseTimeout("--max-wait", invocation.Value("--max-wait")));
  }
  ASSIGN_OR_RETURN(flags.credentials.access_token,
                   ReadSecret(invocation, "--meta-token-file", "META_ACCESS_TOKEN"));
  if (flags.credentials.access_token.empty()) {
    return UsageError("no Meta token: set META_ACCESS_TOKEN or pass --meta-token-file");
  }
  ASSIGN_OR_RETURN(flags.credentials.app_secret,
                   ReadSecret(invocation, "--meta-app-secret-file", "META_APP_SECRET"));
  return flags;
}

}  // namespace rung::cli
