#ifndef RUNG_TESTS_SUPPORT_POSTGRES_SERVER_H_
#define RUNG_TESTS_SUPPORT_POSTGRES_SERVER_H_

// A throwaway PostgreSQL cluster for tests: the newest server that Debian's
// postgresql package installed (/usr/lib/postgresql/N/bin), initdb'd into a
// fresh temporary directory, listening on 127.0.0.1 at a free port with its
// socket inside that directory, fsync on, and removed with the object. No
// system cluster is used or touched.
//
// PostgreSQL refuses to run as root, and CI runs as root: then initdb,
// pg_ctl and the server run as the package's `postgres` user (or `nobody`),
// who owns the directory. The superuser `rung` logs in with a random
// password (scram-sha-256), so that tests see real authentication and can
// check that no message repeats the password.
//
// One implementation of starting a cluster serves every test: C++ tests use
// this class (support/postgres_environment.h gives a test binary one
// cluster), and the Python tests, which start rungd as a child process, run
// the rung_test_postgres program built from it (support/rung_test_postgres.cc,
// wrapped by tests/interop/postgres_cluster.py).
//
// Under ctest, every test process attaches to one cluster that the run
// shares (Share, Attach, StopShared): ctest runs each test case in a process
// of its own, and a cluster of their own would cost each one or two
// seconds. Each test still gets databases of its own.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace rung::test_support {

class PostgresServer {
 public:
  // initdb and start; waits until the server accepts connections. Takes one
  // to two seconds. `settings` ("autovacuum=off") are the server's
  // configuration beyond the defaults, kept by StartAgain.
  static absl::StatusOr<std::unique_ptr<PostgresServer>> Start(
      std::vector<std::string> settings = {});
  // The cluster that Share described in `state_file`, running in another
  // process. Its databases of this object's making are dropped with it;
  // the cluster stays. Stop and StartAgain refuse, for the cluster is not
  // this process's to stop.
  static absl::StatusOr<std::unique_ptr<PostgresServer>> Attach(const std::string& state_file);
  // Writes what Attach needs to `state_file` and hands the cluster over:
  // this object no longer stops or removes it. StopShared does.
  absl::Status Share(const std::string& state_file);
  // Stops the cluster that `state_file` describes at once and removes its
  // directory and the file.
  static absl::Status StopShared(const std::string& state_file);

  // Stops the server at once (immediate mode) and removes its directory;
  // for an attached cluster, drops the databases it made instead.
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // postgresql://rung:PASSWORD@127.0.0.1:PORT/DATABASE
  std::string Uri(const std::string& database) const;
  // A new, empty database of its own name; answers its URI.
  absl::StatusOr<std::string> CreateDatabase();

  // A fast shutdown (sessions are ended, then the server stops), for
  // outage tests; the data directory and port are kept.
  absl::Status Stop();
  // Starts the stopped server again on the same data and port.
  absl::Status StartAgain();

  int port() const { return port_; }
  const std::string& password() const { return password_; }

  // Who runs the server's programs; defined in the .cc.
  struct Account;

 private:
  PostgresServer(std::string bin_dir, std::string root, std::unique_ptr<Account> account,
                 std::vector<std::string> settings);
  absl::Status RefuseWhenAttached(const char* what) const;
  void DropDatabases();
  absl::Status InitDb();
  absl::Status StartOnFreePort();
  absl::Status StartOn(int port);
  // Runs bin_dir/`program` with `args` as the server's account; its output
  // goes to root/`program`.log, which the error quotes.
  absl::Status RunTool(const std::string& program, const std::vector<std::string>& args);
  std::string DataDir() const { return root_ + "/data"; }
  std::string SocketDir() const { return root_ + "/socket"; }
  std::string ServerLog() const { return root_ + "/server.log"; }

  const std::string bin_dir_;
  const std::string root_;
  const std::unique_ptr<Account> account_;
  const std::vector<std::string> settings_;
  std::string password_;
  int port_ = 0;
  bool running_ = false;
  // False for an attached or shared cluster: another process stops it.
  bool owned_ = true;
  // The databases CreateDatabase made.
  std::vector<std::string> databases_;
};

}  // namespace rung::test_support

#endif  // RUNG_TESTS_SUPPORT_POSTGRES_SERVER_H_
