#ifndef RUNG_IMPORT_H_
#define RUNG_IMPORT_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "rung/validation.h"

namespace rung {

// The file formats `rungctl ingest` reads.
enum class ImportFormat {
  kAuto,           // decided from the file name and its first bytes
  kRungCsv,        // the project's own CSV; docs/import-formats.md describes every format
  kRungJson,       // the project's own JSON: IngestWeeksRequest in protobuf's JSON mapping
  kInsightsJson,   // a Meta Insights API response, level=adset, time_increment=7
  kAdsManagerCsv,  // an Ads Manager "Export table data" CSV, weekly breakdown
};

// "auto", "rung-csv", "rung-json", "insights-json", "ads-manager-csv".
std::string_view ImportFormatName(ImportFormat format);
absl::StatusOr<ImportFormat> ImportFormatFromName(std::string_view name);

struct ImportOptions {
  ImportFormat format = ImportFormat::kAuto;
  // Used by formats whose rows may not say which event the ad set optimized
  // for (Insights, Ads Manager); a row that says so wins.
  std::string default_optimization_event;
  // Used when the file has no account column (some Ads Manager exports) or
  // an Insights row has no account_id.
  std::string default_account_id;
};

// One record read from a file, with where it came from, so that an error the
// daemon reports for a batch index can name the line or element.
struct ImportedRecord {
  RawAdSetWeek week;
  // "line 7" for CSV, "data[3]" (Insights) or "weeks[3]" (rung-json) for JSON.
  std::string source;
};

struct ImportedFile {
  ImportFormat format = ImportFormat::kAuto;  // the format actually read
  std::vector<ImportedRecord> records;
  // rung-json's requestId; empty for the other formats.
  std::string request_id;
  // Things the reader resolved or skipped on its own, such as an Insights
  // alias conflict settled by priority, or action types that are not events;
  // one line each.
  std::vector<std::string> notes;
};

// Reads a whole file's content (docs/import-formats.md describes each
// format). Errors are INVALID_ARGUMENT and name the place and the field:
// "line 7, column \"Amount spent (EUR)\": '12,x' is not a number: ...",
// "data[3].date_start: 2026-10-07 is a Wednesday; ...".
// Records are not validated beyond what the format itself needs: the daemon
// validates them like any other ingest.
absl::StatusOr<ImportedFile> ParseImportFile(std::string_view content, std::string_view file_name,
                                             const ImportOptions& options);

}  // namespace rung

#endif  // RUNG_IMPORT_H_
