#ifndef RUNG_ACCOUNT_H_
#define RUNG_ACCOUNT_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "rung/week.h"

namespace rung {

// A Meta ad account as the last recorded sync from the Marketing API
// described it.
struct AccountRecord {
  std::string account_id;
  std::string name;
  // ISO 4217 ("EUR"); empty when unknown.
  std::string currency;
  // An IANA name ("America/Los_Angeles"); empty when unknown, and the
  // account's weeks are then counted in UTC.
  std::string time_zone;
  // When the daemon recorded the last sync, by its own clock; nullopt when
  // it recorded none.
  std::optional<absl::Time> last_sync_time;

  friend bool operator==(const AccountRecord& a, const AccountRecord& b) {
    return a.account_id == b.account_id && a.name == b.name && a.currency == b.currency &&
           a.time_zone == b.time_zone && a.last_sync_time == b.last_sync_time;
  }
};

inline constexpr int kMaxAccountNameLength = 256;

// INVALID_ARGUMENT naming "account.<field>" for an account a sync must not
// record: an id as IngestWeeks refuses it, a name over kMaxAccountNameLength
// characters, a currency that is not three capital letters, or a time zone
// that LoadAccountTimeZone refuses. last_sync_time is not judged: the daemon
// sets it.
absl::Status ValidateAccount(const AccountRecord& account);

// The IANA time zone `name`, in which an account's weeks run.
// INVALID_ARGUMENT, with no field name, when `name` is not the shape of an
// IANA name (so never a file path or the host's "localtime") or this host's
// time zone database does not know it.
absl::StatusOr<absl::TimeZone> LoadAccountTimeZone(std::string_view name);

// The last complete week at `now` in an account's time zone, or in UTC when
// the account has none recorded (`time_zone` empty): what evaluations,
// plans and apply all count from.
absl::StatusOr<Week> LastCompleteWeekOfAccount(std::string_view time_zone, absl::Time now);

}  // namespace rung

#endif  // RUNG_ACCOUNT_H_
