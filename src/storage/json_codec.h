#ifndef RUNG_STORAGE_JSON_CODEC_H_
#define RUNG_STORAGE_JSON_CODEC_H_

// The two small JSON values the database holds, in one canonical spelling
// (no spaces, object keys sorted), so that equal values are equal text and
// an UPDATE can tell "unchanged" by comparing columns.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rung {

// {"AddToCart":85,"Purchase":12}
std::string EncodeEventCounts(const std::map<std::string, int64_t>& counts);

// The inverse of EncodeEventCounts, strict: keys must be sorted and unique and
// counts non-negative integers. DATA_LOSS otherwise, since we never write that.
absl::StatusOr<std::map<std::string, int64_t>> DecodeEventCounts(absl::string_view json);

// ["first","with \"quotes\""]
std::string EncodeStringArray(const std::vector<std::string>& strings);

// The inverse of EncodeStringArray; DATA_LOSS for anything else.
absl::StatusOr<std::vector<std::string>> DecodeStringArray(absl::string_view json);

}  // namespace rung

#endif  // RUNG_STORAGE_JSON_CODEC_H_
