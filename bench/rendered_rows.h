#ifndef RUNG_BENCH_RENDERED_ROWS_H_
#define RUNG_BENCH_RENDERED_ROWS_H_

#include <string>
#include <vector>

#include "dataset.h"
#include "rung/ad_set_week.h"

namespace rung::bench {

// One row as column values, rendered before a bare upsert's clock starts:
// the text that rungd stores (event counts in its canonical JSON, NULL for
// what is absent), the same for SQLite and PostgreSQL.
struct RenderedRow {
  AdSetWeek record;
  std::string week_start;
  std::string event_counts;
  const char* learning = nullptr;  // NULL when not reported.
};

// Rows `rows` of `spec`, rendered.
std::vector<RenderedRow> RenderBatch(const DatasetSpec& spec, const RowRange& rows);

}  // namespace rung::bench

#endif  // RUNG_BENCH_RENDERED_ROWS_H_
