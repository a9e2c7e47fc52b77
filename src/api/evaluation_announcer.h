#ifndef RUNG_API_EVALUATION_ANNOUNCER_H_
#define RUNG_API_EVALUATION_ANNOUNCER_H_

// Tells the team what a stored evaluation changed (notify.webhook_url): one
// message per evaluation, with the summary of each account it judged. The
// summaries read the store, so they are built on a thread of their own
// after the evaluation answered, and the message goes out through the
// notifier's queue: neither ever holds an evaluation up.

#include <deque>
#include <map>
#include <string>

#include "absl/synchronization/mutex.h"
#include "core/background_worker.h"
#include "notify/webhook_notifier.h"
#include "rung/advisor.h"
#include "rung/v1/advisor_service.pb.h"

namespace rung {

class EvaluationAnnouncer {
 public:
  // `advisor` and `notifier` must outlive this object. `dashboard_url`
  // (empty: none) links each account; `log` says why an evaluation could
  // not be announced.
  EvaluationAnnouncer(Advisor* advisor, notify::WebhookNotifier* notifier,
                      std::string dashboard_url, notify::NotifierLog log);

  // Queues the message of a stored evaluation. Never waits.
  void Announce(const v1::EvaluateAdSetsRequest& request,
                const v1::EvaluateAdSetsResponse& response);

  // Returns once every announced evaluation was handed to the notifier.
  void WaitUntilIdle() { worker_.WaitUntilIdle(); }

 private:
  // What an evaluation judged: the account asked for (empty: every one),
  // its week, and the accounts judged at a week of their own.
  struct Judged {
    std::string account_id;
    std::string as_of_week;
    std::map<std::string, std::string> account_weeks;
  };

  void AnnounceQueued();
  absl::Status AnnounceOne(const Judged& judged);

  Advisor* const advisor_;
  notify::WebhookNotifier* const notifier_;
  const std::string dashboard_url_;
  const notify::NotifierLog log_;
  absl::Mutex mu_;
  std::deque<Judged> queued_ ABSL_GUARDED_BY(mu_);
  BackgroundWorker worker_;  // last: starts once everything above exists
};

}  // namespace rung

#endif  // RUNG_API_EVALUATION_ANNOUNCER_H_
