#ifndef RUNG_CORE_CLIMB_TESTS_BY_AD_SET_H_
#define RUNG_CORE_CLIMB_TESTS_BY_AD_SET_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "rung/climb_test.h"
#include "rung/store.h"

namespace rung {

// The climb tests a run over ad sets (an evaluation, a backtest) decides
// with: for named ad sets, each one's read when asked, since they are few;
// for an account's ad sets (or every one), the account's tests loaded once
// up front, so that the run asks the store nothing per ad set.
class RunClimbTests {
 public:
  static absl::StatusOr<RunClimbTests> Load(Store* store, const std::string& account_id,
                                            bool named_ad_sets);

  // Every test of `ad_set_id`, its oldest start first; none when it has none.
  absl::StatusOr<std::vector<ClimbTest>> Of(const std::string& ad_set_id) const;

 private:
  explicit RunClimbTests(Store* store) : store_(store) {}

  Store* store_;
  bool preloaded_ = false;
  // By the ad sets taking part.
  absl::flat_hash_map<std::string, std::vector<ClimbTest>> by_ad_set_;
};

}  // namespace rung

#endif  // RUNG_CORE_CLIMB_TESTS_BY_AD_SET_H_
