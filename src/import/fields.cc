#include "import/fields.h"

#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "core/text.h"

namespace rung::importer {
namespace {

constexpr int kMicrosDecimals = 6;
constexpr int64_t kMicrosPerUnit = 1000000;
constexpr int64_t kMaxInt64 = std::numeric_limits<int64_t>::max();

bool IsDigits(absl::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// `digits` (non-empty, all digits) times 10^`scale`, or false on overflow.
bool ScaledDigits(absl::string_view digits, int scale, int64_t* out) {
  int64_t value = 0;
  for (char c : digits) {
    if (value > (kMaxInt64 - (c - '0')) / 10) return false;
    value = value * 10 + (c - '0');
  }
  for (int i = 0; i < scale; ++i) {
    if (value > kMaxInt64 / 10) return false;
    value *= 10;
  }
  *out = value;
  return true;
}

}  // namespace

absl::Status PlaceError(absl::string_view place, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(place, ": ", message));
}

std::string CsvPlace(int line, absl::string_view column) {
  return absl::StrCat("line ", line, ", column ", Quote(column));
}

absl::string_view WithoutBom(absl::string_view content) {
  constexpr absl::string_view kBom = "\xEF\xBB\xBF";
  if (content.substr(0, kBom.size()) == kBom) content.remove_prefix(kBom.size());
  return content;
}

absl::StatusOr<int64_t> ParseInteger(absl::string_view text) {
  absl::string_view digits = text;
  const bool negative = absl::ConsumePrefix(&digits, "-");
  if (!IsDigits(digits)) {
    return absl::InvalidArgumentError(absl::StrCat(Quote(text, '\''), " is not a whole number"));
  }
  // Parsed as magnitude, so int64's minimum is the one value out of reach.
  int64_t magnitude = 0;
  if (!ScaledDigits(digits, 0, &magnitude)) {
    return absl::InvalidArgumentError(
        absl::StrCat(Quote(text, '\''), " is out of range for a 64-bit integer"));
  }
  return negative ? -magnitude : magnitude;
}

absl::StatusOr<int64_t> ParseAmountMicros(absl::string_view amount) {
  const std::string quoted = Quote(amount, '\'');
  if (absl::StartsWith(amount, "-")) {
    return absl::InvalidArgumentError(absl::StrCat(quoted, " is negative; spend is 0 or more"));
  }
  const size_t point = amount.find('.');
  const absl::string_view whole = amount.substr(0, point);
  const absl::string_view fraction =
      point == absl::string_view::npos ? absl::string_view() : amount.substr(point + 1);
  const bool has_point = point != absl::string_view::npos;
  if (!IsDigits(whole) || (has_point && !IsDigits(fraction))) {
    if (!amount.empty() && absl::ascii_isdigit(static_cast<unsigned char>(amount[0])) &&
        (absl::StrContains(amount, 'e') || absl::StrContains(amount, 'E'))) {
      return absl::InvalidArgumentError(
          absl::StrCat(quoted, " has an exponent; write the amount as plain decimal digits"));
    }
    return absl::InvalidArgumentError(
        absl::StrCat(quoted, " is not an amount: expected digits with an optional '.' and up to ",
                     kMicrosDecimals, " decimals, such as 123.45"));
  }
  if (fraction.size() > kMicrosDecimals) {
    return absl::InvalidArgumentError(absl::StrCat(quoted, " has more than ", kMicrosDecimals,
                                                   " decimals; spend is kept in micros"));
  }
  int64_t units = 0;
  int64_t micros = 0;
  if (!ScaledDigits(whole, 0, &units) || units > kMaxInt64 / kMicrosPerUnit ||
      (has_point &&
       !ScaledDigits(fraction, kMicrosDecimals - static_cast<int>(fraction.size()), &micros))) {
    return absl::InvalidArgumentError(absl::StrCat(quoted, " is too large"));
  }
  const int64_t whole_micros = units * kMicrosPerUnit;
  if (whole_micros > kMaxInt64 - micros) {
    return absl::InvalidArgumentError(absl::StrCat(quoted, " is too large"));
  }
  return whole_micros + micros;
}

absl::StatusOr<std::string> WithoutThousandsSeparators(absl::string_view number) {
  if (!absl::StrContains(number, ',')) return std::string(number);
  const size_t point = number.find('.');
  const absl::string_view whole = number.substr(0, point);
  // Groups of exactly three digits after a first group of one to three.
  std::string plain;
  size_t group_start = 0;
  bool first = true;
  while (true) {
    const size_t comma = whole.find(',', group_start);
    const absl::string_view group = whole.substr(group_start, comma - group_start);
    const bool well_sized = first ? !group.empty() && group.size() <= 3 : group.size() == 3;
    if (!well_sized || !IsDigits(group)) {
      return absl::InvalidArgumentError(absl::StrCat(
          Quote(number, '\''),
          " is not a number: ',' may only separate thousands, as in 1,234.56 (a decimal comma "
          "is not read; export with '.' as the decimal point)"));
    }
    plain.append(group.data(), group.size());
    if (comma == absl::string_view::npos) break;
    group_start = comma + 1;
    first = false;
  }
  if (point != absl::string_view::npos) {
    const absl::string_view rest = number.substr(point);
    if (absl::StrContains(rest, ',')) {
      return absl::InvalidArgumentError(
          absl::StrCat(Quote(number, '\''), " is not a number: ',' after the decimal point"));
    }
    plain.append(rest.data(), rest.size());
  }
  return plain;
}

std::optional<absl::CivilDay> ParseIsoDay(absl::string_view text) {
  absl::CivilDay day;
  // The round trip refuses what ParseCivilTime forgives: "2026-1-5", and
  // "2026-02-30" normalized into March.
  if (!absl::ParseCivilTime(text, &day) || absl::FormatCivilTime(day) != text) {
    return std::nullopt;
  }
  return day;
}

std::string MetaAccountId(absl::string_view id) {
  if (IsDigits(id)) return absl::StrCat("act_", id);
  return std::string(id);
}

}  // namespace rung::importer
