#include "core/page_token.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace rung {
namespace {

constexpr char kTokenVersion[] = "r1";
// Ids and filters are printable ASCII, so a control byte separates safely.
constexpr char kSeparator = '\x1f';

}  // namespace

std::string EncodePageToken(const PageCursor& cursor) {
  return absl::WebSafeBase64Escape(absl::StrCat(kTokenVersion, std::string(1, kSeparator),
                                                cursor.filter, std::string(1, kSeparator),
                                                cursor.after_key));
}

absl::StatusOr<std::string> DecodePageToken(std::string_view token,
                                            std::string_view expected_filter) {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(absl::string_view(token.data(), token.size()), &raw)) {
    return absl::InvalidArgumentError("page_token: not a token this server issued");
  }
  std::vector<std::string> parts = absl::StrSplit(raw, kSeparator);
  if (parts.size() != 3 || parts[0] != kTokenVersion || parts[2].empty()) {
    return absl::InvalidArgumentError("page_token: not a token this server issued");
  }
  if (parts[1] != expected_filter) {
    return absl::InvalidArgumentError(
        "page_token: was issued for a different filter; repeat the first request's filter "
        "or start again without a token");
  }
  return parts[2];
}

absl::StatusOr<int> EffectivePageSize(int requested, int default_size, int max_size) {
  if (requested < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size: must be 0 or more, got ", requested));
  }
  if (requested == 0) return std::min(default_size, max_size);
  return std::min(requested, max_size);
}

}  // namespace rung
