#ifndef RUNG_BENCH_RENDERED_ROWS_H_
#define RUNG_BENCH_RENDERED_ROWS_H_

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
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

// The columns of ad_set_weeks in the order the bare upserts and scans name
// them, and the clause that makes an INSERT of them an upsert: the same SQL
// for SQLite and PostgreSQL.
inline constexpr char kWeekColumns[] =
    "ad_set_id, week_start, optimization_event, spend_micros, event_counts, "
    "reported_learning_status, learning_threshold_override, ladder, significant_edit";
inline constexpr int kWeekColumnCount = 9;
inline constexpr char kWeekUpsertClause[] =
    "ON CONFLICT (ad_set_id, week_start) DO UPDATE SET "
    "optimization_event = excluded.optimization_event, spend_micros = excluded.spend_micros, "
    "event_counts = excluded.event_counts, "
    "reported_learning_status = excluded.reported_learning_status, "
    "learning_threshold_override = excluded.learning_threshold_override, "
    "ladder = excluded.ladder, significant_edit = excluded.significant_edit";

// Every column of every row of ad_set_weeks in key order: the bare scans.
inline std::string WeekScanSql() {
  return absl::StrCat("SELECT ", kWeekColumns, " FROM ad_set_weeks ORDER BY ad_set_id, week_start");
}

// Rows `rows` of `spec`, rendered.
std::vector<RenderedRow> RenderBatch(const DatasetSpec& spec, const RowRange& rows);

}  // namespace rung::bench

#endif  // RUNG_BENCH_RENDERED_ROWS_H_
