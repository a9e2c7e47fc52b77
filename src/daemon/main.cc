// rungd: flags and signals only; the lifecycle lives in daemon/server.cc.

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/synchronization/mutex.h"
#include "daemon/config.h"
#include "daemon/database_flag.h"
#include "daemon/log.h"
#include "daemon/server.h"
#include "storage/database_uri.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "gRPC address: host:port (port 0 picks a free port) or unix:PATH");
ABSL_FLAG(std::string, http_listen, "127.0.0.1:8080",
          "HTTP address for dashboards, host:port; empty turns HTTP off");
ABSL_FLAG(std::string, db, "",
          "database: a SQLite file, created with its schema when missing, or a PostgreSQL "
          "URI (postgresql://...); when not given, $RUNG_DB, else rung.db. A password on "
          "the command line is overwritten in argv once read: prefer RUNG_DB or PGPASSFILE");
ABSL_FLAG(std::string, config, "",
          "config file: textproto, or JSON when it ends in .json (see deploy/rungd.textproto)");
ABSL_FLAG(bool, insecure_allow_unauthenticated_non_loopback, false,
          "let rungd listen on an address other machines can reach although the config "
          "lists no auth.tokens: anyone who reaches it can read, ingest, evaluate and back up");

namespace {

constexpr absl::Duration kDrainGrace = absl::Seconds(10);

// Blocks SIGTERM and SIGINT in every thread, so that only sigwait() sees them
// and no gRPC or SQLite thread is interrupted mid-call.
sigset_t BlockShutdownSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

// `database` is the location as given: the message never shows its password.
int Fail(const absl::Status& status, const std::string& database = "") {
  const std::string message = rung::HideDatabasePassword(std::string(status.message()), database);
  rung::Log(rung::LogLevel::kError, "rungd cannot start", {{"error", message}});
  std::fprintf(stderr, "rungd: %s\n", message.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "rungd: the Rung Advisor daemon (gRPC, HTTP/JSON; SQLite or PostgreSQL)");
  absl::ParseCommandLine(argc, argv);
  // Before anything can stall or fail: ps shows argv for as long as rungd runs.
  rung::ScrubDatabasePasswords(argc, argv);
  // Debian builds Abseil without NDEBUG, which leaves absl::Mutex's deadlock
  // detector on: every lock, ours and gRPC's, then updates one process-wide
  // graph under a global lock, about a tenth of rungd's CPU per call. The
  // tests keep it on, which is where a lock-order bug should show up.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  const sigset_t signals = BlockShutdownSignals();

  absl::StatusOr<rung::DaemonConfig> config = rung::LoadDaemonConfig(absl::GetFlag(FLAGS_config));
  if (!config.ok()) return Fail(config.status());
  rung::SetLogLevel(config->log_level);

  rung::ServerOptions options;
  options.listen = absl::GetFlag(FLAGS_listen);
  options.http_listen = absl::GetFlag(FLAGS_http_listen);
  options.db_path = rung::ResolveDatabase(absl::GetFlag(FLAGS_db), std::getenv);
  options.config = *config;
  options.allow_unauthenticated_non_loopback =
      absl::GetFlag(FLAGS_insecure_allow_unauthenticated_non_loopback);
  absl::StatusOr<std::unique_ptr<rung::Server>> server = rung::Server::Start(options);
  if (!server.ok()) return Fail(server.status(), options.db_path);

  // Scripts and tests wait for this exact line on stdout.
  std::printf("listening on %s\n", (*server)->grpc_address().c_str());
  if (!(*server)->http_address().empty()) {
    std::printf("http listening on %s\n", (*server)->http_address().c_str());
  }
  std::fflush(stdout);
  rung::Log(rung::LogLevel::kInfo, "rungd started",
            {{"grpc", (*server)->grpc_address()},
             {"http", (*server)->http_address()},
             {"db", rung::RedactDatabasePassword(options.db_path)},
             {"tokens", static_cast<int>(options.config.tokens.size())},
             {"tls", !options.config.tls.enabled()               ? "off"
                     : options.config.tls.client_ca_file.empty() ? "tls"
                                                                 : "mtls"}});
  if (options.config.tokens.empty() &&
      !(rung::IsLoopbackAddress(options.listen) &&
        (options.http_listen.empty() || rung::IsLoopbackAddress(options.http_listen)))) {
    rung::Log(rung::LogLevel::kWarn,
              "no auth.tokens and a non-loopback address: every call is open to anyone who "
              "reaches rungd (--insecure_allow_unauthenticated_non_loopback)");
  }

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  rung::Log(rung::LogLevel::kInfo, "draining", {{"signal", signal_number}});
  (*server)->Shutdown(kDrainGrace);
  rung::Log(rung::LogLevel::kInfo, "rungd stopped");
  return 0;
}
