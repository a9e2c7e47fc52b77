#ifndef RUNG_API_PROTO_CONVERT_H_
#define RUNG_API_PROTO_CONVERT_H_

#include <optional>
#include <string_view>

#include "absl/status/statusor.h"
#include "rung/account.h"
#include "rung/ad_set_week.h"
#include "rung/advisor.h"
#include "rung/climb_test.h"
#include "rung/policy.h"
#include "rung/recommendation.h"
#include "rung/v1/account.pb.h"
#include "rung/v1/action.pb.h"
#include "rung/v1/ad_set.pb.h"
#include "rung/v1/advisor_service.pb.h"
#include "rung/v1/backtest.pb.h"
#include "rung/v1/climb_test.pb.h"
#include "rung/v1/policy.pb.h"
#include "rung/v1/recommendation.pb.h"
#include "rung/validation.h"

namespace rung {

// Copies a request record without judging it: validation is the core's job,
// so that every entry point refuses the same inputs with the same words.
RawAdSetWeek FromProto(const v1::AdSetWeek& week);
// The way back, for clients that read records from elsewhere (rungctl's
// importers). Refuses, naming the field, only what the message cannot carry:
// an unknown learning status name, a threshold beyond int32, or one event
// name given twice with different counts. The rest is left to validation.
absl::Status ToProto(const RawAdSetWeek& raw, v1::AdSetWeek* out);

// Copies an account as sent, without judging it; last_sync_time is left
// unset, since only the daemon's clock sets it.
AccountRecord FromProto(const v1::Account& account);

void ToProto(const AccountRecord& account, v1::Account* out);
void ToProto(const AccountWeek& account_week, v1::AccountWeek* out);
void ToProto(const AdSetWeek& week, v1::AdSetWeek* out);
void ToProto(const AdSetSummary& summary, v1::AdSet* out);
void ToProto(const Recommendation& recommendation, v1::Recommendation* out);
void ToProto(const ClimbTest& test, v1::ClimbTest* out);
void ToProto(const ActionPlan& plan, v1::ActionPlan* out);
// A plan as PlanActions answered it, for `rungctl apply` to carry out;
// INVALID_ARGUMENT naming the field for a week or action it cannot hold.
absl::StatusOr<ActionPlan> FromProto(const v1::ActionPlan& plan);
void ToProto(const ActionRecord& record, v1::ActionRecord* out);
// What RecordAction was sent; INVALID_ARGUMENT naming the field ("action.state: ...").
absl::StatusOr<ActionRecord> FromProto(const v1::ActionRecord& record);
// The ToProto of policies answer INTERNAL only when a message is out of step
// with the policy's fields (api/policy_proto.h).
absl::Status ToProto(const PolicyView& policy, v1::Policy* out);
void ToProto(const ChangedAdvice& change, v1::ChangedAdvice* out);
void ToProto(const AccountOverview& account, v1::AccountOverview* out);
void ToProto(const AccountSummary& summary, v1::AccountSummary* out);
void ToProto(const BacktestResult& result, v1::RunBacktestResponse* out);
absl::Status ToProto(const StoredPolicy& policy, v1::PolicyOverrides* out);
absl::Status ToProto(const PolicyRevision& revision, v1::PolicyVersion* out);
// A proposed policy, checked by the Advisor once composed.
absl::StatusOr<StoredPolicy> FromProto(const v1::PolicyOverrides& policy);
absl::StatusOr<PolicyUpdate> FromProto(const v1::UpdatePolicyRequest& request);

// The core's enums and the API's, which list the same values in the same
// order after the API's _UNSPECIFIED.
v1::Action ToProto(Action action);
v1::Flag ToProto(Flag flag);
v1::LearningStatus ToProto(LearningStatus status);
v1::ClimbTestState ToProto(ClimbTestState state);

// Filter values from a request. UNSPECIFIED and unknown numbers are
// INVALID_ARGUMENT naming `field` ("actions[2]: ...").
absl::StatusOr<Action> ActionFromProto(int value, std::string_view field);
absl::StatusOr<Flag> FlagFromProto(int value, std::string_view field);
// UNSPECIFIED is no filter (nullopt).
absl::StatusOr<std::optional<ClimbTestState>> StateFilterFromProto(int value,
                                                                   std::string_view field);

}  // namespace rung

#endif  // RUNG_API_PROTO_CONVERT_H_
