#ifndef RUNG_IMPORT_JSON_DOCUMENT_H_
#define RUNG_IMPORT_JSON_DOCUMENT_H_

// Reading the JSON formats, shared by the project's JSON and Insights'.

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace rung::importer {

// Parses a whole file. Malformed or truncated JSON is INVALID_ARGUMENT naming
// the line, column and byte where parsing stopped.
absl::StatusOr<nlohmann::json> ParseJsonDocument(absl::string_view content);

// `place` + "." + `key`, and `place` + "[index]".
std::string MemberPlace(absl::string_view place, absl::string_view key);
std::string ElementPlace(absl::string_view place, size_t index);

// A string value. null reads as absent; another type is an error at `place`.
absl::StatusOr<std::optional<std::string>> OptionalString(const nlohmann::json& value,
                                                          absl::string_view place);

// An int64 written as a JSON number or as a string of digits, as protobuf's
// JSON mapping allows. null reads as absent.
absl::StatusOr<std::optional<int64_t>> OptionalInt64(const nlohmann::json& value,
                                                     absl::string_view place);

// Fails unless `value` is an object (or an array), naming `place`.
absl::Status CheckObject(const nlohmann::json& value, absl::string_view place);
absl::Status CheckArray(const nlohmann::json& value, absl::string_view place);

}  // namespace rung::importer

#endif  // RUNG_IMPORT_JSON_DOCUMENT_H_
