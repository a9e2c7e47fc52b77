#ifndef RUNG_STORAGE_ROW_VALUES_H_
#define RUNG_STORAGE_ROW_VALUES_H_

// Checks and conversions of column values that several tables share.

#include <optional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "rung/week.h"

namespace rung {

// INVALID_ARGUMENT ("field: must not be empty") for a required text that is
// empty: the store refuses what no caller of it should send.
absl::Status CheckNotEmpty(absl::string_view value, absl::string_view field);

// What every engine keeps of an instant: whole microseconds, finer parts
// dropped toward the past, as EncodeTimestamp writes it for SQLite (and as
// much as PostgreSQL's timestamptz holds).
absl::Time StoredInstant(absl::Time time);

// What every engine keeps of a duration: whole microseconds, toward zero.
absl::Duration StoredDuration(absl::Duration duration);

// A week column that may be NULL (read as ""): nullopt, or the parsed week.
absl::StatusOr<std::optional<Week>> OptionalWeekFromText(absl::string_view text);

}  // namespace rung

#endif  // RUNG_STORAGE_ROW_VALUES_H_
