#ifndef RUNG_BENCH_CHILD_PROCESS_H_
#define RUNG_BENCH_CHILD_PROCESS_H_

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace rung::bench {

// A child process whose stdout is a pipe read line by line, and whose stdin
// may be a pipe too. Unless it was
// waited for, the destructor kills (SIGKILL) and reaps it, and the child is
// also killed if this process dies first, so no path leaves an orphan.
// Every wait takes a deadline and blocks on the child itself (pipe or
// pidfd), never on a sleep.
class ChildProcess {
 public:
  struct Options {
    std::vector<std::string> argv;
    // Empty: the child shares this process's stderr.
    std::string stderr_path;
    // False: the child shares this process's stdin.
    bool pipe_stdin = false;
    // NAME=VALUE entries set in the child's environment, on top of ours:
    // for what must not show in `ps`, such as a database password.
    std::vector<std::string> env;
  };
  static absl::StatusOr<std::unique_ptr<ChildProcess>> Start(const Options& options);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }

  // The next stdout line without its newline. OUT_OF_RANGE when stdout ends
  // first, DEADLINE_EXCEEDED when the deadline passes first.
  absl::StatusOr<std::string> ReadLine(absl::Time deadline);
  // Everything left on stdout, up to its end.
  absl::StatusOr<std::string> ReadToEnd(absl::Time deadline);
  // From now on a thread reads and drops stdout, so that the child never
  // blocks on a full pipe. No Read* after this.
  void DiscardOutput();

  // Only with Options::pipe_stdin.
  absl::Status WriteStdin(absl::string_view text);

  absl::Status Signal(int signal_number);
  // Waits for the exit and answers the wait status (see <sys/wait.h>).
  absl::StatusOr<int> Wait(absl::Time deadline);

 private:
  ChildProcess(pid_t pid, int stdout_fd, int stdin_fd, int pidfd)
      : pid_(pid), stdout_fd_(stdout_fd), stdin_fd_(stdin_fd), pidfd_(pidfd) {}
  // Reads what is there, waiting for something until the deadline; false at
  // the end of stdout.
  absl::StatusOr<bool> FillBuffer(absl::Time deadline);

  const pid_t pid_;
  const int stdout_fd_;
  const int stdin_fd_;  // -1 without a pipe.
  const int pidfd_;
  bool reaped_ = false;
  std::string buffer_;
  std::thread discarder_;
};

// VmHWM of a running process: its peak resident set so far, in bytes.
absl::StatusOr<int64_t> PeakRssBytes(pid_t pid);
// VmRSS: its resident set now, in bytes.
absl::StatusOr<int64_t> RssBytes(pid_t pid);

// Waits until a running process has used no CPU for `quiet_for`, and
// answers how long it kept working after the call: the time until its last
// CPU use. Background work of rungd (a checkpoint after a big commit) would
// otherwise fall into the next measurement. DEADLINE_EXCEEDED when it is
// still busy at `deadline`.
absl::StatusOr<absl::Duration> AwaitQuiet(pid_t pid, absl::Duration quiet_for, absl::Time deadline);

// The wait status in words, e.g. "exited with 1" or "killed by signal 9".
std::string DescribeWaitStatus(int status);

}  // namespace rung::bench

#endif  // RUNG_BENCH_CHILD_PROCESS_H_
