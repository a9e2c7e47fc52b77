#ifndef RUNG_STORAGE_STORE_ERRORS_H_
#define RUNG_STORAGE_STORE_ERRORS_H_

// The errors that every engine answers alike, worded once: callers and the
// contract suite (tests/store_contract.h) see the same message whichever
// engine is behind the Store.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "rung/climb_test.h"
#include "rung/policy_version.h"
#include "rung/week.h"

namespace rung {

// INVALID_ARGUMENT for a page of no rows: "limit: must be positive, got 0".
absl::Status CheckPageLimit(int limit);

// NOT_FOUND: "ad set 'as_1' not found".
absl::Status AdSetNotFound(absl::string_view ad_set_id);

// NOT_FOUND: "no recommendation for ad set 'as_1'" (at week ... when given).
absl::Status RecommendationNotFound(absl::string_view ad_set_id, std::optional<Week> week);

// NOT_FOUND: "climb test 'ct_1' not found".
absl::Status ClimbTestNotFound(absl::string_view climb_test_id);

// NOT_FOUND: "account 'act_1' not found: no sync of it was recorded".
absl::Status AccountNotFound(absl::string_view account_id);

// NOT_FOUND: "action 'as_1@2026-01-05@MOVE_DOWN' not found".
absl::Status ActionNotFound(absl::string_view key);

// FAILED_PRECONDITION for a record of `key` that names another account or
// ad set than the one it is stored under.
absl::Status ActionOwnedElsewhere(absl::string_view key, absl::string_view stored_account_id,
                                  absl::string_view stored_ad_set_id);

// Whose policy a revision is of, for messages: "account 'act_1'", or "the
// deployment" for the empty id.
std::string PolicyOwner(absl::string_view account_id);

// ABORTED for revisions[index], which is not its account's next: `latest`
// is the account's latest stored revision (0 for none).
absl::Status PolicyRevisionNotNext(size_t index, const PolicyRevision& revision, int64_t latest);

// ALREADY_EXISTS for an evaluation_id recorded before.
absl::Status EvaluationAlreadyRecorded(absl::string_view evaluation_id);

// ALREADY_EXISTS for a climb_test_id taken before.
absl::Status ClimbTestAlreadyExists(absl::string_view climb_test_id);

// ABORTED for a new test that a running test (started since the caller
// looked) keeps out.
absl::Status RunningTestInvolvesEither(const ClimbTest& test);

// ABORTED for a change to a test that is now in `stored_state`, no longer in
// the state the caller expected.
absl::Status ClimbTestChangedSince(absl::string_view climb_test_id, ClimbTestState stored_state,
                                   ClimbTestState expected_state);

}  // namespace rung

#endif  // RUNG_STORAGE_STORE_ERRORS_H_
