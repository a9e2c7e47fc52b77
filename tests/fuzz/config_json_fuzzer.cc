// A rungd config file in JSON: see config_fuzz.h.

#include <cstddef>
#include <cstdint>

#include "config_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  rung::FuzzConfig(/*json=*/true, bytes, size);
  return 0;
}
