#ifndef RUNG_STORE_H_
#define RUNG_STORE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "rung/account.h"
#include "rung/ad_set_week.h"
#include "rung/climb_test.h"
#include "rung/decision.h"
#include "rung/recommendation.h"

namespace rung {

struct IngestSummary {
  int inserted = 0;
  int updated = 0;
  int unchanged = 0;
  std::vector<std::string> warnings;

  friend bool operator==(const IngestSummary& a, const IngestSummary& b) {
    return a.inserted == b.inserted && a.updated == b.updated && a.unchanged == b.unchanged &&
           a.warnings == b.warnings;
  }
};

// A validated ingest request.
struct IngestBatch {
  std::vector<AdSetWeek> records;
  // Empty: not idempotent.
  std::string request_id;
  // Stored with the answer, so that a replay answers them too.
  std::vector<std::string> warnings;
};

struct AdSetIdPageQuery {
  // Empty: every account.
  std::string account_id;
  // Ids strictly after this one, in byte order; empty starts at the first.
  std::string after_ad_set_id;
  int limit = 100;
};

struct RecommendationQuery {
  // Empty: every account.
  std::string account_id;
  // nullopt: each ad set's latest stored week.
  std::optional<Week> as_of_week;
  // A recommendation matches when its action is any of `actions` (empty: any
  // action) and it carries any of `flags` (empty: flags do not matter).
  std::vector<Action> actions;
  std::vector<Flag> flags;
  // Ad set ids strictly after this one, in byte order.
  std::string after_ad_set_id;
  int limit = 100;
};

struct ClimbTestQuery {
  std::string account_id;
  std::optional<ClimbTestState> state;
  // Ids strictly after this one, in byte order.
  std::string after_climb_test_id;
  int limit = 100;
};

// One stored run of EvaluateAdSets: what was asked and what it found.
struct EvaluationRecord {
  std::string evaluation_id;
  Week as_of_week;
  // The request's filters; empty when not given.
  std::string account_id;
  std::vector<std::string> ad_set_ids;
  std::string policy_version;
  absl::Time evaluated_at = absl::UnixEpoch();
  int evaluated = 0;
  std::map<Action, int> action_counts;
  // Wall time of the whole run, reads and writes included.
  absl::Duration duration = absl::ZeroDuration();
};

// What the store holds, for metrics: cheap enough to read on every scrape.
struct StoreStats {
  int64_t ad_sets = 0;
  // Stored ad set weeks (records).
  int64_t weeks = 0;
  // The database file and its write-ahead log.
  int64_t database_bytes = 0;
  // Background checkpoints of the write-ahead log since the store opened:
  // those that ran, and those that failed (the log then keeps growing).
  int64_t wal_checkpoints = 0;
  int64_t wal_checkpoint_failures = 0;
  // When the last ingest that wrote something was committed.
  std::optional<absl::Time> last_ingest_time;
  // The most recent stored (not dry-run) evaluation.
  std::optional<EvaluationRecord> latest_evaluation;
};

// Where ad set weeks live. The core knows only this interface.
//
// Error codes follow the API's table: NOT_FOUND for unknown ad sets,
// INVALID_ARGUMENT ("weeks[i].field: ...") for records that contradict what
// is stored, RESOURCE_EXHAUSTED for a full disk, UNAVAILABLE for a database
// that is locked past the busy timeout or cannot be reached. Implementations
// are safe for concurrent use.
class Store {
 public:
  virtual ~Store() = default;

  // Upserts all records in one transaction, or none. With a request_id seen
  // before, writes nothing and answers the first answer. A record whose ad set
  // is stored under another account or campaign is refused.
  virtual absl::StatusOr<IngestSummary> Ingest(const IngestBatch& batch) = 0;

  // The ad set's weeks within [from, to] (open sides when nullopt), oldest
  // first. NOT_FOUND when the ad set has no week at all.
  virtual absl::StatusOr<AdSetHistory> GetHistory(std::string_view ad_set_id,
                                                  std::optional<Week> from,
                                                  std::optional<Week> to) = 0;

  // Calls `visit` with the whole history of each ad set of the account
  // (every account when empty), ad sets in id order, all read as of one
  // moment in a single ordered pass. The history is valid only during the
  // call. Stops at, and returns, the first error of `visit`.
  virtual absl::Status ScanHistories(
      std::string_view account_id, absl::FunctionRef<absl::Status(const AdSetHistory&)> visit) = 0;

  // Ad set ids in byte order, filtered by account.
  virtual absl::StatusOr<std::vector<std::string>> ListAdSetIds(const AdSetIdPageQuery& query) = 0;

  // --- Evaluations -----------------------------------------------------------

  // Decisions checked and put into one store's own form, by its
  // PrepareDecisions, for its DecisionWriter.
  class PreparedDecisions {
   public:
    virtual ~PreparedDecisions() = default;
  };

  // Checks `decisions` (INVALID_ARGUMENT naming "decisions[i]...") and
  // prepares them for this store's DecisionWriter. Reads and writes nothing
  // and may run on any thread, so that a caller can prepare the next chunk
  // while the last one is written. Thread-safe.
  virtual absl::StatusOr<std::unique_ptr<PreparedDecisions>> PrepareDecisions(
      const std::vector<Decision>& decisions) const = 0;

  // Stores prepared decisions in this call, in as many calls as it likes.
  using DecisionWriter = absl::FunctionRef<absl::Status(const PreparedDecisions&)>;

  // Stores one evaluation run whole or not at all. `run` executes inside one
  // write transaction: it hands its decisions to the DecisionWriter as it
  // makes them, and answers the run's record. Each recommendation is
  // upserted under its (ad set, as-of week), replacing an earlier one; each
  // test update applies at that week (a conclusion only to a test that is
  // running or was concluded at that same week, a reopening only to one
  // concluded at that week; a cancelled test is never touched); the record is
  // appended to the evaluation history. No read sees any of it before the
  // end. An error from `run`, or from storing, stores nothing and is
  // returned; ALREADY_EXISTS when the run is recorded already. Other writes
  // wait while `run` runs (there is one writer); reads do not.
  virtual absl::Status StoreEvaluation(
      absl::FunctionRef<absl::StatusOr<EvaluationRecord>(DecisionWriter)> run) = 0;

  // The recommendation for (ad set, week), or the ad set's latest when `week`
  // is nullopt. NOT_FOUND when there is none.
  virtual absl::StatusOr<Recommendation> GetRecommendation(std::string_view ad_set_id,
                                                           std::optional<Week> week) = 0;

  // Matching recommendations in ad set id order, at most query.limit.
  virtual absl::StatusOr<std::vector<Recommendation>> ListRecommendations(
      const RecommendationQuery& query) = 0;

  // Grows after every attempt of this store to store an evaluation (a failed
  // COMMIT may still have reached the file), so that answers read under one
  // version can be kept until it moves. Commits by another process on the
  // same database are not counted. Thread-safe.
  virtual int64_t RecommendationsVersion() const = 0;

  // --- Climb tests -----------------------------------------------------------

  // Stores a new RUNNING test. ALREADY_EXISTS when a running test already
  // involves either ad set, in either role.
  virtual absl::Status InsertClimbTest(const ClimbTest& test) = 0;

  // NOT_FOUND for an unknown id.
  virtual absl::StatusOr<ClimbTest> GetClimbTest(std::string_view climb_test_id) = 0;

  // Every test with the ad set as original or duplicate, oldest start first.
  virtual absl::StatusOr<std::vector<ClimbTest>> ClimbTestsOf(std::string_view ad_set_id) = 0;

  // Matching tests in id order, at most query.limit.
  virtual absl::StatusOr<std::vector<ClimbTest>> ListClimbTests(const ClimbTestQuery& query) = 0;

  // Marks a running test CANCELLED, concluded at `week`, and returns it. A
  // cancelled test is returned as it is; one already judged is
  // FAILED_PRECONDITION; an unknown id NOT_FOUND.
  virtual absl::StatusOr<ClimbTest> CancelClimbTest(std::string_view climb_test_id, Week week) = 0;

  // --- Accounts --------------------------------------------------------------

  // Stores `account` in place of whatever was recorded for its id.
  // INVALID_ARGUMENT when it has no id or no last_sync_time.
  virtual absl::Status RecordAccountSync(const AccountRecord& account) = 0;

  // NOT_FOUND when no sync of the account was recorded.
  virtual absl::StatusOr<AccountRecord> GetAccount(std::string_view account_id) = 0;

  // Every recorded account, in id order. Accounts are few: an evaluation
  // reads them all to learn their time zones.
  virtual absl::StatusOr<std::vector<AccountRecord>> ListAccounts() = 0;

  // OK while the database answers reads and could take the write lock.
  virtual absl::Status Ping() = 0;

  virtual absl::StatusOr<StoreStats> GetStats() = 0;

  // Copies the live database to `destination_path`, a file that must not
  // exist yet, while writers go on; the copy holds every write committed
  // before the call. Answers the copy's size in bytes. INVALID_ARGUMENT
  // ("destination_path: ...") for a path that exists or cannot be created.
  virtual absl::StatusOr<int64_t> Backup(const std::string& destination_path) = 0;
};

struct SqliteStoreOptions {
  std::string path;
  // "FULL", "NORMAL" or "OFF".
  std::string synchronous = "FULL";
  int busy_timeout_ms = 5000;
  int reader_connections = 4;
};

// Opens (creating when missing) and migrates the database. Refuses a file
// that is not a Rung Advisor database, one whose schema is newer than this
// binary knows, and one whose applied migration was edited.
absl::StatusOr<std::unique_ptr<Store>> OpenSqliteStore(const SqliteStoreOptions& options);

}  // namespace rung

#endif  // RUNG_STORE_H_
