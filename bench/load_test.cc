// PooledPercentile: the percentiles of several loads' calls, from each
// load's quantiles, weighted by how many calls it measured.

#include "load.h"

#include <vector>

#include "gtest/gtest.h"

namespace rung::bench {
namespace {

// A load of `requests` calls that all took `ms`.
LoadFigures Uniform(int64_t requests, double ms) {
  LoadFigures load;
  load.requests = requests;
  load.quantiles_ms.assign(kLatencyQuantiles, ms);
  return load;
}

TEST(PooledPercentileTest, OneLoadAnswersItsOwnQuantiles) {
  LoadFigures load;
  load.requests = 2000;
  for (int i = 0; i < kLatencyQuantiles; ++i) load.quantiles_ms.push_back(i * 0.01);

  EXPECT_DOUBLE_EQ(PooledPercentile({load}, 0.50), 4.99);
  EXPECT_DOUBLE_EQ(PooledPercentile({load}, 0.99), 9.89);
}

TEST(PooledPercentileTest, LoadsCountByTheirCallsNotByTheirRounds) {
  // A slow round of few calls: the worst round's p99 would be 5 ms, but only
  // one call in ten took that long.
  const std::vector<LoadFigures> loads = {Uniform(9000, 1.0), Uniform(1000, 5.0)};

  EXPECT_DOUBLE_EQ(PooledPercentile(loads, 0.50), 1.0);
  EXPECT_DOUBLE_EQ(PooledPercentile(loads, 0.89), 1.0);
  EXPECT_DOUBLE_EQ(PooledPercentile(loads, 0.99), 5.0);
}

TEST(PooledPercentileTest, NoCallsAnswerZero) {
  EXPECT_EQ(PooledPercentile({}, 0.99), 0);
  EXPECT_EQ(PooledPercentile({LoadFigures{}}, 0.99), 0);
}

}  // namespace
}  // namespace rung::bench
