// Faults end to end: a real daemon (gRPC and HTTP) over a real SQLite file
// when the disk fills up, another process holds the write lock, or a backup
// runs while batches keep arriving.

#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "support/daemon_fixture.h"
#include "support/db_dump.h"

namespace rung {
namespace {

using test_support::ReadOnlyDb;
using test_support::WeekAt;
using ::testing::HasSubstr;
using HealthResponse = grpc::health::v1::HealthCheckResponse;

// `weeks` consecutive weeks of ad set `ad_set`, from week 0.
std::vector<v1::AdSetWeek> AdSetWeeks(const std::string& ad_set, int weeks) {
  std::vector<v1::AdSetWeek> records;
  for (int i = 0; i < weeks; ++i) {
    v1::AdSetWeek record;
    record.set_account_id("act_faults");
    record.set_campaign_id("cmp_1");
    record.set_ad_set_id(ad_set);
    record.set_week_start(WeekAt(i));
    record.set_optimization_event("Purchase");
    record.set_spend_micros(100'000'000 + i);
    (*record.mutable_event_counts())["Purchase"] = 40 + i;
    (*record.mutable_event_counts())["AddToCart"] = 300 + i;
    records.push_back(std::move(record));
  }
  return records;
}

class FaultsTest : public test_support::DaemonFixture {
 protected:
  grpc::Status TryIngest(const std::vector<v1::AdSetWeek>& weeks, const std::string& request_id,
                         v1::IngestWeeksResponse* response) {
    v1::IngestWeeksRequest request;
    for (const auto& week : weeks) *request.add_weeks() = week;
    request.set_request_id(request_id);
    grpc::ClientContext context;
    return stub_->IngestWeeks(&context, request, response);
  }

  // The weeks stored for `ad_set`, or -1 when the call fails (NOT_FOUND for
  // an ad set with none).
  int StoredWeeks(const std::string& ad_set) {
    v1::GetAdSetHistoryRequest request;
    request.set_ad_set_id(ad_set);
    v1::GetAdSetHistoryResponse response;
    grpc::ClientContext context;
    const grpc::Status status = stub_->GetAdSetHistory(&context, request, &response);
    if (status.error_code() == grpc::StatusCode::NOT_FOUND) return 0;
    return status.ok() ? response.weeks_size() : -1;
  }

  int HttpStatus(const std::string& path) {
    auto result = Http().Get(path);
    return result ? result->status : -1;
  }

  HealthResponse::ServingStatus CheckHealth() {
    auto health = grpc::health::v1::Health::NewStub(channel_);
    grpc::health::v1::HealthCheckResponse response;
    grpc::ClientContext context;
    grpc::health::v1::HealthCheckRequest request;
    return health->Check(&context, request, &response).ok() ? response.status()
                                                            : HealthResponse::UNKNOWN;
  }

  std::string DbPath() const { return dir_.File("rung.db"); }
};

// --- Disk full -------------------------------------------------------------

// The database lives on a small tmpfs mounted over the test's temp dir, and a
// ballast file eats every free byte: the disk is really full, as it would be
// in production, rather than SQLite being told to pretend.
class DiskFullTest : public FaultsTest {
 protected:
  void SetUp() override {
    if (mount("tmpfs", dir_.path().c_str(), "tmpfs", 0, "size=4m") != 0) {
      GTEST_SKIP() << "cannot mount a tmpfs (" << std::strerror(errno)
                   << "); a full disk needs root or CAP_SYS_ADMIN";
    }
    mounted_ = true;
    FaultsTest::SetUp();
  }

  void TearDown() override {
    FaultsTest::TearDown();
    if (server_ != nullptr) server_.reset();
    if (mounted_) umount2(dir_.path().c_str(), MNT_DETACH);
  }

  // Writes the ballast until the filesystem refuses another byte.
  void FillTheDisk() {
    FILE* ballast = std::fopen(dir_.File("ballast").c_str(), "w");
    ASSERT_NE(ballast, nullptr);
    std::setvbuf(ballast, nullptr, _IONBF, 0);
    const std::string chunk(4096, 'x');
    size_t written = 0;
    while (std::fwrite(chunk.data(), 1, chunk.size(), ballast) == chunk.size()) {
      written += chunk.size();
    }
    const int error = errno;
    std::fclose(ballast);
    ASSERT_EQ(error, ENOSPC) << "after " << written << " bytes";
  }

  void FreeTheDisk() { ASSERT_EQ(std::remove(dir_.File("ballast").c_str()), 0); }

  bool mounted_ = false;
};

TEST_F(DiskFullTest, IngestIsResourceExhaustedStoresNothingAndRecoversWhenSpaceReturns) {
  Ingest(AdSetWeeks("as_before", 4));
  FillTheDisk();
  const std::string before = ReadOnlyDb(DbPath()).Dump();

  std::vector<v1::AdSetWeek> big;
  for (int i = 0; i < 40; ++i) {
    for (auto& week : AdSetWeeks("as_full_" + std::to_string(i), 5)) big.push_back(week);
  }
  v1::IngestWeeksResponse refused;
  const grpc::Status status = TryIngest(big, "req-full", &refused);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("disk is full"));

  // Nothing of the batch, nor its request id, was stored.
  EXPECT_EQ(ReadOnlyDb(DbPath()).Dump(), before);
  EXPECT_EQ(StoredWeeks("as_full_0"), 0);
  EXPECT_EQ(StoredWeeks("as_full_39"), 0);
  // Reads keep working, over gRPC and HTTP, and health stays SERVING: the
  // database answers, only growing it fails, and that is told per call.
  EXPECT_EQ(StoredWeeks("as_before"), 4);
  v1::ListRecommendationsRequest list;
  v1::ListRecommendationsResponse recommendations;
  grpc::ClientContext list_context;
  EXPECT_TRUE(stub_->ListRecommendations(&list_context, list, &recommendations).ok());
  EXPECT_EQ(HttpStatus("/v1/adsets/as_before/history"), 200);
  EXPECT_EQ(HttpStatus("/v1/recommendations"), 200);
  EXPECT_EQ(CheckHealth(), HealthResponse::SERVING);
  EXPECT_EQ(HttpStatus("/healthz"), 200);

  FreeTheDisk();
  // The same request id is not taken for a replay: the failed attempt left
  // no trace of it.
  v1::IngestWeeksResponse accepted;
  const grpc::Status retried = TryIngest(big, "req-full", &accepted);
  ASSERT_TRUE(retried.ok()) << retried.error_message();
  EXPECT_EQ(accepted.inserted(), 200);
  EXPECT_EQ(StoredWeeks("as_full_39"), 5);
  EXPECT_EQ(ReadOnlyDb(DbPath()).IntegrityCheck(), "ok");
}

// --- Locked by another process --------------------------------------------

// Another process that takes and releases the database's write lock when
// told to. It is forked before the daemon starts, while this process has no
// open database, and the child does nothing but SQLite and its pipes.
class LockingProcess {
 public:
  explicit LockingProcess(const std::string& db_path) {
    int commands[2], answers[2];
    if (pipe(commands) != 0 || pipe(answers) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      close(commands[1]);
      close(answers[0]);
      _exit(Serve(db_path, commands[0], answers[1]));
    }
    close(commands[0]);
    close(answers[1]);
    commands_ = commands[1];
    answers_ = answers[0];
  }

  ~LockingProcess() {
    if (pid_ <= 0) return;
    close(commands_);  // EOF: the child exits, and with it any lock
    close(answers_);
    int ignored;
    waitpid(pid_, &ignored, 0);
  }

  // Returns once the child holds the write lock (true), or failed to (false).
  bool Lock() { return Ask('L'); }
  bool Release() { return Ask('R'); }

 private:
  bool Ask(char command) {
    char answer = 0;
    return pid_ > 0 && write(commands_, &command, 1) == 1 && read(answers_, &answer, 1) == 1 &&
           answer == 'y';
  }

  static int Serve(const std::string& db_path, int commands, int answers) {
    sqlite3* db = nullptr;
    char command;
    while (read(commands, &command, 1) == 1) {
      if (db == nullptr && sqlite3_open(db_path.c_str(), &db) != SQLITE_OK) return 1;
      const char* sql = command == 'L' ? "BEGIN IMMEDIATE" : "ROLLBACK";
      const char answer = sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK ? 'y' : 'n';
      if (write(answers, &answer, 1) != 1) return 1;
    }
    sqlite3_close(db);
    return 0;
  }

  pid_t pid_ = -1;
  int commands_ = -1;
  int answers_ = -1;
};

class LockedTest : public FaultsTest {
 protected:
  void SetUp() override {
    locker_ = std::make_unique<LockingProcess>(DbPath());
    DaemonConfig config;
    config.storage.busy_timeout_ms = 100;
    config.health_probe_interval_ms = 20;
    StartDaemon(config);
  }

  std::unique_ptr<LockingProcess> locker_;
};

// Watch delivers each flip of health, so the test waits on the stream, never
// on the clock.
TEST_F(LockedTest, IngestIsUnavailableAndHealthFlipsUntilTheLockIsReleased) {
  Ingest(AdSetWeeks("as_before", 2));
  auto health = grpc::health::v1::Health::NewStub(channel_);
  grpc::ClientContext watch_context;
  watch_context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  auto watch = health->Watch(&watch_context, grpc::health::v1::HealthCheckRequest());
  HealthResponse seen;
  ASSERT_TRUE(watch->Read(&seen));
  EXPECT_EQ(seen.status(), HealthResponse::SERVING);

  ASSERT_TRUE(locker_->Lock());
  ASSERT_TRUE(watch->Read(&seen));
  EXPECT_EQ(seen.status(), HealthResponse::NOT_SERVING);
  EXPECT_EQ(HttpStatus("/healthz"), 503);
  const std::string before = ReadOnlyDb(DbPath()).Dump();
  v1::IngestWeeksResponse refused;
  const grpc::Status status = TryIngest(AdSetWeeks("as_locked", 3), "req-locked", &refused);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("locked by another writer for more than 100 ms"));
  EXPECT_EQ(ReadOnlyDb(DbPath()).Dump(), before);
  // Readers do not need the write lock.
  EXPECT_EQ(StoredWeeks("as_before"), 2);

  ASSERT_TRUE(locker_->Release());
  ASSERT_TRUE(watch->Read(&seen));
  EXPECT_EQ(seen.status(), HealthResponse::SERVING);
  EXPECT_EQ(HttpStatus("/healthz"), 200);
  v1::IngestWeeksResponse accepted;
  const grpc::Status retried = TryIngest(AdSetWeeks("as_locked", 3), "req-locked", &accepted);
  ASSERT_TRUE(retried.ok()) << retried.error_message();
  EXPECT_EQ(accepted.inserted(), 3);
  watch_context.TryCancel();
}

// --- Backup during ingest --------------------------------------------------

constexpr int kWeeksPerBatch = 5;

// Ingests batch after batch (ad set "as_<n>", kWeeksPerBatch weeks each) on
// its own thread, and notes which batches were acknowledged before the
// backup call began.
class BackgroundIngest {
 public:
  explicit BackgroundIngest(v1::AdvisorService::Stub* stub) : stub_(stub) {
    thread_ = std::thread([this] { Run(); });
  }
  ~BackgroundIngest() { Stop(); }

  // Returns once `total` batches in all are acknowledged, or a batch failed.
  void WaitForAcks(int total) {
    absl::MutexLock lock(&mu_);
    wanted_ = total;
    mu_.Await(absl::Condition(this, &BackgroundIngest::Reached));
  }

  int acked() {
    absl::MutexLock lock(&mu_);
    return static_cast<int>(acked_.size());
  }

  // Set just before the backup call: an ack seen after this is not "before".
  void BackupBegins() { backup_began_ = true; }

  // Stops after the batch in flight; returns the first failure, if any.
  std::string Stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
    return error_;
  }

  // Valid after Stop().
  int sent() const { return sent_; }
  const std::vector<int>& acked_before_backup() const { return acked_before_backup_; }

 private:
  bool Reached() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return static_cast<int>(acked_.size()) >= wanted_ || !error_.empty();
  }

  void Run() {
    for (int n = 0; !stopping_; ++n) {
      v1::IngestWeeksRequest request;
      for (auto& week : AdSetWeeks("as_" + std::to_string(n), kWeeksPerBatch)) {
        *request.add_weeks() = week;
      }
      v1::IngestWeeksResponse response;
      grpc::ClientContext context;
      sent_ = n + 1;
      const grpc::Status status = stub_->IngestWeeks(&context, request, &response);
      const bool before_backup = !backup_began_;
      absl::MutexLock lock(&mu_);
      if (!status.ok()) {
        error_ = status.error_message();
        return;
      }
      acked_.push_back(n);
      if (before_backup) acked_before_backup_.push_back(n);
    }
  }

  v1::AdvisorService::Stub* stub_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> backup_began_{false};
  int sent_ = 0;
  std::vector<int> acked_before_backup_;
  absl::Mutex mu_;
  std::vector<int> acked_ ABSL_GUARDED_BY(mu_);
  int wanted_ ABSL_GUARDED_BY(mu_) = 0;
  std::string error_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

TEST_F(FaultsTest, BackupDuringIngestRestoresEveryBatchAcknowledgedBeforeItBegan) {
  const std::string copy = dir_.File("backup.db");
  BackgroundIngest ingest(stub_.get());
  ingest.WaitForAcks(20);
  ingest.BackupBegins();
  v1::BackupDatabaseRequest request;
  request.set_destination_path(copy);
  v1::BackupDatabaseResponse response;
  grpc::ClientContext context;
  const grpc::Status backed_up = stub_->BackupDatabase(&context, request, &response);
  ASSERT_TRUE(backed_up.ok()) << backed_up.error_message();
  // Ingest went on during the backup and goes on after it.
  ingest.WaitForAcks(ingest.acked() + 5);
  ASSERT_EQ(ingest.Stop(), "");
  ASSERT_GE(ingest.acked_before_backup().size(), 20u);

  EXPECT_EQ(ReadOnlyDb(copy).IntegrityCheck(), "ok");
  // Restore: a daemon serves the copy, and every batch is in it whole or not
  // at all; those acknowledged before the backup began are there.
  server_->Shutdown(absl::ZeroDuration());
  ServerOptions restored;
  restored.listen = "127.0.0.1:0";
  restored.http_listen = "";
  restored.db_path = copy;
  auto server = Server::Start(restored);
  ASSERT_TRUE(server.ok()) << server.status();
  server_ = std::move(*server);
  channel_ = grpc::CreateChannel(server_->grpc_address(), grpc::InsecureChannelCredentials());
  stub_ = v1::AdvisorService::NewStub(channel_);
  std::vector<int> in_copy;
  for (int n = 0; n < ingest.sent(); ++n) {
    const int weeks = StoredWeeks("as_" + std::to_string(n));
    EXPECT_TRUE(weeks == 0 || weeks == kWeeksPerBatch) << "as_" << n << ": " << weeks << " weeks";
    if (weeks == kWeeksPerBatch) in_copy.push_back(n);
  }
  for (int n : ingest.acked_before_backup()) {
    EXPECT_THAT(in_copy, ::testing::Contains(n)) << "acknowledged before the backup began";
  }
  RecordProperty("batches_acked_before_backup",
                 static_cast<int>(ingest.acked_before_backup().size()));
  RecordProperty("batches_in_copy", static_cast<int>(in_copy.size()));
  RecordProperty("batches_sent", ingest.sent());
}

}  // namespace
}  // namespace rung
