#ifndef RUNG_BENCH_ACCOUNT_SUMMARY_BENCH_H_
#define RUNG_BENCH_ACCOUNT_SUMMARY_BENCH_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "account_aggregate.h"
#include "grpcpp/channel.h"

namespace rung::bench {

struct SummaryFigures {
  // Medians over the timed calls.
  double summary_ms = 0;
  double aggregate_ms = 0;
  // Of the last answers.
  int64_t trend_weeks = 0;
  int64_t changes = 0;
  int64_t response_bytes = 0;
  int64_t aggregate_groups = 0;
  // Recommendations the aggregate counted, over every week.
  int64_t aggregate_ad_set_weeks = 0;
  // Whether the summary's trend gave the aggregate's figures, week by week.
  bool same_figures = false;
};

// GetAccountSummary of `account_id` over `channel` (latest week), timed by
// the client, against `aggregate`: one untimed warm-up call of each, then
// `calls` timed calls of each, alternating, so that both meet the machine
// as it drifts.
absl::StatusOr<SummaryFigures> MeasureAccountSummary(const std::shared_ptr<grpc::Channel>& channel,
                                                     AccountAggregate& aggregate,
                                                     const std::string& account_id, int calls);

}  // namespace rung::bench

#endif  // RUNG_BENCH_ACCOUNT_SUMMARY_BENCH_H_
