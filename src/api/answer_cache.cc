#include "api/answer_cache.h"

#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"
#include "api/proto_json.h"

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
  thread_local std::string serialized;
  bool found = false;
  {
    absl::ReaderMutexLock lock(&shard.mu);
    if (shard.version == version) {
      const auto entry = shard.answers.find(key);
      found = entry != shard.answers.end() && Unpack(entry->second, &serialized);
    }
  }
  if (found && answer->ParseFromString(serialized)) {
    hits_.fetch_add(1, std::memory_order_relaxed);
    return true;
  }
  misses_.fetch_add(1, std::memory_order_relaxed);
  return false;
}

bool AnswerCache::Keep(int64_t version, absl::string_view key,
                       const google::protobuf::MessageLite& answer) {
  Shard& shard = ShardOf(key);
  // Map entries in key order: answers then repeat each other byte for byte
  // where they agree, which is what the dictionary learns and finds.
  std::string packed = Pack(DeterministicBinary(answer));
  const int64_t entry_bytes = static_cast<int64_t>(key.size() + packed.size()) + kEntryOverhead;
  absl::MutexLock lock(&shard.mu);
  if (version < shard.version) return true;  // read before the stored answers changed
  if (version > shard.version) {
    shard.answers = {};  // frees the table too, unlike clear()
    shard.bytes = 0;
    shard.version = version;
  }
  if (shard.bytes + entry_bytes > shard_budget_) return false;
  if (shard.answers.try_emplace(key, std::move(packed)).second) shard.bytes += entry_bytes;
  return true;
}

std::string AnswerCache::Pack(std::string serialized) {
  const AnswerCodec* codec = codec_.load(std::memory_order_acquire);
  if (codec != nullptr) {
    std::string packed(1, kCompressed);
    if (codec->CompressTo(serialized, &packed)) return packed;
  } else if (!learnt_.load(std::memory_order_acquire)) {
    Learn(serialized);
  }
  serialized.insert(serialized.begin(), kPlain);
  return serialized;
}

bool AnswerCache::Unpack(absl::string_view packed, std::string* serialized) const {
  if (packed.empty()) return false;
  const absl::string_view body = packed.substr(1);
  if (packed.front() == kPlain) {
    serialized->assign(body.data(), body.size());
    return true;
  }
  const AnswerCodec* codec = codec_.load(std::memory_order_acquire);
  return codec != nullptr && codec->Decompress(body, serialized);
}

void AnswerCache::Learn(const std::string& serialized) {
  absl::MutexLock lock(&learning_mu_);
  if (learnt_.load(std::memory_order_relaxed)) return;  // by another thread meanwhile
  samples_.push_back(serialized);
  if (static_cast<int>(samples_.size()) < kDictionarySamples) return;
  absl::StatusOr<std::unique_ptr<const AnswerCodec>> codec = AnswerCodec::Train(samples_);
  samples_ = {};
  if (codec.ok()) {
    codec_owner_ = *std::move(codec);
    codec_.store(codec_owner_.get(), std::memory_order_release);
  }                                                // else answers stay plain, as they were
  learnt_.store(true, std::memory_order_release);  // once, even when nothing was learnt
}

AnswerCache::Stats AnswerCache::stats() const {
  Stats stats;
  stats.compressing = codec_.load(std::memory_order_acquire) != nullptr;
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
