#ifndef RUNG_CORE_PAGE_TOKEN_H_
#define RUNG_CORE_PAGE_TOKEN_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace rung {

// AIP-158 page tokens: opaque to clients, bound to the filter they were
// issued for, and carrying the last key of the page they follow.
struct PageCursor {
  std::string filter;     // a canonical text of the request's filter fields
  std::string after_key;  // the last key already returned
};

std::string EncodePageToken(const PageCursor& cursor);

// INVALID_ARGUMENT ("page_token: ...") for tokens this server never issued or
// issued for another filter than `expected_filter`.
absl::StatusOr<std::string> DecodePageToken(std::string_view token,
                                            std::string_view expected_filter);

// Trims a page fetched with one item more than `limit` (the extra item tells
// that another page follows) and answers the next page's token, or "" when
// this page is the last. `key_of(item)` is the paging key.
template <typename T, typename KeyOf>
std::string TrimPage(std::vector<T>& items, int limit, const std::string& filter, KeyOf key_of) {
  if (items.size() <= static_cast<size_t>(limit)) return "";
  items.resize(static_cast<size_t>(limit));
  return EncodePageToken({filter, key_of(items.back())});
}

// Applies AIP-158 to a requested size: 0 is the default, larger than the
// maximum is coerced, negative is INVALID_ARGUMENT ("page_size: ...").
absl::StatusOr<int> EffectivePageSize(int requested, int default_size, int max_size);

}  // namespace rung

#endif  // RUNG_CORE_PAGE_TOKEN_H_
