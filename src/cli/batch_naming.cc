#include "cli/batch_naming.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "core/digest.h"
#include "rung/status_macros.h"

namespace rung::cli {
namespace {

constexpr size_t kKeyLength = 32;

}  // namespace

namespace internal {

absl::StatusOr<std::string> DigestKey(const std::string& bytes) {
  ASSIGN_OR_RETURN(std::string digest, Sha256Hex(bytes));
  return digest.substr(0, kKeyLength);
}

}  // namespace internal

std::string NameRecords(absl::string_view message,
                        absl::FunctionRef<std::optional<std::string>(size_t index)> name_of) {
  constexpr absl::string_view kOpen = "weeks[";
  std::string named;
  for (size_t open = message.find(kOpen); open != absl::string_view::npos;
       open = message.find(kOpen)) {
    const size_t digits = open + kOpen.size();
    const size_t close = message.find(']', digits);
    size_t index = 0;
    std::optional<std::string> name;
    if (close != absl::string_view::npos &&
        absl::SimpleAtoi(message.substr(digits, close - digits), &index)) {
      name = name_of(index);
    }
    if (!name.has_value()) {
      absl::StrAppend(&named, message.substr(0, digits));  // not ours to rename
      message.remove_prefix(digits);
      continue;
    }
    absl::StrAppend(&named, message.substr(0, open), *name);
    message.remove_prefix(close + 1);
    if (absl::ConsumePrefix(&message, ".")) named += ", ";
  }
  absl::StrAppend(&named, message);
  return named;
}

}  // namespace rung::cli
