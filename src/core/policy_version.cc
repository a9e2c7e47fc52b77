#include "rung/policy_version.h"

#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/digest.h"
#include "core/text.h"
#include "rung/status_macros.h"

namespace rung {
namespace {

constexpr size_t kEtagLength = 16;

int64_t RevisionOf(const LatestRevisions& latest, std::string_view account_id) {
  const auto it = latest.find(account_id);
  return it == latest.end() ? 0 : it->second.revision;
}

// The deployment's policy with its stored overrides, and its ladders with
// the stored custom ones.
absl::StatusOr<std::pair<Policy, LadderRegistry>> Deployment(const PolicyFile& file,
                                                             const StoredPolicy* stored) {
  if (stored == nullptr) return std::make_pair(file.deployment, file.ladders);
  LadderRegistry ladders = file.ladders;
  for (size_t i = 0; i < stored->ladders.size(); ++i) {
    const absl::Status added = ladders.Add(stored->ladders[i]);
    if (!added.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("policy.ladders[", i, "]: ", added.message()));
    }
  }
  return std::make_pair(ApplyOverrides(file.deployment, stored->overrides), std::move(ladders));
}

}  // namespace

LatestRevisions ByAccount(std::vector<PolicyRevision> latest) {
  LatestRevisions by_account;
  for (PolicyRevision& revision : latest) {
    std::string account_id = revision.account_id;
    by_account.emplace(std::move(account_id), std::move(revision));
  }
  return by_account;
}

bool HasAnyOverride(const PolicyOverrides& overrides) {
  bool any = false;
  ForEachPolicyField(
      [&](std::string_view, auto, auto field) { any = any || (overrides.*field).has_value(); });
  return any;
}

PolicyOverrides MergeOverrides(PolicyOverrides under, const PolicyOverrides& over) {
  ForEachPolicyField([&](std::string_view, auto, auto field) {
    if ((over.*field).has_value()) under.*field = over.*field;
  });
  return under;
}

std::map<std::string, StoredPolicy, std::less<>> StoredPolicies(const LatestRevisions& latest) {
  std::map<std::string, StoredPolicy, std::less<>> stored;
  for (const auto& [account_id, revision] : latest) {
    stored[account_id] = StoredPolicy{revision.overrides, revision.ladders};
  }
  return stored;
}

absl::StatusOr<PolicyBook> ComposePolicies(
    const PolicyFile& file, const std::map<std::string, StoredPolicy, std::less<>>& stored) {
  const auto deployment_stored = stored.find("");
  ASSIGN_OR_RETURN(
      auto deployment,
      Deployment(file, deployment_stored == stored.end() ? nullptr : &deployment_stored->second));
  std::map<std::string, PolicyOverrides> accounts(file.accounts.begin(), file.accounts.end());
  for (const auto& [account_id, policy] : stored) {
    if (account_id.empty()) continue;
    accounts[account_id] = MergeOverrides(accounts[account_id], policy.overrides);
  }
  return PolicyBook::Create(std::move(deployment.first), std::move(accounts),
                            std::move(deployment.second));
}

std::vector<PolicyRevision> RevisionsBehind(
    const PolicyBook& book, const PolicyFile& file,
    const std::map<std::string, StoredPolicy, std::less<>>& stored, const LatestRevisions& latest,
    std::optional<std::string_view> changed_account, const PolicyChange& change) {
  std::set<std::string, std::less<>> accounts = {""};
  for (const auto& [account_id, overrides] : file.accounts) accounts.insert(account_id);
  for (const auto& [account_id, policy] : stored) accounts.insert(account_id);
  for (const auto& [account_id, revision] : latest) accounts.insert(account_id);
  const bool deployment_moved = latest.count("") == 0 ||
                                latest.find("")->second.version != book.For("").version ||
                                changed_account == "";
  const int64_t deployment_revision = RevisionOf(latest, "") + (deployment_moved ? 1 : 0);
  std::vector<PolicyRevision> revisions;
  for (const std::string& account_id : accounts) {
    const std::string version = book.For(account_id).version;
    const auto previous = latest.find(account_id);
    const bool moved = previous == latest.end() || previous->second.version != version;
    if (!moved && changed_account != account_id) continue;
    PolicyRevision revision;
    revision.account_id = account_id;
    revision.revision = RevisionOf(latest, account_id) + 1;
    revision.version = version;
    revision.deployment_revision = deployment_revision;
    if (const auto own = stored.find(account_id); own != stored.end()) {
      revision.overrides = own->second.overrides;
      revision.ladders = own->second.ladders;
    }
    revision.changed_by = change.changed_by;
    revision.change_time = change.change_time;
    revision.reason = changed_account == "" && !account_id.empty()
                          ? absl::StrCat("follows the deployment's change: ", change.reason)
                          : change.reason;
    revisions.push_back(std::move(revision));
  }
  return revisions;
}

absl::StatusOr<std::string> PolicyEtag(const LatestRevisions& latest, std::string_view account_id,
                                       std::string_view version) {
  ASSIGN_OR_RETURN(std::string digest,
                   Sha256Hex(absl::StrCat(AsAbsl(account_id), "\n", RevisionOf(latest, account_id),
                                          "\n", RevisionOf(latest, ""), "\n", AsAbsl(version))));
  digest.resize(kEtagLength);
  return digest;
}

}  // namespace rung
