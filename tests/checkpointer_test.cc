// Checkpointer against a real SQLite file in WAL mode: whether the log was
// copied is read from the database file's size, which grows only when a
// checkpoint writes pages into it.

#include "storage/sqlite/checkpointer.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "storage/sqlite/sqlite_db.h"
#include "storage_test_util.h"

namespace rung {
namespace {

// Rows of 3 KB: about one 4 KB page each, so that a row count is a page count.
constexpr int kRowBytes = 3000;

class CheckpointerTest : public StorageTest {
 protected:
  void SetUp() override {
    StorageTest::SetUp();
    ASSERT_OK_AND_ASSIGN(writer_, OpenOther(DbPath()));
    ASSERT_OK_AND_ASSIGN(const std::string mode,
                         writer_->QueryText("PRAGMA journal_mode = WAL", "test"));
    ASSERT_EQ(mode, "wal");
    ASSERT_OK(writer_->Exec("CREATE TABLE t (v TEXT NOT NULL) STRICT", "test"));
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<Connection> own, OpenOther(DbPath()));
    checkpointer_ = std::make_unique<Checkpointer>(std::move(own));
    writer_->OnCommit([this](int wal_frames) { checkpointer_->AfterCommit(wal_frames); });
    // Everything so far is in the log only.
    file_bytes_before_ = FileBytes();
  }

  void TearDown() override {
    writer_.reset();  // its hook points at the checkpointer
    checkpointer_.reset();
    StorageTest::TearDown();
  }

  // One transaction of `rows` rows of about a page each.
  absl::Status InsertRows(int rows) {
    return writer_->InWriteTransaction("test", [&]() -> absl::Status {
      ASSIGN_OR_RETURN(StatementLease insert,
                       writer_->Prepare("INSERT INTO t VALUES (?1)", "test"));
      for (int i = 0; i < rows; ++i) {
        insert->Bind(1, std::string(kRowBytes, static_cast<char>('a' + i % 26)));
        RETURN_IF_ERROR(insert->Run("test"));
        insert->Reset();
      }
      return absl::OkStatus();
    });
  }

  int64_t FileBytes() const { return static_cast<int64_t>(std::filesystem::file_size(DbPath())); }

  std::unique_ptr<Connection> writer_;
  std::unique_ptr<Checkpointer> checkpointer_;
  int64_t file_bytes_before_ = 0;
};

TEST_F(CheckpointerTest, CopiesTheWholeLogAfterACommitThatFillsIt) {
  ASSERT_OK(InsertRows(Checkpointer::kWalFramesThreshold + 100));
  checkpointer_->WaitUntilIdle();

  const Checkpointer::Stats stats = checkpointer_->stats();
  EXPECT_EQ(stats.checkpoints, 1);
  EXPECT_EQ(stats.failures, 0);
  EXPECT_GE(stats.last.wal_frames, Checkpointer::kWalFramesThreshold + 100);
  EXPECT_EQ(stats.last.copied_frames, stats.last.wal_frames);
  EXPECT_GE(FileBytes() - file_bytes_before_,
            int64_t{kRowBytes} * (Checkpointer::kWalFramesThreshold + 100));
}

TEST_F(CheckpointerTest, SmallCommitsLeaveTheLogAlone) {
  for (int i = 0; i < 5; ++i) ASSERT_OK(InsertRows(10));
  checkpointer_->WaitUntilIdle();

  EXPECT_EQ(checkpointer_->stats().checkpoints, 0);
  EXPECT_EQ(FileBytes(), file_bytes_before_);
}

TEST_F(CheckpointerTest, TheCommitItselfCopiesNothing) {
  // Stands in for the checkpointer: it only records the frames it is told.
  int told_frames = 0;
  writer_->OnCommit([&told_frames](int wal_frames) { told_frames = wal_frames; });
  ASSERT_OK(InsertRows(Checkpointer::kWalFramesThreshold + 100));

  EXPECT_GE(told_frames, Checkpointer::kWalFramesThreshold + 100);
  EXPECT_EQ(FileBytes(), file_bytes_before_);
}

TEST_F(CheckpointerTest, AReaderOnAnOldSnapshotDelaysTheCopyWithoutBlockingAnyone) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Connection> reader, OpenOther(DbPath()));
  ASSERT_OK(reader->Exec("BEGIN", "test"));
  ASSERT_OK_AND_ASSIGN(const int64_t rows_seen, reader->QueryInt("SELECT count(*) FROM t", "test"));
  ASSERT_EQ(rows_seen, 0);

  ASSERT_OK(InsertRows(Checkpointer::kWalFramesThreshold + 100));
  checkpointer_->WaitUntilIdle();
  Checkpointer::Stats stats = checkpointer_->stats();
  EXPECT_EQ(stats.checkpoints, 1);
  EXPECT_EQ(stats.failures, 0);
  EXPECT_LT(stats.last.copied_frames, stats.last.wal_frames);

  // The log still holds the big commit, so the next commit asks again, and
  // with the reader gone everything is copied.
  ASSERT_OK(reader->Exec("COMMIT", "test"));
  ASSERT_OK(InsertRows(1));
  checkpointer_->WaitUntilIdle();
  stats = checkpointer_->stats();
  EXPECT_EQ(stats.checkpoints, 2);
  EXPECT_EQ(stats.last.copied_frames, stats.last.wal_frames);
}

TEST_F(CheckpointerTest, StopsWhileACheckpointIsAskedFor) {
  ASSERT_OK(InsertRows(Checkpointer::kWalFramesThreshold + 100));
  writer_.reset();
  checkpointer_.reset();  // returns: a hang here would time the test out

  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Connection> again, OpenOther(DbPath()));
  ASSERT_OK_AND_ASSIGN(const int64_t rows, again->QueryInt("SELECT count(*) FROM t", "test"));
  EXPECT_EQ(rows, Checkpointer::kWalFramesThreshold + 100);
}

}  // namespace
}  // namespace rung
