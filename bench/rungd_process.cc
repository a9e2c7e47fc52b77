#include "rungd_process.h"

#include <signal.h>

#include <fstream>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"

namespace rung::bench {
namespace {

// Generous: a start on a large database replays its write-ahead log.
constexpr absl::Duration kStartTimeout = absl::Seconds(120);
constexpr absl::Duration kStopTimeout = absl::Seconds(60);

}  // namespace

absl::StatusOr<std::unique_ptr<RungdProcess>> RungdProcess::Start(const std::string& rungd_path,
                                                                  const std::string& db,
                                                                  const std::string& log_path) {
  ChildProcess::Options options;
  options.argv = {rungd_path, "--listen=127.0.0.1:0", "--http_listen=127.0.0.1:0"};
  if (absl::StrContains(db, "://")) {
    options.env.push_back("RUNG_DB=" + db);
  } else {
    options.argv.push_back("--db=" + db);
  }
  options.stderr_path = log_path;
  absl::StatusOr<std::unique_ptr<ChildProcess>> child = ChildProcess::Start(options);
  if (!child.ok()) return child.status();
  std::unique_ptr<RungdProcess> rungd(new RungdProcess(*std::move(child)));
  absl::Status started = rungd->AwaitAddresses(log_path);
  if (!started.ok()) return started;
  rungd->child_->DiscardOutput();
  return rungd;
}

absl::Status RungdProcess::AwaitAddresses(const std::string& log_path) {
  const absl::Time deadline = absl::Now() + kStartTimeout;
  while (grpc_address_.empty() || http_address_.empty()) {
    absl::StatusOr<std::string> line = child_->ReadLine(deadline);
    if (!line.ok()) {
      return absl::Status(
          line.status().code(),
          absl::StrCat("rungd did not start (", line.status().message(), "); see ", log_path));
    }
    absl::string_view text = *line;
    if (absl::ConsumePrefix(&text, "listening on ")) grpc_address_ = std::string(text);
    if (absl::ConsumePrefix(&text, "http listening on ")) http_address_ = std::string(text);
  }
  return absl::OkStatus();
}

absl::Status RungdProcess::ResetPeakRss() const {
  const std::string path = absl::StrCat("/proc/", pid(), "/clear_refs");
  std::ofstream clear_refs(path);
  clear_refs << "5";
  clear_refs.close();
  if (!clear_refs) return absl::InternalError(absl::StrCat("cannot write 5 to ", path));
  return absl::OkStatus();
}

absl::Status RungdProcess::Stop() {
  if (absl::Status sent = child_->Signal(SIGTERM); !sent.ok()) return sent;
  absl::StatusOr<int> status = child_->Wait(absl::Now() + kStopTimeout);
  if (!status.ok()) return status.status();
  if (*status != 0) {
    return absl::InternalError(
        absl::StrCat("rungd ", DescribeWaitStatus(*status), " after SIGTERM"));
  }
  return absl::OkStatus();
}

}  // namespace rung::bench
