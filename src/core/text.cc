#include "core/text.h"

#include <cstddef>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

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

}  // namespace rung
