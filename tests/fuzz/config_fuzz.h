#ifndef RUNG_TESTS_FUZZ_CONFIG_FUZZ_H_
#define RUNG_TESTS_FUZZ_CONFIG_FUZZ_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "daemon/config.h"
#include "fuzz_check.h"

namespace rung {

// A config file's text, parsed and resolved as rungd does at start-up. Bad
// text is INVALID_ARGUMENT at either step, never anything else.
inline void FuzzConfig(bool json, const uint8_t* bytes, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(bytes), size);
  const absl::StatusOr<config::v1::Config> config = ParseConfigText(text, json, "fuzz");
  if (!config.ok()) {
    FUZZ_CHECK(absl::IsInvalidArgument(config.status()));
    return;
  }
  const absl::StatusOr<DaemonConfig> resolved = ResolveConfig(*config);
  FUZZ_CHECK(resolved.ok() || absl::IsInvalidArgument(resolved.status()));
}

}  // namespace rung

#endif  // RUNG_TESTS_FUZZ_CONFIG_FUZZ_H_
