#ifndef RUNG_STORE_H_
#define RUNG_STORE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "rung/account.h"
#include "rung/account_view.h"
#include "rung/action_record.h"
#include "rung/ad_set_week.h"
#include "rung/climb_test.h"
#include "rung/decision.h"
#include "rung/policy_version.h"
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

// A counter that one engine keeps about its own upkeep (SQLite: background
// checkpoints of its write-ahead log), exported under the engine's own name.
struct EngineCounter {
  // A Prometheus counter name, such as "rung_wal_checkpoints_total".
  std::string name;
  std::string help;
  // Counts by the value of the label `result`.
  std::vector<std::pair<std::string, int64_t>> by_result;
};

// What the store holds, for metrics: cheap enough to read on every scrape.
struct StoreStats {
  // Those ListAccountFigures lists: with a stored week or a recorded sync.
  int64_t accounts = 0;
  int64_t ad_sets = 0;
  // Stored ad set weeks (records).
  int64_t weeks = 0;
  // What the data takes on disk, as the engine measures it.
  int64_t database_bytes = 0;
  // When the last ingest that wrote something was committed.
  std::optional<absl::Time> last_ingest_time;
  // The most recent stored (not dry-run) evaluation.
  std::optional<EvaluationRecord> latest_evaluation;
  std::vector<EngineCounter> engine_counters;
};

// An ad set of a batch that is stored under another account or campaign than
// the batch's record of it names.
struct OwnerConflict {
  // The first record of the batch that names another owner than the one
  // stored (or stored by an earlier record of the same batch).
  size_t record_index = 0;
  std::string stored_account_id;
  std::string stored_campaign_id;
};

// What an ingest did: a summary of what it wrote, or the conflict that kept
// it from writing anything.
struct IngestOutcome {
  IngestSummary summary;
  std::optional<OwnerConflict> conflict;
};

// A change to a stored climb test, made only while the stored test is still
// in `expected`'s state and conclusion week: the caller decided on it from
// what it read (see core's climb test rules), and must not overwrite a
// change that someone made since.
struct ClimbTestChange {
  ClimbTest expected;
  ClimbTest next;
};

// Part of what one evaluation run stores.
struct EvaluationChunk {
  std::vector<Recommendation> recommendations;
  std::vector<ClimbTestChange> test_changes;
};

// Every interface below follows the API's table of error codes: NOT_FOUND
// for an unknown ad set, test or account; INVALID_ARGUMENT ("field: ...")
// for a value no store can hold; RESOURCE_EXHAUSTED for a full disk;
// UNAVAILABLE for a database that is busy past its timeout or cannot be
// reached; ABORTED for a write that lost a race with a concurrent one and
// may be retried from a fresh read. Implementations are safe for concurrent
// use, also by several processes on one database.

// The weekly records of ad sets.
class AdSetWeekStore {
 public:
  virtual ~AdSetWeekStore() = default;

  // Writes all records in one transaction, provided that each record's ad
  // set is new or stored under the record's account and campaign; otherwise
  // writes nothing and answers the first conflict. With a request_id seen
  // before, writes nothing and answers the first summary.
  virtual absl::StatusOr<IngestOutcome> Ingest(const IngestBatch& batch) = 0;

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
};

// One evaluation run on its way into the store: its chunks are written as
// they are decided, and none of them is seen by a read before Commit.
// Destroying the writer without a successful Commit stores nothing. Used by
// one thread at a time.
class EvaluationWriter {
 public:
  virtual ~EvaluationWriter() = default;

  // Upserts each recommendation under its (ad set, as-of week), replacing an
  // earlier one (the last of one key in a run wins), and makes each test
  // change. INVALID_ARGUMENT naming "recommendations[i]..." or
  // "test_changes[i]..." of the chunk; ABORTED when a test is no longer in
  // its change's expected state. An engine may answer a chunk's problem at
  // a later Write or at Commit; after any error the run is over, and
  // dropping the writer stores nothing of it.
  // The chunk is the writer's: an engine may encode it on a thread of its
  // own.
  virtual absl::Status Write(EvaluationChunk chunk) = 0;

  // Appends `record` to the evaluation history and publishes the run whole.
  // ALREADY_EXISTS when the run is recorded already; ABORTED when a
  // concurrent evaluation won a race (run the evaluation again).
  virtual absl::Status Commit(const EvaluationRecord& record) = 0;
};

// Recommendations and the evaluation runs that made them.
class RecommendationStore {
 public:
  virtual ~RecommendationStore() = default;

  // Begins a run. Evaluations serialize: another one waits until this one is
  // committed or dropped, or fails with ABORTED and is run again. Reads go
  // on meanwhile; other writes may wait for the run, as the engine needs.
  virtual absl::StatusOr<std::unique_ptr<EvaluationWriter>> BeginEvaluation() = 0;

  // The recommendation for (ad set, week), or the ad set's latest when `week`
  // is nullopt. NOT_FOUND when there is none.
  virtual absl::StatusOr<Recommendation> GetRecommendation(std::string_view ad_set_id,
                                                           std::optional<Week> week) = 0;

  // Matching recommendations in ad set id order, at most query.limit.
  virtual absl::StatusOr<std::vector<Recommendation>> ListRecommendations(
      const RecommendationQuery& query) = 0;

  // How many evaluations have been committed to the database, by any
  // process: answers read under one version stay right until it moves.
  virtual absl::StatusOr<int64_t> RecommendationsVersion() = 0;

  // Whether several processes serve from this database at once (replicas),
  // so that an evaluation committed by one must reach the kept answers of
  // the others too.
  virtual bool SharedByProcesses() const = 0;
};

class ClimbTestStore {
 public:
  virtual ~ClimbTestStore() = default;

  // Stores a new test, provided that no RUNNING test involves either of its
  // ad sets in either role: ABORTED when one does (started since the caller
  // looked), ALREADY_EXISTS when the id is taken.
  virtual absl::Status InsertClimbTest(const ClimbTest& test) = 0;

  // NOT_FOUND for an unknown id.
  virtual absl::StatusOr<ClimbTest> GetClimbTest(std::string_view climb_test_id) = 0;

  // Every test with the ad set as original or duplicate, oldest start first.
  virtual absl::StatusOr<std::vector<ClimbTest>> ClimbTestsOf(std::string_view ad_set_id) = 0;

  // Matching tests in id order, at most query.limit.
  virtual absl::StatusOr<std::vector<ClimbTest>> ListClimbTests(const ClimbTestQuery& query) = 0;

  // Makes `change` on its own: NOT_FOUND for an unknown test, ABORTED when
  // the test is no longer in the expected state.
  virtual absl::Status UpdateClimbTest(const ClimbTestChange& change) = 0;
};

// The ad accounts that a sync from Meta recorded.
class AccountStore {
 public:
  virtual ~AccountStore() = default;

  // Stores `account` in place of whatever was recorded for its id.
  // INVALID_ARGUMENT when it has no id or no last_sync_time.
  virtual absl::Status RecordAccountSync(const AccountRecord& account) = 0;

  // NOT_FOUND when no sync of the account was recorded.
  virtual absl::StatusOr<AccountRecord> GetAccount(std::string_view account_id) = 0;

  // Every recorded account, in id order. Accounts are few: an evaluation
  // reads them all to learn their time zones.
  virtual absl::StatusOr<std::vector<AccountRecord>> ListAccounts() = 0;

  // See AccountFiguresQuery; an account with a recorded sync but nothing
  // stored has zero ad sets and no weeks. INVALID_ARGUMENT for a limit that
  // is not positive.
  virtual absl::StatusOr<std::vector<StoredAccountFigures>> ListAccountFigures(
      const AccountFiguresQuery& query) = 0;

  // The weeks the account has stored advice for, oldest first.
  virtual absl::StatusOr<std::vector<Week>> EvaluatedWeeks(std::string_view account_id) = 0;

  // Hands `visit` every stored recommendation of the account for the weeks
  // from `from` to `to`, both included, unordered: sorting them cost more
  // than finding them. A visitor's error stops the scan and is answered.
  virtual absl::Status ScanAccountAdvice(
      std::string_view account_id, Week from, Week to,
      absl::FunctionRef<absl::Status(const AdviceRow&)> visit) = 0;

  // Hands `visit` the learning budget and threshold of every stored
  // recommendation of the account at `week`, unordered. Apart from
  // ScanAccountAdvice, which reads every week: the summary reads one
  // week's budgets, and reading them in that scan cost as much as the rest
  // of it. A visitor's error stops the scan and is answered.
  virtual absl::Status ScanLearningBudgets(
      std::string_view account_id, Week week,
      absl::FunctionRef<absl::Status(const StoredLearningBudget&)> visit) = 0;
};

// Which action records ListActions answers: those of one account (and one
// ad set of it, when set), in key order after `after_key`.
struct ActionQuery {
  // Required.
  std::string account_id;
  // Empty: every ad set of the account.
  std::string ad_set_id;
  // Keys strictly after this one, in byte order; empty starts at the first.
  std::string after_key;
  int limit = 100;
};

// What `rungctl apply` did on Meta, one record per action key.
class ActionStore {
 public:
  virtual ~ActionStore() = default;

  // Stores `record` under its key. The first time, with its action_id and
  // with created_at = updated_at; later, in place of the earlier record but
  // keeping that one's action_id and created_at. The record's own
  // created_at is not read: the store keeps when the key was first
  // recorded, so that a caller cannot move it. Answers what is stored, as a
  // read would (times in whole microseconds).
  // INVALID_ARGUMENT naming the field ("action.key: ...") for a record
  // without key, action_id, account or ad set, with a step without method
  // or path, or with an instant outside years 1-9999; FAILED_PRECONDITION,
  // storing nothing, when the key is recorded for another account or ad
  // set.
  virtual absl::StatusOr<ActionRecord> RecordAction(const ActionRecord& record) = 0;

  // NOT_FOUND when the key was never recorded.
  virtual absl::StatusOr<ActionRecord> GetAction(std::string_view key) = 0;

  // Matching records in key order, at most query.limit. INVALID_ARGUMENT
  // for a limit that is not positive or an empty account.
  virtual absl::StatusOr<std::vector<ActionRecord>> ListActions(const ActionQuery& query) = 0;
};

// The policy's revisions (rung/policy_version.h).
class PolicyStore {
 public:
  virtual ~PolicyStore() = default;

  // Stores the revisions, all or none, in one transaction. Each must be its
  // account's next: 1 for an account with none stored, else one more than
  // its latest. ABORTED, storing nothing, when one is not: another writer
  // stored that revision first. INVALID_ARGUMENT naming the field
  // ("revisions[1].version: ...") for a revision below 1, two revisions of
  // one account, an empty version, a deployment_revision below 0, ladders
  // on an account's revision, an override that is not a finite number, or
  // an instant outside years 1-9999.
  virtual absl::Status AppendPolicyRevisions(const std::vector<PolicyRevision>& revisions) = 0;

  // The latest revision of each account that has any, the deployment's
  // (empty account_id) first, then by account id.
  virtual absl::StatusOr<std::vector<PolicyRevision>> LatestPolicyRevisions() = 0;

  // See PolicyRevisionQuery. INVALID_ARGUMENT for a limit that is not
  // positive or a negative before_revision.
  virtual absl::StatusOr<std::vector<PolicyRevision>> ListPolicyRevisions(
      const PolicyRevisionQuery& query) = 0;
};

// Keeping the database itself: health, figures and copies.
class StoreAdmin {
 public:
  virtual ~StoreAdmin() = default;

  // OK while the database answers reads and could take writes.
  virtual absl::Status Ping() = 0;

  virtual absl::StatusOr<StoreStats> GetStats() = 0;

  // Copies the live database to `destination_path`, a file that must not
  // exist yet, while writers go on; the copy holds every write committed
  // before the call. Answers the copy's size in bytes. INVALID_ARGUMENT
  // ("destination_path: ...") for a path that exists or cannot be created;
  // FAILED_PRECONDITION for an engine whose database is copied with its own
  // tools.
  virtual absl::StatusOr<int64_t> Backup(const std::string& destination_path) = 0;
};

// Where everything lives. The core knows only these interfaces; the engines
// (src/storage/ENGINE/) implement them, and OpenStore picks one.
class Store : public AdSetWeekStore,
              public RecommendationStore,
              public ClimbTestStore,
              public AccountStore,
              public ActionStore,
              public PolicyStore,
              public StoreAdmin {};

// What the config file says about storage. Each engine takes what applies
// to it.
struct StoreSettings {
  // SQLite's synchronous mode: "FULL", "NORMAL" or "OFF".
  std::string synchronous = "FULL";
  // How long a statement waits for a lock before UNAVAILABLE.
  int busy_timeout_ms = 5000;
  // Connections kept for reads.
  int reader_connections = 4;
};

// Opens the store at `location`, creating and migrating its schema: a
// PostgreSQL connection URI ("postgresql://...", libpq's syntax) or a SQLite
// file path. Refuses a database that is not Rung Advisor's, one whose schema
// is newer than this binary knows, and one whose applied migration was
// edited.
absl::StatusOr<std::unique_ptr<Store>> OpenStore(const std::string& location,
                                                 const StoreSettings& settings);

}  // namespace rung

#endif  // RUNG_STORE_H_
