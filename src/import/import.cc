#include "rung/import.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/text.h"
#include "import/csv_reader.h"
#include "import/fields.h"
#include "import/formats.h"
#include "import/json_document.h"
#include "nlohmann/json.hpp"
#include "rung/status_macros.h"

namespace rung {
namespace {

using importer::CsvTable;

constexpr std::pair<ImportFormat, std::string_view> kFormatNames[] = {
    {ImportFormat::kAuto, "auto"},
    {ImportFormat::kRungCsv, "rung-csv"},
    {ImportFormat::kRungJson, "rung-json"},
    {ImportFormat::kInsightsJson, "insights-json"},
    {ImportFormat::kAdsManagerCsv, "ads-manager-csv"},
};

// The formats a user can name, for messages.
std::string ConcreteFormatNames() {
  std::vector<absl::string_view> names;
  for (const auto& [format, name] : kFormatNames) {
    if (format != ImportFormat::kAuto) names.push_back(AsAbsl(name));
  }
  return absl::StrJoin(names, ", ");
}

bool HasExtension(std::string_view file_name, std::string_view extension) {
  return absl::EndsWithIgnoreCase(AsAbsl(file_name), AsAbsl(extension));
}

bool IsBlank(std::string_view content) {
  return absl::StripAsciiWhitespace(importer::WithoutBom(AsAbsl(content))).empty();
}

// By the extension, else by the first byte that is not blank: '{' or '['
// starts JSON, and anything else is taken for CSV.
bool LooksLikeJson(std::string_view content, std::string_view file_name) {
  if (HasExtension(file_name, ".json")) return true;
  if (HasExtension(file_name, ".csv")) return false;
  const absl::string_view text =
      absl::StripLeadingAsciiWhitespace(importer::WithoutBom(AsAbsl(content)));
  return absl::StartsWith(text, "{") || absl::StartsWith(text, "[");
}

bool IsJsonFormat(ImportFormat format) {
  return format == ImportFormat::kRungJson || format == ImportFormat::kInsightsJson;
}

absl::Status Undetectable(std::string_view file_name, std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("cannot tell the format of ", Quote(AsAbsl(file_name)), ": it is ", AsAbsl(what),
                   "; pass --format with one of ", ConcreteFormatNames()));
}

absl::StatusOr<ImportFormat> DetectJsonFormat(const nlohmann::json& document,
                                              std::string_view file_name) {
  const bool weeks = document.is_object() && document.contains("weeks");
  const bool insights =
      document.is_object() && (document.contains("data") || document.contains("error"));
  if (weeks && !insights) return ImportFormat::kRungJson;
  if (insights && !weeks) return ImportFormat::kInsightsJson;
  return Undetectable(file_name, weeks ? "a JSON object with both \"weeks\" and \"data\""
                                       : "JSON with neither a \"weeks\" array (rung-json) nor a "
                                         "\"data\" array (insights-json)");
}

absl::StatusOr<ImportFormat> DetectCsvFormat(const CsvTable& table, std::string_view file_name) {
  const bool ads_manager = importer::IsAdsManagerHeader(table.header);
  const bool rung_csv = importer::IsRungCsvHeader(table.header);
  if (ads_manager && !rung_csv) return ImportFormat::kAdsManagerCsv;
  if (rung_csv && !ads_manager) return ImportFormat::kRungCsv;
  return Undetectable(file_name,
                      "CSV whose header has neither \"Reporting starts\" (ads-manager-csv) nor "
                      "ad_set_id and week_start (rung-csv)");
}

absl::StatusOr<ImportedFile> ReadJson(std::string_view content, std::string_view file_name,
                                      ImportFormat format, const ImportOptions& options) {
  ASSIGN_OR_RETURN(const nlohmann::json document, importer::ParseJsonDocument(AsAbsl(content)));
  if (format == ImportFormat::kAuto) {
    ASSIGN_OR_RETURN(format, DetectJsonFormat(document, file_name));
  }
  ASSIGN_OR_RETURN(ImportedFile file, format == ImportFormat::kRungJson
                                          ? importer::ReadRungJson(document)
                                          : importer::ReadInsightsJson(document, options));
  file.format = format;
  return file;
}

absl::StatusOr<ImportedFile> ReadCsv(std::string_view content, std::string_view file_name,
                                     ImportFormat format, const ImportOptions& options) {
  ASSIGN_OR_RETURN(const CsvTable table, importer::ReadCsvTable(AsAbsl(content)));
  if (format == ImportFormat::kAuto) {
    ASSIGN_OR_RETURN(format, DetectCsvFormat(table, file_name));
  }
  ASSIGN_OR_RETURN(ImportedFile file, format == ImportFormat::kRungCsv
                                          ? importer::ReadRungCsv(table)
                                          : importer::ReadAdsManagerCsv(table, options));
  file.format = format;
  return file;
}

}  // namespace

std::string_view ImportFormatName(ImportFormat format) {
  for (const auto& [known, name] : kFormatNames) {
    if (known == format) return name;
  }
  return "unknown";
}

absl::StatusOr<ImportFormat> ImportFormatFromName(std::string_view name) {
  for (const auto& [format, known] : kFormatNames) {
    if (known == name) return format;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown format ", Quote(AsAbsl(name)), "; the formats are auto, ", ConcreteFormatNames()));
}

absl::StatusOr<ImportedFile> ParseImportFile(std::string_view content, std::string_view file_name,
                                             const ImportOptions& options) {
  if (IsBlank(content)) return absl::InvalidArgumentError("the file is empty");
  const ImportFormat format = options.format;
  const bool json =
      format == ImportFormat::kAuto ? LooksLikeJson(content, file_name) : IsJsonFormat(format);
  return json ? ReadJson(content, file_name, format, options)
              : ReadCsv(content, file_name, format, options);
}

}  // namespace rung
