#include "core/ids.h"

#include <cstdint>

#include "absl/random/random.h"
#include "absl/strings/str_format.h"
#include "core/text.h"

namespace rung {

std::string NewId(std::string_view prefix) {
  // One generator per thread: absl::BitGen is not safe to share.
  thread_local absl::BitGen generator;
  return absl::StrFormat("%s%016x", AsAbsl(prefix), absl::Uniform<uint64_t>(generator));
}

}  // namespace rung
