#ifndef RUNG_BENCH_DATASET_H_
#define RUNG_BENCH_DATASET_H_

#include <cstdint>
#include <string>

#include "rung/ad_set_week.h"
#include "rung/week.h"

namespace rung::bench {

// The shape of one benchmark's data. Every row is a pure function of the
// spec and its index, so the daemon and the bare SQLite path see the same
// rows in the same order without holding them all in memory.
struct DatasetSpec {
  int64_t ad_sets = 0;
  // Consecutive ad sets share an account, this many to each (the last one
  // fewer); a multiple of 10 keeps every campaign within one account.
  int64_t ad_sets_per_account = 1000;
  int weeks = 12;
  uint64_t seed = 1;
  // The newest of the `weeks` consecutive weeks.
  Week last_week;

  int64_t rows() const { return ad_sets * weeks; }
  int64_t accounts() const;
  int64_t campaigns() const;
};

// Rows [begin, end) in key order.
struct RowRange {
  int64_t begin = 0;
  int64_t end = 0;
  int64_t size() const { return end - begin; }
};

// The rows split into consecutive batches of `batch_size` (the last one
// shorter), the same boundaries for every path that stores them.
int64_t BatchCount(const DatasetSpec& spec, int batch_size);
RowRange BatchRows(const DatasetSpec& spec, int batch_size, int64_t batch_index);

// The account of ad set `ad_set_index`: "act_00004".
std::string AccountId(const DatasetSpec& spec, int64_t ad_set_index);

// "as0000042": zero-padded, so that byte order (the daemon's key order) is
// index order.
std::string AdSetId(int64_t ad_set_index);

// Row `row_index` in key order: ad set row_index / weeks, week
// row_index % weeks, oldest first. Ad sets follow a mix of funnel profiles
// (stuck on Purchase, ready to climb, near exit, checkout friction, ...), so
// that an evaluation reaches most actions and flags.
AdSetWeek GenerateRow(const DatasetSpec& spec, int64_t row_index);

}  // namespace rung::bench

#endif  // RUNG_BENCH_DATASET_H_
