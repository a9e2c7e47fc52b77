#ifndef RUNG_POLICY_VERSION_H_
#define RUNG_POLICY_VERSION_H_

// The policy as versioned data: each change of an account's stored overrides
// (or of the deployment's, with its custom ladders) is kept as a revision,
// with who made it, when and why. The config file stays the starting point;
// stored overrides apply on top of it.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "rung/ladder.h"
#include "rung/policy.h"

namespace rung {

// One revision of one account's stored policy.
struct PolicyRevision {
  // Empty for the deployment's own policy.
  std::string account_id;
  // 1 for the account's first revision, one more for each after it.
  int64_t revision = 0;
  // The effective policy's version (EffectivePolicy::version) from this
  // revision on: what recommendations made under it carry.
  std::string version;
  // The deployment's revision that this one was composed on (its own, for
  // the deployment's); 0 for none. Before an account's first revision it
  // followed the deployment's, up to this one of its first.
  int64_t deployment_revision = 0;
  // The whole of the account's stored overrides from this revision on, not
  // the change alone.
  PolicyOverrides overrides;
  // The deployment's custom ladders beside the config file's; always empty
  // for an account.
  std::vector<Ladder> ladders;
  // The name of the token that made the change (empty when rungd runs
  // without tokens); "config file" for a revision recorded because rungd
  // started with a changed config file.
  std::string changed_by;
  absl::Time change_time;
  std::string reason;
};

// Which revisions ListPolicyRevisions answers: one account's (empty: the
// deployment's), newest first, those below `before_revision` when it is set.
struct PolicyRevisionQuery {
  std::string account_id;
  // 0: from the newest.
  int64_t before_revision = 0;
  int limit = 100;
};

// The config file's policy: the starting point beneath every stored revision.
struct PolicyFile {
  // The defaults with the file's `policy` on top.
  Policy deployment;
  // The file's per-account overrides.
  std::map<std::string, PolicyOverrides, std::less<>> accounts;
  // The built-in ladders and the file's.
  LadderRegistry ladders = LadderRegistry::BuiltIn();
};

// What one account (or the deployment) stores: the overrides that
// UpdatePolicy replaces as a whole.
struct StoredPolicy {
  PolicyOverrides overrides;
  // The deployment's only.
  std::vector<Ladder> ladders;
};

// The latest stored revision of each account, by account id ("" for the
// deployment).
using LatestRevisions = std::map<std::string, PolicyRevision, std::less<>>;

LatestRevisions ByAccount(std::vector<PolicyRevision> latest);

// Whether any value is present.
bool HasAnyOverride(const PolicyOverrides& overrides);

// `over`'s values where it has them, else `under`'s.
PolicyOverrides MergeOverrides(PolicyOverrides under, const PolicyOverrides& over);

// The effective policies: for each account, the defaults, then the file's
// deployment policy, the stored deployment overrides, the file's account
// overrides and the account's stored overrides, each on top of the one
// before; the file's ladders with the stored custom ladders. `stored` is by
// account id, as ByAccount makes it. INVALID_ARGUMENT when the result is not
// a policy the rules can work with, naming the account.
absl::StatusOr<PolicyBook> ComposePolicies(
    const PolicyFile& file, const std::map<std::string, StoredPolicy, std::less<>>& stored);

// Each account's stored policy, as of its latest revision.
std::map<std::string, StoredPolicy, std::less<>> StoredPolicies(const LatestRevisions& latest);

// Who made a change, when and why.
struct PolicyChange {
  std::string changed_by;
  absl::Time change_time;
  std::string reason;
};

// The revisions that make the stored history end, for the deployment and
// for every account with overrides (in the file or stored), at its version
// in `book`, which was composed from `stored`: one for each whose latest
// revision (in `latest`, what the store holds) has another version or that
// has none, and one for `changed_account` in any case, so that an update
// records who asked even when it changes no value. Deployment first, then by
// account id.
std::vector<PolicyRevision> RevisionsBehind(
    const PolicyBook& book, const PolicyFile& file,
    const std::map<std::string, StoredPolicy, std::less<>>& stored, const LatestRevisions& latest,
    std::optional<std::string_view> changed_account, const PolicyChange& change);

// The tag that UpdatePolicy compares to refuse a change made from a stale
// read: it moves with the account's and the deployment's stored revisions
// and with the account's effective version.
absl::StatusOr<std::string> PolicyEtag(const LatestRevisions& latest, std::string_view account_id,
                                       std::string_view version);

}  // namespace rung

#endif  // RUNG_POLICY_VERSION_H_
