#include "core/text.h"

#include <cstddef>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace rung {
namespace {

constexpr size_t kMaxQuotedBytes = 64;

}  // namespace

std::string Quote(absl::string_view text, char mark) {
  const absl::string_view mark_text(&mark, 1);
  if (text.size() <= kMaxQuotedBytes) {
    return absl::StrCat(mark_text, absl::CHexEscape(text), mark_text);
  }
  return absl::StrCat(mark_text, absl::CHexEscape(text.substr(0, kMaxQuotedBytes)), "...",
                      mark_text, " (", text.size(), " bytes)");
}

std::string JsonQuote(absl::string_view text) {
  std::string out = "\"";
  for (const unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          absl::StrAppendFormat(&out, "\\u%04x", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
  return out;
}

}  // namespace rung
