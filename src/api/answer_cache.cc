#include "api/answer_cache.h"

#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"

namespace rung {
namespace {

// The hash table's slot and the two strings' headers, roughly.
constexpr int64_t kEntryOverhead = 96;

}  // namespace

AnswerCache::AnswerCache(int64_t budget_bytes) : shard_budget_(budget_bytes / kShards) {}

std::string AnswerCache::KeyOf(absl::string_view ad_set_id, absl::string_view as_of_week) {
  return absl::StrCat(ad_set_id.size(), ":", ad_set_id, as_of_week);
}

AnswerCache::Shard& AnswerCache::ShardOf(absl::string_view key) {
  return shards_[absl::HashOf(key) % kShards];
}

bool AnswerCache::Find(int64_t version, absl::string_view key,
                       google::protobuf::MessageLite* answer) {
  Shard& shard = ShardOf(key);
  {
    absl::ReaderMutexLock lock(&shard.mu);
    if (shard.version == version) {
      const auto found = shard.answers.find(key);
      if (found != shard.answers.end() && answer->ParseFromString(found->second)) {
        hits_.fetch_add(1, std::memory_order_relaxed);
        return true;
      }
    }
  }
  misses_.fetch_add(1, std::memory_order_relaxed);
  return false;
}

bool AnswerCache::Keep(int64_t version, absl::string_view key,
                       const google::protobuf::MessageLite& answer) {
  Shard& shard = ShardOf(key);
  std::string serialized = answer.SerializeAsString();
  const int64_t entry_bytes = static_cast<int64_t>(key.size() + serialized.size()) + kEntryOverhead;
  absl::MutexLock lock(&shard.mu);
  if (version < shard.version) return true;  // read before the stored answers changed
  if (version > shard.version) {
    shard.answers = {};  // frees the table too, unlike clear()
    shard.bytes = 0;
    shard.version = version;
  }
  if (shard.bytes + entry_bytes > shard_budget_) return false;
  if (shard.answers.try_emplace(key, std::move(serialized)).second) shard.bytes += entry_bytes;
  return true;
}

AnswerCache::Stats AnswerCache::stats() const {
  Stats stats;
  stats.hits = hits_.load(std::memory_order_relaxed);
  stats.misses = misses_.load(std::memory_order_relaxed);
  for (const Shard& shard : shards_) {
    absl::ReaderMutexLock lock(&shard.mu);
    stats.entries += static_cast<int64_t>(shard.answers.size());
    stats.bytes += shard.bytes;
  }
  return stats;
}

}  // namespace rung
