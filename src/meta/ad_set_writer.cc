#include "meta/ad_set_writer.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "core/text.h"
#include "import/fields.h"
#include "meta/json_members.h"
#include "rung/status_macros.h"

namespace rung::meta {
namespace {

using nlohmann::json;

// Meta counts calls, not items: large pages.
constexpr char kPageLimit[] = "200";

// Adds `value` unless it is empty: Meta's defaults stand for what O lacked.
void AddIfSet(GraphParams* params, const char* name, const std::string& value) {
  if (!value.empty()) params->emplace_back(name, value);
}

void AddIfSet(GraphParams* params, const char* name, const std::optional<int64_t>& value) {
  if (value.has_value()) params->emplace_back(name, absl::StrCat(*value));
}

}  // namespace

absl::StatusOr<GraphParams> NewAdSetParams(const AdSetSettings& original,
                                           const NewAdSet& duplicate) {
  ASSIGN_OR_RETURN(const Optimization optimization, OptimizationFor(duplicate.event, original));
  GraphParams params = {{"name", duplicate.name},
                        {"campaign_id", original.campaign_id},
                        {"status", "PAUSED"},
                        {"optimization_goal", optimization.goal}};
  AddIfSet(&params, "promoted_object", optimization.promoted_object);
  AddIfSet(&params, "billing_event", original.billing_event);
  AddIfSet(&params, "bid_strategy", original.bid_strategy);
  AddIfSet(&params, "bid_amount", original.bid_amount);
  AddIfSet(&params, "daily_budget", duplicate.daily_budget);
  AddIfSet(&params, "end_time", original.end_time);
  AddIfSet(&params, "targeting", original.targeting);
  AddIfSet(&params, "attribution_spec", original.attribution_spec);
  AddIfSet(&params, "destination_type", original.destination_type);
  AddIfSet(&params, "pacing_type", original.pacing_type);
  return params;
}

AdSetWriter::AdSetWriter(GraphClient* client, absl::string_view account_id)
    : client_(client), account_id_(importer::MetaAccountId(account_id)) {}

absl::Status AdSetWriter::Named(const absl::Status& status, bool write) const {
  if (!absl::IsPermissionDenied(status)) return status;
  return WithMessagePrefix(
      absl::StrCat("account ", account_id_, ": the token lacks the ",
                   write ? "ads_management" : "ads_read", " permission on this account: "),
      status);
}

absl::StatusOr<AdSetSettings> AdSetWriter::ReadAdSet(const std::string& ad_set_id) {
  absl::StatusOr<json> object = client_->Get(ad_set_id, {{"fields", kAdSetSettingsFields}});
  if (!object.ok()) return Named(object.status(), /*write=*/false);
  return ReadAdSetSettings(*object);
}

absl::StatusOr<std::vector<MetaAd>> AdSetWriter::ListAds(const std::string& ad_set_id) {
  std::vector<MetaAd> ads;
  const absl::Status status = client_->ForEachPage(
      absl::StrCat(ad_set_id, "/ads"),
      {{"fields", "id,name,effective_status,source_ad_id"}, {"limit", kPageLimit}},
      [&](const json& data) {
        for (const json& item : data) {
          ads.push_back({StringMember(item, "id"), StringMember(item, "name"),
                         StringMember(item, "effective_status"),
                         StringMember(item, "source_ad_id")});
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return Named(status, /*write=*/false);
  return ads;
}

absl::StatusOr<std::vector<AdSetName>> AdSetWriter::FindAdSetsInCampaign(
    const std::string& campaign_id) {
  std::vector<AdSetName> ad_sets;
  const absl::Status status = client_->ForEachPage(
      absl::StrCat(campaign_id, "/adsets"), {{"fields", "id,name"}, {"limit", kPageLimit}},
      [&](const json& data) {
        for (const json& item : data) {
          ad_sets.push_back({StringMember(item, "id"), StringMember(item, "name")});
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return Named(status, /*write=*/false);
  return ad_sets;
}

absl::StatusOr<std::string> AdSetWriter::Make(const std::string& path, const GraphParams& params,
                                              const char* key) {
  absl::StatusOr<json> answer = client_->Post(path, params, GraphClient::Resend::kNever);
  if (!answer.ok()) return Named(answer.status(), /*write=*/true);
  std::string id = StringMember(*answer, key);
  if (id.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("POST ", path, ": Meta's answer has no \"", key, "\""));
  }
  return id;
}

absl::StatusOr<std::string> AdSetWriter::CreateAdSet(const AdSetSettings& original,
                                                     const NewAdSet& duplicate) {
  ASSIGN_OR_RETURN(const GraphParams params, NewAdSetParams(original, duplicate));
  return Make(absl::StrCat(account_id_, "/adsets"), params, "id");
}

absl::StatusOr<std::string> AdSetWriter::CopyAd(const std::string& ad_id,
                                                const std::string& to_ad_set_id) {
  return Make(absl::StrCat(ad_id, "/copies"),
              {{"adset_id", to_ad_set_id}, {"status_option", "ACTIVE"}}, "copied_ad_id");
}

absl::Status AdSetWriter::Update(const std::string& id, const GraphParams& params) {
  // Setting a value twice leaves what setting it once does: resending is safe.
  absl::StatusOr<json> answer = client_->Post(id, params);
  if (!answer.ok()) return Named(answer.status(), /*write=*/true);
  const json* success = MemberOf(*answer, "success");
  if (success == nullptr || *success != true) {
    return client_->redactor().Redact(absl::FailedPreconditionError(
        absl::StrCat("POST ", id, ": Meta did not answer success: ", answer->dump())));
  }
  return absl::OkStatus();
}

absl::Status AdSetWriter::SetStatus(const std::string& id, DeliveryStatus status) {
  return Update(id, {{"status", status == DeliveryStatus::kActive ? "ACTIVE" : "PAUSED"}});
}

absl::Status AdSetWriter::SetDailyBudget(const std::string& ad_set_id, int64_t minor_units) {
  return Update(ad_set_id, {{"daily_budget", absl::StrCat(minor_units)}});
}

}  // namespace rung::meta
