#ifndef RUNG_BENCH_SQLITE_SCAN_H_
#define RUNG_BENCH_SQLITE_SCAN_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

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

// One pass over ad_set_weeks ordered by (ad_set_id, week_start), every
// column of every row, through the SQLite C API on a read-only connection
// (which WAL allows while rungd writes). Times the statement from prepare
// to its last row.
absl::StatusOr<ScanFigures> ScanWeeks(const std::string& path, ScanDepth depth);

}  // namespace rung::bench

#endif  // RUNG_BENCH_SQLITE_SCAN_H_
