#ifndef RUNG_STORAGE_STORE_CHECKS_H_
#define RUNG_STORAGE_STORE_CHECKS_H_

// What every engine refuses to store, checked alike: the store refuses what
// no caller of it should send, or what could not be read back as it is.
// Each answers INVALID_ARGUMENT naming the field.

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "rung/account.h"
#include "rung/action_record.h"
#include "rung/climb_test.h"
#include "rung/policy_version.h"
#include "rung/recommendation.h"
#include "rung/store.h"

namespace rung {

// No ad set or account, a negative count or number, an instant outside
// years 1-9999 ("recommendation.account_id: ...").
absl::Status CheckStorableRecommendation(const Recommendation& recommendation);

// CheckStorableRecommendation of each, the refusal naming its place
// ("recommendations[3].account_id: ...").
absl::Status CheckStorableRecommendations(const std::vector<Recommendation>& recommendations);

// What an EvaluationWriter::Write refuses before it stores anything: each
// recommendation as above, and each test change by CheckStorableChange.
absl::Status CheckStorableChunk(const EvaluationChunk& chunk);

// No id, a negative count, an instant outside years 1-9999.
absl::Status CheckStorableEvaluation(const EvaluationRecord& evaluation);

// A missing id, event or ad set, one ad set in both roles, or a test that is
// not new (not RUNNING, or with conclusion fields set).
absl::Status CheckNewClimbTest(const ClimbTest& test);

// A change of another test than it expects, or to figures no test can have:
// a negative cost (other than +infinity) or retest baseline. `field` names
// the change ("test_changes[2]").
absl::Status CheckStorableChange(const ClimbTestChange& change, absl::string_view field);

// No id or no last_sync_time within years 1-9999.
absl::Status CheckStorableAccount(const AccountRecord& account);

// No key, action_id, account or ad set, a step without method or path
// ("action.steps[2].method: ..."), or an instant outside years 1-9999. The
// record's created_at is not checked: the store sets it.
absl::Status CheckStorableAction(const ActionRecord& record);

// No account, or a limit that is not positive.
absl::Status CheckActionQuery(const ActionQuery& query);

// What PolicyStore::AppendPolicyRevisions refuses, named as
// "revisions[1].version: ...": a revision below 1, two revisions of one
// account, no version, a negative deployment_revision, ladders on an
// account's revision, an override that is not a finite number, or an
// instant outside years 1-9999.
absl::Status CheckStorablePolicyRevisions(const std::vector<PolicyRevision>& revisions);

// A limit that is not positive or a negative before_revision.
absl::Status CheckPolicyRevisionQuery(const PolicyRevisionQuery& query);

}  // namespace rung

#endif  // RUNG_STORAGE_STORE_CHECKS_H_
