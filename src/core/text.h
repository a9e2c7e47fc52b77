#ifndef RUNG_CORE_TEXT_H_
#define RUNG_CORE_TEXT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace rung {

// Debian builds Abseil with its own absl::string_view, which does not convert
// from the std::string_view that the public headers use.
inline absl::string_view AsAbsl(std::string_view text) {
  return absl::string_view(text.data(), text.size());
}
inline std::string_view AsStd(absl::string_view text) {
  return std::string_view(text.data(), text.size());
}

// Renders caller-supplied text for an error or warning message: quoted with
// `mark`, C-escaped, and cut after 64 bytes with the full length noted. A
// binary or megabyte-long input must not garble or flood the message.
std::string Quote(absl::string_view text, char mark = '"');

// `status` with `prefix` put before its message: how a caller names what a
// lower layer's error was about (a file, a database, "decisions[3].").
absl::Status WithMessagePrefix(absl::string_view prefix, const absl::Status& status);

// Appends `value` in decimal, zero-padded to `width` digits: the dates and
// timestamps written for every stored row and read back for every answer,
// where StrFormat's parsing of its format string was a measurable share.
// `value` must be non-negative and fit in `width` digits.
void AppendZeroPadded(int64_t value, int width, std::string* out);

// Micros of a currency as units with two decimals, rounded half away from
// zero: 3'104'999 is "3.10", 3'105'000 "3.11". Integer arithmetic, so every
// int64 prints exactly and nothing can print as nan or inf. The one spelling
// of money in reasons, rungctl and the dashboard's tests.
std::string MicrosText(int64_t micros);

// True for a byte that a JSON string literal holds as itself: JsonQuote
// escapes every other one, and the storage reader accepts no other unescaped.
inline bool IsPlainJsonByte(char c) {
  return static_cast<unsigned char>(c) >= 0x20 && c != '"' && c != '\\';
}

// `text` as a JSON string literal: quotes, backslashes and control bytes
// escaped, UTF-8 passed through. The one JSON writer for logs and storage.
std::string JsonQuote(absl::string_view text);
// The same, appended to `out`: encoders of long documents build one string.
void AppendJsonQuoted(absl::string_view text, std::string* out);

}  // namespace rung

#endif  // RUNG_CORE_TEXT_H_
