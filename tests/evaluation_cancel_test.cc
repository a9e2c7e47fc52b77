// An evaluation the client cancels, or whose deadline passes, midway over
// gRPC: the daemon stops it and stores nothing of it, and a later run works.
// The cancellation happens from inside the run (the Advisor's test seam), so
// that "midway" is a fixed point and not a race.

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "daemon/config.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "rung/advisor.h"
#include "rung/v1/advisor_service.grpc.pb.h"
#include "support/daemon_fixture.h"
#include "support/spec_scenarios.h"

namespace rung {
namespace {

using test_support::WeekAt;

// More than one chunk of staged decisions (256) before the cut.
constexpr int kAdSets = 320;
constexpr int kCutAfter = 300;

std::string AdSetId(int i) { return absl::StrFormat("as_%03d", i); }

class EvaluationCancelTest : public test_support::DaemonFixture {
 protected:
  void SetUp() override {
    DaemonFixture::SetUp();
    std::vector<v1::AdSetWeek> records;
    for (int i = 0; i < kAdSets; ++i) {
      for (const v1::AdSetWeek& record : test_support::ScenarioRecords(
               test_support::SpecScenarios().front(), "act_1", AdSetId(i))) {
        records.push_back(record);
      }
    }
    Ingest(records);
    // A published week, which the cut run must leave as it is.
    MustEvaluate(WeekAt(1));
  }

  // Restarts the daemon so that, once, after kCutAfter decisions, the run
  // calls `cut` and then waits until the daemon sees the call is over, as a
  // long run would notice a cancellation between two ad sets. What the run
  // was told then lands in `seen`.
  void StartCuttingDaemon(std::function<void()> cut) {
    DaemonConfig config;
    config.advisor.after_each_decision = [this, cut](const EvaluationRequest& request,
                                                     int decided) {
      if (decided != kCutAfter || cut_done_.exchange(true)) return;
      cut();
      absl::Status status;
      // No sleep: the loop ends on the condition itself.
      while ((status = request.check_cancelled()).ok()) std::this_thread::yield();
      seen_ = status;
      seen_notification_.Notify();
    };
    StartDaemon(config);
  }

  grpc::Status EvaluateWeek2(grpc::ClientContext* context) {
    v1::EvaluateAdSetsRequest request;
    request.set_as_of_week(WeekAt(2));
    v1::EvaluateAdSetsResponse response;
    return stub_->EvaluateAdSets(context, request, &response);
  }

  // Neither week 2's recommendations nor its run are stored; week 1's are.
  void ExpectNothingOfWeek2() {
    for (int i = 0; i < kAdSets; ++i) {
      v1::GetRecommendationRequest request;
      request.set_ad_set_id(AdSetId(i));
      request.set_as_of_week(WeekAt(2));
      v1::GetRecommendationResponse response;
      grpc::ClientContext context;
      const grpc::Status status = stub_->GetRecommendation(&context, request, &response);
      EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << AdSetId(i);
    }
    v1::ListRecommendationsRequest request;
    request.set_page_size(1000);
    v1::ListRecommendationsResponse latest;
    grpc::ClientContext context;
    ASSERT_TRUE(stub_->ListRecommendations(&context, request, &latest).ok());
    ASSERT_EQ(latest.recommendations_size(), kAdSets);
    for (const v1::Recommendation& rec : latest.recommendations()) {
      EXPECT_EQ(rec.as_of_week(), WeekAt(1)) << rec.ad_set_id();
    }
  }

  void ExpectALaterRunStoresEverything() {
    StartDaemon(DaemonConfig());
    const v1::EvaluateAdSetsResponse response = MustEvaluate(WeekAt(2));
    EXPECT_EQ(response.evaluated(), kAdSets);
    v1::ListRecommendationsRequest request;
    request.set_as_of_week(WeekAt(2));
    request.set_page_size(1000);
    v1::ListRecommendationsResponse listed;
    grpc::ClientContext context;
    ASSERT_TRUE(stub_->ListRecommendations(&context, request, &listed).ok());
    EXPECT_EQ(listed.recommendations_size(), kAdSets);
  }

  // The client hears of its own cancellation at once; what the run saw
  // comes from the daemon's thread, once it is there.
  void ExpectTheRunSaw(absl::StatusCode code) {
    ASSERT_TRUE(seen_notification_.WaitForNotificationWithTimeout(absl::Seconds(30)));
    EXPECT_EQ(seen_.code(), code) << seen_;
  }

  std::atomic<bool> cut_done_{false};
  absl::Notification seen_notification_;
  absl::Status seen_;
};

TEST_F(EvaluationCancelTest, ACancelledRunStoresNothing) {
  grpc::ClientContext context;
  StartCuttingDaemon([&context] { context.TryCancel(); });

  const grpc::Status status = EvaluateWeek2(&context);

  EXPECT_EQ(status.error_code(), grpc::StatusCode::CANCELLED) << status.error_message();
  ExpectTheRunSaw(absl::StatusCode::kCancelled);
  ExpectNothingOfWeek2();
  ExpectALaterRunStoresEverything();
}

TEST_F(EvaluationCancelTest, ARunPastItsDeadlineStoresNothing) {
  grpc::ClientContext context;
  // Generous, so that the run reaches the cut long before; the cut then
  // waits for the deadline to pass.
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
  StartCuttingDaemon([] {});

  const grpc::Status status = EvaluateWeek2(&context);

  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << status.error_message();
  ExpectTheRunSaw(absl::StatusCode::kDeadlineExceeded);
  ExpectNothingOfWeek2();
  ExpectALaterRunStoresEverything();
}

}  // namespace
}  // namespace rung
