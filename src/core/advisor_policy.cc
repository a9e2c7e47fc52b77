// The Advisor's policy use cases: read, change and list its versions, and
// record at start what the config file changed.

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "core/page_token.h"
#include "core/request_checks.h"
#include "core/retry.h"
#include "core/text.h"
#include "rung/advisor.h"
#include "rung/status_macros.h"

namespace rung {
namespace {

constexpr size_t kMaxReasonLength = 1000;
constexpr char kConfigFile[] = "config file";

// A proposed policy for the account, before anything is composed.
absl::Status CheckProposal(std::string_view account_id, const StoredPolicy& proposal) {
  if (!account_id.empty()) RETURN_IF_ERROR(CheckStoredId("account_id", account_id));
  // The rules take an infinite multiple, but no stored version can hold one.
  absl::Status finite;
  ForEachPolicyField([&](std::string_view name, auto, auto field) {
    const auto& value = proposal.overrides.*field;
    if (finite.ok() && value.has_value() && !std::isfinite(static_cast<double>(*value))) {
      finite = absl::InvalidArgumentError(
          absl::StrCat("policy.", AsAbsl(name), ": must be a finite number"));
    }
  });
  RETURN_IF_ERROR(finite);
  if (!account_id.empty() && !proposal.ladders.empty()) {
    return absl::InvalidArgumentError(
        "policy.ladders: custom ladders belong to the deployment's policy; send them with an "
        "empty account_id");
  }
  return absl::OkStatus();
}

absl::Status CheckUpdate(const PolicyUpdate& update) {
  RETURN_IF_ERROR(CheckProposal(update.account_id, update.policy));
  if (update.reason.empty()) {
    return absl::InvalidArgumentError(
        "reason: required; say why the policy changes, for its history");
  }
  if (update.reason.size() > kMaxReasonLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("reason: is ", update.reason.size(), " bytes; at most ", kMaxReasonLength));
  }
  return absl::OkStatus();
}

// The policies with `proposal` as the account's stored policy, in `stored`
// too. The account's own effective policy is checked first, under the name
// the caller used ("policy.cutover_threshold: ..."), before the whole book
// names what is wrong by account.
absl::StatusOr<PolicyBook> Propose(const PolicyFile& file, const PolicyBook& current,
                                   std::map<std::string, StoredPolicy, std::less<>>& stored,
                                   std::string_view account_id, const StoredPolicy& proposal) {
  if (account_id.empty()) {
    RETURN_IF_ERROR(ValidatePolicy(ApplyOverrides(file.deployment, proposal.overrides), "policy"));
  } else {
    PolicyOverrides overrides;
    if (const auto in_file = file.accounts.find(account_id); in_file != file.accounts.end()) {
      overrides = in_file->second;
    }
    RETURN_IF_ERROR(ValidatePolicy(
        ApplyOverrides(current.For("").policy, MergeOverrides(overrides, proposal.overrides)),
        "policy"));
  }
  stored[std::string(account_id)] = proposal;
  return ComposePolicies(file, stored);
}

absl::StatusOr<PolicyView> ViewOf(const PolicyBook& book, const LatestRevisions& latest,
                                  std::string_view account_id) {
  PolicyView view;
  view.effective = book.For(account_id);
  view.ladders = book.ladders();
  if (const auto found = latest.find(account_id); found != latest.end()) {
    view.stored = StoredPolicy{found->second.overrides, found->second.ladders};
    view.revision = found->second.revision;
  }
  ASSIGN_OR_RETURN(view.etag, PolicyEtag(latest, account_id, view.effective.version));
  return view;
}

// Page keys of ListPolicyVersions: "a/N" for the account's revision N, "d/N"
// for the deployment's.
std::string VersionKey(const PolicyRevision& revision) {
  return absl::StrCat(revision.account_id.empty() ? "d/" : "a/", revision.revision);
}

struct VersionCursor {
  bool in_deployment = false;
  // Revisions below this one; 0: from the newest.
  int64_t before = 0;
};

absl::StatusOr<VersionCursor> ParseVersionKey(std::string_view key) {
  if (key.empty()) return VersionCursor{};
  const std::pair<absl::string_view, absl::string_view> parts = absl::StrSplit(AsAbsl(key), '/');
  VersionCursor cursor;
  if ((parts.first != "a" && parts.first != "d") ||
      !absl::SimpleAtoi(parts.second, &cursor.before) || cursor.before < 1) {
    return absl::InvalidArgumentError("page_token: not a token of ListPolicyVersions");
  }
  cursor.in_deployment = parts.first == "d";
  return cursor;
}

}  // namespace

absl::StatusOr<PolicyBook> Advisor::CurrentPolicies() {
  ASSIGN_OR_RETURN(std::vector<PolicyRevision> latest, store_->LatestPolicyRevisions());
  return ComposePolicies(policy_file_, StoredPolicies(ByAccount(std::move(latest))));
}

absl::StatusOr<PolicyBook> Advisor::ProposedPolicies(std::string_view account_id,
                                                     const StoredPolicy& proposal) {
  RETURN_IF_ERROR(CheckProposal(account_id, proposal));
  ASSIGN_OR_RETURN(std::vector<PolicyRevision> latest, store_->LatestPolicyRevisions());
  auto stored = StoredPolicies(ByAccount(std::move(latest)));
  ASSIGN_OR_RETURN(const PolicyBook current, ComposePolicies(policy_file_, stored));
  return Propose(policy_file_, current, stored, account_id, proposal);
}

absl::StatusOr<PolicyView> Advisor::GetPolicy(std::string_view account_id) {
  RETURN_IF_ERROR(CheckOptionalId("account_id", account_id));
  ASSIGN_OR_RETURN(std::vector<PolicyRevision> revisions, store_->LatestPolicyRevisions());
  const LatestRevisions latest = ByAccount(std::move(revisions));
  ASSIGN_OR_RETURN(const PolicyBook book, ComposePolicies(policy_file_, StoredPolicies(latest)));
  return ViewOf(book, latest, account_id);
}

absl::StatusOr<PolicyView> Advisor::UpdatePolicy(const PolicyUpdate& update,
                                                 std::string_view changed_by) {
  RETURN_IF_ERROR(CheckUpdate(update));
  PolicyView answer;
  const auto attempt = [&]() -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<PolicyRevision> revisions, store_->LatestPolicyRevisions());
    LatestRevisions latest = ByAccount(std::move(revisions));
    auto stored = StoredPolicies(latest);
    ASSIGN_OR_RETURN(const PolicyBook current, ComposePolicies(policy_file_, stored));
    ASSIGN_OR_RETURN(const std::string etag,
                     PolicyEtag(latest, update.account_id, current.For(update.account_id).version));
    if (!update.etag.empty() && update.etag != etag) {
      return absl::AbortedError(absl::StrCat(
          "etag: the policy of ", update.account_id.empty() ? "the deployment" : "account ",
          update.account_id.empty() ? "" : Quote(update.account_id),
          " changed since it was read; read it again with GetPolicy and retry"));
    }
    ASSIGN_OR_RETURN(const PolicyBook proposed,
                     Propose(policy_file_, current, stored, update.account_id, update.policy));
    const std::vector<PolicyRevision> changes =
        RevisionsBehind(proposed, policy_file_, stored, latest, update.account_id,
                        PolicyChange{std::string(changed_by), clock_(), update.reason});
    if (!update.validate_only) {
      RETURN_IF_ERROR(store_->AppendPolicyRevisions(changes));
      for (const PolicyRevision& revision : changes) latest[revision.account_id] = revision;
    }
    ASSIGN_OR_RETURN(answer, ViewOf(proposed, latest, update.account_id));
    if (update.validate_only) answer.stored = update.policy;
    return absl::OkStatus();
  };
  // Without an etag the caller asked for no check, so a race with another
  // writer is retried from a fresh read; with one, it is the caller's to see.
  RETURN_IF_ERROR(update.etag.empty() ? RetryWhileAborted(attempt) : attempt());
  return answer;
}

absl::StatusOr<PolicyVersionPage> Advisor::ListPolicyVersions(std::string_view account_id,
                                                              int page_size,
                                                              std::string_view page_token) {
  RETURN_IF_ERROR(CheckOptionalId("account_id", account_id));
  ASSIGN_OR_RETURN(const int limit, EffectivePageSize(page_size, options_.default_page_size,
                                                      options_.max_page_size));
  const std::string filter = absl::StrCat("account_id=", AsAbsl(account_id));
  std::string key;
  if (!page_token.empty()) {
    ASSIGN_OR_RETURN(key, DecodePageToken(page_token, filter));
  }
  ASSIGN_OR_RETURN(VersionCursor cursor, ParseVersionKey(key));
  PolicyVersionPage page;
  if (!account_id.empty() && !cursor.in_deployment) {
    ASSIGN_OR_RETURN(page.versions, store_->ListPolicyRevisions(PolicyRevisionQuery{
                                        std::string(account_id), cursor.before, limit + 1}));
    const bool account_has_none = page.versions.empty() && cursor.before == 0;
    if (page.versions.size() <= static_cast<size_t>(limit) && !account_has_none) {
      // Before its first revision the account followed the deployment's
      // policy, up to the revision that its first was composed on.
      ASSIGN_OR_RETURN(const std::vector<PolicyRevision> first,
                       store_->ListPolicyRevisions(
                           PolicyRevisionQuery{std::string(account_id), /*before_revision=*/2, 1}));
      cursor.before = first.empty() ? 1 : first.front().deployment_revision + 1;
    }
  }
  const int wanted = limit + 1 - static_cast<int>(page.versions.size());
  if (wanted > 0 && cursor.before != 1) {
    ASSIGN_OR_RETURN(std::vector<PolicyRevision> deployment,
                     store_->ListPolicyRevisions(PolicyRevisionQuery{"", cursor.before, wanted}));
    for (PolicyRevision& revision : deployment) page.versions.push_back(std::move(revision));
  }
  page.next_page_token = TrimPage(page.versions, limit, filter, VersionKey);
  return page;
}

absl::StatusOr<std::vector<std::string>> Advisor::RecordPolicyFile() {
  std::vector<std::string> overridden;
  const auto attempt = [&]() -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<PolicyRevision> revisions, store_->LatestPolicyRevisions());
    const LatestRevisions latest = ByAccount(std::move(revisions));
    const auto stored = StoredPolicies(latest);
    ASSIGN_OR_RETURN(const PolicyBook book, ComposePolicies(policy_file_, stored));
    const std::vector<PolicyRevision> behind =
        RevisionsBehind(book, policy_file_, stored, latest, std::nullopt,
                        PolicyChange{kConfigFile, clock_(), "the config file's, as rungd started"});
    if (!behind.empty()) RETURN_IF_ERROR(store_->AppendPolicyRevisions(behind));
    overridden.clear();
    for (const auto& [account_id, policy] : stored) {
      if (HasAnyOverride(policy.overrides) || !policy.ladders.empty()) {
        overridden.push_back(account_id);
      }
    }
    return absl::OkStatus();
  };
  RETURN_IF_ERROR(RetryWhileAborted(attempt));
  return overridden;
}

}  // namespace rung
