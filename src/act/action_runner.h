#ifndef RUNG_ACT_ACTION_RUNNER_H_
#define RUNG_ACT_ACTION_RUNNER_H_

// Carries out one planned action on Meta (acting-on-meta.md): the
// pre-flight check, each step in order, and a record in rungd after each
// step, so that a run cut short anywhere resumes without a second ad set.
//
// How each step stays safe to run again:
// - The duplicate D is the one the record names, else the ad set of O's
//   campaign whose name ends with DuplicateNameSuffix (made by a run whose
//   create answer was lost, or that died before recording it), else new.
// - An ad of O is copied unless an ad of D has it as source_ad_id.
// - Statuses are set, not toggled: setting one twice is setting it once.
// - The budget that PROMOTE_DUPLICATE gives D is recorded before it is
//   sent, and a resumed run sends that same value again rather than adding
//   O's budget a second time.
// - A climb test is started unless one with O and D is running already.

#include <functional>
#include <string>

#include "absl/time/time.h"
#include "act/action_ledger.h"
#include "meta/ad_set_writer.h"
#include "rung/action_plan.h"
#include "rung/action_record.h"
#include "rung/week.h"

namespace rung::act {

struct RunSettings {
  // The share of O's daily budget that a new ad set gets (--budget-share).
  double budget_share = 1.0;
  // The last complete week in the account's time zone: advice of an earlier
  // week is stale, and skipped.
  Week last_complete_week;
  // When each step was done.
  std::function<absl::Time()> clock = [] { return absl::Now(); };
};

struct ActionOutcome {
  std::string key;
  // DONE, FAILED or SKIPPED; IN_PROGRESS never comes back.
  ActionState state = ActionState::kDone;
  // One line: what was done, why it was skipped, or what failed. Holds no
  // secret: Graph errors come redacted.
  std::string message;
  // DONE by an earlier run: this run called neither Meta nor rungd's writes.
  bool already_done = false;
};

// One per ad account: `writer` writes on that account. Not thread-safe.
class ActionRunner {
 public:
  // `writer` and `ledger` must outlive the runner.
  ActionRunner(meta::AdSetWriter& writer, ActionLedger& ledger, RunSettings settings);

  // Carries `plan` out, or resumes it, or finds it done. A failure stops
  // only this action: it comes back as a FAILED outcome, recorded when
  // rungd can still be reached.
  ActionOutcome Run(const ActionPlan& plan);

 private:
  meta::AdSetWriter& writer_;
  ActionLedger& ledger_;
  RunSettings settings_;
};

}  // namespace rung::act

#endif  // RUNG_ACT_ACTION_RUNNER_H_
