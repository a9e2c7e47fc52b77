// The Advisor's evaluation use cases: EvaluateAdSets and the reads of what
// it stored.

#include <algorithm>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/climb_tests_by_ad_set.h"
#include "core/ids.h"
#include "core/page_token.h"
#include "core/request_checks.h"
#include "core/retry.h"
#include "core/text.h"
#include "rung/advisor.h"
#include "rung/decision.h"
#include "rung/status_macros.h"

namespace rung {

// The weeks one evaluation judges at: one for every ad set, except those of
// the accounts whose own time zone makes another week the last complete one.
struct AsOfWeeks {
  Week common;
  // By account id.
  absl::flat_hash_map<std::string, AccountWeek> elsewhere;

  // The account's entry in `elsewhere`, or null when it is judged at `common`.
  const AccountWeek* Elsewhere(const std::string& account_id) const {
    const auto found = elsewhere.find(account_id);
    return found == elsewhere.end() ? nullptr : &found->second;
  }
};

// One ad set's recommendation, and what it does to the test that governed it.
struct Decided {
  Recommendation recommendation;
  std::optional<ClimbTestChange> test_change;
};

namespace {

// Decisions go to the store in chunks of this many, so that memory stays
// small whatever the number of ad sets.
constexpr size_t kWriteChunk = 256;
// The last complete week at `now` of each account whose time zone a sync
// recorded (only of `account_id` when it is not empty), read once per
// evaluation rather than per ad set.
absl::StatusOr<std::vector<AccountWeek>> LastCompleteWeeksOfAccounts(Store* store,
                                                                     std::string_view account_id,
                                                                     absl::Time now) {
  ASSIGN_OR_RETURN(const std::vector<AccountRecord> accounts, store->ListAccounts());
  std::vector<AccountWeek> weeks;
  for (const AccountRecord& account : accounts) {
    if (account.time_zone.empty()) continue;
    if (!account_id.empty() && account.account_id != account_id) continue;
    const absl::StatusOr<absl::TimeZone> zone = LoadAccountTimeZone(account.time_zone);
    // The zone was loaded when its sync was recorded, so only a host whose
    // time zone database lost it gets here. Counting in UTC instead would
    // quietly judge a week that has not ended in the account.
    if (!zone.ok()) {
      return absl::FailedPreconditionError(absl::StrCat("account ", Quote(account.account_id),
                                                        " has time zone ", zone.status().message(),
                                                        "; install tzdata, or give as_of_week"));
    }
    weeks.push_back({account.account_id, Week::LastCompleteIn(now, *zone), account.time_zone});
  }
  return weeks;
}

// The requested week for everyone. Without one, the last complete week in
// UTC, or in the requested account's time zone when a sync recorded one, and
// each other account's own where that differs.
absl::StatusOr<AsOfWeeks> ResolveAsOfWeeks(Store* store, std::optional<Week> requested,
                                           std::string_view account_id, absl::Time now) {
  if (requested.has_value()) return AsOfWeeks{*requested, {}};
  ASSIGN_OR_RETURN(const std::vector<AccountWeek> accounts,
                   LastCompleteWeeksOfAccounts(store, account_id, now));
  AsOfWeeks weeks{Week::LastComplete(now), {}};
  // Then `accounts` holds only the requested one, whose week is the answer's.
  if (!account_id.empty() && !accounts.empty()) weeks.common = accounts.front().as_of_week;
  for (const AccountWeek& account : accounts) {
    if (account.as_of_week != weeks.common) weeks.elsewhere.emplace(account.account_id, account);
  }
  return weeks;
}

// The climb test changes of one run: each finding applied to its test as
// the run last left it, so that the findings of both ad sets of a test, or a
// later finding after an earlier one, build on each other. Used by the one
// thread that decides.
class TestChanges {
 public:
  // The change that `finding` at `week` makes, or nullopt. `involving` holds
  // every test, as stored when the run began, of both of the test's ad sets.
  std::optional<ClimbTestChange> Apply(const TestUpdate& finding, Week week,
                                       const std::vector<ClimbTest>& involving) {
    std::vector<ClimbTest> current;
    for (const ClimbTest& stored : involving) current.push_back(Latest(stored));
    const auto test = std::find_if(current.begin(), current.end(), [&](const ClimbTest& t) {
      return t.climb_test_id == finding.climb_test_id;
    });
    if (test == current.end()) return std::nullopt;
    std::optional<ClimbTest> next = AfterFinding(*test, finding, week, current);
    if (!next.has_value()) return std::nullopt;
    latest_[next->climb_test_id] = *next;
    return ClimbTestChange{*test, *std::move(next)};
  }

 private:
  const ClimbTest& Latest(const ClimbTest& stored) const {
    const auto found = latest_.find(stored.climb_test_id);
    return found == latest_.end() ? stored : found->second;
  }

  absl::flat_hash_map<std::string, ClimbTest> latest_;
};

// Runs `decide_each`, handing what it decides to `write` in chunks, so that
// memory stays small whatever the number of ad sets.
absl::Status DecideInChunks(
    absl::FunctionRef<absl::Status(absl::FunctionRef<absl::Status(Decided)>)> decide_each,
    absl::FunctionRef<absl::Status(EvaluationChunk)> write) {
  EvaluationChunk pending;
  auto hand_over = [&]() -> absl::Status {
    return write(std::exchange(pending, EvaluationChunk()));
  };
  auto keep = [&](Decided decided) -> absl::Status {
    pending.recommendations.push_back(std::move(decided.recommendation));
    if (decided.test_change.has_value()) {
      pending.test_changes.push_back(*std::move(decided.test_change));
    }
    return pending.recommendations.size() < kWriteChunk ? absl::OkStatus() : hand_over();
  };
  RETURN_IF_ERROR(decide_each(keep));
  return pending.recommendations.empty() ? absl::OkStatus() : hand_over();
}

// The test of `tests` that `finding` is about, or null without a finding.
const ClimbTest* FindTest(const std::vector<ClimbTest>& tests,
                          const std::optional<TestUpdate>& finding) {
  if (!finding.has_value()) return nullptr;
  for (const ClimbTest& test : tests) {
    if (test.climb_test_id == finding->climb_test_id) return &test;
  }
  return nullptr;
}

// Every test that involves either ad set of `test`, each once.
absl::StatusOr<std::vector<ClimbTest>> TestsOfPair(const ClimbTest& test,
                                                   const RunClimbTests& climb_tests) {
  ASSIGN_OR_RETURN(std::vector<ClimbTest> involving, climb_tests.Of(test.original_ad_set_id));
  ASSIGN_OR_RETURN(const std::vector<ClimbTest> of_duplicate,
                   climb_tests.Of(test.duplicate_ad_set_id));
  for (const ClimbTest& other : of_duplicate) {
    if (!other.Involves(test.original_ad_set_id)) involving.push_back(other);
  }
  return involving;
}

std::string RecommendationFilterText(const RecommendationFilter& filter) {
  std::vector<std::string> actions;
  for (Action action : filter.actions) actions.emplace_back(ActionName(action));
  std::vector<std::string> flags;
  for (Flag flag : filter.flags) flags.emplace_back(FlagName(flag));
  for (auto* names : {&actions, &flags}) {
    std::sort(names->begin(), names->end());
    names->erase(std::unique(names->begin(), names->end()), names->end());
  }
  return absl::StrCat("account_id=", filter.account_id, ";as_of_week=", filter.as_of_week,
                      ";actions=", absl::StrJoin(actions, ","),
                      ";flags=", absl::StrJoin(flags, ","));
}

}  // namespace

absl::CivilDay Advisor::Today() const { return absl::ToCivilDay(clock_(), absl::UTCTimeZone()); }

absl::StatusOr<Decision> Advisor::DecideFor(const AdSetHistory& history, Week as_of,
                                            const std::vector<ClimbTest>& tests,
                                            const PolicyBook& policies) {
  const std::string& ad_set_id = history.back().ad_set_id;
  std::optional<ClimbTestContext> context;
  if (const ClimbTest* governing = GoverningTest(tests, ad_set_id, as_of)) {
    const bool is_original = governing->original_ad_set_id == ad_set_id;
    absl::StatusOr<AdSetHistory> partner = store_->GetHistory(
        is_original ? governing->duplicate_ad_set_id : governing->original_ad_set_id, std::nullopt,
        std::nullopt);
    // A duplicate that Meta made for the test may have no week reported yet;
    // the test then waits for its records (Decide names the missing weeks).
    if (absl::IsNotFound(partner.status())) partner = AdSetHistory();
    if (!partner.ok()) return partner.status();
    context = ClimbTestContext{*governing, is_original ? history : *std::move(partner),
                               is_original ? *std::move(partner) : history};
  }
  const EffectivePolicy policy = policies.For(history.back().account_id);
  DecisionInput input;
  input.history = &history;
  input.as_of = as_of;
  input.policy = &policy.policy;
  input.ladders = &policies.ladders();
  input.climb_test = context.has_value() ? &*context : nullptr;
  input.past_tests = &tests;
  Decision decision = Decide(input);
  decision.recommendation.policy_version = policy.version;
  return decision;
}

absl::StatusOr<EvaluationResult> Advisor::EvaluateAdSets(const EvaluationRequest& request) {
  const absl::Time now = clock_();
  ASSIGN_OR_RETURN(const std::optional<Week> requested_week,
                   ParseStartedWeek("as_of_week", request.as_of_week,
                                    absl::ToCivilDay(now, absl::UTCTimeZone())));
  RETURN_IF_ERROR(CheckOptionalId("account_id", request.account_id));
  RETURN_IF_ERROR(CheckIdBatch("ad_set_ids", request.ad_set_ids, options_.max_batch_size));
  ASSIGN_OR_RETURN(const AsOfWeeks weeks,
                   ResolveAsOfWeeks(store_, requested_week, request.account_id, now));
  EvaluationResult result;
  result.evaluation_id = NewId("ev_");
  result.as_of_week = weeks.common;
  ASSIGN_OR_RETURN(const PolicyBook policies, PoliciesFor(request));
  result.policy_version = policies.For(request.account_id).version;
  const absl::Time evaluated_at = clock_();
  if (request.dry_run) {
    const auto keep = [&](Decided decided) -> absl::Status {
      RETURN_IF_ERROR(NoteChange(decided.recommendation, result.changed));
      result.recommendations.push_back(std::move(decided.recommendation));
      return absl::OkStatus();
    };
    RETURN_IF_ERROR(DecideEach(request, weeks, evaluated_at, policies, result, keep));
    return result;
  }
  // A concurrent evaluation or climb test change makes the store answer
  // ABORTED; the run then starts over from a fresh read.
  RETURN_IF_ERROR(RetryWhileAborted(
      [&] { return StoreEvaluation(request, weeks, evaluated_at, policies, result); }));
  version_lease_.Renew();
  if (store_->SharedByProcesses()) VersionLease::WaitOutLeases();
  return result;
}

absl::StatusOr<PolicyBook> Advisor::PoliciesFor(const EvaluationRequest& request) {
  if (!request.policy.has_value()) return CurrentPolicies();
  if (!request.dry_run) {
    return absl::InvalidArgumentError(
        "policy: a proposed policy is only for a what-if; set dry_run, which stores nothing");
  }
  return ProposedPolicies(request.account_id, *request.policy);
}

absl::Status Advisor::NoteChange(const Recommendation& proposed,
                                 std::vector<ChangedAdvice>& changed) {
  const absl::StatusOr<Recommendation> stored =
      store_->GetRecommendation(proposed.ad_set_id, proposed.as_of_week);
  if (!stored.ok() && !absl::IsNotFound(stored.status())) return stored.status();
  if (stored.ok() && stored->action == proposed.action) return absl::OkStatus();
  ChangedAdvice change;
  change.ad_set_id = proposed.ad_set_id;
  change.as_of_week = proposed.as_of_week;
  if (stored.ok()) change.stored_action = stored->action;
  change.proposed_action = proposed.action;
  changed.push_back(std::move(change));
  return absl::OkStatus();
}

absl::Status Advisor::StoreEvaluation(const EvaluationRequest& request, const AsOfWeeks& weeks,
                                      absl::Time evaluated_at, const PolicyBook& policies,
                                      EvaluationResult& result) {
  // Begun before anything is read, so that an engine with one writer holds
  // it for the whole run and nothing that the run reads changes meanwhile.
  ASSIGN_OR_RETURN(std::unique_ptr<EvaluationWriter> writer, store_->BeginEvaluation());
  RETURN_IF_ERROR(DecideInChunks(
      [&](absl::FunctionRef<absl::Status(Decided)> keep) {
        return DecideEach(request, weeks, evaluated_at, policies, result, keep);
      },
      [&](EvaluationChunk chunk) { return writer->Write(std::move(chunk)); }));
  EvaluationRecord record;
  record.evaluation_id = result.evaluation_id;
  record.as_of_week = weeks.common;
  record.account_id = request.account_id;
  record.ad_set_ids = request.ad_set_ids;
  record.policy_version = result.policy_version;
  record.evaluated_at = evaluated_at;
  record.evaluated = result.evaluated;
  record.action_counts = result.action_counts;
  record.duration = clock_() - evaluated_at;
  return writer->Commit(record);
}

absl::Status Advisor::DecideEach(const EvaluationRequest& request, const AsOfWeeks& weeks,
                                 absl::Time evaluated_at, const PolicyBook& policies,
                                 EvaluationResult& result,
                                 absl::FunctionRef<absl::Status(Decided)> keep) {
  result.evaluated = 0;
  result.action_counts.clear();
  result.account_weeks.clear();
  const bool named = !request.ad_set_ids.empty();
  // Ids of the accounts in weeks.elsewhere that had an ad set judged.
  std::set<std::string> judged_elsewhere;
  TestChanges changes;
  ASSIGN_OR_RETURN(const RunClimbTests climb_tests,
                   RunClimbTests::Load(store_, request.account_id, named));
  auto decide = [&](const AdSetHistory& history) -> absl::Status {
    if (request.check_cancelled) RETURN_IF_ERROR(request.check_cancelled());
    const AdSetWeek& latest = history.back();
    if (named) RETURN_IF_ERROR(CheckNamedAdSetOwner(request.account_id, latest));
    const AccountWeek* elsewhere = weeks.Elsewhere(latest.account_id);
    const Week as_of = elsewhere == nullptr ? weeks.common : elsewhere->as_of_week;
    // An ad set that did not exist yet at its as-of week has nothing to
    // say about it, unless someone asked for it by name.
    if (!named && history.front().week > as_of) return absl::OkStatus();
    ASSIGN_OR_RETURN(const std::vector<ClimbTest> tests, climb_tests.Of(latest.ad_set_id));
    ASSIGN_OR_RETURN(Decision decision, DecideFor(history, as_of, tests, policies));
    if (elsewhere != nullptr) judged_elsewhere.insert(elsewhere->account_id);
    Decided decided{std::move(decision.recommendation), std::nullopt};
    if (const ClimbTest* test = FindTest(tests, decision.test_update); test != nullptr) {
      ASSIGN_OR_RETURN(const std::vector<ClimbTest> involving, TestsOfPair(*test, climb_tests));
      decided.test_change = changes.Apply(*decision.test_update, as_of, involving);
    }
    decided.recommendation.evaluation_id = result.evaluation_id;
    decided.recommendation.evaluated_at = evaluated_at;
    ++result.evaluated;
    ++result.action_counts[decided.recommendation.action];
    if (options_.after_each_decision) options_.after_each_decision(request, result.evaluated);
    return keep(std::move(decided));
  };
  if (named) {
    RETURN_IF_ERROR(EvaluateNamed(request.ad_set_ids, decide));
  } else {
    RETURN_IF_ERROR(store_->ScanHistories(request.account_id, decide));
  }
  for (const std::string& id : judged_elsewhere) {
    result.account_weeks.push_back(weeks.elsewhere.at(id));
  }
  return absl::OkStatus();
}

absl::Status Advisor::EvaluateNamed(std::vector<std::string> ad_set_ids,
                                    absl::FunctionRef<absl::Status(const AdSetHistory&)> evaluate) {
  std::sort(ad_set_ids.begin(), ad_set_ids.end());
  ad_set_ids.erase(std::unique(ad_set_ids.begin(), ad_set_ids.end()), ad_set_ids.end());
  for (const std::string& id : ad_set_ids) {
    ASSIGN_OR_RETURN(const AdSetHistory history,
                     store_->GetHistory(id, std::nullopt, std::nullopt));
    RETURN_IF_ERROR(evaluate(history));
  }
  return absl::OkStatus();
}

absl::StatusOr<Recommendation> Advisor::GetRecommendation(std::string_view ad_set_id,
                                                          std::string_view as_of_week) {
  RETURN_IF_ERROR(CheckRequiredId("ad_set_id", ad_set_id));
  ASSIGN_OR_RETURN(std::optional<Week> week, ParseOptionalWeek("as_of_week", as_of_week));
  return store_->GetRecommendation(ad_set_id, week);
}

absl::StatusOr<RecommendationPage> Advisor::ListRecommendations(const RecommendationFilter& filter,
                                                                int page_size,
                                                                std::string_view page_token) {
  RETURN_IF_ERROR(CheckOptionalId("account_id", filter.account_id));
  ASSIGN_OR_RETURN(std::optional<Week> week, ParseOptionalWeek("as_of_week", filter.as_of_week));
  ASSIGN_OR_RETURN(
      int limit, EffectivePageSize(page_size, options_.default_page_size, options_.max_page_size));
  const std::string filter_text = RecommendationFilterText(filter);
  RecommendationQuery query;
  query.account_id = filter.account_id;
  query.as_of_week = week;
  query.actions = filter.actions;
  query.flags = filter.flags;
  query.limit = limit + 1;  // one more tells whether another page follows
  if (!page_token.empty()) {
    ASSIGN_OR_RETURN(query.after_ad_set_id, DecodePageToken(page_token, filter_text));
  }
  RecommendationPage page;
  ASSIGN_OR_RETURN(page.recommendations, store_->ListRecommendations(query));
  page.next_page_token = TrimPage(page.recommendations, limit, filter_text,
                                  [](const Recommendation& rec) { return rec.ad_set_id; });
  return page;
}

}  // namespace rung
