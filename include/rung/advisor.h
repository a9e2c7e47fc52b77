#ifndef RUNG_ADVISOR_H_
#define RUNG_ADVISOR_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "rung/ad_set_week.h"
#include "rung/ladder.h"
#include "rung/store.h"
#include "rung/validation.h"

namespace rung {

using Clock = std::function<absl::Time()>;

struct AdvisorOptions {
  int max_batch_size = 5000;
  int default_page_size = 100;
  int max_page_size = 1000;
};

struct AdSetPage {
  std::vector<AdSetSummary> ad_sets;
  // Empty on the last page.
  std::string next_page_token;
};

// The use cases every adapter (gRPC, HTTP, CLI) calls. It owns no transport
// and no storage detail: it validates, asks the Store, and shapes answers.
class Advisor {
 public:
  // `store` and `ladders` must outlive the Advisor.
  Advisor(Store* store, const LadderRegistry* ladders, AdvisorOptions options, Clock clock);

  absl::StatusOr<IngestSummary> IngestWeeks(const std::vector<RawAdSetWeek>& weeks,
                                            const std::string& request_id);

  absl::StatusOr<AdSetSummary> GetAdSet(std::string_view ad_set_id);

  // AIP-158 paging: page_size 0 means the default, sizes above the maximum
  // are coerced, a negative size is INVALID_ARGUMENT, and a token only works
  // with the filter it was issued for.
  absl::StatusOr<AdSetPage> ListAdSets(std::string_view account_id, int page_size,
                                       std::string_view page_token);

  // `from_week`/`to_week` are Mondays or empty.
  absl::StatusOr<AdSetHistory> GetAdSetHistory(std::string_view ad_set_id,
                                               std::string_view from_week,
                                               std::string_view to_week);

 private:
  Store* store_;
  const LadderRegistry* ladders_;
  AdvisorOptions options_;
  Clock clock_;
};

}  // namespace rung

#endif  // RUNG_ADVISOR_H_
