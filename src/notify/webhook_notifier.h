#ifndef RUNG_NOTIFY_WEBHOOK_NOTIFIER_H_
#define RUNG_NOTIFY_WEBHOOK_NOTIFIER_H_

// Sends JSON messages to a webhook (notify.webhook_url) from a queue of its
// own, so that the evaluation that made them never waits for the receiver
// nor fails with it.

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "meta/graph_client.h"
#include "meta/http_transport.h"

namespace rung::notify {

// Time and chance: a seam so that tests wait no real time and know the
// jitter.
class NotifierEnv {
 public:
  virtual ~NotifierEnv() = default;
  // Waits `duration`, or less once `cancel` is notified.
  virtual void WaitFor(absl::Duration duration, const absl::Notification& cancel) = 0;
  // Uniform in [0, 1).
  virtual double Jitter() = 0;
  // Real waits and random jitter. Never destroyed.
  static NotifierEnv* Default();
};

struct WebhookOptions {
  // http:// or https://. A secret (a Slack webhook's path is its key): no
  // log line, error or metric ever holds it, which call it "the webhook".
  std::string url;
  // Messages waiting while one is sent; a newer one pushes the oldest out.
  // At least 1.
  size_t max_queued = 64;
  // Attempts of a message, the first included, on a network error, a 5xx, a
  // 408 or a 429; a message still refused then is dropped.
  int max_attempts = 8;
  // The wait before the first retry, doubled before each next one up to
  // max_backoff, half of it random so that notifiers that failed together
  // spread out. A 429's Retry-After, when longer, is waited instead (also
  // up to max_backoff). The defaults retry for about two minutes.
  absl::Duration first_backoff = absl::Seconds(1);
  absl::Duration max_backoff = absl::Minutes(1);
  // One attempt, connection included: a receiver that hangs holds the
  // queue no longer.
  absl::Duration connect_timeout = absl::Seconds(10);
  absl::Duration request_timeout = absl::Seconds(30);
  // How long Stop lets the queue drain before it drops what is left.
  absl::Duration shutdown_grace = absl::Seconds(5);
};

// How each message ended, and the retries. A message is counted once, when
// it ends, so that sent + rejected + failed + overflowed + stopped + queued
// is every message enqueued.
struct WebhookStats {
  int64_t sent = 0;
  // Refused with a 4xx other than 408 and 429 (a bad body, a revoked
  // webhook): sending it again would not help.
  int64_t rejected = 0;
  // Every attempt failed.
  int64_t failed = 0;
  // Pushed out of a full queue by a newer message.
  int64_t overflowed = 0;
  // Still queued or on its way when Stop's grace ran out, or enqueued after.
  int64_t stopped = 0;
  int64_t retries = 0;
  // Waiting or on their way now.
  int64_t queued = 0;
};

// Every line is a warning about a message that was retried or lost, and
// names the receiver "the webhook", never its URL.
using NotifierLog = std::function<void(std::string_view line)>;

// One worker thread POSTs the messages with Content-Type application/json,
// in order, one at a time. Thread-safe.
class WebhookNotifier {
 public:
  // `env` must outlive the notifier.
  WebhookNotifier(WebhookOptions options, NotifierLog log,
                  NotifierEnv* env = NotifierEnv::Default());
  // Stops, if Stop was not called.
  ~WebhookNotifier();
  WebhookNotifier(const WebhookNotifier&) = delete;
  WebhookNotifier& operator=(const WebhookNotifier&) = delete;

  // Queues `body` to be sent. Never waits: when the queue is full, the
  // oldest message waiting is dropped, with a log line.
  void Enqueue(std::string body);

  // Lets the queue drain for up to the shutdown grace, then abandons the
  // message on its way (within a second) and drops those still waiting;
  // answers how many were dropped, and logs it. Later calls do nothing.
  int64_t Stop();

  WebhookStats stats() const;

 private:
  enum class Outcome { kSent, kRejected, kFailed, kStopped };

  void Run();
  // The next message to send; nullopt once stopping and nothing is left, or
  // once the grace has run out.
  std::optional<std::string> Next();
  Outcome Deliver(meta::HttpTransport& transport, const std::string& body);
  void Finish(Outcome outcome);
  void CountRetry();
  absl::Duration Backoff(int retry, absl::Duration asked) const;
  // A failed attempt in words, the receiver's answer quoted, without the URL.
  std::string Describe(const absl::StatusOr<meta::HttpResponse>& response) const;

  bool HasWork() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !queue_.empty() || stopping_; }
  bool Idle() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return queue_.empty() && !in_flight_; }

  const WebhookOptions options_;
  const NotifierLog log_;
  NotifierEnv* const env_;
  // Knows the URL and its path, should a message of libcurl or of the
  // receiver repeat them.
  const meta::Redactor redactor_;
  // Notified when the grace runs out: waits end and the request on its way
  // is abandoned.
  absl::Notification cancel_;

  mutable absl::Mutex mu_;
  std::deque<std::string> queue_ ABSL_GUARDED_BY(mu_);
  bool in_flight_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  WebhookStats stats_ ABSL_GUARDED_BY(mu_);
  std::thread worker_;  // last: starts once everything above exists
};

}  // namespace rung::notify

#endif  // RUNG_NOTIFY_WEBHOOK_NOTIFIER_H_
