#include "storage/store_errors.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/text.h"
#include "rung/status_macros.h"

namespace rung {

absl::Status CheckPageLimit(int limit) {
  if (limit > 0) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrFormat("limit: must be positive, got %d", limit));
}

absl::Status AdSetNotFound(absl::string_view ad_set_id) {
  return absl::NotFoundError(absl::StrCat("ad set '", ad_set_id, "' not found"));
}

absl::Status RecommendationNotFound(absl::string_view ad_set_id, std::optional<Week> week) {
  if (!week.has_value()) {
    return absl::NotFoundError(absl::StrFormat("no recommendation for ad set '%s'", ad_set_id));
  }
  return absl::NotFoundError(
      absl::StrFormat("no recommendation for ad set '%s' at week %s", ad_set_id, week->ToString()));
}

absl::Status ClimbTestNotFound(absl::string_view climb_test_id) {
  return absl::NotFoundError(absl::StrFormat("climb test '%s' not found", climb_test_id));
}

absl::Status AccountNotFound(absl::string_view account_id) {
  return absl::NotFoundError(
      absl::StrCat("account ", Quote(account_id, '\''), " not found: no sync of it was recorded"));
}

absl::Status ActionNotFound(absl::string_view key) {
  return absl::NotFoundError(absl::StrCat("action ", Quote(key, '\''), " not found"));
}

absl::Status ActionOwnedElsewhere(absl::string_view key, absl::string_view stored_account_id,
                                  absl::string_view stored_ad_set_id) {
  return absl::FailedPreconditionError(absl::StrCat(
      "action ", Quote(key, '\''), " is recorded for account ", Quote(stored_account_id, '\''),
      " and ad set ", Quote(stored_ad_set_id, '\''), "; a key keeps its owner"));
}

std::string PolicyOwner(absl::string_view account_id) {
  if (account_id.empty()) return "the deployment";
  return absl::StrCat("account ", Quote(account_id, '\''));
}

absl::Status PolicyRevisionNotNext(size_t index, const PolicyRevision& revision, int64_t latest) {
  return absl::AbortedError(absl::StrFormat(
      "revisions[%d]: the next revision of %s is %d, not %d (another writer may have stored "
      "revisions since they were read); nothing was stored",
      index, PolicyOwner(revision.account_id), latest + 1, revision.revision));
}

absl::Status EvaluationAlreadyRecorded(absl::string_view evaluation_id) {
  return absl::AlreadyExistsError(
      absl::StrFormat("evaluation '%s' is already recorded", evaluation_id));
}

absl::Status ClimbTestAlreadyExists(absl::string_view climb_test_id) {
  return absl::AlreadyExistsError(absl::StrFormat("climb test '%s' already exists", climb_test_id));
}

absl::Status RunningTestInvolvesEither(const ClimbTest& test) {
  return absl::AbortedError(absl::StrFormat(
      "climb test '%s' was not stored: a running test now involves ad set '%s' or '%s'",
      test.climb_test_id, test.original_ad_set_id, test.duplicate_ad_set_id));
}

absl::Status ClimbTestChangedSince(absl::string_view climb_test_id, ClimbTestState stored_state,
                                   ClimbTestState expected_state) {
  return absl::AbortedError(absl::StrFormat(
      "climb test '%s' is %s now, not %s as expected; read it again", climb_test_id,
      AsAbsl(ClimbTestStateName(stored_state)), AsAbsl(ClimbTestStateName(expected_state))));
}

}  // namespace rung
