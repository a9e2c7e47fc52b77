#ifndef RUNG_BENCH_POSTGRES_LIMITS_H_
#define RUNG_BENCH_POSTGRES_LIMITS_H_

// The limits of `rung_bench run --engine=postgres`: what libpq alone does
// with the same rows on the same server, in a database of its own.

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "account_aggregate.h"
#include "dataset.h"
#include "ingest.h"
#include "scan_figures.h"

namespace rung::bench {

// The limit for IngestOverGrpc on PostgreSQL: the same rows with the same
// batch boundaries into the empty database `uri`, given rungd's schema (its
// embedded migrations) first. Each batch is one transaction of two
// statements, a multi-row INSERT ... SELECT FROM unnest($1::text[], ...) of
// the batch's ad sets (ON CONFLICT DO NOTHING) and of its weeks (ON CONFLICT
// (ad_set_id, week_start) DO UPDATE), parameters in text, committed durably
// (synchronous_commit = on). Rows are rendered to the statements' parameters
// before each batch, and only the transactions are timed.
absl::StatusOr<IngestFigures> BarePostgresUpsert(const std::string& uri, const DatasetSpec& spec,
                                                 int batch_size);

// One pass over ad_set_weeks of `uri` ordered by (ad_set_id, week_start),
// every column of every row, through libpq alone, streamed so that memory
// stays flat. Times the statement from its start to its last row.
absl::StatusOr<ScanFigures> ScanPostgresWeeks(const std::string& uri, ScanDepth depth);

// kAccountAggregateSql for `account_id` on `uri`, on one connection that
// prepares it once, as rungd's connections do their statements.
absl::StatusOr<std::unique_ptr<AccountAggregate>> OpenPostgresAccountAggregate(
    const std::string& uri, const std::string& account_id);

// Waits until no session on `uri`'s database but this one has been running
// a statement for `quiet_for` (rungd's idle pooled connections do not
// count, nor the server's own autovacuum), and answers how long after the call one still ran.
// DEADLINE_EXCEEDED when one still runs at `deadline`.
absl::StatusOr<absl::Duration> AwaitPostgresQuiet(const std::string& uri, absl::Duration quiet_for,
                                                  absl::Time deadline);

// pg_database_size of `uri`'s database.
absl::StatusOr<int64_t> PostgresDatabaseBytes(const std::string& uri);

// VACUUM (ANALYZE) of `uri`'s database, as after any bulk load. The
// benchmark's server runs without autovacuum, whose start a minute after a
// load fell inside whichever timed phase came then, and swung the ratios
// between runs (PostgreSQL ingest 0.19× in one, 0.91× in the next).
absl::Status VacuumPostgres(const std::string& uri);

}  // namespace rung::bench

#endif  // RUNG_BENCH_POSTGRES_LIMITS_H_
