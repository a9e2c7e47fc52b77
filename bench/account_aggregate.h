#ifndef RUNG_BENCH_ACCOUNT_AGGREGATE_H_
#define RUNG_BENCH_ACCOUNT_AGGREGATE_H_

// The limit of GetAccountSummary: the figures of an account's weekly trend
// that SQL can sum, in one aggregate over the same rows, through the
// engine's C library alone.

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rung::bench {

// The limit's statement. It reads the rows GetAccountSummary reads (every
// stored recommendation of account $1, each with its ad set's week for the
// spend) in one pass, grouped by week and by every value the summary counts
// at once, so that a week's counts per action, per learning status and per
// rung, and its spend sums, each add up from that week's few groups. The
// same text on SQLite and PostgreSQL, where $1 is a parameter in both.
inline constexpr char kAccountAggregateSql[] =
    "SELECT r.as_of_week, r.action, r.learning_status, r.current_event, count(*), "
    "sum(w.spend_micros) "
    "FROM recommendations AS r LEFT JOIN ad_set_weeks AS w "
    "ON w.ad_set_id = r.ad_set_id AND w.week_start = r.as_of_week "
    "WHERE r.account_id = $1 "
    "GROUP BY r.as_of_week, r.action, r.learning_status, r.current_event";

// One evaluated week of an account in the words the database stores
// ("MOVE_DOWN", "STUCK"), so that the limit decodes nothing.
struct WeekTotals {
  int64_t ad_sets = 0;
  std::map<std::string, int64_t> actions;
  // Without the ad sets that had no record that week.
  std::map<std::string, int64_t> learning_statuses;
  std::map<std::string, int64_t> rungs;
  int64_t spend_micros = 0;
  // Of the ad sets STUCK or NEAR_EXIT, as the summary counts it.
  int64_t spend_below_threshold_micros = 0;
};

bool operator==(const WeekTotals& a, const WeekTotals& b);

// By week, "YYYY-MM-DD".
using AccountTotals = std::map<std::string, WeekTotals>;

// One row of kAccountAggregateSql; nullopt for NULL.
struct AggregateGroup {
  absl::string_view week;
  absl::string_view action;
  std::optional<absl::string_view> learning_status;
  std::optional<absl::string_view> current_event;
  int64_t ad_sets = 0;
  // 0 when no ad set of the group has a known spend.
  int64_t spend_micros = 0;
};

void AddGroup(const AggregateGroup& group, AccountTotals& totals);

struct AggregateFigures {
  double seconds = 0;
  // Rows the statement answered.
  int64_t groups = 0;
  AccountTotals weeks;
};

// kAccountAggregateSql for one account on rungd's database, on a connection
// of its own that stays open between runs, as rungd's do.
class AccountAggregate {
 public:
  virtual ~AccountAggregate() = default;
  // One run, timed from the statement's start until its last row is folded
  // into the weeks' totals.
  virtual absl::StatusOr<AggregateFigures> Run() = 0;
};

}  // namespace rung::bench

#endif  // RUNG_BENCH_ACCOUNT_AGGREGATE_H_
