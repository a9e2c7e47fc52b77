#include "cli/account_commands.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/output.h"
#include "google/protobuf/util/time_util.h"
#include "rung/status_macros.h"

namespace rung::cli {
namespace {

using AdvisorStub = v1::AdvisorService::Stub;

std::string OrDash(const std::string& text) { return text.empty() ? "-" : text; }

// "HOLD 3, MOVE_DOWN 1", in the enum's order; "-" when empty.
template <typename Counts, typename NameOf>
std::string Tally(const Counts& counts, NameOf name_of) {
  std::vector<std::string> parts;
  for (const auto& count : counts)
    parts.push_back(absl::StrCat(name_of(count), " ", count.count()));
  return parts.empty() ? "-" : absl::StrJoin(parts, ", ");
}

std::string Rungs(const google::protobuf::Map<std::string, int64_t>& rungs) {
  std::map<std::string, int64_t> sorted(rungs.begin(), rungs.end());
  std::vector<std::string> parts;
  for (const auto& [event, count] : sorted) parts.push_back(absl::StrCat(event, " ", count));
  return parts.empty() ? "-" : absl::StrJoin(parts, ", ");
}

int64_t StatusCount(const v1::WeekFigures& week, v1::LearningStatus status) {
  for (const v1::LearningStatusCount& count : week.learning_statuses()) {
    if (count.learning_status() == status) return count.count();
  }
  return 0;
}

void PrintFigures(const v1::AccountSummary& summary, const std::string& currency,
                  std::ostream& out) {
  const v1::WeekFigures& week = summary.figures();
  out << summary.account_id() << " as of " << summary.as_of_week();
  if (!summary.previous_week().empty())
    out << " (previous evaluated week " << summary.previous_week() << ")";
  out << "\n"
      << week.ad_sets() << " ad sets, " << week.needing_attention() << " needing a person; spend "
      << Money(week.spend_micros(), currency) << ", " << Percent(week.spend_share_below_threshold())
      << " of it in ad sets below the learning threshold\n\n";
  Table facts({});
  facts.AddRow({"actions", Tally(week.actions(),
                                 [](const v1::ActionCount& c) { return ShortName(c.action()); })});
  facts.AddRow(
      {"learning status", Tally(week.learning_statuses(), [](const v1::LearningStatusCount& c) {
         return ShortName(c.learning_status());
       })});
  facts.AddRow({"rungs", Rungs(week.rungs())});
  facts.AddRow({"climb tests", Tally(summary.climb_tests(), [](const v1::ClimbTestStateCount& c) {
                  return ShortName(c.state());
                })});
  facts.Print(out);
}

// Per rung, how many ad sets the account's spend could keep at T: "AddToCart
// 5 ad sets  at about 120.93 EUR/week each".
void PrintCapacity(const v1::AccountSummary& summary, const std::string& currency,
                   std::ostream& out) {
  const v1::LearningCapacity& capacity = summary.learning_capacity();
  if (capacity.rungs().empty()) {
    out << "\nad sets its spend could keep at T: cannot be estimated without spend and counts\n";
    return;
  }
  out << "\nad sets its weekly spend of " << Money(capacity.weekly_spend_micros(), currency)
      << " could keep at T (lower bounds, since costs rise with spend):\n";
  Table rungs({});
  for (const v1::RungCapacity& rung : capacity.rungs()) {
    const int64_t ad_sets = rung.ad_sets_at_threshold();
    rungs.AddRow(
        {rung.event(), absl::StrCat(ad_sets, ad_sets == 1 ? " ad set" : " ad sets"),
         rung.has_blended_weekly_budget_micros()
             ? absl::StrCat("at about ", Money(rung.blended_weekly_budget_micros(), currency),
                            "/week each")
             : "at more than can be counted each"});
  }
  rungs.Print(out, "  ");
}

void PrintChanges(const v1::AccountSummary& summary, std::ostream& out) {
  out << "\nwhat changed"
      << (summary.previous_week().empty() ? " (the first evaluated week)"
                                          : " since " + summary.previous_week())
      << ":\n";
  Table changes({});
  for (const v1::AdviceChange& change : summary.changes()) {
    changes.AddRow({change.ad_set_id(),
                    absl::StrCat(ShortName(change.before()), " → ", ShortName(change.after()))});
  }
  for (const v1::ClimbTest& test : summary.tests_started()) {
    changes.AddRow({test.climb_test_id(), absl::StrCat("test started: ", test.original_ad_set_id(),
                                                       " vs ", test.duplicate_ad_set_id())});
  }
  for (const v1::ClimbTest& test : summary.tests_concluded()) {
    changes.AddRow(
        {test.climb_test_id(), absl::StrCat("test concluded: ", ShortName(test.state()))});
  }
  if (changes.empty()) out << "  nothing\n";
  changes.Print(out, "  ");
}

void PrintTrend(const v1::AccountSummary& summary, std::ostream& out) {
  out << "\ntrend:\n";
  Table trend({"WEEK", "AD SETS", "NEEDING A PERSON", "STUCK", "NEAR_EXIT", "EXITED",
               "WELL_OPTIMIZED", "SPEND BELOW T"});
  for (const v1::WeekFigures& week : summary.trend()) {
    trend.AddRow({week.week(), absl::StrCat(week.ad_sets()), absl::StrCat(week.needing_attention()),
                  absl::StrCat(StatusCount(week, v1::LEARNING_STATUS_STUCK)),
                  absl::StrCat(StatusCount(week, v1::LEARNING_STATUS_NEAR_EXIT)),
                  absl::StrCat(StatusCount(week, v1::LEARNING_STATUS_EXITED)),
                  absl::StrCat(StatusCount(week, v1::LEARNING_STATUS_WELL_OPTIMIZED)),
                  Percent(week.spend_share_below_threshold())});
  }
  trend.Print(out, "  ");
}

}  // namespace

absl::StatusOr<std::string> AccountCurrency(Session& session, const std::string& account_id) {
  v1::GetAccountRequest request;
  request.set_account_id(account_id);
  v1::GetAccountResponse response;
  const absl::Status status = session.Call(&AdvisorStub::GetAccount, request, &response);
  if (absl::IsNotFound(status)) return std::string();
  RETURN_IF_ERROR(status);
  return response.account().currency();
}

absl::Status RunAccounts(const Invocation&, Session& session) {
  v1::ListAccountsResponse all;
  RETURN_IF_ERROR(session.ForEachPage(&AdvisorStub::ListAccounts, v1::ListAccountsRequest(),
                                      [&](const v1::ListAccountsResponse& page) {
                                        all.MergeFrom(page);
                                        return true;
                                      }));
  all.clear_next_page_token();
  if (session.json()) return PrintJson(all, session.out());
  if (all.accounts().empty()) {
    session.out() << "no accounts: ingest or sync some first\n";
    return absl::OkStatus();
  }
  Table table(
      {"ACCOUNT", "NAME", "AD SETS", "LAST WEEK", "EVALUATED", "NEEDING A PERSON", "LAST SYNC"});
  for (const v1::AccountOverview& account : all.accounts()) {
    table.AddRow({account.account_id(), OrDash(account.name()), absl::StrCat(account.ad_sets()),
                  OrDash(account.last_week_stored()), OrDash(account.latest_evaluated_week()),
                  absl::StrCat(account.needing_attention()),
                  account.has_last_sync_time()
                      ? google::protobuf::util::TimeUtil::ToString(account.last_sync_time())
                      : "-"});
  }
  table.Print(session.out());
  return absl::OkStatus();
}

absl::Status RunSummary(const Invocation& invocation, Session& session) {
  v1::GetAccountSummaryRequest request;
  request.set_account_id(invocation.Value("--account"));
  if (request.account_id().empty()) return UsageError("--account is required");
  request.set_as_of_week(invocation.Value("--as-of"));
  v1::GetAccountSummaryResponse response;
  RETURN_IF_ERROR(session.Call(&AdvisorStub::GetAccountSummary, request, &response));
  if (session.json()) return PrintJson(response, session.out());
  ASSIGN_OR_RETURN(const std::string currency, AccountCurrency(session, request.account_id()));
  PrintFigures(response.summary(), currency, session.out());
  PrintCapacity(response.summary(), currency, session.out());
  PrintChanges(response.summary(), session.out());
  PrintTrend(response.summary(), session.out());
  return absl::OkStatus();
}

}  // namespace rung::cli
