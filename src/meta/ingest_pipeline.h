#ifndef RUNG_META_INGEST_PIPELINE_H_
#define RUNG_META_INGEST_PIPELINE_H_

#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/chunk_queue.h"
#include "rung/store.h"
#include "rung/validation.h"

namespace rung::meta {

class SyncTarget;

// Stores a sync's batches on a thread of its own, so that the next page is
// fetched from Meta and read while rungd commits the last batch: the two
// took turns before, and a sync took about twice as long (BENCHMARKS.md).
// At most two batches wait, so memory stays bounded. The target is called
// from that thread only while the pipeline runs.
class IngestPipeline {
 public:
  // `stored` is told the weeks stored so far after each batch, on the
  // pipeline's thread; it may be empty.
  IngestPipeline(SyncTarget& target, std::function<void(int stored)> stored);
  // Stops without waiting for what is queued, and joins.
  ~IngestPipeline();
  IngestPipeline(const IngestPipeline&) = delete;
  IngestPipeline& operator=(const IngestPipeline&) = delete;

  // Queues one atomic batch; `label` names it for the idempotency key (see
  // SyncTarget::Ingest). Waits while two are queued. Fails with the first
  // batch that failed, naming its first week and ad set.
  absl::Status Add(std::vector<RawAdSetWeek> weeks, std::string label);

  // Waits until every batch is stored: their totals and warnings, or the
  // first failure. Call once.
  absl::StatusOr<IngestSummary> Finish();

 private:
  struct Batch {
    std::vector<RawAdSetWeek> weeks;
    std::string label;
  };

  absl::Status StoreEach();

  SyncTarget& target_;
  std::function<void(int stored)> stored_;
  ChunkQueue<Batch> queue_;
  // Written by the pipeline's thread only, read after it is joined.
  IngestSummary totals_;
  absl::Status result_;
  std::thread thread_;
};

}  // namespace rung::meta

#endif  // RUNG_META_INGEST_PIPELINE_H_
