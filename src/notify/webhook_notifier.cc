#include "notify/webhook_notifier.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <utility>
#include <vector>

#include "absl/random/random.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/text.h"

namespace rung::notify {
namespace {

class RealEnv : public NotifierEnv {
 public:
  void WaitFor(absl::Duration duration, const absl::Notification& cancel) override {
    cancel.WaitForNotificationWithTimeout(duration);
  }
  double Jitter() override {
    absl::MutexLock lock(&mutex_);
    return absl::Uniform(bitgen_, 0.0, 1.0);
  }

 private:
  absl::Mutex mutex_;
  absl::BitGen bitgen_ ABSL_GUARDED_BY(mutex_);
};

// The URL, what follows its host and the last part of its path: the path
// of a Slack webhook is its key, its last part the key's secret half, and a
// receiver's error page may repeat either.
std::vector<std::string> Secrets(const std::string& url) {
  std::vector<std::string> secrets = {url};
  const size_t scheme_end = url.find("://");
  const size_t path =
      url.find_first_of("/?#", scheme_end == std::string::npos ? 0 : scheme_end + 3);
  if (path == std::string::npos || url.size() - path <= 1) return secrets;
  secrets.push_back(url.substr(path));
  const std::string path_only = url.substr(path, url.find_first_of("?#", path) - path);
  const size_t last = path_only.find_last_of('/');
  if (last != std::string::npos && path_only.size() - last > 1) {
    secrets.push_back(path_only.substr(last + 1));
  }
  return secrets;
}

bool Succeeded(int status) { return status >= 200 && status < 300; }

// A timeout, throttling and the receiver's own failures may pass; anything
// else it refused would be refused again.
bool WorthRetrying(int status) { return status == 408 || status == 429 || status >= 500; }

// Retry-After in seconds (Slack's 429); zero when absent or an HTTP date.
absl::Duration RetryAfter(const absl::StatusOr<meta::HttpResponse>& response) {
  if (!response.ok()) return absl::ZeroDuration();
  const auto found = response->headers.find("retry-after");
  int64_t seconds = 0;
  if (found == response->headers.end() || !absl::SimpleAtoi(found->second, &seconds)) {
    return absl::ZeroDuration();
  }
  return absl::Seconds(std::max<int64_t>(seconds, 0));
}

}  // namespace

NotifierEnv* NotifierEnv::Default() {
  static NotifierEnv* const env = new RealEnv();
  return env;
}

WebhookNotifier::WebhookNotifier(WebhookOptions options, NotifierLog log, NotifierEnv* env)
    : options_(std::move(options)),
      log_(std::move(log)),
      env_(env),
      redactor_(Secrets(options_.url)),
      worker_([this] { Run(); }) {}

WebhookNotifier::~WebhookNotifier() { Stop(); }

void WebhookNotifier::Enqueue(std::string body) {
  bool overflowed = false;
  bool stopped = false;
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) {
      ++stats_.stopped;
      stopped = true;
    } else {
      if (queue_.size() >= std::max<size_t>(options_.max_queued, 1)) {
        queue_.pop_front();
        ++stats_.overflowed;
        overflowed = true;
      }
      queue_.push_back(std::move(body));
    }
  }
  if (stopped) log_("the webhook: a message came after shutdown began; dropped");
  if (overflowed) log_("the webhook: its queue is full; dropped the oldest message");
}

int64_t WebhookNotifier::Stop() {
  int64_t stopped_before = 0;
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return 0;
    stopping_ = true;
    stopped_before = stats_.stopped;
    mu_.AwaitWithTimeout(absl::Condition(this, &WebhookNotifier::Idle), options_.shutdown_grace);
  }
  cancel_.Notify();
  worker_.join();
  int64_t dropped = 0;
  {
    absl::MutexLock lock(&mu_);
    stats_.stopped += static_cast<int64_t>(queue_.size());
    queue_.clear();
    dropped = stats_.stopped - stopped_before;
  }
  if (dropped > 0) {
    log_(absl::StrCat("the webhook: dropped ", dropped,
                      " message(s) at shutdown, not sent within its grace of ",
                      absl::FormatDuration(options_.shutdown_grace)));
  }
  return dropped;
}

WebhookStats WebhookNotifier::stats() const {
  absl::MutexLock lock(&mu_);
  WebhookStats stats = stats_;
  stats.queued = static_cast<int64_t>(queue_.size()) + (in_flight_ ? 1 : 0);
  return stats;
}

void WebhookNotifier::Run() {
  meta::CurlOptions curl;
  curl.connect_timeout = options_.connect_timeout;
  curl.total_timeout = options_.request_timeout;
  curl.cancelled = [this] { return cancel_.HasBeenNotified(); };
  const std::unique_ptr<meta::HttpTransport> transport = meta::NewCurlTransport(curl);
  while (const std::optional<std::string> body = Next()) Finish(Deliver(*transport, *body));
}

std::optional<std::string> WebhookNotifier::Next() {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(this, &WebhookNotifier::HasWork));
  if (queue_.empty() || cancel_.HasBeenNotified()) return std::nullopt;
  std::string body = std::move(queue_.front());
  queue_.pop_front();
  in_flight_ = true;
  return body;
}

WebhookNotifier::Outcome WebhookNotifier::Deliver(meta::HttpTransport& transport,
                                                  const std::string& body) {
  meta::HttpRequest request;
  request.method = meta::HttpRequest::Method::kPost;
  request.url = options_.url;
  request.body = body;
  request.content_type = "application/json";
  const int attempts = std::max(options_.max_attempts, 1);
  for (int attempt = 1;; ++attempt) {
    const absl::StatusOr<meta::HttpResponse> response = transport.Send(request);
    if (response.ok() && Succeeded(response->status)) return Outcome::kSent;
    if (cancel_.HasBeenNotified()) return Outcome::kStopped;
    if (response.ok() && !WorthRetrying(response->status)) {
      log_(absl::StrCat("the webhook refused a message, which is dropped: ", Describe(response)));
      return Outcome::kRejected;
    }
    if (attempt == attempts) {
      log_(absl::StrCat("the webhook: gave up on a message after ", attempts,
                        " attempts; the last: ", Describe(response)));
      return Outcome::kFailed;
    }
    const absl::Duration wait = Backoff(attempt, RetryAfter(response));
    log_(absl::StrCat("the webhook: attempt ", attempt, " of ", attempts, " failed (",
                      Describe(response), "); again in ", absl::FormatDuration(wait)));
    env_->WaitFor(wait, cancel_);
    if (cancel_.HasBeenNotified()) return Outcome::kStopped;
    CountRetry();
  }
}

void WebhookNotifier::Finish(Outcome outcome) {
  absl::MutexLock lock(&mu_);
  in_flight_ = false;
  switch (outcome) {
    case Outcome::kSent: ++stats_.sent; break;
    case Outcome::kRejected: ++stats_.rejected; break;
    case Outcome::kFailed: ++stats_.failed; break;
    case Outcome::kStopped: ++stats_.stopped; break;
  }
}

void WebhookNotifier::CountRetry() {
  absl::MutexLock lock(&mu_);
  ++stats_.retries;
}

absl::Duration WebhookNotifier::Backoff(int retry, absl::Duration asked) const {
  const absl::Duration base = std::min(
      options_.first_backoff * std::pow(2.0, std::min(retry - 1, 30)), options_.max_backoff);
  return std::min(std::max(base * (0.5 + 0.5 * env_->Jitter()), asked), options_.max_backoff);
}

std::string WebhookNotifier::Describe(const absl::StatusOr<meta::HttpResponse>& response) const {
  if (!response.ok()) return redactor_.Redact(response.status().ToString());
  std::string words = absl::StrCat("HTTP ", response->status);
  if (!response->body.empty()) {
    absl::StrAppend(&words, " ", Quote(redactor_.Redact(response->body)));
  }
  return words;
}

}  // namespace rung::notify
