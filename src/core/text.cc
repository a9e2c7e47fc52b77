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

absl::Status WithMessagePrefix(absl::string_view prefix, const absl::Status& status) {
  return absl::Status(status.code(), absl::StrCat(prefix, status.message()));
}

void AppendZeroPadded(int64_t value, int width, std::string* out) {
  const size_t end = out->size() + static_cast<size_t>(width);
  out->resize(end, '0');
  for (size_t i = end; value > 0 && i > end - static_cast<size_t>(width); --i, value /= 10) {
    (*out)[i - 1] = static_cast<char>('0' + value % 10);
  }
}

std::string MicrosText(int64_t micros) {
  constexpr uint64_t kMicrosPerCent = 10'000;
  // Unsigned, so that the most negative micros has a magnitude too.
  const uint64_t magnitude =
      micros < 0 ? uint64_t{0} - static_cast<uint64_t>(micros) : static_cast<uint64_t>(micros);
  const uint64_t cents = magnitude / kMicrosPerCent + (magnitude % kMicrosPerCent >= 5'000 ? 1 : 0);
  std::string text = micros < 0 ? "-" : "";
  absl::StrAppend(&text, cents / 100, ".");
  AppendZeroPadded(static_cast<int64_t>(cents % 100), 2, &text);
  return text;
}

void AppendJsonQuoted(absl::string_view text, std::string* out) {
  out->reserve(out->size() + text.size() + 2);
  *out += '"';
  // Runs of plain characters are copied whole: reasons are long sentences
  // with hardly anything to escape, written once per ad set and evaluation.
  size_t plain_from = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (IsPlainJsonByte(text[i])) continue;
    const unsigned char c = static_cast<unsigned char>(text[i]);
    out->append(text.data() + plain_from, i - plain_from);
    plain_from = i + 1;
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      default: absl::StrAppendFormat(out, "\\u%04x", c);
    }
  }
  out->append(text.data() + plain_from, text.size() - plain_from);
  *out += '"';
}

std::string JsonQuote(absl::string_view text) {
  std::string out;
  AppendJsonQuoted(text, &out);
  return out;
}

}  // namespace rung
