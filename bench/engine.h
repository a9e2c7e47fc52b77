#ifndef RUNG_BENCH_ENGINE_H_
#define RUNG_BENCH_ENGINE_H_

// The database engine that one `rung_bench run` or `summary` measures rungd
// on, with that engine's own limits: a bare upsert of the same batches, a
// bare ordered scan and a bare aggregate of an account's advice, through
// the engine's C library alone.

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "account_aggregate.h"
#include "dataset.h"
#include "ingest.h"
#include "nlohmann/json.hpp"
#include "scan_figures.h"

namespace rung::bench {

// rungd's database, or the one the bare upsert fills.
enum class Which { kRungd, kBare };

class Engine {
 public:
  // "sqlite": files rung.db and bare.db in `workdir` (which must not hold
  // them yet); `bare_synchronous` is the bare upsert's PRAGMA synchronous.
  // "postgres": a throwaway cluster of its own (tests/support's
  // PostgresServer) with two fresh databases, removed with the object.
  static absl::StatusOr<std::unique_ptr<Engine>> Create(const std::string& name,
                                                        const std::string& workdir,
                                                        const std::string& bare_synchronous);
  virtual ~Engine() = default;

  // What rungd is given: a file, or a URI that RungdProcess passes in
  // RUNG_DB.
  virtual const std::string& rungd_db() const = 0;
  // The engine's name and the settings of its limits, as report keys.
  virtual nlohmann::ordered_json Describe() const = 0;
  // The limit of ingest: IngestOverGrpc's rows into the bare database.
  virtual absl::StatusOr<IngestFigures> BareUpsert(const DatasetSpec& spec, int batch_size) = 0;
  // The limit of evaluation (kTouch on kRungd), and the comparison of the
  // two databases (kDigest).
  virtual absl::StatusOr<ScanFigures> Scan(Which which, ScanDepth depth) = 0;
  // The limit of GetAccountSummary, on rungd's database while rungd runs.
  virtual absl::StatusOr<std::unique_ptr<AccountAggregate>> OpenAccountAggregate(
      const std::string& account_id) = 0;
  virtual absl::StatusOr<int64_t> DatabaseBytes(Which which) = 0;
  // Waits until the engine has done no work of rungd's for `quiet_for`, and
  // answers how long after the call it still worked: a PostgreSQL server
  // runs rungd's statements in processes of its own, which waiting for rungd
  // alone does not see. Zero for SQLite, which works inside rungd.
  virtual absl::StatusOr<absl::Duration> AwaitQuiet(absl::Duration quiet_for,
                                                    absl::Time deadline) = 0;
  // The upkeep that a database needs after a phase that loaded it, done
  // untimed: PostgreSQL's VACUUM (ANALYZE); nothing for SQLite.
  virtual absl::Status Settle(Which which) = 0;
};

}  // namespace rung::bench

#endif  // RUNG_BENCH_ENGINE_H_
