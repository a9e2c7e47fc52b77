// The project's own JSON (IngestWeeksRequest), read by its importer: see import_fuzz.h.

#include <cstddef>
#include <cstdint>

#include "import_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  rung::FuzzImport(rung::ImportFormat::kRungJson, bytes, size);
  return 0;
}
