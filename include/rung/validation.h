#ifndef RUNG_VALIDATION_H_
#define RUNG_VALIDATION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "rung/ad_set_week.h"
#include "rung/ladder.h"

namespace rung {

// An ad set week as a caller sent it, before any check. Adapters (gRPC,
// importers) fill it without judging it; validation does all the judging so
// that every entry point refuses the same things with the same words.
struct RawAdSetWeek {
  std::string account_id;
  std::string campaign_id;
  std::string ad_set_id;
  std::string week_start;
  std::string optimization_event;
  std::optional<int64_t> spend_micros;
  // In the order received; names may be aliases of each other.
  std::vector<std::pair<std::string, int64_t>> event_counts;
  // "", "LEARNING", "SUCCESS" or "FAIL" (also accepted with the
  // "REPORTED_LEARNING_STATUS_" prefix); anything else is refused.
  std::string reported_learning_status;
  std::optional<int64_t> learning_threshold_override;
  std::string ladder;
  bool significant_edit = false;
};

struct ValidationOptions {
  // Past it the whole batch is refused with RESOURCE_EXHAUSTED.
  int max_batch_size = 5000;
  // Records of weeks that start after this day are refused.
  absl::CivilDay today;
};

inline constexpr int kMaxIdLength = 128;
inline constexpr int kMaxRequestIdLength = 128;
inline constexpr int64_t kMaxEventCount = int64_t{1} << 40;
inline constexpr int64_t kMaxLearningThreshold = 1000000;

struct ValidatedBatch {
  std::vector<AdSetWeek> records;  // in request order
  std::vector<std::string> warnings;
};

// Checks and normalizes one record. Errors are INVALID_ARGUMENT and start with
// "weeks[<index>].<field>: ". Custom event names add warnings.
absl::StatusOr<AdSetWeek> ValidateRecord(const RawAdSetWeek& raw, size_t index,
                                         const LadderRegistry& ladders, absl::CivilDay today,
                                         std::vector<std::string>* warnings);

// Checks a whole ingest request: its size, every record, and that no
// (ad set, week) appears twice. Warnings are deduplicated per custom name.
absl::StatusOr<ValidatedBatch> ValidateBatch(const std::vector<RawAdSetWeek>& raw,
                                             const LadderRegistry& ladders,
                                             const ValidationOptions& options);

}  // namespace rung

#endif  // RUNG_VALIDATION_H_
