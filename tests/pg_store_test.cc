// What only the PostgreSQL store does: several stores (replicas) on one
// database, outages of the server, and what it refuses. The behaviour every
// engine shares is in the store contract suite.

#include "storage/postgres/pg_store.h"

#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "rung/store.h"
#include "storage/postgres/pg_connection.h"
#include "storage_test_util.h"
#include "support/postgres_environment.h"
#include "support/status_assertions.h"

namespace rung {
namespace {

using test_support::PostgresTest;

Recommendation Advice(const std::string& ad_set_id, Week week, Action action,
                      const std::string& evaluation_id) {
  Recommendation recommendation;
  recommendation.ad_set_id = ad_set_id;
  recommendation.account_id = "act_1";
  recommendation.as_of_week = week;
  recommendation.action = action;
  recommendation.ladder = "ecommerce";
  recommendation.evaluation_id = evaluation_id;
  recommendation.evaluated_at = absl::FromUnixSeconds(1767600000);
  return recommendation;
}

EvaluationRecord RunRecord(const std::string& evaluation_id, Week week) {
  EvaluationRecord run;
  run.evaluation_id = evaluation_id;
  run.as_of_week = week;
  run.evaluated_at = absl::FromUnixSeconds(1767600000);
  return run;
}

class PgStoreTest : public PostgresTest {
 protected:
  // Polls PostgreSQL's own view of its sessions, for at most 30 s.
  bool SomeSessionWaitsForALock() {
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    while (absl::Now() < deadline) {
      if (Scalar("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND "
                 "datname = current_database()") != "0") {
        return true;
      }
    }
    return false;
  }

  std::unique_ptr<Store> Open() {
    absl::StatusOr<std::unique_ptr<Store>> store = OpenStore(uri(), StoreSettings());
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? *std::move(store) : nullptr;
  }
};

class PgStoreOutageTest : public PgStoreTest {
 protected:
  PgStoreOutageTest() { UseAClusterOfItsOwn(); }
};

TEST_F(PgStoreTest, BackupSaysPostgresIsBackedUpWithItsOwnTools) {
  const std::unique_ptr<Store> store = Open();
  ASSERT_NE(store, nullptr);
  const absl::Status status = store->Backup("/tmp/never-written.db").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(status.message(), "back up PostgreSQL with its own tools"))
      << status;
}

TEST_F(PgStoreTest, RefusesASchemaNewerThanItKnows) {
  ASSERT_NE(Open(), nullptr);
  ASSERT_OK(
      db_->Exec("INSERT INTO schema_migrations (version, name, checksum) "
                "VALUES (9999, 'future', 'x')",
                "test"));
  const absl::Status status = OpenStore(uri(), StoreSettings()).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(status.message(),
                                "database schema version 9999 is newer than this rungd knows"))
      << status;
}

TEST_F(PgStoreTest, NeverShowsThePasswordOfAnUnreachableServer) {
  const std::string password = "s3cret-Pa55word";
  // Port 1 on loopback: nothing listens there.
  const absl::Status status =
      OpenStore(absl::StrCat("postgresql://rung:", password, "@127.0.0.1:1/rung"), StoreSettings())
          .status();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_FALSE(absl::StrContains(status.ToString(), password)) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), "127.0.0.1")) << status;
}

TEST_F(PgStoreOutageTest, AnOutageIsUnavailableAndTheStoreRecoversWithoutReopening) {
  const std::unique_ptr<Store> store = Open();
  ASSERT_NE(store, nullptr);
  IngestBatch batch;
  batch.records = {Record("as_1", W(0), 12)};
  ASSERT_OK(store->Ingest(batch));
  ASSERT_OK(store->Ping());

  ASSERT_OK(server().Stop());
  EXPECT_EQ(store->Ping().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(StatusOf(store->GetHistory("as_1", std::nullopt, std::nullopt)).code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(StatusOf(store->Ingest(batch)).code(), absl::StatusCode::kUnavailable);

  ASSERT_OK(server().StartAgain());
  EXPECT_OK(store->Ping());
  ASSERT_OK_AND_ASSIGN(const AdSetHistory history,
                       store->GetHistory("as_1", std::nullopt, std::nullopt));
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].event_counts.at("Purchase"), 12);
}

TEST_F(PgStoreTest, AReplicaReadsWhatAnotherWroteAndSeesTheVersionMove) {
  const std::unique_ptr<Store> a = Open();
  const std::unique_ptr<Store> b = Open();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  IngestBatch batch;
  batch.records = {Record("as_1", W(0), 12), Record("as_1", W(1), 14)};
  ASSERT_OK(a->Ingest(batch));
  ASSERT_OK_AND_ASSIGN(const AdSetHistory history,
                       b->GetHistory("as_1", std::nullopt, std::nullopt));
  EXPECT_EQ(history.size(), 2u);

  ASSERT_OK_AND_ASSIGN(const int64_t before, b->RecommendationsVersion());
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<EvaluationWriter> writer, a->BeginEvaluation());
  ASSERT_OK(writer->Write({{Advice("as_1", W(1), Action::kHold, "ev_1")}, {}}));
  // Not yet committed: the other replica still sees the old version.
  EXPECT_EQ(StatusOf(b->GetRecommendation("as_1", std::nullopt)).code(),
            absl::StatusCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(const int64_t during, b->RecommendationsVersion());
  EXPECT_EQ(during, before);
  ASSERT_OK(writer->Commit(RunRecord("ev_1", W(1))));
  ASSERT_OK_AND_ASSIGN(const int64_t after, b->RecommendationsVersion());
  EXPECT_EQ(after, before + 1);
  ASSERT_OK_AND_ASSIGN(const Recommendation read, b->GetRecommendation("as_1", std::nullopt));
  EXPECT_EQ(read.evaluation_id, "ev_1");
}

TEST_F(PgStoreTest, TwoEvaluationsOnTwoReplicasTakeTurns) {
  const std::unique_ptr<Store> a = Open();
  const std::unique_ptr<Store> b = Open();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<EvaluationWriter> first, a->BeginEvaluation());
  ASSERT_OK(first->Write({{Advice("as_1", W(1), Action::kHold, "ev_a")}, {}}));
  // The second run waits on the first one's turn, so it can only begin
  // once the first one is over; it then has to start again from fresh reads.
  absl::Status second_begun;
  std::thread second([&] { second_begun = b->BeginEvaluation().status(); });
  ASSERT_TRUE(SomeSessionWaitsForALock()) << "the second run never waited for the first";
  ASSERT_OK(first->Commit(RunRecord("ev_a", W(1))));
  second.join();
  EXPECT_EQ(second_begun.code(), absl::StatusCode::kAborted) << second_begun;
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<EvaluationWriter> again, b->BeginEvaluation());
  ASSERT_OK(again->Write({{Advice("as_1", W(1), Action::kMoveDown, "ev_b")}, {}}));
  ASSERT_OK(again->Commit(RunRecord("ev_b", W(1))));
  ASSERT_OK_AND_ASSIGN(const Recommendation read, a->GetRecommendation("as_1", W(1)));
  EXPECT_EQ(read.evaluation_id, "ev_b");
  EXPECT_EQ(read.action, Action::kMoveDown);
}

TEST_F(PgStoreTest, ADroppedRunOnOneReplicaPublishesNothing) {
  const std::unique_ptr<Store> a = Open();
  const std::unique_ptr<Store> b = Open();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<EvaluationWriter> writer, a->BeginEvaluation());
    ASSERT_OK(writer->Write({{Advice("as_1", W(1), Action::kHold, "ev_gone")}, {}}));
  }
  EXPECT_EQ(StatusOf(b->GetRecommendation("as_1", std::nullopt)).code(),
            absl::StatusCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(const int64_t version, b->RecommendationsVersion());
  EXPECT_EQ(version, 0);
  // And the turn was given back.
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<EvaluationWriter> next, b->BeginEvaluation());
  EXPECT_OK(next->Commit(RunRecord("ev_next", W(1))));
}

}  // namespace
}  // namespace rung
