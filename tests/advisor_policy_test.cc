// The Advisor's policy use cases over a real SQLite file: versions stored
// and listed, optimistic concurrency, refusals that name the field, the
// config file's changes recorded at start, and what-if evaluations checked
// against a hand reading of the ladder policy.

#include <algorithm>
#include <limits>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rung/advisor.h"
#include "storage_test_util.h"
#include "support/status_assertions.h"

namespace rung {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

PolicyUpdate Update(std::string account_id, PolicyOverrides overrides,
                    std::string reason = "tune") {
  PolicyUpdate update;
  update.account_id = std::move(account_id);
  update.policy.overrides = overrides;
  update.reason = std::move(reason);
  return update;
}

PolicyOverrides Threshold(int learning_threshold) {
  PolicyOverrides overrides;
  overrides.learning_threshold = learning_threshold;
  return overrides;
}

class AdvisorPolicyTest : public AdvisorTest {
 protected:
  // As rungd does at start: the config file's policy is deployment revision 1.
  void SetUp() override {
    AdvisorTest::SetUp();
    ASSERT_OK(advisor_->RecordPolicyFile().status());
  }

  // Four weeks W(0)..W(3) of one ad set in act_1, the same counts each week.
  void Ingest(const std::string& ad_set_id, const std::string& event,
              const std::vector<std::pair<std::string, int64_t>>& counts) {
    SteadyWeeks weeks;
    weeks.ad_set_id = ad_set_id;
    weeks.event = event;
    weeks.counts = counts;
    ASSERT_OK(advisor_->IngestWeeks(weeks.Rows(), ""));
  }

  EvaluationResult Evaluate(std::optional<StoredPolicy> what_if = std::nullopt) {
    EvaluationRequest request;
    request.as_of_week = W(3).ToString();
    request.account_id = "act_1";
    request.dry_run = what_if.has_value();
    request.policy = std::move(what_if);
    absl::StatusOr<EvaluationResult> result = advisor_->EvaluateAdSets(request);
    EXPECT_OK(result.status());
    return result.value_or(EvaluationResult());
  }

  void Restart() {
    advisor_.reset();
    store_.reset();
    ASSERT_OK_AND_ASSIGN(store_, OpenSqliteStore(Options()));
    advisor_ = std::make_unique<Advisor>(store_.get(), PolicyFile(), AdvisorOptions(),
                                         [this] { return now_; });
  }
};

TEST_F(AdvisorPolicyTest, AnUpdateIsStoredWithWhoWhenAndWhyAndSurvivesARestart) {
  ASSERT_OK_AND_ASSIGN(const PolicyView before, advisor_->GetPolicy("act_1"));
  EXPECT_EQ(before.revision, 0);

  ASSERT_OK_AND_ASSIGN(
      const PolicyView after,
      advisor_->UpdatePolicy(Update("act_1", Threshold(40), "high ticket"), "alice"));

  EXPECT_EQ(after.revision, 1);
  EXPECT_EQ(after.effective.policy.learning_threshold, 40);
  EXPECT_NE(after.effective.version, before.effective.version);
  EXPECT_NE(after.etag, before.etag);
  Restart();
  ASSERT_OK_AND_ASSIGN(const PolicyView read, advisor_->GetPolicy("act_1"));
  EXPECT_EQ(read.effective.version, after.effective.version);
  EXPECT_EQ(read.etag, after.etag);
  EXPECT_EQ(read.stored.overrides.learning_threshold, 40);
  ASSERT_OK_AND_ASSIGN(const PolicyVersionPage history,
                       advisor_->ListPolicyVersions("act_1", 0, ""));
  // Its own, then the deployment's that it followed before.
  ASSERT_THAT(history.versions, SizeIs(2));
  EXPECT_EQ(history.versions[1].account_id, "");
  EXPECT_EQ(history.versions[1].version, before.effective.version);
  EXPECT_EQ(history.versions[1].changed_by, "config file");
  const PolicyRevision& version = history.versions[0];
  EXPECT_EQ(version.account_id, "act_1");
  EXPECT_EQ(version.version, after.effective.version);
  EXPECT_EQ(version.changed_by, "alice");
  EXPECT_EQ(version.reason, "high ticket");
  EXPECT_EQ(version.change_time, absl::FromUnixMicros(absl::ToUnixMicros(now_)));
  EXPECT_EQ(version.overrides.learning_threshold, 40);
}

TEST_F(AdvisorPolicyTest, AStaleEtagIsAbortedAndChangesNothing) {
  ASSERT_OK_AND_ASSIGN(const PolicyView read, advisor_->GetPolicy("act_1"));
  PolicyUpdate first = Update("act_1", Threshold(40));
  first.etag = read.etag;
  ASSERT_OK(advisor_->UpdatePolicy(first, "alice").status());

  PolicyUpdate second = Update("act_1", Threshold(60));
  second.etag = read.etag;  // read before the first update

  EXPECT_TRUE(HasStatus(advisor_->UpdatePolicy(second, "bob").status(), absl::StatusCode::kAborted,
                        "etag: "));
  ASSERT_OK_AND_ASSIGN(const PolicyView now, advisor_->GetPolicy("act_1"));
  EXPECT_EQ(now.effective.policy.learning_threshold, 40);
  EXPECT_EQ(now.revision, 1);
}

// Four writers that read the same etag race to change the policy: exactly
// one wins; the others are ABORTED and leave no trace.
TEST_F(AdvisorPolicyTest, ConcurrentUpdatesFromOneReadStoreExactlyOne) {
  ASSERT_OK_AND_ASSIGN(const PolicyView read, advisor_->GetPolicy("act_1"));
  constexpr int kWriters = 4;
  std::vector<absl::StatusCode> codes(kWriters);
  std::vector<std::thread> writers;
  for (int i = 0; i < kWriters; ++i) {
    writers.emplace_back([&, i] {
      PolicyUpdate update = Update("act_1", Threshold(41 + i), absl::StrCat("writer ", i));
      update.etag = read.etag;
      codes[i] = advisor_->UpdatePolicy(update, absl::StrCat("w", i)).status().code();
    });
  }
  for (std::thread& writer : writers) writer.join();

  EXPECT_EQ(std::count(codes.begin(), codes.end(), absl::StatusCode::kOk), 1);
  EXPECT_EQ(std::count(codes.begin(), codes.end(), absl::StatusCode::kAborted), kWriters - 1);
  ASSERT_OK_AND_ASSIGN(const PolicyView now, advisor_->GetPolicy("act_1"));
  EXPECT_EQ(now.revision, 1);
  const int winner = static_cast<int>(std::find(codes.begin(), codes.end(), absl::StatusCode::kOk) -
                                      codes.begin());
  EXPECT_EQ(now.effective.policy.learning_threshold, 41 + winner);
}

TEST_F(AdvisorPolicyTest, EveryRefusedValueNamesItsField) {
  PolicyOverrides cutover_above_threshold;
  cutover_above_threshold.cutover_threshold = 60;
  PolicyOverrides weeks_upside_down;
  weeks_upside_down.stabilization_min_weeks = 4;
  PolicyOverrides fraction_too_big;
  fraction_too_big.near_exit_fraction = 1.5;
  PolicyOverrides fraction_zero;
  fraction_zero.near_exit_fraction = 0;
  PolicyOverrides infinite;
  infinite.well_optimized_multiple = std::numeric_limits<double>::infinity();
  PolicyUpdate repeated_rung = Update("", {});
  repeated_rung.policy.ladders = {{"loop", {"AddToCart", "Purchase", "AddToCart"}}};
  PolicyUpdate account_ladder = Update("act_1", {});
  account_ladder.policy.ladders = {{"lead_gen2", {"PageView", "Lead"}}};
  const struct {
    PolicyUpdate update;
    std::string field;
  } cases[] = {
      {Update("act_1", cutover_above_threshold), "policy.cutover_threshold"},
      {Update("act_1", weeks_upside_down), "policy.stabilization_max_weeks"},
      {Update("", fraction_too_big), "policy.near_exit_fraction"},
      {Update("", fraction_zero), "policy.near_exit_fraction"},
      {Update("act_1", infinite), "policy.well_optimized_multiple"},
      {repeated_rung, "policy.ladders[0]"},
      {account_ladder, "policy.ladders"},
      {Update("act_1", Threshold(40), ""), "reason"},
      {Update("act 1", Threshold(40)), "account_id"},
  };
  for (const auto& [update, field] : cases) {
    EXPECT_TRUE(HasStatus(advisor_->UpdatePolicy(update, "alice").status(),
                          absl::StatusCode::kInvalidArgument, field + ":"))
        << field;
  }
  ASSERT_OK_AND_ASSIGN(const PolicyVersionPage history, advisor_->ListPolicyVersions("", 0, ""));
  EXPECT_THAT(history.versions, SizeIs(1));  // the config file's only
}

TEST_F(AdvisorPolicyTest, ValidateOnlyAnswersThePolicyAndStoresNothing) {
  PolicyUpdate update = Update("act_1", Threshold(40));
  update.validate_only = true;

  ASSERT_OK_AND_ASSIGN(const PolicyView answer, advisor_->UpdatePolicy(update, "alice"));

  EXPECT_EQ(answer.effective.policy.learning_threshold, 40);
  ASSERT_OK_AND_ASSIGN(const PolicyView stored, advisor_->GetPolicy("act_1"));
  EXPECT_EQ(stored.effective.policy.learning_threshold, 50);
  EXPECT_EQ(stored.revision, 0);
}

TEST_F(AdvisorPolicyTest, EvaluationsAfterAnUpdateNameTheNewVersion) {
  Ingest("as_1", "Purchase", {{"Purchase", 80}});
  const EvaluationResult before = Evaluate();
  ASSERT_OK_AND_ASSIGN(const PolicyView updated,
                       advisor_->UpdatePolicy(Update("act_1", Threshold(40)), "alice"));

  const EvaluationResult after = Evaluate();

  EXPECT_NE(before.policy_version, updated.effective.version);
  EXPECT_EQ(after.policy_version, updated.effective.version);
  ASSERT_OK_AND_ASSIGN(const Recommendation stored, advisor_->GetRecommendation("as_1", ""));
  EXPECT_EQ(stored.policy_version, updated.effective.version);
}

TEST_F(AdvisorPolicyTest, AWhatIfEqualToTheStoredPolicyChangesNothing) {
  Ingest("as_45", "Purchase", {{"Purchase", 45}});
  Ingest("as_85", "AddToCart", {{"AddToCart", 85}, {"InitiateCheckout", 40}});
  Evaluate();

  const EvaluationResult what_if = Evaluate(StoredPolicy{});

  EXPECT_EQ(what_if.evaluated, 2);
  EXPECT_THAT(what_if.changed, IsEmpty());
}

// By the ladder policy with T lowered from 50 to 40 (cutover 30 stays):
//  as_45  Purchase 45:                 HOLD (30 <= 45 < 50)  -> AT_TOP (45 >= 40, stable, top)
//  as_25  Purchase 25, AddToCart 45:   CONSOLIDATE (nothing below reaches 50)
//                                      -> MOVE_DOWN (AddToCart 45 >= 40)
//  as_42  InitiateCheckout 42, Purchase 10: HOLD (near exit) -> HOLD (Purchase 10 < cutover)
//  as_20  Purchase 20, AddToCart 85:   MOVE_DOWN both ways
//  as_60  Purchase 60:                 AT_TOP both ways
TEST_F(AdvisorPolicyTest, AWhatIfThatLowersTheThresholdChangesWhatAHandCheckPredicts) {
  Ingest("as_45", "Purchase", {{"Purchase", 45}});
  Ingest("as_25", "Purchase", {{"Purchase", 25}, {"AddToCart", 45}});
  Ingest("as_42", "InitiateCheckout", {{"InitiateCheckout", 42}, {"Purchase", 10}});
  Ingest("as_20", "Purchase", {{"Purchase", 20}, {"AddToCart", 85}});
  Ingest("as_60", "Purchase", {{"Purchase", 60}});
  const EvaluationResult stored = Evaluate();
  ASSERT_OK_AND_ASSIGN(const PolicyVersionPage versions_before,
                       advisor_->ListPolicyVersions("act_1", 0, ""));

  const EvaluationResult what_if = Evaluate(StoredPolicy{Threshold(40), {}});

  EXPECT_EQ(what_if.evaluated, 5);
  ASSERT_THAT(what_if.changed, SizeIs(2));
  EXPECT_EQ(what_if.changed[0].ad_set_id, "as_25");
  EXPECT_EQ(what_if.changed[0].stored_action, Action::kConsolidate);
  EXPECT_EQ(what_if.changed[0].proposed_action, Action::kMoveDown);
  EXPECT_EQ(what_if.changed[1].ad_set_id, "as_45");
  EXPECT_EQ(what_if.changed[1].stored_action, Action::kHold);
  EXPECT_EQ(what_if.changed[1].proposed_action, Action::kAtTop);
  EXPECT_NE(what_if.policy_version, stored.policy_version);
  // Nothing stored: the advice and the policy's history are as they were.
  ASSERT_OK_AND_ASSIGN(const Recommendation kept, advisor_->GetRecommendation("as_45", ""));
  EXPECT_EQ(kept.action, Action::kHold);
  ASSERT_OK_AND_ASSIGN(const PolicyVersionPage versions_after,
                       advisor_->ListPolicyVersions("act_1", 0, ""));
  EXPECT_EQ(versions_after.versions.size(), versions_before.versions.size());
}

TEST_F(AdvisorPolicyTest, AProposedPolicyNeedsADryRun) {
  EvaluationRequest request;
  request.account_id = "act_1";
  request.policy = StoredPolicy{Threshold(40), {}};
  EXPECT_TRUE(HasStatus(advisor_->EvaluateAdSets(request).status(),
                        absl::StatusCode::kInvalidArgument, "policy: "));
}

TEST_F(AdvisorPolicyTest, ADeploymentChangeGivesAccountsWithOverridesAVersionOfTheirOwn) {
  ASSERT_OK(
      advisor_->UpdatePolicy(Update("act_1", Threshold(40), "high ticket"), "alice").status());
  PolicyOverrides cutover;
  cutover.cutover_threshold = 25;

  ASSERT_OK_AND_ASSIGN(const PolicyView deployment,
                       advisor_->UpdatePolicy(Update("", cutover, "more climbs"), "admin"));

  ASSERT_OK_AND_ASSIGN(const PolicyView account, advisor_->GetPolicy("act_1"));
  EXPECT_EQ(account.effective.policy.cutover_threshold, 25);
  EXPECT_EQ(account.effective.policy.learning_threshold, 40);
  ASSERT_OK_AND_ASSIGN(const PolicyVersionPage history,
                       advisor_->ListPolicyVersions("act_1", 0, ""));
  ASSERT_THAT(history.versions, SizeIs(3));  // two of its own, the config file's before
  EXPECT_EQ(history.versions[0].version, account.effective.version);
  EXPECT_EQ(history.versions[0].changed_by, "admin");
  EXPECT_THAT(history.versions[0].reason, HasSubstr("more climbs"));
  EXPECT_EQ(history.versions[0].overrides.learning_threshold, 40);
  // An account without overrides follows the deployment's versions.
  ASSERT_OK_AND_ASSIGN(const PolicyVersionPage other, advisor_->ListPolicyVersions("act_2", 0, ""));
  ASSERT_THAT(other.versions, SizeIs(2));
  EXPECT_EQ(other.versions[0].account_id, "");
  EXPECT_EQ(other.versions[0].version, deployment.effective.version);
}

TEST_F(AdvisorPolicyTest, AnAccountsHistoryContinuesWithTheDeploymentsFromBeforeItsFirst) {
  PolicyOverrides cutover;
  cutover.cutover_threshold = 25;
  ASSERT_OK(advisor_->UpdatePolicy(Update("", cutover), "admin").status());  // revision 2
  ASSERT_OK(advisor_->UpdatePolicy(Update("act_1", Threshold(40)), "alice").status());
  ASSERT_OK(advisor_->UpdatePolicy(Update("act_1", Threshold(45)), "alice").status());
  ASSERT_OK(advisor_->UpdatePolicy(Update("", {}), "admin").status());  // revision 3, act_1's 3

  std::vector<std::pair<std::string, int64_t>> seen;
  std::string token;
  do {
    ASSERT_OK_AND_ASSIGN(const PolicyVersionPage page,
                         advisor_->ListPolicyVersions("act_1", 2, token));
    for (const PolicyRevision& version : page.versions) {
      seen.emplace_back(version.account_id, version.revision);
    }
    token = page.next_page_token;
  } while (!token.empty());

  EXPECT_THAT(seen, ElementsAre(std::pair<std::string, int64_t>{"act_1", 3},
                                std::pair<std::string, int64_t>{"act_1", 2},
                                std::pair<std::string, int64_t>{"act_1", 1},
                                std::pair<std::string, int64_t>{"", 2},
                                std::pair<std::string, int64_t>{"", 1}));
}

TEST_F(AdvisorPolicyTest, StartRecordsWhatTheConfigFileChangedOnce) {
  // SetUp recorded the file once; the same file again records nothing.
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> overridden, advisor_->RecordPolicyFile());
  EXPECT_THAT(overridden, IsEmpty());
  ASSERT_OK_AND_ASSIGN(PolicyVersionPage deployment, advisor_->ListPolicyVersions("", 0, ""));
  ASSERT_THAT(deployment.versions, SizeIs(1));
  EXPECT_EQ(deployment.versions[0].changed_by, "config file");

  // A new file that overrides act_2, and act_1's stored overrides beside it.
  ASSERT_OK(advisor_->UpdatePolicy(Update("act_1", Threshold(40)), "alice").status());
  PolicyFile file;
  file.accounts["act_2"].cutover_threshold = 20;
  advisor_ =
      std::make_unique<Advisor>(store_.get(), file, AdvisorOptions(), [this] { return now_; });
  ASSERT_OK_AND_ASSIGN(overridden, advisor_->RecordPolicyFile());

  EXPECT_THAT(overridden, ElementsAre("act_1"));
  ASSERT_OK_AND_ASSIGN(const PolicyVersionPage act_2, advisor_->ListPolicyVersions("act_2", 0, ""));
  ASSERT_THAT(act_2.versions, SizeIs(2));  // its own, then the deployment's from before it
  EXPECT_EQ(act_2.versions[0].changed_by, "config file");
  ASSERT_OK_AND_ASSIGN(const PolicyView act_2_policy, advisor_->GetPolicy("act_2"));
  EXPECT_EQ(act_2.versions[0].version, act_2_policy.effective.version);
}

}  // namespace
}  // namespace rung
