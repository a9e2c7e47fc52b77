#include "cli/sync_command.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "api/proto_convert.h"
#include "cli/batch_naming.h"
#include "cli/meta_flags.h"
#include "meta/account_sync.h"
#include "meta/graph_client.h"
#include "meta/http_transport.h"
#include "nlohmann/json.hpp"
#include "rung/status_macros.h"

namespace rung::cli {
namespace {

constexpr int kListPageSize = 1000;
constexpr char kRequestIdPrefix[] = "rungctl-sync-";

struct SyncFlags {
  std::vector<std::string> accounts;
  meta::SyncOptions sync;
  meta::GraphOptions graph;
  meta::GraphCredentials credentials;
};

absl::StatusOr<std::string> AccountFlag(const std::string& value) {
  absl::string_view digits = value;
  absl::ConsumePrefix(&digits, "act_");
  if (digits.empty() || !std::all_of(digits.begin(), digits.end(), [](char c) {
        return absl::ascii_isdigit(static_cast<unsigned char>(c));
      })) {
    return UsageError(
        absl::StrCat("--account: '", value, "' is not an ad account id like act_1234"));
  }
  return absl::StrCat("act_", digits);
}

absl::StatusOr<int> IntFlag(const Invocation& invocation, absl::string_view flag, int fallback) {
  if (!invocation.Has(flag)) return fallback;
  return ParsePositiveInt(flag, invocation.Value(flag));
}

absl::StatusOr<SyncFlags> ReadFlags(const Invocation& invocation) {
  SyncFlags flags;
  // A comma list too, so that one setting (RUNG_SYNC_ACCOUNTS in deploy/)
  // can name them all.
  for (const std::string& value : invocation.Values("--account")) {
    for (absl::string_view account : absl::StrSplit(value, ',', absl::SkipWhitespace())) {
      ASSIGN_OR_RETURN(std::string id,
                       AccountFlag(std::string(absl::StripAsciiWhitespace(account))));
      flags.accounts.push_back(std::move(id));
    }
  }
  if (flags.accounts.empty()) return UsageError("--account: give at least one (act_ID)");
  if (invocation.Has("--since")) {
    absl::StatusOr<Week> since = Week::Parse(invocation.Value("--since"));
    if (!since.ok()) return UsageError(absl::StrCat("--since: ", since.status().message()));
    flags.sync.since = *since;
  }
  ASSIGN_OR_RETURN(flags.sync.weeks, IntFlag(invocation, "--weeks", flags.sync.weeks));
  ASSIGN_OR_RETURN(flags.sync.batch_size,
                   IntFlag(invocation, "--batch-size", flags.sync.batch_size));
  ASSIGN_OR_RETURN(flags.sync.async_above_ad_sets,
                   IntFlag(invocation, "--async-above", flags.sync.async_above_ad_sets));
  ASSIGN_OR_RETURN(MetaFlags meta, ReadMetaFlags(invocation));
  flags.graph = std::move(meta.graph);
  flags.credentials = std::move(meta.credentials);
  return flags;
}

// rungd as the sync sees it, over the session's gRPC calls.
class DaemonTarget : public meta::SyncTarget {
 public:
  explicit DaemonTarget(Session& session) : session_(session) {}

  absl::StatusOr<bool> WasSynced(const std::string& account_id) override {
    v1::GetAccountRequest request;
    request.set_account_id(account_id);
    v1::GetAccountResponse response;
    const absl::Status status =
        session_.Call(&v1::AdvisorService::Stub::GetAccount, request, &response);
    if (absl::IsNotFound(status)) return false;
    RETURN_IF_ERROR(status);
    return response.account().has_last_sync_time();
  }

  absl::Status ForEachStoredEvent(
      const std::string& account_id,
      absl::FunctionRef<void(const std::string& ad_set_id, const std::string& event)> visit)
      override {
    v1::ListAdSetsRequest request;
    request.set_account_id(account_id);
    request.set_page_size(kListPageSize);
    return session_.ForEachPage(&v1::AdvisorService::Stub::ListAdSets, request,
                                [&](const v1::ListAdSetsResponse& page) {
                                  for (const v1::AdSet& ad_set : page.ad_sets()) {
                                    visit(ad_set.ad_set_id(), ad_set.optimization_event());
                                  }
                                  return true;
                                });
  }

  absl::StatusOr<std::map<Week, std::string>> StoredWeekEvents(
      const std::string& ad_set_id) override {
    v1::GetAdSetHistoryRequest request;
    request.set_ad_set_id(ad_set_id);
    v1::GetAdSetHistoryResponse response;
    RETURN_IF_ERROR(session_.Call(&v1::AdvisorService::Stub::GetAdSetHistory, request, &response));
    std::map<Week, std::string> events;
    for (const v1::AdSetWeek& week : response.weeks()) {
      ASSIGN_OR_RETURN(const Week start, Week::Parse(week.week_start()));
      events[start] = week.optimization_event();
    }
    return events;
  }

  absl::StatusOr<IngestSummary> Ingest(const std::vector<RawAdSetWeek>& weeks,
                                       const std::string& label) override {
    v1::IngestWeeksRequest request;
    for (const RawAdSetWeek& week : weeks) RETURN_IF_ERROR(ToProto(week, request.add_weeks()));
    ASSIGN_OR_RETURN(const std::string digest, BatchDigest(label, request.weeks()));
    request.set_request_id(absl::StrCat(kRequestIdPrefix, digest));
    v1::IngestWeeksResponse response;
    auto name_of = [&](size_t index) -> std::optional<std::string> {
      if (index >= weeks.size()) return std::nullopt;
      return absl::StrCat("ad set ", weeks[index].ad_set_id, " week ", weeks[index].week_start);
    };
    const absl::Status status =
        session_.Call(&v1::AdvisorService::Stub::IngestWeeks, request, &response);
    if (!status.ok()) return absl::Status(status.code(), NameRecords(status.message(), name_of));
    IngestSummary summary;
    summary.inserted = response.inserted();
    summary.updated = response.updated();
    summary.unchanged = response.unchanged();
    for (const std::string& warning : response.warnings()) {
      summary.warnings.push_back(NameRecords(warning, name_of));
    }
    return summary;
  }

  absl::StatusOr<std::set<std::pair<std::string, std::string>>> ClimbTestPairs(
      const std::string& account_id) override {
    std::set<std::pair<std::string, std::string>> pairs;
    v1::ListClimbTestsRequest request;
    request.set_account_id(account_id);
    request.set_page_size(kListPageSize);
    RETURN_IF_ERROR(session_.ForEachPage(&v1::AdvisorService::Stub::ListClimbTests, request,
                                         [&](const v1::ListClimbTestsResponse& page) {
                                           for (const v1::ClimbTest& test : page.climb_tests()) {
                                             pairs.emplace(test.original_ad_set_id(),
                                                           test.duplicate_ad_set_id());
                                           }
                                           return true;
                                         }));
    return pairs;
  }

  absl::Status StartClimbTest(const std::string& original, const std::string& duplicate,
                              Week start_week) override {
    v1::StartClimbTestRequest request;
    request.set_original_ad_set_id(original);
    request.set_duplicate_ad_set_id(duplicate);
    request.set_start_week(start_week.ToString());
    v1::StartClimbTestResponse response;
    return session_.Call(&v1::AdvisorService::Stub::StartClimbTest, request, &response);
  }

  absl::Status RecordAccountSync(const meta::MetaAccount& account) override {
    v1::RecordAccountSyncRequest request;
    v1::Account* record = request.mutable_account();
    record->set_account_id(account.account_id);
    record->set_name(account.name);
    record->set_currency(account.currency);
    record->set_time_zone(account.time_zone);
    v1::RecordAccountSyncResponse response;
    return session_.Call(&v1::AdvisorService::Stub::RecordAccountSync, request, &response);
  }

 private:
  Session& session_;
};

std::string Seconds(absl::Duration duration) {
  return absl::StrCat(absl::Trunc(duration, absl::Milliseconds(100)) / absl::Seconds(1));
}

nlohmann::ordered_json ReportJson(const meta::AccountSyncReport& report) {
  nlohmann::ordered_json tests = nlohmann::ordered_json::array();
  for (const meta::StartedClimbTest& test : report.climb_tests_started) {
    tests.push_back({{"original_ad_set_id", test.original_ad_set_id},
                     {"duplicate_ad_set_id", test.duplicate_ad_set_id},
                     {"to_event", test.to_event},
                     {"start_week", test.start_week.ToString()}});
  }
  return {{"account_id", report.account_id},
          {"name", report.name},
          {"time_zone", report.time_zone},
          {"ok", report.status.ok()},
          {"error", report.status.ok() ? "" : std::string(report.status.message())},
          {"since", report.since ? report.since->ToString() : ""},
          {"until", report.until ? report.until->ToString() : ""},
          {"async_report", report.async_report},
          {"ad_sets", report.ad_sets},
          {"rows", report.rows},
          {"inserted", report.inserted},
          {"updated", report.updated},
          {"unchanged", report.unchanged},
          {"climb_tests_started", tests},
          {"warning_count", report.warning_count},
          {"warnings", report.warnings},
          {"api_calls", report.api_calls},
          {"throttled_seconds", absl::ToDoubleSeconds(report.throttled)},
          {"elapsed_seconds", absl::ToDoubleSeconds(report.elapsed)}};
}

void PrintReport(const meta::AccountSyncReport& report, std::ostream& out) {
  out << report.account_id;
  if (!report.name.empty()) out << " (" << report.name << ")";
  if (!report.status.ok()) {
    out << ": FAILED after " << report.inserted + report.updated + report.unchanged
        << " weeks stored\n";
    return;
  }
  out << ": " << report.ad_sets << " ad sets, weeks " << report.since->ToString() << " to "
      << report.until->ToString() << (report.time_zone.empty() ? " (UTC)" : "")
      << (report.async_report ? " via an async report" : "") << ": " << report.inserted
      << " inserted, " << report.updated << " updated, " << report.unchanged << " unchanged; "
      << report.climb_tests_started.size() << " climb tests started; " << report.warning_count
      << " warnings; " << report.api_calls << " API calls, " << Seconds(report.throttled)
      << " s throttled, " << Seconds(report.elapsed) << " s\n";
  for (const meta::StartedClimbTest& test : report.climb_tests_started) {
    out << "  climb test: " << test.original_ad_set_id << " -> " << test.duplicate_ad_set_id << " ("
        << test.to_event << ") from " << test.start_week.ToString() << "\n";
  }
  for (const std::string& warning : report.warnings) out << "  warning: " << warning << "\n";
  if (report.warning_count > static_cast<int>(report.warnings.size())) {
    out << "  ... and " << report.warning_count - report.warnings.size() << " more warnings\n";
  }
}

// Drawn over itself on a terminal's stderr.
void ShowProgress(Session& session, const std::string& account_id, int weeks_stored) {
  session.err() << "\r\033[K" << account_id << ": " << weeks_stored << " weeks stored"
                << std::flush;
}

}  // namespace

absl::Status RunSync(const Invocation& invocation, Session& session) {
  ASSIGN_OR_RETURN(const SyncFlags flags, ReadFlags(invocation));
  std::unique_ptr<meta::HttpTransport> transport = meta::NewCurlTransport(meta::CurlOptions());
  std::vector<meta::AccountSyncReport> reports;
  std::vector<std::string> failures;
  DaemonTarget target(session);
  meta::SyncProgress progress;
  if (session.err_is_terminal()) {
    progress = [&session](const std::string& account_id, int weeks_stored) {
      ShowProgress(session, account_id, weeks_stored);
    };
  }
  for (size_t i = 0; i < flags.accounts.size(); ++i) {
    // One client per account: each gets its own --max-wait.
    meta::GraphClient graph(transport.get(), meta::GraphEnv::Default(), flags.credentials,
                            flags.graph);
    const absl::Time start = absl::Now();
    meta::AccountSyncReport report =
        meta::SyncAccount(graph, target, flags.accounts[i], flags.sync, start, progress);
    report.elapsed = absl::Now() - start;
    if (progress) session.err() << "\r\033[K" << std::flush;
    if (!report.status.ok())
      failures.push_back(absl::StrCat(report.account_id, ": ", report.status.message()));
    const bool token_refused = absl::IsUnauthenticated(report.status);
    reports.push_back(std::move(report));
    if (token_refused) {
      // Every other account would be refused too.
      const size_t skipped = flags.accounts.size() - i - 1;
      if (skipped > 0) {
        absl::StrAppend(&failures.back(), "; ", skipped, " more account", skipped == 1 ? "" : "s",
                        " not synced");
      }
      break;
    }
  }
  if (session.json()) {
    nlohmann::ordered_json accounts = nlohmann::ordered_json::array();
    for (const meta::AccountSyncReport& report : reports) accounts.push_back(ReportJson(report));
    session.out() << nlohmann::ordered_json{{"accounts", accounts}}.dump(2) << "\n";
  } else {
    for (const meta::AccountSyncReport& report : reports) PrintReport(report, session.out());
  }
  if (failures.empty()) return absl::OkStatus();
  for (const std::string& failure : failures) session.err() << "rungctl: " << failure << "\n";
  return AlreadyReported();
}

}  // namespace rung::cli
