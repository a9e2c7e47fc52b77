#include "meta/graph_error.h"

#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "core/text.h"
#include "meta/json_members.h"
#include "nlohmann/json.hpp"

namespace rung::meta {
namespace {

using nlohmann::json;

constexpr char kPayloadUrl[] = "type.rung.dev/rung.meta.GraphError";

bool IsThrottlingCode(int64_t code, int64_t subcode) {
  constexpr int64_t kFirstAdsThrottle = 80000;
  constexpr int64_t kLastAdsThrottle = 80014;
  return code == 4 || code == 17 || code == 32 || code == 613 ||
         (code >= kFirstAdsThrottle && code <= kLastAdsThrottle) || subcode == 2446079 ||
         subcode == 1487742;
}

bool IsPermissionCode(int64_t code) { return code == 10 || (code >= 200 && code <= 299); }

}  // namespace

std::optional<GraphError> ParseGraphError(absl::string_view body) {
  return GraphErrorIn(json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false));
}

std::optional<GraphError> GraphErrorIn(const json& document) {
  const json* found = MemberOf(document, "error");
  if (found == nullptr || !found->is_object()) return std::nullopt;
  const json& object = *found;
  GraphError error;
  error.code = IntMember(object, "code");
  error.subcode = IntMember(object, "error_subcode");
  error.message = StringMember(object, "message");
  error.type = StringMember(object, "type");
  error.fbtrace_id = StringMember(object, "fbtrace_id");
  const json* transient = MemberOf(object, "is_transient");
  error.is_transient = transient != nullptr && transient->is_boolean() && transient->get<bool>();
  return error;
}

GraphFailure ClassifyFailure(int http_status, const std::optional<GraphError>& error) {
  if (!error.has_value()) return GraphFailure::kTransient;  // not JSON: a proxy or a crash
  const int64_t code = error->code;
  const int64_t subcode = error->subcode;
  if (code == 190) return GraphFailure::kInvalidToken;
  if (IsThrottlingCode(code, subcode)) return GraphFailure::kThrottled;
  // Meta sends this one with HTTP 500 (reported in facebook-python-business-sdk
  // #470), though meta-connector.md shows errors with 400: it is checked
  // before the 5xx rule, or it would be retried instead of read async.
  if (code == 1 && subcode == 99) return GraphFailure::kTooMuchData;
  if (code == 2601 && subcode == 1815107) return GraphFailure::kReportNotReady;
  if (IsPermissionCode(code)) return GraphFailure::kMissingPermission;
  if (code == 100) return GraphFailure::kInvalidParameter;
  if (http_status >= 500 || error->is_transient || code == 1 || code == 2) {
    return GraphFailure::kTransient;
  }
  return GraphFailure::kOther;
}

std::string DescribeGraphError(const GraphError& error) {
  std::string details = absl::StrCat("Meta error code ", error.code);
  if (error.subcode != 0 || !error.type.empty()) {
    absl::StrAppend(&details, " (");
    if (error.subcode != 0) absl::StrAppend(&details, "subcode ", error.subcode);
    if (error.subcode != 0 && !error.type.empty()) absl::StrAppend(&details, ", ");
    absl::StrAppend(&details, error.type, ")");
  }
  absl::StrAppend(&details, ": ", JsonQuote(error.message));
  if (!error.fbtrace_id.empty()) absl::StrAppend(&details, " (fbtrace_id ", error.fbtrace_id, ")");
  return details;
}

void AttachGraphError(const GraphError& error, absl::Status* status) {
  status->SetPayload(kPayloadUrl, absl::Cord(absl::StrCat(error.code, ",", error.subcode)));
}

std::optional<GraphError> GraphErrorOf(const absl::Status& status) {
  const auto payload = status.GetPayload(kPayloadUrl);
  if (!payload.has_value()) return std::nullopt;
  const std::pair<std::string, std::string> parts = absl::StrSplit(std::string(*payload), ',');
  GraphError error;
  if (!absl::SimpleAtoi(parts.first, &error.code) ||
      !absl::SimpleAtoi(parts.second, &error.subcode)) {
    return std::nullopt;
  }
  error.message = std::string(status.message());
  return error;
}

}  // namespace rung::meta
