#include "core/climb_tests_by_ad_set.h"

#include <algorithm>
#include <tuple>

#include "rung/status_macros.h"

namespace rung {
namespace {

// Climb tests are loaded in pages of this many.
constexpr int kClimbTestPage = 1000;

}  // namespace

absl::StatusOr<RunClimbTests> RunClimbTests::Load(Store* store, const std::string& account_id,
                                                  bool named_ad_sets) {
  RunClimbTests tests(store);
  if (named_ad_sets) return tests;
  tests.preloaded_ = true;
  ClimbTestQuery query;
  query.account_id = account_id;
  query.limit = kClimbTestPage;
  while (true) {
    ASSIGN_OR_RETURN(std::vector<ClimbTest> page, store->ListClimbTests(query));
    for (const ClimbTest& test : page) {
      tests.by_ad_set_[test.original_ad_set_id].push_back(test);
      tests.by_ad_set_[test.duplicate_ad_set_id].push_back(test);
    }
    if (page.size() < static_cast<size_t>(kClimbTestPage)) break;
    query.after_climb_test_id = page.back().climb_test_id;
  }
  for (auto& [ad_set_id, of_ad_set] : tests.by_ad_set_) {
    std::sort(of_ad_set.begin(), of_ad_set.end(), [](const ClimbTest& a, const ClimbTest& b) {
      return std::tie(a.start_week, a.climb_test_id) < std::tie(b.start_week, b.climb_test_id);
    });
  }
  return tests;
}

absl::StatusOr<std::vector<ClimbTest>> RunClimbTests::Of(const std::string& ad_set_id) const {
  if (!preloaded_) return store_->ClimbTestsOf(ad_set_id);
  const auto found = by_ad_set_.find(ad_set_id);
  if (found == by_ad_set_.end()) return std::vector<ClimbTest>();
  return found->second;
}

}  // namespace rung
