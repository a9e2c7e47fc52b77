// rungctl: the command line over rungd's gRPC API, for scheduled jobs and
// people. Parses the command line against the command table, connects, runs
// the command and turns its outcome into the exit status: 0 on success, 1 on
// a failure explained in one line on stderr, 2 on bad usage.

#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "cli/session.h"
#include "grpc/support/log.h"
#include "rung/status_macros.h"

namespace rung::cli {
namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
constexpr char kDefaultServer[] = "127.0.0.1:50051";

// The flag, else the environment variable, else `fallback`.
std::string FlagOrEnv(const Invocation& invocation, absl::string_view flag, const char* variable,
                      const char* fallback) {
  if (invocation.Has(flag)) return invocation.Value(flag);
  const char* value = std::getenv(variable);
  return value != nullptr && *value != '\0' ? value : fallback;
}

// The whole of the file that `flag` names, or "" when it names none.
absl::StatusOr<std::string> ReadPemFlag(const Invocation& invocation, absl::string_view flag,
                                        const char* variable) {
  const std::string path = FlagOrEnv(invocation, flag, variable, "");
  if (path.empty()) return std::string();
  absl::StatusOr<std::string> pem = ReadWholeFile(path);
  if (!pem.ok() || pem->empty()) {
    return absl::NotFoundError(absl::StrCat(flag, ": cannot read '", path, "'"));
  }
  return pem;
}

absl::StatusOr<ClientTls> ReadClientTls(const Invocation& invocation) {
  ClientTls tls;
  ASSIGN_OR_RETURN(tls.ca_pem, ReadPemFlag(invocation, "--tls-ca", "RUNG_TLS_CA"));
  ASSIGN_OR_RETURN(tls.cert_pem, ReadPemFlag(invocation, "--tls-cert", "RUNG_TLS_CERT"));
  ASSIGN_OR_RETURN(tls.key_pem, ReadPemFlag(invocation, "--tls-key", "RUNG_TLS_KEY"));
  if (tls.cert_pem.empty() != tls.key_pem.empty()) {
    return UsageError("--tls-cert and --tls-key go together");
  }
  if (!tls.cert_pem.empty() && tls.ca_pem.empty()) {
    return UsageError("--tls-cert needs --tls-ca: a client certificate is sent only over TLS");
  }
  return tls;
}

absl::StatusOr<SessionOptions> ReadSessionOptions(const Invocation& invocation) {
  SessionOptions options;
  options.server = FlagOrEnv(invocation, "--server", "RUNG_SERVER", kDefaultServer);
  // gRPC would only say that it could not create a channel.
  if (options.server.empty()) {
    return UsageError("--server: empty; give host:port or unix:PATH");
  }
  options.token = FlagOrEnv(invocation, "--token", "RUNG_TOKEN", "");
  ASSIGN_OR_RETURN(options.tls, ReadClientTls(invocation));
  options.json = invocation.Has("--json");
  options.timeout = invocation.command()->default_timeout;
  if (invocation.Has("--timeout")) {
    ASSIGN_OR_RETURN(options.timeout, ParseTimeout("--timeout", invocation.Value("--timeout")));
  }
  return options;
}

absl::Status Run(const Invocation& invocation) {
  ASSIGN_OR_RETURN(const SessionOptions options, ReadSessionOptions(invocation));
  Session session(options, std::cin, std::cout, std::cerr, isatty(STDERR_FILENO) == 1);
  return invocation.command()->run(invocation, session);
}

// Bad usage: the problem, then how the command is used.
int UsageFailure(const absl::Status& status, const CommandSpec* command) {
  std::cerr << "rungctl: " << status.message() << "\n"
            << (command == nullptr
                    ? "usage: rungctl COMMAND [ARGUMENTS] [FLAGS]; see rungctl --help"
                    : UsageLine(*command))
            << "\n";
  return kExitUsage;
}

int Main(const std::vector<std::string>& args) {
  Invocation invocation;
  const absl::Status parsed = ParseCommandLine(args, Commands(), CommonFlags(), &invocation);
  if (!parsed.ok()) return UsageFailure(parsed, invocation.command());
  if (invocation.help()) {
    std::cout << (invocation.command() == nullptr
                      ? ProgramHelp(Commands(), CommonFlags())
                      : CommandHelp(*invocation.command(), CommonFlags()));
    return EXIT_SUCCESS;
  }
  const absl::Status status = Run(invocation);
  std::cout.flush();
  if (status.ok()) return EXIT_SUCCESS;
  if (IsUsageError(status)) return UsageFailure(status, invocation.command());
  if (IsAlreadyReported(status)) return kExitFailure;
  std::cerr << "rungctl: " << status.message() << "\n";
  return kExitFailure;
}

}  // namespace
}  // namespace rung::cli

int main(int argc, char** argv) {
  // Failures come back as statuses and are told in one line; gRPC's own log
  // lines (a refused TLS handshake) would add a second one to stderr.
  gpr_set_log_function([](gpr_log_func_args*) {});
  return rung::cli::Main(std::vector<std::string>(argv + 1, argv + argc));
}
