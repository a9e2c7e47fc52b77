// A throwaway PostgreSQL cluster for tests that are not C++ (the Python
// tests start rungd as a child process): the same PostgresServer the C++
// tests use, as a program; tests/interop/postgres_cluster.py drives it.
//
// Prints "uri URI" (a fresh database) once the server accepts connections,
// or a message on stderr and exits 1. Then reads commands from stdin, one a
// line: "stop" (a fast shutdown, answers "stopped") and "start" (on the same
// data and port, answers "started"), or "error MESSAGE" when one fails. When
// stdin closes, the cluster is stopped and removed and the program exits 0.

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

absl::Status Obey(PostgresServer& server, const std::string& command) {
  if (command == "stop") return server.Stop();
  if (command == "start") return server.StartAgain();
  return absl::InvalidArgumentError(absl::StrCat("unknown command '", command, "'"));
}

}  // namespace

int main() {
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
    const absl::Status status = Obey(**server, command);
    if (status.ok()) {
      std::cout << (command == "stop" ? "stopped" : "started") << std::endl;
    } else {
      // One line, whatever the server's log quoted.
      std::cout << "error " << absl::StrReplaceAll(status.ToString(), {{"\n", " "}}) << std::endl;
    }
  }
  return 0;
}
