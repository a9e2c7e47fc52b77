#ifndef RUNG_API_HTTP_ROUTING_H_
#define RUNG_API_HTTP_ROUTING_H_

// The request side of the HTTP adapter: path templates, query parameters and
// enum values given by name, each refused with a message naming the
// parameter. No httplib types, so that it is tested on its own.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"

namespace rung {

// "%41b" is "Ab". INVALID_ARGUMENT for a "%" not followed by two hex digits.
absl::StatusOr<std::string> PercentDecode(absl::string_view text);

// The values of a path template's variables, percent-decoded.
using PathVariables = std::map<std::string, std::string>;

// Matches `raw_path` (as sent, still percent-encoded) against a template of
// literal segments and "{name}" segments such as
// "/v1/adsets/{ad_set_id}/history". A variable takes one non-empty segment,
// decoded after the split so that an id holding "%2F" stays one segment.
// nullopt when the path does not match; INVALID_ARGUMENT naming the variable
// when its value is not valid percent-encoding.
absl::StatusOr<std::optional<PathVariables>> MatchPathTemplate(absl::string_view path_template,
                                                               absl::string_view raw_path);

// The query parameters of one request (decoded, possibly repeated), checked
// against those its route takes.
class QueryParams {
 public:
  using Values = std::multimap<std::string, std::string>;

  // INVALID_ARGUMENT naming the first parameter that `allowed` lacks.
  static absl::StatusOr<QueryParams> Check(Values values,
                                           const std::vector<absl::string_view>& allowed);

  // The value, or empty when absent; INVALID_ARGUMENT when given twice.
  absl::StatusOr<std::string> Single(absl::string_view name) const;
  // As Single, as a 32-bit integer; 0 when absent or empty.
  absl::StatusOr<int32_t> Int32(absl::string_view name) const;
  // Every value, whether the parameter repeats ("a=x&a=y") or lists them
  // ("a=x,y"); empty items are dropped, so "a=" is no value at all.
  std::vector<std::string> List(absl::string_view name) const;

 private:
  explicit QueryParams(Values values) : values_(std::move(values)) {}

  Values values_;
};

// The number of the value of `type` named `text`: by its full name
// ("ACTION_MOVE_DOWN") or without the enum's prefix ("move_down"), in any
// case. _UNSPECIFIED and unknown names are INVALID_ARGUMENT naming `param`
// and listing the names it takes; `noun` is "an action".
absl::StatusOr<int> ParseEnumParam(absl::string_view param, absl::string_view text,
                                   const google::protobuf::EnumDescriptor& type,
                                   absl::string_view noun);

}  // namespace rung

#endif  // RUNG_API_HTTP_ROUTING_H_
