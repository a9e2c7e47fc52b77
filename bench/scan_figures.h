#ifndef RUNG_BENCH_SCAN_FIGURES_H_
#define RUNG_BENCH_SCAN_FIGURES_H_

// What a bare ordered scan of ad_set_weeks gives, whatever the engine.

#include <cstdint>

namespace rung::bench {

enum class ScanDepth {
  // Reads each column's value (text pointer and length, or integer) and
  // folds it into a cheap sum: the limit that evaluation is held against.
  kTouch,
  // Hashes every byte and every NULL, to tell whether two databases hold
  // the same rows. Slower; never timed against anything.
  kDigest,
};

struct ScanFigures {
  int64_t rows = 0;
  double seconds = 0;
  // Depends on every value read; with kDigest, equal for equal contents.
  uint64_t fold = 0;
};

inline constexpr uint64_t kFnvOffset = 0xcbf29ce484222325ULL;

// FNV-1a of `size` bytes, continuing from `hash`.
inline uint64_t Fnv(uint64_t hash, const unsigned char* bytes, int size) {
  constexpr uint64_t kFnvPrime = 0x100000001b3ULL;
  for (int i = 0; i < size; ++i) hash = (hash ^ bytes[i]) * kFnvPrime;
  return hash;
}

}  // namespace rung::bench

#endif  // RUNG_BENCH_SCAN_FIGURES_H_
