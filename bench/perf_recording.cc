#include "perf_recording.h"

#include <signal.h>
#include <sys/wait.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "rung/status_macros.h"

namespace rung::bench {
namespace {

constexpr absl::Duration kPerfTimeout = absl::Seconds(60);
// Samples a second per thread: enough for a top-20, small files.
constexpr int kFrequency = 999;

}  // namespace

absl::StatusOr<std::unique_ptr<PerfRecording>> PerfRecording::Start(
    const std::string& perf_path, pid_t pid, const std::string& output_path) {
  ChildProcess::Options options;
  // Events off until "enable" arrives on stdin; "ack" answers on stdout.
  options.argv = {perf_path,
                  "record",
                  "--quiet",
                  absl::StrCat("--freq=", kFrequency),
                  "--delay=-1",
                  "--control=fd:0,1",
                  absl::StrCat("--pid=", pid),
                  absl::StrCat("--output=", output_path)};
  options.stderr_path = output_path + ".log";
  options.pipe_stdin = true;
  ASSIGN_OR_RETURN(std::unique_ptr<ChildProcess> perf, ChildProcess::Start(options));
  std::unique_ptr<PerfRecording> recording(new PerfRecording(std::move(perf)));
  RETURN_IF_ERROR(recording->Command("enable"));
  return recording;
}

absl::Status PerfRecording::Command(const std::string& command) {
  RETURN_IF_ERROR(perf_->WriteStdin(command + "\n"));
  const absl::Time deadline = absl::Now() + kPerfTimeout;
  while (true) {
    absl::StatusOr<std::string> line = perf_->ReadLine(deadline);
    if (!line.ok()) {
      return absl::Status(line.status().code(), absl::StrCat("perf did not acknowledge '", command,
                                                             "': ", line.status().message()));
    }
    // perf ends each "ack\n" with a NUL, which starts the next line.
    if (absl::StripPrefix(*line, absl::string_view("\0", 1)) == "ack") return absl::OkStatus();
  }
}

absl::Status PerfRecording::Stop() {
  RETURN_IF_ERROR(Command("disable"));
  RETURN_IF_ERROR(perf_->Signal(SIGINT));
  ASSIGN_OR_RETURN(const int status, perf_->Wait(absl::Now() + kPerfTimeout));
  // perf writes its file, then re-raises the SIGINT it was stopped with.
  const bool clean = status == 0 || (WIFSIGNALED(status) && WTERMSIG(status) == SIGINT);
  if (!clean) {
    return absl::InternalError(absl::StrCat("perf record ", DescribeWaitStatus(status)));
  }
  return absl::OkStatus();
}

}  // namespace rung::bench
