// `rungctl apply --execute` as an operator runs it: the built binary against
// the fake Graph API (tests/support/fake_graph.h) and a real daemon over a
// real SQLite file, with the advice that `rungctl sync` and `evaluate` made.
// The crash test kills the process itself, at a point the fake holds still,
// rather than simulating a stop; act_action_runner_test covers each action.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "daemon/server.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "rung/v1/advisor_service.grpc.pb.h"
#include "rung/week.h"
#include "support/fake_graph.h"
#include "support/graph_fixtures.h"
#include "support/rungctl_process.h"
#include "support/temp_dir.h"

namespace rung {
namespace {

using test_support::ExpectSuccess;
using test_support::Result;
using test_support::RungctlProcess;
using test_support::RunOptions;
using test_support::RunRungctl;
using ::testing::AllOf;
using testing::FakeAccount;
using testing::FakeAdSet;
using testing::FakeGraph;
using testing::FakeInsightsRow;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

constexpr char kToken[] = "EAAapplyTestTokenValue321";
constexpr char kAppSecret[] = "apply-test-app-secret-778";
constexpr char kAccount[] = "act_1001";
constexpr char kClimber[] = "2001";
constexpr char kZone[] = "Europe/Berlin";
constexpr int kWeeks = 6;

Week LastComplete() { return test_support::LastCompleteWeekIn(kZone); }

FakeAdSet AdSet(std::string id, std::string event, int64_t daily_budget) {
  FakeAdSet ad_set = test_support::FakeAdSetOf(std::move(id), std::move(event));
  ad_set.daily_budget = daily_budget;
  return ad_set;
}

// Weeks `from_back` .. 0 before the last complete one, 250.00 spent in each.
void AddRows(FakeAccount& account, const std::string& ad_set_id, int from_back,
             std::vector<testing::FakeAction> actions) {
  for (int back = from_back; back >= 0; --back) {
    account.rows.push_back(
        FakeInsightsRow{ad_set_id, LastComplete().Plus(-back).ToString(), "250.00", actions});
  }
}

// Two active ads and a paused one in `ad_set_id`, numbered from `first_ad`.
void AddAds(FakeAccount& account, const std::string& ad_set_id, int first_ad) {
  for (const char* status : {"ACTIVE", "PAUSED", "ACTIVE"}) {
    const std::string id = std::to_string(first_ad++);
    account.ads.push_back({id, "Ad " + id, status, ad_set_id, ""});
  }
}

FakeAccount NewAccount(std::string id) {
  FakeAccount account;
  account.id = std::move(id);
  account.timezone_name = kZone;
  return account;
}

// Ad set 2001 optimizes AddToCart at 85 a week with InitiateCheckout at 40,
// steadily: the advice is to duplicate it and climb.
FakeAccount Climber() {
  FakeAccount account = NewAccount("1001");
  account.ad_sets = {AdSet(kClimber, "ADD_TO_CART", 5000)};
  AddAds(account, kClimber, 3001);
  AddRows(account, kClimber, kWeeks - 1,
          {{"omni_add_to_cart", "85"}, {"omni_initiated_checkout", "40"}, {"omni_purchase", "10"}});
  return account;
}

// Ad set 2101 optimizes Purchase at 12 a week with AddToCart at 85: move down.
FakeAccount Stuck() {
  FakeAccount account = NewAccount("1002");
  account.ad_sets = {AdSet("2101", "PURCHASE", 4000)};
  AddAds(account, "2101", 3101);
  AddRows(account, "2101", kWeeks - 1,
          {{"omni_add_to_cart", "85"}, {"omni_initiated_checkout", "28"}, {"omni_purchase", "12"}});
  return account;
}

constexpr char kTestedOriginal[] = "2201";
constexpr char kTestedDuplicate[] = "2209";

// Original 2201 (AddToCart, 10 purchases a week, 50.00 a day) and its
// duplicate 2209 (InitiateCheckout, 25.00 a day), tested over the last two
// complete weeks, where the duplicate made `purchases` in each at equal spend.
FakeAccount Tested(int purchases) {
  FakeAccount account = NewAccount("1003");
  account.ad_sets = {AdSet(kTestedOriginal, "ADD_TO_CART", 5000),
                     AdSet(kTestedDuplicate, "INITIATED_CHECKOUT", 2500)};
  AddRows(account, kTestedOriginal, kWeeks - 1,
          {{"omni_add_to_cart", "85"}, {"omni_initiated_checkout", "40"}, {"omni_purchase", "10"}});
  AddRows(account, kTestedDuplicate, 1,
          {{"omni_initiated_checkout", "45"}, {"omni_purchase", std::to_string(purchases)}});
  return account;
}

class RungctlApplyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.http_listen = "";
    options.db_path = dir_.File("rung.db");
    auto server = Server::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
  }

  // Syncs the account from the fake and evaluates the last complete week;
  // `climb_test` names an original and duplicate tested since the week before.
  void SyncAndEvaluate(FakeAccount account,
                       std::optional<std::pair<std::string, std::string>> climb_test = {}) {
    const std::string id = "act_" + account.id;
    graph_.AddAccount(std::move(account));
    ExpectSuccess(Run({"sync", "--account", id, "--graph-url", graph_.base_url()}));
    if (climb_test.has_value()) {
      ExpectSuccess(Run({"climb-test", "start", climb_test->first, climb_test->second, "--start",
                         LastComplete().Previous().ToString()}));
    }
    ExpectSuccess(Run({"evaluate", "--as-of", LastComplete().ToString()}));
  }

  std::vector<std::string> WithServer(std::vector<std::string> args) const {
    args.push_back("--server=" + server_->grpc_address());
    return args;
  }

  // The Meta token and app secret from the environment, as the README tells
  // operators; the fake checks every call's appsecret_proof.
  static RunOptions WithToken() {
    RunOptions options = test_support::WithEnv(absl::StrCat("META_ACCESS_TOKEN=", kToken));
    options.extra_env.push_back(absl::StrCat("META_APP_SECRET=", kAppSecret));
    return options;
  }

  Result Run(std::vector<std::string> args) {
    Result result = RunRungctl(WithServer(std::move(args)), WithToken());
    EXPECT_THAT(result.out + result.err, AllOf(Not(HasSubstr(kToken)), Not(HasSubstr(kAppSecret))));
    return result;
  }

  std::vector<std::string> ApplyArgs(const std::string& account_id, bool execute = true) const {
    std::vector<std::string> args = {"apply", "--account", account_id, "--graph-url",
                                     graph_.base_url()};
    if (execute) args.push_back("--execute");
    return WithServer(std::move(args));
  }

  Result Apply(const std::string& account_id) { return Run(ApplyArgs(account_id)); }

  std::vector<v1::ActionRecord> StoredActions(const std::string& account_id) {
    auto stub = v1::AdvisorService::NewStub(
        grpc::CreateChannel(server_->grpc_address(), grpc::InsecureChannelCredentials()));
    grpc::ClientContext context;
    v1::ListActionsRequest request;
    request.set_account_id(account_id);
    v1::ListActionsResponse response;
    const grpc::Status status = stub->ListActions(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {response.actions().begin(), response.actions().end()};
  }

  // The one action stored for the account.
  v1::ActionRecord OnlyAction(const std::string& account_id) {
    const std::vector<v1::ActionRecord> actions = StoredActions(account_id);
    EXPECT_EQ(actions.size(), 1u) << account_id;
    return actions.empty() ? v1::ActionRecord() : actions[0];
  }

  std::vector<std::string> CopiedFrom(const std::string& ad_set_id) const {
    std::vector<std::string> sources;
    for (const testing::FakeAd& ad : graph_.AdsOf(ad_set_id)) sources.push_back(ad.source_ad_id);
    return sources;
  }

  FakeAdSet OnMeta(const std::string& ad_set_id) const {
    const std::optional<FakeAdSet> ad_set = graph_.FindAdSet(ad_set_id);
    EXPECT_TRUE(ad_set.has_value()) << ad_set_id;
    return ad_set.value_or(FakeAdSet());
  }

  test_support::TempDir dir_;
  FakeGraph graph_{kToken, kAppSecret};
  std::unique_ptr<Server> server_;
};

TEST_F(RungctlApplyTest, DuplicateAndClimbFillsAndStartsADuplicateAndTestsIt) {
  SyncAndEvaluate(Climber());

  const Result result = Apply("act_1001");

  ExpectSuccess(result);
  const v1::ActionRecord action = OnlyAction("act_1001");
  EXPECT_EQ(action.state(), v1::ACTION_STATE_DONE);
  EXPECT_EQ(action.action(), v1::ACTION_DUPLICATE_AND_CLIMB);
  EXPECT_THAT(result.out, HasSubstr(absl::StrCat(action.key(), ": DONE")));
  const std::string duplicate = action.duplicate_ad_set_id();
  EXPECT_EQ(OnMeta(duplicate).custom_event_type, "INITIATED_CHECKOUT");
  EXPECT_EQ(OnMeta(duplicate).status, "ACTIVE");
  EXPECT_EQ(OnMeta(duplicate).daily_budget, 5000);
  EXPECT_THAT(CopiedFrom(duplicate), UnorderedElementsAre("3001", "3003"));
  EXPECT_EQ(OnMeta(kClimber).status, "ACTIVE");
  EXPECT_THAT(Run({"climb-test", "list", "--state", "running"}).out,
              AllOf(HasSubstr(kClimber), HasSubstr(duplicate)));
}

TEST_F(RungctlApplyTest, MoveDownSwitchesToANewAdSetAndPausesTheOriginal) {
  SyncAndEvaluate(Stuck());

  ExpectSuccess(Apply("act_1002"));

  const v1::ActionRecord action = OnlyAction("act_1002");
  EXPECT_EQ(action.state(), v1::ACTION_STATE_DONE);
  EXPECT_EQ(action.action(), v1::ACTION_MOVE_DOWN);
  const std::string replacement = action.duplicate_ad_set_id();
  EXPECT_EQ(OnMeta(replacement).custom_event_type, "ADD_TO_CART");
  EXPECT_EQ(OnMeta(replacement).status, "ACTIVE");
  EXPECT_THAT(CopiedFrom(replacement), UnorderedElementsAre("3101", "3103"));
  EXPECT_EQ(OnMeta("2101").status, "PAUSED");
  EXPECT_THAT(Run({"climb-test", "list"}).out, HasSubstr("no climb tests"));
}

TEST_F(RungctlApplyTest, PromoteDuplicateMovesTheBudgetAndPausesTheOriginal) {
  SyncAndEvaluate(Tested(/*purchases=*/10), {{kTestedOriginal, kTestedDuplicate}});

  ExpectSuccess(Apply("act_1003"));

  const v1::ActionRecord action = OnlyAction("act_1003");
  EXPECT_EQ(action.action(), v1::ACTION_PROMOTE_DUPLICATE);
  EXPECT_EQ(action.state(), v1::ACTION_STATE_DONE);
  EXPECT_EQ(OnMeta(kTestedDuplicate).daily_budget, 7500);
  EXPECT_EQ(OnMeta(kTestedDuplicate).status, "ACTIVE");
  EXPECT_EQ(OnMeta(kTestedOriginal).status, "PAUSED");

  // A second run must not move the budget twice.
  const int writes = graph_.write_count();
  ExpectSuccess(Apply("act_1003"));
  EXPECT_EQ(graph_.write_count(), writes);
  EXPECT_EQ(OnMeta(kTestedDuplicate).daily_budget, 7500);
}

TEST_F(RungctlApplyTest, KeepCurrentPausesTheDuplicateOnly) {
  SyncAndEvaluate(Tested(/*purchases=*/7), {{kTestedOriginal, kTestedDuplicate}});

  ExpectSuccess(Apply("act_1003"));

  const v1::ActionRecord action = OnlyAction("act_1003");
  EXPECT_EQ(action.action(), v1::ACTION_KEEP_CURRENT);
  EXPECT_EQ(action.state(), v1::ACTION_STATE_DONE);
  EXPECT_EQ(OnMeta(kTestedDuplicate).status, "PAUSED");
  EXPECT_EQ(OnMeta(kTestedOriginal).status, "ACTIVE");
  EXPECT_EQ(OnMeta(kTestedOriginal).daily_budget, 5000);
  EXPECT_EQ(graph_.write_count(), 1);
}

TEST_F(RungctlApplyTest, PlanAndApplyWithoutExecuteSendNothingToMeta) {
  SyncAndEvaluate(Climber());
  const int requests = graph_.request_count();

  const Result plan = Run({"plan", "--account", "act_1001"});
  const Result apply = Run(ApplyArgs("act_1001", /*execute=*/false));

  ExpectSuccess(apply);
  EXPECT_EQ(apply.out, plan.out);
  EXPECT_THAT(apply.out, HasSubstr("nothing was changed"));
  EXPECT_EQ(graph_.request_count(), requests);
  EXPECT_THAT(StoredActions("act_1001"), IsEmpty());
}

TEST_F(RungctlApplyTest, AnAdSetChangedOnMetaSinceTheAdviceIsSkippedWithTheReason) {
  SyncAndEvaluate(Climber());
  graph_.EditAccount(
      "1001", [](FakeAccount& account) { account.ad_sets[0].custom_event_type = "PURCHASE"; });

  const Result result = Apply("act_1001");

  ExpectSuccess(result);
  const v1::ActionRecord action = OnlyAction("act_1001");
  EXPECT_EQ(action.state(), v1::ACTION_STATE_SKIPPED);
  EXPECT_THAT(action.outcome(), HasSubstr("Purchase"));
  EXPECT_THAT(result.out, HasSubstr(absl::StrCat(action.key(), ": SKIPPED: ", action.outcome())));
  EXPECT_EQ(graph_.write_count(), 0);
}

TEST_F(RungctlApplyTest, WithoutAdsManagementEachActionFailsOnItsOwnLineAndExitsOne) {
  SyncAndEvaluate(Climber());
  graph_.DenyWrites("1001");

  const Result result = Apply("act_1001");

  EXPECT_EQ(result.exit_code, 1) << result;
  const v1::ActionRecord action = OnlyAction("act_1001");
  EXPECT_EQ(action.state(), v1::ACTION_STATE_FAILED);
  EXPECT_EQ(result.err, absl::StrCat("rungctl: ", action.key(), ": ", action.outcome(), "\n"));
  EXPECT_THAT(action.outcome(), HasSubstr("ads_management"));
  EXPECT_THAT(Run({"climb-test", "list"}).out, HasSubstr("no climb tests"));
}

// Meta grants ads_management per ad account: one account's refusal fails its
// action, and the other account's action in the same run is carried out.
TEST_F(RungctlApplyTest, AMissingPermissionFailsThatAccountsActionOnly) {
  SyncAndEvaluate(Climber());
  SyncAndEvaluate(Stuck());
  graph_.DenyWrites("1002");

  const Result result = Run({"apply", "--ad-set", kClimber, "--ad-set", "2101", "--execute",
                             "--graph-url", graph_.base_url()});

  EXPECT_EQ(result.exit_code, 1) << result;
  EXPECT_EQ(OnlyAction("act_1001").state(), v1::ACTION_STATE_DONE);
  const v1::ActionRecord refused = OnlyAction("act_1002");
  EXPECT_EQ(refused.state(), v1::ACTION_STATE_FAILED);
  EXPECT_EQ(result.err, absl::StrCat("rungctl: ", refused.key(), ": ", refused.outcome(), "\n"));
  EXPECT_EQ(OnMeta("2101").status, "ACTIVE");
}

TEST_F(RungctlApplyTest, ARunKilledBetweenCreateAndCopiesResumesIntoTheSameDuplicate) {
  SyncAndEvaluate(Climber());
  const std::string key =
      absl::StrCat(kClimber, "@", LastComplete().ToString(), "@DUPLICATE_AND_CLIMB");
  // The first copy of an ad arrives at Meta only after the duplicate was
  // created and recorded; it is held there, not done, while rungctl dies.
  graph_.HoldNext("/copies");
  RungctlProcess first(ApplyArgs("act_1001"), WithToken());
  graph_.AwaitHeld();
  first.Kill();
  const Result killed = first.Finish();
  graph_.ReleaseHeld();
  EXPECT_EQ(killed.exit_code, -1) << killed;

  std::vector<v1::ActionRecord> actions = StoredActions("act_1001");
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0].key(), key);
  EXPECT_EQ(actions[0].state(), v1::ACTION_STATE_IN_PROGRESS);
  const std::string duplicate = actions[0].duplicate_ad_set_id();
  ASSERT_FALSE(duplicate.empty());
  EXPECT_EQ(graph_.write_count("/adsets"), 1);
  EXPECT_THAT(graph_.AdsOf(duplicate), IsEmpty());
  EXPECT_EQ(OnMeta(duplicate).status, "PAUSED");

  const Result resumed = Apply("act_1001");

  ExpectSuccess(resumed);
  EXPECT_THAT(resumed.out, HasSubstr(absl::StrCat(key, ": DONE")));
  EXPECT_EQ(graph_.write_count("/adsets"), 1) << "a second ad set was created";
  actions = StoredActions("act_1001");
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0].state(), v1::ACTION_STATE_DONE);
  EXPECT_EQ(actions[0].duplicate_ad_set_id(), duplicate);
  EXPECT_THAT(CopiedFrom(duplicate), UnorderedElementsAre("3001", "3003"));
  EXPECT_EQ(OnMeta(duplicate).custom_event_type, "INITIATED_CHECKOUT");
  EXPECT_EQ(OnMeta(duplicate).status, "ACTIVE");
  EXPECT_THAT(Run({"climb-test", "list", "--state", "running"}).out,
              AllOf(HasSubstr(kClimber), HasSubstr(duplicate)));

  // A third run finds the action done and writes nothing.
  const int writes = graph_.write_count();
  const Result again = Apply("act_1001");
  ExpectSuccess(again);
  EXPECT_EQ(graph_.write_count(), writes) << again;
  EXPECT_THAT(killed.out + killed.err, AllOf(Not(HasSubstr(kToken)), Not(HasSubstr(kAppSecret))));
}

}  // namespace
}  // namespace rung
