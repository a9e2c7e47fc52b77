#ifndef RUNG_TESTS_SUPPORT_DECISION_BUILDER_H_
#define RUNG_TESTS_SUPPORT_DECISION_BUILDER_H_

// Builders for the rules engine's tests: ad set histories written as rows of
// week offsets and counts, climb tests, and one call that runs Decide.

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "rung/ad_set_week.h"
#include "rung/climb_test.h"
#include "rung/decision.h"
#include "rung/ladder.h"
#include "rung/policy.h"
#include "rung/recommendation.h"
#include "rung/week.h"

namespace rung::test_support {

// Week offsets in the tests count from this Monday.
inline const Week kWeek0 = *Week::Parse("2026-09-07");
inline Week WeekAt(int offset) { return kWeek0.Plus(offset); }

using Counts = std::map<std::string, int64_t>;

inline constexpr int64_t kMicros = 1000000;

// One record of a test history. Aggregate, so a row reads
// {week, "Purchase", {{"Purchase", 12}}} and trailing fields are optional.
struct Row {
  int week = 0;
  std::string event;
  Counts counts;
  std::optional<int64_t> spend_micros = std::nullopt;
  bool significant_edit = false;
  std::optional<int32_t> threshold_override = std::nullopt;
  ReportedLearning reported = ReportedLearning::kUnspecified;
  std::string ladder = "";
};

// The records of `rows`, oldest first, all for account act_1.
inline AdSetHistory BuildHistory(const std::vector<Row>& rows,
                                 const std::string& ad_set_id = "as_1") {
  AdSetHistory history;
  for (const Row& row : rows) {
    AdSetWeek record;
    record.account_id = "act_1";
    record.campaign_id = "cmp_1";
    record.ad_set_id = ad_set_id;
    record.week = WeekAt(row.week);
    record.optimization_event = row.event;
    record.spend_micros = row.spend_micros;
    record.event_counts = row.counts;
    record.reported_learning = row.reported;
    record.learning_threshold_override = row.threshold_override;
    record.ladder = row.ladder;
    record.significant_edit = row.significant_edit;
    history.push_back(std::move(record));
  }
  std::sort(history.begin(), history.end(),
            [](const AdSetWeek& a, const AdSetWeek& b) { return a.week < b.week; });
  return history;
}

// `weeks` consecutive rows from week `first`, each with the same counts.
inline std::vector<Row> Steady(int first, int weeks, const std::string& event,
                               const Counts& counts) {
  std::vector<Row> rows;
  for (int i = 0; i < weeks; ++i) rows.push_back(Row{first + i, event, counts});
  return rows;
}

// Consecutive rows from week `first`, one per value: series[event][i] is the
// count of event in week first + i (every series has the same length).
inline std::vector<Row> Series(int first, const std::string& event,
                               const std::map<std::string, std::vector<int64_t>>& series) {
  size_t weeks = 0;
  for (const auto& [name, values] : series) weeks = std::max(weeks, values.size());
  std::vector<Row> rows;
  for (size_t i = 0; i < weeks; ++i) {
    Row row{first + static_cast<int>(i), event, {}};
    for (const auto& [name, values] : series) {
      if (i < values.size()) row.counts[name] = values[i];
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

inline std::vector<Row> Concat(std::vector<Row> a, const std::vector<Row>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// The row of week `week` in `rows`, which must exist.
inline Row& RowAt(std::vector<Row>& rows, int week) {
  for (Row& row : rows) {
    if (row.week == week) return row;
  }
  static Row missing;
  ADD_FAILURE() << "no row for week " << week;
  return missing;
}

inline std::vector<Row> Without(std::vector<Row> rows, int week) {
  rows.erase(std::remove_if(rows.begin(), rows.end(), [&](const Row& r) { return r.week == week; }),
             rows.end());
  return rows;
}

inline const LadderRegistry& BuiltInLadders() {
  static const LadderRegistry* const registry = new LadderRegistry(LadderRegistry::BuiltIn());
  return *registry;
}

// Everything Decide reads besides the history, with defaults.
struct DecideSetup {
  Policy policy;
  const LadderRegistry* ladders = nullptr;  // nullptr: the built-in ladders
  const ClimbTestContext* climb_test = nullptr;
  std::vector<ClimbTest> past_tests;
};

inline Decision DecideAt(const AdSetHistory& history, int as_of,
                         const DecideSetup& setup = DecideSetup()) {
  DecisionInput input;
  input.history = &history;
  input.as_of = WeekAt(as_of);
  input.policy = &setup.policy;
  input.ladders = setup.ladders != nullptr ? setup.ladders : &BuiltInLadders();
  input.climb_test = setup.climb_test;
  input.past_tests = &setup.past_tests;
  return Decide(input);
}

// A climb test of as_1 (original) against as_2 (duplicate), from AddToCart to
// InitiateCheckout unless changed, started at week offset `start`.
inline ClimbTest MakeClimbTest(int start, ClimbTestState state = ClimbTestState::kRunning,
                               std::optional<int> concluded = std::nullopt) {
  ClimbTest test;
  test.climb_test_id = "ct_1";
  test.account_id = "act_1";
  test.original_ad_set_id = "as_1";
  test.duplicate_ad_set_id = "as_2";
  test.from_event = "AddToCart";
  test.to_event = "InitiateCheckout";
  test.start_week = WeekAt(start);
  test.state = state;
  if (concluded.has_value()) test.concluded_week = WeekAt(*concluded);
  return test;
}

// The rule id of a flag's reason: "flag." + the lowercase flag name.
inline std::string FlagRule(Flag flag) {
  std::string rule = "flag.";
  for (char c : FlagName(flag))
    rule += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return rule;
}

inline const Reason* FindReason(const Recommendation& rec, const std::string& rule) {
  for (const Reason& reason : rec.reasons) {
    if (reason.rule == rule) return &reason;
  }
  return nullptr;
}

inline std::string FirstRule(const Recommendation& rec) {
  return rec.reasons.empty() ? std::string("<no reasons>") : rec.reasons.front().rule;
}

inline std::string FlagList(const std::set<Flag>& flags) {
  std::vector<std::string> names;
  for (Flag flag : flags) names.emplace_back(FlagName(flag));
  return absl::StrJoin(names, ",");
}

// A one-paragraph account of a recommendation, for failure messages.
inline std::string Describe(const Recommendation& rec) {
  std::string text =
      absl::StrCat(std::string(ActionName(rec.action)), " current=", rec.current_event,
                   " target=", rec.target_event, " T=", rec.learning_threshold,
                   " weeks_on_rung=", rec.weeks_on_rung, " flags=[", FlagList(rec.flags), "]");
  if (rec.learning_status.has_value()) {
    absl::StrAppend(&text, " status=", std::string(LearningStatusName(*rec.learning_status)));
  }
  if (rec.next_review_week.has_value()) {
    absl::StrAppend(&text, " next_review=", rec.next_review_week->ToString());
  }
  absl::StrAppend(&text, " sustained={");
  for (const auto& [event, count] : rec.sustained_counts)
    absl::StrAppend(&text, event, ":", count, " ");
  absl::StrAppend(&text, "} reasons:");
  for (const Reason& reason : rec.reasons)
    absl::StrAppend(&text, "\n  [", reason.rule, "] ", reason.message);
  return text;
}

}  // namespace rung::test_support

#endif  // RUNG_TESTS_SUPPORT_DECISION_BUILDER_H_
