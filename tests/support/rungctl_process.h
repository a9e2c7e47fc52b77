#ifndef RUNG_TESTS_SUPPORT_RUNGCTL_PROCESS_H_
#define RUNG_TESTS_SUPPORT_RUNGCTL_PROCESS_H_

// The built rungctl in a child process, as scripts and people run it: its
// stdout and stderr read through pipes (or a terminal), its exit status
// checked. RUNGCTL_PATH is defined by tests/CMakeLists.txt for rungctl_*
// tests.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "support/temp_dir.h"

extern char** environ;

namespace rung::test_support {

struct RunOptions {
  std::string input;                   // stdin
  std::string cwd;                     // empty: the test's own
  std::vector<std::string> extra_env;  // NAME=VALUE
  bool stderr_is_terminal = false;     // a pseudo-terminal instead of a pipe
};

inline RunOptions WithInput(std::string input) {
  RunOptions options;
  options.input = std::move(input);
  return options;
}
inline RunOptions WithEnv(std::string variable) {
  RunOptions options;
  options.extra_env.push_back(std::move(variable));
  return options;
}

struct Result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::ostream& operator<<(std::ostream& os, const Result& result) {
  return os << "exit " << result.exit_code << "\nstdout:\n"
            << result.out << "stderr:\n"
            << result.err;
}

// Drains `fds` until each reports end of file (or EIO: a terminal whose other
// side closed), appending each one's bytes to its string.
inline void Drain(std::vector<std::pair<int, std::string*>> fds) {
  while (!fds.empty()) {
    std::vector<pollfd> polled;
    for (const auto& [fd, text] : fds) polled.push_back({fd, POLLIN, 0});
    if (poll(polled.data(), polled.size(), -1) < 0 && errno != EINTR) return;
    for (size_t i = polled.size(); i-- > 0;) {
      if (polled[i].revents == 0) continue;
      char buffer[4096];
      const ssize_t n = read(fds[i].first, buffer, sizeof buffer);
      if (n > 0) {
        fds[i].second->append(buffer, n);
      } else if (n == 0 || errno != EINTR) {
        close(fds[i].first);
        fds.erase(fds.begin() + i);
      }
    }
  }
}

// The built rungctl, started and not yet waited for: a test may kill it
// mid-run (Kill) before collecting what it printed (Finish).
class RungctlProcess {
 public:
  // Starts it with `args`. Its environment is this process's, less RUNG_SERVER
  // and RUNG_TOKEN, plus `options.extra_env`.
  RungctlProcess(const std::vector<std::string>& args, const RunOptions& options = {}) {
    // The child has its stdin open before posix_spawn returns, so the file may go with `scratch`.
    test_support::TempDir scratch;
    const std::string input_path = scratch.File("stdin");
    std::ofstream(input_path, std::ios::binary) << options.input;

    std::vector<std::string> env;
    for (char** entry = environ; *entry != nullptr; ++entry) {
      if (!absl::StartsWith(*entry, "RUNG_SERVER=") && !absl::StartsWith(*entry, "RUNG_TOKEN=")) {
        env.emplace_back(*entry);
      }
    }
    env.insert(env.end(), options.extra_env.begin(), options.extra_env.end());
    std::vector<std::string> argv_strings = {RUNGCTL_PATH};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    auto pointers = [](std::vector<std::string>& strings) {
      std::vector<char*> c_strings;
      for (std::string& s : strings) c_strings.push_back(s.data());
      c_strings.push_back(nullptr);
      return c_strings;
    };
    std::vector<char*> argv = pointers(argv_strings);
    std::vector<char*> envp = pointers(env);

    int out_pipe[2];
    int err_fds[2];  // [0] read by the test, [1] the child's stderr
    EXPECT_EQ(pipe2(out_pipe, O_CLOEXEC), 0);
    if (options.stderr_is_terminal) {
      err_fds[0] = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
      EXPECT_GE(err_fds[0], 0);
      EXPECT_EQ(grantpt(err_fds[0]), 0);
      EXPECT_EQ(unlockpt(err_fds[0]), 0);
      err_fds[1] = open(ptsname(err_fds[0]), O_RDWR | O_NOCTTY | O_CLOEXEC);
    } else {
      EXPECT_EQ(pipe2(err_fds, O_CLOEXEC), 0);
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, input_path.c_str(), O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err_fds[1], STDERR_FILENO);
    if (!options.cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, options.cwd.c_str());
    const int spawned =
        posix_spawn(&pid_, RUNGCTL_PATH, &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    close(out_pipe[1]);
    close(err_fds[1]);
    out_fd_ = out_pipe[0];
    err_fd_ = err_fds[0];
    if (spawned != 0) {
      ADD_FAILURE() << "cannot start " << RUNGCTL_PATH << ": " << strerror(spawned);
      pid_ = 0;
    }
  }
  ~RungctlProcess() {
    Kill();
    if (pid_ > 0) Finish();
  }
  RungctlProcess(const RungctlProcess&) = delete;
  RungctlProcess& operator=(const RungctlProcess&) = delete;

  void Kill() {
    if (pid_ > 0) {
      EXPECT_EQ(kill(pid_, SIGKILL), 0) << strerror(errno);
    }
  }

  // Reads its output to the end and waits for it; exit_code -1 when a signal ended it.
  Result Finish() {
    Result result;
    if (pid_ <= 0) {
      close(out_fd_);
      close(err_fd_);
      return result;
    }
    Drain({{out_fd_, &result.out}, {err_fd_, &result.err}});
    int status = 0;
    EXPECT_EQ(waitpid(pid_, &status, 0), pid_);
    pid_ = 0;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
  }

 private:
  pid_t pid_ = 0;
  int out_fd_ = -1;
  int err_fd_ = -1;
};

// Runs the built rungctl with `args` to its end.
inline Result RunRungctl(const std::vector<std::string>& args, const RunOptions& options = {}) {
  return RungctlProcess(args, options).Finish();
}

inline std::string Fixture(const std::string& name) {
  const char* source_dir = std::getenv("RUNG_SOURCE_DIR");
  return absl::StrCat(source_dir == nullptr ? "." : source_dir, "/tests/fixtures/import/", name);
}

// Success: exit 0 and nothing on stderr.
inline void ExpectSuccess(const Result& result) {
  EXPECT_EQ(result.exit_code, 0) << result;
  EXPECT_EQ(result.err, "") << result;
}

// A failure: exit 1, nothing on stdout, one line on stderr naming the problem.
inline void ExpectFailure(const Result& result, const std::string& problem) {
  EXPECT_EQ(result.exit_code, 1) << result;
  EXPECT_EQ(result.out, "") << result;
  EXPECT_THAT(result.err,
              ::testing::AllOf(::testing::StartsWith("rungctl: "), ::testing::HasSubstr(problem)))
      << result;
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result;
  EXPECT_TRUE(absl::EndsWith(result.err, "\n")) << result;
}

// Bad usage: exit 2, the problem, then a usage line.
inline void ExpectUsageError(const Result& result, const std::string& problem) {
  EXPECT_EQ(result.exit_code, 2) << result;
  EXPECT_EQ(result.out, "") << result;
  const std::vector<std::string> lines = absl::StrSplit(result.err, '\n');
  ASSERT_EQ(lines.size(), 3u) << result;  // two lines and the final newline
  EXPECT_THAT(lines[0],
              ::testing::AllOf(::testing::StartsWith("rungctl: "), ::testing::HasSubstr(problem)))
      << result;
  EXPECT_THAT(lines[1], ::testing::StartsWith("usage: rungctl")) << result;
}

// The JSON on stdout of a run that succeeded.
inline nlohmann::json ParseJson(const Result& result) {
  EXPECT_EQ(result.exit_code, 0) << result;
  nlohmann::json parsed = nlohmann::json::parse(result.out, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(parsed.is_discarded()) << result;
  return parsed.is_discarded() ? nlohmann::json::object() : parsed;
}

}  // namespace rung::test_support

#endif  // RUNG_TESTS_SUPPORT_RUNGCTL_PROCESS_H_
