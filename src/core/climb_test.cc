#include "rung/climb_test.h"

#include <array>
#include <utility>

namespace rung {
namespace {

constexpr std::array<std::pair<ClimbTestState, std::string_view>, 4> kStateNames = {{
    {ClimbTestState::kRunning, "RUNNING"},
    {ClimbTestState::kPromoted, "PROMOTED"},
    {ClimbTestState::kKeptCurrent, "KEPT_CURRENT"},
    {ClimbTestState::kCancelled, "CANCELLED"},
}};

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
