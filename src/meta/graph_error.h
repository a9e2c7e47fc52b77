#ifndef RUNG_META_GRAPH_ERROR_H_
#define RUNG_META_GRAPH_ERROR_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace rung::meta {

// Meta's error object: {"error": {"message", "type", "code", "error_subcode",
// "fbtrace_id", "is_transient"}}.
struct GraphError {
  int64_t code = 0;
  int64_t subcode = 0;
  std::string message;
  std::string type;
  std::string fbtrace_id;
  bool is_transient = false;
};

// The error object of an answer's body; nullopt when the body is not JSON or
// holds no error object. Never fails on any input (a fuzz target).
std::optional<GraphError> ParseGraphError(absl::string_view body);
// The same, of a parsed body.
std::optional<GraphError> GraphErrorIn(const nlohmann::json& document);

// What a failed call means for the caller (meta-connector.md, "Errors").
enum class GraphFailure {
  kThrottled,          // wait (usage headers say how long), then again
  kTransient,          // 5xx, a body that is not JSON, is_transient, codes 1 and 2
  kTooMuchData,        // code 1 subcode 99: ask for an async report instead
  kReportNotReady,     // code 2601 subcode 1815107: an async report read too early
  kInvalidToken,       // code 190: fatal for the whole run
  kMissingPermission,  // codes 10, 200-299: fatal for one account
  kInvalidParameter,   // code 100
  kOther,
};

// `error` is the parsed error object, nullopt when the body held none.
GraphFailure ClassifyFailure(int http_status, const std::optional<GraphError>& error);

// One line for people, e.g. `Meta error code 100 (subcode 33, GraphMethodException):
// "Unsupported get request." (fbtrace_id AbC)`.
std::string DescribeGraphError(const GraphError& error);

// The Graph error a failed call carries, as a payload of its status, so that
// callers can tell a code 1/99 from other failures without reading text.
void AttachGraphError(const GraphError& error, absl::Status* status);
std::optional<GraphError> GraphErrorOf(const absl::Status& status);

}  // namespace rung::meta

#endif  // RUNG_META_GRAPH_ERROR_H_
