#include "storage/row_codec.h"

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/text.h"
#include "rung/status_macros.h"
#include "storage/json_codec.h"
#include "storage/row_values.h"
#include "storage/store_errors.h"

namespace rung {
namespace {

// Stored as text, so that the database reads without this program.
constexpr std::pair<ReportedLearning, absl::string_view> kLearningNames[] = {
    {ReportedLearning::kLearning, "LEARNING"},
    {ReportedLearning::kSuccess, "SUCCESS"},
    {ReportedLearning::kFail, "FAIL"},
};

absl::StatusOr<ReportedLearning> LearningFromName(absl::string_view name) {
  if (name.empty()) return ReportedLearning::kUnspecified;  // NULL
  for (const auto& [value, known] : kLearningNames) {
    if (known == name) return value;
  }
  return absl::DataLossError(absl::StrCat("unknown value '", name, "'"));
}

absl::StatusOr<std::optional<int32_t>> ThresholdFromColumn(const RowView& row, int column) {
  if (row.IsNull(column)) return std::nullopt;
  const int64_t value = row.ColumnInt(column);
  if (value < std::numeric_limits<int32_t>::min() || value > std::numeric_limits<int32_t>::max()) {
    return absl::DataLossError(absl::StrCat(value, " does not fit in 32 bits"));
  }
  return static_cast<int32_t>(value);
}

std::string EncodeFlags(const std::set<Flag>& flags) {
  std::vector<std::string> names;
  for (const Flag flag : flags) names.emplace_back(FlagName(flag));
  return EncodeStringArray(names);
}

absl::StatusOr<std::set<Flag>> DecodeFlags(absl::string_view json, int64_t mask) {
  ASSIGN_OR_RETURN(const std::vector<std::string> names, DecodeStringArray(json));
  std::set<Flag> flags;
  for (const std::string& name : names) {
    const std::optional<Flag> flag = FlagFromName(name);
    if (!flag.has_value()) return absl::DataLossError(absl::StrCat("unknown flag '", name, "'"));
    flags.insert(*flag);
  }
  // The mask is what the filters read, so it must say what the names say.
  if (FlagMask(flags) != mask) {
    return absl::DataLossError(absl::StrCat(json, " does not match flag_mask ", mask));
  }
  return flags;
}

// Stored by name, so that the database reads without this program.
absl::StatusOr<std::optional<LearningStatus>> LearningStatusFromText(absl::string_view text) {
  if (text.empty()) return std::nullopt;  // NULL
  const std::optional<LearningStatus> status =
      LearningStatusFromName(std::string_view(text.data(), text.size()));
  if (!status.has_value()) return absl::DataLossError(absl::StrCat("unknown value '", text, "'"));
  return status;
}

absl::StatusOr<Action> ActionFromText(absl::string_view text) {
  const std::optional<Action> action = ActionFromName(std::string_view(text.data(), text.size()));
  if (!action.has_value()) return absl::DataLossError(absl::StrCat("unknown action '", text, "'"));
  return *action;
}

absl::StatusOr<int> IntFromColumn(const RowView& row, int column) {
  const int64_t value = row.ColumnInt(column);
  if (value < 0 || value > std::numeric_limits<int>::max()) {
    return absl::DataLossError(absl::StrCat(value, " is not a count"));
  }
  return static_cast<int>(value);
}

absl::StatusOr<std::optional<double>> CostFromColumn(const RowView& row, int column) {
  if (row.IsNull(column)) return std::nullopt;
  const double cost = row.ColumnDouble(column);
  if (!(cost >= 0)) return absl::DataLossError(absl::StrCat(cost, " is not a cost"));
  return cost;
}

absl::StatusOr<ClimbTestState> StateFromText(absl::string_view text) {
  const std::optional<ClimbTestState> state =
      ClimbTestStateFromName(std::string_view(text.data(), text.size()));
  if (!state.has_value()) return absl::DataLossError(absl::StrCat("unknown state '", text, "'"));
  return *state;
}

absl::StatusOr<ActionState> ActionStateFromText(absl::string_view text) {
  const std::optional<ActionState> state = ParseActionState(AsStd(text));
  if (!state.has_value()) return absl::DataLossError(absl::StrCat("unknown state '", text, "'"));
  return *state;
}

// How a corrupt column names the recommendation it is in.
std::string RecommendationWhere(absl::string_view ad_set_id, absl::string_view week) {
  return absl::StrFormat("the recommendation of ad set '%s' week %s", ad_set_id, week);
}

absl::StatusOr<StoredAccountFigures> ReadAccountFigures(const RowView& row) {
  StoredAccountFigures figures;
  figures.account_id = row.ColumnText(0);
  const std::string where =
      absl::StrCat("the figures of account ", Quote(figures.account_id, '\''));
  figures.ad_sets = row.ColumnInt(1);
  ASSIGN_OR_RETURN(figures.last_week_stored,
                   CheckStored(OptionalWeekFromText(row.ColumnView(2)), "week_start", where));
  ASSIGN_OR_RETURN(figures.latest_evaluated_week,
                   CheckStored(OptionalWeekFromText(row.ColumnView(3)), "as_of_week", where));
  return figures;
}

}  // namespace

absl::string_view LearningName(ReportedLearning learning) {
  for (const auto& [value, name] : kLearningNames) {
    if (value == learning) return name;
  }
  return "";
}

absl::Status ReadWeekInto(const RowView& row, WeekParser& weeks, AdSetWeek* week) {
  auto assign = [&](int column, std::string* field) {
    const absl::string_view text = row.ColumnView(column);
    field->assign(text.data(), text.size());
  };
  // The row is named only for a corrupt column: a scan reads every week.
  auto corrupt = [&](absl::string_view column, const absl::Status& problem) {
    return CorruptColumn(column,
                         absl::StrFormat("ad set '%s' week %s", week->ad_set_id, row.ColumnView(0)),
                         problem);
  };
  absl::StatusOr<Week> week_start = weeks.Parse(row.ColumnView(0));
  if (!week_start.ok()) return corrupt("week_start", week_start.status());
  week->week = *week_start;
  assign(1, &week->optimization_event);
  week->spend_micros.reset();
  if (!row.IsNull(2)) week->spend_micros = row.ColumnInt(2);
  if (absl::Status counts = DecodeEventCountsInto(row.ColumnView(3), &week->event_counts);
      !counts.ok()) {
    return corrupt("event_counts", counts);
  }
  absl::StatusOr<ReportedLearning> learning = LearningFromName(row.ColumnView(4));
  if (!learning.ok()) return corrupt("reported_learning_status", learning.status());
  week->reported_learning = *learning;
  absl::StatusOr<std::optional<int32_t>> threshold = ThresholdFromColumn(row, 5);
  if (!threshold.ok()) return corrupt("learning_threshold_override", threshold.status());
  week->learning_threshold_override = *threshold;
  assign(6, &week->ladder);
  week->significant_edit = row.ColumnInt(7) != 0;
  return absl::OkStatus();
}

int64_t FlagBit(Flag flag) { return int64_t{1} << static_cast<int>(flag); }

int64_t FlagMask(const std::set<Flag>& flags) {
  int64_t mask = 0;
  for (const Flag flag : flags) mask |= FlagBit(flag);
  return mask;
}

absl::StatusOr<Recommendation> ReadRecommendation(const RowView& row) {
  Recommendation r;
  r.ad_set_id = row.ColumnText(0);
  const std::string week = row.ColumnText(1);
  const std::string where = RecommendationWhere(r.ad_set_id, week);
  ASSIGN_OR_RETURN(r.as_of_week, CheckStored(Week::Parse(week), "as_of_week", where));
  r.account_id = row.ColumnText(2);
  r.ladder = row.ColumnText(3);
  ASSIGN_OR_RETURN(r.action, CheckStored(ActionFromText(row.ColumnText(4)), "action", where));
  ASSIGN_OR_RETURN(r.flags,
                   CheckStored(DecodeFlags(row.ColumnText(6), row.ColumnInt(5)), "flags", where));
  r.current_event = row.ColumnText(7);
  r.target_event = row.ColumnText(8);
  ASSIGN_OR_RETURN(r.learning_status, CheckStored(LearningStatusFromText(row.ColumnText(9)),
                                                  "learning_status", where));
  ASSIGN_OR_RETURN(r.latest_counts,
                   CheckStored(DecodeEventCounts(row.ColumnText(10)), "latest_counts", where));
  ASSIGN_OR_RETURN(r.sustained_counts,
                   CheckStored(DecodeEventCounts(row.ColumnText(11)), "sustained_counts", where));
  ASSIGN_OR_RETURN(r.reasons, CheckStored(DecodeReasons(row.ColumnText(12)), "reasons", where));
  ASSIGN_OR_RETURN(r.weeks_on_rung, CheckStored(IntFromColumn(row, 13), "weeks_on_rung", where));
  ASSIGN_OR_RETURN(r.next_review_week, CheckStored(OptionalWeekFromText(row.ColumnText(14)),
                                                   "next_review_week", where));
  r.climb_test_id = row.ColumnText(15);
  ASSIGN_OR_RETURN(r.learning_threshold,
                   CheckStored(IntFromColumn(row, 16), "learning_threshold", where));
  r.policy_version = row.ColumnText(17);
  r.evaluation_id = row.ColumnText(18);
  ASSIGN_OR_RETURN(r.evaluated_at,
                   CheckStored(DecodeTimestamp(row.ColumnText(19)), "evaluated_at", where));
  ASSIGN_OR_RETURN(r.learning_budget,
                   CheckStored(DecodeLearningBudget(row.ColumnView(20), r.learning_threshold),
                               "learning_budget", where));
  return r;
}

absl::Status ReadAdviceInto(const RowView& row, WeekParser& weeks, AdviceRow* advice) {
  const absl::string_view ad_set_id = row.ColumnView(0);
  advice->ad_set_id.assign(ad_set_id.data(), ad_set_id.size());
  // The row is named only for a corrupt column: a scan reads every week.
  auto corrupt = [&](absl::string_view column, const absl::Status& problem) {
    return CorruptColumn(column, RecommendationWhere(ad_set_id, row.ColumnView(1)), problem);
  };
  absl::StatusOr<Week> week = weeks.Parse(row.ColumnView(1));
  if (!week.ok()) return corrupt("as_of_week", week.status());
  advice->week = *week;
  absl::StatusOr<Action> action = ActionFromText(row.ColumnView(2));
  if (!action.ok()) return corrupt("action", action.status());
  advice->action = *action;
  absl::StatusOr<std::optional<LearningStatus>> learning =
      LearningStatusFromText(row.ColumnView(3));
  if (!learning.ok()) return corrupt("learning_status", learning.status());
  advice->learning_status = *learning;
  const absl::string_view current_event = row.ColumnView(4);
  advice->current_event.assign(current_event.data(), current_event.size());
  advice->spend_micros.reset();
  if (!row.IsNull(5)) advice->spend_micros = row.ColumnInt(5);
  return absl::OkStatus();
}

absl::Status ReadLearningBudgetInto(const RowView& row, Week week, StoredLearningBudget* budget) {
  const absl::string_view ad_set_id = row.ColumnView(0);
  budget->ad_set_id.assign(ad_set_id.data(), ad_set_id.size());
  // The row is named only for a corrupt column: a scan reads a whole week.
  auto corrupt = [&](absl::string_view column, const absl::Status& problem) {
    return CorruptColumn(column, RecommendationWhere(ad_set_id, week.ToString()), problem);
  };
  absl::StatusOr<int> threshold = IntFromColumn(row, 1);
  if (!threshold.ok()) return corrupt("learning_threshold", threshold.status());
  budget->learning_threshold = *threshold;
  if (absl::Status decoded =
          DecodeLearningBudgetInto(row.ColumnView(2), *threshold, &budget->budget);
      !decoded.ok()) {
    return corrupt("learning_budget", decoded);
  }
  return absl::OkStatus();
}

absl::StatusOr<Week> ReadEvaluatedWeek(const RowView& row, absl::string_view account_id) {
  return CheckStored(Week::Parse(AsStd(row.ColumnView(0))), "as_of_week",
                     absl::StrCat("the recommendations of account ", Quote(account_id, '\'')));
}

absl::Status AddAccountFiguresRow(const RowView& row, std::vector<StoredAccountFigures>* figures) {
  if (figures->empty() || absl::string_view(figures->back().account_id) != row.ColumnView(0)) {
    ASSIGN_OR_RETURN(StoredAccountFigures first, ReadAccountFigures(row));
    figures->push_back(std::move(first));
  }
  if (row.IsNull(4)) return absl::OkStatus();
  StoredAccountFigures& account = figures->back();
  const std::string where =
      absl::StrCat("the latest recommendations of account ", Quote(account.account_id, '\''));
  ASSIGN_OR_RETURN(const Action action,
                   CheckStored(ActionFromText(row.ColumnView(4)), "action", where));
  ASSIGN_OR_RETURN(
      const std::optional<LearningStatus> learning_status,
      CheckStored(LearningStatusFromText(row.ColumnView(5)), "learning_status", where));
  const int64_t count = row.ColumnInt(6);
  account.actions_at_latest[action] += count;
  if (learning_status.has_value()) account.learning_statuses_at_latest[*learning_status] += count;
  return absl::OkStatus();
}

absl::StatusOr<ClimbTest> ReadClimbTest(const RowView& row) {
  ClimbTest test;
  test.climb_test_id = row.ColumnText(0);
  const std::string where = absl::StrFormat("climb test '%s'", test.climb_test_id);
  test.account_id = row.ColumnText(1);
  test.original_ad_set_id = row.ColumnText(2);
  test.duplicate_ad_set_id = row.ColumnText(3);
  test.from_event = row.ColumnText(4);
  test.to_event = row.ColumnText(5);
  ASSIGN_OR_RETURN(test.start_week,
                   CheckStored(Week::Parse(row.ColumnText(6)), "start_week", where));
  ASSIGN_OR_RETURN(test.state, CheckStored(StateFromText(row.ColumnText(7)), "state", where));
  ASSIGN_OR_RETURN(test.concluded_week,
                   CheckStored(OptionalWeekFromText(row.ColumnText(8)), "concluded_week", where));
  ASSIGN_OR_RETURN(test.original_cost_per_macro,
                   CheckStored(CostFromColumn(row, 9), "original_cost_per_macro", where));
  ASSIGN_OR_RETURN(test.duplicate_cost_per_macro,
                   CheckStored(CostFromColumn(row, 10), "duplicate_cost_per_macro", where));
  if (!row.IsNull(11)) test.retest_baseline = row.ColumnInt(11);
  ASSIGN_OR_RETURN(test.create_time,
                   CheckStored(DecodeTimestamp(row.ColumnText(12)), "create_time", where));
  return test;
}

absl::StatusOr<AccountRecord> ReadAccount(const RowView& row) {
  AccountRecord account;
  account.account_id = row.ColumnText(0);
  account.name = row.ColumnText(1);
  account.currency = row.ColumnText(2);
  account.time_zone = row.ColumnText(3);
  ASSIGN_OR_RETURN(account.last_sync_time,
                   CheckStored(DecodeTimestamp(row.ColumnText(4)), "last_sync_time",
                               absl::StrCat("account ", Quote(account.account_id, '\''))));
  return account;
}

void EncodeAction(const ActionRecord& record, ColumnSink& columns) {
  columns.AddText(record.action_id);
  columns.AddText(record.key);
  columns.AddText(record.account_id);
  columns.AddText(record.ad_set_id);
  columns.AddTextOrNull(record.duplicate_ad_set_id);
  columns.AddText(record.as_of_week.ToString());
  columns.AddText(AsAbsl(ActionName(record.action)));
  columns.AddTextOrNull(record.target_event);
  columns.AddText(AsAbsl(ActionStateName(record.state)));
  columns.AddTextOrNull(record.outcome);
  columns.AddText(EncodeActionSteps(record.steps));
  columns.AddTextOrNull(record.recorded_by);
  columns.AddText(EncodeTimestamp(record.updated_at));
}

absl::StatusOr<ActionRecord> ReadAction(const RowView& row) {
  ActionRecord record;
  record.action_id = row.ColumnText(0);
  record.key = row.ColumnText(1);
  const std::string where = absl::StrCat("action ", Quote(record.key, '\''));
  record.account_id = row.ColumnText(2);
  record.ad_set_id = row.ColumnText(3);
  record.duplicate_ad_set_id = row.ColumnText(4);
  ASSIGN_OR_RETURN(record.as_of_week,
                   CheckStored(Week::Parse(AsStd(row.ColumnView(5))), "as_of_week", where));
  ASSIGN_OR_RETURN(record.action, CheckStored(ActionFromText(row.ColumnView(6)), "action", where));
  record.target_event = row.ColumnText(7);
  ASSIGN_OR_RETURN(record.state,
                   CheckStored(ActionStateFromText(row.ColumnView(8)), "state", where));
  record.outcome = row.ColumnText(9);
  ASSIGN_OR_RETURN(record.steps,
                   CheckStored(DecodeActionSteps(row.ColumnView(10)), "steps", where));
  record.recorded_by = row.ColumnText(11);
  ASSIGN_OR_RETURN(record.updated_at,
                   CheckStored(DecodeTimestamp(row.ColumnView(12)), "updated_at", where));
  ASSIGN_OR_RETURN(record.created_at,
                   CheckStored(DecodeTimestamp(row.ColumnView(13)), "created_at", where));
  return record;
}

void EncodePolicyRevision(const PolicyRevision& revision, ColumnSink& columns) {
  // Not OrNull: '' is the deployment's id, part of the key.
  columns.AddText(revision.account_id);
  columns.AddInt(revision.revision);
  columns.AddText(revision.version);
  columns.AddInt(revision.deployment_revision);
  columns.AddText(EncodePolicyOverrides(revision.overrides));
  columns.AddText(EncodeLadders(revision.ladders));
  columns.AddTextOrNull(revision.changed_by);
  columns.AddText(EncodeTimestamp(revision.change_time));
  columns.AddTextOrNull(revision.reason);
}

absl::StatusOr<PolicyRevision> ReadPolicyRevision(const RowView& row) {
  PolicyRevision revision;
  revision.account_id = row.ColumnText(0);
  revision.revision = row.ColumnInt(1);
  const std::string where =
      absl::StrCat("policy revision ", revision.revision, " of ", PolicyOwner(revision.account_id));
  revision.version = row.ColumnText(2);
  revision.deployment_revision = row.ColumnInt(3);
  ASSIGN_OR_RETURN(revision.overrides,
                   CheckStored(DecodePolicyOverrides(row.ColumnView(4)), "overrides", where));
  ASSIGN_OR_RETURN(revision.ladders,
                   CheckStored(DecodeLadders(row.ColumnView(5)), "ladders", where));
  revision.changed_by = row.ColumnText(6);
  ASSIGN_OR_RETURN(revision.change_time,
                   CheckStored(DecodeTimestamp(row.ColumnView(7)), "change_time", where));
  revision.reason = row.ColumnText(8);
  return revision;
}

int64_t PolicyRevisionCeiling(const PolicyRevisionQuery& query) {
  return query.before_revision > 0 ? query.before_revision : std::numeric_limits<int64_t>::max();
}

void EncodeRecommendation(const Recommendation& r, ColumnSink& rows) {
  rows.AddText(r.ad_set_id);
  rows.AddText(r.as_of_week.ToString());
  rows.AddText(r.account_id);
  rows.AddText(r.ladder);
  rows.AddText(AsAbsl(ActionName(r.action)));
  rows.AddInt(FlagMask(r.flags));
  rows.AddText(EncodeFlags(r.flags));
  rows.AddTextOrNull(r.current_event);
  rows.AddTextOrNull(r.target_event);
  rows.AddTextOrNull(r.learning_status.has_value() ? AsAbsl(LearningStatusName(*r.learning_status))
                                                   : "");
  rows.AddText(EncodeEventCounts(r.latest_counts));
  rows.AddText(EncodeEventCounts(r.sustained_counts));
  rows.AddText(EncodeReasons(r.reasons));
  rows.AddInt(r.weeks_on_rung);
  rows.AddTextOrNull(r.next_review_week.has_value() ? r.next_review_week->ToString() : "");
  rows.AddTextOrNull(r.climb_test_id);
  rows.AddInt(r.learning_threshold);
  rows.AddText(r.policy_version);
  rows.AddText(r.evaluation_id);
  rows.AddText(EncodeTimestamp(r.evaluated_at));
  rows.AddText(EncodeLearningBudget(r.learning_budget));
}

absl::StatusOr<EvaluationRecord> ReadEvaluation(const RowView& row) {
  EvaluationRecord evaluation;
  evaluation.evaluation_id = row.ColumnText(0);
  const std::string where = absl::StrCat("evaluation '", evaluation.evaluation_id, "'");
  ASSIGN_OR_RETURN(evaluation.as_of_week,
                   CheckStored(Week::Parse(row.ColumnText(1)), "as_of_week", where));
  evaluation.account_id = row.ColumnText(2);
  ASSIGN_OR_RETURN(evaluation.ad_set_ids,
                   CheckStored(DecodeStringArray(row.ColumnText(3)), "ad_set_ids", where));
  evaluation.policy_version = row.ColumnText(4);
  ASSIGN_OR_RETURN(evaluation.evaluated_at,
                   CheckStored(DecodeTimestamp(row.ColumnText(5)), "evaluated_at", where));
  evaluation.evaluated = static_cast<int>(row.ColumnInt(6));
  ASSIGN_OR_RETURN(const auto counts,
                   CheckStored(DecodeEventCounts(row.ColumnText(7)), "action_counts", where));
  for (const auto& [name, count] : counts) {
    const std::optional<Action> action = ActionFromName(name);
    if (!action.has_value()) {
      return absl::DataLossError(absl::StrCat("stored action_counts of ", where,
                                              " is corrupt: unknown action '", name, "'"));
    }
    evaluation.action_counts.emplace(*action, static_cast<int>(count));
  }
  evaluation.duration = absl::Microseconds(row.ColumnInt(8));
  return evaluation;
}

std::string EncodeActionCounts(const std::map<Action, int>& counts) {
  std::map<std::string, int64_t> by_name;
  for (const auto& [action, count] : counts) by_name.emplace(ActionName(action), count);
  return EncodeEventCounts(by_name);
}

}  // namespace rung
