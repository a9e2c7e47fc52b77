#ifndef RUNG_STORAGE_SQLITE_RECOMMENDATION_ROWS_H_
#define RUNG_STORAGE_SQLITE_RECOMMENDATION_ROWS_H_

// The recommendations and evaluations tables (migration 0002): their SQL and
// how a row encodes. Each function uses the connection it is given; writes
// expect the caller to hold the writer and its transaction.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "rung/recommendation.h"
#include "rung/store.h"
#include "rung/week.h"
#include "storage/sqlite/parameter_rows.h"
#include "storage/sqlite/sqlite_db.h"

namespace rung {

// Stores each row of EncodeRecommendation (storage/row_codec.h) under its
// (ad set, as-of week),
// replacing the one there.
absl::Status UpsertRecommendationRows(Connection& writer, const ParameterRows& rows);

// The row of (ad set, week), or the ad set's latest when `week` is nullopt.
// NOT_FOUND when there is none.
absl::StatusOr<Recommendation> SelectRecommendationRow(Connection& connection,
                                                       const std::string& ad_set_id,
                                                       std::optional<Week> week);

// See Store::ListRecommendations. INVALID_ARGUMENT for a limit below 1.
absl::StatusOr<std::vector<Recommendation>> SelectRecommendationRows(
    Connection& connection, const RecommendationQuery& query);

// Appends the run; ALREADY_EXISTS when its evaluation_id is stored.
absl::Status InsertEvaluationRow(Connection& writer, const EvaluationRecord& evaluation);

// The most recently evaluated run, or nullopt before the first.
absl::StatusOr<std::optional<EvaluationRecord>> SelectLatestEvaluationRow(Connection& reader);

}  // namespace rung

#endif  // RUNG_STORAGE_SQLITE_RECOMMENDATION_ROWS_H_
