#include "rung/version_lease.h"

#include <cstdint>

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace rung {
namespace {

TEST(VersionLeaseTest, ReadsTheDatabaseOncePerLease) {
  int reads = 0;
  VersionLease lease([&]() -> absl::StatusOr<int64_t> { return ++reads; });
  EXPECT_EQ(lease.Get().value_or(-1), 1);
  EXPECT_EQ(lease.Get().value_or(-1), 1);
  EXPECT_EQ(reads, 1);
}

TEST(VersionLeaseTest, AfterTheCommitWaitEveryCallSeesAFreshRead) {
  int64_t stored = 7;
  int reads = 0;
  VersionLease lease([&]() -> absl::StatusOr<int64_t> {
    ++reads;
    return stored;
  });
  ASSERT_EQ(lease.Get().value_or(-1), 7);
  // Another replica commits an evaluation and waits before it answers.
  stored = 8;
  VersionLease::WaitOutLeases();
  EXPECT_EQ(lease.Get().value_or(-1), 8);
  EXPECT_EQ(reads, 2);
}

TEST(VersionLeaseTest, AFailedReadIsAnsweredAndNotKept) {
  bool down = true;
  VersionLease lease([&]() -> absl::StatusOr<int64_t> {
    if (down) return absl::UnavailableError("database down");
    return 3;
  });
  EXPECT_EQ(lease.Get().status(), absl::UnavailableError("database down"));
  down = false;
  EXPECT_EQ(lease.Get().value_or(-1), 3);
}

TEST(VersionLeaseTest, OurOwnCommitEndsTheLeaseAndEveryReadUnderWay) {
  int64_t stored = 1;
  int reads = 0;
  VersionLease* lease_ptr = nullptr;
  VersionLease lease([&]() -> absl::StatusOr<int64_t> {
    ++reads;
    const int64_t seen = stored;
    // This process commits while the read is under way.
    if (reads == 2) {
      stored = 2;
      lease_ptr->Renew();
    }
    return seen;
  });
  lease_ptr = &lease;
  ASSERT_EQ(lease.Get().value_or(-1), 1);
  lease.Renew();
  EXPECT_EQ(lease.Get().value_or(-1), 1);  // the read that the commit overtook
  EXPECT_EQ(lease.Get().value_or(-1), 2);  // not kept: read again
  EXPECT_EQ(reads, 3);
}

}  // namespace
}  // namespace rung
