#include "api/evaluation_announcer.h"

#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "notify/slack_message.h"
#include "rung/status_macros.h"

namespace rung {

EvaluationAnnouncer::EvaluationAnnouncer(Advisor* advisor, notify::WebhookNotifier* notifier,
                                         std::string dashboard_url, notify::NotifierLog log)
    : advisor_(advisor),
      notifier_(notifier),
      dashboard_url_(std::move(dashboard_url)),
      log_(std::move(log)),
      worker_([this] { AnnounceQueued(); }) {}

void EvaluationAnnouncer::Announce(const v1::EvaluateAdSetsRequest& request,
                                   const v1::EvaluateAdSetsResponse& response) {
  Judged judged{request.account_id(), response.as_of_week(), {}};
  for (const v1::AccountWeek& account : response.account_weeks()) {
    judged.account_weeks[account.account_id()] = account.as_of_week();
  }
  {
    absl::MutexLock lock(&mu_);
    queued_.push_back(std::move(judged));
  }
  worker_.Request();
}

void EvaluationAnnouncer::AnnounceQueued() {
  while (true) {
    std::optional<Judged> judged;
    {
      absl::MutexLock lock(&mu_);
      if (queued_.empty()) return;
      judged = std::move(queued_.front());
      queued_.pop_front();
    }
    const absl::Status announced = AnnounceOne(*judged);
    if (!announced.ok()) {
      log_(absl::StrCat("webhook: cannot summarize the evaluation of ", judged->as_of_week,
                        " to announce it: ", announced.ToString()));
    }
  }
}

absl::Status EvaluationAnnouncer::AnnounceOne(const Judged& judged) {
  std::vector<AccountSummary> summaries;
  auto summarize = [&](const AccountOverview& account) -> absl::Status {
    if (!judged.account_id.empty() && account.account_id != judged.account_id) {
      return absl::OkStatus();
    }
    const auto own_week = judged.account_weeks.find(account.account_id);
    absl::StatusOr<AccountSummary> summary = advisor_->GetAccountSummary(
        account.account_id,
        own_week == judged.account_weeks.end() ? judged.as_of_week : own_week->second);
    // An account the evaluation did not judge has no advice of that week.
    if (absl::IsNotFound(summary.status())) return absl::OkStatus();
    if (!summary.ok()) return summary.status();
    summaries.push_back(*std::move(summary));
    return absl::OkStatus();
  };
  RETURN_IF_ERROR(advisor_->ForEachAccount(summarize));
  std::optional<std::string> message = notify::SlackMessage(summaries, dashboard_url_);
  if (message.has_value()) notifier_->Enqueue(*std::move(message));
  return absl::OkStatus();
}

}  // namespace rung
