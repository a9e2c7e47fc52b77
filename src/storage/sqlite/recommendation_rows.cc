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
#include "storage/row_codec.h"
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
  "evaluated_at, learning_budget"

// REPLACE is delete-then-insert; the table has no other unique key, trigger
// or reference that this could disturb.
constexpr absl::string_view kUpsertRecommendation =
    "INSERT OR REPLACE INTO recommendations (" RUNG_RECOMMENDATION_COLUMNS
    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, "
    "?19, ?20, ?21)";
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
  ASSIGN_OR_RETURN(StatementLease insert, writer.Prepare(kInsertEvaluation, kDoing));
  insert->Bind(1, evaluation.evaluation_id);
  insert->Bind(2, evaluation.as_of_week.ToString());
  insert->BindTextOrNull(3, evaluation.account_id);
  insert->Bind(4, EncodeStringArray(evaluation.ad_set_ids));
  insert->Bind(5, evaluation.policy_version);
  insert->Bind(6, EncodeTimestamp(evaluation.evaluated_at));
  insert->Bind(7, int64_t{evaluation.evaluated});
  insert->Bind(8, EncodeActionCounts(evaluation.action_counts));
  insert->Bind(9, absl::ToInt64Microseconds(evaluation.duration));
  return insert->Run(kDoing);
}

absl::StatusOr<std::optional<EvaluationRecord>> SelectLatestEvaluationRow(Connection& reader) {
  constexpr absl::string_view kDoing = "reading the latest evaluation";
  ASSIGN_OR_RETURN(StatementLease select, reader.Prepare(kSelectLatestEvaluation, kDoing));
  ASSIGN_OR_RETURN(const bool row, select->Step(kDoing));
  if (!row) return std::nullopt;
  return ReadEvaluation(*select);
}

}  // namespace rung
