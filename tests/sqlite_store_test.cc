// The SQLite store behind rung::Store: upserts, atomicity, idempotency,
// reads, and how it reports a locked or full database.

#include "storage/sqlite/sqlite_store.h"

#include <sqlite3.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rung/store.h"
#include "storage/json_codec.h"
#include "storage/sqlite/sqlite_db.h"
#include "storage_test_util.h"

namespace rung {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

using SqliteStoreTest = StorageTest;

IngestBatch Batch(std::vector<AdSetWeek> records, std::string request_id = "") {
  IngestBatch batch;
  batch.records = std::move(records);
  batch.request_id = std::move(request_id);
  return batch;
}

IngestSummary Summary(int inserted, int updated, int unchanged) {
  IngestSummary summary;
  summary.inserted = inserted;
  summary.updated = updated;
  summary.unchanged = unchanged;
  return summary;
}

std::vector<Week> WeeksOf(const AdSetHistory& history) {
  std::vector<Week> weeks;
  for (const AdSetWeek& record : history) weeks.push_back(record.week);
  return weeks;
}

TEST_F(SqliteStoreTest, CountsInsertedUpdatedAndUnchangedRecords) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  ASSERT_OK_AND_ASSIGN(const IngestSummary first,
                       store->Ingest(Batch({Record("as_1", W(0), 10), Record("as_1", W(1), 20)})));
  EXPECT_EQ(first, Summary(2, 0, 0));

  AdSetWeek changed = Record("as_1", W(1), 20);
  changed.spend_micros = 1'000'000;
  ASSERT_OK_AND_ASSIGN(
      const IngestSummary second,
      store->Ingest(Batch({Record("as_1", W(0), 10), changed, Record("as_2", W(0), 5)})));

  EXPECT_EQ(second, Summary(1, 1, 1));
}

TEST_F(SqliteStoreTest, EveryFieldReadsBackAsWritten) {
  AdSetWeek full = Record("as_1", W(0), 12);
  full.spend_micros = 123'456'789;
  full.event_counts = {{"AddToCart", 85}, {"Purchase", 12}, {"form.start:v2-b_c", 0}};
  full.reported_learning = ReportedLearning::kFail;
  full.learning_threshold_override = 30;
  full.ladder = "lead_generation";
  full.significant_edit = true;
  AdSetWeek bare = Record("as_1", W(1), 0);
  bare.event_counts.clear();
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  ASSERT_OK(store->Ingest(Batch({full, bare})));

  ASSERT_OK_AND_ASSIGN(const AdSetHistory history, store->GetHistory("as_1", {}, {}));

  EXPECT_THAT(history, ElementsAre(full, bare));
}

TEST_F(SqliteStoreTest, ACorrectedRecordReplacesTheStoredOne) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  ASSERT_OK(store->Ingest(Batch({Record("as_1", W(0), 10)})));
  AdSetWeek corrected = Record("as_1", W(0), 12);
  corrected.event_counts = {{"Purchase", 12}};
  corrected.reported_learning = ReportedLearning::kLearning;

  ASSERT_OK_AND_ASSIGN(const IngestSummary summary, store->Ingest(Batch({corrected})));

  EXPECT_EQ(summary, Summary(0, 1, 0));
  ASSERT_OK_AND_ASSIGN(const AdSetHistory history, store->GetHistory("as_1", {}, {}));
  EXPECT_THAT(history, ElementsAre(corrected));
}

TEST_F(SqliteStoreTest, ABatchWithAConflictingRecordStoresNothing) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  ASSERT_OK(store->Ingest(Batch({Record("as_1", W(0), 10, "act_1")})));

  const auto summary =
      store->Ingest(Batch({Record("as_2", W(0), 1, "act_2"), Record("as_1", W(1), 11, "act_1"),
                           Record("as_1", W(2), 12, "act_2")}));

  EXPECT_TRUE(HasStatus(StatusOf(summary), absl::StatusCode::kInvalidArgument,
                        "weeks[2].account_id: ad set 'as_1' belongs to account 'act_1', not "
                        "'act_2'"));
  EXPECT_TRUE(HasStatus(StatusOf(store->GetHistory("as_2", {}, {})), absl::StatusCode::kNotFound,
                        "ad set 'as_2' not found"));
  ASSERT_OK_AND_ASSIGN(const AdSetHistory history, store->GetHistory("as_1", {}, {}));
  EXPECT_THAT(WeeksOf(history), ElementsAre(W(0)));
  EXPECT_THAT(store->ListAdSetIds({}).value_or(std::vector<std::string>{"error"}),
              ElementsAre("as_1"));
}

TEST_F(SqliteStoreTest, AnAdSetCannotChangeCampaignWithinABatch) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));

  const auto summary = store->Ingest(Batch(
      {Record("as_1", W(0), 10, "act_1", "cmp_1"), Record("as_1", W(1), 11, "act_1", "cmp_2")}));

  EXPECT_TRUE(HasStatus(StatusOf(summary), absl::StatusCode::kInvalidArgument,
                        "weeks[1].campaign_id: ad set 'as_1' belongs to campaign 'cmp_1', not "
                        "'cmp_2'"));
  EXPECT_TRUE(HasStatus(StatusOf(store->GetHistory("as_1", {}, {})), absl::StatusCode::kNotFound,
                        "ad set 'as_1' not found"));
}

TEST_F(SqliteStoreTest, AReplayedRequestIdAnswersTheFirstAnswerAndWritesNothing) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  IngestBatch first = Batch({Record("as_1", W(0), 10), Record("as_1", W(1), 11)}, "req-1");
  first.warnings = {"custom event \"scroll_75\"", "back\\slash, tab\t, newline\n, caf\xc3\xa9"};
  ASSERT_OK_AND_ASSIGN(const IngestSummary first_answer, store->Ingest(first));
  IngestBatch different = Batch({Record("as_1", W(0), 99), Record("as_9", W(0), 1)}, "req-1");

  ASSERT_OK_AND_ASSIGN(const IngestSummary replay_answer, store->Ingest(different));

  IngestSummary expected = Summary(2, 0, 0);
  expected.warnings = first.warnings;
  EXPECT_EQ(first_answer, expected);
  EXPECT_EQ(replay_answer, expected);
  ASSERT_OK_AND_ASSIGN(const AdSetHistory history, store->GetHistory("as_1", {}, {}));
  EXPECT_THAT(history, ElementsAre(first.records[0], first.records[1]));
  EXPECT_TRUE(HasStatus(StatusOf(store->GetHistory("as_9", {}, {})), absl::StatusCode::kNotFound,
                        "ad set 'as_9' not found"));
}

TEST_F(SqliteStoreTest, HistoryIsOldestFirstWithinInclusiveBounds) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  ASSERT_OK(store->Ingest(
      Batch({Record("as_1", W(3), 3), Record("as_1", W(0), 0), Record("as_1", W(2), 2),
             Record("as_1", W(1), 1), Record("as_2", W(1), 1)})));
  auto weeks = [&](std::optional<Week> from, std::optional<Week> to) {
    auto history = store->GetHistory("as_1", from, to);
    EXPECT_OK(history);
    return history.ok() ? WeeksOf(*history) : std::vector<Week>{};
  };

  EXPECT_THAT(weeks({}, {}), ElementsAre(W(0), W(1), W(2), W(3)));
  EXPECT_THAT(weeks(W(1), W(2)), ElementsAre(W(1), W(2)));
  EXPECT_THAT(weeks(W(2), {}), ElementsAre(W(2), W(3)));
  EXPECT_THAT(weeks({}, W(0)), ElementsAre(W(0)));
  EXPECT_THAT(weeks(W(5), W(9)), IsEmpty());
  EXPECT_THAT(weeks(W(2), W(1)), IsEmpty());
}

TEST_F(SqliteStoreTest, AnUnknownAdSetIsNotFound) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  ASSERT_OK(store->Ingest(Batch({Record("as_1", W(0), 10)})));

  EXPECT_TRUE(HasStatus(StatusOf(store->GetHistory("as_404", W(0), W(0))),
                        absl::StatusCode::kNotFound, "ad set 'as_404' not found"));
}

TEST_F(SqliteStoreTest, ListsAdSetIdsByPageInByteOrder) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  ASSERT_OK(store->Ingest(Batch({Record("b", W(0), 1, "act_1"), Record("a", W(0), 1, "act_2"),
                                 Record("B", W(0), 1, "act_1"), Record("c", W(0), 1, "act_2"),
                                 Record("a_", W(0), 1, "act_1")})));
  auto page = [&](std::string account_id, std::string after, int limit) {
    AdSetIdPageQuery query;
    query.account_id = std::move(account_id);
    query.after_ad_set_id = std::move(after);
    query.limit = limit;
    auto ids = store->ListAdSetIds(query);
    EXPECT_OK(ids);
    return ids.value_or(std::vector<std::string>{"error"});
  };

  EXPECT_THAT(page("", "", 2), ElementsAre("B", "a"));
  EXPECT_THAT(page("", "a", 2), ElementsAre("a_", "b"));
  EXPECT_THAT(page("", "b", 2), ElementsAre("c"));
  EXPECT_THAT(page("", "c", 2), IsEmpty());
  EXPECT_THAT(page("act_1", "", 10), ElementsAre("B", "a_", "b"));
  EXPECT_THAT(page("act_2", "a", 10), ElementsAre("c"));
  EXPECT_THAT(page("act_3", "", 10), IsEmpty());
}

TEST_F(SqliteStoreTest, RefusesAPageWithoutALimit) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  AdSetIdPageQuery query;
  query.limit = 0;

  EXPECT_TRUE(HasStatus(StatusOf(store->ListAdSetIds(query)), absl::StatusCode::kInvalidArgument,
                        "limit: must be positive, got 0"));
}

TEST_F(SqliteStoreTest, RefusesBadOptions) {
  SqliteStoreOptions bogus_synchronous = Options();
  bogus_synchronous.synchronous = "SOMETIMES";
  SqliteStoreOptions no_readers = Options();
  no_readers.reader_connections = 0;

  EXPECT_TRUE(HasStatus(StatusOf(OpenSqliteStore(bogus_synchronous)),
                        absl::StatusCode::kInvalidArgument,
                        "storage.synchronous: 'SOMETIMES' is not one of FULL, NORMAL or OFF"));
  EXPECT_TRUE(HasStatus(StatusOf(OpenSqliteStore(no_readers)), absl::StatusCode::kInvalidArgument,
                        "storage.reader_connections"));
}

TEST_F(SqliteStoreTest, EveryConnectionGetsTheConfiguredPragmas) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));

  // synchronous: 2 is FULL, the default.
  EXPECT_EQ(WriterPragmaForTest(*store, "PRAGMA synchronous").value_or(-1), 2);
  EXPECT_THAT(ReaderPragmasForTest(*store, "PRAGMA synchronous").value_or(std::vector<int64_t>{}),
              ElementsAre(2, 2, 2, 2));
  EXPECT_EQ(WriterPragmaForTest(*store, "PRAGMA foreign_keys").value_or(-1), 1);
  EXPECT_THAT(ReaderPragmasForTest(*store, "PRAGMA foreign_keys").value_or(std::vector<int64_t>{}),
              ElementsAre(1, 1, 1, 1));
  EXPECT_EQ(WriterPragmaForTest(*store, "PRAGMA busy_timeout").value_or(-1), 5000);
  EXPECT_THAT(ReaderPragmasForTest(*store, "PRAGMA busy_timeout").value_or(std::vector<int64_t>{}),
              ElementsAre(5000, 5000, 5000, 5000));
}

TEST_F(SqliteStoreTest, SynchronousIsConfigurable) {
  SqliteStoreOptions options = Options();
  options.synchronous = "normal";
  options.reader_connections = 2;
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(options));

  // 1 is NORMAL.
  EXPECT_EQ(WriterPragmaForTest(*store, "PRAGMA synchronous").value_or(-1), 1);
  EXPECT_THAT(ReaderPragmasForTest(*store, "PRAGMA synchronous").value_or(std::vector<int64_t>{}),
              ElementsAre(1, 1));
}

TEST_F(SqliteStoreTest, ADatabaseLockedByAnotherWriterIsUnavailableUntilReleased) {
  SqliteStoreOptions options = Options();
  options.busy_timeout_ms = 200;
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(options));
  ASSERT_OK_AND_ASSIGN(auto other, OpenOther(DbPath()));
  ASSERT_OK(other->Exec("BEGIN IMMEDIATE", "test"));

  const auto summary = store->Ingest(Batch({Record("as_1", W(0), 10)}));

  EXPECT_TRUE(HasStatus(StatusOf(summary), absl::StatusCode::kUnavailable,
                        "ingesting a batch: database is locked by another writer for more than "
                        "200 ms (sqlite: database is locked)"));
  EXPECT_TRUE(HasStatus(store->Ping(), absl::StatusCode::kUnavailable,
                        "probing the write lock: database is locked by another writer for more "
                        "than 100 ms"));

  // The probe's short timeout is the probe's alone.
  EXPECT_EQ(WriterPragmaForTest(*store, "PRAGMA busy_timeout").value_or(-1), 200);

  ASSERT_OK(other->Exec("ROLLBACK", "test"));
  EXPECT_OK(store->Ping());
  EXPECT_OK(store->Ingest(Batch({Record("as_1", W(0), 10)})));
}

TEST_F(SqliteStoreTest, APathThatCannotBeOpenedIsUnavailable) {
  SqliteStoreOptions options = Options();
  options.path += "/no/such/directory/rung.db";

  EXPECT_TRUE(HasStatus(StatusOf(OpenSqliteStore(options)), absl::StatusCode::kUnavailable,
                        absl::StrCat("opening '", options.path,
                                     "': cannot open the database file (sqlite: unable to open "
                                     "database file)")));
}

TEST_F(SqliteStoreTest, AFullDiskIsResourceExhaustedAndKeepsEarlierData) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  ASSERT_OK(store->Ingest(Batch({Record("as_0", W(0), 10)})));
  std::vector<AdSetWeek> many;
  for (int i = 1; i <= 300; ++i) many.push_back(Record(absl::StrCat("as_", i), W(0), i));
  ASSERT_OK_AND_ASSIGN(const int64_t pages, WriterPragmaForTest(*store, "PRAGMA page_count"));
  ASSERT_OK(WriterPragmaForTest(*store, absl::StrCat("PRAGMA max_page_count = ", pages)));

  const auto full = store->Ingest(Batch(many));

  EXPECT_TRUE(
      HasStatus(StatusOf(full), absl::StatusCode::kResourceExhausted, "database or disk is full"));
  ASSERT_OK_AND_ASSIGN(const AdSetHistory history, store->GetHistory("as_0", {}, {}));
  EXPECT_THAT(history, ElementsAre(Record("as_0", W(0), 10)));
  EXPECT_THAT(store->ListAdSetIds({}).value_or(std::vector<std::string>{"error"}),
              ElementsAre("as_0"));
  EXPECT_OK(store->Ping());

  ASSERT_OK(WriterPragmaForTest(*store, "PRAGMA max_page_count = 1000000"));
  ASSERT_OK_AND_ASSIGN(const IngestSummary summary, store->Ingest(Batch(many)));
  EXPECT_EQ(summary, Summary(300, 0, 0));
}

// Each visited history, as (ad set id, account, weeks).
struct Visited {
  std::string ad_set_id;
  std::string account_id;
  std::vector<Week> weeks;
  friend bool operator==(const Visited& a, const Visited& b) {
    return a.ad_set_id == b.ad_set_id && a.account_id == b.account_id && a.weeks == b.weeks;
  }
};

absl::StatusOr<std::vector<Visited>> ScanAll(Store& store, std::string_view account_id) {
  std::vector<Visited> visited;
  RETURN_IF_ERROR(store.ScanHistories(account_id, [&](const AdSetHistory& history) {
    for (const AdSetWeek& week : history) {
      if (week.ad_set_id != history.front().ad_set_id) {
        return absl::InternalError("two ad sets in one history");
      }
    }
    visited.push_back({history.front().ad_set_id, history.front().account_id, WeeksOf(history)});
    return absl::OkStatus();
  }));
  return visited;
}

TEST_F(SqliteStoreTest, ScanningVisitsEachAdSetsWholeHistoryInIdOrder) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  ASSERT_OK(store->Ingest(Batch({Record("as_b", W(2), 1, "act_1"), Record("as_a", W(1), 1, "act_2"),
                                 Record("as_b", W(0), 1, "act_1"), Record("as_c", W(0), 1, "act_1"),
                                 Record("as_a", W(0), 1, "act_2")})));

  ASSERT_OK_AND_ASSIGN(const std::vector<Visited> all, ScanAll(*store, ""));
  ASSERT_OK_AND_ASSIGN(const std::vector<Visited> act_1, ScanAll(*store, "act_1"));

  EXPECT_THAT(
      all, ElementsAre(Visited{"as_a", "act_2", {W(0), W(1)}},
                       Visited{"as_b", "act_1", {W(0), W(2)}}, Visited{"as_c", "act_1", {W(0)}}));
  EXPECT_THAT(
      act_1, ElementsAre(Visited{"as_b", "act_1", {W(0), W(2)}}, Visited{"as_c", "act_1", {W(0)}}));
  EXPECT_THAT(ScanAll(*store, "act_9").value_or(std::vector<Visited>{{}}), IsEmpty());
}

TEST_F(SqliteStoreTest, ScanningPassesOverAdSetsWithoutWeeks) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  ASSERT_OK(
      store->Ingest(Batch({Record("as_b", W(0), 1, "act_1"), Record("as_d", W(0), 1, "act_2")})));
  ASSERT_OK_AND_ASSIGN(auto other, OpenOther(DbPath()));
  ASSERT_OK(
      other->Exec("INSERT INTO ad_sets VALUES ('as_a', 'act_7', 'c'), ('as_c', 'act_8', 'c'), "
                  "('as_e', 'act_9', 'c')",
                  "test"));

  ASSERT_OK_AND_ASSIGN(const std::vector<Visited> all, ScanAll(*store, ""));

  EXPECT_THAT(all, ElementsAre(Visited{"as_b", "act_1", {W(0)}}, Visited{"as_d", "act_2", {W(0)}}));
}

TEST_F(SqliteStoreTest, WeeksOfAnAdSetWithoutItsRowAreDataLoss) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  ASSERT_OK(store->Ingest(Batch({Record("as_a", W(0), 1), Record("as_c", W(0), 1)})));
  ASSERT_OK_AND_ASSIGN(auto other, OpenOther(DbPath()));
  // Only a tool that turns the foreign keys off can leave weeks behind.
  ASSERT_OK(other->Exec("PRAGMA foreign_keys = OFF", "test"));
  ASSERT_OK(other->Exec(absl::StrCat("INSERT INTO ad_set_weeks (ad_set_id, week_start, "
                                     "optimization_event, event_counts) VALUES ('as_b', '",
                                     W(0).ToString(), "', 'Purchase', '{}')"),
                        "test"));

  EXPECT_TRUE(HasStatus(StatusOf(ScanAll(*store, "")), absl::StatusCode::kDataLoss,
                        "ad set 'as_b' has stored weeks but no row in ad_sets"));
}

TEST_F(SqliteStoreTest, ScanningReadsEveryFieldAsGetHistoryDoes) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  AdSetWeek full = Record("as_1", W(0), 12);
  full.spend_micros = 1'500'000;
  full.reported_learning = ReportedLearning::kFail;
  full.learning_threshold_override = 30;
  full.ladder = "lead_generation";
  full.significant_edit = true;
  full.event_counts["Lead"] = 4;
  // Other events the next week: the scan must not keep the first week's.
  AdSetWeek next = Record("as_1", W(1), 0);
  ASSERT_OK(store->Ingest(Batch({full, next, Record("as_2", W(0), 3)})));
  ASSERT_OK_AND_ASSIGN(const AdSetHistory as_1, store->GetHistory("as_1", {}, {}));
  ASSERT_OK_AND_ASSIGN(const AdSetHistory as_2, store->GetHistory("as_2", {}, {}));

  std::vector<AdSetHistory> scanned;
  ASSERT_OK(store->ScanHistories("", [&](const AdSetHistory& history) {
    scanned.push_back(history);
    return absl::OkStatus();
  }));

  EXPECT_THAT(scanned, ElementsAre(as_1, as_2));
  EXPECT_EQ(scanned[0][0], full);
  EXPECT_EQ(scanned[0][1], next);
}

TEST_F(SqliteStoreTest, ScanningStopsAtTheVisitorsFirstError) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  ASSERT_OK(store->Ingest(Batch({Record("as_1", W(0), 1), Record("as_2", W(0), 1)})));
  int visits = 0;

  const absl::Status status = store->ScanHistories("", [&](const AdSetHistory&) {
    ++visits;
    return absl::CancelledError("enough");
  });

  EXPECT_TRUE(HasStatus(status, absl::StatusCode::kCancelled, "enough"));
  EXPECT_EQ(visits, 1);
  // The reader it used is free again.
  EXPECT_OK(store->GetHistory("as_2", {}, {}));
}

TEST_F(SqliteStoreTest, ACorruptStoredValueIsDataLoss) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  ASSERT_OK(store->Ingest(Batch({Record("as_1", W(0), 10)})));
  ASSERT_OK_AND_ASSIGN(auto other, OpenOther(DbPath()));
  ASSERT_OK(other->Exec(R"(UPDATE ad_set_weeks SET event_counts = '{"b":1,"a":2}')", "test"));

  const std::string corrupt = absl::StrCat("stored event_counts of ad set 'as_1' week ",
                                           W(0).ToString(), " is corrupt: keys not sorted");
  EXPECT_TRUE(
      HasStatus(StatusOf(store->GetHistory("as_1", {}, {})), absl::StatusCode::kDataLoss, corrupt));
  EXPECT_TRUE(HasStatus(StatusOf(ScanAll(*store, "")), absl::StatusCode::kDataLoss, corrupt));
}

TEST_F(SqliteStoreTest, StatsCountWhatIsStoredAndWhenItLastLanded) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  ASSERT_OK_AND_ASSIGN(const StoreStats empty, store->GetStats());
  EXPECT_EQ(empty.ad_sets, 0);
  EXPECT_EQ(empty.weeks, 0);
  EXPECT_FALSE(empty.last_ingest_time.has_value());
  EXPECT_GT(empty.database_bytes, 0);

  // SQLite's clock has millisecond steps.
  const absl::Time before = absl::Now() - absl::Milliseconds(1);
  ASSERT_OK(store->Ingest(
      Batch({Record("as_1", W(0), 1), Record("as_1", W(1), 2), Record("as_2", W(0), 3)}, "r1")));
  const absl::Time after = absl::Now();

  ASSERT_OK_AND_ASSIGN(const StoreStats stats, store->GetStats());
  EXPECT_EQ(stats.ad_sets, 2);
  EXPECT_EQ(stats.weeks, 3);
  ASSERT_TRUE(stats.last_ingest_time.has_value());
  EXPECT_GE(*stats.last_ingest_time, before);
  EXPECT_LE(*stats.last_ingest_time, after);
}

TEST_F(SqliteStoreTest, EveryCommittedBatchIsLoggedButAReplayIsNot) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  ASSERT_OK(store->Ingest(Batch({Record("as_1", W(0), 1), Record("as_2", W(0), 3)}, "r1")));
  ASSERT_OK(store->Ingest(Batch({Record("as_1", W(0), 1), Record("as_1", W(1), 2)})));
  ASSERT_OK(store->Ingest(Batch({Record("as_1", W(0), 9)}, "r1")));  // a replay

  ASSERT_OK_AND_ASSIGN(auto db, OpenOther(DbPath()));
  ASSERT_OK_AND_ASSIGN(
      StatementLease rows,
      db->Prepare("SELECT ifnull(request_id, '-'), records, inserted, updated, unchanged "
                  "FROM ingest_log ORDER BY ingest_id",
                  "test"));
  std::vector<std::string> logged;
  while (rows->Step("test").value_or(false)) {
    logged.push_back(absl::StrCat(rows->ColumnText(0), " ", rows->ColumnInt(1), " ",
                                  rows->ColumnInt(2), " ", rows->ColumnInt(3), " ",
                                  rows->ColumnInt(4)));
  }
  EXPECT_THAT(logged, ElementsAre("r1 2 2 0 0", "- 2 1 0 1"));
}

TEST_F(SqliteStoreTest, ABackupIsAWholeDatabaseWithoutWhatWasNotCommitted) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  ASSERT_OK(store->Ingest(Batch({Record("as_1", W(0), 10), Record("as_1", W(1), 11)})));
  // Another writer in the middle of a transaction: the backup must neither
  // wait for it nor copy its rows.
  ASSERT_OK_AND_ASSIGN(auto other, OpenOther(DbPath()));
  ASSERT_OK(other->Exec("BEGIN IMMEDIATE", "test"));
  ASSERT_OK(other->Exec("INSERT INTO ad_sets VALUES ('uncommitted', 'act_1', 'cmp_1')", "test"));
  const std::string copy = DbPath() + ".backup";

  ASSERT_OK_AND_ASSIGN(const int64_t bytes, store->Backup(copy));
  ASSERT_OK(other->Exec("COMMIT", "test"));

  EXPECT_EQ(bytes, static_cast<int64_t>(std::filesystem::file_size(copy)));
  ASSERT_OK_AND_ASSIGN(auto check, OpenOther(copy));
  EXPECT_EQ(check->QueryText("PRAGMA integrity_check", "test").value_or("error"), "ok");
  EXPECT_EQ(check->QueryInt("SELECT count(*) FROM ad_sets WHERE ad_set_id = 'uncommitted'", "test")
                .value_or(-1),
            0);
  check.reset();
  SqliteStoreOptions restored = Options();
  restored.path = copy;
  ASSERT_OK_AND_ASSIGN(auto from_copy, OpenSqliteStore(restored));
  EXPECT_THAT(from_copy->GetHistory("as_1", {}, {}).value_or(AdSetHistory{}),
              ElementsAre(Record("as_1", W(0), 10), Record("as_1", W(1), 11)));
}

TEST_F(SqliteStoreTest, ABackupNeverOverwritesAFile) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  const std::string existing = DbPath() + ".keep";
  { std::ofstream(existing) << "precious"; }

  EXPECT_TRUE(
      HasStatus(StatusOf(store->Backup(existing)), absl::StatusCode::kInvalidArgument,
                absl::StrCat("destination_path: cannot create '", existing, "': File exists")));
  std::string kept;
  std::getline(std::ifstream(existing), kept);
  EXPECT_EQ(kept, "precious");
  const std::string nowhere = DbPath() + ".d/missing/copy.db";
  EXPECT_TRUE(HasStatus(StatusOf(store->Backup(nowhere)), absl::StatusCode::kInvalidArgument,
                        "No such file or directory"));
  EXPECT_FALSE(std::filesystem::exists(nowhere));
}

TEST_F(SqliteStoreTest, ManyThreadsIngestAndReadAtOnce) {
  constexpr int kWriters = 4;
  constexpr int kBatchesPerWriter = 20;
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(Options()));
  ASSERT_OK(store->Ingest(Batch({Record("seed", W(0), 1)})));
  absl::Mutex mu;
  std::vector<std::string> failures;
  auto check = [&](const absl::Status& status) {
    if (status.ok()) return;
    absl::MutexLock lock(&mu);
    failures.push_back(status.ToString());
  };
  std::atomic<int> writers_left{kWriters};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      for (int b = 0; b < kBatchesPerWriter; ++b) {
        const std::string id = absl::StrCat("as_", w, "_", b);
        check(StatusOf(store->Ingest(Batch({Record(id, W(0), b), Record(id, W(1), b)}))));
      }
      --writers_left;
    });
  }
  for (int r = 0; r < 2; ++r) {
    threads.emplace_back([&] {
      do {
        check(StatusOf(store->GetHistory("seed", {}, {})));
        check(StatusOf(store->ListAdSetIds({})));
        check(store->Ping());
      } while (writers_left > 0);
    });
  }
  for (std::thread& thread : threads) thread.join();

  EXPECT_THAT(failures, IsEmpty());
  AdSetIdPageQuery all;
  all.limit = 1000;
  ASSERT_OK_AND_ASSIGN(const std::vector<std::string> ids, store->ListAdSetIds(all));
  EXPECT_EQ(ids.size(), 1u + kWriters * kBatchesPerWriter);
  ASSERT_OK_AND_ASSIGN(const AdSetHistory history, store->GetHistory("as_3_19", {}, {}));
  EXPECT_THAT(WeeksOf(history), ElementsAre(W(0), W(1)));
}

TEST(SqliteStatusTest, MapsResultCodesAndKeepsSqlitesMessage) {
  struct Case {
    int rc;
    absl::StatusCode code;
    const char* what;
  };
  const Case cases[] = {
      {SQLITE_BUSY, absl::StatusCode::kUnavailable,
       "database is locked by another writer for more than 5000 ms"},
      {SQLITE_LOCKED, absl::StatusCode::kUnavailable,
       "database is locked by another writer for more than 5000 ms"},
      {SQLITE_FULL, absl::StatusCode::kResourceExhausted, "database or disk is full"},
      {SQLITE_CANTOPEN, absl::StatusCode::kUnavailable, "cannot open the database file"},
      {SQLITE_IOERR_WRITE, absl::StatusCode::kUnavailable, "I/O error on the database file"},
      {SQLITE_NOTADB, absl::StatusCode::kFailedPrecondition, "the file is not a SQLite database"},
      {SQLITE_CORRUPT, absl::StatusCode::kDataLoss, "the database file is corrupt"},
      {SQLITE_CONSTRAINT_PRIMARYKEY, absl::StatusCode::kInternal,
       "a database constraint was violated"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.rc);
    EXPECT_EQ(
        SqliteStatus(c.rc, "what sqlite said", "doing it", 5000),
        absl::Status(c.code, absl::StrCat("doing it: ", c.what, " (sqlite: what sqlite said)")));
  }
}

TEST(JsonCodecTest, WritesOneCanonicalSpelling) {
  EXPECT_EQ(EncodeEventCounts({{"Purchase", 12}, {"AddToCart", 85}}),
            R"({"AddToCart":85,"Purchase":12})");
  EXPECT_EQ(EncodeEventCounts({}), "{}");
  EXPECT_EQ(EncodeStringArray({"a \"b\"", "c\\d\n"}), R"(["a \"b\"","c\\d\n"])");
  EXPECT_EQ(EncodeStringArray({}), "[]");
}

TEST(JsonCodecTest, ReadsBackWhatItWrites) {
  const std::map<std::string, int64_t> counts = {
      {"", 0}, {"odd \"name\"\\\x01\x1f", 1}, {"caf\xc3\xa9", int64_t{1} << 62}};
  const std::vector<std::string> strings = {"", "tab\t", "quote\" back\\", "caf\xc3\xa9"};

  EXPECT_EQ(DecodeEventCounts(EncodeEventCounts(counts)).value_or(std::map<std::string, int64_t>{}),
            counts);
  EXPECT_EQ(DecodeStringArray(EncodeStringArray(strings)).value_or(std::vector<std::string>{}),
            strings);
  EXPECT_EQ(DecodeStringArray(R"(["\/\b\f\r\u0041"])").value_or(std::vector<std::string>{}),
            std::vector<std::string>{"/\b\f\rA"});
}

TEST(JsonCodecTest, DecodingIntoAMapWithTheSameKeysOnlyChangesTheCounts) {
  std::map<std::string, int64_t> counts = {{"AddToCart", 1}, {"Purchase", 2}};
  const std::string* const add_to_cart = &counts.find("AddToCart")->first;

  ASSERT_OK(DecodeEventCountsInto(R"({"AddToCart":30,"Purchase":4})", &counts));

  EXPECT_EQ(counts, (std::map<std::string, int64_t>{{"AddToCart", 30}, {"Purchase", 4}}));
  // The same node: nothing was allocated.
  EXPECT_EQ(&counts.find("AddToCart")->first, add_to_cart);
}

TEST(JsonCodecTest, DecodingIntoAMapWithOtherKeysReplacesThem) {
  const std::pair<const char*, std::map<std::string, int64_t>> cases[] = {
      {R"({"AddToCart":3})", {{"AddToCart", 3}}},
      {R"({"AddToCart":3,"Purchase":4,"Zeta":5})",
       {{"AddToCart", 3}, {"Purchase", 4}, {"Zeta", 5}}},
      {R"({"Lead":7})", {{"Lead", 7}}},
      {R"({"Add\"ToCart":3,"Purchase":4})", {{"Add\"ToCart", 3}, {"Purchase", 4}}},
      {"{}", {}},
  };
  for (const auto& [json, expected] : cases) {
    std::map<std::string, int64_t> counts = {{"AddToCart", 1}, {"Purchase", 2}};
    ASSERT_OK(DecodeEventCountsInto(json, &counts));
    EXPECT_EQ(counts, expected) << json;
  }
}

TEST(JsonCodecTest, DecodingIntoAMapRefusesWhatDecodingRefuses) {
  const char* const bad[] = {R"({"AddToCart":01,"Purchase":2})", R"({"AddToCart":1,"Purchase":2)",
                             R"({"AddToCart":1,"Purchase":-2})", R"({"AddToCart":1,"AddToCart":2})",
                             R"({"AddToCart":1,"Purchase":99999999999999999999})"};
  for (const char* json : bad) {
    std::map<std::string, int64_t> counts = {{"AddToCart", 1}, {"Purchase", 2}};
    EXPECT_TRUE(HasStatus(DecodeEventCountsInto(json, &counts), absl::StatusCode::kDataLoss, ""))
        << json;
  }
}

TEST(JsonCodecTest, RefusesWhatItNeverWrites) {
  const char* const bad_counts[] = {
      R"({"b":1,"a":2})", R"({"a":1,"a":1})",
      R"({"a":-1})",      R"({"a":01})",
      R"({"a": 1})",      R"({"a":1}x)",
      R"({"a":1)",        R"(["a"])",
      R"({"a":1.5})",     R"({"a\q":1})",
      R"({"\u00e9":1})",  R"({"a":99999999999999999999})",
      "{\"a\nb\":1}",     "",
      R"({"a":1,})",
  };
  for (const char* json : bad_counts) {
    EXPECT_TRUE(HasStatus(StatusOf(DecodeEventCounts(json)), absl::StatusCode::kDataLoss, ""))
        << json;
  }
  const char* const bad_arrays[] = {R"(["a",])", R"([1])",  R"(["a")", R"(["a"] )",
                                    R"({})",     R"(["ab)", R"(["a\)", "[\"a\x01\"]"};
  for (const char* json : bad_arrays) {
    EXPECT_TRUE(HasStatus(StatusOf(DecodeStringArray(json)), absl::StatusCode::kDataLoss, ""))
        << json;
  }
}

// The writer's commits only ask for checkpoints; a thread of the store's own
// runs them (storage/checkpointer.h, tested on its own in checkpointer_test).
TEST_F(SqliteStoreTest, CheckpointsRunBesideTheWriterNotInsideItsCommits) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Store> store, OpenSqliteStore(Options()));
  ASSERT_OK_AND_ASSIGN(const int64_t automatic,
                       WriterPragmaForTest(*store, "PRAGMA wal_autocheckpoint"));
  EXPECT_EQ(automatic, 0);

  // About 25 records fill a page: enough batches to fill the log.
  constexpr int kAdSets = 3000;
  for (int week = 0; week < 12; ++week) {
    std::vector<AdSetWeek> records;
    for (int i = 0; i < kAdSets; ++i) {
      records.push_back(Record(absl::StrCat("as_", i), W(week), i % 97));
    }
    ASSERT_OK(store->Ingest(Batch(std::move(records))));
  }
  ASSERT_OK_AND_ASSIGN(const Checkpointer::Stats checkpoints, WaitForCheckpointsForTest(*store));
  EXPECT_GE(checkpoints.checkpoints, 1);
  EXPECT_EQ(checkpoints.failures, 0);
  EXPECT_EQ(checkpoints.last.copied_frames, checkpoints.last.wal_frames);
  ASSERT_OK_AND_ASSIGN(const StoreStats stats, store->GetStats());
  EXPECT_EQ(stats.wal_checkpoints, checkpoints.checkpoints);
  EXPECT_EQ(stats.wal_checkpoint_failures, 0);
}

}  // namespace
}  // namespace rung
