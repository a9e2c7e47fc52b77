#ifndef RUNG_CORE_REQUEST_CHECKS_H_
#define RUNG_CORE_REQUEST_CHECKS_H_

// Checks of request fields shared by the Advisor's use cases, so that every
// method words the same mistake the same way, naming the field.

#include <optional>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "rung/week.h"

namespace rung {

// INVALID_ARGUMENT when `id` is empty or longer than kMaxIdLength.
absl::Status CheckRequiredId(std::string_view field, std::string_view id);

// As CheckRequiredId, but empty is fine (an absent filter).
absl::Status CheckOptionalId(std::string_view field, std::string_view id);

// As CheckRequiredId, and also INVALID_ARGUMENT for a byte outside printable
// ASCII: for ids that are stored, and so end up in URLs, logs and CSV files.
absl::Status CheckStoredId(std::string_view field, std::string_view id);

// nullopt for empty text; INVALID_ARGUMENT ("field: ...") for a non-Monday.
absl::StatusOr<std::optional<Week>> ParseOptionalWeek(std::string_view field,
                                                      std::string_view text);

// INVALID_ARGUMENT ("week ... starts in the future (today is ...)", with no
// field name) when `week` starts after `today`: no one can know its data yet.
absl::Status CheckStarted(Week week, absl::CivilDay today);

// ParseOptionalWeek, and also refusing a week that starts after `today`.
absl::StatusOr<std::optional<Week>> ParseStartedWeek(std::string_view field, std::string_view text,
                                                     absl::CivilDay today);

}  // namespace rung

#endif  // RUNG_CORE_REQUEST_CHECKS_H_
