#ifndef RUNG_API_ETAG_H_
#define RUNG_API_ETAG_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rung {

// A strong entity tag for a response body: the first 32 hex digits of its
// SHA-256, quoted. Equal bodies, equal tags, on any replica and after any
// restart, so dashboards revalidate cheaply wherever they land.
absl::StatusOr<std::string> EntityTag(absl::string_view body);

// Whether an If-None-Match header value lets the server answer 304 for a
// resource tagged `etag` (a strong tag, as EntityTag makes): "*", or a
// comma-separated list naming the tag. Tags are compared weakly (a "W/" in
// the list is ignored), as RFC 9110 section 13.1.2 asks of If-None-Match. A malformed list matches
// nothing, so a confused client gets the full body rather than a stale cache.
bool IfNoneMatchHits(absl::string_view if_none_match, absl::string_view etag);

}  // namespace rung

#endif  // RUNG_API_ETAG_H_
