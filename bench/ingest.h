#ifndef RUNG_BENCH_INGEST_H_
#define RUNG_BENCH_INGEST_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "dataset.h"
#include "grpcpp/channel.h"

namespace rung::bench {

struct IngestFigures {
  int64_t rows = 0;
  int64_t batches = 0;
  // Wall time of the part that is measured (see each function).
  double seconds = 0;
  // Requests sent again after the daemon answered ABORTED (IngestOverGrpc).
  int64_t retries = 0;

  double rows_per_second() const { return seconds > 0 ? rows / seconds : 0; }
};

// Sends every row to rungd's IngestWeeks in batches of `batch_size`, each
// with a request_id of its own, from `inflight` threads that each keep one
// call outstanding: while the daemon writes one batch, another is being
// built and encoded. Measures the wall time of the whole upload, retries
// included: a batch answered ABORTED is sent again, up to 10 times in all.
// Every batch must be inserted whole (the database starts empty).
absl::StatusOr<IngestFigures> IngestOverGrpc(const std::shared_ptr<grpc::Channel>& channel,
                                             const DatasetSpec& spec, int batch_size, int inflight);

// The limit for the above: the same rows with the same batch boundaries into
// a new database at `path` with rungd's schema, through the SQLite C API
// alone. Each batch is one BEGIN IMMEDIATE ... COMMIT of prepared upserts,
// under rungd's settings (WAL, foreign keys on, `synchronous`, which is FULL
// unless told otherwise, as in rungd). Rows are
// rendered to column values before each batch, and only the transactions
// are timed.
absl::StatusOr<IngestFigures> BareUpsert(const std::string& path, const DatasetSpec& spec,
                                         int batch_size, const std::string& synchronous);

// Creates `path` with rungd's schema (every migration), the way rungd would.
absl::Status CreateSchema(const std::string& path);

}  // namespace rung::bench

#endif  // RUNG_BENCH_INGEST_H_
