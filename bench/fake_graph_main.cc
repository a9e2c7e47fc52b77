// fake_graph: the fake Meta Graph API (tests/support/fake_graph.h) over
// generated accounts, for the sync benchmark and manual runs of `rungctl sync`.
// Prints "listening on 127.0.0.1:PORT" and serves until SIGTERM or SIGINT.
// Ad sets and rows are made from their index when a page asks for them, so a
// large account costs no memory up front and every answer is immediate.
//
// With --write-csv PATH it serves nothing: it writes the same accounts' weeks
// as rung-csv (docs/import-formats.md), as `rungctl sync` would store them,
// so that the benchmark can compare the sync with `rungctl ingest PATH`.

#include <pthread.h>
#include <signal.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "support/fake_graph.h"

namespace rung::bench {
namespace {

using testing::FakeAction;
using testing::FakeAdSet;
using testing::FakeInsightsRow;

constexpr char kUsage[] =
    "usage: fake_graph --token-file PATH [--app-secret-file PATH] [--accounts N] [--ad-sets N]\n"
    "                  [--weeks N] [--until YYYY-MM-DD (a Sunday)]\n"
    "       fake_graph --write-csv PATH [--accounts N] [--ad-sets N] [--weeks N] [--until ...]\n";

struct Options {
  int64_t accounts = 1;
  int64_t ad_sets = 100;  // per account
  int weeks = 12;
  std::string token_file;
  std::string app_secret_file;
  std::string write_csv;
  absl::CivilDay until;
};

// Every generated account's; rungctl counts weeks in it.
constexpr char kTimeZone[] = "Europe/Berlin";

uint64_t Mix(uint64_t x) {  // splitmix64: deterministic, well spread
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

// The Sunday that ends the last complete Monday-Sunday week in the accounts'
// time zone, or in UTC where tzdata lacks it: the last week `rungctl sync`
// asks for, by the same rule (meta/account_sync.cc).
absl::CivilDay LastCompleteSunday() {
  absl::TimeZone zone = absl::UTCTimeZone();
  absl::LoadTimeZone(kTimeZone, &zone);
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), zone);
  const absl::CivilDay monday = today - static_cast<int>(absl::GetWeekday(today));
  return monday - 1;
}

std::optional<std::string> ReadSecret(const std::string& path) {
  std::ifstream file(path);
  if (!file) return std::nullopt;
  std::stringstream text;
  text << file.rdbuf();
  std::string secret(absl::StripAsciiWhitespace(text.str()));
  if (secret.empty()) return std::nullopt;
  return secret;
}

// "--name value" or "--name=value"; false (and a message) on anything else.
bool ParseFlags(int argc, char** argv, Options& options) {
  std::string accounts, ad_sets, weeks, until;
  const std::map<std::string, std::string*> flags = {
      {"--accounts", &accounts},
      {"--ad-sets", &ad_sets},
      {"--weeks", &weeks},
      {"--token-file", &options.token_file},
      {"--app-secret-file", &options.app_secret_file},
      {"--write-csv", &options.write_csv},
      {"--until", &until}};
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::string value;
    const size_t equals = arg.find('=');
    if (equals != std::string::npos) {
      value = arg.substr(equals + 1);
      arg.resize(equals);
    } else if (i + 1 < argc) {
      value = argv[++i];
    }
    const auto flag = flags.find(arg);
    if (flag == flags.end()) {
      std::fprintf(stderr, "fake_graph: unknown flag '%s'\n", arg.c_str());
      return false;
    }
    *flag->second = value;
  }
  const bool numbers_ok = (accounts.empty() || absl::SimpleAtoi(accounts, &options.accounts)) &&
                          (ad_sets.empty() || absl::SimpleAtoi(ad_sets, &options.ad_sets)) &&
                          (weeks.empty() || absl::SimpleAtoi(weeks, &options.weeks));
  if (!numbers_ok || options.accounts < 1 || options.ad_sets < 0 || options.weeks < 1) {
    std::fputs("fake_graph: --accounts, --ad-sets and --weeks take counts\n", stderr);
    return false;
  }
  options.until = LastCompleteSunday();
  if (!until.empty() && (!absl::ParseCivilTime(until, &options.until) ||
                         absl::GetWeekday(options.until) != absl::Weekday::sunday)) {
    std::fputs("fake_graph: --until takes a Sunday, YYYY-MM-DD\n", stderr);
    return false;
  }
  if (options.token_file.empty() && options.write_csv.empty()) {
    std::fputs("fake_graph: --token-file is required to serve\n", stderr);
    return false;
  }
  return true;
}

struct EventKind {
  const char* custom_event_type;  // empty: LANDING_PAGE_VIEWS, no promoted event
  const char* optimization_goal;
  const char* event;  // the event rungd stores for it
};
constexpr EventKind kEvents[] = {
    {"ADD_TO_CART", "OFFSITE_CONVERSIONS", "AddToCart"},
    {"INITIATED_CHECKOUT", "OFFSITE_CONVERSIONS", "InitiateCheckout"},
    {"PURCHASE", "OFFSITE_CONVERSIONS", "Purchase"},
    {"CONTENT_VIEW", "OFFSITE_CONVERSIONS", "ViewContent"},
    {"LEAD", "OFFSITE_CONVERSIONS", "Lead"},
    {"", "LANDING_PAGE_VIEWS", "PageView"},
};

// The funnel below a landing page view: each event is that share of them.
struct FunnelEvent {
  const char* event;  // rungd's name
  const char* name;   // Insights' action type
  const char* omni;   // Meta's omni_ spelling; empty: none
  int64_t divisor;
};
constexpr FunnelEvent kFunnel[] = {
    {"ViewContent", "view_content", "omni_view_content", 2},
    {"AddToCart", "add_to_cart", "omni_add_to_cart", 8},
    {"InitiateCheckout", "initiate_checkout", "omni_initiated_checkout", 20},
    {"Purchase", "purchase", "omni_purchase", 40},
    {"Lead", "lead", "", 30},
};
constexpr char kPageViewAction[] = "landing_page_view";
constexpr char kPageView[] = "PageView";
constexpr const char* kLearning[] = {"", "LEARNING", "SUCCESS", "FAIL"};

std::string AdSetId(int64_t global) { return absl::StrCat(23850000000000001LL + global); }

const EventKind& EventOf(int64_t global) {
  return kEvents[Mix(static_cast<uint64_t>(global)) % std::size(kEvents)];
}

FakeAdSet MakeAdSet(int64_t global) {
  const uint64_t h = Mix(static_cast<uint64_t>(global));
  const EventKind& event = EventOf(global);
  FakeAdSet ad_set;
  ad_set.id = AdSetId(global);
  ad_set.name = absl::StrCat("Ad set ", global + 1);
  ad_set.campaign_id = absl::StrCat(23840000000000001LL + global / 10);
  ad_set.optimization_goal = event.optimization_goal;
  ad_set.custom_event_type = event.custom_event_type;
  if (*event.custom_event_type != '\0') {
    ad_set.learning_status = kLearning[(h >> 8) % std::size(kLearning)];
    ad_set.learning_conversions = static_cast<int64_t>((h >> 16) % 60);
  }
  // Every 20th ad set is a copy of the one before it.
  if (global % 20 == 19) ad_set.source_adset_id = AdSetId(global - 1);
  return ad_set;
}

// The same count under each of Meta's aliases of one event: a client that sums
// them triples it. `omni` is given, as Meta spells one differently (empty: none).
void AddEvent(absl::string_view name, absl::string_view omni, int64_t count,
              std::vector<FakeAction>& actions) {
  if (count <= 0) return;
  const std::string value = absl::StrCat(count);
  for (const std::string& type :
       {std::string(omni), std::string(name), absl::StrCat("offsite_conversion.fb_pixel_", name)}) {
    if (!type.empty()) actions.push_back({type, value});
  }
}

// What one ad set week spent and saw; both the Insights row and the CSV row
// are written from it.
struct WeekFigures {
  int64_t cents;
  int64_t page_views;
};

WeekFigures FiguresOf(int64_t global, int week) {
  const uint64_t h = Mix(static_cast<uint64_t>(global) * 1000 + static_cast<uint64_t>(week));
  return {1000 + static_cast<int64_t>(h % 50000), static_cast<int64_t>((h >> 20) % 900)};
}

FakeInsightsRow MakeRow(int64_t global, int week, absl::CivilDay first_monday) {
  const WeekFigures figures = FiguresOf(global, week);
  FakeInsightsRow row;
  row.ad_set_id = AdSetId(global);
  row.date_start = absl::FormatCivilTime(first_monday + 7 * week);
  row.spend = absl::StrCat(figures.cents / 100, ".", absl::StrFormat("%02d", figures.cents % 100));
  row.actions.push_back({kPageViewAction, absl::StrCat(figures.page_views)});
  for (const FunnelEvent& event : kFunnel) {
    AddEvent(event.name, event.omni, figures.page_views / event.divisor, row.actions);
  }
  return row;
}

absl::CivilDay FirstMonday(const Options& options) {
  return options.until - 6 - 7 * (options.weeks - 1);
}

// One CSV row per generated ad set week, as `rungctl sync` stores the Insights
// row: the ad set's event; every alias of an event counted once; PageView from
// landing_page_view (written even when 0, as Meta reports it); no count where
// Meta reports none; the learning status on the latest week only.
bool WriteCsv(const Options& options) {
  std::ofstream out(options.write_csv, std::ios::binary);
  out << "account_id,campaign_id,ad_set_id,week_start,optimization_event,spend_micros,"
         "reported_learning_status,count."
      << kPageView;
  for (const FunnelEvent& event : kFunnel) out << ",count." << event.event;
  out << "\n";
  const absl::CivilDay first_monday = FirstMonday(options);
  std::string line;
  for (int64_t account = 0; account < options.accounts; ++account) {
    const std::string account_id = absl::StrCat("act_", 1001 + account);
    for (int64_t i = 0; i < options.ad_sets; ++i) {
      const int64_t global = account * options.ad_sets + i;
      const FakeAdSet ad_set = MakeAdSet(global);
      for (int week = 0; week < options.weeks; ++week) {
        const WeekFigures figures = FiguresOf(global, week);
        const bool latest = week == options.weeks - 1;
        line.clear();
        absl::StrAppend(&line, account_id, ",", ad_set.campaign_id, ",", ad_set.id, ",",
                        absl::FormatCivilTime(first_monday + 7 * week), ",", EventOf(global).event,
                        ",", figures.cents * 10000, ",", latest ? ad_set.learning_status : "", ",",
                        figures.page_views);
        for (const FunnelEvent& event : kFunnel) {
          const int64_t count = figures.page_views / event.divisor;
          absl::StrAppend(&line, ",", count > 0 ? absl::StrCat(count) : "");
        }
        line += '\n';
        out << line;
      }
    }
  }
  out.close();
  if (!out) {
    std::fprintf(stderr, "fake_graph: cannot write '%s'\n", options.write_csv.c_str());
    return false;
  }
  return true;
}

testing::GeneratedAccount MakeAccount(const Options& options, int64_t index) {
  testing::GeneratedAccount generated;
  generated.account.id = absl::StrCat(1001 + index);
  generated.account.name = absl::StrCat("Account ", 1001 + index);
  generated.account.timezone_name = kTimeZone;
  generated.ad_set_count = options.ad_sets;
  generated.rows_per_ad_set = options.weeks;
  const int64_t first = index * options.ad_sets;
  const absl::CivilDay first_monday = FirstMonday(options);
  generated.ad_set = [first](int64_t i) { return MakeAdSet(first + i); };
  generated.row = [first, first_monday](int64_t i, int week) {
    return MakeRow(first + i, week, first_monday);
  };
  return generated;
}

int Run(int argc, char** argv) {
  Options options;
  if (!ParseFlags(argc, argv, options)) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  if (!options.write_csv.empty()) return WriteCsv(options) ? 0 : 1;
  const std::optional<std::string> token = ReadSecret(options.token_file);
  if (!token.has_value()) {
    std::fputs("fake_graph: cannot read a token from --token-file\n", stderr);
    return 2;
  }
  std::string app_secret;
  if (!options.app_secret_file.empty()) {
    const std::optional<std::string> secret = ReadSecret(options.app_secret_file);
    if (!secret.has_value()) {
      std::fputs("fake_graph: cannot read a secret from --app-secret-file\n", stderr);
      return 2;
    }
    app_secret = *secret;
  }
  // Blocked before the server's threads start, so that they inherit the mask
  // and sigwait below is the only taker.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  testing::FakeGraph graph(*token, app_secret);
  graph.SetRecording(false);
  for (int64_t i = 0; i < options.accounts; ++i) graph.AddGeneratedAccount(MakeAccount(options, i));
  std::printf("listening on 127.0.0.1:%d\n", graph.port());
  std::fflush(stdout);
  int signal = 0;
  sigwait(&stop_signals, &signal);
  return 0;
}

}  // namespace
}  // namespace rung::bench

int main(int argc, char** argv) { return rung::bench::Run(argc, argv); }
