#ifndef RUNG_CORE_CLIMB_TESTS_BY_AD_SET_H_
#define RUNG_CORE_CLIMB_TESTS_BY_AD_SET_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "rung/climb_test.h"
#include "rung/store.h"

namespace rung {

// Every climb test of an account (of all when empty), by the ad sets taking
// part, each ad set's oldest start first: loaded once, so that a run over
// every ad set asks the store nothing per ad set.
using ClimbTestsByAdSet = absl::flat_hash_map<std::string, std::vector<ClimbTest>>;

absl::StatusOr<ClimbTestsByAdSet> LoadClimbTests(Store* store, const std::string& account_id);

// The tests of `ad_set_id` in `by_ad_set`; none when it has none.
const std::vector<ClimbTest>& TestsOf(const ClimbTestsByAdSet& by_ad_set,
                                      const std::string& ad_set_id);

}  // namespace rung

#endif  // RUNG_CORE_CLIMB_TESTS_BY_AD_SET_H_
