#ifndef RUNG_STORAGE_RECOMMENDATION_ROWS_H_
#define RUNG_STORAGE_RECOMMENDATION_ROWS_H_

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
#include "storage/sqlite_db.h"

namespace rung {

// INVALID_ARGUMENT, naming `field` ("decisions[2].recommendation"), for a
// recommendation that could not be stored or read back as it is: no ad set
// or account, a negative count or number, an instant outside years 1-9999.
absl::Status CheckStorableRecommendation(const Recommendation& recommendation,
                                         absl::string_view field);

// Creates the writer connection's staging of recommendations, which no
// other connection sees and which goes with the connection.
absl::Status CreateRecommendationStaging(Connection& writer);

// Stages the row of (ad set, as-of week) for run `run_id`, replacing one
// the run staged before.
absl::Status StageRecommendationRow(Connection& writer, absl::string_view run_id,
                                    const Recommendation& recommendation);

// Moves the rows staged for `run_id` into recommendations, each replacing
// the row of its (ad set, as-of week).
absl::Status PublishStagedRecommendationRows(Connection& writer, absl::string_view run_id);

// Forgets the rows staged for `run_id`.
absl::Status DropStagedRecommendationRows(Connection& writer, absl::string_view run_id);

// The row of (ad set, week), or the ad set's latest when `week` is nullopt.
// NOT_FOUND when there is none.
absl::StatusOr<Recommendation> SelectRecommendationRow(Connection& connection,
                                                       const std::string& ad_set_id,
                                                       std::optional<Week> week);

// See Store::ListRecommendations. INVALID_ARGUMENT for a limit below 1.
absl::StatusOr<std::vector<Recommendation>> SelectRecommendationRows(
    Connection& connection, const RecommendationQuery& query);

// INVALID_ARGUMENT, naming the field, for a run that could not be stored.
absl::Status CheckStorableEvaluation(const EvaluationRecord& evaluation);

// Appends the run; ALREADY_EXISTS when its evaluation_id is stored.
absl::Status InsertEvaluationRow(Connection& writer, const EvaluationRecord& evaluation);

// The most recently evaluated run, or nullopt before the first.
absl::StatusOr<std::optional<EvaluationRecord>> SelectLatestEvaluationRow(Connection& reader);

}  // namespace rung

#endif  // RUNG_STORAGE_RECOMMENDATION_ROWS_H_
