#include "engine.h"

#include <sys/stat.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "postgres_limits.h"
#include "rung/status_macros.h"
#include "sqlite_scan.h"
#include "support/postgres_server.h"

namespace rung::bench {
namespace {

using Json = nlohmann::ordered_json;

int64_t FileSize(const std::string& path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0 ? info.st_size : 0;
}

class SqliteEngine : public Engine {
 public:
  SqliteEngine(const std::string& workdir, std::string bare_synchronous)
      : rungd_db_(absl::StrCat(workdir, "/rung.db")),
        bare_db_(absl::StrCat(workdir, "/bare.db")),
        bare_synchronous_(std::move(bare_synchronous)) {}

  absl::Status CheckFresh() const {
    for (const std::string& path : {rungd_db_, bare_db_}) {
      struct stat info;
      if (stat(path.c_str(), &info) == 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("--workdir: ", path, " exists; give an empty directory"));
      }
    }
    return absl::OkStatus();
  }

  const std::string& rungd_db() const override { return rungd_db_; }

  Json Describe() const override {
    return Json{{"engine", "sqlite"}, {"bare_synchronous", bare_synchronous_}};
  }

  absl::StatusOr<IngestFigures> BareUpsert(const DatasetSpec& spec, int batch_size) override {
    return bench::BareUpsert(bare_db_, spec, batch_size, bare_synchronous_);
  }

  absl::StatusOr<ScanFigures> Scan(Which which, ScanDepth depth) override {
    return ScanWeeks(Path(which), depth);
  }

  absl::StatusOr<std::unique_ptr<AccountAggregate>> OpenAccountAggregate(
      const std::string& account_id) override {
    return OpenSqliteAccountAggregate(rungd_db_, account_id);
  }

  absl::StatusOr<int64_t> DatabaseBytes(Which which) override {
    return FileSize(Path(which)) + FileSize(Path(which) + "-wal");
  }

  absl::StatusOr<absl::Duration> AwaitQuiet(absl::Duration, absl::Time) override {
    return absl::ZeroDuration();
  }

  absl::Status Settle(Which) override { return absl::OkStatus(); }

 private:
  const std::string& Path(Which which) const {
    return which == Which::kRungd ? rungd_db_ : bare_db_;
  }

  const std::string rungd_db_;
  const std::string bare_db_;
  const std::string bare_synchronous_;
};

// One cluster, two databases on it: rungd's, and the bare upsert's.
class PostgresEngine : public Engine {
 public:
  static absl::StatusOr<std::unique_ptr<Engine>> Start() {
    ASSIGN_OR_RETURN(std::unique_ptr<test_support::PostgresServer> server,
                     test_support::PostgresServer::Start({"autovacuum=off"}));
    ASSIGN_OR_RETURN(std::string rungd_db, server->CreateDatabase());
    ASSIGN_OR_RETURN(std::string bare_db, server->CreateDatabase());
    return std::unique_ptr<Engine>(
        new PostgresEngine(std::move(server), std::move(rungd_db), std::move(bare_db)));
  }

  const std::string& rungd_db() const override { return rungd_db_; }

  Json Describe() const override {
    return Json{{"engine", "postgres"}, {"bare_synchronous_commit", "on"}, {"autovacuum", "off"}};
  }

  absl::StatusOr<IngestFigures> BareUpsert(const DatasetSpec& spec, int batch_size) override {
    return BarePostgresUpsert(bare_db_, spec, batch_size);
  }

  absl::StatusOr<ScanFigures> Scan(Which which, ScanDepth depth) override {
    return ScanPostgresWeeks(Uri(which), depth);
  }

  absl::StatusOr<std::unique_ptr<AccountAggregate>> OpenAccountAggregate(
      const std::string& account_id) override {
    return OpenPostgresAccountAggregate(rungd_db_, account_id);
  }

  absl::StatusOr<int64_t> DatabaseBytes(Which which) override {
    return PostgresDatabaseBytes(Uri(which));
  }

  absl::StatusOr<absl::Duration> AwaitQuiet(absl::Duration quiet_for,
                                            absl::Time deadline) override {
    return AwaitPostgresQuiet(rungd_db_, quiet_for, deadline);
  }

  absl::Status Settle(Which which) override { return VacuumPostgres(Uri(which)); }

 private:
  PostgresEngine(std::unique_ptr<test_support::PostgresServer> server, std::string rungd_db,
                 std::string bare_db)
      : server_(std::move(server)), rungd_db_(std::move(rungd_db)), bare_db_(std::move(bare_db)) {}

  const std::string& Uri(Which which) const {
    return which == Which::kRungd ? rungd_db_ : bare_db_;
  }

  const std::unique_ptr<test_support::PostgresServer> server_;
  const std::string rungd_db_;
  const std::string bare_db_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Engine>> Engine::Create(const std::string& name,
                                                       const std::string& workdir,
                                                       const std::string& bare_synchronous) {
  if (name == "sqlite") {
    auto engine = std::make_unique<SqliteEngine>(workdir, bare_synchronous);
    RETURN_IF_ERROR(engine->CheckFresh());
    return engine;
  }
  if (name == "postgres") return PostgresEngine::Start();
  return absl::InvalidArgumentError(
      absl::StrCat("--engine: '", name, "' is not sqlite or postgres"));
}

}  // namespace rung::bench
