#include "core/request_checks.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "core/text.h"
#include "rung/validation.h"

namespace rung {

absl::Status CheckOptionalId(std::string_view field, std::string_view id) {
  if (id.size() > static_cast<size_t>(kMaxIdLength)) {
    return absl::InvalidArgumentError(
        absl::StrCat(AsAbsl(field), ": is ", id.size(), " characters; at most ", kMaxIdLength));
  }
  return absl::OkStatus();
}

absl::Status CheckRequiredId(std::string_view field, std::string_view id) {
  if (id.empty())
    return absl::InvalidArgumentError(absl::StrCat(AsAbsl(field), ": must not be empty"));
  return CheckOptionalId(field, id);
}

absl::Status CheckStoredId(std::string_view field, std::string_view id) {
  for (size_t i = 0; i < id.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(id[i]);
    if (c < 0x21 || c > 0x7E) {
      return absl::InvalidArgumentError(absl::StrCat(
          AsAbsl(field), ": contains a space, control or non-ASCII character at index ", i,
          "; ids use printable ASCII only"));
    }
  }
  return CheckRequiredId(field, id);
}

absl::StatusOr<std::optional<Week>> ParseOptionalWeek(std::string_view field,
                                                      std::string_view text) {
  if (text.empty()) return std::optional<Week>();
  absl::StatusOr<Week> week = Week::Parse(text);
  if (!week.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(AsAbsl(field), ": ", week.status().message()));
  }
  return std::optional<Week>(*week);
}

absl::Status CheckStarted(Week week, absl::CivilDay today) {
  if (week.monday() <= today) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("week ", week.ToString(),
                                                 " starts in the future (today is ",
                                                 absl::FormatCivilTime(today), ")"));
}

absl::StatusOr<std::optional<Week>> ParseStartedWeek(std::string_view field, std::string_view text,
                                                     absl::CivilDay today) {
  absl::StatusOr<std::optional<Week>> week = ParseOptionalWeek(field, text);
  if (!week.ok() || !week->has_value()) return week;
  const absl::Status started = CheckStarted(**week, today);
  if (!started.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(AsAbsl(field), ": ", started.message()));
  }
  return week;
}

}  // namespace rung
