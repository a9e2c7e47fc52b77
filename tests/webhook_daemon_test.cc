// notify.webhook_url end to end: a real rungd posts what each stored
// evaluation changed to a receiver on 127.0.0.1, once per evaluation, and
// never for a dry run.

#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "support/daemon_fixture.h"
#include "support/spec_scenarios.h"

namespace rung {
namespace {

using test_support::ScenarioRecords;
using test_support::WeekAt;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

// A webhook receiver that keeps every body it is sent.
class Receiver {
 public:
  Receiver() {
    server_.Post("/hooks/secret-path",
                 [this](const httplib::Request& request, httplib::Response& response) {
                   absl::MutexLock lock(&mu_);
                   bodies_.push_back(request.body);
                   response.set_content("ok", "text/plain");
                 });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~Receiver() {
    server_.stop();
    thread_.join();
  }

  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/hooks/secret-path";
  }

  // The bodies once at least `count` arrived (within a generous deadline).
  std::vector<std::string> AwaitBodies(size_t count) {
    absl::MutexLock lock(&mu_);
    const auto arrived = [&] { return bodies_.size() >= count; };
    mu_.AwaitWithTimeout(absl::Condition(&arrived), absl::Seconds(60));
    return bodies_;
  }

  std::vector<std::string> Bodies() {
    absl::MutexLock lock(&mu_);
    return bodies_;
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  absl::Mutex mu_;
  std::vector<std::string> bodies_ ABSL_GUARDED_BY(mu_);
};

class WebhookDaemonTest : public test_support::DaemonFixture {
 protected:
  void SetUp() override {
    DaemonConfig config;
    config.notify.webhook_url = receiver_.url();
    StartDaemon(config);
  }

  Receiver receiver_;
};

TEST_F(WebhookDaemonTest, EachStoredEvaluationPostsWhatChangedOnce) {
  // Scenario 1: stuck on Purchase, so the advice is to move down.
  Ingest(ScenarioRecords(test_support::SpecScenarios()[0], "act_hook", "as_stuck"));
  v1::EvaluateAdSetsResponse dry;
  ASSERT_TRUE(Evaluate(WeekAt(2), &dry, /*dry_run=*/true).ok());
  MustEvaluate(WeekAt(1));
  MustEvaluate(WeekAt(2));

  const std::vector<std::string> bodies = receiver_.AwaitBodies(2);
  server_->Shutdown(absl::ZeroDuration());  // drains the queue: nothing more can come

  ASSERT_EQ(receiver_.Bodies().size(), 2u) << "one POST per stored evaluation, none for a dry run";
  for (const std::string& body : bodies) {
    const nlohmann::json message = nlohmann::json::parse(body);
    EXPECT_TRUE(message["text"].is_string());
    EXPECT_TRUE(message["blocks"].is_array());
    EXPECT_THAT(body, HasSubstr("act_hook"));
    EXPECT_THAT(body, HasSubstr("needs a person"));
    EXPECT_THAT(body, Not(HasSubstr("secret-path")));
  }
  // The first evaluated week is news for every ad set; the second changed
  // no advice, and still says what needs a person.
  EXPECT_THAT(bodies[0], HasSubstr("as_stuck"));
  EXPECT_THAT(bodies[1], AllOf(HasSubstr(WeekAt(2)), HasSubstr("changes since " + WeekAt(1)),
                               Not(HasSubstr("as_stuck"))));
}

}  // namespace
}  // namespace rung
