// The Advisor's climb test use cases: start, list, cancel. Judging happens in
// EvaluateAdSets.

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/ids.h"
#include "core/page_token.h"
#include "core/request_checks.h"
#include "core/retry.h"
#include "core/text.h"
#include "rung/advisor.h"
#include "rung/history.h"
#include "rung/status_macros.h"

namespace rung {
namespace {

// The rung a climb test must target: the one just above what the original
// optimizes at the start week. FAILED_PRECONDITION when there is none.
absl::StatusOr<std::string> RungAbove(const LadderRegistry& ladders, const AdSetWeek& original,
                                      const std::string& ladder_name) {
  const Ladder* ladder = ladders.Find(ladder_name);
  if (ladder == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("original_ad_set_id: ad set ", Quote(original.ad_set_id), " is on the ladder ",
                     Quote(ladder_name), ", which this deployment does not define"));
  }
  const std::optional<int> rung = ladder->RungOf(original.optimization_event);
  if (!rung.has_value()) {
    return absl::FailedPreconditionError(
        absl::StrCat("original_ad_set_id: ad set ", Quote(original.ad_set_id), " optimizes ",
                     Quote(original.optimization_event), ", which is not a rung of the ",
                     ladder_name, " ladder"));
  }
  if (*rung + 1 == static_cast<int>(ladder->events.size())) {
    return absl::FailedPreconditionError(
        absl::StrCat("original_ad_set_id: ad set ", Quote(original.ad_set_id),
                     " already optimizes ", original.optimization_event, ", the top rung of the ",
                     ladder_name, " ladder; there is nothing to climb to"));
  }
  return ladder->events[static_cast<size_t>(*rung + 1)];
}

// The duplicate's own reported week near the start must be of the original's
// account and optimize `above`.
absl::Status CheckDuplicate(const AdSetWeek& duplicate, const AdSetWeek& original,
                            const std::string& above) {
  if (original.account_id != duplicate.account_id) {
    return absl::FailedPreconditionError(
        absl::StrCat("duplicate_ad_set_id: ad set ", Quote(duplicate.ad_set_id), " is in account ",
                     Quote(duplicate.account_id), ", the original in ", Quote(original.account_id),
                     "; a climb test compares ad sets of one account"));
  }
  if (duplicate.optimization_event != above) {
    return absl::FailedPreconditionError(
        absl::StrCat("duplicate_ad_set_id: ad set ", Quote(duplicate.ad_set_id), " optimizes ",
                     Quote(duplicate.optimization_event), " in ", duplicate.week.ToString(),
                     "; a climb test needs exactly the rung above the original's ",
                     original.optimization_event, " (", original.week.ToString(), "): ", above));
  }
  return absl::OkStatus();
}

std::string ClimbTestFilterText(std::string_view account_id, std::optional<ClimbTestState> state) {
  return absl::StrCat("account_id=", AsAbsl(account_id),
                      ";state=", state.has_value() ? AsAbsl(ClimbTestStateName(*state)) : "");
}

}  // namespace

absl::StatusOr<ClimbTest> Advisor::StartClimbTest(std::string_view original_ad_set_id,
                                                  std::string_view duplicate_ad_set_id,
                                                  std::string_view start_week) {
  RETURN_IF_ERROR(CheckRequiredId("original_ad_set_id", original_ad_set_id));
  RETURN_IF_ERROR(CheckRequiredId("duplicate_ad_set_id", duplicate_ad_set_id));
  if (original_ad_set_id == duplicate_ad_set_id) {
    return absl::InvalidArgumentError(
        "duplicate_ad_set_id: must differ from original_ad_set_id; the duplicate is a copy of "
        "the original optimizing the next rung");
  }
  const absl::CivilDay today = Today();
  ASSIGN_OR_RETURN(std::optional<Week> requested,
                   ParseStartedWeek("start_week", start_week, today));
  const Week start = requested.value_or(Week::Containing(today));
  ASSIGN_OR_RETURN(const AdSetHistory original,
                   store_->GetHistory(original_ad_set_id, std::nullopt, std::nullopt));
  const AdSetWeek& original_week = *RecordNear(original, start);
  ASSIGN_OR_RETURN(const PolicyBook policies, CurrentPolicies());
  ASSIGN_OR_RETURN(const std::string above,
                   RungAbove(policies.ladders(), original_week, LadderAt(original, start)));
  absl::StatusOr<AdSetHistory> duplicate =
      store_->GetHistory(duplicate_ad_set_id, std::nullopt, std::nullopt);
  // `rungctl apply` starts the test right after Meta made the duplicate
  // (acting-on-meta.md), before any week of it can have been reported: an
  // ad set rungd has not heard of is taken as that duplicate.
  if (duplicate.ok()) {
    RETURN_IF_ERROR(CheckDuplicate(*RecordNear(*duplicate, start), original_week, above));
  } else if (!absl::IsNotFound(duplicate.status())) {
    return duplicate.status();
  }
  ClimbTest test;
  test.climb_test_id = NewId("ct_");
  test.account_id = original_week.account_id;
  test.original_ad_set_id = std::string(original_ad_set_id);
  test.duplicate_ad_set_id = std::string(duplicate_ad_set_id);
  test.from_event = original_week.optimization_event;
  test.to_event = above;
  test.start_week = start;
  test.state = ClimbTestState::kRunning;
  test.create_time = clock_();
  const absl::Status inserted = RetryWhileAborted([&]() -> absl::Status {
    std::vector<ClimbTest> involving;
    for (const std::string& ad_set_id : {test.original_ad_set_id, test.duplicate_ad_set_id}) {
      ASSIGN_OR_RETURN(std::vector<ClimbTest> tests, store_->ClimbTestsOf(ad_set_id));
      involving.insert(involving.end(), tests.begin(), tests.end());
    }
    RETURN_IF_ERROR(CheckNoRunningTestInvolves(test, involving));
    return store_->InsertClimbTest(test);
  });
  if (!inserted.ok()) return inserted;
  return test;
}

absl::StatusOr<ClimbTestPage> Advisor::ListClimbTests(std::string_view account_id,
                                                      std::optional<ClimbTestState> state,
                                                      int page_size, std::string_view page_token) {
  RETURN_IF_ERROR(CheckOptionalId("account_id", account_id));
  ASSIGN_OR_RETURN(
      int limit, EffectivePageSize(page_size, options_.default_page_size, options_.max_page_size));
  const std::string filter = ClimbTestFilterText(account_id, state);
  ClimbTestQuery query;
  query.account_id = std::string(account_id);
  query.state = state;
  query.limit = limit + 1;  // one more tells whether another page follows
  if (!page_token.empty()) {
    ASSIGN_OR_RETURN(query.after_climb_test_id, DecodePageToken(page_token, filter));
  }
  ClimbTestPage page;
  ASSIGN_OR_RETURN(page.climb_tests, store_->ListClimbTests(query));
  page.next_page_token = TrimPage(page.climb_tests, limit, filter,
                                  [](const ClimbTest& test) { return test.climb_test_id; });
  return page;
}

absl::StatusOr<ClimbTest> Advisor::CancelClimbTest(std::string_view climb_test_id) {
  RETURN_IF_ERROR(CheckRequiredId("climb_test_id", climb_test_id));
  const Week week = Week::Containing(Today());
  ClimbTest cancelled;
  const absl::Status status = RetryWhileAborted([&]() -> absl::Status {
    ASSIGN_OR_RETURN(const ClimbTest stored, store_->GetClimbTest(climb_test_id));
    ASSIGN_OR_RETURN(cancelled, Cancelled(stored, week));
    if (cancelled.state == stored.state) return absl::OkStatus();  // cancelled before
    return store_->UpdateClimbTest({stored, cancelled});
  });
  if (!status.ok()) return status;
  return cancelled;
}

}  // namespace rung
