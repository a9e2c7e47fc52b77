#ifndef RUNG_API_ANSWER_CACHE_H_
#define RUNG_API_ANSWER_CACHE_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "api/answer_codec.h"
#include "google/protobuf/message_lite.h"

namespace rung {

// Answers of GetRecommendation, serialized, kept until stored
// recommendations change. They change once per evaluation, while dashboards
// ask for the same answers again and again in between; reading and decoding
// the row was about half of each call's cost (BENCHMARKS.md).
//
// An answer belongs to the recommendations version it was read under
// (Store::RecommendationsVersion): a lookup under another version misses,
// and keeping one under a newer version first empties the cache. Once the
// budget is used up, new answers are not kept until the version changes;
// nothing is evicted, since what is polled between two evaluations stays the
// same.
//
// Answers are kept compressed with a dictionary learnt from the first
// kDictionarySamples answers kept (AnswerCodec): a seventh of their size, so
// that the default budget holds every answer of a large account. The
// dictionary is learnt once; answers kept before it exists stay as they are.
// Thread-safe.
class AnswerCache {
 public:
  struct Stats {
    int64_t hits = 0;
    int64_t misses = 0;
    int64_t entries = 0;
    // Answers and keys, with a fixed allowance per entry for the table.
    int64_t bytes = 0;
    // Whether answers are kept compressed yet.
    bool compressing = false;
  };

  static constexpr int kDictionarySamples = 1000;

  explicit AnswerCache(int64_t budget_bytes);

  // The key of a GetRecommendation request: length-prefixed, so that no two
  // requests share one. An empty week asks for the latest.
  static std::string KeyOf(absl::string_view ad_set_id, absl::string_view as_of_week);

  // Parses the answer kept for `key` under `version` into `answer`; false
  // (and `answer` untouched) when there is none.
  bool Find(int64_t version, absl::string_view key, google::protobuf::MessageLite* answer);

  // Keeps `answer` for `key`, read under `version`, when the budget allows.
  // False only when the budget did not.
  bool Keep(int64_t version, absl::string_view key, const google::protobuf::MessageLite& answer);

  Stats stats() const;

 private:
  // The first byte of a kept answer: how the rest holds it.
  static constexpr char kPlain = 'p';
  static constexpr char kCompressed = 'z';

  // Shards, so that calls on different keys seldom wait for each other.
  static constexpr int kShards = 16;
  struct Shard {
    mutable absl::Mutex mu;
    int64_t version ABSL_GUARDED_BY(mu) = 0;
    int64_t bytes ABSL_GUARDED_BY(mu) = 0;
    absl::flat_hash_map<std::string, std::string> answers ABSL_GUARDED_BY(mu);
  };

  Shard& ShardOf(absl::string_view key);

  // The stored form of a serialized answer.
  std::string Pack(std::string serialized);
  bool Unpack(absl::string_view packed, std::string* serialized) const;
  // Adds a sample, and learns the dictionary once there are enough.
  void Learn(const std::string& serialized);

  const int64_t shard_budget_;
  // Set once, and never freed before the cache: what it compressed is
  // read without a lock.
  std::atomic<const AnswerCodec*> codec_{nullptr};
  // Set when learning is over, taught or not, so that keeping an answer
  // then takes no lock beyond its shard's.
  std::atomic<bool> learnt_{false};
  absl::Mutex learning_mu_;
  std::vector<std::string> samples_ ABSL_GUARDED_BY(learning_mu_);
  std::unique_ptr<const AnswerCodec> codec_owner_ ABSL_GUARDED_BY(learning_mu_);
  std::array<Shard, kShards> shards_;
  std::atomic<int64_t> hits_{0};
  std::atomic<int64_t> misses_{0};
};

}  // namespace rung

#endif  // RUNG_API_ANSWER_CACHE_H_
