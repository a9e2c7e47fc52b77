#ifndef RUNG_BENCH_LOAD_H_
#define RUNG_BENCH_LOAD_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace rung::bench {

enum class LoadMethod {
  // rung.v1.AdvisorService/GetRecommendation of a uniformly random ad set,
  // latest week.
  kRecommendation,
  // grpc.health.v1.Health/Check: the server's cheapest call, the limit.
  kHealth,
};

struct LoadOptions {
  std::string address;
  LoadMethod method = LoadMethod::kHealth;
  // Calls kept outstanding on one channel.
  int inflight = 64;
  // Completions before measuring starts, so that connections and caches are warm.
  int64_t warmup_requests = 1000;
  // Measure this many completions, or, when 0, for `duration`.
  int64_t requests = 0;
  absl::Duration duration = absl::Seconds(5);
  // kRecommendation picks among these.
  std::vector<std::string> ad_set_ids;
  uint64_t seed = 1;
};

struct LoadFigures {
  int64_t requests = 0;  // Measured completions.
  int64_t errors = 0;    // Over the warm-up too.
  double seconds = 0;
  double qps = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  // The latency at each of kLatencyQuantiles evenly spaced ranks, each
  // standing for an equal share of `requests`, so that loads measured in
  // rounds can be pooled into percentiles of every call (PooledPercentile).
  std::vector<double> quantiles_ms;
  std::string first_error;
};

inline constexpr int kLatencyQuantiles = 1000;

// The `fraction` percentile of every call of several loads, from their
// quantiles_ms, each weighted by its load's measured requests.
double PooledPercentile(const std::vector<LoadFigures>& loads, double fraction);

// Drives one method through the gRPC callback API: `inflight` slots each
// start their next call from the completion of the last, and every call's
// latency is measured from its start to its completion. A call fails when
// it is not OK or its answer is not the one asked for (another ad set, or
// not SERVING).
absl::StatusOr<LoadFigures> RunLoad(const LoadOptions& options);

}  // namespace rung::bench

#endif  // RUNG_BENCH_LOAD_H_
