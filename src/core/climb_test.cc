#include "rung/climb_test.h"

#include <array>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/text.h"

namespace rung {
namespace {

constexpr std::array<std::pair<ClimbTestState, std::string_view>, 4> kStateNames = {{
    {ClimbTestState::kRunning, "RUNNING"},
    {ClimbTestState::kPromoted, "PROMOTED"},
    {ClimbTestState::kKeptCurrent, "KEPT_CURRENT"},
    {ClimbTestState::kCancelled, "CANCELLED"},
}};

bool IsJudged(ClimbTestState state) {
  return state == ClimbTestState::kPromoted || state == ClimbTestState::kKeptCurrent;
}

bool JudgedAt(const ClimbTest& test, Week week) {
  return IsJudged(test.state) && test.concluded_week == week;
}

// Another running test involving either of `test`'s ad sets, or nullptr.
const ClimbTest* RunningRival(const ClimbTest& test, const std::vector<ClimbTest>& tests) {
  for (const ClimbTest& other : tests) {
    if (other.climb_test_id == test.climb_test_id || other.state != ClimbTestState::kRunning) {
      continue;
    }
    if (other.Involves(test.original_ad_set_id) || other.Involves(test.duplicate_ad_set_id)) {
      return &other;
    }
  }
  return nullptr;
}

ClimbTest Concluded(ClimbTest test, const TestUpdate& finding, Week week) {
  test.state = finding.state;
  test.concluded_week = week;
  test.original_cost_per_macro = finding.original_cost_per_macro;
  test.duplicate_cost_per_macro = finding.duplicate_cost_per_macro;
  test.retest_baseline = finding.retest_baseline;
  return test;
}

ClimbTest Reopened(ClimbTest test) {
  test.state = ClimbTestState::kRunning;
  test.concluded_week.reset();
  test.original_cost_per_macro.reset();
  test.duplicate_cost_per_macro.reset();
  test.retest_baseline.reset();
  return test;
}

bool SameOutcome(const ClimbTest& a, const ClimbTest& b) {
  return a.state == b.state && a.concluded_week == b.concluded_week &&
         a.original_cost_per_macro == b.original_cost_per_macro &&
         a.duplicate_cost_per_macro == b.duplicate_cost_per_macro &&
         a.retest_baseline == b.retest_baseline;
}

}  // namespace

std::string_view ClimbTestStateName(ClimbTestState state) {
  for (const auto& [candidate, name] : kStateNames) {
    if (candidate == state) return name;
  }
  return "UNKNOWN";
}

std::optional<ClimbTestState> ClimbTestStateFromName(std::string_view name) {
  for (const auto& [state, candidate] : kStateNames) {
    if (candidate == name) return state;
  }
  return std::nullopt;
}

absl::Status CheckNoRunningTestInvolves(const ClimbTest& candidate,
                                        const std::vector<ClimbTest>& tests) {
  const ClimbTest* rival = RunningRival(candidate, tests);
  if (rival == nullptr) return absl::OkStatus();
  const std::string& ad_set_id = rival->Involves(candidate.original_ad_set_id)
                                     ? candidate.original_ad_set_id
                                     : candidate.duplicate_ad_set_id;
  const absl::string_view role = rival->original_ad_set_id == ad_set_id ? "original" : "duplicate";
  return absl::AlreadyExistsError(
      absl::StrFormat("ad set '%s' is already the %s of running climb test '%s'", ad_set_id, role,
                      rival->climb_test_id));
}

absl::StatusOr<ClimbTest> Cancelled(const ClimbTest& test, Week week) {
  if (test.state == ClimbTestState::kCancelled) return test;
  if (IsJudged(test.state)) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "climb test '%s' was already judged %s at week %s; only a running test can be cancelled",
        test.climb_test_id, AsAbsl(ClimbTestStateName(test.state)),
        test.concluded_week.has_value() ? test.concluded_week->ToString() : "?"));
  }
  ClimbTest cancelled = test;
  cancelled.state = ClimbTestState::kCancelled;
  cancelled.concluded_week = week;
  return cancelled;
}

std::optional<ClimbTest> AfterFinding(const ClimbTest& current, const TestUpdate& finding,
                                      Week week, const std::vector<ClimbTest>& others) {
  std::optional<ClimbTest> next;
  switch (finding.state) {
    case ClimbTestState::kRunning:
      if (JudgedAt(current, week) && RunningRival(current, others) == nullptr) {
        next = Reopened(current);
      }
      break;
    case ClimbTestState::kPromoted:
    case ClimbTestState::kKeptCurrent:
      if (current.state == ClimbTestState::kRunning || JudgedAt(current, week)) {
        next = Concluded(current, finding, week);
      }
      break;
    case ClimbTestState::kCancelled: break;  // only CancelClimbTest cancels
  }
  if (next.has_value() && SameOutcome(*next, current)) return std::nullopt;
  return next;
}

const ClimbTest* GoverningTest(const std::vector<ClimbTest>& tests, std::string_view ad_set_id,
                               Week w) {
  const ClimbTest* governing = nullptr;
  for (const ClimbTest& test : tests) {
    if (!test.Involves(ad_set_id) || test.start_week > w) continue;
    if (test.state == ClimbTestState::kCancelled) continue;
    const bool running_at_w = test.state == ClimbTestState::kRunning ||
                              (test.concluded_week.has_value() && *test.concluded_week >= w);
    if (!running_at_w) continue;
    if (governing == nullptr || governing->start_week < test.start_week) governing = &test;
  }
  return governing;
}

std::optional<int64_t> RetestBaseline(const std::vector<ClimbTest>& tests,
                                      std::string_view ad_set_id, std::string_view event, Week w) {
  const ClimbTest* latest = nullptr;
  for (const ClimbTest& test : tests) {
    if (test.original_ad_set_id != ad_set_id || test.to_event != event) continue;
    if (test.state != ClimbTestState::kKeptCurrent || !test.retest_baseline.has_value()) continue;
    if (!test.concluded_week.has_value() || *test.concluded_week >= w) continue;
    if (latest == nullptr || *latest->concluded_week < *test.concluded_week) latest = &test;
  }
  if (latest == nullptr) return std::nullopt;
  return latest->retest_baseline;
}

}  // namespace rung
