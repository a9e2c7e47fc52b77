#include "api/proto_convert.h"

#include <cstdint>
#include <limits>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "api/policy_proto.h"
#include "core/request_checks.h"
#include "core/text.h"
#include "google/protobuf/util/time_util.h"
#include "rung/status_macros.h"

namespace rung {
namespace {

// Unknown numbers (proto3 enums are open) travel as their number, which
// validation then refuses by name.
std::string ReportedLearningName(int value) {
  if (!v1::ReportedLearningStatus_IsValid(value)) return std::to_string(value);
  if (value == v1::REPORTED_LEARNING_STATUS_UNSPECIFIED) return "";
  return v1::ReportedLearningStatus_Name(static_cast<v1::ReportedLearningStatus>(value));
}

v1::ReportedLearningStatus ToProto(ReportedLearning status) {
  switch (status) {
    case ReportedLearning::kLearning: return v1::REPORTED_LEARNING_STATUS_LEARNING;
    case ReportedLearning::kSuccess: return v1::REPORTED_LEARNING_STATUS_SUCCESS;
    case ReportedLearning::kFail: return v1::REPORTED_LEARNING_STATUS_FAIL;
    case ReportedLearning::kUnspecified: break;
  }
  return v1::REPORTED_LEARNING_STATUS_UNSPECIFIED;
}

// A core enum value is its API value less one: the API starts with _UNSPECIFIED.
template <typename ApiEnum, typename CoreEnum>
ApiEnum ShiftedToApi(CoreEnum value) {
  return static_cast<ApiEnum>(static_cast<int>(value) + 1);
}

template <typename CoreEnum>
absl::StatusOr<CoreEnum> ShiftedFromApi(int value, int count, std::string_view field,
                                        std::string_view type) {
  if (value < 1 || value > count) {
    return absl::InvalidArgumentError(absl::StrCat(AsAbsl(field), ": ", value, " is not a valid ",
                                                   AsAbsl(type), " to filter by"));
  }
  return static_cast<CoreEnum>(value - 1);
}

google::protobuf::Timestamp ToTimestamp(absl::Time time) {
  return google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(time));
}

}  // namespace

v1::Action ToProto(Action action) { return ShiftedToApi<v1::Action>(action); }
v1::Flag ToProto(Flag flag) { return ShiftedToApi<v1::Flag>(flag); }
v1::LearningStatus ToProto(LearningStatus status) {
  return ShiftedToApi<v1::LearningStatus>(status);
}
v1::ClimbTestState ToProto(ClimbTestState state) { return ShiftedToApi<v1::ClimbTestState>(state); }

absl::StatusOr<Action> ActionFromProto(int value, std::string_view field) {
  return ShiftedFromApi<Action>(value, kActionCount, field, "action");
}

absl::StatusOr<Flag> FlagFromProto(int value, std::string_view field) {
  return ShiftedFromApi<Flag>(value, kFlagCount, field, "flag");
}

absl::StatusOr<std::optional<ClimbTestState>> StateFilterFromProto(int value,
                                                                   std::string_view field) {
  if (value == v1::CLIMB_TEST_STATE_UNSPECIFIED) return std::optional<ClimbTestState>();
  absl::StatusOr<ClimbTestState> state = ShiftedFromApi<ClimbTestState>(value, 4, field, "state");
  if (!state.ok()) return state.status();
  return std::optional<ClimbTestState>(*state);
}

RawAdSetWeek FromProto(const v1::AdSetWeek& week) {
  RawAdSetWeek raw;
  raw.account_id = week.account_id();
  raw.campaign_id = week.campaign_id();
  raw.ad_set_id = week.ad_set_id();
  raw.week_start = week.week_start();
  raw.optimization_event = week.optimization_event();
  if (week.has_spend_micros()) raw.spend_micros = week.spend_micros();
  raw.event_counts.assign(week.event_counts().begin(), week.event_counts().end());
  raw.reported_learning_status = ReportedLearningName(week.reported_learning_status());
  if (week.has_learning_threshold_override()) {
    raw.learning_threshold_override = week.learning_threshold_override();
  }
  raw.ladder = week.ladder();
  raw.significant_edit = week.significant_edit();
  return raw;
}

absl::Status ToProto(const RawAdSetWeek& raw, v1::AdSetWeek* out) {
  out->set_account_id(raw.account_id);
  out->set_campaign_id(raw.campaign_id);
  out->set_ad_set_id(raw.ad_set_id);
  out->set_week_start(raw.week_start);
  out->set_optimization_event(raw.optimization_event);
  if (raw.spend_micros) out->set_spend_micros(*raw.spend_micros);
  for (const auto& [event, count] : raw.event_counts) {
    const auto [it, inserted] = out->mutable_event_counts()->insert({event, count});
    if (!inserted && it->second != count) {
      return absl::InvalidArgumentError(absl::StrCat(
          "event_counts[", Quote(event), "]: given twice, as ", it->second, " and ", count));
    }
  }
  if (!raw.reported_learning_status.empty()) {
    constexpr absl::string_view kPrefix = "REPORTED_LEARNING_STATUS_";
    const std::string name = absl::StartsWith(raw.reported_learning_status, kPrefix)
                                 ? raw.reported_learning_status
                                 : absl::StrCat(kPrefix, raw.reported_learning_status);
    v1::ReportedLearningStatus status;
    if (!v1::ReportedLearningStatus_Parse(name, &status)) {
      return absl::InvalidArgumentError(
          absl::StrCat("reported_learning_status: ", Quote(raw.reported_learning_status),
                       " is not LEARNING, SUCCESS or FAIL"));
    }
    out->set_reported_learning_status(status);
  }
  if (raw.learning_threshold_override) {
    const int64_t threshold = *raw.learning_threshold_override;
    if (threshold < std::numeric_limits<int32_t>::min() ||
        threshold > std::numeric_limits<int32_t>::max()) {
      return absl::InvalidArgumentError(
          absl::StrCat("learning_threshold_override: ", threshold, " is out of range"));
    }
    out->set_learning_threshold_override(static_cast<int32_t>(threshold));
  }
  out->set_ladder(raw.ladder);
  out->set_significant_edit(raw.significant_edit);
  return absl::OkStatus();
}

AccountRecord FromProto(const v1::Account& account) {
  AccountRecord record;
  record.account_id = account.account_id();
  record.name = account.name();
  record.currency = account.currency();
  record.time_zone = account.time_zone();
  return record;
}

void ToProto(const AccountRecord& account, v1::Account* out) {
  out->set_account_id(account.account_id);
  out->set_name(account.name);
  out->set_currency(account.currency);
  out->set_time_zone(account.time_zone);
  if (account.last_sync_time) *out->mutable_last_sync_time() = ToTimestamp(*account.last_sync_time);
}

void ToProto(const AccountWeek& account_week, v1::AccountWeek* out) {
  out->set_account_id(account_week.account_id);
  out->set_as_of_week(account_week.as_of_week.ToString());
  out->set_time_zone(account_week.time_zone);
}

void ToProto(const AdSetWeek& week, v1::AdSetWeek* out) {
  out->set_account_id(week.account_id);
  out->set_campaign_id(week.campaign_id);
  out->set_ad_set_id(week.ad_set_id);
  out->set_week_start(week.week.ToString());
  out->set_optimization_event(week.optimization_event);
  if (week.spend_micros) out->set_spend_micros(*week.spend_micros);
  for (const auto& [event, count] : week.event_counts)
    (*out->mutable_event_counts())[event] = count;
  out->set_reported_learning_status(ToProto(week.reported_learning));
  if (week.learning_threshold_override) {
    out->set_learning_threshold_override(*week.learning_threshold_override);
  }
  out->set_ladder(week.ladder);
  out->set_significant_edit(week.significant_edit);
}

void ToProto(const AdSetSummary& summary, v1::AdSet* out) {
  out->set_account_id(summary.account_id);
  out->set_campaign_id(summary.campaign_id);
  out->set_ad_set_id(summary.ad_set_id);
  out->set_ladder(summary.ladder);
  out->set_optimization_event(summary.optimization_event);
  out->set_weeks_on_rung(summary.weeks_on_rung);
  out->set_first_week(summary.first_week.ToString());
  out->set_last_week(summary.last_week.ToString());
  out->set_week_count(summary.week_count);
}

namespace {

void ToProto(const LearningBudget& budget, v1::LearningBudget* out) {
  out->set_spend_weeks(budget.spend_weeks);
  if (budget.weekly_spend_micros) out->set_weekly_spend_micros(*budget.weekly_spend_micros);
  for (const RungBudget& rung : budget.rungs) {
    v1::RungBudget* added = out->add_rungs();
    added->set_event(rung.event);
    added->set_event_count(rung.event_count);
    if (rung.cost_per_event_micros) added->set_cost_per_event_micros(*rung.cost_per_event_micros);
    if (rung.weekly_budget_micros) added->set_weekly_budget_micros(*rung.weekly_budget_micros);
  }
}

}  // namespace

void ToProto(const Recommendation& rec, v1::Recommendation* out) {
  out->set_ad_set_id(rec.ad_set_id);
  out->set_account_id(rec.account_id);
  out->set_as_of_week(rec.as_of_week.ToString());
  out->set_action(ToProto(rec.action));
  out->set_current_event(rec.current_event);
  out->set_target_event(rec.target_event);
  if (rec.learning_status) out->set_learning_status(ToProto(*rec.learning_status));
  for (Flag flag : rec.flags) out->add_flags(ToProto(flag));
  for (const Reason& reason : rec.reasons) {
    v1::Reason* added = out->add_reasons();
    added->set_rule(reason.rule);
    added->set_message(reason.message);
  }
  for (const auto& [event, count] : rec.latest_counts)
    (*out->mutable_latest_counts())[event] = count;
  for (const auto& [event, count] : rec.sustained_counts) {
    (*out->mutable_sustained_counts())[event] = count;
  }
  out->set_weeks_on_rung(rec.weeks_on_rung);
  if (rec.next_review_week) out->set_next_review_week(rec.next_review_week->ToString());
  out->set_climb_test_id(rec.climb_test_id);
  out->set_policy_version(rec.policy_version);
  out->set_evaluation_id(rec.evaluation_id);
  *out->mutable_evaluated_at() = ToTimestamp(rec.evaluated_at);
  out->set_ladder(rec.ladder);
  out->set_learning_threshold(rec.learning_threshold);
  ToProto(rec.learning_budget, out->mutable_learning_budget());
}

void ToProto(const ClimbTest& test, v1::ClimbTest* out) {
  out->set_climb_test_id(test.climb_test_id);
  out->set_original_ad_set_id(test.original_ad_set_id);
  out->set_duplicate_ad_set_id(test.duplicate_ad_set_id);
  out->set_from_event(test.from_event);
  out->set_to_event(test.to_event);
  out->set_start_week(test.start_week.ToString());
  out->set_state(ToProto(test.state));
  if (test.concluded_week) out->set_concluded_week(test.concluded_week->ToString());
  if (test.original_cost_per_macro) {
    out->set_original_cost_per_macro(*test.original_cost_per_macro);
  }
  if (test.duplicate_cost_per_macro) {
    out->set_duplicate_cost_per_macro(*test.duplicate_cost_per_macro);
  }
  if (test.retest_baseline) out->set_retest_baseline(*test.retest_baseline);
  out->set_account_id(test.account_id);
  *out->mutable_create_time() = ToTimestamp(test.create_time);
}

void ToProto(const ActionPlan& plan, v1::ActionPlan* out) {
  out->set_key(plan.key);
  out->set_account_id(plan.account_id);
  out->set_ad_set_id(plan.ad_set_id);
  out->set_duplicate_ad_set_id(plan.duplicate_ad_set_id);
  out->set_as_of_week(plan.as_of_week.ToString());
  out->set_action(ToProto(plan.action));
  out->set_current_event(plan.current_event);
  out->set_target_event(plan.target_event);
  out->set_summary(plan.summary);
  for (const PlannedStep& step : plan.steps) {
    v1::PlannedStep* planned = out->add_steps();
    planned->set_method(step.method);
    planned->set_path(step.path);
    for (const auto& [name, value] : step.params) {
      v1::PlannedParam* param = planned->add_params();
      param->set_name(name);
      param->set_value(value);
    }
    planned->set_purpose(step.purpose);
    planned->set_condition(step.condition);
  }
}

absl::StatusOr<ActionPlan> FromProto(const v1::ActionPlan& plan) {
  ActionPlan out;
  out.key = plan.key();
  out.account_id = plan.account_id();
  out.ad_set_id = plan.ad_set_id();
  out.duplicate_ad_set_id = plan.duplicate_ad_set_id();
  absl::StatusOr<Week> week = Week::Parse(plan.as_of_week());
  if (!week.ok()) return WithMessagePrefix("plan.as_of_week: ", week.status());
  out.as_of_week = *week;
  ASSIGN_OR_RETURN(out.action, ActionFromProto(plan.action(), "plan.action"));
  out.current_event = plan.current_event();
  out.target_event = plan.target_event();
  out.summary = plan.summary();
  for (const v1::PlannedStep& step : plan.steps()) {
    PlannedStep& planned = out.steps.emplace_back();
    planned.method = step.method();
    planned.path = step.path();
    for (const v1::PlannedParam& param : step.params()) {
      planned.params.emplace_back(param.name(), param.value());
    }
    planned.purpose = step.purpose();
    planned.condition = step.condition();
  }
  return out;
}

void ToProto(const ActionRecord& record, v1::ActionRecord* out) {
  out->set_action_id(record.action_id);
  out->set_key(record.key);
  out->set_account_id(record.account_id);
  out->set_ad_set_id(record.ad_set_id);
  out->set_duplicate_ad_set_id(record.duplicate_ad_set_id);
  out->set_as_of_week(record.as_of_week.ToString());
  out->set_action(ToProto(record.action));
  out->set_target_event(record.target_event);
  for (const ActionStep& step : record.steps) {
    v1::ActionStep* sent = out->add_steps();
    sent->set_method(step.method);
    sent->set_path(step.path);
    for (const auto& [name, value] : step.params) {
      v1::PlannedParam* param = sent->add_params();
      param->set_name(name);
      param->set_value(value);
    }
    sent->set_result_id(step.result_id);
    sent->set_error(step.error);
    *sent->mutable_done_time() = ToTimestamp(step.done_at);
  }
  out->set_state(ShiftedToApi<v1::ActionState>(record.state));
  out->set_outcome(record.outcome);
  out->set_recorded_by(record.recorded_by);
  *out->mutable_create_time() = ToTimestamp(record.created_at);
  *out->mutable_update_time() = ToTimestamp(record.updated_at);
}

absl::StatusOr<ActionRecord> FromProto(const v1::ActionRecord& record) {
  ActionRecord out;
  out.key = record.key();
  out.account_id = record.account_id();
  out.ad_set_id = record.ad_set_id();
  out.duplicate_ad_set_id = record.duplicate_ad_set_id();
  ASSIGN_OR_RETURN(const std::optional<Week> week,
                   ParseOptionalWeek("action.as_of_week", record.as_of_week()));
  if (!week.has_value()) return absl::InvalidArgumentError("action.as_of_week: must not be empty");
  out.as_of_week = *week;
  ASSIGN_OR_RETURN(out.action, ActionFromProto(record.action(), "action.action"));
  out.target_event = record.target_event();
  for (const v1::ActionStep& step : record.steps()) {
    ActionStep& added = out.steps.emplace_back();
    added.method = step.method();
    added.path = step.path();
    for (const v1::PlannedParam& param : step.params()) {
      added.params.emplace_back(param.name(), param.value());
    }
    added.result_id = step.result_id();
    added.error = step.error();
    added.done_at = absl::FromUnixMicros(
        google::protobuf::util::TimeUtil::TimestampToMicroseconds(step.done_time()));
  }
  if (record.state() < v1::ACTION_STATE_IN_PROGRESS || record.state() > v1::ACTION_STATE_SKIPPED) {
    return absl::InvalidArgumentError("action.state: must be IN_PROGRESS, DONE, FAILED or SKIPPED");
  }
  out.state = static_cast<ActionState>(record.state() - 1);
  out.outcome = record.outcome();
  return out;
}

namespace {

void ToProto(const Ladder& ladder, v1::Ladder* out) {
  out->set_name(ladder.name);
  for (const std::string& event : ladder.events) out->add_events(event);
}

}  // namespace

absl::Status ToProto(const PolicyView& view, v1::Policy* out) {
  RETURN_IF_ERROR(PolicyToProto(view.effective.policy, out));
  out->set_version(view.effective.version);
  out->set_account_id(view.effective.account_id);
  for (const std::string& name : view.ladders.Names()) {
    ToProto(*view.ladders.Find(name), out->add_ladders());
  }
  out->set_default_ladder(kDefaultLadderName);
  out->set_etag(view.etag);
  out->set_revision(view.revision);
  return ToProto(view.stored, out->mutable_stored());
}

namespace {

std::string WeekText(std::optional<Week> week) { return week.has_value() ? week->ToString() : ""; }

void ToProto(const WeekFigures& figures, v1::WeekFigures* out) {
  out->set_week(figures.week.ToString());
  out->set_ad_sets(figures.ad_sets);
  for (const auto& [action, count] : figures.actions) {
    v1::ActionCount* added = out->add_actions();
    added->set_action(ToProto(action));
    added->set_count(static_cast<int32_t>(count));
  }
  for (const auto& [status, count] : figures.learning_statuses) {
    v1::LearningStatusCount* added = out->add_learning_statuses();
    added->set_learning_status(ToProto(status));
    added->set_count(count);
  }
  for (const auto& [event, count] : figures.rungs) (*out->mutable_rungs())[event] = count;
  out->set_spend_micros(figures.spend_micros);
  out->set_spend_below_threshold_micros(figures.spend_below_threshold_micros);
  out->set_spend_share_below_threshold(figures.SpendShareBelowThreshold());
  out->set_needing_attention(figures.needing_attention);
}

void ToProto(const LearningCapacity& capacity, v1::LearningCapacity* out) {
  out->set_weekly_spend_micros(capacity.weekly_spend_micros);
  for (const RungCapacity& rung : capacity.rungs) {
    v1::RungCapacity* added = out->add_rungs();
    added->set_event(rung.event);
    added->set_ad_sets_at_threshold(rung.ad_sets_at_threshold);
    if (rung.blended_weekly_budget_micros) {
      added->set_blended_weekly_budget_micros(*rung.blended_weekly_budget_micros);
    }
  }
}

}  // namespace

void ToProto(const AccountOverview& account, v1::AccountOverview* out) {
  out->set_account_id(account.account_id);
  out->set_name(account.name);
  out->set_ad_sets(account.ad_sets);
  out->set_last_week_stored(WeekText(account.last_week_stored));
  if (account.last_sync_time) *out->mutable_last_sync_time() = ToTimestamp(*account.last_sync_time);
  out->set_latest_evaluated_week(WeekText(account.latest_evaluated_week));
  out->set_needing_attention(account.needing_attention);
}

void ToProto(const AccountSummary& summary, v1::AccountSummary* out) {
  out->set_account_id(summary.account_id);
  out->set_as_of_week(summary.as_of_week.ToString());
  out->set_previous_week(WeekText(summary.previous_week));
  ToProto(summary.figures, out->mutable_figures());
  for (const auto& [state, count] : summary.climb_tests) {
    v1::ClimbTestStateCount* added = out->add_climb_tests();
    added->set_state(ToProto(state));
    added->set_count(count);
  }
  for (const AdviceChange& change : summary.changes) {
    v1::AdviceChange* added = out->add_changes();
    added->set_ad_set_id(change.ad_set_id);
    if (change.before.has_value()) added->set_before(ToProto(*change.before));
    added->set_after(ToProto(change.after));
  }
  for (const ClimbTest& test : summary.tests_started) ToProto(test, out->add_tests_started());
  for (const ClimbTest& test : summary.tests_concluded) ToProto(test, out->add_tests_concluded());
  for (const WeekFigures& week : summary.trend) ToProto(week, out->add_trend());
  ToProto(summary.learning_capacity, out->mutable_learning_capacity());
}

void ToProto(const ChangedAdvice& change, v1::ChangedAdvice* out) {
  out->set_ad_set_id(change.ad_set_id);
  out->set_as_of_week(change.as_of_week.ToString());
  if (change.stored_action.has_value()) out->set_stored_action(ToProto(*change.stored_action));
  out->set_proposed_action(ToProto(change.proposed_action));
}

absl::Status ToProto(const StoredPolicy& policy, v1::PolicyOverrides* out) {
  RETURN_IF_ERROR(OverridesToProto(policy.overrides, out));
  out->clear_ladders();
  for (const Ladder& ladder : policy.ladders) ToProto(ladder, out->add_ladders());
  return absl::OkStatus();
}

absl::Status ToProto(const PolicyRevision& revision, v1::PolicyVersion* out) {
  out->set_account_id(revision.account_id);
  out->set_revision(revision.revision);
  out->set_version(revision.version);
  RETURN_IF_ERROR(
      ToProto(StoredPolicy{revision.overrides, revision.ladders}, out->mutable_overrides()));
  out->set_changed_by(revision.changed_by);
  *out->mutable_change_time() = ToTimestamp(revision.change_time);
  out->set_reason(revision.reason);
  out->set_deployment_revision(revision.deployment_revision);
  return absl::OkStatus();
}

namespace {

void ToProto(const CostSums& sums, v1::CostSums* out) {
  out->set_spend_micros(sums.spend_micros);
  out->set_macro_conversions(sums.macro_conversions);
  out->set_weeks(sums.weeks);
  if (const std::optional<double> cost = sums.CostPerMacroMicros(); cost.has_value()) {
    out->set_cost_per_macro_micros(*cost);
  }
}

void ToProto(const BacktestOutcome& outcome, v1::BacktestOutcome* out) {
  if (outcome.reached_threshold.has_value()) out->set_reached_threshold(*outcome.reached_threshold);
  ToProto(outcome.before, out->mutable_before());
  ToProto(outcome.after, out->mutable_after());
}

void ToProto(const OutcomeTotals& totals, v1::OutcomeTotals* out) {
  out->set_advice(totals.advice);
  out->set_outcome_known(totals.outcome_known);
  out->set_reached_threshold(totals.reached_threshold);
  ToProto(totals.before, out->mutable_before());
  ToProto(totals.after, out->mutable_after());
}

void ToProto(const AdSetBacktest& ad_set, v1::AdSetBacktest* out) {
  out->set_account_id(ad_set.account_id);
  out->set_ad_set_id(ad_set.ad_set_id);
  for (const BacktestWeek& week : ad_set.weeks) {
    v1::BacktestWeek* added = out->add_weeks();
    ToProto(week.recommendation, added->mutable_recommendation());
    added->set_following(ShiftedToApi<v1::Following>(week.following));
    added->set_followed_on_ad_set_id(week.followed_on_ad_set_id);
    ToProto(week.outcome, added->mutable_outcome());
  }
}

}  // namespace

void ToProto(const BacktestResult& result, v1::RunBacktestResponse* out) {
  out->set_from_week(result.from_week.ToString());
  out->set_to_week(result.to_week.ToString());
  out->set_policy_version(result.policy_version);
  v1::BacktestTotals* totals = out->mutable_totals();
  totals->set_ad_sets(result.totals.ad_sets);
  totals->set_advice(result.totals.advice);
  for (int i = 0; i < kActionCount; ++i) {
    const ActionTotals& given = result.totals.by_action[i];
    if (given.given == 0) continue;
    v1::ActionTotals* added = totals->add_actions();
    added->set_action(ToProto(static_cast<Action>(i)));
    added->set_given(given.given);
    added->set_followed(given.followed);
    added->set_not_followed(given.not_followed);
    added->set_unknown(given.unknown);
    ToProto(given.when_followed, added->mutable_when_followed());
    ToProto(given.when_not_followed, added->mutable_when_not_followed());
  }
  for (const AdSetBacktest& ad_set : result.ad_sets) ToProto(ad_set, out->add_ad_sets());
}

absl::StatusOr<StoredPolicy> FromProto(const v1::PolicyOverrides& policy) {
  StoredPolicy out;
  ASSIGN_OR_RETURN(out.overrides, OverridesFromProto(policy));
  for (const v1::Ladder& ladder : policy.ladders()) {
    out.ladders.push_back(Ladder{ladder.name(), {ladder.events().begin(), ladder.events().end()}});
  }
  return out;
}

absl::StatusOr<PolicyUpdate> FromProto(const v1::UpdatePolicyRequest& request) {
  PolicyUpdate update;
  update.account_id = request.account_id();
  ASSIGN_OR_RETURN(update.policy, FromProto(request.policy()));
  update.reason = request.reason();
  update.etag = request.etag();
  update.validate_only = request.validate_only();
  return update;
}

}  // namespace rung
