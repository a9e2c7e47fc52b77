// AnswerCodec: dictionaries learnt from answers, and what they give back.

#include "api/answer_codec.h"

#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "support/sample_answers.h"

namespace rung {
namespace {

using test_support::SampleAnswer;

std::vector<std::string> Samples(int first, int count) {
  std::vector<std::string> samples;
  for (int i = first; i < first + count; ++i) {
    samples.push_back(SampleAnswer(i).SerializeAsString());
  }
  return samples;
}

std::unique_ptr<const AnswerCodec> Trained(int first) {
  absl::StatusOr<std::unique_ptr<const AnswerCodec>> codec =
      AnswerCodec::Train(Samples(first, 1000));
  EXPECT_TRUE(codec.ok()) << codec.status();
  return codec.ok() ? *std::move(codec) : nullptr;
}

TEST(AnswerCodecTest, GivesBackAnswersItNeverSawInAFractionOfTheirSize) {
  const std::unique_ptr<const AnswerCodec> codec = Trained(0);
  ASSERT_NE(codec, nullptr);
  EXPECT_GT(codec->dictionary_bytes(), 0);
  size_t plain_bytes = 0;
  size_t compressed_bytes = 0;
  for (const std::string& answer : Samples(5000, 200)) {
    std::string compressed = "prefix";
    ASSERT_TRUE(codec->CompressTo(answer, &compressed));
    ASSERT_EQ(compressed.substr(0, 6), "prefix");  // appended, not replaced
    std::string back = "left over";
    ASSERT_TRUE(codec->Decompress(absl::string_view(compressed).substr(6), &back));
    EXPECT_EQ(back, answer);
    plain_bytes += answer.size();
    compressed_bytes += compressed.size() - 6;
  }
  EXPECT_LT(compressed_bytes * 3, plain_bytes);
}

TEST(AnswerCodecTest, AnEmptyAnswerComesBackEmpty) {
  const std::unique_ptr<const AnswerCodec> codec = Trained(0);
  ASSERT_NE(codec, nullptr);
  std::string compressed;
  ASSERT_TRUE(codec->CompressTo("", &compressed));
  std::string back = "left over";
  ASSERT_TRUE(codec->Decompress(compressed, &back));
  EXPECT_EQ(back, "");
}

TEST(AnswerCodecTest, TooFewSamplesTeachNothing) {
  const absl::StatusOr<std::unique_ptr<const AnswerCodec>> codec =
      AnswerCodec::Train(Samples(0, 3));
  ASSERT_FALSE(codec.ok());
  EXPECT_EQ(codec.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(codec.status().message().find("samples"), absl::string_view::npos) << codec.status();
}

TEST(AnswerCodecTest, RefusesWhatItDidNotCompress) {
  const std::unique_ptr<const AnswerCodec> codec = Trained(0);
  const std::unique_ptr<const AnswerCodec> other = Trained(20000);
  ASSERT_NE(codec, nullptr);
  ASSERT_NE(other, nullptr);
  const std::string answer = SampleAnswer(7).SerializeAsString();
  std::string compressed;
  ASSERT_TRUE(other->CompressTo(answer, &compressed));
  std::string back;
  EXPECT_TRUE(other->Decompress(compressed, &back));
  EXPECT_FALSE(codec->Decompress(compressed, &back)) << "another dictionary's frame";
  EXPECT_FALSE(codec->Decompress(answer, &back)) << "an uncompressed answer";
  EXPECT_FALSE(codec->Decompress(compressed.substr(0, compressed.size() - 1), &back))
      << "a cut frame";
}

// Each thread has contexts of its own; the dictionaries are shared.
TEST(AnswerCodecTest, ThreadsCompressAndDecompressAtOnce) {
  const std::unique_ptr<const AnswerCodec> codec = Trained(0);
  ASSERT_NE(codec, nullptr);
  constexpr int kThreads = 4;
  std::vector<int> round_trips(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (const std::string& answer : Samples(t * 1000, 300)) {
        std::string compressed;
        std::string back;
        if (codec->CompressTo(answer, &compressed) && codec->Decompress(compressed, &back) &&
            back == answer) {
          ++round_trips[t];
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(round_trips[t], 300) << "thread " << t;
}

}  // namespace
}  // namespace rung
