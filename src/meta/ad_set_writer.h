#ifndef RUNG_META_AD_SET_WRITER_H_
#define RUNG_META_AD_SET_WRITER_H_

// The Graph calls that `rungctl apply` makes on one ad account
// (acting-on-meta.md): read an ad set and its ads, create its duplicate on
// another event, copy ads into it, start, pause and fund ad sets. Which
// action to take, and whether Meta's state still matches the advice, is
// apply's to decide.
//
// Unknown outcomes: CreateAdSet and CopyAd are never sent twice (a second
// send could make a second ad set or ad). When one fails UNAVAILABLE or
// DEADLINE_EXCEEDED, Meta may have done it; apply resumes by name, finding
// the duplicate in O's campaign (FindAdSetsInCampaign) by the key in its
// name, and the ads already copied by their source_ad_id (ListAds).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "meta/graph_client.h"
#include "meta/meta_objects.h"

namespace rung::meta {

struct MetaAd {
  std::string id;
  std::string name;
  std::string effective_status;
  std::string source_ad_id;  // the ad this one was copied from; empty: none
};

struct AdSetName {
  std::string id;
  std::string name;
};

// The duplicate of an ad set.
struct NewAdSet {
  std::string name;
  std::string event;  // the rung it optimizes for, as rungd names events
  // In the currency's minor unit; none under a campaign budget.
  std::optional<int64_t> daily_budget;
};

enum class DeliveryStatus { kActive, kPaused };

// The parameters of `POST act_{id}/adsets` that create `duplicate` of
// `original`: its settings, its promoted_object with the new event
// (OptimizationFor), and status PAUSED. `original`'s lifetime budget is not
// copied: a duplicate gets only `duplicate.daily_budget`. For `rungctl plan`
// to show, and for CreateAdSet to send.
absl::StatusOr<GraphParams> NewAdSetParams(const AdSetSettings& original,
                                           const NewAdSet& duplicate);

// Errors are GraphClient's; a missing permission (PERMISSION_DENIED) names
// the account and the permission it lacks. Not thread-safe.
class AdSetWriter {
 public:
  // `client` must outlive the writer. `account_id`: "act_1001" or "1001".
  AdSetWriter(GraphClient* client, absl::string_view account_id);

  absl::StatusOr<AdSetSettings> ReadAdSet(const std::string& ad_set_id);
  absl::StatusOr<std::vector<MetaAd>> ListAds(const std::string& ad_set_id);
  absl::StatusOr<std::vector<AdSetName>> FindAdSetsInCampaign(const std::string& campaign_id);

  // The new ad set's id.
  absl::StatusOr<std::string> CreateAdSet(const AdSetSettings& original, const NewAdSet& duplicate);
  // Copies the ad, active, into `to_ad_set_id`; the copy's id.
  absl::StatusOr<std::string> CopyAd(const std::string& ad_id, const std::string& to_ad_set_id);
  // Of an ad set (or an ad, or a campaign).
  absl::Status SetStatus(const std::string& id, DeliveryStatus status);
  absl::Status SetDailyBudget(const std::string& ad_set_id, int64_t minor_units);

 private:
  // A POST whose answer must be {"success": true}.
  absl::Status Update(const std::string& id, const GraphParams& params);
  // The member `key` of a POST's answer: the id of what it made.
  absl::StatusOr<std::string> Make(const std::string& path, const GraphParams& params,
                                   const char* key);
  // `status`, a missing permission named with the account.
  absl::Status Named(const absl::Status& status, bool write) const;

  GraphClient* client_;
  std::string account_id_;
};

}  // namespace rung::meta

#endif  // RUNG_META_AD_SET_WRITER_H_
