#ifndef RUNG_CORE_DIGEST_H_
#define RUNG_CORE_DIGEST_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace rung {

// Lowercase hex SHA-256 of `text`: migration checksums and policy versions,
// which must not change between machines or releases.
absl::StatusOr<std::string> Sha256Hex(std::string_view text);

}  // namespace rung

#endif  // RUNG_CORE_DIGEST_H_
