#ifndef RUNG_IMPORT_FIELDS_H_
#define RUNG_IMPORT_FIELDS_H_

// Reading the cells and values of an imported file, shared by every format so
// that a bad number or date is refused with the same words everywhere.

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace rung::importer {

// INVALID_ARGUMENT "<place>: <message>", where the place names the row and
// the field: `line 7, column "Purchases"` or `data[3].spend`.
absl::Status PlaceError(absl::string_view place, absl::string_view message);

// `line 7, column "Amount spent (EUR)"`.
std::string CsvPlace(int line, absl::string_view column);

// The content without a leading UTF-8 byte order mark.
absl::string_view WithoutBom(absl::string_view content);

// An optional '-' and decimal digits, within int64. Errors quote the text but
// name no place: the caller knows it.
absl::StatusOr<int64_t> ParseInteger(absl::string_view text);

// A non-negative amount in currency units ("123.45", at most 6 decimals) as
// micros, by decimal arithmetic on the digits: no binary float ever rounds it.
absl::StatusOr<int64_t> ParseAmountMicros(absl::string_view amount);

// Removes ',' thousands separators when they group digits properly
// ("1,234,567.89" gives "1234567.89"). A comma anywhere else is an error, so
// that a decimal comma ("12,5") is never read as twelve thousand five.
absl::StatusOr<std::string> WithoutThousandsSeparators(absl::string_view number);

// Strictly "YYYY-MM-DD", with a day that exists.
std::optional<absl::CivilDay> ParseIsoDay(absl::string_view text);

// Meta's numeric ad account id ("1001") as the Graph API names the account
// ("act_1001"); an id that already has the prefix is kept.
std::string MetaAccountId(absl::string_view id);

}  // namespace rung::importer

#endif  // RUNG_IMPORT_FIELDS_H_
