// The webhook notifier over libcurl against a receiver on 127.0.0.1:0 in the
// test: one POST per message, retries after a 5xx, none after a 400, a
// receiver that hangs, and the URL kept out of every log line. Waits go to
// a recording NotifierEnv, so no test sleeps.

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "notify/slack_message.h"
#include "notify/webhook_notifier.h"

namespace rung::notify {
namespace {

using nlohmann::json;
using ::testing::AllOf;
using ::testing::Each;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

// A Slack webhook's path is its key.
constexpr char kSecretPath[] = "/services/T0001/B0002/xoxSECRETtoken42";
constexpr char kSecretPart[] = "xoxSECRETtoken42";

// Far longer than any wait a passing test makes: a deadline for a failure
// to end on, never a timing target.
constexpr absl::Duration kGenerous = absl::Seconds(60);

struct Answer {
  int status = 200;
  std::string body = "ok";
  std::map<std::string, std::string> headers;
};

struct Received {
  std::string path;
  std::string content_type;
  std::string body;
};

// Records each POST and answers from a script, then 200 "ok". While held,
// requests wait until released.
class Receiver {
 public:
  Receiver() {
    server_.Post(".*", [this](const httplib::Request& request, httplib::Response& response) {
      const Answer answer = Take(request);
      response.status = answer.status;
      for (const auto& [name, value] : answer.headers) response.set_header(name, value);
      response.set_content(answer.body, "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] {
      server_.listen_after_bind();
      listen_returned_ = true;
    });
  }

  ~Receiver() {
    Release();
    // stop() does nothing before listening has begun: wait out that window.
    while (!server_.is_running() && !listen_returned_) std::this_thread::yield();
    server_.stop();
    thread_.join();
  }

  std::string url(const std::string& path = kSecretPath) const {
    return absl::StrCat("http://127.0.0.1:", port_, path);
  }

  void Script(std::vector<Answer> answers) {
    absl::MutexLock lock(&mu_);
    script_ = std::move(answers);
  }

  void Hold() {
    absl::MutexLock lock(&mu_);
    held_ = true;
  }

  void Release() {
    absl::MutexLock lock(&mu_);
    held_ = false;
  }

  // Whether `count` requests have arrived (held or not) before the deadline.
  bool AwaitRequests(size_t count) {
    absl::MutexLock lock(&mu_);
    const auto arrived = [this, count]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return received_.size() >= count;
    };
    return mu_.AwaitWithTimeout(absl::Condition(&arrived), kGenerous);
  }

  std::vector<Received> received() const {
    absl::MutexLock lock(&mu_);
    return received_;
  }

 private:
  Answer Take(const httplib::Request& request) {
    absl::MutexLock lock(&mu_);
    received_.push_back({request.path, request.get_header_value("Content-Type"), request.body});
    const auto released = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !held_; };
    mu_.Await(absl::Condition(&released));
    if (next_ >= script_.size()) return Answer();
    return script_[next_++];
  }

  httplib::Server server_;
  int port_ = 0;
  std::atomic<bool> listen_returned_{false};
  std::thread thread_;
  mutable absl::Mutex mu_;
  std::vector<Answer> script_ ABSL_GUARDED_BY(mu_);
  size_t next_ ABSL_GUARDED_BY(mu_) = 0;
  bool held_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<Received> received_ ABSL_GUARDED_BY(mu_);
};

// Records each wait instead of waiting; jitter is fixed at its midpoint, so
// a wait is three quarters of its backoff.
class RecordingEnv : public NotifierEnv {
 public:
  void WaitFor(absl::Duration duration, const absl::Notification&) override {
    absl::MutexLock lock(&mu_);
    waits_.push_back(duration);
  }
  double Jitter() override { return 0.5; }

  std::vector<absl::Duration> waits() const {
    absl::MutexLock lock(&mu_);
    return waits_;
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<absl::Duration> waits_ ABSL_GUARDED_BY(mu_);
};

class Lines {
 public:
  NotifierLog Sink() {
    return [this](std::string_view line) {
      absl::MutexLock lock(&mu_);
      lines_.emplace_back(line);
    };
  }
  std::vector<std::string> lines() const {
    absl::MutexLock lock(&mu_);
    return lines_;
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<std::string> lines_ ABSL_GUARDED_BY(mu_);
};

class NotifyWebhookTest : public ::testing::Test {
 protected:
  // Stop lets the queue drain for this long: in these tests, until it has.
  WebhookOptions Options(const std::string& url) {
    WebhookOptions options;
    options.url = url;
    options.shutdown_grace = kGenerous;
    return options;
  }

  std::unique_ptr<WebhookNotifier> Notifier(WebhookOptions options) {
    return std::make_unique<WebhookNotifier>(std::move(options), log_.Sink(), &env_);
  }

  void ExpectNoLineHoldsTheUrl() {
    EXPECT_THAT(log_.lines(), Each(AllOf(Not(HasSubstr(kSecretPart)), HasSubstr("the webhook"))));
  }

  Receiver receiver_;
  RecordingEnv env_;
  Lines log_;
};

TEST_F(NotifyWebhookTest, PostsEachMessageOnceAsJson) {
  const std::unique_ptr<WebhookNotifier> notifier = Notifier(Options(receiver_.url()));
  AccountSummary account;
  account.account_id = "act_1";
  account.as_of_week = Week::Parse("2026-09-21").value();
  account.changes = {{"as_1", Action::kHold, Action::kMoveDown}};
  const std::string slack = SlackMessage({account}, "").value();

  notifier->Enqueue(slack);
  notifier->Enqueue(R"({"text":"two"})");
  notifier->Enqueue(R"({"text":"three"})");
  EXPECT_EQ(notifier->Stop(), 0);

  const std::vector<Received> received = receiver_.received();
  ASSERT_EQ(received.size(), 3u);
  for (const Received& request : received) {
    EXPECT_EQ(request.path, kSecretPath);
    EXPECT_EQ(request.content_type, "application/json");
  }
  const json first = json::parse(received[0].body);
  EXPECT_TRUE(first.at("text").is_string());
  EXPECT_THAT(first.at("blocks")[1].at("text").at("text").get<std::string>(),
              HasSubstr("`as_1`: HOLD → MOVE_DOWN"));
  EXPECT_EQ(received[1].body, R"({"text":"two"})");
  EXPECT_EQ(received[2].body, R"({"text":"three"})");
  const WebhookStats stats = notifier->stats();
  EXPECT_EQ(stats.sent, 3);
  EXPECT_EQ(stats.retries, 0);
  EXPECT_EQ(stats.queued, 0);
  EXPECT_THAT(log_.lines(), ::testing::IsEmpty());
  EXPECT_THAT(env_.waits(), ::testing::IsEmpty());
}

TEST_F(NotifyWebhookTest, RetriesAfterA500ThenSends) {
  receiver_.Script({{500, "internal error", {}}});
  const std::unique_ptr<WebhookNotifier> notifier = Notifier(Options(receiver_.url()));

  notifier->Enqueue(R"({"text":"hello"})");
  notifier->Stop();

  const std::vector<Received> received = receiver_.received();
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(received[0].body, received[1].body);
  EXPECT_THAT(env_.waits(), ElementsAre(absl::Milliseconds(750)));
  const WebhookStats stats = notifier->stats();
  EXPECT_EQ(stats.sent, 1);
  EXPECT_EQ(stats.retries, 1);
  ASSERT_EQ(log_.lines().size(), 1u);
  EXPECT_THAT(log_.lines()[0], HasSubstr("attempt 1 of 8 failed (HTTP 500 \"internal error\")"));
  ExpectNoLineHoldsTheUrl();
}

TEST_F(NotifyWebhookTest, BacksOffExponentiallyThenGivesUp) {
  receiver_.Script({{503, "", {}}, {502, "", {}}, {504, "", {}}, {500, "", {}}});
  WebhookOptions options = Options(receiver_.url());
  options.max_attempts = 4;
  options.max_backoff = absl::Seconds(3);
  const std::unique_ptr<WebhookNotifier> notifier = Notifier(options);

  notifier->Enqueue("{}");
  notifier->Stop();

  EXPECT_EQ(receiver_.received().size(), 4u);
  // 1 s, 2 s, then the 3 s cap, each three quarters waited.
  EXPECT_THAT(env_.waits(), ElementsAre(absl::Milliseconds(750), absl::Milliseconds(1500),
                                        absl::Milliseconds(2250)));
  const WebhookStats stats = notifier->stats();
  EXPECT_EQ(stats.failed, 1);
  EXPECT_EQ(stats.retries, 3);
  EXPECT_EQ(stats.sent, 0);
  EXPECT_THAT(log_.lines().back(), HasSubstr("gave up on a message after 4 attempts"));
  ExpectNoLineHoldsTheUrl();
}

TEST_F(NotifyWebhookTest, WaitsWhatA429AsksFor) {
  receiver_.Script({{429, "rate_limited", {{"Retry-After", "7"}}}});
  const std::unique_ptr<WebhookNotifier> notifier = Notifier(Options(receiver_.url()));

  notifier->Enqueue("{}");
  notifier->Stop();

  EXPECT_THAT(env_.waits(), ElementsAre(absl::Seconds(7)));
  EXPECT_EQ(notifier->stats().sent, 1);
}

TEST_F(NotifyWebhookTest, DoesNotRetryA400) {
  receiver_.Script({{400, "invalid_blocks", {}}});
  const std::unique_ptr<WebhookNotifier> notifier = Notifier(Options(receiver_.url()));

  notifier->Enqueue(R"({"blocks":"not an array"})");
  notifier->Enqueue(R"({"text":"next"})");
  notifier->Stop();

  const std::vector<Received> received = receiver_.received();
  ASSERT_EQ(received.size(), 2u) << "the refused message once, then the next";
  EXPECT_EQ(received[1].body, R"({"text":"next"})");
  EXPECT_THAT(env_.waits(), ::testing::IsEmpty());
  const WebhookStats stats = notifier->stats();
  EXPECT_EQ(stats.rejected, 1);
  EXPECT_EQ(stats.sent, 1);
  EXPECT_EQ(stats.retries, 0);
  EXPECT_THAT(log_.lines(), ElementsAre(AllOf(HasSubstr("the webhook refused a message"),
                                              HasSubstr("HTTP 400 \"invalid_blocks\""))));
}

TEST_F(NotifyWebhookTest, NeverWaitsForAReceiverThatHangs) {
  receiver_.Hold();
  WebhookOptions options = Options(receiver_.url());
  options.max_queued = 2;
  // Only Stop can end the request on its way.
  options.request_timeout = absl::Hours(1);
  options.shutdown_grace = absl::ZeroDuration();
  const std::unique_ptr<WebhookNotifier> notifier = Notifier(options);

  notifier->Enqueue(R"({"text":"1"})");
  ASSERT_TRUE(receiver_.AwaitRequests(1));
  for (int i = 2; i <= 5; ++i) notifier->Enqueue(absl::StrCat(R"({"text":")", i, R"("})"));
  WebhookStats stats = notifier->stats();
  EXPECT_EQ(stats.overflowed, 2);
  EXPECT_EQ(stats.queued, 3);

  EXPECT_EQ(notifier->Stop(), 3) << "the one on its way and the two waiting";
  notifier->Enqueue("{}");

  stats = notifier->stats();
  EXPECT_EQ(stats.stopped, 4);
  EXPECT_EQ(stats.sent, 0);
  EXPECT_EQ(stats.queued, 0);
  EXPECT_EQ(receiver_.received().size(), 1u);
  ExpectNoLineHoldsTheUrl();
}

TEST_F(NotifyWebhookTest, KeepsTheUrlOutOfEveryLogLine) {
  // Receivers that repeat the path, as many error pages do.
  receiver_.Script({{500, absl::StrCat("failed: ", receiver_.url()), {}},
                    {404, absl::StrCat("Cannot POST ", kSecretPath), {}}});
  std::string refused_url;
  {
    const Receiver gone;
    refused_url = gone.url();
  }
  WebhookOptions options = Options(receiver_.url());
  options.max_attempts = 2;
  const std::unique_ptr<WebhookNotifier> notifier = Notifier(options);
  WebhookOptions refused = Options(refused_url);
  refused.max_attempts = 2;
  const std::unique_ptr<WebhookNotifier> unreachable = Notifier(refused);

  notifier->Enqueue("{}");
  unreachable->Enqueue("{}");
  notifier->Stop();
  unreachable->Stop();

  EXPECT_EQ(notifier->stats().rejected, 1);
  EXPECT_EQ(unreachable->stats().failed, 1);
  EXPECT_EQ(log_.lines().size(), 4u) << "a retry and a refusal; a retry and giving up";
  ExpectNoLineHoldsTheUrl();
}

}  // namespace
}  // namespace rung::notify
