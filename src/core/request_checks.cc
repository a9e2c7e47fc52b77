#include "core/request_checks.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "core/text.h"
#include "rung/status_macros.h"
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

absl::Status CheckIdBatch(std::string_view field, const std::vector<std::string>& ids,
                          int max_batch_size) {
  if (ids.size() > static_cast<size_t>(max_batch_size)) {
    return absl::ResourceExhaustedError(
        absl::StrCat(AsAbsl(field), ": ", ids.size(), " ids; at most ", max_batch_size));
  }
  for (size_t i = 0; i < ids.size(); ++i) {
    RETURN_IF_ERROR(CheckRequiredId(absl::StrCat(AsAbsl(field), "[", i, "]"), ids[i]));
  }
  return absl::OkStatus();
}

absl::Status CheckNamedAdSetOwner(std::string_view account_id, const AdSetWeek& record) {
  if (account_id.empty() || record.account_id == account_id) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("ad_set_ids: ad set ", Quote(record.ad_set_id),
                                                 " belongs to account ", Quote(record.account_id),
                                                 ", not ", Quote(AsAbsl(account_id))));
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
