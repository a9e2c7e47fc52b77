#ifndef RUNG_API_PROTO_JSON_H_
#define RUNG_API_PROTO_JSON_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "google/protobuf/message.h"

namespace rung {

enum class JsonLayout {
  kCompact,   // one line: HTTP bodies
  kIndented,  // for people reading a terminal: rungctl --json
};

// The binary encoding with map entries in key order, so that equal messages
// encode to equal bytes: what ProtoToJson renders from, and what the kept
// answers are compressed from.
std::string DeterministicBinary(const google::protobuf::MessageLite& message);

// protobuf's JSON mapping as every caller of ours prints it: lowerCamelCase
// names, enums by name, and zeros and empty strings present so that a client
// need not know the defaults. Map entries come out in key order, because a
// map's own iteration order differs between instances: unchanged data must
// render to the same bytes (HTTP ETags, diffable rungctl output). The result
// ends in a newline.
absl::StatusOr<std::string> ProtoToJson(const google::protobuf::Message& message,
                                        JsonLayout layout);

// Parses `text` into `message`: protobuf's JSON mapping when `json`, text
// format otherwise. Unknown fields are errors, so that a typo never silently
// keeps a default. INVALID_ARGUMENT starting with `source` and, for text
// format, the line and column of the first error.
absl::Status ParseProtoText(std::string_view text, bool json, std::string_view source,
                            google::protobuf::Message* message);

}  // namespace rung

#endif  // RUNG_API_PROTO_JSON_H_
