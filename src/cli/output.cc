#include "cli/output.h"

#include <algorithm>
#include <ostream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "api/proto_json.h"
#include "cli/args.h"
#include "core/text.h"
#include "google/protobuf/descriptor.h"
#include "rung/status_macros.h"

namespace rung::cli {
namespace {

constexpr absl::string_view kUnspecified = "UNSPECIFIED";
constexpr int kBarWidth = 30;

// UTF-8 characters: every byte but continuation bytes (10xxxxxx).
size_t DisplayWidth(absl::string_view text) {
  return std::count_if(text.begin(), text.end(),
                       [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
}

// "ACTION_" for Action: what "ACTION_UNSPECIFIED", value 0 under buf's
// rules, has before UNSPECIFIED. Empty for enums outside those rules
// (grpc.health.v1's ServingStatus).
std::string EnumPrefix(const google::protobuf::EnumDescriptor* type) {
  absl::string_view zero = type->FindValueByNumber(0)->name();
  return absl::ConsumeSuffix(&zero, kUnspecified) ? std::string(zero) : "";
}

}  // namespace

void Table::Print(std::ostream& out, absl::string_view indent) const {
  if (rows_.empty()) return;
  std::vector<size_t> widths;
  auto widen = [&widths](const std::vector<std::string>& row) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], DisplayWidth(row[i]));
  };
  widen(header_);
  for (const auto& row : rows_) widen(row);
  auto print = [&](const std::vector<std::string>& row) {
    std::string line(indent);
    for (size_t i = 0; i < row.size(); ++i) {
      absl::StrAppend(&line, row[i]);
      if (i + 1 < row.size()) line.append(widths[i] - DisplayWidth(row[i]) + 2, ' ');
    }
    out << line << "\n";
  };
  if (!header_.empty()) print(header_);
  for (const auto& row : rows_) print(row);
}

absl::Status PrintJson(const google::protobuf::Message& message, std::ostream& out) {
  ASSIGN_OR_RETURN(const std::string json, ProtoToJson(message, JsonLayout::kIndented));
  out << json;
  return absl::OkStatus();
}

std::string Money(int64_t micros) { return MicrosText(micros); }

std::string Money(int64_t micros, absl::string_view currency) {
  return currency.empty() ? Money(micros) : absl::StrCat(Money(micros), " ", currency);
}

std::string Percent(double share) { return absl::StrFormat("%.1f %%", 100 * share); }

std::string ShortEnumName(const google::protobuf::EnumDescriptor* type, int value) {
  const google::protobuf::EnumValueDescriptor* named = type->FindValueByNumber(value);
  if (named == nullptr) return absl::StrCat(value);
  absl::string_view name = named->name();
  if (value == 0 && absl::EndsWith(name, kUnspecified)) return "-";
  absl::ConsumePrefix(&name, EnumPrefix(type));
  return std::string(name);
}

absl::StatusOr<int> ParseEnumName(const google::protobuf::EnumDescriptor* type,
                                  absl::string_view flag, absl::string_view text) {
  const std::string prefix = EnumPrefix(type);
  std::string name = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(text));
  if (!absl::StartsWith(name, prefix)) name = prefix + name;
  const google::protobuf::EnumValueDescriptor* value = type->FindValueByName(name);
  if (value != nullptr && value->number() != 0) return value->number();
  std::vector<std::string> names;
  for (int i = 0; i < type->value_count(); ++i) {
    if (type->value(i)->number() != 0)
      names.push_back(ShortEnumName(type, type->value(i)->number()));
  }
  return UsageError(
      absl::StrCat(flag, ": ", Quote(text, '\''), " is not one of ", absl::StrJoin(names, ", ")));
}

void ProgressBar::Update(int done) {
  if (!enabled_ || total_ <= 0) return;
  const int filled = static_cast<int>(int64_t{kBarWidth} * done / total_);
  out_ << "\r[" << std::string(filled, '#') << std::string(kBarWidth - filled, '.') << "] " << done
       << "/" << total_ << " records" << std::flush;
}

void ProgressBar::Clear() {
  if (!enabled_) return;
  out_ << "\r\033[K" << std::flush;
}

}  // namespace rung::cli
