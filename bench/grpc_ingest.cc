#include <atomic>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "api/proto_convert.h"
#include "ingest.h"
#include "rpc.h"
#include "rung/v1/advisor_service.grpc.pb.h"

namespace rung::bench {
namespace {

constexpr absl::Duration kBatchDeadline = absl::Seconds(300);
// ABORTED says "try again": the daemon rolled the batch back after losing a
// race with a concurrent write (PostgreSQL's serialization failures), and
// the request_id makes a repeat safe. A client retries, after a pause that
// grows by kRetryPause each time.
constexpr int kBatchAttempts = 10;
constexpr absl::Duration kRetryPause = absl::Milliseconds(2);

v1::IngestWeeksRequest BuildRequest(const DatasetSpec& spec, const RowRange& rows,
                                    int64_t batch_index) {
  v1::IngestWeeksRequest request;
  request.set_request_id(absl::StrCat("bench-", spec.seed, "-", batch_index));
  request.mutable_weeks()->Reserve(static_cast<int>(rows.size()));
  for (int64_t row = rows.begin; row < rows.end; ++row) {
    ToProto(GenerateRow(spec, row), request.add_weeks());
  }
  return request;
}

absl::Status SendBatch(v1::AdvisorService::Stub& stub, const DatasetSpec& spec, int batch_size,
                       int64_t batch_index) {
  const RowRange rows = BatchRows(spec, batch_size, batch_index);
  const v1::IngestWeeksRequest request = BuildRequest(spec, rows, batch_index);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + kBatchDeadline));
  v1::IngestWeeksResponse response;
  const std::string doing = absl::StrCat("IngestWeeks batch ", batch_index);
  if (absl::Status sent = FromGrpc(stub.IngestWeeks(&context, request, &response), doing);
      !sent.ok()) {
    return sent;
  }
  if (response.inserted() != rows.size()) {
    return absl::InternalError(absl::StrFormat("%s: inserted %d of %d rows into a new database",
                                               doing, response.inserted(), rows.size()));
  }
  return absl::OkStatus();
}

// Hands out batch indexes to the sending threads and keeps the first error,
// after which no thread takes another batch.
class BatchQueue {
 public:
  explicit BatchQueue(int64_t batches) : batches_(batches) {}

  // False when every batch is taken or one failed.
  bool Take(int64_t* batch_index) {
    absl::MutexLock lock(&mu_);
    if (!error_.ok() || next_ == batches_) return false;
    *batch_index = next_++;
    return true;
  }

  void Fail(absl::Status error) {
    absl::MutexLock lock(&mu_);
    if (error_.ok()) error_ = std::move(error);
  }

  absl::Status error() {
    absl::MutexLock lock(&mu_);
    return error_;
  }

 private:
  const int64_t batches_;
  absl::Mutex mu_;
  int64_t next_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status error_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

absl::StatusOr<IngestFigures> IngestOverGrpc(const std::shared_ptr<grpc::Channel>& channel,
                                             const DatasetSpec& spec, int batch_size,
                                             int inflight) {
  v1::AdvisorService::Stub stub(channel);
  IngestFigures figures;
  figures.rows = spec.rows();
  figures.batches = BatchCount(spec, batch_size);
  BatchQueue queue(figures.batches);
  const absl::Time start = absl::Now();
  std::atomic<int64_t> retries = 0;
  std::vector<std::thread> senders;
  for (int i = 0; i < inflight; ++i) {
    senders.emplace_back([&] {
      int64_t batch_index = 0;
      while (queue.Take(&batch_index)) {
        absl::Status sent = SendBatch(stub, spec, batch_size, batch_index);
        for (int attempt = 1; sent.code() == absl::StatusCode::kAborted && attempt < kBatchAttempts;
             ++attempt) {
          retries.fetch_add(1, std::memory_order_relaxed);
          absl::SleepFor(kRetryPause * attempt);
          sent = SendBatch(stub, spec, batch_size, batch_index);
        }
        if (!sent.ok()) queue.Fail(std::move(sent));
      }
    });
  }
  for (std::thread& sender : senders) sender.join();
  figures.seconds = absl::ToDoubleSeconds(absl::Now() - start);
  figures.retries = retries.load();
  if (absl::Status error = queue.error(); !error.ok()) return error;
  return figures;
}

}  // namespace rung::bench
