#ifndef RUNG_STORAGE_WRITE_PIPELINE_H_
#define RUNG_STORAGE_WRITE_PIPELINE_H_

#include <functional>
#include <optional>
#include <thread>
#include <utility>

#include "absl/status/status.h"
#include "core/chunk_queue.h"
#include "rung/status_macros.h"

namespace rung {

// Writes an evaluation's chunks on a thread of its own while the caller
// decides the next ones (BENCHMARKS.md). Each engine puts the encoding where
// a core is free: SQLite's caller encodes, since its writing thread binds
// and steps; PostgreSQL's writing thread encodes, since it otherwise waits
// for the server.
template <typename Encoded>
class WritePipeline {
 public:
  // `write` runs on the pipeline's thread, once per chunk, in order.
  explicit WritePipeline(std::function<absl::Status(Encoded&)> write)
      : write_(std::move(write)), thread_([this] {
          written_ = WriteEach();
          queue_.Close(written_);
        }) {}

  ~WritePipeline() { Stop(); }

  WritePipeline(const WritePipeline&) = delete;
  WritePipeline& operator=(const WritePipeline&) = delete;

  // Hands `chunk` over, waiting while enough are queued; answers the error
  // of an earlier chunk once there is one.
  absl::Status Push(Encoded chunk) { return queue_.Push(std::move(chunk)); }

  // Waits until every chunk is written; the first error of any.
  absl::Status Finish() {
    queue_.Close(absl::OkStatus());
    Join();
    return written_;
  }

  // Drops what is not written yet and waits for the thread, so that the
  // caller may use what `write` used.
  void Stop() {
    queue_.Close(absl::CancelledError("the evaluation was dropped"));
    Join();
  }

 private:
  // Enough to ride out a slow write, few enough to keep memory flat.
  static constexpr size_t kChunksInFlight = 4;

  absl::Status WriteEach() {
    while (true) {
      ASSIGN_OR_RETURN(std::optional<Encoded> chunk, queue_.Pop());
      if (!chunk.has_value()) return absl::OkStatus();
      RETURN_IF_ERROR(write_(*chunk));
    }
  }

  void Join() {
    if (thread_.joinable()) thread_.join();
  }

  const std::function<absl::Status(Encoded&)> write_;
  ChunkQueue<Encoded> queue_{kChunksInFlight};
  // Set by thread_ only, read after joining it.
  absl::Status written_;
  // Last: it starts at once and uses the members above.
  std::thread thread_;
};

}  // namespace rung

#endif  // RUNG_STORAGE_WRITE_PIPELINE_H_
