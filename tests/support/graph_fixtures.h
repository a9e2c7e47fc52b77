#ifndef RUNG_TESTS_SUPPORT_GRAPH_FIXTURES_H_
#define RUNG_TESTS_SUPPORT_GRAPH_FIXTURES_H_

// Accounts for the fake Graph API, as the tests of the rungctl commands that
// talk to Meta (sync, apply) build them.

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "rung/week.h"
#include "support/fake_graph.h"

namespace rung::test_support {

// The last complete week in `zone` now, as a sync of an account there
// counts it.
inline Week LastCompleteWeekIn(const char* zone) {
  absl::TimeZone tz;
  EXPECT_TRUE(absl::LoadTimeZone(zone, &tz)) << zone;
  return Week::Containing(absl::ToCivilDay(absl::Now(), tz)).Previous();
}

// An active ad set of campaign 120, optimizing for `event` (Meta's
// custom_event_type, such as ADD_TO_CART).
inline testing::FakeAdSet FakeAdSetOf(std::string id, std::string event) {
  testing::FakeAdSet ad_set;
  ad_set.id = std::move(id);
  ad_set.name = absl::StrCat("ad set ", ad_set.id);
  ad_set.campaign_id = "120";
  ad_set.custom_event_type = std::move(event);
  return ad_set;
}

}  // namespace rung::test_support

#endif  // RUNG_TESTS_SUPPORT_GRAPH_FIXTURES_H_
