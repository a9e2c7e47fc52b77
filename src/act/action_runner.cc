#include "act/action_runner.h"

#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "core/text.h"
#include "import/fields.h"
#include "rung/status_macros.h"

namespace rung::act {
namespace {

using meta::AdSetSettings;
using meta::DeliveryStatus;
using meta::MetaAd;

// What the budget step of PROMOTE_DUPLICATE says while it is on its way:
// recorded before it is sent, so that a run that dies before the answer
// knows the value it meant and sends it again instead of adding O's budget
// to D a second time.
constexpr char kUnanswered[] = "sent; no answer recorded yet";

// An ad that is itself active. Under a paused ad set or campaign Meta
// reports such an ad as ADSET_PAUSED or CAMPAIGN_PAUSED, which a resumed
// run may see: it must still copy the same ads as the first.
bool IsActiveAd(const MetaAd& ad) {
  return ad.effective_status == "ACTIVE" || ad.effective_status == "ADSET_PAUSED" ||
         ad.effective_status == "CAMPAIGN_PAUSED";
}

const char* StatusName(DeliveryStatus status) {
  return status == DeliveryStatus::kActive ? "ACTIVE" : "PAUSED";
}

// Meta's and rungd's messages may run over lines; an outcome is one line.
std::string OneLine(absl::string_view text) {
  return absl::StrReplaceAll(text, {{"\r\n", " "}, {"\n", " "}, {"\r", " "}});
}

const std::string* ParamOf(const std::vector<std::pair<std::string, std::string>>& params,
                           absl::string_view name) {
  for (const auto& [key, value] : params) {
    if (key == name) return &value;
  }
  return nullptr;
}

ActionRecord NewRecord(const ActionPlan& plan) {
  ActionRecord record;
  record.key = plan.key;
  record.account_id = plan.account_id;
  record.ad_set_id = plan.ad_set_id;
  // Set for PROMOTE_DUPLICATE and KEEP_CURRENT, whose test names D; a climb
  // or a move names it once it exists.
  record.duplicate_ad_set_id = plan.duplicate_ad_set_id;
  record.as_of_week = plan.as_of_week;
  record.action = plan.action;
  record.target_event = plan.target_event;
  return record;
}

ActionStep Post(std::string path, std::vector<std::pair<std::string, std::string>> params) {
  ActionStep step;
  step.method = "POST";
  step.path = std::move(path);
  step.params = std::move(params);
  return step;
}

// The carrying out of one plan: the record it builds, and the steps.
class Execution {
 public:
  Execution(const ActionPlan& plan, meta::AdSetWriter& writer, ActionLedger& ledger,
            const RunSettings& settings)
      : plan_(plan), writer_(writer), ledger_(ledger), settings_(settings) {}

  ActionOutcome Run();

 private:
  // Something already happened on Meta for this action: a step succeeded.
  // Then the pre-flight check no longer applies, since the action's own
  // steps change what it checks (a move pauses O, a climb starts a test).
  bool Resuming() const;
  // Why Meta's or rungd's state no longer matches the advice; "" when it does.
  absl::StatusOr<std::string> PreflightProblem(const AdSetSettings& original);
  absl::Status Act(const AdSetSettings& original);

  // Steps 1-4 of a climb or a move: D made or found, filled and started.
  absl::Status Duplicate(const AdSetSettings& original);
  // D as the record or O's campaign names it; "" when there is none yet.
  absl::StatusOr<std::string> FindDuplicate(const AdSetSettings& original);
  absl::StatusOr<std::string> CreateDuplicate(const AdSetSettings& original);
  absl::Status CopyAds(const std::string& duplicate);
  absl::Status StartTest();
  absl::Status MoveBudget(const AdSetSettings& original);
  absl::Status SetStatus(const std::string& id, DeliveryStatus status);

  // Makes one call with `send` and adds it to the record as `step` with its
  // answer's id or error; the caller saves it.
  absl::StatusOr<std::string> Send(ActionStep step,
                                   absl::FunctionRef<absl::StatusOr<std::string>()> send);
  // Send, then save: every step is in rungd before the next begins.
  absl::StatusOr<std::string> Write(ActionStep step,
                                    absl::FunctionRef<absl::StatusOr<std::string>()> send);
  absl::Status Save();
  ActionOutcome Outcome(ActionState state, std::string message) const;
  // Saves the final state with `message` as its outcome.
  ActionOutcome Finish(ActionState state, std::string message);

  const ActionPlan& plan_;
  meta::AdSetWriter& writer_;
  ActionLedger& ledger_;
  const RunSettings& settings_;
  ActionRecord record_;
};

ActionOutcome Execution::Run() {
  if (plan_.steps.empty()) return Outcome(ActionState::kSkipped, plan_.summary);
  absl::StatusOr<std::optional<ActionRecord>> found =
      ledger_.Find(plan_.account_id, plan_.ad_set_id, plan_.key);
  if (!found.ok()) {
    return Outcome(ActionState::kFailed,
                   absl::StrCat("cannot read the action's record: ", found.status().message()));
  }
  if (found->has_value() && (*found)->state == ActionState::kDone) {
    ActionOutcome outcome = Outcome(ActionState::kDone, "already done");
    outcome.already_done = true;
    return outcome;
  }
  record_ = found->has_value() ? **std::move(found) : NewRecord(plan_);
  record_.state = ActionState::kInProgress;
  record_.outcome.clear();
  const bool resuming = Resuming();
  const absl::StatusOr<AdSetSettings> original = writer_.ReadAdSet(plan_.ad_set_id);
  if (!original.ok()) return Finish(ActionState::kFailed, std::string(original.status().message()));
  if (!resuming) {
    const absl::StatusOr<std::string> problem = PreflightProblem(*original);
    if (!problem.ok()) return Finish(ActionState::kFailed, std::string(problem.status().message()));
    if (!problem->empty()) return Finish(ActionState::kSkipped, *problem);
  }
  const absl::Status status = Act(*original);
  if (!status.ok()) return Finish(ActionState::kFailed, std::string(status.message()));
  std::string done = plan_.summary;
  if (!record_.duplicate_ad_set_id.empty()) {
    absl::StrAppend(&done, "; duplicate ", record_.duplicate_ad_set_id);
  }
  return Finish(ActionState::kDone, std::move(done));
}

bool Execution::Resuming() const {
  for (const ActionStep& step : record_.steps) {
    if (step.error.empty()) return true;
  }
  return false;
}

absl::StatusOr<std::string> Execution::PreflightProblem(const AdSetSettings& original) {
  const std::string& id = plan_.ad_set_id;
  if (original.effective_status != "ACTIVE") {
    return absl::StrCat("ad set ", id, " is ", original.effective_status,
                        " on Meta, not ACTIVE as the advice assumed");
  }
  if (original.event != plan_.current_event) {
    return absl::StrCat("ad set ", id, " optimizes for ", original.event, " on Meta, not ",
                        plan_.current_event, " as the advice assumed");
  }
  if (plan_.as_of_week < settings_.last_complete_week) {
    return absl::StrCat("the advice is of the week of ", plan_.as_of_week.ToString(),
                        ", older than the last complete week, ",
                        settings_.last_complete_week.ToString(), ": evaluate again");
  }
  ASSIGN_OR_RETURN(const std::optional<ClimbTest> running,
                   ledger_.RunningTestOf(plan_.account_id, id));
  if (running.has_value()) {
    return absl::StrCat("climb test ", running->climb_test_id, " is running on ad set ", id);
  }
  return std::string();
}

absl::Status Execution::Act(const AdSetSettings& original) {
  switch (plan_.action) {
    case Action::kDuplicateAndClimb: RETURN_IF_ERROR(Duplicate(original)); return StartTest();
    case Action::kMoveDown:
      RETURN_IF_ERROR(Duplicate(original));
      return SetStatus(plan_.ad_set_id, DeliveryStatus::kPaused);
    case Action::kPromoteDuplicate:
      RETURN_IF_ERROR(MoveBudget(original));
      return SetStatus(plan_.ad_set_id, DeliveryStatus::kPaused);
    case Action::kKeepCurrent: return SetStatus(plan_.duplicate_ad_set_id, DeliveryStatus::kPaused);
    default:
      return absl::FailedPreconditionError(
          absl::StrCat(AsAbsl(ActionName(plan_.action)), " does nothing on Meta"));
  }
}

absl::Status Execution::Duplicate(const AdSetSettings& original) {
  ASSIGN_OR_RETURN(std::string duplicate, FindDuplicate(original));
  if (duplicate.empty()) {
    ASSIGN_OR_RETURN(duplicate, CreateDuplicate(original));
  }
  RETURN_IF_ERROR(CopyAds(duplicate));
  return SetStatus(duplicate, DeliveryStatus::kActive);
}

absl::StatusOr<std::string> Execution::FindDuplicate(const AdSetSettings& original) {
  if (!record_.duplicate_ad_set_id.empty()) return record_.duplicate_ad_set_id;
  const std::string suffix = DuplicateNameSuffix(plan_.target_event, plan_.key);
  ASSIGN_OR_RETURN(const std::vector<meta::AdSetName> ad_sets,
                   writer_.FindAdSetsInCampaign(original.campaign_id));
  for (const meta::AdSetName& ad_set : ad_sets) {
    if (!absl::EndsWith(ad_set.name, suffix)) continue;
    // Made by a run whose answer was lost, or that died before recording
    // it: recorded now, as the step that found it.
    ActionStep step;
    step.method = "GET";
    step.path = absl::StrCat(original.campaign_id, "/adsets");
    step.params = {{"fields", "id,name"}};
    step.result_id = ad_set.id;
    step.done_at = settings_.clock();
    record_.steps.push_back(std::move(step));
    record_.duplicate_ad_set_id = ad_set.id;
    RETURN_IF_ERROR(Save());
    return ad_set.id;
  }
  return std::string();
}

absl::StatusOr<std::string> Execution::CreateDuplicate(const AdSetSettings& original) {
  meta::NewAdSet duplicate;
  duplicate.name = absl::StrCat(original.name, DuplicateNameSuffix(plan_.target_event, plan_.key));
  duplicate.event = plan_.target_event;
  if (original.daily_budget.has_value()) {
    duplicate.daily_budget =
        std::llround(static_cast<double>(*original.daily_budget) * settings_.budget_share);
  }
  // What CreateAdSet sends, for the record; an event Meta cannot take fails
  // here, before anything is sent.
  ASSIGN_OR_RETURN(meta::GraphParams params, meta::NewAdSetParams(original, duplicate));
  absl::StatusOr<std::string> id = Send(
      Post(absl::StrCat(importer::MetaAccountId(plan_.account_id), "/adsets"), std::move(params)),
      [&] { return writer_.CreateAdSet(original, duplicate); });
  if (id.ok()) record_.duplicate_ad_set_id = *id;
  RETURN_IF_ERROR(Save());
  return id;
}

absl::Status Execution::CopyAds(const std::string& duplicate) {
  ASSIGN_OR_RETURN(const std::vector<MetaAd> ads, writer_.ListAds(plan_.ad_set_id));
  ASSIGN_OR_RETURN(const std::vector<MetaAd> copies, writer_.ListAds(duplicate));
  absl::flat_hash_set<std::string> copied;
  for (const MetaAd& copy : copies) copied.insert(copy.source_ad_id);
  for (const MetaAd& ad : ads) {
    if (!IsActiveAd(ad) || copied.contains(ad.id)) continue;
    RETURN_IF_ERROR(Write(Post(absl::StrCat(ad.id, "/copies"),
                               {{"adset_id", duplicate}, {"status_option", "ACTIVE"}}),
                          [&] { return writer_.CopyAd(ad.id, duplicate); })
                        .status());
  }
  return absl::OkStatus();
}

absl::Status Execution::StartTest() {
  const std::string& original = plan_.ad_set_id;
  const std::string& duplicate = record_.duplicate_ad_set_id;
  ASSIGN_OR_RETURN(const std::optional<ClimbTest> running,
                   ledger_.RunningTestOf(plan_.account_id, original));
  // Started by a run that died before recording it.
  if (running.has_value() && running->Involves(duplicate)) return absl::OkStatus();
  // The plan's week: the Monday of the week under way in the account's time
  // zone when rungd planned it.
  Week start_week = settings_.last_complete_week.Next();
  for (const PlannedStep& planned : plan_.steps) {
    const std::string* week = ParamOf(planned.params, "start_week");
    if (planned.method != "RUNGD" || week == nullptr) continue;
    ASSIGN_OR_RETURN(start_week, Week::Parse(*week));
  }
  ActionStep step;
  step.method = "RUNGD";
  step.path = "StartClimbTest";
  step.params = {{"original_ad_set_id", original},
                 {"duplicate_ad_set_id", duplicate},
                 {"start_week", start_week.ToString()}};
  return Write(std::move(step),
               [&]() -> absl::StatusOr<std::string> {
                 ASSIGN_OR_RETURN(const ClimbTest test,
                                  ledger_.StartClimbTest(original, duplicate, start_week));
                 return test.climb_test_id;
               })
      .status();
}

absl::Status Execution::MoveBudget(const AdSetSettings& original) {
  // Under a campaign budget there is nothing to move.
  if (!original.daily_budget.has_value()) return absl::OkStatus();
  const std::string& duplicate = plan_.duplicate_ad_set_id;
  std::optional<int64_t> budget;
  for (const ActionStep& step : record_.steps) {
    const std::string* value = ParamOf(step.params, "daily_budget");
    int64_t parsed = 0;
    if (step.path == duplicate && value != nullptr && absl::SimpleAtoi(*value, &parsed)) {
      budget = parsed;
    }
  }
  if (!budget.has_value()) {
    ASSIGN_OR_RETURN(const AdSetSettings read, writer_.ReadAdSet(duplicate));
    budget = read.daily_budget.value_or(0) + *original.daily_budget;
    ActionStep intent = Post(duplicate, {{"daily_budget", absl::StrCat(*budget)}});
    intent.error = kUnanswered;
    intent.done_at = settings_.clock();
    record_.steps.push_back(std::move(intent));
    RETURN_IF_ERROR(Save());
  }
  return Write(Post(duplicate, {{"daily_budget", absl::StrCat(*budget)}}),
               [&]() -> absl::StatusOr<std::string> {
                 RETURN_IF_ERROR(writer_.SetDailyBudget(duplicate, *budget));
                 return std::string();
               })
      .status();
}

absl::Status Execution::SetStatus(const std::string& id, DeliveryStatus status) {
  return Write(Post(id, {{"status", StatusName(status)}}),
               [&]() -> absl::StatusOr<std::string> {
                 RETURN_IF_ERROR(writer_.SetStatus(id, status));
                 return std::string();
               })
      .status();
}

absl::StatusOr<std::string> Execution::Send(ActionStep step,
                                            absl::FunctionRef<absl::StatusOr<std::string>()> send) {
  absl::StatusOr<std::string> answer = send();
  if (answer.ok()) {
    step.result_id = *answer;
  } else {
    step.error = OneLine(answer.status().message());
  }
  step.done_at = settings_.clock();
  record_.steps.push_back(std::move(step));
  return answer;
}

absl::StatusOr<std::string> Execution::Write(
    ActionStep step, absl::FunctionRef<absl::StatusOr<std::string>()> send) {
  absl::StatusOr<std::string> answer = Send(std::move(step), send);
  RETURN_IF_ERROR(Save());
  return answer;
}

absl::Status Execution::Save() {
  absl::StatusOr<ActionRecord> stored = ledger_.Record(record_);
  if (!stored.ok()) {
    return WithMessagePrefix("cannot record the action in rungd: ", stored.status());
  }
  record_ = *std::move(stored);
  return absl::OkStatus();
}

ActionOutcome Execution::Outcome(ActionState state, std::string message) const {
  ActionOutcome outcome;
  outcome.key = plan_.key;
  outcome.state = state;
  outcome.message = OneLine(message);
  return outcome;
}

ActionOutcome Execution::Finish(ActionState state, std::string message) {
  record_.state = state;
  record_.outcome = OneLine(message);
  const absl::Status saved = Save();
  if (saved.ok()) return Outcome(state, std::move(message));
  // Meta may be ahead of the record: a later run resumes from what it finds.
  return Outcome(ActionState::kFailed,
                 absl::StrCat(message.empty() ? "" : absl::StrCat(message, "; "), saved.message()));
}

}  // namespace

ActionRunner::ActionRunner(meta::AdSetWriter& writer, ActionLedger& ledger, RunSettings settings)
    : writer_(writer), ledger_(ledger), settings_(std::move(settings)) {}

ActionOutcome ActionRunner::Run(const ActionPlan& plan) {
  return Execution(plan, writer_, ledger_, settings_).Run();
}

}  // namespace rung::act
