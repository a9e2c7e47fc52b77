#include "api/answer_warmer.h"

#include <string>

#include "api/proto_convert.h"
#include "rung/v1/advisor_service.pb.h"

namespace rung {
namespace {

// ListRecommendations' largest page by default: few enough reads, and a
// stop request waits for one page at most.
constexpr int kPageSize = 1000;

}  // namespace

AnswerWarmer::AnswerWarmer(Advisor* advisor, AnswerCache* answers)
    : advisor_(advisor), answers_(answers), worker_([this] {
        absl::Status filled = Fill();
        absl::MutexLock lock(&mu_);
        last_fill_ = std::move(filled);
      }) {}

absl::Status AnswerWarmer::WaitUntilIdle() {
  worker_.WaitUntilIdle();
  absl::MutexLock lock(&mu_);
  return last_fill_;
}

absl::Status AnswerWarmer::Fill() {
  // Read first: answers read after a newer evaluation are newer still, and
  // the cache takes them under this version only if nothing moved on.
  const absl::StatusOr<int64_t> version = advisor_->RecommendationsVersion();
  if (!version.ok()) return version.status();
  std::string page_token;
  do {
    if (worker_.Superseded()) return absl::OkStatus();
    absl::StatusOr<RecommendationPage> page =
        advisor_->ListRecommendations(RecommendationFilter(), kPageSize, page_token);
    if (!page.ok()) return page.status();
    for (const Recommendation& rec : page->recommendations) {
      v1::GetRecommendationResponse answer;
      ToProto(rec, answer.mutable_recommendation());
      if (!answers_->Keep(*version, AnswerCache::KeyOf(rec.ad_set_id, ""), answer)) {
        return absl::OkStatus();  // the budget is used up
      }
    }
    page_token = std::move(page->next_page_token);
  } while (!page_token.empty());
  return absl::OkStatus();
}

}  // namespace rung
