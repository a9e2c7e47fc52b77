#include "cli/apply_command.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "act/action_runner.h"
#include "api/proto_convert.h"
#include "cli/meta_flags.h"
#include "cli/plan_command.h"
#include "meta/ad_set_writer.h"
#include "meta/graph_client.h"
#include "meta/http_transport.h"
#include "nlohmann/json.hpp"
#include "rung/account.h"
#include "rung/status_macros.h"

namespace rung::cli {
namespace {

using AdvisorStub = v1::AdvisorService::Stub;

constexpr int kDefaultMaxActions = 20;
constexpr int kListPageSize = 1000;

// rungd as the runner sees it, over the session's gRPC calls.
class DaemonLedger : public act::ActionLedger {
 public:
  explicit DaemonLedger(Session& session) : session_(session) {}

  absl::StatusOr<std::optional<ActionRecord>> Find(const std::string& account_id,
                                                   const std::string& ad_set_id,
                                                   const std::string& key) override {
    v1::ListActionsRequest request;
    request.set_account_id(account_id);
    request.set_ad_set_id(ad_set_id);
    request.set_page_size(kListPageSize);
    std::optional<v1::ActionRecord> found;
    RETURN_IF_ERROR(session_.ForEachPage(&AdvisorStub::ListActions, request,
                                         [&](const v1::ListActionsResponse& page) {
                                           for (const v1::ActionRecord& record : page.actions()) {
                                             if (record.key() == key) found = record;
                                           }
                                           return !found.has_value();
                                         }));
    if (!found.has_value()) return std::nullopt;
    return FromProto(*found);
  }

  absl::StatusOr<ActionRecord> Record(const ActionRecord& record) override {
    v1::RecordActionRequest request;
    ToProto(record, request.mutable_action());
    v1::RecordActionResponse response;
    RETURN_IF_ERROR(session_.Call(&AdvisorStub::RecordAction, request, &response));
    return FromProto(response.action());
  }

  absl::StatusOr<std::optional<ClimbTest>> RunningTestOf(const std::string& account_id,
                                                         const std::string& ad_set_id) override {
    v1::ListClimbTestsRequest request;
    request.set_account_id(account_id);
    request.set_state(v1::CLIMB_TEST_STATE_RUNNING);
    request.set_page_size(kListPageSize);
    std::optional<ClimbTest> found;
    RETURN_IF_ERROR(session_.ForEachPage(&AdvisorStub::ListClimbTests, request,
                                         [&](const v1::ListClimbTestsResponse& page) {
                                           for (const v1::ClimbTest& test : page.climb_tests()) {
                                             ClimbTest candidate = Brief(test);
                                             if (candidate.Involves(ad_set_id)) found = candidate;
                                           }
                                           return !found.has_value();
                                         }));
    return found;
  }

  absl::StatusOr<ClimbTest> StartClimbTest(const std::string& original,
                                           const std::string& duplicate, Week start_week) override {
    v1::StartClimbTestRequest request;
    request.set_original_ad_set_id(original);
    request.set_duplicate_ad_set_id(duplicate);
    request.set_start_week(start_week.ToString());
    v1::StartClimbTestResponse response;
    RETURN_IF_ERROR(session_.Call(&AdvisorStub::StartClimbTest, request, &response));
    return Brief(response.climb_test());
  }

 private:
  // What the runner reads of a test: its id and its ad sets.
  static ClimbTest Brief(const v1::ClimbTest& test) {
    ClimbTest brief;
    brief.climb_test_id = test.climb_test_id();
    brief.account_id = test.account_id();
    brief.original_ad_set_id = test.original_ad_set_id();
    brief.duplicate_ad_set_id = test.duplicate_ad_set_id();
    return brief;
  }

  Session& session_;
};

// The last complete week in the account's time zone, as rungd plans with it;
// in UTC before a sync recorded the zone.
absl::StatusOr<Week> LastCompleteWeekOf(Session& session, const std::string& account_id,
                                        absl::Time now) {
  v1::GetAccountRequest request;
  request.set_account_id(account_id);
  v1::GetAccountResponse response;
  const absl::Status status = session.Call(&AdvisorStub::GetAccount, request, &response);
  if (absl::IsNotFound(status)) return LastCompleteWeekOfAccount("", now);
  RETURN_IF_ERROR(status);
  return LastCompleteWeekOfAccount(response.account().time_zone(), now);
}

// One ad account's writer and runner, with a Graph client of its own, so
// that each account gets its own --max-wait.
struct AccountRunner {
  AccountRunner(meta::HttpTransport* transport, const MetaFlags& flags,
                const std::string& account_id, act::ActionLedger& ledger, act::RunSettings settings)
      : client(transport, meta::GraphEnv::Default(), flags.credentials, flags.graph),
        writer(&client, account_id),
        runner(writer, ledger, std::move(settings)) {}

  meta::GraphClient client;
  meta::AdSetWriter writer;
  act::ActionRunner runner;
};

struct ApplyFlags {
  MetaFlags meta;
  int max_actions = kDefaultMaxActions;
  double budget_share = 1.0;
};

absl::StatusOr<ApplyFlags> ReadApplyFlags(const Invocation& invocation) {
  ApplyFlags flags;
  if (invocation.Has("--max-actions")) {
    ASSIGN_OR_RETURN(flags.max_actions,
                     ParsePositiveInt("--max-actions", invocation.Value("--max-actions")));
  }
  ASSIGN_OR_RETURN(flags.budget_share, BudgetShare(invocation));
  ASSIGN_OR_RETURN(flags.meta, ReadMetaFlags(invocation));
  return flags;
}

// Carries plans out, making one runner per account as its first plan comes.
class Applier {
 public:
  Applier(const ApplyFlags& flags, Session& session)
      : flags_(flags),
        session_(session),
        ledger_(session),
        transport_(meta::NewCurlTransport(meta::CurlOptions())) {}

  act::ActionOutcome Apply(const v1::ActionPlan& proto) {
    act::ActionOutcome failed;
    failed.key = proto.key();
    failed.state = ActionState::kFailed;
    const absl::StatusOr<ActionPlan> plan = FromProto(proto);
    if (!plan.ok()) {
      failed.message = std::string(plan.status().message());
      return failed;
    }
    const absl::StatusOr<act::ActionRunner*> runner = RunnerOf(plan->account_id);
    if (!runner.ok()) {
      failed.message = absl::StrCat("account ", plan->account_id, ": ", runner.status().message());
      return failed;
    }
    return (*runner)->Run(*plan);
  }

 private:
  absl::StatusOr<act::ActionRunner*> RunnerOf(const std::string& account_id) {
    std::unique_ptr<AccountRunner>& slot = runners_[account_id];
    if (slot == nullptr) {
      act::RunSettings settings;
      settings.budget_share = flags_.budget_share;
      ASSIGN_OR_RETURN(settings.last_complete_week,
                       LastCompleteWeekOf(session_, account_id, absl::Now()));
      slot = std::make_unique<AccountRunner>(transport_.get(), flags_.meta, account_id, ledger_,
                                             std::move(settings));
    }
    return &slot->runner;
  }

  const ApplyFlags& flags_;
  Session& session_;
  DaemonLedger ledger_;
  std::unique_ptr<meta::HttpTransport> transport_;
  std::map<std::string, std::unique_ptr<AccountRunner>> runners_;
};

void PrintOutcomes(const std::vector<act::ActionOutcome>& outcomes, int left, int max_actions,
                   Session& session) {
  if (session.json()) {
    nlohmann::ordered_json actions = nlohmann::ordered_json::array();
    for (const act::ActionOutcome& outcome : outcomes) {
      actions.push_back({{"key", outcome.key},
                         {"state", std::string(ActionStateName(outcome.state))},
                         {"message", outcome.message},
                         {"already_done", outcome.already_done}});
    }
    session.out() << nlohmann::ordered_json{{"actions", actions}, {"not_run", left}}.dump(2)
                  << "\n";
    return;
  }
  for (const act::ActionOutcome& outcome : outcomes) {
    session.out() << outcome.key << ": " << ActionStateName(outcome.state) << ": "
                  << outcome.message << "\n";
  }
  if (left > 0) {
    session.out() << left << (left == 1 ? " more action" : " more actions")
                  << " left for a later run (--max-actions " << max_actions << ")\n";
  }
}

absl::Status Execute(const Invocation& invocation, Session& session) {
  ASSIGN_OR_RETURN(const ApplyFlags flags, ReadApplyFlags(invocation));
  ASSIGN_OR_RETURN(const v1::PlanActionsResponse plans, FetchPlans(invocation, session));
  Applier applier(flags, session);
  std::vector<act::ActionOutcome> outcomes;
  int taken = 0;
  int left = 0;
  for (const v1::ActionPlan& plan : plans.plans()) {
    if (plan.steps_size() == 0) continue;  // nothing to do on Meta
    if (taken >= flags.max_actions) {
      ++left;
      continue;
    }
    act::ActionOutcome outcome = applier.Apply(plan);
    // What an earlier run finished takes no share of this run's cap.
    if (!outcome.already_done) ++taken;
    outcomes.push_back(std::move(outcome));
  }
  PrintOutcomes(outcomes, left, flags.max_actions, session);
  bool failed = false;
  for (const act::ActionOutcome& outcome : outcomes) {
    if (outcome.state != ActionState::kFailed) continue;
    session.err() << "rungctl: " << outcome.key << ": " << outcome.message << "\n";
    failed = true;
  }
  return failed ? AlreadyReported() : absl::OkStatus();
}

}  // namespace

absl::Status RunApply(const Invocation& invocation, Session& session) {
  if (!invocation.Has("--execute")) return RunPlan(invocation, session);
  return Execute(invocation, session);
}

}  // namespace rung::cli
