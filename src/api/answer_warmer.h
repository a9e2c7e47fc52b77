#ifndef RUNG_API_ANSWER_WARMER_H_
#define RUNG_API_ANSWER_WARMER_H_

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "api/answer_cache.h"
#include "core/background_worker.h"
#include "rung/advisor.h"

namespace rung {

// Fills an AnswerCache with every ad set's latest answer after a stored
// evaluation, on a thread of its own, so that the first dashboard poll after
// an evaluation is answered from memory too. It reads the recommendations a
// page at a time, as ListRecommendations does, and stops early once the
// cache's budget is used up, or when a newer evaluation asks for a new fill.
//
// Thread-safe. Destroying it stops a fill after its current page.
class AnswerWarmer {
 public:
  // `advisor` and `answers` must outlive this object.
  AnswerWarmer(Advisor* advisor, AnswerCache* answers);

  // Asks for a fill with what is stored now. Never waits for it.
  void Refill() { worker_.Request(); }

  // Returns once no fill is asked for or under way; the status of the last
  // fill (OK when the budget ended it).
  absl::Status WaitUntilIdle();

 private:
  // One fill, which ends early (OK) when the budget is used up, another fill
  // is asked for or the object goes away.
  absl::Status Fill();

  Advisor* const advisor_;
  AnswerCache* const answers_;
  mutable absl::Mutex mu_;
  absl::Status last_fill_ ABSL_GUARDED_BY(mu_);
  BackgroundWorker worker_;  // last: its thread uses everything above
};

}  // namespace rung

#endif  // RUNG_API_ANSWER_WARMER_H_
