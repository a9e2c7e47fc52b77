#ifndef RUNG_CLI_OUTPUT_H_
#define RUNG_CLI_OUTPUT_H_

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/generated_enum_reflection.h"
#include "google/protobuf/message.h"

namespace rung::cli {

// Aligned columns for people. Widths count UTF-8 characters, not bytes, so
// "→" lines up; the last column is not padded, so no line ends in blanks.
// An empty header prints none (label/value lists).
class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  void AddRow(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  bool empty() const { return rows_.empty(); }
  // Nothing when there are no rows: no lonely header.
  void Print(std::ostream& out, absl::string_view indent = "") const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// Micros of a currency as units with two decimals: "12.50".
std::string Money(int64_t micros);
// The same with the ISO 4217 code after it, "12.50 EUR"; plain when
// `currency` is empty (unknown).
std::string Money(int64_t micros, absl::string_view currency);
// A share in [0, 1] as a percentage with one decimal: "12.5 %".
std::string Percent(double share);

// --json: protobuf's JSON mapping with every field printed, defaults
// included, so that scripts always find the same keys, and map keys in order.
absl::Status PrintJson(const google::protobuf::Message& message, std::ostream& out);

// An enum value as people read and type it: without the enum's own prefix
// ("HOLD" for ACTION_HOLD); "-" for _UNSPECIFIED.
std::string ShortEnumName(const google::protobuf::EnumDescriptor* type, int value);

// `text` as a value of `type`: with or without the prefix, in any case.
// UNSPECIFIED is refused. Errors are usage errors naming `flag` and listing
// the values.
absl::StatusOr<int> ParseEnumName(const google::protobuf::EnumDescriptor* type,
                                  absl::string_view flag, absl::string_view text);

template <typename Enum>
std::string ShortName(Enum value) {
  return ShortEnumName(google::protobuf::GetEnumDescriptor<Enum>(), value);
}

template <typename Enum>
absl::StatusOr<Enum> ParseEnum(absl::string_view flag, absl::string_view text) {
  absl::StatusOr<int> value =
      ParseEnumName(google::protobuf::GetEnumDescriptor<Enum>(), flag, text);
  if (!value.ok()) return value.status();
  return static_cast<Enum>(*value);
}

// A progress bar on one terminal line, redrawn in place. Disabled (drawing
// nothing) unless `enabled`: callers pass whether the stream is a terminal.
class ProgressBar {
 public:
  ProgressBar(std::ostream& out, bool enabled, int total)
      : out_(out), enabled_(enabled), total_(total) {}
  void Update(int done);
  // Erases the bar, so that what follows starts on a clean line.
  void Clear();

 private:
  std::ostream& out_;
  bool enabled_;
  int total_;
};

}  // namespace rung::cli

#endif  // RUNG_CLI_OUTPUT_H_
