#ifndef RUNG_BENCH_PERF_RECORDING_H_
#define RUNG_BENCH_PERF_RECORDING_H_

#include <sys/types.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "child_process.h"

namespace rung::bench {

// `perf record` on one process (all its threads) for exactly the span of one
// phase: perf attaches with its events off, and Start() returns only once
// perf acknowledged turning them on, so the phase is measured from its first
// instruction without a sleep. Sampling perturbs the figures a little, so a
// profiled run is for the profile only.
class PerfRecording {
 public:
  static absl::StatusOr<std::unique_ptr<PerfRecording>> Start(const std::string& perf_path,
                                                              pid_t pid,
                                                              const std::string& output_path);

  // Turns the events off and waits for perf to write its file.
  absl::Status Stop();

 private:
  explicit PerfRecording(std::unique_ptr<ChildProcess> perf) : perf_(std::move(perf)) {}
  // Sends one control command and waits for perf's "ack".
  absl::Status Command(const std::string& command);

  std::unique_ptr<ChildProcess> perf_;
};

}  // namespace rung::bench

#endif  // RUNG_BENCH_PERF_RECORDING_H_
