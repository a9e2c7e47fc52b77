#ifndef RUNG_BENCH_BACKTEST_BENCH_H_
#define RUNG_BENCH_BACKTEST_BENCH_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/channel.h"
#include "rung/week.h"
#include "rungd_process.h"

namespace rung::bench {

struct BacktestFigures {
  double seconds = 0;
  // Of the answer's totals; given adds up every action's count.
  int64_t ad_sets = 0;
  int64_t advice = 0;
  int64_t given = 0;
  int64_t actions = 0;
  // rungd's resident set right before the call, and its peak during it.
  int64_t rss_before_bytes = 0;
  int64_t peak_rss_bytes = 0;
};

// One RunBacktest of `account_id` from `from` to `to` over `channel`, timed
// by the client from the call until its answer is parsed. rungd's peak RSS
// is reset right before it, so that the peak is the backtest's own.
absl::StatusOr<BacktestFigures> MeasureBacktest(const std::shared_ptr<grpc::Channel>& channel,
                                                RungdProcess& rungd, const std::string& account_id,
                                                Week from, Week to);

}  // namespace rung::bench

#endif  // RUNG_BENCH_BACKTEST_BENCH_H_
