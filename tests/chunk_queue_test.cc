#include "core/chunk_queue.h"

#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace rung {
namespace {

using ::testing::ElementsAre;

std::vector<int> Drain(ChunkQueue<std::vector<int>>& queue) {
  std::vector<int> taken;
  while (true) {
    absl::StatusOr<std::optional<std::vector<int>>> chunk = queue.Pop();
    if (!chunk.ok() || !chunk->has_value()) return taken;
    taken.insert(taken.end(), (*chunk)->begin(), (*chunk)->end());
  }
}

TEST(ChunkQueueTest, HandsOverEveryChunkInOrderThenEnds) {
  ChunkQueue<std::vector<int>> queue(2);
  // More chunks than fit: the producer waits for the consumer.
  std::thread producer([&] {
    for (int i = 0; i < 50; ++i) ASSERT_TRUE(queue.Push({2 * i, 2 * i + 1}).ok());
    queue.Close(absl::OkStatus());
  });

  const std::vector<int> taken = Drain(queue);
  producer.join();

  ASSERT_EQ(taken.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(taken[i], i);
}

TEST(ChunkQueueTest, AProducerErrorReachesTheConsumerEvenWithChunksLeft) {
  ChunkQueue<std::vector<int>> queue(4);
  ASSERT_TRUE(queue.Push({1}).ok());
  queue.Close(absl::DataLossError("bad row"));

  const absl::StatusOr<std::optional<std::vector<int>>> chunk = queue.Pop();

  EXPECT_EQ(chunk.status(), absl::DataLossError("bad row"));
}

TEST(ChunkQueueTest, AConsumerErrorStopsAProducerWaitingForRoom) {
  ChunkQueue<std::vector<int>> queue(1);
  ASSERT_TRUE(queue.Push({1}).ok());
  absl::Status pushed;
  // Full: this push waits until the consumer gives up.
  std::thread producer([&] { pushed = queue.Push({2}); });

  queue.Close(absl::UnavailableError("database is locked"));
  producer.join();

  EXPECT_EQ(pushed, absl::UnavailableError("database is locked"));
}

TEST(ChunkQueueTest, APushAfterTheConsumerFinishedIsCancelled) {
  ChunkQueue<std::vector<int>> queue(1);
  queue.Close(absl::OkStatus());

  EXPECT_EQ(queue.Push({1}).code(), absl::StatusCode::kCancelled);
  EXPECT_THAT(Drain(queue), ElementsAre());
}

TEST(ChunkQueueTest, TheFirstCloseWins) {
  ChunkQueue<std::vector<int>> queue(1);
  queue.Close(absl::DataLossError("first"));
  queue.Close(absl::OkStatus());

  EXPECT_EQ(queue.Pop().status(), absl::DataLossError("first"));
}

}  // namespace
}  // namespace rung
