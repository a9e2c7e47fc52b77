#ifndef RUNG_CLIMB_TEST_H_
#define RUNG_CLIMB_TEST_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "rung/week.h"

namespace rung {

enum class ClimbTestState { kRunning, kPromoted, kKeptCurrent, kCancelled };

std::string_view ClimbTestStateName(ClimbTestState state);
std::optional<ClimbTestState> ClimbTestStateFromName(std::string_view name);

// A duplicate ad set optimizing one rung above the original, run beside it
// for a few weeks to compare their cost per macro conversion.
struct ClimbTest {
  std::string climb_test_id;
  std::string account_id;
  std::string original_ad_set_id;
  std::string duplicate_ad_set_id;
  std::string from_event;
  std::string to_event;
  Week start_week;
  ClimbTestState state = ClimbTestState::kRunning;
  // The week of the evaluation that judged it, or the week it was cancelled.
  std::optional<Week> concluded_week;
  // Currency units per macro conversion over the test weeks; +infinity when
  // a side had none.
  std::optional<double> original_cost_per_macro;
  std::optional<double> duplicate_cost_per_macro;
  // On KEPT_CURRENT: the original's sustained volume of to_event when the
  // test was judged. A later climb to to_event must beat it by retest_growth.
  std::optional<int64_t> retest_baseline;
  absl::Time create_time = absl::UnixEpoch();

  bool Involves(std::string_view ad_set_id) const {
    return original_ad_set_id == ad_set_id || duplicate_ad_set_id == ad_set_id;
  }
};

// What an evaluation found about a test that governed an ad set: concluded
// with these figures, or (when it was concluded at this very week and is now
// still running, say after a correction) running again.
struct TestUpdate {
  std::string climb_test_id;
  ClimbTestState state = ClimbTestState::kRunning;
  std::optional<double> original_cost_per_macro;
  std::optional<double> duplicate_cost_per_macro;
  std::optional<int64_t> retest_baseline;
};

// --- How a test's state may change ------------------------------------------
//
// A test starts RUNNING. An evaluation of week w concludes it (PROMOTED or
// KEPT_CURRENT at w); only an evaluation of that same week may judge it
// again or find it running again, since a later week sees it concluded and
// an earlier week sees it as it then ran. CancelClimbTest ends a running
// test for good. At most one running test involves an ad set, in either role.

// ALREADY_EXISTS, naming the ad set and the test, when a RUNNING test of
// `tests` other than `candidate` involves either of its ad sets.
absl::Status CheckNoRunningTestInvolves(const ClimbTest& candidate,
                                        const std::vector<ClimbTest>& tests);

// `test` cancelled at `week`: a cancelled test as it is, FAILED_PRECONDITION
// for one already judged.
absl::StatusOr<ClimbTest> Cancelled(const ClimbTest& test, Week week);

// What an evaluation of `week` that found `finding` makes of `current`, or
// nullopt when it changes nothing: a cancelled test is never touched, a
// conclusion applies to a running test or one concluded at `week`, and a
// reopening to one concluded at `week` unless another running test of
// `others` (tests involving either of its ad sets) took its place.
std::optional<ClimbTest> AfterFinding(const ClimbTest& current, const TestUpdate& finding,
                                      Week week, const std::vector<ClimbTest>& others);

// The test that governs `ad_set_id` at week `w`, or nullptr: one that has
// started by w, involves the ad set, is not cancelled, and is running or was
// concluded no earlier than w (so that re-evaluating the judging week judges
// again, and an earlier week sees the test as it then ran). The latest
// started wins.
const ClimbTest* GoverningTest(const std::vector<ClimbTest>& tests, std::string_view ad_set_id,
                               Week w);

// The retest baseline for climbing `ad_set_id` to `event` at week `w`: that
// of the latest test kept current before w, with the ad set as its original
// and `event` as its target.
std::optional<int64_t> RetestBaseline(const std::vector<ClimbTest>& tests,
                                      std::string_view ad_set_id, std::string_view event, Week w);

}  // namespace rung

#endif  // RUNG_CLIMB_TEST_H_
