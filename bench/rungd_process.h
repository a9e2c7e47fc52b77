#ifndef RUNG_BENCH_RUNGD_PROCESS_H_
#define RUNG_BENCH_RUNGD_PROCESS_H_

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "child_process.h"

namespace rung::bench {

// A rungd child on loopback ports that the kernel picks, with no config
// (loopback needs no tokens), logging to a file. `db` is a SQLite file,
// given as --db, or a URI (postgresql://...), given in RUNG_DB so that its
// password stays out of argv. Start() returns once rungd
// printed both of its "listening on" lines; Stop() drains it with SIGTERM,
// and dropping it unstopped kills it.
class RungdProcess {
 public:
  static absl::StatusOr<std::unique_ptr<RungdProcess>> Start(const std::string& rungd_path,
                                                             const std::string& db,
                                                             const std::string& log_path);

  const std::string& grpc_address() const { return grpc_address_; }
  const std::string& http_address() const { return http_address_; }
  pid_t pid() const { return child_->pid(); }
  absl::StatusOr<int64_t> PeakRssBytes() const { return bench::PeakRssBytes(pid()); }
  absl::StatusOr<int64_t> RssBytes() const { return bench::RssBytes(pid()); }
  // Makes the peak start again from the resident set now (clear_refs 5), so
  // that a later PeakRssBytes() is the peak of what ran in between.
  absl::Status ResetPeakRss() const;

  // SIGTERM, then waits for an exit with status 0.
  absl::Status Stop();

 private:
  explicit RungdProcess(std::unique_ptr<ChildProcess> child) : child_(std::move(child)) {}
  absl::Status AwaitAddresses(const std::string& log_path);

  std::unique_ptr<ChildProcess> child_;
  std::string grpc_address_;
  std::string http_address_;
};

}  // namespace rung::bench

#endif  // RUNG_BENCH_RUNGD_PROCESS_H_
