#ifndef RUNG_ACT_ACTION_LEDGER_H_
#define RUNG_ACT_ACTION_LEDGER_H_

// rungd as `rungctl apply` needs it (acting-on-meta.md, "Idempotent"): the
// record of each action, kept step by step so that a run cut short resumes
// where it stopped, and the climb tests that an action starts or that bar
// it. An interface, so that the runner is tested against an in-memory ledger
// and runs against rungd over gRPC.

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "rung/action_record.h"
#include "rung/climb_test.h"
#include "rung/week.h"

namespace rung::act {

class ActionLedger {
 public:
  virtual ~ActionLedger() = default;

  // The record of `key` (an action on `ad_set_id` of `account_id`), nullopt
  // when it was never recorded.
  virtual absl::StatusOr<std::optional<ActionRecord>> Find(const std::string& account_id,
                                                           const std::string& ad_set_id,
                                                           const std::string& key) = 0;

  // Stores `record` under its key in place of any earlier one; answers what
  // is stored (with its action_id).
  virtual absl::StatusOr<ActionRecord> Record(const ActionRecord& record) = 0;

  // The RUNNING climb test that involves `ad_set_id` in either role, if any.
  virtual absl::StatusOr<std::optional<ClimbTest>> RunningTestOf(const std::string& account_id,
                                                                 const std::string& ad_set_id) = 0;

  // Starts a climb test of `duplicate` against `original` from `start_week`.
  virtual absl::StatusOr<ClimbTest> StartClimbTest(const std::string& original,
                                                   const std::string& duplicate,
                                                   Week start_week) = 0;
};

}  // namespace rung::act

#endif  // RUNG_ACT_ACTION_LEDGER_H_
