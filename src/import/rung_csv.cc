// rung-csv: the project's own CSV, one ad set week per row, with the fields
// of rung.v1.AdSetWeek as columns and one count.<Event> column per event.
// An empty cell is an absent value.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/text.h"
#include "import/fields.h"
#include "import/formats.h"
#include "rung/status_macros.h"

namespace rung::importer {
namespace {

enum class Column {
  kAccountId,
  kCampaignId,
  kAdSetId,
  kWeekStart,
  kOptimizationEvent,
  kSpendMicros,
  kLadder,
  kReportedLearningStatus,
  kLearningThresholdOverride,
  kSignificantEdit,
  kCount,
};

struct ColumnSpec {
  absl::string_view name;
  Column column;
  // Required columns are those every record needs, so that a file missing
  // one fails once, at its header, rather than once per row at the daemon.
  bool required;
};

constexpr ColumnSpec kColumns[] = {
    {"account_id", Column::kAccountId, true},
    {"campaign_id", Column::kCampaignId, true},
    {"ad_set_id", Column::kAdSetId, true},
    {"week_start", Column::kWeekStart, true},
    {"optimization_event", Column::kOptimizationEvent, true},
    {"spend_micros", Column::kSpendMicros, false},
    {"ladder", Column::kLadder, false},
    {"reported_learning_status", Column::kReportedLearningStatus, false},
    {"learning_threshold_override", Column::kLearningThresholdOverride, false},
    {"significant_edit", Column::kSignificantEdit, false},
};

constexpr absl::string_view kCountPrefix = "count.";

// What one header cell holds: a field, or the count of `event`.
struct HeaderColumn {
  Column column;
  std::string event;
};

std::string KnownColumns() {
  std::vector<absl::string_view> names;
  for (const ColumnSpec& spec : kColumns) names.push_back(spec.name);
  return absl::StrCat(absl::StrJoin(names, ", "), ", and count.<Event> per event");
}

absl::StatusOr<HeaderColumn> ReadHeaderCell(const std::string& name, absl::string_view place) {
  if (absl::StartsWith(name, kCountPrefix)) {
    std::string event = name.substr(kCountPrefix.size());
    if (event.empty()) {
      return PlaceError(place,
                        "column \"count.\" names no event; write count.<Event>, such as "
                        "count.AddToCart");
    }
    return HeaderColumn{Column::kCount, std::move(event)};
  }
  for (const ColumnSpec& spec : kColumns) {
    if (name == spec.name) return HeaderColumn{spec.column, ""};
  }
  return PlaceError(
      place, absl::StrCat("unknown column ", Quote(name), "; the columns are ", KnownColumns()));
}

absl::StatusOr<std::vector<HeaderColumn>> ReadHeader(const CsvTable& table) {
  const std::string place = absl::StrCat("line ", table.header_line);
  std::vector<HeaderColumn> columns;
  for (size_t i = 0; i < table.header.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (table.header[j] == table.header[i]) {
        return PlaceError(
            place, absl::StrCat("column ", Quote(table.header[i]), " appears twice (columns ",
                                j + 1, " and ", i + 1, ")"));
      }
    }
    ASSIGN_OR_RETURN(HeaderColumn column, ReadHeaderCell(table.header[i], place));
    columns.push_back(std::move(column));
  }
  std::vector<absl::string_view> missing;
  for (const ColumnSpec& spec : kColumns) {
    if (!spec.required) continue;
    bool found = false;
    for (const HeaderColumn& column : columns) found = found || column.column == spec.column;
    if (!found) missing.push_back(spec.name);
  }
  if (!missing.empty()) {
    return PlaceError(place,
                      absl::StrCat("missing required column", missing.size() > 1 ? "s " : " ",
                                   absl::StrJoin(missing, ", ")));
  }
  return columns;
}

absl::StatusOr<std::optional<int64_t>> OptionalInteger(const std::string& cell) {
  if (cell.empty()) return std::optional<int64_t>();
  ASSIGN_OR_RETURN(const int64_t value, ParseInteger(cell));
  return std::optional<int64_t>(value);
}

absl::StatusOr<bool> ParseFlag(const std::string& cell) {
  const std::string lower = absl::AsciiStrToLower(cell);
  if (lower.empty() || lower == "false" || lower == "0") return false;
  if (lower == "true" || lower == "1") return true;
  return absl::InvalidArgumentError(
      absl::StrCat(Quote(cell, '\''), " is not true, false, 1, 0 or empty"));
}

absl::Status ReadCell(const HeaderColumn& column, const std::string& cell, RawAdSetWeek* week) {
  switch (column.column) {
    case Column::kAccountId: week->account_id = cell; break;
    case Column::kCampaignId: week->campaign_id = cell; break;
    case Column::kAdSetId: week->ad_set_id = cell; break;
    case Column::kWeekStart: week->week_start = cell; break;
    case Column::kOptimizationEvent: week->optimization_event = cell; break;
    case Column::kLadder: week->ladder = cell; break;
    case Column::kReportedLearningStatus: week->reported_learning_status = cell; break;
    case Column::kSpendMicros: {
      ASSIGN_OR_RETURN(week->spend_micros, OptionalInteger(cell));
      break;
    }
    case Column::kLearningThresholdOverride: {
      ASSIGN_OR_RETURN(week->learning_threshold_override, OptionalInteger(cell));
      break;
    }
    case Column::kSignificantEdit: {
      ASSIGN_OR_RETURN(week->significant_edit, ParseFlag(cell));
      break;
    }
    case Column::kCount: {
      ASSIGN_OR_RETURN(const std::optional<int64_t> count, OptionalInteger(cell));
      if (count) week->event_counts.emplace_back(column.event, *count);
      break;
    }
  }
  return absl::OkStatus();
}

}  // namespace

bool IsRungCsvHeader(const std::vector<std::string>& header) {
  const auto has = [&](absl::string_view name) {
    for (const std::string& cell : header) {
      if (cell == name) return true;
    }
    return false;
  };
  return has("ad_set_id") && has("week_start");
}

absl::StatusOr<ImportedFile> ReadRungCsv(const CsvTable& table) {
  ASSIGN_OR_RETURN(const std::vector<HeaderColumn> columns, ReadHeader(table));
  ImportedFile file;
  for (const CsvRow& row : table.rows) {
    RawAdSetWeek week;
    for (size_t i = 0; i < columns.size(); ++i) {
      const absl::Status status = ReadCell(columns[i], row.cells[i], &week);
      if (!status.ok()) return PlaceError(CsvPlace(row.line, table.header[i]), status.message());
    }
    file.records.push_back({std::move(week), absl::StrCat("line ", row.line)});
  }
  return file;
}

}  // namespace rung::importer
