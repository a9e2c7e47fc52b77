#ifndef RUNG_STORAGE_JSON_CODEC_H_
#define RUNG_STORAGE_JSON_CODEC_H_

// The text values the database holds beside plain columns, each in one
// canonical spelling (JSON without spaces, map keys sorted, record fields in
// a fixed order), so that equal values are equal text and an UPDATE can tell
// "unchanged" by comparing columns. Every decoder is strict and answers
// DATA_LOSS for a spelling its encoder never writes.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "rung/action_record.h"
#include "rung/ladder.h"
#include "rung/policy.h"
#include "rung/recommendation.h"

namespace rung {

// {"AddToCart":85,"Purchase":12}
std::string EncodeEventCounts(const std::map<std::string, int64_t>& counts);

// The inverse of EncodeEventCounts, strict: keys must be sorted and unique and
// counts non-negative integers. DATA_LOSS otherwise, since we never write that.
absl::StatusOr<std::map<std::string, int64_t>> DecodeEventCounts(absl::string_view json);
// The same into `counts`, which is replaced. When its keys are those of
// `json` already, as in consecutive weeks of one ad set, only the counts
// change and nothing is allocated: a scan of every week stays cheap. On error
// `counts` is unspecified.
absl::Status DecodeEventCountsInto(absl::string_view json, std::map<std::string, int64_t>* counts);

// ["first","with \"quotes\""]
std::string EncodeStringArray(const std::vector<std::string>& strings);

// The inverse of EncodeStringArray; DATA_LOSS for anything else.
absl::StatusOr<std::vector<std::string>> DecodeStringArray(absl::string_view json);

// [{"rule":"move_down","message":"..."}], fields in that order.
std::string EncodeReasons(const std::vector<Reason>& reasons);

// The inverse of EncodeReasons; DATA_LOSS for anything else.
absl::StatusOr<std::vector<Reason>> DecodeReasons(absl::string_view json);

// {"spend_weeks":3,"weekly_spend":93000000,"rungs":[["AddToCart",90,3100000]]}:
// the fields in that order, each rung as [event, event_count,
// cost_per_event_micros], money in micros, null for an absent amount. The
// weekly budget is left out: it is the recommendation's learning threshold ×
// the cost (WeeklyBudgetAt), which the decoder applies again. It made a third
// of a stored recommendation, and writing it a tenth of an evaluation. The
// empty budget is kEmptyLearningBudgetJson, the column's default for rows
// stored before it.
std::string EncodeLearningBudget(const LearningBudget& budget);
inline constexpr absl::string_view kEmptyLearningBudgetJson =
    R"({"spend_weeks":0,"weekly_spend":null,"rungs":[]})";

// The inverse of EncodeLearningBudget for a budget at `threshold`; DATA_LOSS
// for anything else.
absl::StatusOr<LearningBudget> DecodeLearningBudget(absl::string_view json, int threshold);
// The same into `budget`, which is replaced, in the storage its rungs and
// their names hold already: a scan decodes every row of a week into one.
// On error `budget` is unspecified.
absl::Status DecodeLearningBudgetInto(absl::string_view json, int threshold,
                                      LearningBudget* budget);

// [{"method":"POST","path":"/as_1/copies","params":[["name","x"]],
// "result_id":"as_2","error":"","done_at":"2026-01-12T09:30:00.123456Z"}]:
// every field of every step, in that order. Params are pairs rather than an
// object, since their order is the order they were sent in and a name may
// repeat. done_at as EncodeTimestamp writes it (checked to be in range).
std::string EncodeActionSteps(const std::vector<ActionStep>& steps);

// The inverse of EncodeActionSteps; DATA_LOSS for anything else.
absl::StatusOr<std::vector<ActionStep>> DecodeActionSteps(absl::string_view json);

// {"cutover_threshold":20,"near_exit_fraction":0.1}: the fields present and
// no others, keys sorted, by the names ForEachPolicyField gives. Integers as
// integers, doubles in the shortest spelling that reads back as the same
// double (so "4", not "4.0"). Every double must be finite (JSON has no
// spelling for the others; CheckStorablePolicyRevisions refuses them).
std::string EncodePolicyOverrides(const PolicyOverrides& overrides);

// The inverse of EncodePolicyOverrides; DATA_LOSS for anything else: an
// unknown or repeated key, keys out of order, a value of another type or in
// another spelling.
absl::StatusOr<PolicyOverrides> DecodePolicyOverrides(absl::string_view json);

// [{"name":"lead_gen","events":["PageView","Lead"]}]: every ladder in the
// order given, its fields in that order.
std::string EncodeLadders(const std::vector<Ladder>& ladders);

// The inverse of EncodeLadders; DATA_LOSS for anything else.
absl::StatusOr<std::vector<Ladder>> DecodeLadders(absl::string_view json);

// "2026-01-12T09:30:00.123456Z": UTC, exactly six fraction digits, so that
// text order is time order. Sub-microsecond parts are dropped (toward the
// past). `time` must lie in years 1 to 9999 (see TimestampInRange).
std::string EncodeTimestamp(absl::Time time);
bool TimestampInRange(absl::Time time);

// The inverse of EncodeTimestamp; DATA_LOSS for any other spelling.
absl::StatusOr<absl::Time> DecodeTimestamp(absl::string_view text);

}  // namespace rung

#endif  // RUNG_STORAGE_JSON_CODEC_H_
