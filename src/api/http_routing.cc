#include "api/http_routing.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "core/text.h"
#include "rung/status_macros.h"

namespace rung {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsVariable(absl::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// "ACTION_" for Action: the prefix buf's naming puts on every value.
std::string ValuePrefix(const google::protobuf::EnumDescriptor& type) {
  absl::string_view unspecified = type.value(0)->name();
  absl::ConsumeSuffix(&unspecified, "UNSPECIFIED");
  return std::string(unspecified);
}

}  // namespace

absl::StatusOr<std::string> PercentDecode(absl::string_view text) {
  std::string decoded;
  decoded.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      decoded.push_back(text[i]);
      continue;
    }
    const int high = i + 2 < text.size() ? HexDigit(text[i + 1]) : -1;
    const int low = high >= 0 ? HexDigit(text[i + 2]) : -1;
    if (low < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("malformed percent-encoding at byte ", i, " of ", Quote(text)));
    }
    decoded.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return decoded;
}

absl::StatusOr<std::optional<PathVariables>> MatchPathTemplate(absl::string_view path_template,
                                                               absl::string_view raw_path) {
  const std::vector<absl::string_view> pattern = absl::StrSplit(path_template, '/');
  const std::vector<absl::string_view> segments = absl::StrSplit(raw_path, '/');
  if (pattern.size() != segments.size()) return std::nullopt;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const bool matches = IsVariable(pattern[i]) ? !segments[i].empty() : pattern[i] == segments[i];
    if (!matches) return std::nullopt;
  }
  // Decoded only once the whole path matched: a bad escape in a path of
  // another shape is that path's business.
  PathVariables variables;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (!IsVariable(pattern[i])) continue;
    const std::string name(pattern[i].substr(1, pattern[i].size() - 2));
    absl::StatusOr<std::string> value = PercentDecode(segments[i]);
    if (!value.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(name, ": ", value.status().message()));
    }
    variables[name] = *std::move(value);
  }
  return variables;
}

absl::StatusOr<QueryParams> QueryParams::Check(Values values,
                                               const std::vector<absl::string_view>& allowed) {
  for (const auto& [name, value] : values) {
    bool known = false;
    for (absl::string_view candidate : allowed) known = known || candidate == name;
    if (!known) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown query parameter ", Quote(name), "; this path takes ",
                       allowed.empty() ? "none" : absl::StrJoin(allowed, ", ")));
    }
  }
  return QueryParams(std::move(values));
}

absl::StatusOr<std::string> QueryParams::Single(absl::string_view name) const {
  const std::string key(name);
  const size_t count = values_.count(key);
  if (count > 1) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": given ", count, " times; give it at most once"));
  }
  return count == 0 ? std::string() : values_.find(key)->second;
}

absl::StatusOr<int32_t> QueryParams::Int32(absl::string_view name) const {
  ASSIGN_OR_RETURN(std::string text, Single(name));
  int32_t value = 0;
  if (!text.empty() && !absl::SimpleAtoi(text, &value)) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": ", Quote(text), " is not a 32-bit integer"));
  }
  return value;
}

std::vector<std::string> QueryParams::List(absl::string_view name) const {
  std::vector<std::string> items;
  const auto [begin, end] = values_.equal_range(std::string(name));
  for (auto it = begin; it != end; ++it) {
    for (absl::string_view item : absl::StrSplit(it->second, ',', absl::SkipWhitespace())) {
      items.emplace_back(absl::StripAsciiWhitespace(item));
    }
  }
  return items;
}

absl::StatusOr<int> ParseEnumParam(absl::string_view param, absl::string_view text,
                                   const google::protobuf::EnumDescriptor& type,
                                   absl::string_view noun) {
  const std::string prefix = ValuePrefix(type);
  std::string name = absl::AsciiStrToUpper(text);
  if (!absl::StartsWith(name, prefix)) name = prefix + name;
  const google::protobuf::EnumValueDescriptor* value = type.FindValueByName(name);
  if (value != nullptr && value->number() != 0) return value->number();
  std::vector<std::string> names;
  for (int i = 1; i < type.value_count(); ++i) {
    names.push_back(type.value(i)->name().substr(prefix.size()));
  }
  return absl::InvalidArgumentError(absl::StrCat(param, ": ", Quote(text), " is not ", noun,
                                                 "; use one of ", absl::StrJoin(names, ", ")));
}

}  // namespace rung
