#include "meta/ingest_pipeline.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "core/text.h"
#include "meta/account_sync.h"
#include "rung/status_macros.h"

namespace rung::meta {
namespace {

// Enough to keep rungd busy while the next page is read, and no more.
constexpr size_t kBatchesInFlight = 2;

}  // namespace

IngestPipeline::IngestPipeline(SyncTarget& target, std::function<void(int stored)> stored)
    : target_(target), stored_(std::move(stored)), queue_(kBatchesInFlight) {
  thread_ = std::thread([this] {
    result_ = StoreEach();
    queue_.Close(result_);  // a failure stops the producer's next Add
  });
}

IngestPipeline::~IngestPipeline() {
  queue_.Close(absl::CancelledError("the sync stopped"));
  if (thread_.joinable()) thread_.join();
}

absl::Status IngestPipeline::Add(std::vector<RawAdSetWeek> weeks, std::string label) {
  return queue_.Push(Batch{std::move(weeks), std::move(label)});
}

absl::StatusOr<IngestSummary> IngestPipeline::Finish() {
  queue_.Close(absl::OkStatus());
  thread_.join();
  RETURN_IF_ERROR(result_);
  return std::move(totals_);
}

absl::Status IngestPipeline::StoreEach() {
  while (true) {
    ASSIGN_OR_RETURN(std::optional<Batch> batch, queue_.Pop());
    if (!batch.has_value()) return absl::OkStatus();
    absl::StatusOr<IngestSummary> summary = target_.Ingest(batch->weeks, batch->label);
    if (!summary.ok()) {
      return WithMessagePrefix(absl::StrCat("storing weeks ", batch->weeks.front().week_start,
                                            " of ad set ", batch->weeks.front().ad_set_id, " on: "),
                               summary.status());
    }
    totals_.inserted += summary->inserted;
    totals_.updated += summary->updated;
    totals_.unchanged += summary->unchanged;
    for (std::string& warning : summary->warnings) totals_.warnings.push_back(std::move(warning));
    if (stored_) stored_(totals_.inserted + totals_.updated + totals_.unchanged);
  }
}

}  // namespace rung::meta
