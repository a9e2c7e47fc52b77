#include "storage/memory/memory_store.h"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "core/text.h"
#include "rung/status_macros.h"
#include "storage/row_codec.h"
#include "storage/row_values.h"
#include "storage/store_checks.h"
#include "storage/store_errors.h"

namespace rung {
namespace {

// Who an ad set belongs to, for life.
struct Owner {
  std::string account_id;
  std::string campaign_id;
};

// Tests by id. std::map's order is the byte order that the other engines
// page by: std::string compares its chars as unsigned.
using ClimbTests = std::map<std::string, ClimbTest, std::less<>>;

// Everything the store holds.
struct Data {
  std::map<std::string, Owner, std::less<>> ad_sets;
  std::map<std::string, std::map<Week, AdSetWeek>, std::less<>> weeks;
  int64_t week_count = 0;
  // The first answer to each request_id.
  std::map<std::string, IngestSummary> requests;
  std::optional<absl::Time> last_ingest_time;
  std::map<std::string, std::map<Week, Recommendation>, std::less<>> recommendations;
  std::set<std::string> evaluation_ids;
  std::optional<EvaluationRecord> latest_evaluation;
  int64_t recommendations_version = 0;
  ClimbTests climb_tests;
  std::map<std::string, AccountRecord, std::less<>> accounts;
  // By key, in the byte order that the other engines list them in.
  std::map<std::string, ActionRecord, std::less<>> actions;
  // By account id, the deployment's "" first, then by revision.
  std::map<std::string, std::map<int64_t, PolicyRevision>, std::less<>> policy_revisions;
};

// Makes `change` in `changed`, where the test is as earlier changes of the
// same write left it, or else as `stored` holds it.
absl::Status MakeChange(const ClimbTests& stored, const ClimbTestChange& change,
                        ClimbTests& changed) {
  const std::string& id = change.next.climb_test_id;
  auto current = changed.find(id);
  if (current == changed.end()) {
    const auto found = stored.find(id);
    if (found == stored.end()) return ClimbTestNotFound(id);
    current = changed.emplace(id, found->second).first;
  }
  ClimbTest& test = current->second;
  if (test.state != change.expected.state ||
      test.concluded_week != change.expected.concluded_week) {
    return ClimbTestChangedSince(id, test.state, change.expected.state);
  }
  // What a change may change: the rest of a test is fixed at its start.
  test.state = change.next.state;
  test.concluded_week = change.next.concluded_week;
  test.original_cost_per_macro = change.next.original_cost_per_macro;
  test.duplicate_cost_per_macro = change.next.duplicate_cost_per_macro;
  test.retest_baseline = change.next.retest_baseline;
  return absl::OkStatus();
}

// Makes every change of `changes`, in order, or none of them.
absl::Status MakeChanges(ClimbTests& tests, const std::vector<ClimbTestChange>& changes) {
  ClimbTests changed;
  for (const ClimbTestChange& change : changes) {
    RETURN_IF_ERROR(MakeChange(tests, change, changed));
  }
  for (auto& [id, test] : changed) tests[id] = std::move(test);
  return absl::OkStatus();
}

bool Matches(const Recommendation& r, const RecommendationQuery& query) {
  if (!query.account_id.empty() && r.account_id != query.account_id) return false;
  if (!query.actions.empty() &&
      std::find(query.actions.begin(), query.actions.end(), r.action) == query.actions.end()) {
    return false;
  }
  return query.flags.empty() || std::any_of(query.flags.begin(), query.flags.end(),
                                            [&](Flag flag) { return r.HasFlag(flag); });
}

bool Matches(const ClimbTest& test, const ClimbTestQuery& query) {
  return (query.account_id.empty() || test.account_id == query.account_id) &&
         (!query.state.has_value() || test.state == *query.state);
}

// The order in which the other engines pick the latest evaluation.
bool EvaluatedLater(const EvaluationRecord& a, const EvaluationRecord& b) {
  return std::tie(a.evaluated_at, a.evaluation_id) > std::tie(b.evaluated_at, b.evaluation_id);
}

// The values as an engine that keeps whole microseconds reads them back.
Recommendation AsStored(Recommendation r) {
  r.evaluated_at = StoredInstant(r.evaluated_at);
  return r;
}

EvaluationRecord AsStored(EvaluationRecord evaluation) {
  evaluation.evaluated_at = StoredInstant(evaluation.evaluated_at);
  evaluation.duration = StoredDuration(evaluation.duration);
  return evaluation;
}

ActionRecord AsStored(ActionRecord record) {
  record.updated_at = StoredInstant(record.updated_at);
  for (ActionStep& step : record.steps) step.done_at = StoredInstant(step.done_at);
  return record;
}

PolicyRevision AsStored(PolicyRevision revision) {
  revision.change_time = StoredInstant(revision.change_time);
  return revision;
}

// Makes `week` the latest of `latest` when it is later.
void KeepLater(Week week, std::optional<Week>& latest) {
  if (!latest.has_value() || week > *latest) latest = week;
}

// Counts `r` into `figures` when it is of the latest week seen so far, which
// a later week's recommendation starts again.
void CountAtLatest(const Recommendation& r, StoredAccountFigures& figures) {
  if (figures.latest_evaluated_week.has_value() && r.as_of_week < *figures.latest_evaluated_week) {
    return;
  }
  if (figures.latest_evaluated_week != r.as_of_week) {
    figures.latest_evaluated_week = r.as_of_week;
    figures.actions_at_latest.clear();
    figures.learning_statuses_at_latest.clear();
  }
  ++figures.actions_at_latest[r.action];
  if (r.learning_status.has_value()) ++figures.learning_statuses_at_latest[*r.learning_status];
}

bool Matches(const ActionRecord& record, const ActionQuery& query) {
  return record.account_id == query.account_id &&
         (query.ad_set_id.empty() || record.ad_set_id == query.ad_set_id);
}

class MemoryStore;

// A run staged in the writer and applied under the store's lock at Commit,
// so that no read sees part of it.
class MemoryEvaluationWriter final : public EvaluationWriter {
 public:
  // `evaluation_mu` is held by the caller, and released when this is dropped.
  MemoryEvaluationWriter(MemoryStore* store, absl::Mutex* evaluation_mu)
      : store_(store), evaluation_mu_(evaluation_mu) {}
  ~MemoryEvaluationWriter() override { evaluation_mu_->Unlock(); }

  absl::Status Write(EvaluationChunk chunk) override;
  absl::Status Commit(const EvaluationRecord& record) override;

 private:
  MemoryStore* const store_;
  absl::Mutex* const evaluation_mu_;
  std::vector<Recommendation> recommendations_;
  std::vector<ClimbTestChange> test_changes_;
  // The tests as the staged changes leave them, for the next chunk's checks.
  ClimbTests changed_tests_;
};

class MemoryStore final : public Store {
 public:
  absl::StatusOr<IngestOutcome> Ingest(const IngestBatch& batch) override {
    absl::MutexLock lock(&mu_);
    IngestOutcome outcome;
    if (!batch.request_id.empty()) {
      if (const auto first = data_.requests.find(batch.request_id); first != data_.requests.end()) {
        outcome.summary = first->second;
        return outcome;
      }
    }
    outcome.conflict = FindConflict(batch);
    if (outcome.conflict.has_value()) return outcome;
    for (const AdSetWeek& record : batch.records) {
      data_.ad_sets.try_emplace(record.ad_set_id, Owner{record.account_id, record.campaign_id});
      auto [stored, inserted] = data_.weeks[record.ad_set_id].try_emplace(record.week, record);
      if (inserted) {
        ++outcome.summary.inserted;
        ++data_.week_count;
      } else if (stored->second == record) {
        ++outcome.summary.unchanged;
      } else {
        stored->second = record;
        ++outcome.summary.updated;
      }
    }
    outcome.summary.warnings = batch.warnings;
    data_.last_ingest_time = absl::Now();
    if (!batch.request_id.empty()) data_.requests.emplace(batch.request_id, outcome.summary);
    return outcome;
  }

  absl::StatusOr<AdSetHistory> GetHistory(std::string_view ad_set_id, std::optional<Week> from,
                                          std::optional<Week> to) override {
    absl::MutexLock lock(&mu_);
    const auto weeks = data_.weeks.find(ad_set_id);
    if (weeks == data_.weeks.end()) return AdSetNotFound(AsAbsl(ad_set_id));
    AdSetHistory history;
    for (const auto& [week, record] : weeks->second) {
      if ((!from.has_value() || week >= *from) && (!to.has_value() || week <= *to)) {
        history.push_back(record);
      }
    }
    return history;
  }

  absl::Status ScanHistories(std::string_view account_id,
                             absl::FunctionRef<absl::Status(const AdSetHistory&)> visit) override {
    // Copied under the lock, visited outside it: one moment's data, and a
    // visitor free to call the store.
    std::vector<AdSetHistory> histories;
    {
      absl::MutexLock lock(&mu_);
      for (const auto& [ad_set_id, weeks] : data_.weeks) {
        if (!account_id.empty() && data_.ad_sets.at(ad_set_id).account_id != account_id) continue;
        AdSetHistory& history = histories.emplace_back();
        for (const auto& [week, record] : weeks) history.push_back(record);
      }
    }
    for (const AdSetHistory& history : histories) RETURN_IF_ERROR(visit(history));
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<std::string>> ListAdSetIds(const AdSetIdPageQuery& query) override {
    RETURN_IF_ERROR(CheckPageLimit(query.limit));
    absl::MutexLock lock(&mu_);
    std::vector<std::string> ids;
    for (auto it = data_.ad_sets.upper_bound(query.after_ad_set_id);
         it != data_.ad_sets.end() && static_cast<int>(ids.size()) < query.limit; ++it) {
      if (query.account_id.empty() || it->second.account_id == query.account_id) {
        ids.push_back(it->first);
      }
    }
    return ids;
  }

  absl::StatusOr<std::unique_ptr<EvaluationWriter>> BeginEvaluation() override {
    evaluation_mu_.Lock();
    return std::make_unique<MemoryEvaluationWriter>(this, &evaluation_mu_);
  }

  absl::StatusOr<Recommendation> GetRecommendation(std::string_view ad_set_id,
                                                   std::optional<Week> week) override {
    absl::MutexLock lock(&mu_);
    const Recommendation* found = nullptr;
    if (const auto weeks = data_.recommendations.find(ad_set_id);
        weeks != data_.recommendations.end()) {
      found = Pick(weeks->second, week);
    }
    if (found == nullptr) return RecommendationNotFound(AsAbsl(ad_set_id), week);
    return *found;
  }

  absl::StatusOr<std::vector<Recommendation>> ListRecommendations(
      const RecommendationQuery& query) override {
    RETURN_IF_ERROR(CheckPageLimit(query.limit));
    absl::MutexLock lock(&mu_);
    std::vector<Recommendation> listed;
    for (auto it = data_.recommendations.upper_bound(query.after_ad_set_id);
         it != data_.recommendations.end() && static_cast<int>(listed.size()) < query.limit; ++it) {
      // The week is chosen before the filters apply: an ad set whose latest
      // recommendation does not match is left out, not answered with an
      // older one that does.
      const Recommendation* r = Pick(it->second, query.as_of_week);
      if (r != nullptr && Matches(*r, query)) listed.push_back(*r);
    }
    return listed;
  }

  // Only this process can reach its memory.
  bool SharedByProcesses() const override { return false; }

  absl::StatusOr<int64_t> RecommendationsVersion() override {
    absl::MutexLock lock(&mu_);
    return data_.recommendations_version;
  }

  absl::Status InsertClimbTest(const ClimbTest& test) override {
    RETURN_IF_ERROR(CheckNewClimbTest(test));
    absl::MutexLock lock(&mu_);
    if (data_.climb_tests.count(test.climb_test_id) > 0) {
      return ClimbTestAlreadyExists(test.climb_test_id);
    }
    for (const auto& [id, stored] : data_.climb_tests) {
      if (stored.state == ClimbTestState::kRunning &&
          (stored.Involves(test.original_ad_set_id) || stored.Involves(test.duplicate_ad_set_id))) {
        return RunningTestInvolvesEither(test);
      }
    }
    ClimbTest& stored = data_.climb_tests.emplace(test.climb_test_id, test).first->second;
    stored.create_time = StoredInstant(test.create_time);
    return absl::OkStatus();
  }

  absl::StatusOr<ClimbTest> GetClimbTest(std::string_view climb_test_id) override {
    absl::MutexLock lock(&mu_);
    const auto found = data_.climb_tests.find(climb_test_id);
    if (found == data_.climb_tests.end()) return ClimbTestNotFound(AsAbsl(climb_test_id));
    return found->second;
  }

  absl::StatusOr<std::vector<ClimbTest>> ClimbTestsOf(std::string_view ad_set_id) override {
    std::vector<ClimbTest> tests;
    {
      absl::MutexLock lock(&mu_);
      for (const auto& [id, test] : data_.climb_tests) {
        if (test.Involves(ad_set_id)) tests.push_back(test);
      }
    }
    // Already in id order, which breaks ties of start week.
    std::stable_sort(tests.begin(), tests.end(), [](const ClimbTest& a, const ClimbTest& b) {
      return a.start_week < b.start_week;
    });
    return tests;
  }

  absl::StatusOr<std::vector<ClimbTest>> ListClimbTests(const ClimbTestQuery& query) override {
    RETURN_IF_ERROR(CheckPageLimit(query.limit));
    absl::MutexLock lock(&mu_);
    std::vector<ClimbTest> tests;
    for (auto it = data_.climb_tests.upper_bound(query.after_climb_test_id);
         it != data_.climb_tests.end() && static_cast<int>(tests.size()) < query.limit; ++it) {
      if (Matches(it->second, query)) tests.push_back(it->second);
    }
    return tests;
  }

  absl::Status UpdateClimbTest(const ClimbTestChange& change) override {
    RETURN_IF_ERROR(CheckStorableChange(change, "change"));
    absl::MutexLock lock(&mu_);
    return MakeChanges(data_.climb_tests, {change});
  }

  absl::Status RecordAccountSync(const AccountRecord& account) override {
    RETURN_IF_ERROR(CheckStorableAccount(account));
    absl::MutexLock lock(&mu_);
    AccountRecord& stored = data_.accounts[account.account_id];
    stored = account;
    stored.last_sync_time = StoredInstant(*account.last_sync_time);
    return absl::OkStatus();
  }

  absl::StatusOr<AccountRecord> GetAccount(std::string_view account_id) override {
    absl::MutexLock lock(&mu_);
    const auto found = data_.accounts.find(account_id);
    if (found == data_.accounts.end()) return AccountNotFound(AsAbsl(account_id));
    return found->second;
  }

  absl::StatusOr<std::vector<AccountRecord>> ListAccounts() override {
    absl::MutexLock lock(&mu_);
    std::vector<AccountRecord> accounts;
    for (const auto& [id, account] : data_.accounts) accounts.push_back(account);
    return accounts;
  }

  absl::StatusOr<std::vector<StoredAccountFigures>> ListAccountFigures(
      const AccountFiguresQuery& query) override {
    RETURN_IF_ERROR(CheckPageLimit(query.limit));
    absl::MutexLock lock(&mu_);
    std::map<std::string, StoredAccountFigures, std::less<>> page = AccountPage(query);
    for (const auto& [ad_set_id, weeks] : data_.weeks) {
      const auto figures = page.find(data_.ad_sets.at(ad_set_id).account_id);
      if (figures == page.end()) continue;
      ++figures->second.ad_sets;
      KeepLater(weeks.rbegin()->first, figures->second.last_week_stored);
    }
    for (const auto& [ad_set_id, weeks] : data_.recommendations) {
      for (const auto& [week, r] : weeks) {
        const auto figures = page.find(r.account_id);
        if (figures != page.end()) CountAtLatest(r, figures->second);
      }
    }
    std::vector<StoredAccountFigures> listed;
    for (auto& [id, figures] : page) listed.push_back(std::move(figures));
    return listed;
  }

  absl::StatusOr<std::vector<Week>> EvaluatedWeeks(std::string_view account_id) override {
    std::set<Week> evaluated;
    {
      absl::MutexLock lock(&mu_);
      for (const auto& [ad_set_id, weeks] : data_.recommendations) {
        for (const auto& [week, r] : weeks) {
          if (r.account_id == account_id) evaluated.insert(week);
        }
      }
    }
    return std::vector<Week>(evaluated.begin(), evaluated.end());
  }

  absl::Status ScanAccountAdvice(std::string_view account_id, Week from, Week to,
                                 absl::FunctionRef<absl::Status(const AdviceRow&)> visit) override {
    // Copied under the lock, visited outside it, as ScanHistories does.
    std::vector<AdviceRow> rows;
    {
      absl::MutexLock lock(&mu_);
      for (const auto& [ad_set_id, weeks] : data_.recommendations) {
        for (auto it = weeks.lower_bound(from); it != weeks.end() && it->first <= to; ++it) {
          if (it->second.account_id == account_id) rows.push_back(AdviceOf(it->second));
        }
      }
    }
    for (const AdviceRow& row : rows) RETURN_IF_ERROR(visit(row));
    return absl::OkStatus();
  }

  absl::Status ScanLearningBudgets(
      std::string_view account_id, Week week,
      absl::FunctionRef<absl::Status(const StoredLearningBudget&)> visit) override {
    std::vector<StoredLearningBudget> budgets;
    {
      absl::MutexLock lock(&mu_);
      for (const auto& [ad_set_id, weeks] : data_.recommendations) {
        const auto found = weeks.find(week);
        if (found == weeks.end() || found->second.account_id != account_id) continue;
        budgets.push_back(
            {ad_set_id, found->second.learning_threshold, found->second.learning_budget});
      }
    }
    for (const StoredLearningBudget& budget : budgets) RETURN_IF_ERROR(visit(budget));
    return absl::OkStatus();
  }

  absl::StatusOr<ActionRecord> RecordAction(const ActionRecord& record) override {
    RETURN_IF_ERROR(CheckStorableAction(record));
    ActionRecord next = AsStored(record);
    absl::MutexLock lock(&mu_);
    auto [stored, is_new] = data_.actions.try_emplace(record.key);
    if (is_new) {
      next.created_at = next.updated_at;
    } else {
      const ActionRecord& first = stored->second;
      if (first.account_id != record.account_id || first.ad_set_id != record.ad_set_id) {
        return ActionOwnedElsewhere(record.key, first.account_id, first.ad_set_id);
      }
      next.action_id = first.action_id;
      next.created_at = first.created_at;
    }
    stored->second = std::move(next);
    return stored->second;
  }

  absl::StatusOr<ActionRecord> GetAction(std::string_view key) override {
    absl::MutexLock lock(&mu_);
    const auto found = data_.actions.find(key);
    if (found == data_.actions.end()) return ActionNotFound(AsAbsl(key));
    return found->second;
  }

  absl::StatusOr<std::vector<ActionRecord>> ListActions(const ActionQuery& query) override {
    RETURN_IF_ERROR(CheckActionQuery(query));
    absl::MutexLock lock(&mu_);
    std::vector<ActionRecord> records;
    for (auto it = data_.actions.upper_bound(query.after_key);
         it != data_.actions.end() && static_cast<int>(records.size()) < query.limit; ++it) {
      if (Matches(it->second, query)) records.push_back(it->second);
    }
    return records;
  }

  absl::Status AppendPolicyRevisions(const std::vector<PolicyRevision>& revisions) override {
    RETURN_IF_ERROR(CheckStorablePolicyRevisions(revisions));
    absl::MutexLock lock(&mu_);
    // Every one is judged before any is stored; their accounts differ, so
    // none moves another's next.
    for (size_t i = 0; i < revisions.size(); ++i) {
      const int64_t latest = LatestRevisionOf(revisions[i].account_id);
      if (revisions[i].revision != latest + 1) {
        return PolicyRevisionNotNext(i, revisions[i], latest);
      }
    }
    for (const PolicyRevision& revision : revisions) {
      data_.policy_revisions[revision.account_id].emplace(revision.revision, AsStored(revision));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<PolicyRevision>> LatestPolicyRevisions() override {
    absl::MutexLock lock(&mu_);
    std::vector<PolicyRevision> latest;
    for (const auto& [account_id, revisions] : data_.policy_revisions) {
      latest.push_back(revisions.rbegin()->second);
    }
    return latest;
  }

  absl::StatusOr<std::vector<PolicyRevision>> ListPolicyRevisions(
      const PolicyRevisionQuery& query) override {
    RETURN_IF_ERROR(CheckPolicyRevisionQuery(query));
    absl::MutexLock lock(&mu_);
    std::vector<PolicyRevision> listed;
    const auto found = data_.policy_revisions.find(query.account_id);
    if (found == data_.policy_revisions.end()) return listed;
    const std::map<int64_t, PolicyRevision>& revisions = found->second;
    for (auto it = std::make_reverse_iterator(revisions.lower_bound(PolicyRevisionCeiling(query)));
         it != revisions.rend() && static_cast<int>(listed.size()) < query.limit; ++it) {
      listed.push_back(it->second);
    }
    return listed;
  }

  absl::Status Ping() override { return absl::OkStatus(); }

  absl::StatusOr<StoreStats> GetStats() override {
    absl::MutexLock lock(&mu_);
    StoreStats stats;
    AccountFiguresQuery every;
    every.limit = std::numeric_limits<int>::max();
    stats.accounts = static_cast<int64_t>(AccountPage(every).size());
    stats.ad_sets = static_cast<int64_t>(data_.ad_sets.size());
    stats.weeks = data_.week_count;
    stats.database_bytes = ApproximateBytes();
    stats.last_ingest_time = data_.last_ingest_time;
    stats.latest_evaluation = data_.latest_evaluation;
    return stats;
  }

  absl::StatusOr<int64_t> Backup(const std::string&) override {
    return absl::FailedPreconditionError("the in-memory store has no database to copy");
  }

  // Makes a chunk's test changes in `changed`, which holds the tests as the
  // run's earlier chunks left them, from what is stored now.
  absl::Status CheckChanges(const std::vector<ClimbTestChange>& changes, ClimbTests& changed) {
    absl::MutexLock lock(&mu_);
    for (size_t i = 0; i < changes.size(); ++i) {
      RETURN_IF_ERROR(CheckStorableChange(changes[i], absl::StrCat("test_changes[", i, "]")));
      RETURN_IF_ERROR(MakeChange(data_.climb_tests, changes[i], changed));
    }
    return absl::OkStatus();
  }

  // Publishes a run whole: ALREADY_EXISTS for a recorded evaluation_id,
  // ABORTED when a test changed since the run's Write checked it.
  absl::Status Publish(const EvaluationRecord& record,
                       const std::vector<Recommendation>& recommendations,
                       const std::vector<ClimbTestChange>& changes) {
    absl::MutexLock lock(&mu_);
    if (data_.evaluation_ids.count(record.evaluation_id) > 0) {
      return EvaluationAlreadyRecorded(record.evaluation_id);
    }
    RETURN_IF_ERROR(MakeChanges(data_.climb_tests, changes));
    for (const Recommendation& r : recommendations) {
      data_.recommendations[r.ad_set_id].insert_or_assign(r.as_of_week, AsStored(r));
    }
    data_.evaluation_ids.insert(record.evaluation_id);
    EvaluationRecord stored = AsStored(record);
    if (!data_.latest_evaluation.has_value() || EvaluatedLater(stored, *data_.latest_evaluation)) {
      data_.latest_evaluation = std::move(stored);
    }
    ++data_.recommendations_version;
    return absl::OkStatus();
  }

 private:
  // The first record of the batch whose ad set is stored, or named by an
  // earlier record, with another owner.
  std::optional<OwnerConflict> FindConflict(const IngestBatch& batch)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    std::map<std::string_view, Owner> owners;
    for (size_t i = 0; i < batch.records.size(); ++i) {
      const AdSetWeek& record = batch.records[i];
      auto [owner, is_new] = owners.try_emplace(record.ad_set_id);
      if (is_new) {
        const auto stored = data_.ad_sets.find(record.ad_set_id);
        owner->second = stored != data_.ad_sets.end()
                            ? stored->second
                            : Owner{record.account_id, record.campaign_id};
      }
      if (owner->second.account_id != record.account_id ||
          owner->second.campaign_id != record.campaign_id) {
        return OwnerConflict{i, owner->second.account_id, owner->second.campaign_id};
      }
    }
    return std::nullopt;
  }

  // Week `week` of `weeks`, or its latest when nullopt; nullptr when none.
  static const Recommendation* Pick(const std::map<Week, Recommendation>& weeks,
                                    std::optional<Week> week) {
    if (weeks.empty()) return nullptr;
    if (!week.has_value()) return &weeks.rbegin()->second;
    const auto found = weeks.find(*week);
    return found == weeks.end() ? nullptr : &found->second;
  }

  // The accounts of ListAccountFigures' page, with figures yet to be added
  // up: those with an ad set or a recorded sync, in id order after the
  // query's.
  std::map<std::string, StoredAccountFigures, std::less<>> AccountPage(
      const AccountFiguresQuery& query) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    // string_view compares bytes as unsigned, the order the other engines page by.
    std::set<std::string_view> ids;
    for (auto it = data_.accounts.upper_bound(query.after_account_id); it != data_.accounts.end();
         ++it) {
      ids.insert(it->first);
    }
    for (const auto& [ad_set_id, owner] : data_.ad_sets) {
      if (owner.account_id > query.after_account_id) ids.insert(owner.account_id);
    }
    std::map<std::string, StoredAccountFigures, std::less<>> page;
    for (auto it = ids.begin(); it != ids.end() && static_cast<int>(page.size()) < query.limit;
         ++it) {
      page[std::string(*it)].account_id = std::string(*it);
    }
    return page;
  }

  // `r` as the account view reads it, with the spend of its ad set's week.
  AdviceRow AdviceOf(const Recommendation& r) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    AdviceRow advice;
    advice.ad_set_id = r.ad_set_id;
    advice.week = r.as_of_week;
    advice.action = r.action;
    advice.learning_status = r.learning_status;
    advice.current_event = r.current_event;
    if (const auto weeks = data_.weeks.find(r.ad_set_id); weeks != data_.weeks.end()) {
      if (const auto record = weeks->second.find(r.as_of_week); record != weeks->second.end()) {
        advice.spend_micros = record->second.spend_micros;
      }
    }
    return advice;
  }

  // 0 for an account with none.
  int64_t LatestRevisionOf(const std::string& account_id) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    const auto found = data_.policy_revisions.find(account_id);
    return found == data_.policy_revisions.end() ? 0 : found->second.rbegin()->first;
  }

  // What the records take, roughly: the figure only has to grow with them.
  int64_t ApproximateBytes() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    int64_t recommendations = 0;
    for (const auto& [id, weeks] : data_.recommendations) recommendations += weeks.size();
    int64_t policy_revisions = 0;
    for (const auto& [id, revisions] : data_.policy_revisions) policy_revisions += revisions.size();
    return data_.week_count * static_cast<int64_t>(sizeof(AdSetWeek)) +
           recommendations * static_cast<int64_t>(sizeof(Recommendation)) +
           policy_revisions * static_cast<int64_t>(sizeof(PolicyRevision)) +
           static_cast<int64_t>(data_.climb_tests.size() * sizeof(ClimbTest) +
                                data_.accounts.size() * sizeof(AccountRecord) +
                                data_.actions.size() * sizeof(ActionRecord));
  }

  absl::Mutex mu_;
  Data data_ ABSL_GUARDED_BY(mu_);
  // Held by an evaluation from BeginEvaluation until its writer is dropped,
  // so that evaluations serialize while ingests and reads go on.
  absl::Mutex evaluation_mu_;
};

absl::Status MemoryEvaluationWriter::Write(EvaluationChunk chunk) {
  RETURN_IF_ERROR(CheckStorableRecommendations(chunk.recommendations));
  ClimbTests changed = changed_tests_;
  // Refused here as the other engines refuse it, and checked again at
  // Commit, since a test may change in between.
  RETURN_IF_ERROR(store_->CheckChanges(chunk.test_changes, changed));
  // Staged only when the whole chunk is good.
  changed_tests_ = std::move(changed);
  recommendations_.insert(recommendations_.end(),
                          std::make_move_iterator(chunk.recommendations.begin()),
                          std::make_move_iterator(chunk.recommendations.end()));
  test_changes_.insert(test_changes_.end(), std::make_move_iterator(chunk.test_changes.begin()),
                       std::make_move_iterator(chunk.test_changes.end()));
  return absl::OkStatus();
}

absl::Status MemoryEvaluationWriter::Commit(const EvaluationRecord& record) {
  RETURN_IF_ERROR(CheckStorableEvaluation(record));
  return store_->Publish(record, recommendations_, test_changes_);
}

}  // namespace

std::unique_ptr<Store> NewMemoryStore() { return std::make_unique<MemoryStore>(); }

}  // namespace rung
