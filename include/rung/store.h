#ifndef RUNG_STORE_H_
#define RUNG_STORE_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "rung/ad_set_week.h"

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

  // Ad set ids in byte order, filtered by account.
  virtual absl::StatusOr<std::vector<std::string>> ListAdSetIds(const AdSetIdPageQuery& query) = 0;

  // OK while the database answers reads and could take the write lock.
  virtual absl::Status Ping() = 0;
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
