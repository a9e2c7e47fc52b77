#include "child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "rung/status_macros.h"

namespace rung::bench {
namespace {

absl::Status ErrnoStatus(absl::string_view doing) {
  return absl::InternalError(absl::StrCat(doing, ": ", std::strerror(errno)));
}

// Milliseconds for poll(): at least 0, and -1 only for an infinite deadline.
int PollTimeout(absl::Time deadline) {
  if (deadline == absl::InfiniteFuture()) return -1;
  const int64_t ms = absl::ToInt64Milliseconds(deadline - absl::Now()) + 1;
  return static_cast<int>(std::clamp<int64_t>(ms, 0, 1 << 30));
}

// Waits until `fd` is readable; false when the deadline passed first.
absl::StatusOr<bool> AwaitReadable(int fd, absl::Time deadline) {
  pollfd entry{fd, POLLIN, 0};
  while (true) {
    const int ready = poll(&entry, 1, PollTimeout(deadline));
    if (ready > 0) return true;
    if (ready == 0) return false;
    if (errno != EINTR) return ErrnoStatus("poll");
  }
}

// The pipes a child gets, as file descriptors of the parent.
struct ChildPipes {
  int stdout_read = -1;
  int stdout_write = -1;
  int stdin_read = -1;  // -1: stdin is shared.
  int stdin_write = -1;
};

absl::StatusOr<ChildPipes> OpenPipes(bool pipe_stdin) {
  ChildPipes pipes;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return ErrnoStatus("pipe2");
  pipes.stdout_read = fds[0];
  pipes.stdout_write = fds[1];
  if (pipe_stdin) {
    if (pipe2(fds, O_CLOEXEC) != 0) {
      close(pipes.stdout_read);
      close(pipes.stdout_write);
      return ErrnoStatus("pipe2");
    }
    pipes.stdin_read = fds[0];
    pipes.stdin_write = fds[1];
  }
  return pipes;
}

// After fork, before exec: only async-signal-safe calls here. dup2 clears
// O_CLOEXEC on the copies, so only stdin, stdout and stderr are inherited.
[[noreturn]] void ExecChild(char* const* argv, char* const* envp, const ChildPipes& pipes,
                            const char* stderr_path, pid_t parent) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(127);  // The parent died before prctl.
  if (dup2(pipes.stdout_write, STDOUT_FILENO) < 0) _exit(127);
  if (pipes.stdin_read >= 0 && dup2(pipes.stdin_read, STDIN_FILENO) < 0) _exit(127);
  if (stderr_path != nullptr) {
    const int err = open(stderr_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (err < 0 || dup2(err, STDERR_FILENO) < 0) _exit(127);
  }
  execve(argv[0], argv, envp);
  _exit(127);
}

// Our environment with `extra` (NAME=VALUE) on top: an entry of the same
// name is replaced. The strings point into environ and `extra`.
std::vector<char*> ChildEnvironment(const std::vector<std::string>& extra) {
  std::vector<char*> env;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const absl::string_view text = *entry;
    const bool replaced = std::any_of(extra.begin(), extra.end(), [&](const std::string& add) {
      const size_t equals = add.find('=');
      return absl::StartsWith(text, add.substr(0, equals + 1));
    });
    if (!replaced) env.push_back(*entry);
  }
  for (const std::string& add : extra) env.push_back(const_cast<char*>(add.c_str()));
  env.push_back(nullptr);
  return env;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ChildProcess>> ChildProcess::Start(const Options& options) {
  std::vector<char*> args;
  for (const std::string& arg : options.argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  const std::vector<char*> env = ChildEnvironment(options.env);
  const char* stderr_path = options.stderr_path.empty() ? nullptr : options.stderr_path.c_str();
  absl::StatusOr<ChildPipes> pipes = OpenPipes(options.pipe_stdin);
  if (!pipes.ok()) return pipes.status();
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) ExecChild(args.data(), env.data(), *pipes, stderr_path, parent);
  const absl::Status forked = pid < 0 ? ErrnoStatus("fork") : absl::OkStatus();
  close(pipes->stdout_write);
  if (pipes->stdin_read >= 0) close(pipes->stdin_read);
  // Debian 12's <sys/pidfd.h> lacks extern "C", hence the raw system call.
  const int pidfd = forked.ok() ? static_cast<int>(syscall(SYS_pidfd_open, pid, 0)) : -1;
  if (pidfd < 0) {
    const absl::Status status = forked.ok() ? ErrnoStatus("pidfd_open") : forked;
    if (pid > 0) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
    close(pipes->stdout_read);
    if (pipes->stdin_write >= 0) close(pipes->stdin_write);
    return status;
  }
  return std::unique_ptr<ChildProcess>(
      new ChildProcess(pid, pipes->stdout_read, pipes->stdin_write, pidfd));
}

ChildProcess::~ChildProcess() {
  if (!reaped_) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  // The pipe ends with the child, which lets the discarder finish.
  if (discarder_.joinable()) discarder_.join();
  close(stdout_fd_);
  if (stdin_fd_ >= 0) close(stdin_fd_);
  close(pidfd_);
}

absl::StatusOr<bool> ChildProcess::FillBuffer(absl::Time deadline) {
  while (true) {
    absl::StatusOr<bool> readable = AwaitReadable(stdout_fd_, deadline);
    if (!readable.ok()) return readable.status();
    if (!*readable) return absl::DeadlineExceededError("timed out reading the child's stdout");
    char chunk[4096];
    const ssize_t n = read(stdout_fd_, chunk, sizeof chunk);
    if (n > 0) {
      buffer_.append(chunk, static_cast<size_t>(n));
      return true;
    }
    if (n == 0) return false;
    if (errno != EINTR) return ErrnoStatus("reading the child's stdout");
  }
}

absl::StatusOr<std::string> ChildProcess::ReadLine(absl::Time deadline) {
  while (true) {
    const size_t newline = buffer_.find('\n');
    if (newline != std::string::npos) {
      std::string line = buffer_.substr(0, newline);
      buffer_.erase(0, newline + 1);
      return line;
    }
    absl::StatusOr<bool> more = FillBuffer(deadline);
    if (!more.ok()) return more.status();
    if (!*more) return absl::OutOfRangeError("the child's stdout ended");
  }
}

absl::StatusOr<std::string> ChildProcess::ReadToEnd(absl::Time deadline) {
  while (true) {
    absl::StatusOr<bool> more = FillBuffer(deadline);
    if (!more.ok()) return more.status();
    if (!*more) return std::move(buffer_);
  }
}

void ChildProcess::DiscardOutput() {
  discarder_ = std::thread([fd = stdout_fd_] {
    char chunk[4096];
    while (true) {
      const ssize_t n = read(fd, chunk, sizeof chunk);
      if (n == 0 || (n < 0 && errno != EINTR)) return;
    }
  });
}

absl::Status ChildProcess::WriteStdin(absl::string_view text) {
  if (stdin_fd_ < 0) return absl::FailedPreconditionError("the child's stdin is not a pipe");
  while (!text.empty()) {
    const ssize_t n = write(stdin_fd_, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus("writing to the child's stdin");
    text.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

absl::Status ChildProcess::Signal(int signal_number) {
  if (kill(pid_, signal_number) != 0) return ErrnoStatus("kill");
  return absl::OkStatus();
}

absl::StatusOr<int> ChildProcess::Wait(absl::Time deadline) {
  absl::StatusOr<bool> exited = AwaitReadable(pidfd_, deadline);
  if (!exited.ok()) return exited.status();
  if (!*exited) {
    return absl::DeadlineExceededError(absl::StrCat("process ", pid_, " did not exit in time"));
  }
  int status = 0;
  if (waitpid(pid_, &status, 0) != pid_) return ErrnoStatus("waitpid");
  reaped_ = true;
  return status;
}

namespace {

// A "Key:   123 kB" line of /proc/PID/status, in bytes.
absl::StatusOr<int64_t> StatusKilobytes(pid_t pid, absl::string_view key) {
  const std::string path = absl::StrCat("/proc/", pid, "/status");
  std::ifstream status(path);
  std::string line;
  while (std::getline(status, line)) {
    absl::string_view rest = line;
    if (!absl::ConsumePrefix(&rest, key) || !absl::ConsumePrefix(&rest, ":")) continue;
    rest = absl::StripAsciiWhitespace(rest);
    int64_t kilobytes = 0;
    if (absl::ConsumeSuffix(&rest, " kB") && absl::SimpleAtoi(rest, &kilobytes)) {
      return kilobytes * 1024;
    }
    return absl::InternalError(absl::StrCat(path, ": unreadable ", key, " line '", line, "'"));
  }
  return absl::NotFoundError(absl::StrCat(path, " has no ", key, " (has the process exited?)"));
}

}  // namespace

absl::StatusOr<int64_t> PeakRssBytes(pid_t pid) { return StatusKilobytes(pid, "VmHWM"); }

absl::StatusOr<int64_t> RssBytes(pid_t pid) { return StatusKilobytes(pid, "VmRSS"); }

namespace {

// utime + stime from /proc/PID/stat, in clock ticks. The fields are counted
// after the ")" that ends the command name, which may itself hold spaces.
absl::StatusOr<int64_t> CpuTicks(pid_t pid) {
  const std::string path = absl::StrCat("/proc/", pid, "/stat");
  std::ifstream file(path);
  std::string stat;
  std::getline(file, stat);
  const size_t name_end = stat.rfind(')');
  if (name_end == std::string::npos) {
    return absl::NotFoundError(absl::StrCat(path, " is unreadable (has the process exited?)"));
  }
  // After ")": state is field 3, utime field 14, stime field 15.
  const std::vector<absl::string_view> fields =
      absl::StrSplit(absl::string_view(stat).substr(name_end + 2), ' ');
  int64_t utime = 0;
  int64_t stime = 0;
  if (fields.size() < 13 || !absl::SimpleAtoi(fields[11], &utime) ||
      !absl::SimpleAtoi(fields[12], &stime)) {
    return absl::InternalError(absl::StrCat(path, ": unexpected contents '", stat, "'"));
  }
  return utime + stime;
}

}  // namespace

absl::StatusOr<absl::Duration> AwaitQuiet(pid_t pid, absl::Duration quiet_for,
                                          absl::Time deadline) {
  constexpr absl::Duration kPoll = absl::Milliseconds(10);
  const absl::Time start = absl::Now();
  absl::Time last_busy = start;
  ASSIGN_OR_RETURN(int64_t ticks, CpuTicks(pid));
  while (absl::Now() - last_busy < quiet_for) {
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(absl::StrCat("process ", pid, " was still busy after ",
                                                      absl::FormatDuration(absl::Now() - start)));
    }
    absl::SleepFor(kPoll);
    ASSIGN_OR_RETURN(const int64_t now_ticks, CpuTicks(pid));
    if (now_ticks != ticks) last_busy = absl::Now();
    ticks = now_ticks;
  }
  return last_busy - start;
}

std::string DescribeWaitStatus(int status) {
  if (WIFEXITED(status)) return absl::StrCat("exited with ", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return absl::StrCat("killed by signal ", WTERMSIG(status));
  return absl::StrCat("wait status ", status);
}

}  // namespace rung::bench
