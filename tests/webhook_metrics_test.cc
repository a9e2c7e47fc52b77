// The webhook notifier's counts in /metrics: there when notifications are
// on, every result from zero, and never its URL.

#include <memory>
#include <string>

#include "api/metrics.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "notify/webhook_notifier.h"
#include "rung/advisor.h"
#include "storage/memory/memory_store.h"

namespace rung {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class NotifyWebhookMetricsTest : public ::testing::Test {
 protected:
  std::unique_ptr<Store> store_ = NewMemoryStore();
  Advisor advisor_{store_.get(), PolicyFile(), AdvisorOptions(), [] { return absl::UnixEpoch(); }};
  Metrics metrics_{&advisor_, nullptr};
};

TEST_F(NotifyWebhookMetricsTest, AbsentWithoutAWebhook) {
  EXPECT_THAT(metrics_.Scrape(), Not(HasSubstr("rung_webhook")));
}

TEST_F(NotifyWebhookMetricsTest, CountsEachResultFromZero) {
  notify::WebhookOptions options;
  // Nothing is sent: the port is never listened on, and Stop comes first.
  options.url = "http://127.0.0.1:9/services/T0/B0/SECRETtoken";
  notify::WebhookNotifier notifier(options, [](std::string_view) {});
  metrics_.ExposeWebhook(&notifier);
  notifier.Stop();
  notifier.Enqueue("{}");

  const std::string scrape = metrics_.Scrape();

  EXPECT_THAT(scrape, HasSubstr("# TYPE rung_webhook_messages_total counter"));
  EXPECT_THAT(scrape, HasSubstr("rung_webhook_messages_total{result=\"stopped\"} 1\n"));
  for (const char* result : {"sent", "rejected", "failed", "overflowed"}) {
    EXPECT_THAT(scrape, HasSubstr(std::string("rung_webhook_messages_total{result=\"") + result +
                                  "\"} 0\n"));
  }
  EXPECT_THAT(scrape, HasSubstr("# TYPE rung_webhook_retries_total counter"));
  EXPECT_THAT(scrape, HasSubstr("rung_webhook_retries_total 0\n"));
  EXPECT_THAT(scrape, HasSubstr("rung_webhook_queued_messages 0\n"));
  EXPECT_THAT(scrape, Not(HasSubstr("SECRETtoken")));
}

}  // namespace
}  // namespace rung
