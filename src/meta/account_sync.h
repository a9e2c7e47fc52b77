#ifndef RUNG_META_ACCOUNT_SYNC_H_
#define RUNG_META_ACCOUNT_SYNC_H_

// Pulling one ad account from Meta into rungd (meta-connector.md): the
// account, its ad sets, and the Insights of its complete weeks, streamed
// page by page into batches of ingest, then the climb tests that copies
// reveal, then the record of the sync. rungd is reached only through
// SyncTarget, so this library knows no gRPC.

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "meta/graph_client.h"
#include "meta/meta_objects.h"
#include "rung/store.h"
#include "rung/validation.h"
#include "rung/week.h"

namespace rung::meta {

struct SyncOptions {
  // The first week to pull. nullopt: `first_sync_weeks` back for an account
  // never synced, else the last `weeks` weeks, because Meta restates the last
  // 28 days as late conversions arrive.
  std::optional<Week> since;
  int weeks = 4;
  int first_sync_weeks = 12;
  // Records per IngestWeeks.
  int batch_size = 500;
  // Accounts with more ad sets than this are read through an async report
  // straight away rather than after Meta refuses.
  int async_above_ad_sets = 2000;
};

// What the sync needs from rungd. Errors end the account's sync.
class SyncTarget {
 public:
  virtual ~SyncTarget() = default;
  virtual absl::StatusOr<bool> WasSynced(const std::string& account_id) = 0;
  // Hands `visit` each stored ad set of the account with the event of its
  // latest week, a page at a time: an account may hold many.
  virtual absl::Status ForEachStoredEvent(
      const std::string& account_id,
      absl::FunctionRef<void(const std::string& ad_set_id, const std::string& event)> visit) = 0;
  // The event of each stored week of one ad set.
  virtual absl::StatusOr<std::map<Week, std::string>> StoredWeekEvents(
      const std::string& ad_set_id) = 0;
  // One atomic batch. `label` names the account, the weeks and the batch;
  // the target derives the idempotency key from it and the content.
  virtual absl::StatusOr<IngestSummary> Ingest(const std::vector<RawAdSetWeek>& weeks,
                                               const std::string& label) = 0;
  // (original, duplicate) of every climb test of the account, any state.
  virtual absl::StatusOr<std::set<std::pair<std::string, std::string>>> ClimbTestPairs(
      const std::string& account_id) = 0;
  // StartClimbTest's own codes: ALREADY_EXISTS, FAILED_PRECONDITION (not
  // exactly one rung above), NOT_FOUND (an ad set with no stored week).
  virtual absl::Status StartClimbTest(const std::string& original, const std::string& duplicate,
                                      Week start_week) = 0;
  virtual absl::Status RecordAccountSync(const MetaAccount& account) = 0;
};

struct StartedClimbTest {
  std::string original_ad_set_id;
  std::string duplicate_ad_set_id;
  std::string to_event;
  Week start_week;
};

struct AccountSyncReport {
  std::string account_id;
  std::string name;
  std::string time_zone;  // empty when Meta's was unknown here (weeks in UTC)
  std::optional<Week> since;
  std::optional<Week> until;
  bool async_report = false;
  int ad_sets = 0;
  int rows = 0;  // Insights rows read
  int inserted = 0;
  int updated = 0;
  int unchanged = 0;
  std::vector<StartedClimbTest> climb_tests_started;
  // The first kMaxWarnings warnings; warning_count counts them all.
  std::vector<std::string> warnings;
  int warning_count = 0;
  int api_calls = 0;
  absl::Duration throttled = absl::ZeroDuration();
  absl::Duration elapsed = absl::ZeroDuration();
  // OK, or why the account failed; what was stored before stays.
  absl::Status status;
};

inline constexpr int kMaxWarnings = 50;

// Called after each stored batch with the weeks stored so far, for a
// progress line; on the thread that stores them.
using SyncProgress = std::function<void(const std::string& account_id, int weeks_stored)>;

// Syncs `account_id` ("act_" and digits) as of `now`: pulls its complete
// weeks (never the week in progress, counted in the account's time zone)
// and stores them through `target`. Never throws; the report's status says
// how it ended: UNAUTHENTICATED (an invalid token) should end the whole
// run, anything else only this account.
AccountSyncReport SyncAccount(GraphClient& graph, SyncTarget& target, const std::string& account_id,
                              const SyncOptions& options, absl::Time now,
                              const SyncProgress& progress);

}  // namespace rung::meta

#endif  // RUNG_META_ACCOUNT_SYNC_H_
