#include "import/json_document.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "import/fields.h"

namespace rung::importer {
namespace {

using nlohmann::json;

// Integral doubles up to 2^53 hold their value exactly.
constexpr double kMaxExactDouble = 9007199254740992.0;

// nlohmann's message without its "[json.exception...] parse error at line
// L, column C: " prefix, which this reader words itself.
std::string ParseErrorDetail(const json::parse_error& error) {
  const std::string message = error.what();
  const size_t column = message.find(", column ");
  const size_t colon = column == std::string::npos ? column : message.find(": ", column);
  return colon == std::string::npos ? message : message.substr(colon + 2);
}

// nlohmann's message without its "[json.exception.<kind>.<id>] " prefix.
std::string WithoutExceptionId(const json::exception& error) {
  const std::string message = error.what();
  const size_t end = message.find("] ");
  return end == std::string::npos ? message : message.substr(end + 2);
}

struct TextPosition {
  int line = 1;
  int column = 1;
};

TextPosition PositionOf(absl::string_view content, size_t byte) {
  TextPosition position;
  for (size_t i = 0; i < std::min(byte, content.size()); ++i) {
    if (content[i] == '\n') {
      ++position.line;
      position.column = 1;
    } else {
      ++position.column;
    }
  }
  return position;
}

absl::Status TypeError(const json& value, absl::string_view place, absl::string_view expected) {
  return PlaceError(place, absl::StrCat("expected ", expected, ", got ", value.type_name()));
}

}  // namespace

absl::StatusOr<json> ParseJsonDocument(absl::string_view content) {
  try {
    return json::parse(content.begin(), content.end());
  } catch (const json::parse_error& error) {
    // nlohmann counts bytes from 1 and stops one past the end on a truncation.
    const size_t byte = error.byte == 0 ? 0 : error.byte - 1;
    const TextPosition at = PositionOf(content, byte);
    return absl::InvalidArgumentError(
        absl::StrCat("not valid JSON at line ", at.line, ", column ", at.column, " (byte ", byte,
                     "): ", ParseErrorDetail(error),
                     byte >= content.size() ? "; the file ends early: is it truncated?" : ""));
  } catch (const json::out_of_range& error) {
    // A number past a double's range, such as 1e400; nlohmann gives no position.
    return absl::InvalidArgumentError(
        absl::StrCat("not valid JSON: ", WithoutExceptionId(error), " (out of a double's range)"));
  }
}

std::string MemberPlace(absl::string_view place, absl::string_view key) {
  return absl::StrCat(place, ".", key);
}

std::string ElementPlace(absl::string_view place, size_t index) {
  return absl::StrCat(place, "[", index, "]");
}

absl::StatusOr<std::optional<std::string>> OptionalString(const json& value,
                                                          absl::string_view place) {
  if (value.is_null()) return std::optional<std::string>();
  if (!value.is_string()) return TypeError(value, place, "a string");
  return std::optional<std::string>(value.get<std::string>());
}

absl::StatusOr<std::optional<int64_t>> OptionalInt64(const json& value, absl::string_view place) {
  switch (value.type()) {
    case json::value_t::null: return std::optional<int64_t>();
    case json::value_t::number_integer: return std::optional<int64_t>(value.get<int64_t>());
    case json::value_t::number_unsigned:
      if (value.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return PlaceError(place,
                          absl::StrCat(value.dump(), " is out of range for a 64-bit integer"));
      }
      return std::optional<int64_t>(value.get<int64_t>());
    case json::value_t::number_float: {
      const double number = value.get<double>();
      if (std::trunc(number) != number || std::fabs(number) > kMaxExactDouble) {
        return PlaceError(place, absl::StrCat(value.dump(), " is not a whole number"));
      }
      return std::optional<int64_t>(static_cast<int64_t>(number));
    }
    case json::value_t::string: {
      absl::StatusOr<int64_t> number = ParseInteger(value.get<std::string>());
      if (!number.ok()) return PlaceError(place, number.status().message());
      return std::optional<int64_t>(*number);
    }
    default: return TypeError(value, place, "an integer (a number or a string of digits)");
  }
}

absl::Status CheckObject(const json& value, absl::string_view place) {
  return value.is_object() ? absl::OkStatus() : TypeError(value, place, "an object");
}

absl::Status CheckArray(const json& value, absl::string_view place) {
  return value.is_array() ? absl::OkStatus() : TypeError(value, place, "an array");
}

}  // namespace rung::importer
