// A rungd config file in textproto: see config_fuzz.h.

#include <cstddef>
#include <cstdint>

#include "config_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  rung::FuzzConfig(/*json=*/false, bytes, size);
  return 0;
}
