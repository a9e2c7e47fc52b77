// The commands that read from or act on rungd, one small function each, and
// the table that names them. Each builds a request from its flags, makes one
// call (or one per page), and prints the answer: a table for people, or the
// answer's JSON with --json.

#include "cli/commands.h"

#include <algorithm>
#include <filesystem>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "cli/account_commands.h"
#include "cli/apply_command.h"
#include "cli/backtest_command.h"
#include "cli/ingest_command.h"
#include "cli/meta_flags.h"
#include "cli/output.h"
#include "cli/plan_command.h"
#include "cli/policy_command.h"
#include "cli/session.h"
#include "cli/sync_command.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/time_util.h"
#include "rung/status_macros.h"

namespace rung::cli {
namespace {

using AdvisorStub = v1::AdvisorService::Stub;

constexpr absl::Duration kCallTimeout = absl::Seconds(30);
// Evaluations and backups walk the whole database.
constexpr absl::Duration kLongCallTimeout = absl::Seconds(300);

const FlagSpec kAccountFlag = {"--account", FlagArity::kValue, "ID", "only this account"};
const FlagSpec kAsOfFlag = {"--as-of", FlagArity::kValue, "WEEK",
                            "the as-of week, a Monday (YYYY-MM-DD)"};
const FlagSpec kPageSizeFlag = {"--page-size", FlagArity::kValue, "N",
                                "at most N per page (the server's default otherwise)"};
const FlagSpec kPageTokenFlag = {"--page-token", FlagArity::kValue, "TOKEN",
                                 "continue where an earlier page ended"};
const FlagSpec kAllFlag = {"--all", FlagArity::kSwitch, "", "follow every page to the end"};
const FlagSpec kPolicyAccountFlag = {"--account", FlagArity::kValue, "ID",
                                     "that account's (default: the deployment's)"};

// `flags` and then the flags of the commands that call Meta.
std::vector<FlagSpec> WithMetaFlags(std::vector<FlagSpec> flags) {
  flags.insert(flags.end(), std::begin(kMetaFlagSpecs), std::end(kMetaFlagSpecs));
  return flags;
}

// "Purchase → AddToCart" when the action moves, else the current event.
std::string EventMove(const std::string& current, const std::string& target) {
  const std::string from = current.empty() ? "-" : current;
  return target.empty() || target == current ? from : absl::StrCat(from, " → ", target);
}

std::string FlagsText(const google::protobuf::RepeatedField<int>& flags) {
  std::vector<std::string> names;
  for (int flag : flags) names.push_back(ShortName(static_cast<v1::Flag>(flag)));
  return names.empty() ? "-" : absl::StrJoin(names, ",");
}

std::string OrDash(const std::string& text) { return text.empty() ? "-" : text; }

// A cost in currency units, which a climb test keeps as a double.
std::string Units(double units) { return absl::StrFormat("%.2f", units); }

std::string Timestamp(const google::protobuf::Timestamp& time) {
  return google::protobuf::util::TimeUtil::ToString(time);
}

// Reasons read as sentences: the message, a full stop, then the rule id.
std::string Sentence(const v1::Reason& reason) {
  const bool stopped = absl::EndsWith(reason.message(), ".");
  return absl::StrCat(reason.message(), stopped ? "" : ".", " [", reason.rule(), "]");
}

// Page after page of a List method while --all asks for it, merged into one
// answer whose next_page_token is where the listing stopped.
template <typename Request, typename Response>
absl::Status ListPages(const Invocation& invocation, Session& session,
                       grpc::Status (AdvisorStub::*method)(grpc::ClientContext*, const Request&,
                                                           Response*),
                       Request request, Response* merged) {
  if (invocation.Has(kPageSizeFlag.name)) {
    ASSIGN_OR_RETURN(const int page_size,
                     ParsePositiveInt(kPageSizeFlag.name, invocation.Value(kPageSizeFlag.name)));
    request.set_page_size(page_size);
  }
  request.set_page_token(invocation.Value(kPageTokenFlag.name));
  return session.ForEachPage(method, std::move(request), [&](const Response& page) {
    merged->MergeFrom(page);
    merged->set_next_page_token(page.next_page_token());
    return invocation.Has(kAllFlag.name);
  });
}

// After a table that stopped at a page boundary: how to see the rest.
void HintMore(Session& session, const std::string& next_page_token) {
  if (next_page_token.empty()) return;
  session.err() << "more on later pages: add --all, or --page-token " << next_page_token << "\n";
}

// What a dry run would change against the stored advice of its week.
void PrintChanged(const v1::EvaluateAdSetsResponse& response, std::ostream& out) {
  out << "\n"
      << response.changed() << (response.changed() == 1 ? " ad set" : " ad sets")
      << " would get another action than their stored advice\n";
  Table changed({"AD SET", "WEEK", "STORED", "PROPOSED"});
  for (const v1::ChangedAdvice& change : response.changed_advice()) {
    changed.AddRow({change.ad_set_id(), change.as_of_week(), ShortName(change.stored_action()),
                    ShortName(change.proposed_action())});
  }
  changed.Print(out, "  ");
}

absl::Status Evaluate(const Invocation& invocation, Session& session) {
  v1::EvaluateAdSetsRequest request;
  request.set_as_of_week(invocation.Value(kAsOfFlag.name));
  request.set_account_id(invocation.Value(kAccountFlag.name));
  for (const std::string& id : invocation.Values("--ad-set")) request.add_ad_set_ids(id);
  request.set_dry_run(invocation.Has("--dry-run"));
  if (invocation.Has("--policy")) {
    if (!request.dry_run()) {
      return UsageError("--policy needs --dry-run: a what-if stores nothing");
    }
    ASSIGN_OR_RETURN(*request.mutable_policy(), ReadPolicyFile(invocation.Value("--policy")));
  }
  v1::EvaluateAdSetsResponse response;
  RETURN_IF_ERROR(session.Call(&AdvisorStub::EvaluateAdSets, request, &response));
  if (session.json()) return PrintJson(response, session.out());
  std::ostream& out = session.out();
  out << (request.dry_run() ? "dry run, nothing stored"
                            : absl::StrCat("evaluation ", response.evaluation_id()))
      << ": " << response.evaluated() << " ad sets as of " << response.as_of_week()
      << ", policy version " << response.policy_version() << "\n";
  for (const v1::AccountWeek& account : response.account_weeks()) {
    out << "  " << account.account_id() << ": as of " << account.as_of_week()
        << ", the last week complete in " << account.time_zone() << "\n";
  }
  std::vector<v1::ActionCount> counts(response.action_counts().begin(),
                                      response.action_counts().end());
  std::sort(counts.begin(), counts.end(),
            [](const auto& a, const auto& b) { return a.action() < b.action(); });
  Table table({"ACTION", "COUNT"});
  for (const v1::ActionCount& count : counts) {
    table.AddRow({ShortName(count.action()), absl::StrCat(count.count())});
  }
  table.Print(out, "  ");
  if (request.dry_run() && response.recommendations_size() > 0) {
    out << "\n";
    Table recommendations({"AD SET", "ACTION", "EVENT", "FLAGS"});
    for (const v1::Recommendation& r : response.recommendations()) {
      recommendations.AddRow({r.ad_set_id(), ShortName(r.action()),
                              EventMove(r.current_event(), r.target_event()),
                              FlagsText(r.flags())});
    }
    recommendations.Print(out);
  }
  if (request.dry_run()) PrintChanged(response, out);
  return absl::OkStatus();
}

// Each rung's cost per event and the weekly budget that would bring it to T,
// in the account's currency: "AddToCart  3.10 EUR each  ≈ 155.00 EUR/week to
// reach 50". Nothing for advice without a budget (no record that week, or
// stored before rungd computed budgets).
void PrintLearningBudget(const v1::Recommendation& r, const std::string& currency,
                         std::ostream& out) {
  const v1::LearningBudget& budget = r.learning_budget();
  if (budget.rungs().empty()) return;
  if (!budget.has_weekly_spend_micros()) {
    out << "\nbudget to leave learning: cannot be estimated without spend in the window\n";
    return;
  }
  out << "\nbudget to leave learning, over " << budget.spend_weeks() << " week"
      << (budget.spend_weeks() == 1 ? "" : "s") << " with spend (the ad set spends "
      << Money(budget.weekly_spend_micros(), currency)
      << "/week; lower bounds, since costs rise with spend):\n";
  Table rungs({});
  for (const v1::RungBudget& rung : budget.rungs()) {
    if (rung.event_count() == 0) {
      rungs.AddRow({rung.event(), "counted none"});
    } else if (!rung.has_weekly_budget_micros()) {
      rungs.AddRow({rung.event(), "too large to estimate"});
    } else {
      rungs.AddRow({rung.event(),
                    absl::StrCat(Money(rung.cost_per_event_micros(), currency), " each"),
                    absl::StrCat("≈ ", Money(rung.weekly_budget_micros(), currency),
                                 "/week to reach ", r.learning_threshold())});
    }
  }
  rungs.Print(out, "  ");
}

absl::Status ShowRecommendation(const Invocation& invocation, Session& session) {
  v1::GetRecommendationRequest request;
  request.set_ad_set_id(invocation.positionals()[0]);
  request.set_as_of_week(invocation.Value(kAsOfFlag.name));
  v1::GetRecommendationResponse response;
  RETURN_IF_ERROR(session.Call(&AdvisorStub::GetRecommendation, request, &response));
  if (session.json()) return PrintJson(response, session.out());
  const v1::Recommendation& r = response.recommendation();
  std::ostream& out = session.out();
  out << r.ad_set_id() << " (account " << r.account_id() << ") as of " << r.as_of_week() << ": "
      << ShortName(r.action()) << "\n";
  Table facts({});
  facts.AddRow({"optimizing", EventMove(r.current_event(), r.target_event())});
  facts.AddRow({"learning status", r.learning_threshold() == 0
                                       ? ShortName(r.learning_status())
                                       : absl::StrCat(ShortName(r.learning_status()),
                                                      " (T = ", r.learning_threshold(), ")")});
  facts.AddRow({"flags", FlagsText(r.flags())});
  facts.AddRow({"weeks on rung", absl::StrCat(r.weeks_on_rung())});
  facts.AddRow({"next review", OrDash(r.next_review_week())});
  if (!r.climb_test_id().empty()) facts.AddRow({"climb test", r.climb_test_id()});
  facts.AddRow({"ladder", OrDash(r.ladder())});
  facts.AddRow({"policy version", r.policy_version()});
  facts.AddRow(
      {"evaluation", absl::StrCat(OrDash(r.evaluation_id()), " at ", Timestamp(r.evaluated_at()))});
  facts.Print(out, "  ");

  // Rungs by latest count, highest first: the funnel reads top-down.
  std::vector<std::pair<std::string, int64_t>> events(r.latest_counts().begin(),
                                                      r.latest_counts().end());
  for (const auto& [event, sustained] : r.sustained_counts()) {
    if (r.latest_counts().count(event) == 0) events.emplace_back(event, 0);
  }
  std::sort(events.begin(), events.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  Table counts({"EVENT", "LATEST", "SUSTAINED"});
  for (const auto& [event, latest] : events) {
    auto sustained = r.sustained_counts().find(event);
    counts.AddRow(
        {event, absl::StrCat(latest),
         sustained == r.sustained_counts().end() ? "-" : absl::StrCat(sustained->second)});
  }
  if (!counts.empty()) {
    out << "\ncounts (per week):\n";
    counts.Print(out, "  ");
  }
  if (!r.learning_budget().rungs().empty()) {
    ASSIGN_OR_RETURN(const std::string currency, AccountCurrency(session, r.account_id()));
    PrintLearningBudget(r, currency, out);
  }
  out << "\nreasons:\n";
  for (const v1::Reason& reason : r.reasons()) out << "  - " << Sentence(reason) << "\n";
  return absl::OkStatus();
}

absl::Status ListRecommendations(const Invocation& invocation, Session& session) {
  v1::ListRecommendationsRequest request;
  request.set_account_id(invocation.Value(kAccountFlag.name));
  request.set_as_of_week(invocation.Value(kAsOfFlag.name));
  for (const std::string& text : invocation.Values("--action")) {
    ASSIGN_OR_RETURN(const v1::Action action, ParseEnum<v1::Action>("--action", text));
    request.add_actions(action);
  }
  for (const std::string& text : invocation.Values("--flag")) {
    ASSIGN_OR_RETURN(const v1::Flag flag, ParseEnum<v1::Flag>("--flag", text));
    request.add_flags(flag);
  }
  v1::ListRecommendationsResponse response;
  RETURN_IF_ERROR(
      ListPages(invocation, session, &AdvisorStub::ListRecommendations, request, &response));
  if (session.json()) return PrintJson(response, session.out());
  Table table({"AD SET", "WEEK", "ACTION", "EVENT", "LEARNING", "FLAGS"});
  for (const v1::Recommendation& r : response.recommendations()) {
    table.AddRow({r.ad_set_id(), r.as_of_week(), ShortName(r.action()),
                  EventMove(r.current_event(), r.target_event()), ShortName(r.learning_status()),
                  FlagsText(r.flags())});
  }
  if (table.empty()) session.out() << "no recommendations\n";
  table.Print(session.out());
  HintMore(session, response.next_page_token());
  return absl::OkStatus();
}

void PrintClimbTests(const google::protobuf::RepeatedPtrField<v1::ClimbTest>& tests,
                     std::ostream& out) {
  Table table({"CLIMB TEST", "STATE", "ORIGINAL → DUPLICATE", "EVENT", "WEEKS", "COST/MACRO"});
  for (const v1::ClimbTest& t : tests) {
    const std::string weeks = t.concluded_week().empty()
                                  ? absl::StrCat("from ", t.start_week())
                                  : absl::StrCat(t.start_week(), "..", t.concluded_week());
    std::string costs = "-";
    if (t.has_original_cost_per_macro() || t.has_duplicate_cost_per_macro()) {
      costs = absl::StrCat(Units(t.original_cost_per_macro()), " → ",
                           Units(t.duplicate_cost_per_macro()));
    }
    table.AddRow({t.climb_test_id(), ShortName(t.state()),
                  absl::StrCat(t.original_ad_set_id(), " → ", t.duplicate_ad_set_id()),
                  EventMove(t.from_event(), t.to_event()), weeks, costs});
  }
  if (table.empty()) out << "no climb tests\n";
  table.Print(out);
}

// A started or cancelled test: the answer `response`, which holds `test`.
absl::Status ShowClimbTest(const google::protobuf::Message& response, const v1::ClimbTest& test,
                           Session& session) {
  if (session.json()) return PrintJson(response, session.out());
  google::protobuf::RepeatedPtrField<v1::ClimbTest> tests;
  *tests.Add() = test;
  PrintClimbTests(tests, session.out());
  return absl::OkStatus();
}

absl::Status StartClimbTest(const Invocation& invocation, Session& session) {
  if (!invocation.Has("--start")) return UsageError("missing --start WEEK");
  v1::StartClimbTestRequest request;
  request.set_original_ad_set_id(invocation.positionals()[0]);
  request.set_duplicate_ad_set_id(invocation.positionals()[1]);
  request.set_start_week(invocation.Value("--start"));
  v1::StartClimbTestResponse response;
  RETURN_IF_ERROR(session.Call(&AdvisorStub::StartClimbTest, request, &response));
  return ShowClimbTest(response, response.climb_test(), session);
}

absl::Status ListClimbTests(const Invocation& invocation, Session& session) {
  v1::ListClimbTestsRequest request;
  request.set_account_id(invocation.Value(kAccountFlag.name));
  if (invocation.Has("--state")) {
    ASSIGN_OR_RETURN(const v1::ClimbTestState state,
                     ParseEnum<v1::ClimbTestState>("--state", invocation.Value("--state")));
    request.set_state(state);
  }
  v1::ListClimbTestsResponse response;
  RETURN_IF_ERROR(ListPages(invocation, session, &AdvisorStub::ListClimbTests, request, &response));
  if (session.json()) return PrintJson(response, session.out());
  PrintClimbTests(response.climb_tests(), session.out());
  HintMore(session, response.next_page_token());
  return absl::OkStatus();
}

absl::Status CancelClimbTest(const Invocation& invocation, Session& session) {
  v1::CancelClimbTestRequest request;
  request.set_climb_test_id(invocation.positionals()[0]);
  v1::CancelClimbTestResponse response;
  RETURN_IF_ERROR(session.Call(&AdvisorStub::CancelClimbTest, request, &response));
  return ShowClimbTest(response, response.climb_test(), session);
}

void AddAdSetRow(const v1::AdSet& a, Table* table) {
  table->AddRow({a.ad_set_id(), a.account_id(), a.campaign_id(), a.ladder(), a.optimization_event(),
                 absl::StrCat(a.weeks_on_rung()),
                 absl::StrCat(a.first_week(), "..", a.last_week(), " (", a.week_count(), ")")});
}

const std::vector<std::string> kAdSetHeader = {
    "AD SET", "ACCOUNT", "CAMPAIGN", "LADDER", "OPTIMIZING", "WEEKS ON RUNG", "WEEKS STORED"};

absl::Status ListAdSets(const Invocation& invocation, Session& session) {
  v1::ListAdSetsRequest request;
  request.set_account_id(invocation.Value(kAccountFlag.name));
  v1::ListAdSetsResponse response;
  RETURN_IF_ERROR(ListPages(invocation, session, &AdvisorStub::ListAdSets, request, &response));
  if (session.json()) return PrintJson(response, session.out());
  Table table(kAdSetHeader);
  for (const v1::AdSet& ad_set : response.ad_sets()) AddAdSetRow(ad_set, &table);
  if (table.empty()) session.out() << "no ad sets\n";
  table.Print(session.out());
  HintMore(session, response.next_page_token());
  return absl::OkStatus();
}

absl::Status ShowAdSet(const Invocation& invocation, Session& session) {
  v1::GetAdSetRequest request;
  request.set_ad_set_id(invocation.positionals()[0]);
  v1::GetAdSetResponse response;
  RETURN_IF_ERROR(session.Call(&AdvisorStub::GetAdSet, request, &response));
  if (session.json()) return PrintJson(response, session.out());
  Table table(kAdSetHeader);
  AddAdSetRow(response.ad_set(), &table);
  table.Print(session.out());
  return absl::OkStatus();
}

absl::Status ShowHistory(const Invocation& invocation, Session& session) {
  v1::GetAdSetHistoryRequest request;
  request.set_ad_set_id(invocation.positionals()[0]);
  request.set_from_week(invocation.Value("--from"));
  request.set_to_week(invocation.Value("--to"));
  v1::GetAdSetHistoryResponse response;
  RETURN_IF_ERROR(session.Call(&AdvisorStub::GetAdSetHistory, request, &response));
  if (session.json()) return PrintJson(response, session.out());
  Table table({"WEEK", "OPTIMIZING", "SPEND", "LEARNING", "EDIT", "EVENTS"});
  for (const v1::AdSetWeek& week : response.weeks()) {
    std::vector<std::pair<std::string, int64_t>> counts(week.event_counts().begin(),
                                                        week.event_counts().end());
    std::sort(counts.begin(), counts.end());
    table.AddRow({week.week_start(), week.optimization_event(),
                  week.has_spend_micros() ? Money(week.spend_micros()) : "-",
                  ShortName(week.reported_learning_status()), week.significant_edit() ? "yes" : "-",
                  absl::StrJoin(counts, ", ", absl::PairFormatter(" "))});
  }
  if (table.empty()) session.out() << "no weeks\n";
  table.Print(session.out());
  return absl::OkStatus();
}

absl::Status CheckHealth(const Invocation&, Session& session) {
  grpc::health::v1::HealthCheckResponse response;
  RETURN_IF_ERROR(session.Call(&grpc::health::v1::Health::Stub::Check,
                               grpc::health::v1::HealthCheckRequest(), &response));
  if (session.json()) {
    RETURN_IF_ERROR(PrintJson(response, session.out()));
  } else {
    session.out() << ShortName(response.status()) << "\n";
  }
  if (response.status() != grpc::health::v1::HealthCheckResponse::SERVING) {
    return absl::UnavailableError(absl::StrCat("the daemon is ", ShortName(response.status()),
                                               " (its database does not answer)"));
  }
  return absl::OkStatus();
}

absl::Status Backup(const Invocation& invocation, Session& session) {
  std::error_code error;
  // The daemon resolves nothing against its own working directory.
  const std::filesystem::path path = std::filesystem::absolute(invocation.positionals()[0], error);
  if (error) return UsageError(absl::StrCat("PATH: ", error.message()));
  v1::BackupDatabaseRequest request;
  request.set_destination_path(path.string());
  v1::BackupDatabaseResponse response;
  RETURN_IF_ERROR(session.Call(&AdvisorStub::BackupDatabase, request, &response));
  if (session.json()) return PrintJson(response, session.out());
  session.out() << "backed up to " << response.destination_path() << " (" << response.size_bytes()
                << " bytes, on the daemon's host)\n";
  return absl::OkStatus();
}

}  // namespace

absl::Span<const CommandSpec> Commands() {
  static const std::vector<CommandSpec>* const commands = new std::vector<CommandSpec>{
      {"ingest",
       {"FILE"},
       {{"--format", FlagArity::kValue, "FORMAT",
         "auto (default), rung-csv, rung-json, insights-json or ads-manager-csv"},
        {"--optimization-event", FlagArity::kValue, "EVENT",
         "for rows that do not say what the ad set optimized for"},
        {"--account", FlagArity::kValue, "ID", "for files without an account column"},
        {"--batch-size", FlagArity::kValue, "N", "records per IngestWeeks call (default 500)"},
        {"--request-id-prefix", FlagArity::kValue, "P",
         "starts each batch's idempotency key (default rungctl)"}},
       "loads a file of ad set weeks (\"-\" reads stdin): the project's CSV or JSON, a Meta "
       "Insights API response, or an Ads Manager CSV export",
       kCallTimeout,
       RunIngest},
      {"sync",
       {},
       WithMetaFlags(
           {{"--account", FlagArity::kRepeated, "act_ID",
             "an ad account to pull (repeatable, or a comma list)"},
            {"--since", FlagArity::kValue, "WEEK",
             "first week to pull (default: 12 weeks back on an account's first sync, else the "
             "last --weeks)"},
            {"--weeks", FlagArity::kValue, "N",
             "weeks re-pulled on later syncs, as Meta restates the last 28 days (default 4)"},
            {"--batch-size", FlagArity::kValue, "N", "records per IngestWeeks call (default 500)"},
            {"--async-above", FlagArity::kValue, "N",
             "ad sets above which Insights are read through an async report (default 2000)"}}),
       "pulls ad accounts from Meta's Marketing API and stores their complete weeks",
       kLongCallTimeout,
       RunSync},
      {"evaluate",
       {},
       {kAsOfFlag,
        kAccountFlag,
        {"--ad-set", FlagArity::kRepeated, "ID", "only this ad set (repeatable)"},
        {"--dry-run", FlagArity::kSwitch, "", "store nothing; print the recommendations"},
        {"--policy", FlagArity::kValue, "FILE",
         "with --dry-run: what-if, under this proposed policy of --account (or the deployment)"}},
       "runs an evaluation and prints the count of each action",
       kLongCallTimeout,
       Evaluate},
      {"recommendation",
       {"AD_SET_ID"},
       {{"--as-of", FlagArity::kValue, "WEEK", "that week's (default: the latest stored)"}},
       "prints one recommendation with its reasons",
       kCallTimeout,
       ShowRecommendation},
      {"recommendations",
       {},
       {{"--action", FlagArity::kRepeated, "A", "only this action, e.g. HOLD (repeatable)"},
        {"--flag", FlagArity::kRepeated, "F", "only with this flag, e.g. DATA_GAP (repeatable)"},
        kAccountFlag,
        {"--as-of", FlagArity::kValue, "WEEK", "that week (default: each ad set's latest)"},
        kPageSizeFlag,
        kPageTokenFlag,
        kAllFlag},
       "lists recommendations",
       kCallTimeout,
       ListRecommendations},
      {"plan",
       {},
       {kAccountFlag,
        {"--ad-set", FlagArity::kRepeated, "ID", "this ad set's plan (repeatable)"},
        {"--as-of", FlagArity::kValue, "WEEK",
         "that week's advice (default: each ad set's latest)"},
        {"--budget-share", FlagArity::kValue, "X",
         "share of the original's daily budget that a new ad set gets (default 1)"}},
       "prints the steps that would carry out the stored advice on Meta; changes nothing",
       kCallTimeout,
       RunPlan},
      {"apply",
       {},
       WithMetaFlags({kAccountFlag,
                      {"--ad-set", FlagArity::kRepeated, "ID", "this ad set's action (repeatable)"},
                      {"--as-of", FlagArity::kValue, "WEEK",
                       "that week's advice (default: each ad set's latest)"},
                      {"--budget-share", FlagArity::kValue, "X",
                       "share of the original's daily budget that a new ad set gets (default 1)"},
                      {"--execute", FlagArity::kSwitch, "",
                       "make the calls on Meta; without it, print the plan and change nothing"},
                      {"--max-actions", FlagArity::kValue, "N",
                       "carry out at most N actions in this run (default 20)"}}),
       "carries the stored advice out on Meta with --execute, recording each step in rungd; "
       "without it prints the plan",
       kCallTimeout,
       RunApply},
      {"climb-test start",
       {"ORIGINAL", "DUPLICATE"},
       {{"--start", FlagArity::kValue, "WEEK", "the test's first week, a Monday (required)"}},
       "starts a climb test of DUPLICATE, one rung above ORIGINAL",
       kCallTimeout,
       StartClimbTest},
      {"climb-test list",
       {},
       {kAccountFlag,
        {"--state", FlagArity::kValue, "S", "RUNNING, PROMOTED, KEPT_CURRENT or CANCELLED"},
        kPageSizeFlag,
        kPageTokenFlag,
        kAllFlag},
       "lists climb tests",
       kCallTimeout,
       ListClimbTests},
      {"climb-test cancel",
       {"ID"},
       {},
       "cancels a running climb test",
       kCallTimeout,
       CancelClimbTest},
      {"accounts",
       {},
       {},
       "lists the accounts, with how many ad sets need a person this week",
       kCallTimeout,
       RunAccounts},
      {"summary",
       {},
       {{"--account", FlagArity::kValue, "ID", "the account (required)"},
        {"--as-of", FlagArity::kValue, "WEEK", "an evaluated week (default: the latest)"}},
       "one account: its figures, what changed since the evaluated week before, the trend",
       kCallTimeout,
       RunSummary},
      {"backtest",
       {},
       {kAccountFlag,
        {"--ad-set", FlagArity::kRepeated, "ID",
         "only this ad set, printed week by week (repeatable)"},
        {"--from", FlagArity::kValue, "WEEK", "the first week to replay, a Monday (required)"},
        {"--to", FlagArity::kValue, "WEEK", "the last week to replay, a Monday (required)"},
        {"--policy", FlagArity::kValue, "FILE",
         "replay this proposed policy of --account (or the deployment) instead of the stored one"}},
       "replays the policy over the stored history: the advice each week would have had, "
       "whether it was followed, and how it fared",
       kLongCallTimeout,
       RunBacktest},
      {"adsets",
       {},
       {kAccountFlag, kPageSizeFlag, kPageTokenFlag, kAllFlag},
       "lists ad sets",
       kCallTimeout,
       ListAdSets},
      {"adset", {"AD_SET_ID"}, {}, "prints one ad set", kCallTimeout, ShowAdSet},
      {"history",
       {"AD_SET_ID"},
       {{"--from", FlagArity::kValue, "WEEK", "from this week on"},
        {"--to", FlagArity::kValue, "WEEK", "up to this week"}},
       "prints an ad set's weeks, oldest first",
       kCallTimeout,
       ShowHistory},
      {"policy get",
       {},
       {kPolicyAccountFlag},
       "prints the effective policy, its version and ladders, and the stored overrides",
       kCallTimeout,
       RunPolicyGet},
      {"policy set",
       {"FILE"},
       {kPolicyAccountFlag,
        {"--reason", FlagArity::kValue, "TEXT", "why the policy changes (required)"},
        {"--etag", FlagArity::kValue, "ETAG",
         "refuse the change if the policy changed since `policy get` printed this etag"},
        {"--validate-only", FlagArity::kSwitch, "", "check the file; store nothing"}},
       "replaces the stored overrides with FILE's (rung.v1.PolicyOverrides, JSON or text format)",
       kCallTimeout,
       RunPolicySet},
      {"policy history",
       {},
       {kPolicyAccountFlag},
       "lists the policy's versions, newest first: who changed what, when and why",
       kCallTimeout,
       RunPolicyHistory},
      {"health", {}, {}, "checks the daemon (exit 1 unless SERVING)", kCallTimeout, CheckHealth},
      {"backup",
       {"PATH"},
       {},
       "copies the live database to PATH, a new file on the daemon's host (a relative PATH is "
       "taken from this directory)",
       kLongCallTimeout,
       Backup},
  };
  return *commands;
}

absl::Span<const FlagSpec> CommonFlags() {
  static const FlagSpec kFlags[] = {
      {"--server", FlagArity::kValue, "ADDR",
       "rungd's address, host:port or unix:PATH (default $RUNG_SERVER, else 127.0.0.1:50051)"},
      {"--token", FlagArity::kValue, "TOKEN",
       "sent as \"authorization: Bearer TOKEN\" (default $RUNG_TOKEN)"},
      {"--tls-ca", FlagArity::kValue, "FILE",
       "speak TLS, trusting the CA certificates in this PEM file (default $RUNG_TLS_CA)"},
      {"--tls-cert", FlagArity::kValue, "FILE",
       "with --tls-ca: this PEM client certificate, for mTLS (default $RUNG_TLS_CERT)"},
      {"--tls-key", FlagArity::kValue, "FILE",
       "the private key of --tls-cert, PEM (default $RUNG_TLS_KEY)"},
      {"--json", FlagArity::kSwitch, "", "print the answer as JSON"},
      {"--timeout", FlagArity::kValue, "DURATION",
       "deadline of each call, e.g. 30s or 5m (default 30s; 300s for evaluate, sync and backup)"},
      {"--help", FlagArity::kSwitch, "", "explain the command"},
  };
  return kFlags;
}

}  // namespace rung::cli
