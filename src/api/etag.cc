#include "api/etag.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "core/digest.h"
#include "rung/status_macros.h"

namespace rung {

absl::StatusOr<std::string> EntityTag(absl::string_view body) {
  ASSIGN_OR_RETURN(std::string digest, Sha256Hex(std::string_view(body.data(), body.size())));
  return absl::StrCat("\"", digest.substr(0, 32), "\"");
}

bool IfNoneMatchHits(absl::string_view if_none_match, absl::string_view etag) {
  absl::string_view rest = absl::StripAsciiWhitespace(if_none_match);
  if (rest == "*") return true;
  // entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE; a comma may sit inside the
  // quotes, so the list is scanned tag by tag rather than split at commas.
  while (true) {
    rest = absl::StripLeadingAsciiWhitespace(rest);
    absl::ConsumePrefix(&rest, "W/");  // the weak comparison
    if (rest.empty() || rest.front() != '"') return false;
    const size_t close = rest.find('"', 1);
    if (close == absl::string_view::npos) return false;
    if (rest.substr(0, close + 1) == etag) return true;
    rest = absl::StripLeadingAsciiWhitespace(rest.substr(close + 1));
    if (!absl::ConsumePrefix(&rest, ",")) return false;
  }
}

}  // namespace rung
