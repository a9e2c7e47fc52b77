#include "rung/advisor.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/page_token.h"
#include "core/request_checks.h"
#include "core/text.h"
#include "rung/history.h"
#include "rung/status_macros.h"

namespace rung {
namespace {

// PATH_MAX on Linux.
constexpr size_t kMaxPathLength = 4096;

// An ad set belongs for life to the account and campaign it was first stored
// under: moving it would mix two accounts' histories and climb tests.
absl::Status OwnershipRefusal(const OwnerConflict& conflict, const AdSetWeek& record) {
  auto refuse = [&](absl::string_view field, absl::string_view kind, const std::string& stored,
                    const std::string& sent) {
    return absl::InvalidArgumentError(
        absl::StrFormat("weeks[%d].%s: ad set '%s' belongs to %s '%s', not '%s'",
                        conflict.record_index, field, record.ad_set_id, kind, stored, sent));
  };
  if (conflict.stored_account_id != record.account_id) {
    return refuse("account_id", "account", conflict.stored_account_id, record.account_id);
  }
  return refuse("campaign_id", "campaign", conflict.stored_campaign_id, record.campaign_id);
}

}  // namespace

Advisor::Advisor(Store* store, PolicyFile policy_file, AdvisorOptions options, Clock clock)
    : store_(store),
      version_lease_([store] { return store->RecommendationsVersion(); }),
      policy_file_(std::move(policy_file)),
      options_(options),
      clock_(std::move(clock)) {}

absl::StatusOr<IngestSummary> Advisor::IngestWeeks(const std::vector<RawAdSetWeek>& weeks,
                                                   const std::string& request_id) {
  if (request_id.size() > static_cast<size_t>(kMaxRequestIdLength)) {
    return absl::InvalidArgumentError(absl::StrCat("request_id: is ", request_id.size(),
                                                   " characters; at most ", kMaxRequestIdLength));
  }
  ValidationOptions validation;
  validation.max_batch_size = options_.max_batch_size;
  validation.today = Today();
  ASSIGN_OR_RETURN(const PolicyBook policies, CurrentPolicies());
  ASSIGN_OR_RETURN(ValidatedBatch batch, ValidateBatch(weeks, policies.ladders(), validation));
  IngestBatch ingest;
  ingest.records = std::move(batch.records);
  ingest.warnings = std::move(batch.warnings);
  ingest.request_id = request_id;
  ASSIGN_OR_RETURN(IngestOutcome outcome, store_->Ingest(ingest));
  if (outcome.conflict.has_value()) {
    const OwnerConflict& conflict = *outcome.conflict;
    return OwnershipRefusal(conflict, ingest.records[conflict.record_index]);
  }
  return std::move(outcome.summary);
}

absl::StatusOr<AdSetSummary> Advisor::GetAdSet(std::string_view ad_set_id) {
  RETURN_IF_ERROR(CheckRequiredId("ad_set_id", ad_set_id));
  ASSIGN_OR_RETURN(AdSetHistory history, store_->GetHistory(ad_set_id, std::nullopt, std::nullopt));
  return Summarize(history);
}

absl::StatusOr<AdSetPage> Advisor::ListAdSets(std::string_view account_id, int page_size,
                                              std::string_view page_token) {
  RETURN_IF_ERROR(CheckOptionalId("account_id", account_id));
  ASSIGN_OR_RETURN(
      int limit, EffectivePageSize(page_size, options_.default_page_size, options_.max_page_size));
  const std::string filter = absl::StrCat("account_id=", std::string(account_id));
  AdSetIdPageQuery query;
  query.account_id = std::string(account_id);
  query.limit = limit + 1;  // one more tells whether another page follows
  if (!page_token.empty()) {
    ASSIGN_OR_RETURN(query.after_ad_set_id, DecodePageToken(page_token, filter));
  }
  ASSIGN_OR_RETURN(std::vector<std::string> ids, store_->ListAdSetIds(query));
  AdSetPage page;
  page.next_page_token = TrimPage(ids, limit, filter, [](const std::string& id) { return id; });
  for (const std::string& id : ids) {
    ASSIGN_OR_RETURN(AdSetSummary summary, GetAdSet(id));
    page.ad_sets.push_back(std::move(summary));
  }
  return page;
}

absl::StatusOr<AdSetHistory> Advisor::GetAdSetHistory(std::string_view ad_set_id,
                                                      std::string_view from_week,
                                                      std::string_view to_week) {
  RETURN_IF_ERROR(CheckRequiredId("ad_set_id", ad_set_id));
  ASSIGN_OR_RETURN(std::optional<Week> from, ParseOptionalWeek("from_week", from_week));
  ASSIGN_OR_RETURN(std::optional<Week> to, ParseOptionalWeek("to_week", to_week));
  if (from && to && *to < *from) {
    return absl::InvalidArgumentError(
        absl::StrCat("to_week: ", to->ToString(), " is before from_week ", from->ToString()));
  }
  return store_->GetHistory(ad_set_id, from, to);
}

absl::StatusOr<StoreStats> Advisor::GetStats() { return store_->GetStats(); }

absl::StatusOr<int64_t> Advisor::BackupDatabase(std::string_view destination_path) {
  // Relative paths would resolve against the daemon's working directory,
  // which the caller cannot see.
  if (destination_path.empty() || destination_path.front() != '/') {
    return absl::InvalidArgumentError(
        absl::StrCat("destination_path: must be an absolute path on the daemon's host, got ",
                     Quote(AsAbsl(destination_path))));
  }
  if (destination_path.size() > kMaxPathLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("destination_path: longer than ", kMaxPathLength, " bytes"));
  }
  return store_->Backup(std::string(destination_path));
}

}  // namespace rung
