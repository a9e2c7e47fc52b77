#include "rung/account.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "core/request_checks.h"
#include "core/text.h"
#include "rung/status_macros.h"

namespace rung {
namespace {

// Characters, not bytes: Meta's account names are UTF-8, often not Latin.
size_t Utf8Length(std::string_view text) {
  size_t length = 0;
  for (const char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++length;
  }
  return length;
}

// "Area/Location" parts as the tz database spells them. absl::LoadTimeZone
// would also read an absolute path, and "localtime" is the host's own zone,
// neither of which says anything about an account.
bool HasIanaShape(std::string_view name) {
  if (name == "localtime") return false;
  for (const absl::string_view part : absl::StrSplit(AsAbsl(name), '/')) {
    if (part.empty() || part == "." || part == "..") return false;
    for (const char c : part) {
      if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '+' &&
          c != '.') {
        return false;
      }
    }
  }
  return true;
}

absl::Status CheckCurrency(std::string_view currency) {
  if (currency.empty()) return absl::OkStatus();
  bool capitals = currency.size() == 3;
  for (const char c : currency) {
    capitals = capitals && absl::ascii_isupper(static_cast<unsigned char>(c));
  }
  if (capitals) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("account.currency: ", Quote(AsAbsl(currency)),
                                                 " is not an ISO 4217 code such as \"EUR\""));
}

}  // namespace

absl::StatusOr<absl::TimeZone> LoadAccountTimeZone(std::string_view name) {
  absl::TimeZone zone;
  if (!HasIanaShape(name) || !absl::LoadTimeZone(std::string(name), &zone)) {
    return absl::InvalidArgumentError(
        absl::StrCat(Quote(AsAbsl(name)),
                     " is not an IANA time zone that this host's time zone database knows, "
                     "such as \"America/Los_Angeles\""));
  }
  return zone;
}

absl::Status ValidateAccount(const AccountRecord& account) {
  RETURN_IF_ERROR(CheckStoredId("account.account_id", account.account_id));
  if (const size_t length = Utf8Length(account.name); length > kMaxAccountNameLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("account.name: is ", length, " characters; at most ", kMaxAccountNameLength));
  }
  RETURN_IF_ERROR(CheckCurrency(account.currency));
  if (account.time_zone.empty()) return absl::OkStatus();
  const absl::Status zone = LoadAccountTimeZone(account.time_zone).status();
  return zone.ok() ? zone : WithMessagePrefix("account.time_zone: ", zone);
}

absl::StatusOr<Week> LastCompleteWeekOfAccount(std::string_view time_zone, absl::Time now) {
  if (time_zone.empty()) return Week::LastComplete(now);
  ASSIGN_OR_RETURN(const absl::TimeZone zone, LoadAccountTimeZone(time_zone));
  return Week::LastCompleteIn(now, zone);
}

}  // namespace rung
