#ifndef RUNG_CORE_REQUEST_CHECKS_H_
#define RUNG_CORE_REQUEST_CHECKS_H_

// Checks of request fields shared by the Advisor's use cases, so that every
// method words the same mistake the same way, naming the field.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "rung/ad_set_week.h"
#include "rung/week.h"

namespace rung {

// INVALID_ARGUMENT when `id` is empty or longer than kMaxIdLength.
absl::Status CheckRequiredId(std::string_view field, std::string_view id);

// As CheckRequiredId, but empty is fine (an absent filter).
absl::Status CheckOptionalId(std::string_view field, std::string_view id);

// As CheckRequiredId, and also INVALID_ARGUMENT for a byte outside printable
// ASCII: for ids that are stored, and so end up in URLs, logs and CSV files.
absl::Status CheckStoredId(std::string_view field, std::string_view id);

// RESOURCE_EXHAUSTED for more than `max_batch_size` ids; INVALID_ARGUMENT
// naming "field[i]" for one that CheckRequiredId refuses.
absl::Status CheckIdBatch(std::string_view field, const std::vector<std::string>& ids,
                          int max_batch_size);

// INVALID_ARGUMENT naming ad_set_ids when `account_id` is given and the ad
// set of `record` belongs to another account.
absl::Status CheckNamedAdSetOwner(std::string_view account_id, const AdSetWeek& record);

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
