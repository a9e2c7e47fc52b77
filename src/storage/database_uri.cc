#include "storage/database_uri.h"

#include <algorithm>
#include <cctype>

namespace rung {
namespace {

constexpr std::string_view kSchemes[] = {"postgresql://", "postgres://"};
constexpr std::string_view kPasswordKey = "password";
constexpr std::string_view kRedacted = "***";

// The length of the URI scheme `location` starts with, or 0.
size_t SchemeLength(std::string_view location) {
  for (std::string_view scheme : kSchemes) {
    if (location.substr(0, scheme.size()) == scheme) return scheme.size();
  }
  return 0;
}

void AddSpan(size_t begin, size_t end, std::vector<PasswordSpan>& spans) {
  if (end > begin) spans.push_back({begin, end - begin});
}

// postgresql://[user[:password]@]host[,host...][/dbname][?key=value&...][#...]
void FindInUri(std::string_view uri, size_t scheme_length, std::vector<PasswordSpan>& spans) {
  const size_t query = uri.find_first_of("?#", scheme_length);
  const std::string_view before_query = uri.substr(0, query);
  const size_t at = before_query.rfind('@');
  if (at != std::string_view::npos && at >= scheme_length) {
    const size_t colon = before_query.find(':', scheme_length);
    if (colon < at) AddSpan(colon + 1, at, spans);
  }
  if (query == std::string_view::npos || uri[query] != '?') return;
  const size_t end = std::min(uri.find('#', query), uri.size());
  for (size_t begin = query + 1; begin < end;) {
    size_t next = std::min(uri.find('&', begin), end);
    const std::string_view parameter = uri.substr(begin, next - begin);
    const size_t equals = parameter.find('=');
    if (equals != std::string_view::npos && parameter.substr(0, equals) == kPasswordKey) {
      AddSpan(begin + equals + 1, next, spans);
    }
    begin = next + 1;
  }
}

// libpq's keyword form: key = value pairs apart by white space, a value
// either bare (ends at white space) or in single quotes; a backslash escapes
// the next character in both.
void FindInKeywords(std::string_view text, std::vector<PasswordSpan>& spans) {
  const auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  size_t i = 0;
  const auto skip_spaces = [&] {
    while (i < text.size() && is_space(text[i])) ++i;
  };
  while (true) {
    skip_spaces();
    if (i >= text.size()) return;
    const size_t key_begin = i;
    while (i < text.size() && text[i] != '=' && !is_space(text[i])) ++i;
    const std::string_view key = text.substr(key_begin, i - key_begin);
    skip_spaces();
    if (i >= text.size() || text[i] != '=') continue;  // not a pair: go on from here
    ++i;
    skip_spaces();
    const bool quoted = i < text.size() && text[i] == '\'';
    if (quoted) ++i;
    const size_t value_begin = i;
    while (i < text.size() && (quoted ? text[i] != '\'' : !is_space(text[i]))) {
      i += text[i] == '\\' && i + 1 < text.size() ? 2 : 1;
    }
    if (key == kPasswordKey) AddSpan(value_begin, std::min(i, text.size()), spans);
    if (quoted && i < text.size()) ++i;  // the closing quote
  }
}

}  // namespace

bool IsPostgresUri(std::string_view location) { return SchemeLength(location) > 0; }

std::vector<PasswordSpan> FindDatabasePasswords(std::string_view location) {
  std::vector<PasswordSpan> spans;
  const size_t scheme_length = SchemeLength(location);
  if (scheme_length > 0) {
    FindInUri(location, scheme_length, spans);
  } else {
    FindInKeywords(location, spans);
  }
  return spans;
}

std::string RedactDatabasePassword(std::string_view location) {
  std::string redacted;
  size_t copied = 0;
  for (const PasswordSpan& span : FindDatabasePasswords(location)) {
    redacted.append(location.substr(copied, span.offset - copied));
    redacted.append(kRedacted);
    copied = span.offset + span.length;
  }
  redacted.append(location.substr(copied));
  return redacted;
}

}  // namespace rung
