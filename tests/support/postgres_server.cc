#include "support/postgres_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <utility>
#include <vector>

#include "absl/random/random.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "rung/status_macros.h"
#include "storage/postgres/pg_connection.h"

namespace rung::test_support {

// Who runs initdb, pg_ctl and the server.
struct PostgresServer::Account {
  // False when we are not root: then we run them as ourselves.
  bool switch_user = false;
  uid_t uid = 0;
  gid_t gid = 0;
};

namespace {

constexpr char kPostgresRoot[] = "/usr/lib/postgresql";
constexpr char kSuperuser[] = "rung";
// pg_ctl's own limit on waiting for the server to start or stop.
constexpr char kPgCtlWaitSeconds[] = "60";
constexpr int kPortAttempts = 5;

// The bin directory of the highest version installed.
absl::StatusOr<std::string> NewestBinDir() {
  int newest = 0;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(kPostgresRoot, error)) {
    int version = 0;
    if (absl::SimpleAtoi(entry.path().filename().string(), &version) && version > newest &&
        std::filesystem::exists(entry.path() / "bin" / "initdb")) {
      newest = version;
    }
  }
  if (newest == 0) {
    return absl::FailedPreconditionError(absl::StrCat("no PostgreSQL server under ", kPostgresRoot,
                                                      "/*/bin; run scripts/install-deps"));
  }
  return absl::StrCat(kPostgresRoot, "/", newest, "/bin");
}

absl::StatusOr<PostgresServer::Account> ServerAccount() {
  PostgresServer::Account account;
  if (geteuid() != 0) return account;
  for (const char* name : {"postgres", "nobody"}) {
    if (const passwd* entry = getpwnam(name)) {
      account.switch_user = true;
      account.uid = entry->pw_uid;
      account.gid = entry->pw_gid;
      return account;
    }
  }
  return absl::FailedPreconditionError(
      "running as root, and neither a postgres nor a nobody user exists to run PostgreSQL as");
}

absl::Status GiveTo(const std::string& path, const PostgresServer::Account& account) {
  if (account.switch_user && chown(path.c_str(), account.uid, account.gid) != 0) {
    return absl::InternalError(absl::StrCat("chown ", path, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

// A port that nothing listened on a moment ago. Another process may take it
// before the server binds it; StartOnFreePort then tries another.
absl::StatusOr<int> FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::InternalError(absl::StrCat("socket: ", std::strerror(errno)));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
                  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  const int saved_errno = errno;
  close(fd);
  if (!ok) return absl::InternalError(absl::StrCat("bind: ", std::strerror(saved_errno)));
  return ntohs(address.sin_port);
}

// The end of a log, where the reason for a failure is.
std::string ReadTail(const std::string& path) {
  constexpr std::streamoff kTail = 2000;
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  const std::streamoff size = in.tellg();
  if (size <= 0) return "";
  const std::streamoff start = std::max<std::streamoff>(0, size - kTail);
  std::string text(static_cast<size_t>(size - start), '\0');
  in.seekg(start);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  return text;
}

// In the forked child: only async-signal-safe calls until exec.
[[noreturn]] void ExecAs(const PostgresServer::Account& account, const char* log_path,
                         char* const argv[]) {
  if (account.switch_user &&
      (setgroups(0, nullptr) != 0 || setgid(account.gid) != 0 || setuid(account.uid) != 0)) {
    _exit(126);
  }
  const int log = open(log_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
  const int null = open("/dev/null", O_RDONLY);
  if (log < 0 || null < 0 || dup2(null, 0) < 0 || dup2(log, 1) < 0 || dup2(log, 2) < 0) {
    _exit(126);
  }
  // The server must not hold the test's pipes and sockets open.
  close_range(3, ~0U, 0);
  execv(argv[0], argv);
  _exit(127);
}

}  // namespace

PostgresServer::PostgresServer(std::string bin_dir, std::string root,
                               std::unique_ptr<Account> account, std::vector<std::string> settings)
    : bin_dir_(std::move(bin_dir)),
      root_(std::move(root)),
      account_(std::move(account)),
      settings_(std::move(settings)) {}

absl::StatusOr<std::unique_ptr<PostgresServer>> PostgresServer::Start(
    std::vector<std::string> settings) {
  ASSIGN_OR_RETURN(std::string bin_dir, NewestBinDir());
  ASSIGN_OR_RETURN(const Account account, ServerAccount());
  std::string pattern = (std::filesystem::temp_directory_path() / "rung_pg_XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    return absl::InternalError(absl::StrCat("mkdtemp ", pattern, ": ", std::strerror(errno)));
  }
  // From here on the destructor removes the directory.
  std::unique_ptr<PostgresServer> server(new PostgresServer(std::move(bin_dir), std::move(pattern),
                                                            std::make_unique<Account>(account),
                                                            std::move(settings)));
  RETURN_IF_ERROR(GiveTo(server->root_, account));
  RETURN_IF_ERROR(server->InitDb());
  if (mkdir(server->SocketDir().c_str(), 0700) != 0) {
    return absl::InternalError(
        absl::StrCat("mkdir ", server->SocketDir(), ": ", std::strerror(errno)));
  }
  RETURN_IF_ERROR(GiveTo(server->SocketDir(), account));
  RETURN_IF_ERROR(server->StartOnFreePort());
  return server;
}

namespace {

// What Attach and StopShared read from a state file that Share wrote.
struct SharedState {
  int port = 0;
  std::string password;
  std::string root;
  std::string bin_dir;
};

absl::StatusOr<SharedState> ReadSharedState(const std::string& state_file) {
  std::ifstream in(state_file);
  if (!in) {
    return absl::FailedPreconditionError(
        absl::StrCat("no shared PostgreSQL cluster: cannot read ", state_file));
  }
  SharedState state;
  std::string port;
  std::getline(in, port);
  std::getline(in, state.password);
  std::getline(in, state.root);
  std::getline(in, state.bin_dir);
  if (!absl::SimpleAtoi(port, &state.port) || state.password.empty() || state.root.empty() ||
      state.bin_dir.empty()) {
    return absl::DataLossError(absl::StrCat(state_file, " does not describe a cluster"));
  }
  return state;
}

}  // namespace

absl::StatusOr<std::unique_ptr<PostgresServer>> PostgresServer::Attach(
    const std::string& state_file) {
  ASSIGN_OR_RETURN(SharedState state, ReadSharedState(state_file));
  ASSIGN_OR_RETURN(const Account account, ServerAccount());
  std::unique_ptr<PostgresServer> server(
      new PostgresServer(std::move(state.bin_dir), std::move(state.root),
                         std::make_unique<Account>(account), /*settings=*/{}));
  server->owned_ = false;
  server->running_ = true;
  server->port_ = state.port;
  server->password_ = std::move(state.password);
  return server;
}

absl::Status PostgresServer::Share(const std::string& state_file) {
  RETURN_IF_ERROR(RefuseWhenAttached("share"));
  // Written whole, then renamed, so that no test reads half a file; the
  // password makes it the owner's alone.
  const std::string partial = state_file + ".partial";
  {
    std::ofstream out(partial, std::ios::trunc);
    out << port_ << "\n" << password_ << "\n" << root_ << "\n" << bin_dir_ << "\n";
    if (!out) return absl::InternalError(absl::StrCat("writing ", partial));
  }
  if (chmod(partial.c_str(), 0600) != 0 || rename(partial.c_str(), state_file.c_str()) != 0) {
    return absl::InternalError(absl::StrCat("publishing ", state_file, ": ", std::strerror(errno)));
  }
  owned_ = false;
  return absl::OkStatus();
}

absl::Status PostgresServer::StopShared(const std::string& state_file) {
  ASSIGN_OR_RETURN(SharedState state, ReadSharedState(state_file));
  ASSIGN_OR_RETURN(const Account account, ServerAccount());
  {
    // The destructor of a running, owned cluster stops and removes it.
    PostgresServer server(std::move(state.bin_dir), std::move(state.root),
                          std::make_unique<Account>(account), /*settings=*/{});
    server.running_ = true;
  }
  std::filesystem::remove(state_file);
  return absl::OkStatus();
}

PostgresServer::~PostgresServer() {
  if (!owned_) {
    DropDatabases();
    return;
  }
  if (running_) {
    // Nothing to keep: immediate mode skips the shutdown checkpoint.
    RunTool("pg_ctl", {"stop", "-w", "-t", kPgCtlWaitSeconds, "-D", DataDir(), "-m", "immediate"})
        .IgnoreError();
  }
  std::error_code ignored;
  std::filesystem::remove_all(root_, ignored);
}

absl::Status PostgresServer::InitDb() {
  absl::BitGen random;
  password_ = absl::StrFormat("%016x%016x", absl::Uniform<uint64_t>(random),
                              absl::Uniform<uint64_t>(random));
  const std::string password_file = root_ + "/password";
  {
    std::ofstream out(password_file);
    out << password_ << "\n";
    if (!out) return absl::InternalError(absl::StrCat("writing ", password_file));
  }
  RETURN_IF_ERROR(GiveTo(password_file, *account_));
  // --no-sync: a crash during the test's setup loses nothing worth keeping;
  // the running server has fsync on, since durability is what tests check.
  absl::Status status =
      RunTool("initdb", {"-D", DataDir(), "-U", kSuperuser, "--pwfile=" + password_file,
                         "--auth=scram-sha-256", "--no-locale", "--encoding=UTF8", "--no-sync",
                         "--no-instructions"});
  std::filesystem::remove(password_file);
  return status;
}

absl::Status PostgresServer::StartOnFreePort() {
  absl::Status status;
  for (int attempt = 0; attempt < kPortAttempts; ++attempt) {
    ASSIGN_OR_RETURN(const int port, FreePort());
    status = StartOn(port);
    if (status.ok() || !absl::StrContains(ReadTail(ServerLog()), "could not bind")) return status;
  }
  return status;
}

absl::Status PostgresServer::StartOn(int port) {
  std::string server_options =
      absl::StrCat("-p ", port, " -k '", SocketDir(),
                   "' -c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on");
  for (const std::string& setting : settings_) absl::StrAppend(&server_options, " -c ", setting);
  absl::Status status = RunTool("pg_ctl", {"start", "-w", "-t", kPgCtlWaitSeconds, "-D", DataDir(),
                                           "-l", ServerLog(), "-o", server_options});
  if (!status.ok()) {
    return absl::Status(status.code(),
                        absl::StrCat(status.message(), "\nserver log:\n", ReadTail(ServerLog())));
  }
  port_ = port;
  running_ = true;
  return absl::OkStatus();
}

absl::Status PostgresServer::RefuseWhenAttached(const char* what) const {
  if (owned_) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("cannot ", what,
                   " a cluster that another process owns; a test that stops the "
                   "server needs a cluster of its own"));
}

absl::Status PostgresServer::Stop() {
  RETURN_IF_ERROR(RefuseWhenAttached("stop"));
  RETURN_IF_ERROR(
      RunTool("pg_ctl", {"stop", "-w", "-t", kPgCtlWaitSeconds, "-D", DataDir(), "-m", "fast"}));
  running_ = false;
  return absl::OkStatus();
}

absl::Status PostgresServer::StartAgain() {
  RETURN_IF_ERROR(RefuseWhenAttached("start"));
  return StartOn(port_);
}

absl::Status PostgresServer::RunTool(const std::string& program,
                                     const std::vector<std::string>& args) {
  std::vector<std::string> argv = {absl::StrCat(bin_dir_, "/", program)};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> argv_pointers;
  for (std::string& arg : argv) argv_pointers.push_back(arg.data());
  argv_pointers.push_back(nullptr);
  const std::string log_path = absl::StrCat(root_, "/", program, ".log");

  const pid_t pid = fork();
  if (pid < 0) return absl::InternalError(absl::StrCat("fork: ", std::strerror(errno)));
  if (pid == 0) ExecAs(*account_, log_path.c_str(), argv_pointers.data());
  int wait_status = 0;
  while (waitpid(pid, &wait_status, 0) < 0) {
    if (errno != EINTR) return absl::InternalError(absl::StrCat("waitpid: ", std::strerror(errno)));
  }
  if (WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0) return absl::OkStatus();
  return absl::InternalError(absl::StrCat(absl::StrJoin(argv, " "), " failed (wait status ",
                                          wait_status, "):\n", ReadTail(log_path)));
}

std::string PostgresServer::Uri(const std::string& database) const {
  return absl::StrCat("postgresql://", kSuperuser, ":", password_, "@127.0.0.1:", port_, "/",
                      database);
}

absl::StatusOr<std::string> PostgresServer::CreateDatabase() {
  // The process id keeps names apart on a cluster that processes share.
  const std::string name = absl::StrCat("rung_test_", getpid(), "_", databases_.size() + 1);
  ASSIGN_OR_RETURN(const std::unique_ptr<PgConnection> connection,
                   PgConnection::Connect(Uri("postgres")));
  // A name of our own making: identifiers cannot be parameters.
  RETURN_IF_ERROR(connection->Exec(absl::StrCat("CREATE DATABASE ", name),
                                   absl::StrCat("creating database ", name)));
  databases_.push_back(name);
  return Uri(name);
}

void PostgresServer::DropDatabases() {
  if (databases_.empty()) return;
  absl::StatusOr<std::unique_ptr<PgConnection>> connection = PgConnection::Connect(Uri("postgres"));
  if (!connection.ok()) return;
  // FORCE ends sessions a test left open; a failure only leaves a database
  // behind in a cluster that StopShared removes anyway.
  for (const std::string& name : databases_) {
    (*connection)
        ->Exec(absl::StrCat("DROP DATABASE IF EXISTS ", name, " WITH (FORCE)"),
               absl::StrCat("dropping database ", name))
        .IgnoreError();
  }
}

}  // namespace rung::test_support
