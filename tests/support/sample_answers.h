#ifndef RUNG_TESTS_SUPPORT_SAMPLE_ANSWERS_H_
#define RUNG_TESTS_SUPPORT_SAMPLE_ANSWERS_H_

// GetRecommendation answers that vary as real ones do (ids, counts, actions
// and the numbers in reason texts), for the tests of kept answers: answers
// that were all alike would compress better than any real account's.

#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "rung/v1/advisor_service.pb.h"

namespace rung::test_support {

inline v1::GetRecommendationResponse SampleAnswer(int i) {
  // A small LCG: the same answers on every run, without <random>'s
  // platform-dependent distributions.
  uint32_t state = static_cast<uint32_t>(i) * 2654435761u + 1;
  const auto next = [&state](int bound) {
    state = state * 1664525u + 1013904223u;
    return static_cast<int>((state >> 8) % static_cast<uint32_t>(bound));
  };
  static constexpr const char* kEvents[] = {"PageView", "ViewContent", "AddToCart",
                                            "InitiateCheckout", "Purchase"};
  v1::GetRecommendationResponse answer;
  v1::Recommendation* rec = answer.mutable_recommendation();
  rec->set_ad_set_id(absl::StrCat("as_", 100000 + i));
  rec->set_account_id(absl::StrCat("act_", 1000 + i / 1000));
  rec->set_as_of_week("2026-11-09");
  rec->set_action(static_cast<v1::Action>(3 + next(9)));
  rec->set_current_event(kEvents[next(5)]);
  rec->set_learning_status(static_cast<v1::LearningStatus>(1 + next(4)));
  int64_t count = 5000 + next(5000);
  for (const char* event : kEvents) {
    (*rec->mutable_latest_counts())[event] = count;
    (*rec->mutable_sustained_counts())[event] = count - next(100);
    count /= 2 + next(3);
  }
  v1::Reason* reason = rec->add_reasons();
  reason->set_rule("sustained_volume");
  reason->set_message(absl::StrCat("the lowest weekly count over the last 3 weeks was ", next(400),
                                   ", against a threshold of 50"));
  reason = rec->add_reasons();
  reason->set_rule("stabilize");
  reason->set_message(absl::StrCat("the ad set has optimized for this event for ", next(12),
                                   " weeks; it needs 2 before it climbs"));
  rec->set_weeks_on_rung(next(12));
  rec->set_policy_version("default-1");
  rec->set_evaluation_id(absl::StrCat("ev_", 7000 + next(10)));
  rec->mutable_evaluated_at()->set_seconds(1794000000 + next(86400));
  rec->set_ladder("ecommerce");
  rec->set_learning_threshold(50);
  return answer;
}

}  // namespace rung::test_support

#endif  // RUNG_TESTS_SUPPORT_SAMPLE_ANSWERS_H_
