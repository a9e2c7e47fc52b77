#ifndef RUNG_STORAGE_ROW_CODEC_H_
#define RUNG_STORAGE_ROW_CODEC_H_

// How each table's rows encode, for every engine: what a write binds, in
// which column order, and how a row read back (storage/row_view.h) becomes
// the domain's value again. Each engine writes its own SQL around these.
// Decoders answer DATA_LOSS, naming the column and the row, for a value
// rungd never writes.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/text.h"
#include "rung/account.h"
#include "rung/account_view.h"
#include "rung/action_record.h"
#include "rung/ad_set_week.h"
#include "rung/climb_test.h"
#include "rung/policy_version.h"
#include "rung/recommendation.h"
#include "rung/status_macros.h"
#include "rung/store.h"
#include "rung/week.h"
#include "storage/row_view.h"

namespace rung {

// A reported learning status as stored ("LEARNING"); "" (NULL) for none.
absl::string_view LearningName(ReportedLearning learning);

// Week texts parsed once per read: the ad sets of a scan share a few dozen
// weeks, and each parse is a civil-calendar conversion.
class WeekParser {
 public:
  absl::StatusOr<Week> Parse(absl::string_view text) {
    if (const auto found = parsed_.find(text); found != parsed_.end()) return found->second;
    ASSIGN_OR_RETURN(const Week week, Week::Parse(AsStd(text)));
    parsed_.emplace(text, week);
    return week;
  }

 private:
  absl::flat_hash_map<std::string, Week> parsed_;
};

// An ad_set_weeks row into `week`: columns week_start, optimization_event,
// spend_micros, event_counts, reported_learning_status,
// learning_threshold_override, ladder, significant_edit (0 or 1), from
// column 0 on. Reuses the storage its strings and map hold already, since a
// scan decodes into the same few records over and over; the ad set and its
// owner are left alone.
absl::Status ReadWeekInto(const RowView& row, WeekParser& weeks, AdSetWeek* week);

// Bit i set for the flag whose enum value is i, so that "any of these flags"
// is one AND in SQL.
int64_t FlagBit(Flag flag);
int64_t FlagMask(const std::set<Flag>& flags);

// Where encoded column values go, in column order: one engine binds them
// row by row, another gathers them into arrays.
class ColumnSink {
 public:
  virtual void AddInt(int64_t value) = 0;
  virtual void AddText(absl::string_view text) = 0;
  // Empty text is NULL.
  virtual void AddTextOrNull(absl::string_view text) = 0;

 protected:
  ~ColumnSink() = default;
};

// The recommendation's columns, in this order: ad_set_id, as_of_week,
// account_id, ladder, action, flag_mask, flags, current_event, target_event,
// learning_status, latest_counts, sustained_counts, reasons, weeks_on_rung,
// next_review_week, climb_test_id, learning_threshold, policy_version,
// evaluation_id, evaluated_at, learning_budget (checked by
// CheckStorableRecommendation).
void EncodeRecommendation(const Recommendation& recommendation, ColumnSink& columns);
// The inverse, from a row of the same columns.
absl::StatusOr<Recommendation> ReadRecommendation(const RowView& row);

// From a row of ad_set_id, as_of_week, action, learning_status,
// current_event, spend_micros (an ad set's week joined to the
// recommendation), into `advice`. Reuses the storage its strings hold
// already, since a scan decodes every row of an account into one.
absl::Status ReadAdviceInto(const RowView& row, WeekParser& weeks, AdviceRow* advice);

// From a row of ad_set_id, learning_threshold, learning_budget of a
// recommendation of `week`, into `budget`, reusing its storage as
// ReadAdviceInto does.
absl::Status ReadLearningBudgetInto(const RowView& row, Week week, StoredLearningBudget* budget);

// From a row of as_of_week: a week that `account_id` has stored advice for.
absl::StatusOr<Week> ReadEvaluatedWeek(const RowView& row, absl::string_view account_id);

// From a row of account_id, ad_sets, last_week_stored,
// latest_evaluated_week, action, learning_status, count: one row for each
// action and learning status (NULL for none) at the account's latest
// evaluated week, or one with a NULL action when it has none; an account's
// rows one after another. The account's first row appends its figures to
// `figures`; each row adds its count to its action's and its learning
// status's.
absl::Status AddAccountFiguresRow(const RowView& row, std::vector<StoredAccountFigures>* figures);

// From a row of climb_test_id, account_id, original_ad_set_id,
// duplicate_ad_set_id, from_event, to_event, start_week, state,
// concluded_week, original_cost_per_macro, duplicate_cost_per_macro,
// retest_baseline, create_time.
absl::StatusOr<ClimbTest> ReadClimbTest(const RowView& row);

// From a row of account_id, name, currency, time_zone, last_sync_time.
absl::StatusOr<AccountRecord> ReadAccount(const RowView& row);

// The record's columns, in this order: action_id, key, account_id,
// ad_set_id, duplicate_ad_set_id, as_of_week, action, target_event, state,
// outcome, steps, recorded_by, updated_at (checked by CheckStorableAction).
// Not created_at, which the store sets: the statement writes updated_at
// there too when the key is new.
void EncodeAction(const ActionRecord& record, ColumnSink& columns);
// From a row of the same columns, then created_at.
absl::StatusOr<ActionRecord> ReadAction(const RowView& row);

// The revision's columns, in this order: account_id, revision, version,
// deployment_revision, overrides, ladders, changed_by, change_time, reason
// (checked by CheckStorablePolicyRevisions).
void EncodePolicyRevision(const PolicyRevision& revision, ColumnSink& columns);
// From a row of the same columns.
absl::StatusOr<PolicyRevision> ReadPolicyRevision(const RowView& row);
// The revision that a listing of `query` stays below: its before_revision,
// or one above every revision for 0, so that one statement serves both.
int64_t PolicyRevisionCeiling(const PolicyRevisionQuery& query);

// From a row of evaluation_id, as_of_week, account_id, ad_set_ids,
// policy_version, evaluated_at, evaluated, action_counts, duration_micros.
absl::StatusOr<EvaluationRecord> ReadEvaluation(const RowView& row);
// {"HOLD":3,"MOVE_DOWN":1}: by action name, as the evaluations table holds.
std::string EncodeActionCounts(const std::map<Action, int>& counts);

}  // namespace rung

#endif  // RUNG_STORAGE_ROW_CODEC_H_
