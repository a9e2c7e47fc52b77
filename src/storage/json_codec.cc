#include "storage/json_codec.h"

#include <algorithm>
#include <utility>

#include "absl/functional/function_ref.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/text.h"
#include "rung/status_macros.h"

namespace rung {
namespace {

// Reads exactly the spelling the encoders above write. Anything else in the
// database was written by someone else, and is reported rather than guessed at.
class CanonicalJsonReader {
 public:
  explicit CanonicalJsonReader(absl::string_view text) : text_(text) {}

  // `open` item (',' item)* `close`, or `open` `close`, up to the end of text.
  absl::Status List(char open, char close, absl::FunctionRef<absl::Status()> item) {
    RETURN_IF_ERROR(Expect(open));
    if (!Consume(close)) {
      do {
        RETURN_IF_ERROR(item());
      } while (Consume(','));
      RETURN_IF_ERROR(Expect(close));
    }
    if (pos_ != text_.size()) return Error("trailing characters");
    return absl::OkStatus();
  }

  absl::Status Expect(char c) {
    return Consume(c) ? absl::OkStatus()
                      : Error(absl::StrCat("expected '", std::string(1, c), "'"));
  }

  absl::StatusOr<std::string> String() {
    RETURN_IF_ERROR(Expect('"'));
    std::string out;
    while (pos_ < text_.size()) {
      const char c = text_[pos_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) return Error("raw control character in a string");
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      ASSIGN_OR_RETURN(const char unescaped, Escape());
      out.push_back(unescaped);
    }
    return Error("unterminated string");
  }

  // A non-negative integer without a sign or leading zeros.
  absl::StatusOr<int64_t> Count() {
    const size_t start = pos_;
    while (pos_ < text_.size() && absl::ascii_isdigit(static_cast<unsigned char>(text_[pos_]))) {
      ++pos_;
    }
    const absl::string_view digits = text_.substr(start, pos_ - start);
    int64_t value = 0;
    if (digits.empty() || (digits.size() > 1 && digits[0] == '0') ||
        !absl::SimpleAtoi(digits, &value)) {
      return Error("expected a count");
    }
    return value;
  }

  absl::Status Error(absl::string_view what) const {
    return absl::DataLossError(absl::StrCat(what, " at offset ", pos_, " of ", text_));
  }

 private:
  bool Consume(char c) {
    if (pos_ >= text_.size() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }

  // After a backslash. \u escapes are read only below 0x80: JsonQuote
  // writes no others.
  absl::StatusOr<char> Escape() {
    if (pos_ >= text_.size()) return Error("unterminated escape");
    switch (const char c = text_[pos_++]) {
      case '"':
      case '\\':
      case '/': return c;
      case 'b': return '\b';
      case 'f': return '\f';
      case 'n': return '\n';
      case 'r': return '\r';
      case 't': return '\t';
      case 'u': {
        const absl::string_view hex = text_.substr(pos_, 4);
        int code = 0;
        const bool all_hex = std::all_of(hex.begin(), hex.end(), [](char h) {
          return absl::ascii_isxdigit(static_cast<unsigned char>(h));
        });
        if (hex.size() != 4 || !all_hex || !absl::SimpleHexAtoi(hex, &code) || code >= 0x80) {
          return Error("unsupported \\u escape");
        }
        pos_ += 4;
        return static_cast<char>(code);
      }
      default: return Error("unknown escape");
    }
  }

  absl::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

std::string EncodeEventCounts(const std::map<std::string, int64_t>& counts) {
  std::string out = "{";
  for (const auto& [name, count] : counts) {
    if (out.size() > 1) out.push_back(',');
    out += JsonQuote(name);
    absl::StrAppend(&out, ":", count);
  }
  out.push_back('}');
  return out;
}

absl::StatusOr<std::map<std::string, int64_t>> DecodeEventCounts(absl::string_view json) {
  CanonicalJsonReader reader(json);
  std::map<std::string, int64_t> counts;
  auto read_entry = [&]() -> absl::Status {
    ASSIGN_OR_RETURN(std::string name, reader.String());
    if (!counts.empty() && !(counts.rbegin()->first < name)) {
      return reader.Error("keys not sorted or repeated");
    }
    RETURN_IF_ERROR(reader.Expect(':'));
    ASSIGN_OR_RETURN(const int64_t count, reader.Count());
    counts.emplace_hint(counts.end(), std::move(name), count);
    return absl::OkStatus();
  };
  RETURN_IF_ERROR(reader.List('{', '}', read_entry));
  return counts;
}

std::string EncodeStringArray(const std::vector<std::string>& strings) {
  std::string out = "[";
  for (const std::string& text : strings) {
    if (out.size() > 1) out.push_back(',');
    out += JsonQuote(text);
  }
  out.push_back(']');
  return out;
}

absl::StatusOr<std::vector<std::string>> DecodeStringArray(absl::string_view json) {
  CanonicalJsonReader reader(json);
  std::vector<std::string> strings;
  auto read_string = [&]() -> absl::Status {
    ASSIGN_OR_RETURN(std::string text, reader.String());
    strings.push_back(std::move(text));
    return absl::OkStatus();
  };
  RETURN_IF_ERROR(reader.List('[', ']', read_string));
  return strings;
}

}  // namespace rung
