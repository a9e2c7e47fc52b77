#include "load.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <random>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "rpc.h"
#include "rung/v1/advisor_service.grpc.pb.h"

namespace rung::bench {
namespace {

constexpr absl::Duration kCallDeadline = absl::Seconds(30);

using DoneCallback = std::function<void(absl::Status)>;

// Starts one call of one method. Each of the `inflight` slots owns the
// buffers of its calls, which it reuses for its next call once the last one
// is done.
class Caller {
 public:
  virtual ~Caller() = default;
  virtual void Start(int slot, grpc::ClientContext* context, DoneCallback done) = 0;
};

class RecommendationCaller final : public Caller {
 public:
  RecommendationCaller(const std::shared_ptr<grpc::Channel>& channel, const LoadOptions& options)
      : stub_(v1::AdvisorService::NewStub(channel)),
        ad_set_ids_(options.ad_set_ids),
        slots_(static_cast<size_t>(options.inflight)) {
    for (size_t i = 0; i < slots_.size(); ++i) slots_[i].random.seed(options.seed * 1009 + i);
  }

  void Start(int slot_index, grpc::ClientContext* context, DoneCallback done) override {
    Slot& slot = slots_[static_cast<size_t>(slot_index)];
    slot.request.set_ad_set_id(ad_set_ids_[slot.random() % ad_set_ids_.size()]);
    stub_->async()->GetRecommendation(
        context, &slot.request, &slot.response,
        [&slot, done = std::move(done)](grpc::Status status) { done(Check(slot, status)); });
  }

 private:
  struct Slot {
    v1::GetRecommendationRequest request;
    v1::GetRecommendationResponse response;
    std::mt19937_64 random;
  };

  static absl::Status Check(const Slot& slot, const grpc::Status& status) {
    if (!status.ok()) return FromGrpc(status, "GetRecommendation");
    if (slot.response.recommendation().ad_set_id() != slot.request.ad_set_id()) {
      return absl::InternalError(absl::StrCat("GetRecommendation of '", slot.request.ad_set_id(),
                                              "' answered '",
                                              slot.response.recommendation().ad_set_id(), "'"));
    }
    return absl::OkStatus();
  }

  std::unique_ptr<v1::AdvisorService::Stub> stub_;
  const std::vector<std::string>& ad_set_ids_;
  std::vector<Slot> slots_;
};

class HealthCaller final : public Caller {
 public:
  HealthCaller(const std::shared_ptr<grpc::Channel>& channel, int inflight)
      : stub_(grpc::health::v1::Health::NewStub(channel)), slots_(static_cast<size_t>(inflight)) {}

  void Start(int slot_index, grpc::ClientContext* context, DoneCallback done) override {
    Slot& slot = slots_[static_cast<size_t>(slot_index)];
    stub_->async()->Check(
        context, &slot.request, &slot.response,
        [&slot, done = std::move(done)](grpc::Status status) { done(Check(slot, status)); });
  }

 private:
  struct Slot {
    grpc::health::v1::HealthCheckRequest request;
    grpc::health::v1::HealthCheckResponse response;
  };

  static absl::Status Check(const Slot& slot, const grpc::Status& status) {
    if (!status.ok()) return FromGrpc(status, "health check");
    if (slot.response.status() != grpc::health::v1::HealthCheckResponse::SERVING) {
      return absl::UnavailableError("health check: not SERVING");
    }
    return absl::OkStatus();
  }

  std::unique_ptr<grpc::health::v1::Health::Stub> stub_;
  std::vector<Slot> slots_;
};

// Nearest rank of a sorted sample.
double Percentile(const std::vector<double>& sorted, double fraction) {
  if (sorted.empty()) return 0;
  const size_t rank = static_cast<size_t>(std::ceil(fraction * sorted.size()));
  return sorted[std::max<size_t>(rank, 1) - 1];
}

// One load: keeps every slot busy until enough calls were measured, then
// lets the slots retire as their last calls complete.
class LoadRun {
 public:
  LoadRun(const LoadOptions& options, Caller* caller)
      : options_(options), caller_(caller), contexts_(static_cast<size_t>(options.inflight)) {}

  LoadFigures Run() {
    int slots = options_.inflight;
    if (options_.requests > 0) {
      slots =
          static_cast<int>(std::min<int64_t>(slots, options_.warmup_requests + options_.requests));
    }
    {
      absl::MutexLock lock(&mu_);
      active_ = slots;
      issued_ = slots;
      if (options_.warmup_requests == 0) measure_start_ = absl::Now();
    }
    for (int slot = 0; slot < slots; ++slot) Issue(slot);
    absl::MutexLock lock(&mu_, absl::Condition(
                                   +[](int* active) { return *active == 0; }, &active_));
    return Figures();
  }

 private:
  void Issue(int slot) {
    auto& context = contexts_[static_cast<size_t>(slot)];
    context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(absl::ToChronoTime(absl::Now() + kCallDeadline));
    const absl::Time start = absl::Now();
    caller_->Start(slot, context.get(),
                   [this, slot, start](absl::Status status) { Complete(slot, start, status); });
  }

  // Runs on a gRPC thread: the context is done with, so Issue may replace it.
  void Complete(int slot, absl::Time start, const absl::Status& status) {
    const absl::Time now = absl::Now();
    bool again;
    {
      absl::MutexLock lock(&mu_);
      Record(start, now, status);
      again = WantsMore(now);
      if (again) {
        ++issued_;
      } else {
        --active_;
      }
    }
    if (again) Issue(slot);
  }

  void Record(absl::Time start, absl::Time now, const absl::Status& status)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    ++completed_;
    if (!status.ok() && errors_++ == 0) first_error_ = status.ToString();
    if (completed_ == options_.warmup_requests) {
      measure_start_ = now;
    } else if (completed_ > options_.warmup_requests &&
               (options_.requests > 0 || now <= measure_start_ + options_.duration)) {
      latencies_ms_.push_back(absl::ToDoubleMilliseconds(now - start));
      last_measured_ = now;
    }
  }

  bool WantsMore(absl::Time now) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (options_.requests > 0) return issued_ < options_.warmup_requests + options_.requests;
    return completed_ < options_.warmup_requests || now < measure_start_ + options_.duration;
  }

  LoadFigures Figures() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    LoadFigures figures;
    figures.requests = static_cast<int64_t>(latencies_ms_.size());
    figures.errors = errors_;
    figures.first_error = first_error_;
    figures.seconds = options_.requests > 0 ? absl::ToDoubleSeconds(last_measured_ - measure_start_)
                                            : absl::ToDoubleSeconds(options_.duration);
    figures.qps = figures.seconds > 0 ? figures.requests / figures.seconds : 0;
    std::sort(latencies_ms_.begin(), latencies_ms_.end());
    figures.p50_ms = Percentile(latencies_ms_, 0.50);
    figures.p99_ms = Percentile(latencies_ms_, 0.99);
    if (!latencies_ms_.empty()) {
      for (int i = 0; i < kLatencyQuantiles; ++i) {
        figures.quantiles_ms.push_back(Percentile(latencies_ms_, (i + 0.5) / kLatencyQuantiles));
      }
    }
    return figures;
  }

  const LoadOptions& options_;
  Caller* const caller_;
  // One per slot, touched only by that slot's chain of calls.
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts_;
  absl::Mutex mu_;
  int active_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t issued_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t completed_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t errors_ ABSL_GUARDED_BY(mu_) = 0;
  std::string first_error_ ABSL_GUARDED_BY(mu_);
  absl::Time measure_start_ ABSL_GUARDED_BY(mu_) = absl::InfiniteFuture();
  absl::Time last_measured_ ABSL_GUARDED_BY(mu_);
  std::vector<double> latencies_ms_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

double PooledPercentile(const std::vector<LoadFigures>& loads, double fraction) {
  std::vector<std::pair<double, double>> weighted;  // (latency, calls it stands for)
  double total = 0;
  for (const LoadFigures& load : loads) {
    const double calls = static_cast<double>(load.requests) / load.quantiles_ms.size();
    for (const double latency : load.quantiles_ms) {
      weighted.emplace_back(latency, calls);
      total += calls;
    }
  }
  std::sort(weighted.begin(), weighted.end());
  double below = 0;
  for (const auto& [latency, calls] : weighted) {
    below += calls;
    if (below >= fraction * total) return latency;
  }
  return weighted.empty() ? 0 : weighted.back().first;
}

absl::StatusOr<LoadFigures> RunLoad(const LoadOptions& options) {
  if (options.inflight < 1) return absl::InvalidArgumentError("--inflight: must be at least 1");
  if (options.method == LoadMethod::kRecommendation && options.ad_set_ids.empty()) {
    return absl::InvalidArgumentError("no ad set ids to ask for (--ad_sets or --ids_file)");
  }
  const std::shared_ptr<grpc::Channel> channel = LoopbackChannel(options.address);
  std::unique_ptr<Caller> caller;
  if (options.method == LoadMethod::kRecommendation) {
    caller = std::make_unique<RecommendationCaller>(channel, options);
  } else {
    caller = std::make_unique<HealthCaller>(channel, options.inflight);
  }
  LoadRun run(options, caller.get());
  return run.Run();
}

}  // namespace rung::bench
