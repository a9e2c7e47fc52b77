// ads-manager-csv: Ads Manager's "Export table data" CSV at the ad set
// level with the weekly time breakdown. Its headers are matched loosely
// (case, surrounding spaces, a currency suffix such as " (EUR)"), because
// they change with the account's language settings and currency.

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "core/text.h"
#include "import/fields.h"
#include "import/formats.h"
#include "import/meta_rows.h"
#include "rung/status_macros.h"

namespace rung::importer {
namespace {

enum class Field {
  kReportingStarts,
  kReportingEnds,
  kAdSetId,
  kCampaignId,
  kAccountId,
  kAmountSpent,
  kDelivery,
  kResultIndicator,
  kOptimizationEvent,
};
constexpr size_t kFieldCount = 9;

struct FieldColumn {
  Field field;
  // Ads Manager's spelling first; an empty name is unused.
  std::array<absl::string_view, 2> names;
  bool required;
};

// "Starts" and "Ends" are deliberately absent: they are the ad set's
// schedule, not the reporting week.
constexpr FieldColumn kFieldColumns[kFieldCount] = {
    {Field::kReportingStarts, {"Reporting starts"}, true},
    {Field::kReportingEnds, {"Reporting ends"}, true},
    {Field::kAdSetId, {"Ad set ID", "Adset ID"}, true},
    {Field::kCampaignId, {"Campaign ID"}, true},
    // Unless ImportOptions::default_account_id stands in for it.
    {Field::kAccountId, {"Account ID"}, true},
    {Field::kAmountSpent, {"Amount spent"}, false},
    {Field::kDelivery, {"Delivery", "Ad set delivery"}, false},
    {Field::kResultIndicator, {"Result indicator"}, false},
    {Field::kOptimizationEvent, {"Optimization event"}, false},
};

// A column counting one event. Ads Manager's plain column ("Purchases")
// counts every channel, like Insights' omni_ spelling, and ranks before the
// pixel-only "Website ..." column. "Landing page views" is not here: it
// counts landing page loads after a click, not the PageView pixel event.
struct EventColumn {
  absl::string_view name;
  absl::string_view event;
  int priority;
};

constexpr EventColumn kEventColumns[] = {
    {"Content views", "ViewContent", 0},
    {"Website content views", "ViewContent", 1},
    {"Searches", "Search", 0},
    {"Website searches", "Search", 1},
    {"Adds to wishlist", "AddToWishlist", 0},
    {"Website adds to wishlist", "AddToWishlist", 1},
    {"Adds to cart", "AddToCart", 0},
    {"Website adds to cart", "AddToCart", 1},
    {"Checkouts initiated", "InitiateCheckout", 0},
    {"Website checkouts initiated", "InitiateCheckout", 1},
    {"Adds of payment info", "AddPaymentInfo", 0},
    {"Website adds of payment info", "AddPaymentInfo", 1},
    {"Purchases", "Purchase", 0},
    {"Website purchases", "Purchase", 1},
    {"Leads", "Lead", 0},
    {"Website leads", "Lead", 1},
    {"Registrations completed", "CompleteRegistration", 0},
    {"Website registrations completed", "CompleteRegistration", 1},
    {"Contacts", "Contact", 0},
    {"Website contacts", "Contact", 1},
    {"Trials started", "StartTrial", 0},
    {"Website trials started", "StartTrial", 1},
    {"Subscriptions", "Subscribe", 0},
    {"Website subscriptions", "Subscribe", 1},
};

constexpr absl::string_view kDateAdvice =
    "export with the weekly breakdown over a date range that starts on a Monday and ends on a "
    "Sunday";

absl::string_view Trimmed(const std::string& cell) { return absl::StripAsciiWhitespace(cell); }

// Lower case, trimmed, without a trailing currency code in parentheses.
std::string HeaderKey(absl::string_view header) {
  absl::string_view key = absl::StripAsciiWhitespace(header);
  if (key.size() > 5 && absl::EndsWith(key, ")") && key[key.size() - 5] == '(') {
    const absl::string_view code = key.substr(key.size() - 4, 3);
    if (std::all_of(code.begin(), code.end(),
                    [](char c) { return absl::ascii_isupper(static_cast<unsigned char>(c)); })) {
      key = absl::StripTrailingAsciiWhitespace(key.substr(0, key.size() - 5));
    }
  }
  return absl::AsciiStrToLower(key);
}

bool IsField(absl::string_view header, const FieldColumn& column) {
  const std::string key = HeaderKey(header);
  for (absl::string_view name : column.names) {
    if (!name.empty() && key == HeaderKey(name)) return true;
  }
  return false;
}

// Which cell holds what, from the header.
struct Layout {
  std::array<std::optional<size_t>, kFieldCount> fields;
  std::vector<std::pair<size_t, const EventColumn*>> events;
  std::vector<std::string> ignored;

  const std::optional<size_t>& operator[](Field field) const {
    return fields[static_cast<size_t>(field)];
  }
};

std::string QuotedList(const std::vector<std::string>& names) {
  std::vector<std::string> quoted;
  for (const std::string& name : names) quoted.push_back(Quote(name));
  return absl::StrJoin(quoted, ", ");
}

std::string LookedFor(const FieldColumn& column) {
  std::vector<absl::string_view> names;
  for (absl::string_view name : column.names) {
    if (!name.empty()) names.push_back(name);
  }
  return absl::StrCat(Quote(column.names[0]), " (looked for: ", absl::StrJoin(names, ", "),
                      ", in any case, with or without a currency suffix)");
}

// Records which cell holds `what`, refusing a second cell for it.
absl::Status Claim(const CsvTable& table, size_t cell, std::optional<size_t>* slot,
                   absl::string_view what) {
  if (*slot) {
    return PlaceError(absl::StrCat("line ", table.header_line),
                      absl::StrCat("columns ", Quote(table.header[**slot]), " and ",
                                   Quote(table.header[cell]), " both mean ", what));
  }
  *slot = cell;
  return absl::OkStatus();
}

absl::StatusOr<Layout> ReadLayout(const CsvTable& table, const ImportOptions& options) {
  Layout layout;
  std::map<const EventColumn*, std::optional<size_t>> event_cells;
  for (size_t cell = 0; cell < table.header.size(); ++cell) {
    const std::string& header = table.header[cell];
    bool used = false;
    for (const FieldColumn& column : kFieldColumns) {
      if (!IsField(header, column)) continue;
      RETURN_IF_ERROR(
          Claim(table, cell, &layout.fields[static_cast<size_t>(column.field)], column.names[0]));
      used = true;
    }
    for (const EventColumn& column : kEventColumns) {
      if (HeaderKey(header) != HeaderKey(column.name)) continue;
      RETURN_IF_ERROR(Claim(table, cell, &event_cells[&column], column.name));
      layout.events.emplace_back(cell, &column);
      used = true;
    }
    if (!used) layout.ignored.push_back(header);
  }
  std::vector<std::string> missing;
  for (const FieldColumn& column : kFieldColumns) {
    if (!column.required || layout[column.field]) continue;
    if (column.field != Field::kAccountId) {
      missing.push_back(LookedFor(column));
    } else if (options.default_account_id.empty()) {
      missing.push_back(absl::StrCat(LookedFor(column), ", or pass --account"));
    }
  }
  if (!missing.empty()) {
    return PlaceError(
        absl::StrCat("line ", table.header_line),
        absl::StrCat("Ads Manager CSV: missing column", missing.size() > 1 ? "s " : " ",
                     absl::StrJoin(missing, "; "), "; found: ", QuotedList(table.header)));
  }
  return layout;
}

// Ads Manager writes YYYY-MM-DD; YYYY/MM/DD and DD.MM.YYYY are read too
// because they cannot be misread. NN/NN/YYYY can (October 5 or May 10?).
absl::StatusOr<std::string> IsoDate(absl::string_view date) {
  const char separator = absl::StrContains(date, '/') ? '/' : '.';
  const std::vector<absl::string_view> parts = absl::StrSplit(date, separator);
  const auto padded = [](absl::string_view part) {
    return part.size() == 1 ? absl::StrCat("0", part) : std::string(part);
  };
  if (parts.size() == 3 && parts[0].size() == 4) {
    return absl::StrCat(parts[0], "-", padded(parts[1]), "-", padded(parts[2]));
  }
  if (parts.size() == 3 && parts[2].size() == 4 && separator == '.') {
    return absl::StrCat(parts[2], "-", padded(parts[1]), "-", padded(parts[0]));
  }
  if (parts.size() == 3 && parts[2].size() == 4) {
    return absl::InvalidArgumentError(
        absl::StrCat(Quote(date, '\''),
                     " could be month/day or day/month; export dates as "
                     "YYYY-MM-DD"));
  }
  return std::string(date);  // YYYY-MM-DD, or junk that the week check names
}

// "Learning limited" is how Ads Manager shows what the API calls FAIL; any
// other delivery ("Active", "Not delivering", ...) reports no learning phase.
std::string LearningStatusOfDelivery(absl::string_view delivery) {
  const std::string key = absl::AsciiStrToLower(absl::StripAsciiWhitespace(delivery));
  if (key == "learning") return "LEARNING";
  if (key == "learning limited") return "FAIL";
  return "";
}

absl::StatusOr<int64_t> ParseCount(absl::string_view cell) {
  ASSIGN_OR_RETURN(const std::string digits, WithoutThousandsSeparators(cell));
  return ParseInteger(digits);
}

absl::StatusOr<int64_t> ParseSpend(absl::string_view cell) {
  if (cell.empty()) return 0;
  ASSIGN_OR_RETURN(const std::string amount, WithoutThousandsSeparators(cell));
  return ParseAmountMicros(amount);
}

// Reads the rows of one export against its layout.
class AdsManagerReader {
 public:
  AdsManagerReader(const CsvTable& table, const Layout& layout, const ImportOptions& options)
      : table_(table), layout_(layout), options_(options) {}

  // nullopt for a row without an ad set id: the totals row Ads Manager adds.
  absl::StatusOr<std::optional<RawAdSetWeek>> ReadRow(const CsvRow& row) {
    RawAdSetWeek week;
    week.ad_set_id = Cell(row, Field::kAdSetId);
    if (week.ad_set_id.empty()) {
      skipped_lines_.push_back(row.line);
      return std::optional<RawAdSetWeek>();
    }
    week.campaign_id = Cell(row, Field::kCampaignId);
    const std::string account = Cell(row, Field::kAccountId);
    week.account_id = account.empty() ? options_.default_account_id : MetaAccountId(account);
    ASSIGN_OR_RETURN(week.week_start, WeekStart(row));
    ASSIGN_OR_RETURN(week.spend_micros, Read(row, Field::kAmountSpent, ParseSpend));
    ASSIGN_OR_RETURN(week.event_counts, EventCounts(row, week));
    ASSIGN_OR_RETURN(week.optimization_event, OptimizationEvent(row));
    return std::optional<RawAdSetWeek>(std::move(week));
  }

  std::string LearningStatus(const CsvRow& row) const {
    return LearningStatusOfDelivery(Cell(row, Field::kDelivery));
  }

  std::vector<std::string> TakeNotes() {
    if (!skipped_lines_.empty()) {
      notes_.push_back(absl::StrCat("rows without an ad set ID (totals) were skipped: line",
                                    skipped_lines_.size() > 1 ? "s " : " ",
                                    absl::StrJoin(skipped_lines_, ", ")));
    }
    if (!layout_.ignored.empty()) {
      notes_.push_back(absl::StrCat("columns not read: ", QuotedList(layout_.ignored)));
    }
    return std::move(notes_);
  }

 private:
  // The trimmed cell of `field`, or "" when the export has no such column.
  std::string Cell(const CsvRow& row, Field field) const {
    const std::optional<size_t>& cell = layout_[field];
    return cell ? std::string(Trimmed(row.cells[*cell])) : "";
  }

  std::string Place(const CsvRow& row, size_t cell) const {
    return CsvPlace(row.line, table_.header[cell]);
  }

  // The cell of `field` read by `parse`; nullopt when there is no such
  // column. Errors name the cell.
  template <typename T>
  absl::StatusOr<std::optional<T>> Read(const CsvRow& row, Field field,
                                        absl::StatusOr<T> (*parse)(absl::string_view)) const {
    const std::optional<size_t>& cell = layout_[field];
    if (!cell) return std::optional<T>();
    absl::StatusOr<T> value = parse(Trimmed(row.cells[*cell]));
    if (!value.ok()) return PlaceError(Place(row, *cell), value.status().message());
    return std::optional<T>(*std::move(value));
  }

  absl::StatusOr<std::string> WeekStart(const CsvRow& row) const {
    const size_t start_cell = *layout_[Field::kReportingStarts];
    const size_t stop_cell = *layout_[Field::kReportingEnds];
    ASSIGN_OR_RETURN(const std::optional<std::string> start,
                     Read(row, Field::kReportingStarts, IsoDate));
    ASSIGN_OR_RETURN(const std::optional<std::string> stop,
                     Read(row, Field::kReportingEnds, IsoDate));
    return WeekOfReportingDates(
        *start, *stop,
        {Place(row, start_cell), Place(row, stop_cell), table_.header[start_cell], kDateAdvice});
  }

  // An empty count cell is Ads Manager's zero; it never outranks another
  // column of the same event that has a number.
  absl::StatusOr<std::vector<std::pair<std::string, int64_t>>> EventCounts(
      const CsvRow& row, const RawAdSetWeek& week) {
    EventAliases aliases;
    for (const auto& [cell, column] : layout_.events) {
      const absl::string_view text = Trimmed(row.cells[cell]);
      if (text.empty()) continue;
      absl::StatusOr<int64_t> count = ParseCount(text);
      if (!count.ok()) return PlaceError(Place(row, cell), count.status().message());
      aliases.Add(column->event, table_.header[cell], column->priority, *count);
    }
    ASSIGN_OR_RETURN(auto counts, aliases.Resolve(
                                      [&] {
                                        return absl::StrCat("line ", row.line, " (ad set ",
                                                            week.ad_set_id, ", week ",
                                                            week.week_start, ")");
                                      },
                                      &notes_));
    for (const auto& [cell, column] : layout_.events) {
      // A named view: C++17 lambdas cannot capture structured bindings (Clang refuses).
      const absl::string_view event = column->event;
      const auto counted = [&event](const auto& entry) { return entry.first == event; };
      if (std::none_of(counts.begin(), counts.end(), counted)) counts.emplace_back(event, 0);
    }
    return counts;
  }

  // The "Optimization event" cell, else the event of the "Result indicator"
  // (actions:offsite_conversion.fb_pixel_purchase is Purchase), else the
  // default.
  absl::StatusOr<std::string> OptimizationEvent(const CsvRow& row) const {
    std::string event = Cell(row, Field::kOptimizationEvent);
    if (!event.empty()) return event;
    // "actions:<action type>" or "conversions:<action type>".
    const std::string indicator = Cell(row, Field::kResultIndicator);
    const size_t colon = indicator.find(':');
    if (colon != std::string::npos) {
      const std::optional<ActionEvent> result =
          EventOfActionType(absl::string_view(indicator).substr(colon + 1),
                            absl::StartsWith(indicator, "conversions:"));
      if (result) return result->event;
    }
    if (!options_.default_optimization_event.empty()) return options_.default_optimization_event;
    return PlaceError(
        absl::StrCat("line ", row.line),
        absl::StrCat("no optimization event: the row has no \"Optimization event\"",
                     indicator.empty() ? " and no \"Result indicator\""
                                       : absl::StrCat(" and its \"Result indicator\" ",
                                                      Quote(indicator), " is not a standard event"),
                     "; pass --optimization-event"));
  }

  const CsvTable& table_;
  const Layout& layout_;
  const ImportOptions& options_;
  std::vector<int> skipped_lines_;
  std::vector<std::string> notes_;
};

// Delivery is the ad set's state when the report was exported, repeated on
// every week of it; it can only describe the latest week.
void ApplyDelivery(const std::vector<std::string>& statuses, ImportedFile* file) {
  std::map<std::string, size_t> latest;
  for (size_t i = 0; i < file->records.size(); ++i) {
    const RawAdSetWeek& week = file->records[i].week;
    const auto [it, inserted] = latest.try_emplace(week.ad_set_id, i);
    if (!inserted && file->records[it->second].week.week_start < week.week_start) it->second = i;
  }
  for (const auto& [ad_set_id, index] : latest) {
    file->records[index].week.reported_learning_status = statuses[index];
  }
}

}  // namespace

bool IsAdsManagerHeader(const std::vector<std::string>& header) {
  return std::any_of(header.begin(), header.end(), [](const std::string& cell) {
    return IsField(cell, kFieldColumns[static_cast<size_t>(Field::kReportingStarts)]);
  });
}

absl::StatusOr<ImportedFile> ReadAdsManagerCsv(const CsvTable& table,
                                               const ImportOptions& options) {
  ASSIGN_OR_RETURN(const Layout layout, ReadLayout(table, options));
  AdsManagerReader reader(table, layout, options);
  ImportedFile file;
  std::vector<std::string> statuses;
  for (const CsvRow& row : table.rows) {
    ASSIGN_OR_RETURN(std::optional<RawAdSetWeek> week, reader.ReadRow(row));
    if (!week) continue;
    file.records.push_back({*std::move(week), absl::StrCat("line ", row.line)});
    statuses.push_back(reader.LearningStatus(row));
  }
  ApplyDelivery(statuses, &file);
  file.notes = reader.TakeNotes();
  return file;
}

}  // namespace rung::importer
