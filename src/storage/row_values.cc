#include "storage/row_values.h"

#include "absl/strings/str_cat.h"
#include "core/text.h"
#include "rung/status_macros.h"

namespace rung {

absl::Status CheckNotEmpty(absl::string_view value, absl::string_view field) {
  if (!value.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(field, ": must not be empty"));
}

absl::Time StoredInstant(absl::Time time) { return absl::FromUnixMicros(absl::ToUnixMicros(time)); }

absl::Duration StoredDuration(absl::Duration duration) {
  return absl::Microseconds(absl::ToInt64Microseconds(duration));
}

absl::StatusOr<std::optional<Week>> OptionalWeekFromText(absl::string_view text) {
  if (text.empty()) return std::nullopt;
  ASSIGN_OR_RETURN(const Week week, Week::Parse(std::string_view(text.data(), text.size())));
  return week;
}

}  // namespace rung
