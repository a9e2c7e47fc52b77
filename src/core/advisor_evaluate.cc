// The Advisor's evaluation use cases: EvaluateAdSets and the reads of what
// it stored.

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/ids.h"
#include "core/page_token.h"
#include "core/request_checks.h"
#include "core/text.h"
#include "rung/advisor.h"
#include "rung/decision.h"
#include "rung/status_macros.h"

namespace rung {
namespace {

// Decisions are staged in chunks of this many, so that the store's writer
// is taken rarely and memory stays small.
constexpr size_t kStageChunk = 256;
// Ad set ids are listed in pages of this many.
constexpr int kIdPage = 512;

// Feeds the evaluation the ad set ids it covers, in byte order, one page of
// ids in memory at a time.
class AdSetIdStream {
 public:
  AdSetIdStream(Store* store, std::string account_id, std::vector<std::string> explicit_ids)
      : store_(store), account_id_(std::move(account_id)), explicit_(!explicit_ids.empty()) {
    if (explicit_) {
      std::sort(explicit_ids.begin(), explicit_ids.end());
      explicit_ids.erase(std::unique(explicit_ids.begin(), explicit_ids.end()), explicit_ids.end());
      page_ = std::move(explicit_ids);
      exhausted_ = true;
    }
  }

  bool is_explicit() const { return explicit_; }

  // The next id, or nullopt at the end.
  absl::StatusOr<std::optional<std::string>> Next() {
    if (next_ == page_.size()) {
      if (exhausted_) return std::optional<std::string>();
      AdSetIdPageQuery query;
      query.account_id = account_id_;
      query.after_ad_set_id = page_.empty() ? "" : page_.back();
      query.limit = kIdPage;
      ASSIGN_OR_RETURN(page_, store_->ListAdSetIds(query));
      next_ = 0;
      exhausted_ = page_.size() < static_cast<size_t>(kIdPage);
      if (page_.empty()) return std::optional<std::string>();
    }
    return std::optional<std::string>(page_[next_++]);
  }

 private:
  Store* store_;
  std::string account_id_;
  bool explicit_;
  std::vector<std::string> page_;
  size_t next_ = 0;
  bool exhausted_ = false;
};

// One run's staging in the store: it is published whole, or abandoned when
// the run ends any other way (an error, a cancellation), so that a run
// leaves either all of its decisions or none.
class StagedRun {
 public:
  StagedRun(Store* store, std::string evaluation_id)
      : store_(store), evaluation_id_(std::move(evaluation_id)) {}
  StagedRun(const StagedRun&) = delete;
  StagedRun& operator=(const StagedRun&) = delete;
  ~StagedRun() {
    // A staging that could not be dropped is invisible and goes with the
    // process; there is no one left to tell.
    if (staged_ && !published_) store_->AbandonEvaluation(evaluation_id_).IgnoreError();
  }

  // Stages `decisions` and empties it.
  absl::Status Stage(std::vector<Decision>& decisions) {
    staged_ = true;
    RETURN_IF_ERROR(store_->StageDecisions(evaluation_id_, decisions));
    decisions.clear();
    return absl::OkStatus();
  }

  absl::Status Publish(const EvaluationRecord& record) {
    RETURN_IF_ERROR(store_->PublishEvaluation(record));
    published_ = true;
    return absl::OkStatus();
  }

 private:
  Store* store_;
  const std::string evaluation_id_;
  bool staged_ = false;
  bool published_ = false;
};

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

absl::StatusOr<Week> Advisor::ResolveAsOfWeek(std::string_view as_of_week) const {
  const absl::Time now = clock_();
  ASSIGN_OR_RETURN(
      std::optional<Week> week,
      ParseStartedWeek("as_of_week", as_of_week, absl::ToCivilDay(now, absl::UTCTimeZone())));
  return week.value_or(Week::LastComplete(now));
}

absl::StatusOr<Decision> Advisor::DecideFor(const AdSetHistory& history, Week as_of) {
  const std::string& ad_set_id = history.back().ad_set_id;
  ASSIGN_OR_RETURN(std::vector<ClimbTest> tests, store_->ClimbTestsOf(ad_set_id));
  std::optional<ClimbTestContext> context;
  if (const ClimbTest* governing = GoverningTest(tests, ad_set_id, as_of)) {
    const bool is_original = governing->original_ad_set_id == ad_set_id;
    ASSIGN_OR_RETURN(AdSetHistory partner,
                     store_->GetHistory(is_original ? governing->duplicate_ad_set_id
                                                    : governing->original_ad_set_id,
                                        std::nullopt, std::nullopt));
    context = ClimbTestContext{*governing, is_original ? history : std::move(partner),
                               is_original ? std::move(partner) : history};
  }
  const EffectivePolicy policy = policies_->For(history.back().account_id);
  DecisionInput input;
  input.history = &history;
  input.as_of = as_of;
  input.policy = &policy.policy;
  input.ladders = &policies_->ladders();
  input.climb_test = context.has_value() ? &*context : nullptr;
  input.past_tests = &tests;
  Decision decision = Decide(input);
  decision.recommendation.policy_version = policy.version;
  return decision;
}

absl::StatusOr<EvaluationResult> Advisor::EvaluateAdSets(const EvaluationRequest& request) {
  ASSIGN_OR_RETURN(const Week as_of, ResolveAsOfWeek(request.as_of_week));
  RETURN_IF_ERROR(CheckOptionalId("account_id", request.account_id));
  if (request.ad_set_ids.size() > static_cast<size_t>(options_.max_batch_size)) {
    return absl::ResourceExhaustedError(absl::StrCat("ad_set_ids: ", request.ad_set_ids.size(),
                                                     " ids; at most ", options_.max_batch_size));
  }
  for (size_t i = 0; i < request.ad_set_ids.size(); ++i) {
    RETURN_IF_ERROR(CheckRequiredId(absl::StrCat("ad_set_ids[", i, "]"), request.ad_set_ids[i]));
  }

  EvaluationResult result;
  result.evaluation_id = NewId("ev_");
  result.as_of_week = as_of;
  result.policy_version = policies_->For(request.account_id).version;
  const absl::Time evaluated_at = clock_();
  std::vector<Decision> pending;
  StagedRun run(store_, result.evaluation_id);
  AdSetIdStream ids(store_, request.account_id, request.ad_set_ids);
  while (true) {
    if (request.check_cancelled) RETURN_IF_ERROR(request.check_cancelled());
    ASSIGN_OR_RETURN(std::optional<std::string> id, ids.Next());
    if (!id.has_value()) break;
    ASSIGN_OR_RETURN(AdSetHistory history, store_->GetHistory(*id, std::nullopt, std::nullopt));
    if (ids.is_explicit() && !request.account_id.empty() &&
        history.back().account_id != request.account_id) {
      return absl::InvalidArgumentError(
          absl::StrCat("ad_set_ids: ad set ", Quote(*id), " belongs to account ",
                       Quote(history.back().account_id), ", not ", Quote(request.account_id)));
    }
    // An ad set that did not exist yet at the as-of week has nothing to say
    // about it, unless someone asked for it by name.
    if (!ids.is_explicit() && history.front().week > as_of) continue;
    ASSIGN_OR_RETURN(Decision decision, DecideFor(history, as_of));
    decision.recommendation.evaluation_id = result.evaluation_id;
    decision.recommendation.evaluated_at = evaluated_at;
    ++result.evaluated;
    ++result.action_counts[decision.recommendation.action];
    if (options_.after_each_decision) options_.after_each_decision(request, result.evaluated);
    if (request.dry_run) {
      result.recommendations.push_back(std::move(decision.recommendation));
      continue;
    }
    pending.push_back(std::move(decision));
    if (pending.size() >= kStageChunk) RETURN_IF_ERROR(run.Stage(pending));
  }
  if (request.dry_run) return result;
  RETURN_IF_ERROR(run.Stage(pending));
  EvaluationRecord record;
  record.evaluation_id = result.evaluation_id;
  record.as_of_week = as_of;
  record.account_id = request.account_id;
  record.ad_set_ids = request.ad_set_ids;
  record.policy_version = result.policy_version;
  record.evaluated_at = evaluated_at;
  record.evaluated = result.evaluated;
  record.action_counts = result.action_counts;
  record.duration = clock_() - evaluated_at;
  RETURN_IF_ERROR(run.Publish(record));
  return result;
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

absl::StatusOr<EffectivePolicy> Advisor::GetPolicy(std::string_view account_id) const {
  RETURN_IF_ERROR(CheckOptionalId("account_id", account_id));
  return policies_->For(account_id);
}

}  // namespace rung
