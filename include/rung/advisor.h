#ifndef RUNG_ADVISOR_H_
#define RUNG_ADVISOR_H_

#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "rung/account.h"
#include "rung/account_summary.h"
#include "rung/action_plan.h"
#include "rung/action_record.h"
#include "rung/ad_set_week.h"
#include "rung/backtest.h"
#include "rung/climb_test.h"
#include "rung/ladder.h"
#include "rung/policy.h"
#include "rung/policy_version.h"
#include "rung/recommendation.h"
#include "rung/store.h"
#include "rung/validation.h"
#include "rung/version_lease.h"

namespace rung {

using Clock = std::function<absl::Time()>;

struct EvaluationRequest;
struct AsOfWeeks;
struct Decided;

struct AdvisorOptions {
  int max_batch_size = 5000;
  int default_page_size = 100;
  int max_page_size = 1000;
  // A test seam: called after each ad set an evaluation decides, with how
  // many it has decided so far, so that a test can cancel a run midway.
  std::function<void(const EvaluationRequest& request, int decided)> after_each_decision;
};

struct EvaluationRequest {
  // A Monday for every ad set, or empty for the last complete week: in each
  // account's time zone where a sync recorded one, else in UTC.
  std::string as_of_week;
  // Empty: every account.
  std::string account_id;
  // Empty: every ad set (of the account).
  std::vector<std::string> ad_set_ids;
  bool dry_run = false;
  // A proposed policy for `account_id` (the deployment's when empty) in
  // place of its stored one: what-if. Only with dry_run.
  std::optional<StoredPolicy> policy;
  // Asked between ad sets: OK while the caller still wants the answer; any
  // other status (CANCELLED, DEADLINE_EXCEEDED) stops the run, which then
  // stores nothing and answers that status. Unset: never stops.
  std::function<absl::Status()> check_cancelled;
};

// An account whose ad sets an evaluation judged at another week than its
// as_of_week, because the last complete week in the account's time zone is
// another one.
struct PlanRequest {
  // One of the two: every ad set of the account whose advice acts on Meta,
  // paged; or these ad sets, each with its plan or why there is none.
  std::string account_id;
  std::vector<std::string> ad_set_ids;
  // A Monday, or empty for each ad set's latest advice.
  std::string as_of_week;
  // The share of O's daily budget that a new ad set gets: (0, 10].
  double budget_share = 1.0;
  int page_size = 0;
  std::string page_token;
};

struct PlanPage {
  std::vector<ActionPlan> plans;
  std::string next_page_token;
};

struct ActionPage {
  std::vector<ActionRecord> actions;
  std::string next_page_token;
};

struct AccountWeek {
  std::string account_id;
  Week as_of_week;
  std::string time_zone;

  friend bool operator==(const AccountWeek& a, const AccountWeek& b) {
    return a.account_id == b.account_id && a.as_of_week == b.as_of_week &&
           a.time_zone == b.time_zone;
  }
};

// An ad set that a dry run advises otherwise than its stored advice.
struct ChangedAdvice {
  std::string ad_set_id;
  Week as_of_week;
  // nullopt: nothing stored for that week.
  std::optional<Action> stored_action;
  Action proposed_action = Action::kHold;
};

struct EvaluationResult {
  std::string evaluation_id;
  // The requested week; by default the last complete week in UTC, or in the
  // requested account's time zone when a sync recorded one.
  Week as_of_week;
  // The request account's policy version (the deployment's when none); each
  // recommendation carries the version of its own account.
  std::string policy_version;
  int evaluated = 0;
  std::map<Action, int> action_counts;
  // Only for a dry run.
  std::vector<Recommendation> recommendations;
  // A dry run's ad sets whose action differs from their stored advice of
  // the same week (or that have none), in ad set order.
  std::vector<ChangedAdvice> changed;
  // The accounts judged at another week than as_of_week, in id order; empty
  // when the request named its week.
  std::vector<AccountWeek> account_weeks;
};

struct RecommendationFilter {
  std::string account_id;
  // A Monday, or empty for each ad set's latest.
  std::string as_of_week;
  std::vector<Action> actions;
  std::vector<Flag> flags;
};

struct RecommendationPage {
  std::vector<Recommendation> recommendations;
  std::string next_page_token;
};

struct ClimbTestPage {
  std::vector<ClimbTest> climb_tests;
  std::string next_page_token;
};

struct AccountPage {
  std::vector<AccountOverview> accounts;
  std::string next_page_token;
};

// A policy as GetPolicy and UpdatePolicy answer it.
struct PolicyView {
  EffectivePolicy effective;
  // Every ladder of the deployment: built-in, the config file's and stored.
  LadderRegistry ladders;
  // The account's stored policy, which UpdatePolicy replaces whole.
  StoredPolicy stored;
  // The account's latest stored revision; 0 for none.
  int64_t revision = 0;
  // What UpdatePolicy's etag must match.
  std::string etag;
};

struct PolicyUpdate {
  // Empty: the deployment's policy.
  std::string account_id;
  // Replaces the account's stored policy whole: a value left out falls back
  // to the config file's and the deployment's.
  StoredPolicy policy;
  // Why, for the history; required.
  std::string reason;
  // GetPolicy's; empty skips the check.
  std::string etag;
  bool validate_only = false;
};

struct PolicyVersionPage {
  std::vector<PolicyRevision> versions;
  std::string next_page_token;
};

struct AdSetPage {
  std::vector<AdSetSummary> ad_sets;
  // Empty on the last page.
  std::string next_page_token;
};

// The use cases every adapter (gRPC, HTTP, CLI) calls. It owns no transport
// and no storage detail: it validates, asks the Store, and shapes answers.
class Advisor {
 public:
  // `store` must outlive the Advisor. `policy_file` is the config file's
  // policy; the stored revisions apply on top of it.
  Advisor(Store* store, PolicyFile policy_file, AdvisorOptions options, Clock clock);

  absl::StatusOr<IngestSummary> IngestWeeks(const std::vector<RawAdSetWeek>& weeks,
                                            const std::string& request_id);

  absl::StatusOr<AdSetSummary> GetAdSet(std::string_view ad_set_id);

  // AIP-158 paging: page_size 0 means the default, sizes above the maximum
  // are coerced, a negative size is INVALID_ARGUMENT, and a token only works
  // with the filter it was issued for.
  absl::StatusOr<AdSetPage> ListAdSets(std::string_view account_id, int page_size,
                                       std::string_view page_token);

  // `from_week`/`to_week` are Mondays or empty.
  absl::StatusOr<AdSetHistory> GetAdSetHistory(std::string_view ad_set_id,
                                               std::string_view from_week,
                                               std::string_view to_week);

  // Decides for every selected ad set at its as-of week, and stores the
  // whole run or, when it fails or is cancelled, nothing. Streams: ad sets
  // are read one at a time and written in chunks, so memory does not grow
  // with the account (except a dry run's answer). A rerun of the same week
  // replaces the earlier recommendations. A run that loses a race with a
  // concurrent evaluation or climb test change (ABORTED from the store)
  // starts over from a fresh read, a few times at most.
  absl::StatusOr<EvaluationResult> EvaluateAdSets(const EvaluationRequest& request);

  // The stored recommendation of the week, or the latest when `as_of_week`
  // is empty.
  absl::StatusOr<Recommendation> GetRecommendation(std::string_view ad_set_id,
                                                   std::string_view as_of_week);

  // Moves whenever stored recommendations may have changed, by any process
  // on the database; answers of GetRecommendation read under one version
  // stay right until it moves. Read from the store at most every
  // VersionLease::kReuse; EvaluateAdSets waits that long after its commit,
  // so no call that starts after an evaluation was acknowledged, on any
  // replica, gets an older version.
  absl::StatusOr<int64_t> RecommendationsVersion() { return version_lease_.Get(); }

  // AIP-158 paging as for ListAdSets.
  absl::StatusOr<RecommendationPage> ListRecommendations(const RecommendationFilter& filter,
                                                         int page_size,
                                                         std::string_view page_token);

  // Starts a test of `duplicate` optimizing the rung just above the one
  // `original` optimizes at `start_week` (empty: the current week).
  // FAILED_PRECONDITION when its stored weeks show otherwise, ALREADY_EXISTS
  // when either ad set is in a running test. A duplicate with no stored week
  // yet is accepted: Meta made it moments ago.
  absl::StatusOr<ClimbTest> StartClimbTest(std::string_view original_ad_set_id,
                                           std::string_view duplicate_ad_set_id,
                                           std::string_view start_week);

  // The steps that carry out the stored advice on Meta (acting-on-meta.md).
  // Changes nothing and needs no Meta token. The two ad sets of a climb test
  // share its verdict and get one plan, keyed by the original.
  absl::StatusOr<PlanPage> PlanActions(const PlanRequest& request);

  // Records what `rungctl apply` did for one action, as the caller sends it,
  // stamped with the clock and `recorded_by` (the caller's token name). The
  // first record of a key gets a new action_id; later ones replace its steps
  // and state. INVALID_ARGUMENT naming the field for a key that is not its
  // ad set's, week's and action's, or for a step that carries a secret.
  absl::StatusOr<ActionRecord> RecordAction(ActionRecord record, std::string_view recorded_by);

  // An account's action records (one ad set's, when given), in key order;
  // AIP-158 paging as for ListAdSets.
  absl::StatusOr<ActionPage> ListActions(std::string_view account_id, std::string_view ad_set_id,
                                         int page_size, std::string_view page_token);

  absl::StatusOr<ClimbTestPage> ListClimbTests(std::string_view account_id,
                                               std::optional<ClimbTestState> state, int page_size,
                                               std::string_view page_token);

  // Cancels a running test as of the current week.
  absl::StatusOr<ClimbTest> CancelClimbTest(std::string_view climb_test_id);

  // The account's effective policy; the deployment's for an empty id.
  absl::StatusOr<PolicyView> GetPolicy(std::string_view account_id);

  // Replaces the account's stored policy and records the revision, changed
  // by `changed_by` (a token name), with one for every other account whose
  // effective policy a deployment change moves. INVALID_ARGUMENT naming the
  // field ("policy.cutover_threshold: ...") for a policy the rules cannot
  // work with; ABORTED, storing nothing, for an etag that is not the
  // current one. With validate_only, answers what the policy would be and
  // stores nothing.
  absl::StatusOr<PolicyView> UpdatePolicy(const PolicyUpdate& update, std::string_view changed_by);

  // The versions an account's recommendations may carry, newest first: its
  // own revisions, then, from before its first, the deployment's (each says
  // whose it is). AIP-158 paging as for ListAdSets.
  absl::StatusOr<PolicyVersionPage> ListPolicyVersions(std::string_view account_id, int page_size,
                                                       std::string_view page_token);

  // At start: records a revision for the deployment and for each account
  // whose effective policy the config file moved since the last one, so
  // that every version a recommendation carries is listed. Answers the
  // accounts with stored overrides on top of the file ("" for the
  // deployment), for the log. INVALID_ARGUMENT when the file and the stored
  // revisions together are not a valid policy.
  absl::StatusOr<std::vector<std::string>> RecordPolicyFile();

  // Replays the policy (the stored one, or request.policy) over the stored
  // history from from_week to to_week: each week's advice from the data up
  // to it, whether it was followed, its outcome, and totals by action.
  // Stores nothing, and reads the histories in one read transaction, so it
  // never holds up ingest or evaluation. NOT_FOUND for a named ad set with
  // no stored week.
  absl::StatusOr<BacktestResult> RunBacktest(const BacktestRequest& request);

  // Counts and times for metrics.
  absl::StatusOr<StoreStats> GetStats();

  // An online copy of the database at `destination_path` (absolute, not yet
  // existing); answers its size in bytes.
  absl::StatusOr<int64_t> BackupDatabase(std::string_view destination_path);

  // Records that a sync of `account` from Meta finished: checks it (see
  // ValidateAccount), stamps last_sync_time with the clock, and stores it in
  // place of the account's earlier record. Answers what it stored.
  absl::StatusOr<AccountRecord> RecordAccountSync(AccountRecord account);

  // NOT_FOUND when no sync of the account was recorded.
  absl::StatusOr<AccountRecord> GetAccount(std::string_view account_id);

  // Every account with stored weeks or a recorded sync, in id order, with
  // how many ad sets need a person at its latest evaluated week. AIP-158
  // paging as for ListAdSets.
  absl::StatusOr<AccountPage> ListAccounts(int page_size, std::string_view page_token);

  // Hands `visit` the accounts of ListAccounts in id order, page after
  // page, up to `max_accounts` of them. A visitor's error stops the walk
  // and is answered.
  absl::Status ForEachAccount(absl::FunctionRef<absl::Status(const AccountOverview&)> visit,
                              int max_accounts = std::numeric_limits<int>::max());

  // One account at an evaluated week (empty: its latest): its figures, its
  // climb tests, what changed since the evaluated week before, and the
  // trend of its figures. NOT_FOUND when the account has no stored advice
  // for that week.
  absl::StatusOr<AccountSummary> GetAccountSummary(std::string_view account_id,
                                                   std::string_view as_of_week);

 private:
  // Decides for one ad set; `history` is all of its weeks and `tests` every
  // climb test it took part in, oldest start first.
  absl::StatusOr<Decision> DecideFor(const AdSetHistory& history, Week as_of,
                                     const std::vector<ClimbTest>& tests,
                                     const PolicyBook& policies);
  // Hands `evaluate` each named ad set's history, in id order, each id once.
  absl::Status EvaluateNamed(std::vector<std::string> ad_set_ids,
                             absl::FunctionRef<absl::Status(const AdSetHistory&)> evaluate);
  // One attempt at a stored run: decides, writes in chunks, and commits.
  absl::Status StoreEvaluation(const EvaluationRequest& request, const AsOfWeeks& weeks,
                               absl::Time evaluated_at, const PolicyBook& policies,
                               EvaluationResult& result);
  // Decides for every selected ad set, counting into `result`, and hands
  // each decision to `keep`.
  absl::Status DecideEach(const EvaluationRequest& request, const AsOfWeeks& weeks,
                          absl::Time evaluated_at, const PolicyBook& policies,
                          EvaluationResult& result, absl::FunctionRef<absl::Status(Decided)> keep);
  // The effective policies now: the config file's with the latest stored
  // revisions, read from the store on each call so that every replica
  // applies a change at once.
  absl::StatusOr<PolicyBook> CurrentPolicies();
  // The policies with `proposal` in place of the account's stored policy,
  // checked as UpdatePolicy checks it.
  absl::StatusOr<PolicyBook> ProposedPolicies(std::string_view account_id,
                                              const StoredPolicy& proposal);
  // CurrentPolicies, or a what-if's proposed ones.
  absl::StatusOr<PolicyBook> PoliciesFor(const EvaluationRequest& request);
  // Adds `proposed` to `changed` when the stored advice of its week differs.
  absl::Status NoteChange(const Recommendation& proposed, std::vector<ChangedAdvice>& changed);
  absl::CivilDay Today() const;
  // The plan of `recommendation`, its test read from the store.
  absl::StatusOr<ActionPlan> PlanFor(const Recommendation& recommendation,
                                     const PlanSettings& settings);

  Store* store_;
  VersionLease version_lease_;
  const PolicyFile policy_file_;
  AdvisorOptions options_;
  Clock clock_;
};

}  // namespace rung

#endif  // RUNG_ADVISOR_H_
