#ifndef RUNG_BENCH_SQLITE_SCAN_H_
#define RUNG_BENCH_SQLITE_SCAN_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "account_aggregate.h"
#include "scan_figures.h"

namespace rung::bench {

// One pass over ad_set_weeks ordered by (ad_set_id, week_start), every
// column of every row, through the SQLite C API on a read-only connection
// (which WAL allows while rungd writes). Times the statement from prepare
// to its last row.
absl::StatusOr<ScanFigures> ScanWeeks(const std::string& path, ScanDepth depth);

// kAccountAggregateSql for `account_id` on a read-only connection to
// `path`, prepared once; each run steps it anew.
absl::StatusOr<std::unique_ptr<AccountAggregate>> OpenSqliteAccountAggregate(
    const std::string& path, const std::string& account_id);

}  // namespace rung::bench

#endif  // RUNG_BENCH_SQLITE_SCAN_H_
