#ifndef RUNG_IMPORT_FORMATS_H_
#define RUNG_IMPORT_FORMATS_H_

// One reader per file format. ParseImportFile (import.cc) decides the format,
// reads the CSV table or JSON document once, and hands it to one of these.
// Each returns its records and notes; the format is set by the caller.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "import/csv_reader.h"
#include "nlohmann/json_fwd.hpp"
#include "rung/import.h"

namespace rung::importer {

absl::StatusOr<ImportedFile> ReadRungCsv(const CsvTable& table);
absl::StatusOr<ImportedFile> ReadAdsManagerCsv(const CsvTable& table, const ImportOptions& options);
absl::StatusOr<ImportedFile> ReadRungJson(const nlohmann::json& document);
absl::StatusOr<ImportedFile> ReadInsightsJson(const nlohmann::json& document,
                                              const ImportOptions& options);

// What auto-detection looks for in a CSV header.
bool IsRungCsvHeader(const std::vector<std::string>& header);
bool IsAdsManagerHeader(const std::vector<std::string>& header);

}  // namespace rung::importer

#endif  // RUNG_IMPORT_FORMATS_H_
