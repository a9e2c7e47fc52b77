#include "storage/sqlite/recommendation_rows.h"

#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/text.h"
#include "rung/status_macros.h"
#include "storage/json_codec.h"
#include "storage/row_values.h"
#include "storage/store_errors.h"

namespace rung {
namespace {

// Every SELECT of a recommendation reads these columns, in this order; see
// ReadRecommendation. A macro, so that the statements stay literals.
#define RUNG_RECOMMENDATION_COLUMNS                                                          \
  "ad_set_id, as_of_week, account_id, ladder, action, flag_mask, flags, current_event, "     \
  "target_event, learning_status, latest_counts, sustained_counts, reasons, weeks_on_rung, " \
  "next_review_week, climb_test_id, learning_threshold, policy_version, evaluation_id, "     \
  "evaluated_at"

// REPLACE is delete-then-insert; the table has no other unique key, trigger
// or reference that this could disturb.
constexpr absl::string_view kUpsertRecommendation =
    "INSERT OR REPLACE INTO recommendations (" RUNG_RECOMMENDATION_COLUMNS
    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, "
    "?19, ?20)";
constexpr absl::string_view kSelectRecommendation =
    "SELECT " RUNG_RECOMMENDATION_COLUMNS
    " FROM recommendations WHERE ad_set_id = ?1 AND as_of_week = ?2";
constexpr absl::string_view kSelectLatestRecommendation =
    "SELECT " RUNG_RECOMMENDATION_COLUMNS
    " FROM recommendations WHERE ad_set_id = ?1 ORDER BY as_of_week DESC LIMIT 1";

// The list statements share one parameter layout; see ListParameters. The
// action and flag filters are the same in each: ?3 is NULL or a JSON array
// of action names, ?4 a flag mask (0: flags do not matter). A separate
// statement per account filter and per week mode, rather than "?6 IS NULL
// OR ...", lets SQLite pick the index for each.
#define RUNG_RECOMMENDATION_FILTERS                                  \
  " AND (?3 IS NULL OR action IN (SELECT value FROM json_each(?3)))" \
  " AND (?4 = 0 OR (flag_mask & ?4) <> 0) ORDER BY ad_set_id LIMIT ?5"
// Each ad set's latest week is chosen first, and only then filtered: an ad
// set whose latest recommendation does not match is left out, not answered
// with an older one that does.
#define RUNG_LATEST_WEEK                            \
  " AND as_of_week = (SELECT max(as_of_week) FROM " \
  "recommendations AS l WHERE l.ad_set_id = r.ad_set_id)"
constexpr absl::string_view kListWeek =
    "SELECT " RUNG_RECOMMENDATION_COLUMNS
    " FROM recommendations WHERE as_of_week = ?1 AND ad_set_id > ?2" RUNG_RECOMMENDATION_FILTERS;
constexpr absl::string_view kListWeekOfAccount =
    "SELECT " RUNG_RECOMMENDATION_COLUMNS
    " FROM recommendations WHERE account_id = ?6 AND as_of_week = ?1"
    " AND ad_set_id > ?2" RUNG_RECOMMENDATION_FILTERS;
constexpr absl::string_view kListLatest =
    "SELECT " RUNG_RECOMMENDATION_COLUMNS
    " FROM recommendations AS r WHERE ad_set_id > ?2" RUNG_LATEST_WEEK RUNG_RECOMMENDATION_FILTERS;
constexpr absl::string_view kListLatestOfAccount =
    "SELECT " RUNG_RECOMMENDATION_COLUMNS
    " FROM recommendations AS r WHERE account_id = ?6 AND ad_set_id > ?2" RUNG_LATEST_WEEK
        RUNG_RECOMMENDATION_FILTERS;

#undef RUNG_LATEST_WEEK
#undef RUNG_RECOMMENDATION_FILTERS
#undef RUNG_RECOMMENDATION_COLUMNS

constexpr absl::string_view kEvaluationExists =
    "SELECT EXISTS (SELECT 1 FROM evaluations WHERE evaluation_id = ?1)";
constexpr absl::string_view kInsertEvaluation =
    "INSERT INTO evaluations (evaluation_id, as_of_week, account_id, ad_set_ids, policy_version, "
    "evaluated_at, evaluated, action_counts, duration_micros) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
constexpr absl::string_view kSelectLatestEvaluation =
    "SELECT evaluation_id, as_of_week, account_id, ad_set_ids, policy_version, evaluated_at, "
    "evaluated, action_counts, duration_micros FROM evaluations "
    "ORDER BY evaluated_at DESC, evaluation_id DESC LIMIT 1";

int64_t FlagBit(Flag flag) { return int64_t{1} << static_cast<int>(flag); }

int64_t FlagMask(const std::set<Flag>& flags) {
  int64_t mask = 0;
  for (const Flag flag : flags) mask |= FlagBit(flag);
  return mask;
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

absl::StatusOr<int> IntFromColumn(const Statement& row, int column) {
  const int64_t value = row.ColumnInt(column);
  if (value < 0 || value > std::numeric_limits<int>::max()) {
    return absl::DataLossError(absl::StrCat(value, " is not a count"));
  }
  return static_cast<int>(value);
}

// The inverse of AddRecommendationRow, from a row of RUNG_RECOMMENDATION_COLUMNS.
absl::StatusOr<Recommendation> ReadRecommendation(const Statement& row) {
  Recommendation r;
  r.ad_set_id = row.ColumnText(0);
  const std::string week = row.ColumnText(1);
  const std::string where =
      absl::StrFormat("the recommendation of ad set '%s' week %s", r.ad_set_id, week);
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
  return r;
}

// Binds the parameters that the list statements share.
void BindListParameters(Statement& statement, const RecommendationQuery& query) {
  if (query.as_of_week.has_value()) statement.Bind(1, query.as_of_week->ToString());
  statement.Bind(2, query.after_ad_set_id);
  if (query.actions.empty()) {
    statement.BindNull(3);
  } else {
    std::vector<std::string> names;
    for (const Action action : query.actions) names.emplace_back(ActionName(action));
    statement.Bind(3, EncodeStringArray(names));
  }
  int64_t mask = 0;
  for (const Flag flag : query.flags) mask |= FlagBit(flag);
  statement.Bind(4, mask);
  statement.Bind(5, int64_t{query.limit});
  if (!query.account_id.empty()) statement.Bind(6, query.account_id);
}

absl::string_view ListStatement(const RecommendationQuery& query) {
  const bool by_account = !query.account_id.empty();
  if (query.as_of_week.has_value()) return by_account ? kListWeekOfAccount : kListWeek;
  return by_account ? kListLatestOfAccount : kListLatest;
}

}  // namespace

void AddRecommendationRow(const Recommendation& r, ParameterRows& rows) {
  rows.StartRow();
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
}

absl::Status UpsertRecommendationRows(Connection& writer, const ParameterRows& rows) {
  constexpr absl::string_view kDoing = "storing recommendations";
  ASSIGN_OR_RETURN(StatementLease upsert, writer.Prepare(kUpsertRecommendation, kDoing));
  return rows.RunEach(*upsert, kDoing);
}

absl::StatusOr<Recommendation> SelectRecommendationRow(Connection& connection,
                                                       const std::string& ad_set_id,
                                                       std::optional<Week> week) {
  constexpr absl::string_view kDoing = "reading a recommendation";
  ASSIGN_OR_RETURN(
      StatementLease select,
      connection.Prepare(week.has_value() ? kSelectRecommendation : kSelectLatestRecommendation,
                         kDoing));
  select->Bind(1, ad_set_id);
  if (week.has_value()) select->Bind(2, week->ToString());
  ASSIGN_OR_RETURN(const bool row, select->Step(kDoing));
  if (!row) return RecommendationNotFound(ad_set_id, week);
  return ReadRecommendation(*select);
}

absl::StatusOr<std::vector<Recommendation>> SelectRecommendationRows(
    Connection& connection, const RecommendationQuery& query) {
  constexpr absl::string_view kDoing = "listing recommendations";
  RETURN_IF_ERROR(CheckPageLimit(query.limit));
  ASSIGN_OR_RETURN(StatementLease select, connection.Prepare(ListStatement(query), kDoing));
  BindListParameters(*select, query);
  std::vector<Recommendation> recommendations;
  while (true) {
    ASSIGN_OR_RETURN(const bool row, select->Step(kDoing));
    if (!row) return recommendations;
    ASSIGN_OR_RETURN(Recommendation recommendation, ReadRecommendation(*select));
    recommendations.push_back(std::move(recommendation));
  }
}

absl::Status InsertEvaluationRow(Connection& writer, const EvaluationRecord& evaluation) {
  constexpr absl::string_view kDoing = "recording an evaluation";
  ASSIGN_OR_RETURN(const bool exists,
                   writer.QueryExists(kEvaluationExists, evaluation.evaluation_id, kDoing));
  if (exists) return EvaluationAlreadyRecorded(evaluation.evaluation_id);
  std::map<std::string, int64_t> action_counts;
  for (const auto& [action, count] : evaluation.action_counts) {
    action_counts.emplace(ActionName(action), count);
  }
  ASSIGN_OR_RETURN(StatementLease insert, writer.Prepare(kInsertEvaluation, kDoing));
  insert->Bind(1, evaluation.evaluation_id);
  insert->Bind(2, evaluation.as_of_week.ToString());
  insert->BindTextOrNull(3, evaluation.account_id);
  insert->Bind(4, EncodeStringArray(evaluation.ad_set_ids));
  insert->Bind(5, evaluation.policy_version);
  insert->Bind(6, EncodeTimestamp(evaluation.evaluated_at));
  insert->Bind(7, int64_t{evaluation.evaluated});
  insert->Bind(8, EncodeEventCounts(action_counts));
  insert->Bind(9, absl::ToInt64Microseconds(evaluation.duration));
  return insert->Run(kDoing);
}

absl::StatusOr<std::optional<EvaluationRecord>> SelectLatestEvaluationRow(Connection& reader) {
  constexpr absl::string_view kDoing = "reading the latest evaluation";
  ASSIGN_OR_RETURN(StatementLease select, reader.Prepare(kSelectLatestEvaluation, kDoing));
  ASSIGN_OR_RETURN(const bool row, select->Step(kDoing));
  if (!row) return std::nullopt;
  EvaluationRecord evaluation;
  evaluation.evaluation_id = select->ColumnText(0);
  const std::string where = absl::StrCat("evaluation '", evaluation.evaluation_id, "'");
  ASSIGN_OR_RETURN(evaluation.as_of_week,
                   CheckStored(Week::Parse(select->ColumnText(1)), "as_of_week", where));
  evaluation.account_id = select->ColumnText(2);
  ASSIGN_OR_RETURN(evaluation.ad_set_ids,
                   CheckStored(DecodeStringArray(select->ColumnText(3)), "ad_set_ids", where));
  evaluation.policy_version = select->ColumnText(4);
  ASSIGN_OR_RETURN(evaluation.evaluated_at,
                   CheckStored(DecodeTimestamp(select->ColumnText(5)), "evaluated_at", where));
  evaluation.evaluated = static_cast<int>(select->ColumnInt(6));
  ASSIGN_OR_RETURN(const auto counts,
                   CheckStored(DecodeEventCounts(select->ColumnText(7)), "action_counts", where));
  for (const auto& [name, count] : counts) {
    const std::optional<Action> action = ActionFromName(name);
    if (!action.has_value()) {
      return absl::DataLossError(absl::StrCat("stored action_counts of ", where,
                                              " is corrupt: unknown action '", name, "'"));
    }
    evaluation.action_counts.emplace(*action, static_cast<int>(count));
  }
  evaluation.duration = absl::Microseconds(select->ColumnInt(8));
  return evaluation;
}

}  // namespace rung
