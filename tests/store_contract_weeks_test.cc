// The contract of AdSetWeekStore, for every engine: ingest summaries,
// replays and ownership conflicts, history bounds, paging of ad set ids,
// scans, the figures of GetStats that ingest moves, and concurrent use.

#include <atomic>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/barrier.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store_contract.h"
#include "store_contract_engines.h"

namespace rung {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

template <typename Engine>
class IngestContract : public StoreContractTest<Engine> {};
TYPED_TEST_SUITE(IngestContract, StoreEngines, EngineNames);

TYPED_TEST(IngestContract, CountsInsertedUpdatedAndUnchangedRecords) {
  Store& store = this->store();
  ASSERT_OK_AND_ASSIGN(
      const IngestSummary first,
      Ingested(store, Batch({Record("as_1", W(0), 10), Record("as_1", W(1), 20)})));
  EXPECT_EQ(first, Summary(2, 0, 0));

  AdSetWeek changed = Record("as_1", W(1), 20);
  changed.spend_micros = 1'000'000;
  ASSERT_OK_AND_ASSIGN(
      const IngestSummary second,
      Ingested(store, Batch({Record("as_1", W(0), 10), changed, Record("as_2", W(0), 5)})));

  EXPECT_EQ(second, Summary(1, 1, 1));
}

TYPED_TEST(IngestContract, EveryFieldReadsBackAsWritten) {
  AdSetWeek full = Record("as_1", W(0), 12);
  full.spend_micros = 123'456'789;
  full.event_counts = {{"AddToCart", 85}, {"Purchase", 12}, {"form.start:v2-b_c", 0}};
  full.reported_learning = ReportedLearning::kFail;
  full.learning_threshold_override = 30;
  full.ladder = "lead_generation";
  full.significant_edit = true;
  AdSetWeek bare = Record("as_1", W(1), 0);
  bare.event_counts.clear();
  ASSERT_OK(Ingested(this->store(), Batch({full, bare})));

  ASSERT_OK_AND_ASSIGN(const AdSetHistory history, this->store().GetHistory("as_1", {}, {}));

  EXPECT_THAT(history, ElementsAre(full, bare));
}

TYPED_TEST(IngestContract, ACorrectedRecordReplacesTheStoredOne) {
  Store& store = this->store();
  ASSERT_OK(Ingested(store, Batch({Record("as_1", W(0), 10)})));
  AdSetWeek corrected = Record("as_1", W(0), 12);
  corrected.event_counts = {{"Purchase", 12}};
  corrected.reported_learning = ReportedLearning::kLearning;

  ASSERT_OK_AND_ASSIGN(const IngestSummary summary, Ingested(store, Batch({corrected})));

  EXPECT_EQ(summary, Summary(0, 1, 0));
  ASSERT_OK_AND_ASSIGN(const AdSetHistory history, store.GetHistory("as_1", {}, {}));
  EXPECT_THAT(history, ElementsAre(corrected));
}

TYPED_TEST(IngestContract, ABatchWithAnAdSetOfAnotherAccountStoresNothing) {
  Store& store = this->store();
  ASSERT_OK(Ingested(store, Batch({Record("as_1", W(0), 10, "act_1", "cmp_1")})));

  ASSERT_OK_AND_ASSIGN(
      const IngestOutcome outcome,
      store.Ingest(Batch({Record("as_2", W(0), 1, "act_2"), Record("as_1", W(1), 11, "act_1"),
                          Record("as_1", W(2), 12, "act_2")},
                         "req-conflict")));

  ASSERT_TRUE(outcome.conflict.has_value());
  EXPECT_EQ(outcome.conflict->record_index, 2u);
  EXPECT_EQ(outcome.conflict->stored_account_id, "act_1");
  EXPECT_EQ(outcome.conflict->stored_campaign_id, "cmp_1");
  EXPECT_TRUE(HasStatus(StatusOf(store.GetHistory("as_2", {}, {})), absl::StatusCode::kNotFound,
                        "ad set 'as_2' not found"));
  ASSERT_OK_AND_ASSIGN(const AdSetHistory history, store.GetHistory("as_1", {}, {}));
  EXPECT_THAT(WeeksOf(history), ElementsAre(W(0)));
  EXPECT_THAT(store.ListAdSetIds({}).value_or(std::vector<std::string>{"error"}),
              ElementsAre("as_1"));
  // Nor was its request_id: the same id with a good batch is no replay.
  ASSERT_OK_AND_ASSIGN(const IngestSummary retried,
                       Ingested(store, Batch({Record("as_2", W(0), 1, "act_2")}, "req-conflict")));
  EXPECT_EQ(retried, Summary(1, 0, 0));
}

TYPED_TEST(IngestContract, AnAdSetCannotChangeCampaignWithinABatch) {
  Store& store = this->store();

  ASSERT_OK_AND_ASSIGN(const IngestOutcome outcome,
                       store.Ingest(Batch({Record("as_1", W(0), 10, "act_1", "cmp_1"),
                                           Record("as_1", W(1), 11, "act_1", "cmp_2")})));

  ASSERT_TRUE(outcome.conflict.has_value());
  EXPECT_EQ(outcome.conflict->record_index, 1u);
  EXPECT_EQ(outcome.conflict->stored_account_id, "act_1");
  EXPECT_EQ(outcome.conflict->stored_campaign_id, "cmp_1");
  EXPECT_TRUE(HasStatus(StatusOf(store.GetHistory("as_1", {}, {})), absl::StatusCode::kNotFound,
                        "ad set 'as_1' not found"));
  ASSERT_OK_AND_ASSIGN(const StoreStats stats, store.GetStats());
  EXPECT_EQ(stats.ad_sets, 0);
  EXPECT_FALSE(stats.last_ingest_time.has_value());
}

TYPED_TEST(IngestContract, AReplayedRequestIdAnswersTheFirstAnswerAndWritesNothing) {
  Store& store = this->store();
  IngestBatch first = Batch({Record("as_1", W(0), 10), Record("as_1", W(1), 11)}, "req-1");
  first.warnings = {"custom event \"scroll_75\"", "back\\slash, tab\t, newline\n, caf\xc3\xa9"};
  ASSERT_OK_AND_ASSIGN(const IngestSummary first_answer, Ingested(store, first));
  ASSERT_OK_AND_ASSIGN(const StoreStats before, store.GetStats());
  // Even a batch that would conflict is answered as the first was.
  IngestBatch different = Batch(
      {Record("as_1", W(0), 99), Record("as_9", W(0), 1), Record("as_1", W(2), 1, "act_other")},
      "req-1");

  ASSERT_OK_AND_ASSIGN(const IngestSummary replay_answer, Ingested(store, different));

  IngestSummary expected = Summary(2, 0, 0);
  expected.warnings = first.warnings;
  EXPECT_EQ(first_answer, expected);
  EXPECT_EQ(replay_answer, expected);
  ASSERT_OK_AND_ASSIGN(const AdSetHistory history, store.GetHistory("as_1", {}, {}));
  EXPECT_THAT(history, ElementsAre(first.records[0], first.records[1]));
  EXPECT_TRUE(HasStatus(StatusOf(store.GetHistory("as_9", {}, {})), absl::StatusCode::kNotFound,
                        "ad set 'as_9' not found"));
  ASSERT_OK_AND_ASSIGN(const StoreStats after, store.GetStats());
  EXPECT_EQ(after.last_ingest_time, before.last_ingest_time);
}

TYPED_TEST(IngestContract, HistoryIsOldestFirstWithinInclusiveBounds) {
  Store& store = this->store();
  ASSERT_OK(Ingested(
      store, Batch({Record("as_1", W(3), 3), Record("as_1", W(0), 0), Record("as_1", W(2), 2),
                    Record("as_1", W(1), 1), Record("as_2", W(1), 1)})));
  auto weeks = [&](std::optional<Week> from, std::optional<Week> to) {
    auto history = store.GetHistory("as_1", from, to);
    EXPECT_OK(history);
    return history.ok() ? WeeksOf(*history) : std::vector<Week>{};
  };

  EXPECT_THAT(weeks({}, {}), ElementsAre(W(0), W(1), W(2), W(3)));
  EXPECT_THAT(weeks(W(1), W(2)), ElementsAre(W(1), W(2)));
  EXPECT_THAT(weeks(W(2), {}), ElementsAre(W(2), W(3)));
  EXPECT_THAT(weeks({}, W(0)), ElementsAre(W(0)));
  // Bounds that exclude every week are no reason for NOT_FOUND.
  EXPECT_THAT(weeks(W(5), W(9)), IsEmpty());
  EXPECT_THAT(weeks(W(2), W(1)), IsEmpty());
}

TYPED_TEST(IngestContract, AnUnknownAdSetIsNotFound) {
  Store& store = this->store();
  ASSERT_OK(Ingested(store, Batch({Record("as_1", W(0), 10)})));

  EXPECT_TRUE(HasStatus(StatusOf(store.GetHistory("as_404", W(0), W(0))),
                        absl::StatusCode::kNotFound, "ad set 'as_404' not found"));
  EXPECT_TRUE(HasStatus(StatusOf(store.GetHistory("as_404", {}, {})), absl::StatusCode::kNotFound,
                        "ad set 'as_404' not found"));
}

TYPED_TEST(IngestContract, ListsAdSetIdsByPageInByteOrder) {
  Store& store = this->store();
  ASSERT_OK(Ingested(
      store, Batch({Record("b", W(0), 1, "act_1"), Record("a", W(0), 1, "act_2"),
                    Record("B", W(0), 1, "act_1"), Record("c", W(0), 1, "act_2"),
                    Record("a_", W(0), 1, "act_1"), Record("\xc3\xa9", W(0), 1, "act_2")})));
  auto page = [&](std::string account_id, std::string after, int limit) {
    AdSetIdPageQuery query;
    query.account_id = std::move(account_id);
    query.after_ad_set_id = std::move(after);
    query.limit = limit;
    auto ids = store.ListAdSetIds(query);
    EXPECT_OK(ids);
    return ids.value_or(std::vector<std::string>{"error"});
  };

  EXPECT_THAT(page("", "", 2), ElementsAre("B", "a"));
  EXPECT_THAT(page("", "a", 2), ElementsAre("a_", "b"));
  EXPECT_THAT(page("", "b", 2), ElementsAre("c", "\xc3\xa9"));
  EXPECT_THAT(page("", "\xc3\xa9", 2), IsEmpty());
  EXPECT_THAT(page("act_1", "", 10), ElementsAre("B", "a_", "b"));
  EXPECT_THAT(page("act_2", "a", 10), ElementsAre("c", "\xc3\xa9"));
  EXPECT_THAT(page("act_3", "", 10), IsEmpty());
}

TYPED_TEST(IngestContract, RefusesAPageWithoutALimit) {
  AdSetIdPageQuery query;
  query.limit = 0;

  EXPECT_TRUE(HasStatus(StatusOf(this->store().ListAdSetIds(query)),
                        absl::StatusCode::kInvalidArgument, "limit: must be positive, got 0"));
}

TYPED_TEST(IngestContract, StatsCountWhatIsStoredAndWhenItLastLanded) {
  Store& store = this->store();
  ASSERT_OK_AND_ASSIGN(const StoreStats empty, store.GetStats());
  EXPECT_EQ(empty.ad_sets, 0);
  EXPECT_EQ(empty.weeks, 0);
  EXPECT_FALSE(empty.last_ingest_time.has_value());
  EXPECT_GE(empty.database_bytes, 0);

  // A database's clock may have millisecond steps.
  const absl::Time before = absl::Now() - absl::Milliseconds(1);
  ASSERT_OK(Ingested(
      store,
      Batch({Record("as_1", W(0), 1), Record("as_1", W(1), 2), Record("as_2", W(0), 3)}, "r1")));
  const absl::Time after = absl::Now();

  ASSERT_OK_AND_ASSIGN(const StoreStats stats, store.GetStats());
  EXPECT_EQ(stats.ad_sets, 2);
  EXPECT_EQ(stats.weeks, 3);
  ASSERT_TRUE(stats.last_ingest_time.has_value());
  EXPECT_GE(*stats.last_ingest_time, before);
  EXPECT_LE(*stats.last_ingest_time, after);
  EXPECT_GE(stats.database_bytes, empty.database_bytes);
  EXPECT_FALSE(stats.latest_evaluation.has_value());
}

TYPED_TEST(IngestContract, ManyThreadsIngestAndReadAtOnce) {
  constexpr int kWriters = 4;
  constexpr int kBatchesPerWriter = 20;
  Store& store = this->store();
  ASSERT_OK(Ingested(store, Batch({Record("seed", W(0), 1)})));
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
        check(StatusOf(Ingested(store, Batch({Record(id, W(0), b), Record(id, W(1), b)}))));
      }
      --writers_left;
    });
  }
  for (int r = 0; r < 2; ++r) {
    threads.emplace_back([&] {
      do {
        check(StatusOf(store.GetHistory("seed", {}, {})));
        check(StatusOf(store.ListAdSetIds({})));
        check(store.Ping());
      } while (writers_left > 0);
    });
  }
  for (std::thread& thread : threads) thread.join();

  EXPECT_THAT(failures, IsEmpty());
  AdSetIdPageQuery all;
  all.limit = 1000;
  ASSERT_OK_AND_ASSIGN(const std::vector<std::string> ids, store.ListAdSetIds(all));
  EXPECT_EQ(ids.size(), 1u + kWriters * kBatchesPerWriter);
  ASSERT_OK_AND_ASSIGN(const AdSetHistory history, store.GetHistory("as_3_19", {}, {}));
  EXPECT_THAT(WeeksOf(history), ElementsAre(W(0), W(1)));
}

// However the ingests of one request_id race, one writes and every one
// answers what it wrote.
TYPED_TEST(IngestContract, RacingReplaysWriteOnce) {
  constexpr int kThreads = 4;
  Store& store = this->store();
  absl::Barrier start(kThreads);
  std::vector<absl::StatusOr<IngestSummary>> answers(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // Each thread's batch is another ad set, so the one written shows.
      const IngestBatch batch =
          Batch({Record(absl::StrCat("as_", t), W(0), 1), Record(absl::StrCat("as_", t), W(1), 2)},
                "req-1");
      start.Block();
      answers[t] = Ingested(store, batch);
    });
  }
  for (std::thread& thread : threads) thread.join();

  for (const absl::StatusOr<IngestSummary>& answer : answers) {
    ASSERT_OK(answer);
    EXPECT_EQ(*answer, Summary(2, 0, 0));
  }
  ASSERT_OK_AND_ASSIGN(const StoreStats stats, store.GetStats());
  EXPECT_EQ(stats.ad_sets, 1);
  EXPECT_EQ(stats.weeks, 2);
}

// --- ScanHistories ------------------------------------------------------------

template <typename Engine>
class ScanContract : public StoreContractTest<Engine> {};
TYPED_TEST_SUITE(ScanContract, StoreEngines, EngineNames);

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
    if (history.empty()) return absl::InternalError("an empty history");
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

TYPED_TEST(ScanContract, VisitsEachAdSetsWholeHistoryInIdOrder) {
  Store& store = this->store();
  ASSERT_OK(
      Ingested(store, Batch({Record("as_b", W(2), 1, "act_1"), Record("as_a", W(1), 1, "act_2"),
                             Record("as_b", W(0), 1, "act_1"), Record("as_c", W(0), 1, "act_1"),
                             Record("as_a", W(0), 1, "act_2"), Record("AS_z", W(0), 1, "act_1")})));

  ASSERT_OK_AND_ASSIGN(const std::vector<Visited> all, ScanAll(store, ""));
  ASSERT_OK_AND_ASSIGN(const std::vector<Visited> act_1, ScanAll(store, "act_1"));

  EXPECT_THAT(
      all, ElementsAre(Visited{"AS_z", "act_1", {W(0)}}, Visited{"as_a", "act_2", {W(0), W(1)}},
                       Visited{"as_b", "act_1", {W(0), W(2)}}, Visited{"as_c", "act_1", {W(0)}}));
  EXPECT_THAT(act_1,
              ElementsAre(Visited{"AS_z", "act_1", {W(0)}}, Visited{"as_b", "act_1", {W(0), W(2)}},
                          Visited{"as_c", "act_1", {W(0)}}));
  EXPECT_THAT(ScanAll(store, "act_9").value_or(std::vector<Visited>{{}}), IsEmpty());
}

TYPED_TEST(ScanContract, ReadsEveryFieldAsGetHistoryDoes) {
  Store& store = this->store();
  AdSetWeek full = Record("as_1", W(0), 12);
  full.spend_micros = 1'500'000;
  full.reported_learning = ReportedLearning::kFail;
  full.learning_threshold_override = 30;
  full.ladder = "lead_generation";
  full.significant_edit = true;
  full.event_counts["Lead"] = 4;
  // Other events the next week: the scan must not keep the first week's.
  AdSetWeek next = Record("as_1", W(1), 0);
  ASSERT_OK(Ingested(store, Batch({full, next, Record("as_2", W(0), 3)})));
  ASSERT_OK_AND_ASSIGN(const AdSetHistory as_1, store.GetHistory("as_1", {}, {}));
  ASSERT_OK_AND_ASSIGN(const AdSetHistory as_2, store.GetHistory("as_2", {}, {}));

  std::vector<AdSetHistory> scanned;
  ASSERT_OK(store.ScanHistories("", [&](const AdSetHistory& history) {
    scanned.push_back(history);
    return absl::OkStatus();
  }));

  ASSERT_THAT(scanned, ElementsAre(as_1, as_2));
  EXPECT_EQ(scanned[0][0], full);
  EXPECT_EQ(scanned[0][1], next);
}

TYPED_TEST(ScanContract, StopsAtTheVisitorsFirstError) {
  Store& store = this->store();
  ASSERT_OK(Ingested(store, Batch({Record("as_1", W(0), 1), Record("as_2", W(0), 1)})));
  int visits = 0;

  const absl::Status status = store.ScanHistories("", [&](const AdSetHistory&) {
    ++visits;
    return absl::CancelledError("enough");
  });

  EXPECT_TRUE(HasStatus(status, absl::StatusCode::kCancelled, "enough"));
  EXPECT_EQ(visits, 1);
  // Whatever the scan held is free again.
  EXPECT_OK(store.GetHistory("as_2", {}, {}));
}

TYPED_TEST(ScanContract, ReadsOneMomentWhateverCommitsMeanwhile) {
  Store& store = this->store();
  ASSERT_OK(Ingested(store, Batch({Record("as_1", W(0), 1), Record("as_3", W(0), 1)})));
  bool wrote = false;

  // After the first visit, an ingest adds a week to a later ad set and an ad
  // set between the two; neither belongs to the moment the scan reads.
  std::vector<Visited> visited;
  const absl::Status scanned = store.ScanHistories("", [&](const AdSetHistory& history) {
    visited.push_back({history.front().ad_set_id, history.front().account_id, WeeksOf(history)});
    if (wrote) return absl::OkStatus();
    wrote = true;
    return StatusOf(Ingested(store, Batch({Record("as_2", W(0), 1), Record("as_3", W(1), 1)})));
  });

  ASSERT_OK(scanned);
  EXPECT_TRUE(wrote);
  EXPECT_THAT(visited,
              ElementsAre(Visited{"as_1", "act_1", {W(0)}}, Visited{"as_3", "act_1", {W(0)}}));
  ASSERT_OK_AND_ASSIGN(const std::vector<Visited> later, ScanAll(store, ""));
  EXPECT_THAT(later, ElementsAre(Visited{"as_1", "act_1", {W(0)}}, Visited{"as_2", "act_1", {W(0)}},
                                 Visited{"as_3", "act_1", {W(0), W(1)}}));
}

}  // namespace
}  // namespace rung
