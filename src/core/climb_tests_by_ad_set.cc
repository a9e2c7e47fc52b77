#include "core/climb_tests_by_ad_set.h"

#include <algorithm>
#include <tuple>

#include "rung/status_macros.h"

namespace rung {
namespace {

// Climb tests are loaded in pages of this many.
constexpr int kClimbTestPage = 1000;

}  // namespace

absl::StatusOr<ClimbTestsByAdSet> LoadClimbTests(Store* store, const std::string& account_id) {
  ClimbTestsByAdSet by_ad_set;
  ClimbTestQuery query;
  query.account_id = account_id;
  query.limit = kClimbTestPage;
  while (true) {
    ASSIGN_OR_RETURN(std::vector<ClimbTest> page, store->ListClimbTests(query));
    for (const ClimbTest& test : page) {
      by_ad_set[test.original_ad_set_id].push_back(test);
      by_ad_set[test.duplicate_ad_set_id].push_back(test);
    }
    if (page.size() < static_cast<size_t>(kClimbTestPage)) break;
    query.after_climb_test_id = page.back().climb_test_id;
  }
  for (auto& [ad_set_id, tests] : by_ad_set) {
    std::sort(tests.begin(), tests.end(), [](const ClimbTest& a, const ClimbTest& b) {
      return std::tie(a.start_week, a.climb_test_id) < std::tie(b.start_week, b.climb_test_id);
    });
  }
  return by_ad_set;
}

const std::vector<ClimbTest>& TestsOf(const ClimbTestsByAdSet& by_ad_set,
                                      const std::string& ad_set_id) {
  static const std::vector<ClimbTest>* const kNone = new std::vector<ClimbTest>();
  const auto found = by_ad_set.find(ad_set_id);
  return found == by_ad_set.end() ? *kNone : found->second;
}

}  // namespace rung
