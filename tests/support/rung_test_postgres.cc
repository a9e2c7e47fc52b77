// A throwaway PostgreSQL cluster for tests that are not C++ (the Python
// tests start rungd as a child process): the same PostgresServer the C++
// tests use, as a program; tests/interop/postgres_cluster.py drives it.
//
// Prints "uri URI" (a fresh database) once the server accepts connections,
// or a message on stderr and exits 1. Then reads commands from stdin, one a
// line: "stop" (a fast shutdown, answers "stopped"), "start" (on the same
// data and port, answers "started") and "createdb" (another fresh database,
// answers "uri URI"), or "error MESSAGE" when one fails. When stdin closes,
// the cluster is stopped and removed and the program exits 0.
//
// With "--share FILE" it starts a cluster, hands it over through FILE
// (PostgresServer::Share) and exits 0 with the cluster running; with
// "--stop-shared FILE" it stops and removes that cluster. ctest's
// postgres_shared fixture runs both around every test (tests/CMakeLists.txt).

#include <iostream>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "support/postgres_server.h"

namespace {

using rung::test_support::PostgresServer;

// The answer to one command, or why it failed.
absl::StatusOr<std::string> Obey(PostgresServer& server, const std::string& command) {
  if (command == "stop") {
    absl::Status status = server.Stop();
    if (!status.ok()) return status;
    return "stopped";
  }
  if (command == "start") {
    absl::Status status = server.StartAgain();
    if (!status.ok()) return status;
    return "started";
  }
  if (command == "createdb") {
    absl::StatusOr<std::string> uri = server.CreateDatabase();
    if (!uri.ok()) return uri.status();
    return absl::StrCat("uri ", *uri);
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown command '", command, "'"));
}

// Runs "--share FILE" or "--stop-shared FILE"; answers the exit status.
int Shared(const std::string& mode, const std::string& state_file) {
  absl::Status status;
  if (mode == "--share") {
    absl::StatusOr<std::unique_ptr<PostgresServer>> server = PostgresServer::Start();
    status = server.ok() ? (*server)->Share(state_file) : server.status();
  } else if (mode == "--stop-shared") {
    status = PostgresServer::StopShared(state_file);
  } else {
    status = absl::InvalidArgumentError(
        absl::StrCat("unknown option ", mode, "; expected --share FILE or --stop-shared FILE"));
  }
  if (status.ok()) return 0;
  std::cerr << "rung_test_postgres: " << status << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3) return Shared(argv[1], argv[2]);
  absl::StatusOr<std::unique_ptr<PostgresServer>> server = PostgresServer::Start();
  absl::StatusOr<std::string> uri =
      server.ok() ? (*server)->CreateDatabase() : absl::StatusOr<std::string>(server.status());
  if (!uri.ok()) {
    std::cerr << "rung_test_postgres: " << uri.status() << "\n";
    return 1;
  }
  std::cout << "uri " << *uri << std::endl;
  std::string command;
  while (std::getline(std::cin, command)) {
    const absl::StatusOr<std::string> answer = Obey(**server, command);
    if (answer.ok()) {
      std::cout << *answer << std::endl;
    } else {
      // One line, whatever the server's log quoted.
      std::cout << "error " << absl::StrReplaceAll(answer.status().ToString(), {{"\n", " "}})
                << std::endl;
    }
  }
  return 0;
}
