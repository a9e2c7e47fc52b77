#ifndef RUNG_TESTS_FUZZ_IMPORT_FUZZ_H_
#define RUNG_TESTS_FUZZ_IMPORT_FUZZ_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/civil_time.h"
#include "fuzz_check.h"
#include "rung/import.h"
#include "rung/validation.h"

namespace rung {

// One importer with its format forced, on a whole file. Whatever the bytes,
// it either reads records that each say where they came from, or fails with
// INVALID_ARGUMENT; what it reads then goes through validation, as the
// daemon would do with it.
inline void FuzzImport(ImportFormat format, const uint8_t* bytes, size_t size) {
  static const LadderRegistry ladders = LadderRegistry::BuiltIn();
  ImportOptions options;
  options.format = format;
  options.default_optimization_event = "Purchase";
  options.default_account_id = "act_1";
  const std::string_view content(reinterpret_cast<const char*>(bytes), size);
  const absl::StatusOr<ImportedFile> file = ParseImportFile(content, "fuzz", options);
  if (!file.ok()) {
    FUZZ_CHECK(absl::IsInvalidArgument(file.status()));
    FUZZ_CHECK(!file.status().message().empty());
    return;
  }
  FUZZ_CHECK(file->format == format);
  for (size_t i = 0; i < file->records.size(); ++i) {
    FUZZ_CHECK(!file->records[i].source.empty());
    std::vector<std::string> warnings;
    const absl::StatusOr<AdSetWeek> record =
        ValidateRecord(file->records[i].week, i, ladders, absl::CivilDay(2026, 11, 18), &warnings);
    FUZZ_CHECK(record.ok() || absl::IsInvalidArgument(record.status()));
  }
}

}  // namespace rung

#endif  // RUNG_TESTS_FUZZ_IMPORT_FUZZ_H_
