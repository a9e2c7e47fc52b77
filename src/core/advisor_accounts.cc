// The Advisor's account use cases: what rungctl sync records of each ad
// account, and reading it back.

#include <utility>

#include "core/request_checks.h"
#include "rung/advisor.h"
#include "rung/status_macros.h"

namespace rung {

absl::StatusOr<AccountRecord> Advisor::RecordAccountSync(AccountRecord account) {
  RETURN_IF_ERROR(ValidateAccount(account));
  account.last_sync_time = clock_();
  RETURN_IF_ERROR(store_->RecordAccountSync(account));
  return account;
}

absl::StatusOr<AccountRecord> Advisor::GetAccount(std::string_view account_id) {
  RETURN_IF_ERROR(CheckRequiredId("account_id", account_id));
  return store_->GetAccount(account_id);
}

}  // namespace rung
