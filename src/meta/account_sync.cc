#include "meta/account_sync.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "core/text.h"
#include "import/fields.h"
#include "import/insights_rows.h"
#include "import/json_document.h"
#include "meta/graph_error.h"
#include "meta/ingest_pipeline.h"
#include "meta/json_members.h"
#include "rung/status_macros.h"

namespace rung::meta {
namespace {

using nlohmann::json;

constexpr char kAdSetPageSize[] = "200";
// Meta counts calls, not rows: large pages use less of the quota.
constexpr char kInsightsPageSize[] = "500";
constexpr char kInsightsFields[] =
    "account_id,campaign_id,adset_id,adset_name,spend,actions,date_start,date_stop";
constexpr char kJobCompleted[] = "Job Completed";
constexpr char kLandingPageViewAction[] = "landing_page_view";
constexpr char kPageView[] = "PageView";
constexpr char kCustomConversionPrefix[] = "offsite_conversion.custom.";

bool IsJobFailed(const std::string& status) {
  return status == "Job Failed" || status == "Job Skipped";
}

std::string WeekRange(Week since, Week until) {
  return absl::StrCat(R"({"since":")", since.ToString(), R"(","until":")",
                      absl::FormatCivilTime(until.monday() + 6), R"("})");
}

// Meta's ids are decimal numbers, held as such: every ad set of an account
// is known while its rows stream by, so each must cost little (BENCHMARKS.md
// measures rungctl's memory). nullopt for any other text, and for digits a
// number would not give back as written (a leading zero).
using MetaId = uint64_t;

std::optional<MetaId> ParseMetaId(absl::string_view text) {
  MetaId id = 0;
  if (text.empty() || !absl::ascii_isdigit(static_cast<unsigned char>(text[0])) ||
      (text.size() > 1 && text[0] == '0') || !absl::SimpleAtoi(text, &id)) {
    return std::nullopt;
  }
  return id;
}

// The few distinct texts of many ad sets (events, learning statuses), each
// held once and named by its index. Index 0 is "".
class Interned {
 public:
  Interned() : texts_{""}, index_{{"", 0}} {}
  uint16_t Of(const std::string& text) {
    const auto [it, added] = index_.emplace(text, static_cast<uint16_t>(texts_.size()));
    if (added) texts_.push_back(text);
    return it->second;
  }
  const std::string& operator[](uint16_t index) const { return texts_[index]; }
  const std::vector<std::string>& texts() const { return texts_; }

 private:
  std::vector<std::string> texts_;
  absl::flat_hash_map<std::string, uint16_t> index_;
};

// What reading an ad set's rows needs of it, and no more: a few dozen bytes.
struct AdSetFacts {
  uint16_t event = 0;            // in texts_
  uint16_t learning_status = 0;  // in texts_; 0 when Meta gave none
  std::optional<int64_t> learning_threshold;
  std::optional<Week> edit_week;  // of the last significant edit
  MetaId source = 0;              // the ad set it was copied from; 0 when none
};

// One account's sync; see SyncAccount.
class AccountSyncer {
 public:
  AccountSyncer(GraphClient& graph, SyncTarget& target, const SyncOptions& options,
                const SyncProgress& progress, AccountSyncReport* report)
      : graph_(graph), target_(target), options_(options), progress_(progress), report_(*report) {}

  absl::Status Run(absl::Time now) {
    RETURN_IF_ERROR(ReadAccount());
    RETURN_IF_ERROR(ChooseWeeks(now));
    RETURN_IF_ERROR(ReadAdSets());
    RETURN_IF_ERROR(LoadStoredEvents());
    RETURN_IF_ERROR(StoreInsights());
    RETURN_IF_ERROR(StartClimbTests());
    return target_.RecordAccountSync(account_);
  }

 private:
  void Warn(std::string warning) {
    if (report_.warning_count++ < kMaxWarnings) report_.warnings.push_back(std::move(warning));
  }

  absl::Status ReadAccount() {
    ASSIGN_OR_RETURN(const json object, graph_.Get(report_.account_id,
                                                   {{"fields", "id,name,currency,timezone_name"}}));
    ASSIGN_OR_RETURN(account_, meta::ReadAccount(object));
    account_.account_id = report_.account_id;
    report_.name = account_.name;
    if (!account_.time_zone.empty() && !absl::LoadTimeZone(account_.time_zone, &zone_)) {
      Warn(absl::StrCat("time zone ", Quote(account_.time_zone),
                        " is not known on this machine (is tzdata installed?); weeks are "
                        "counted in UTC"));
      account_.time_zone.clear();
    }
    report_.time_zone = account_.time_zone;
    return absl::OkStatus();
  }

  absl::Status ChooseWeeks(absl::Time now) {
    // Weeks end at Sunday midnight in the account's time zone; the week in
    // progress there is never asked for.
    until_ = Week::Containing(absl::ToCivilDay(now, zone_)).Previous();
    if (options_.since.has_value()) {
      since_ = *options_.since;
    } else {
      ASSIGN_OR_RETURN(const bool synced, target_.WasSynced(report_.account_id));
      since_ = until_.Plus(1 - (synced ? options_.weeks : options_.first_sync_weeks));
    }
    if (until_ < since_) {
      return absl::InvalidArgumentError(
          absl::StrCat("--since ", since_.ToString(), " is after the last complete week, ",
                       until_.ToString(), ", in the account's time zone"));
    }
    report_.since = since_;
    report_.until = until_;
    return absl::OkStatus();
  }

  absl::Status ReadAdSets() {
    return graph_.ForEachPage(absl::StrCat(report_.account_id, "/adsets"),
                              {{"fields", kAdSetFields}, {"limit", kAdSetPageSize}},
                              [&](const json& data) {
                                for (const json& item : data) {
                                  absl::StatusOr<MetaAdSet> ad_set = ReadAdSet(item);
                                  if (!ad_set.ok()) {
                                    Warn(absl::StrCat("skipped: ", ad_set.status().message()));
                                    continue;
                                  }
                                  if (!Hold(*std::move(ad_set))) continue;
                                  ++report_.ad_sets;
                                }
                                return absl::OkStatus();
                              });
  }

  // False, with a warning, for an id that is not Meta's.
  bool Hold(MetaAdSet ad_set) {
    const std::optional<MetaId> id = ParseMetaId(ad_set.id);
    if (!id.has_value()) {
      Warn(absl::StrCat("skipped: ad set ", Quote(ad_set.id), " has no Meta id"));
      return false;
    }
    AdSetFacts facts;
    facts.event = texts_.Of(ad_set.event);
    facts.learning_status = texts_.Of(ad_set.learning_status);
    facts.learning_threshold = ad_set.learning_threshold;
    if (ad_set.last_significant_edit.has_value()) {
      facts.edit_week = Week::Containing(absl::ToCivilDay(*ad_set.last_significant_edit, zone_));
    }
    facts.source = ParseMetaId(ad_set.source_adset_id).value_or(0);
    ad_sets_.emplace(*id, facts);
    return true;
  }

  // Meta gives only today's event. Where it differs from what rungd holds,
  // the stored weeks keep theirs (see EventOf).
  absl::Status LoadStoredEvents() {
    std::vector<MetaId> changed;
    RETURN_IF_ERROR(target_.ForEachStoredEvent(
        report_.account_id, [&](const std::string& ad_set_id, const std::string& event) {
          const std::optional<MetaId> id = ParseMetaId(ad_set_id);
          if (!id.has_value()) return;  // not an ad set of Meta's
          const uint16_t stored = texts_.Of(event);
          stored_events_.emplace(*id, stored);
          const auto meta = ad_sets_.find(*id);
          if (meta != ad_sets_.end() && meta->second.event != stored) changed.push_back(*id);
        }));
    for (const MetaId id : changed) {
      ASSIGN_OR_RETURN(changed_[id], target_.StoredWeekEvents(absl::StrCat(id)));
    }
    return absl::OkStatus();
  }

  // Pages are read here while the pipeline stores the batches before them.
  absl::Status StoreInsights() {
    const std::string account_id = report_.account_id;
    std::function<void(int)> stored;
    if (progress_) {
      stored = [this, account_id](int weeks) { progress_(account_id, weeks); };
    }
    pipeline_.emplace(target_, std::move(stored));
    absl::Status pulled = PullInsights();
    if (pulled.ok()) pulled = Flush();
    // Whatever was queued before a failure is still stored: it is valid data.
    absl::StatusOr<IngestSummary> totals = pipeline_->Finish();
    pipeline_.reset();
    if (totals.ok()) {
      report_.inserted = totals->inserted;
      report_.updated = totals->updated;
      report_.unchanged = totals->unchanged;
      for (std::string& warning : totals->warnings) Warn(std::move(warning));
    }
    RETURN_IF_ERROR(pulled);
    return totals.status();
  }

  GraphParams InsightsParams() const {
    return {{"level", "adset"},
            {"fields", kInsightsFields},
            {"time_increment", "7"},
            {"time_range", WeekRange(since_, until_)}};
  }

  absl::Status PullInsights() {
    PrepareReader();
    const bool too_big = report_.ad_sets > options_.async_above_ad_sets;
    if (!too_big) {
      GraphParams params = InsightsParams();
      params.emplace_back("limit", kInsightsPageSize);
      const absl::Status direct =
          graph_.ForEachPage(absl::StrCat(report_.account_id, "/insights"), params,
                             [&](const json& data) { return ReadRows(data); });
      if (!NeedsAsyncReport(direct)) return direct;
      // The report reads every row again; what is not stored yet goes with it.
      batch_.clear();
      in_batch_.clear();
    }
    report_.async_report = true;
    return PullAsyncReport();
  }

  // Meta answers code 1 subcode 99 ("reduce the amount of data"), or no
  // answer in time, for an account too big to read at once.
  static bool NeedsAsyncReport(const absl::Status& status) {
    if (absl::IsDeadlineExceeded(status)) return true;
    const std::optional<GraphError> error = GraphErrorOf(status);
    return error.has_value() && error->code == 1 && error->subcode == 99;
  }

  void PrepareReader() {
    reader_.CountActionTypeAs(kLandingPageViewAction, kPageView);
    for (const std::string& event : texts_.texts()) {
      if (absl::StartsWith(event, kCustomConversionPrefix)) reader_.CountActionTypeAs(event, event);
    }
  }

  absl::Status PullAsyncReport() {
    bool retried = false;
    while (true) {
      ASSIGN_OR_RETURN(const json run, graph_.Post(absl::StrCat(report_.account_id, "/insights"),
                                                   InsightsParams()));
      const std::string run_id = StringMember(run, "report_run_id");
      if (run_id.empty()) {
        return absl::FailedPreconditionError("Meta's async report answered no report_run_id");
      }
      ASSIGN_OR_RETURN(const std::string status, WaitForReport(run_id));
      if (status == kJobCompleted) {
        return graph_.ForEachPage(absl::StrCat(run_id, "/insights"), {{"limit", kInsightsPageSize}},
                                  [&](const json& data) { return ReadRows(data); });
      }
      if (retried) {
        return absl::UnavailableError(absl::StrCat("Meta's async report ", run_id, " ended with ",
                                                   Quote(status), " twice; try again later"));
      }
      retried = true;  // Meta fails jobs now and then; once more, then give up
    }
  }

  // Polls until the job is done or failed. Done is "Job Completed" AND 100%:
  // Meta shows 100% while still "Job Running", and reading then fails.
  absl::StatusOr<std::string> WaitForReport(const std::string& run_id) {
    for (int poll = 0;; ++poll) {
      ASSIGN_OR_RETURN(const json job,
                       graph_.Get(run_id, {{"fields", "async_status,async_percent_completion"}}));
      const std::string status = StringMember(job, "async_status");
      const double percent = NumberMember(job, "async_percent_completion");
      if ((status == kJobCompleted && percent >= 100) || IsJobFailed(status)) return status;
      const absl::Status waited = graph_.Wait(graph_.Backoff(poll));
      if (!waited.ok()) {
        return absl::DeadlineExceededError(absl::StrCat("Meta's async report ", run_id,
                                                        " was not done in time (", Quote(status),
                                                        ", ", percent, "%): ", waited.message()));
      }
    }
  }

  absl::Status ReadRows(const json& data) {
    for (const json& row : data) {
      RETURN_IF_ERROR(ReadRow(row, importer::ElementPlace("insights data", report_.rows++)));
    }
    return absl::OkStatus();
  }

  absl::Status ReadRow(const json& row, const std::string& place) {
    const json* member = MemberOf(row, "adset_id");
    const std::optional<MetaId> id = member != nullptr && member->is_string()
                                         ? ParseMetaId(member->get_ref<const std::string&>())
                                         : std::nullopt;
    const auto meta = id.has_value() ? ad_sets_.find(*id) : ad_sets_.end();
    const auto stored = id.has_value() ? stored_events_.find(*id) : stored_events_.end();
    std::string event;
    if (meta != ad_sets_.end()) {
      event = texts_[meta->second.event];
    } else if (stored != stored_events_.end()) {
      event = texts_[stored->second];  // gone from Meta's list (deleted, archived): keep its event
    } else {
      const std::string text = member != nullptr ? member->dump() : "(none)";
      if (unknown_.insert(text).second) {
        Warn(absl::StrCat("ad set ", text,
                          " has Insights rows but is not among the account's ad sets, and rungd "
                          "does not know its event; its rows were skipped"));
      }
      return absl::OkStatus();
    }
    absl::StatusOr<RawAdSetWeek> week = reader_.ReadRow(row, place, event);
    if (!week.ok()) {
      // Never stored under a week it does not cover.
      Warn(absl::StrCat("refused: ", week.status().message()));
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(const Week start, Week::Parse(week->week_start));
    if (start < since_ || start > until_) {
      Warn(absl::StrCat(place, ": week ", start.ToString(), " is outside the weeks asked for (",
                        since_.ToString(), " to ", until_.ToString(), "); refused"));
      return absl::OkStatus();
    }
    if (meta != ad_sets_.end()) ApplyAdSet(meta->first, meta->second, start, &*week);
    Keep(*std::move(week));
    if (batch_.size() >= static_cast<size_t>(options_.batch_size)) RETURN_IF_ERROR(Flush());
    return absl::OkStatus();
  }

  // rungd refuses a batch that holds an (ad set, week) twice; should Meta's
  // pages repeat a row, the later one stands, as a later sync's would.
  void Keep(RawAdSetWeek week) {
    auto [it, added] =
        in_batch_.emplace(absl::StrCat(week.ad_set_id, "/", week.week_start), batch_.size());
    if (added) {
      batch_.push_back(std::move(week));
    } else {
      batch_[it->second] = std::move(week);
    }
  }

  // What only the ad set knows: which event the week ran on, and for the
  // latest week what Meta says of it now.
  void ApplyAdSet(MetaId id, const AdSetFacts& ad_set, Week start, RawAdSetWeek* week) {
    week->optimization_event = EventOf(id, ad_set, start);
    week->significant_edit = ad_set.edit_week == start;
    if (start == until_) {
      week->reported_learning_status = texts_[ad_set.learning_status];
      week->learning_threshold_override = ad_set.learning_threshold;
    }
    if (ad_set.source != 0 && week->spend_micros.value_or(0) > 0) {
      auto [it, added] = first_spend_.emplace(id, start);
      if (!added) it->second = std::min(it->second, start);
    }
  }

  // Meta's event is today's. For an ad set whose stored event differs, a
  // week keeps the event rungd holds for it (or, when it holds none, the
  // ad set's stored event), unless the last significant edit (a change of
  // event is one) shows that the week already ran on today's event.
  std::string EventOf(MetaId id, const AdSetFacts& ad_set, Week start) const {
    const auto changed = changed_.find(id);
    const std::optional<Week>& edit = ad_set.edit_week;
    if (changed == changed_.end()) return texts_[ad_set.event];
    if (edit.has_value() && start >= *edit) return texts_[ad_set.event];
    const auto stored_week = changed->second.find(start);
    if (stored_week != changed->second.end()) return stored_week->second;
    if (edit.has_value()) return texts_[stored_events_.at(id)];
    return texts_[ad_set.event];
  }

  absl::Status Flush() {
    if (batch_.empty()) return absl::OkStatus();
    for (std::string& note : reader_.TakeNotes()) Warn(std::move(note));
    in_batch_.clear();
    return pipeline_->Add(std::exchange(batch_, {}),
                          absl::StrCat(report_.account_id, ":", since_.ToString(), "..",
                                       until_.ToString(), ":", batches_++));
  }

  // Copies that optimize one rung above their source are climb tests someone
  // started in Ads Manager; rungd decides the "one rung", and a pair it
  // already knows, in any state, is never started again.
  absl::Status StartClimbTests() {
    if (first_spend_.empty()) return absl::OkStatus();
    ASSIGN_OR_RETURN(const auto known, target_.ClimbTestPairs(report_.account_id));
    std::vector<std::pair<MetaId, Week>> copies(first_spend_.begin(), first_spend_.end());
    std::sort(copies.begin(), copies.end());
    for (const auto& [copy, start] : copies) {
      const AdSetFacts& facts = ad_sets_.at(copy);
      const std::string copy_id = absl::StrCat(copy);
      const std::string source = absl::StrCat(facts.source);
      if (ad_sets_.count(facts.source) == 0 || known.count({source, copy_id}) != 0) continue;
      const absl::Status started = target_.StartClimbTest(source, copy_id, start);
      if (started.ok()) {
        report_.climb_tests_started.push_back({source, copy_id, texts_[facts.event], start});
      } else if (absl::IsAlreadyExists(started)) {
        Warn(absl::StrCat("copy ", copy_id, " of ", source,
                          " looks like a climb test, but one of them is in a running test "
                          "already; none started"));
      } else if (!absl::IsFailedPrecondition(started) && !absl::IsNotFound(started)) {
        return started;  // a plain copy (same rung, or not stored) is no test
      }
    }
    return absl::OkStatus();
  }

  GraphClient& graph_;
  SyncTarget& target_;
  const SyncOptions& options_;
  const SyncProgress& progress_;
  AccountSyncReport& report_;

  MetaAccount account_;
  absl::TimeZone zone_ = absl::UTCTimeZone();
  Week since_;
  Week until_;
  Interned texts_;
  absl::flat_hash_map<MetaId, AdSetFacts> ad_sets_;
  absl::flat_hash_map<MetaId, uint16_t> stored_events_;  // the latest stored week's event
  absl::flat_hash_map<MetaId, std::map<Week, std::string>> changed_;
  absl::flat_hash_set<std::string> unknown_;
  absl::flat_hash_map<MetaId, Week> first_spend_;  // copies' first week with spend
  ImportOptions import_options_;
  importer::InsightsRowReader reader_{import_options_};
  std::optional<IngestPipeline> pipeline_;
  std::vector<RawAdSetWeek> batch_;
  absl::flat_hash_map<std::string, size_t> in_batch_;  // "ad set/week" -> index in batch_
  int batches_ = 0;
};

}  // namespace

AccountSyncReport SyncAccount(GraphClient& graph, SyncTarget& target, const std::string& account_id,
                              const SyncOptions& options, absl::Time now,
                              const SyncProgress& progress) {
  AccountSyncReport report;
  report.account_id = importer::MetaAccountId(account_id);
  const GraphStats before = graph.stats();
  AccountSyncer syncer(graph, target, options, progress, &report);
  absl::Status status = syncer.Run(now);
  if (absl::IsPermissionDenied(status)) {
    status = WithMessagePrefix(
        "the token may not read this account; it needs the ads_read permission: ", status);
  }
  report.status = graph.redactor().Redact(status);
  report.api_calls = graph.stats().calls - before.calls;
  report.throttled = graph.stats().throttled - before.throttled;
  return report;
}

}  // namespace rung::meta
