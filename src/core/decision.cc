#include "rung/decision.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/numeric/int128.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "core/text.h"
#include "rung/history.h"

namespace rung {
namespace {

// Thresholds such as 0.25 or 1.1 have no exact binary form, so a value that
// is exactly at a boundary on paper can land a hair beyond it in floating
// point. The spec's boundaries are inclusive on paper; this slack keeps them so.
constexpr double kRelativeSlack = 1e-9;

bool AtMost(double value, double limit) {
  return value <= limit + kRelativeSlack * std::max(1.0, std::abs(limit));
}
bool AtLeast(double value, double limit) {
  return value >= limit - kRelativeSlack * std::max(1.0, std::abs(limit));
}

std::string Decimal(double value) {
  if (std::isinf(value)) return "infinite";
  return absl::StrFormat("%.2f", value);
}

// --- Money -----------------------------------------------------------------------

// `value` when it fits in 64 bits.
std::optional<int64_t> Fitting(absl::int128 value) {
  if (value > absl::int128(std::numeric_limits<int64_t>::max())) return std::nullopt;
  return static_cast<int64_t>(value);
}

// numerator ÷ denominator, for numerator ≥ 0 and denominator > 0, rounded
// half up.
std::optional<int64_t> RoundedQuotient(absl::int128 numerator, absl::int128 denominator) {
  return Fitting((numerator + denominator / 2) / denominator);
}

// --- The window ---------------------------------------------------------------

// The consistency window at W: its weeks, each with its record or nullptr.
struct Window {
  Week first;
  Week last;
  std::vector<const AdSetWeek*> records;  // one per week, oldest first
  int requested_weeks = 0;
  bool cut_short = false;

  bool empty() const { return records.empty(); }
  int weeks() const { return static_cast<int>(records.size()); }
  bool HasRecord() const {
    return std::any_of(records.begin(), records.end(), [](const AdSetWeek* r) { return r; });
  }
  std::vector<Week> MissingWeeks() const {
    std::vector<Week> missing;
    for (size_t i = 0; i < records.size(); ++i) {
      if (records[i] == nullptr) missing.push_back(first.Plus(static_cast<int64_t>(i)));
    }
    return missing;
  }
};

Window WindowAt(const AdSetHistory& history, Week w, int weeks) {
  Window window;
  window.requested_weeks = weeks;
  window.last = w;
  window.first = w.Plus(-(weeks - 1));
  if (history.empty() || history.front().week > w) return window;
  if (history.front().week > window.first) {
    window.first = history.front().week;
    window.cut_short = true;
  }
  for (Week week = window.first; week <= w; week = week.Next()) {
    window.records.push_back(FindWeek(history, week));
  }
  return window;
}

// The conservative reading of "consistently": the weakest week that we know.
int64_t Sustained(const Window& window, const std::string& event) {
  std::optional<int64_t> minimum;
  for (const AdSetWeek* record : window.records) {
    if (record == nullptr) continue;
    const int64_t count = record->CountOf(event);
    if (!minimum.has_value() || count < *minimum) minimum = count;
  }
  return minimum.value_or(0);
}

std::string Series(const std::vector<const AdSetWeek*>& records, const std::string& event) {
  std::vector<int64_t> counts;
  for (const AdSetWeek* record : records) counts.push_back(record->CountOf(event));
  return absl::StrJoin(counts, ", ");
}

std::string WeekList(const std::vector<Week>& weeks) {
  std::vector<std::string> texts;
  for (Week week : weeks) texts.push_back(week.ToString());
  return absl::StrJoin(texts, ", ");
}

std::string Plural(int64_t n, const char* unit) {
  return absl::StrCat(n, " ", unit, n == 1 ? "" : "s");
}

// The coefficient of variation (population) of the counts; 0 for a mean of 0.
double CoefficientOfVariation(const std::vector<int64_t>& counts) {
  double mean = 0;
  for (int64_t count : counts) mean += static_cast<double>(count);
  mean /= static_cast<double>(counts.size());
  if (mean == 0) return 0;
  double variance = 0;
  for (int64_t count : counts) {
    const double delta = static_cast<double>(count) - mean;
    variance += delta * delta;
  }
  variance /= static_cast<double>(counts.size());
  return std::sqrt(variance) / mean;
}

// --- What the rules look at ------------------------------------------------------

// The facts of one ad set at week W that every rule reads, computed once.
struct Facts {
  explicit Facts(const DecisionInput& in) : input(in), policy(*in.policy), w(in.as_of) {}

  const DecisionInput& input;
  const Policy& policy;
  Week w;
  const AdSetWeek* record = nullptr;  // W's
  std::string ladder_name;
  const Ladder* ladder = nullptr;
  std::optional<int> rung;  // c's index on the ladder
  std::string current;      // c
  int threshold = 0;        // T
  Window window;
  int weeks_on_rung = 0;
  // c's counts over the stability weeks, oldest first.
  std::vector<const AdSetWeek*> stability_records;
  double cv = 0;
  LearningBudget budget;

  int64_t SustainedOf(const std::string& event) const { return Sustained(window, event); }
  int64_t SustainedCurrent() const { return SustainedOf(current); }
  bool Stable() const {
    return stability_records.size() >= 2 && AtMost(cv, policy.stability_max_cv);
  }
  // "2026-10-26..2026-11-09", or the one week.
  std::string WindowRange() const {
    if (window.first == window.last) return w.ToString();
    return absl::StrCat(window.first.ToString(), "..", w.ToString());
  }
  std::string WindowText() const {
    return absl::StrCat(window.first == window.last ? "in " : "over ", WindowRange());
  }
  // "Purchase sustains 12/week (weekly 12, no record, 12 over 2026-10-26..2026-11-09)"
  std::string SustainText(const std::string& event) const {
    std::vector<std::string> weekly;
    for (const AdSetWeek* stored : window.records) {
      weekly.push_back(stored == nullptr ? "no record" : absl::StrCat(stored->CountOf(event)));
    }
    return absl::StrCat(event, " sustains ", SustainedOf(event), "/week (weekly ",
                        absl::StrJoin(weekly, ", "), " ", WindowText(), ")");
  }
  // The weeks the learning budget is over: "over the last 3 weeks", or
  // "over its 2 weeks with spend of 2026-10-26..2026-11-09".
  std::string SpendWeeksText() const {
    const int weeks = budget.spend_weeks;
    if (weeks == window.weeks()) {
      return weeks == 1 ? absl::StrCat("in ", w.ToString())
                        : absl::StrCat("over the last ", weeks, " weeks");
    }
    return absl::StrCat(weeks == 1 ? "in" : "over", " its ", Plural(weeks, "week"),
                        " with spend of ", WindowRange());
  }
  std::string StabilityText() const {
    return absl::StrCat("weekly ", Series(stability_records, current), " over its last ",
                        Plural(static_cast<int64_t>(stability_records.size()), "week"),
                        " on rung vary with a CV of ", Decimal(cv));
  }
};

// Every rung of the ladder in its order, then the current event when it is
// not one: the events a recommendation reports figures for.
std::vector<std::string> ReportedEvents(const Facts& facts) {
  std::vector<std::string> events;
  if (facts.ladder != nullptr) events = facts.ladder->events;
  if (!facts.current.empty() &&
      std::find(events.begin(), events.end(), facts.current) == events.end()) {
    events.push_back(facts.current);
  }
  return events;
}

Facts Gather(const DecisionInput& input) {
  const AdSetHistory& history = *input.history;
  Facts facts(input);
  facts.record = FindWeek(history, facts.w);
  facts.ladder_name = LadderAt(history, facts.w);
  facts.ladder = input.ladders->Find(facts.ladder_name);
  facts.window = WindowAt(history, facts.w, facts.policy.consistency_weeks);
  facts.threshold = facts.policy.learning_threshold;
  if (facts.record == nullptr) return facts;
  facts.current = facts.record->optimization_event;
  if (facts.ladder != nullptr) facts.rung = facts.ladder->RungOf(facts.current);
  if (facts.record->learning_threshold_override.has_value()) {
    facts.threshold = *facts.record->learning_threshold_override;
  }
  facts.weeks_on_rung = WeeksOnRung(history, facts.w);
  const int stability_weeks = std::min(facts.weeks_on_rung, facts.policy.stabilization_max_weeks);
  std::vector<int64_t> counts;
  for (int back = stability_weeks - 1; back >= 0; --back) {
    const AdSetWeek* record = FindWeek(history, facts.w.Plus(-back));
    facts.stability_records.push_back(record);
    counts.push_back(record->CountOf(facts.current));
  }
  if (!counts.empty()) facts.cv = CoefficientOfVariation(counts);
  facts.budget = LearningBudgetOver(facts.window.records, ReportedEvents(facts), facts.threshold);
  return facts;
}

LearningStatus StatusOf(const Facts& facts) {
  const double count = static_cast<double>(facts.record->CountOf(facts.current));
  const double threshold = facts.threshold;
  if (!AtLeast(count, facts.policy.near_exit_fraction * threshold)) return LearningStatus::kStuck;
  if (count < threshold) return LearningStatus::kNearExit;
  if (!AtLeast(count, facts.policy.well_optimized_multiple * threshold)) {
    return LearningStatus::kExited;
  }
  return LearningStatus::kWellOptimized;
}

// --- The outcome of the rules ----------------------------------------------------

struct Outcome {
  Action action = Action::kInsufficientData;
  Reason reason;
  std::string target;
  std::optional<Week> next_review;
  std::optional<TestUpdate> test_update;
  bool missing_spend = false;
};

Outcome Act(Action action, std::string rule, std::string message, std::string target = "") {
  Outcome outcome;
  outcome.action = action;
  outcome.reason = Reason{std::move(rule), std::move(message)};
  outcome.target = std::move(target);
  return outcome;
}

// Rule 1.
Outcome NoRecord(const Facts& facts) {
  const AdSetHistory& history = *facts.input.history;
  const AdSetWeek* last = nullptr;
  for (const AdSetWeek& record : history) {
    if (record.week < facts.w) last = &record;
  }
  std::string message = absl::StrCat("no record for week ", facts.w.ToString(), "; ");
  if (last != nullptr) {
    absl::StrAppend(&message, "the last week with data is ", last->week.ToString());
  } else if (!history.empty()) {
    absl::StrAppend(&message, "the ad set has no data before ", history.front().week.ToString());
  } else {
    absl::StrAppend(&message, "the ad set has no data at all");
  }
  return Act(Action::kInsufficientData, "no_record", message);
}

// Rule 2.
Outcome NotARung(const Facts& facts) {
  if (facts.ladder == nullptr) {
    return Act(Action::kReviewSetup, "not_a_rung",
               absl::StrCat("the ad set names the ladder ", Quote(facts.ladder_name),
                            ", which this deployment does not define; review its setup"));
  }
  return Act(Action::kReviewSetup, "not_a_rung",
             absl::StrCat("the optimization event ", Quote(facts.current), " is not a rung of the ",
                          facts.ladder_name, " ladder (",
                          absl::StrJoin(facts.ladder->events, " < "), "); review the setup"));
}

// --- Rule 3: a climb test ----------------------------------------------------------

struct SideCost {
  double spend = 0;  // currency units
  int64_t macros = 0;
  double cost() const {
    return macros == 0 ? std::numeric_limits<double>::infinity()
                       : spend / static_cast<double>(macros);
  }
  std::string Text(const std::string& macro) const {
    if (macros == 0) return absl::StrCat("infinite (", Decimal(spend), " spent, no ", macro, ")");
    return absl::StrCat(Decimal(cost()), " (", Decimal(spend), " / ", macros, ")");
  }
};

// Sums one side over the test weeks, noting each week that lacks spend;
// `who` names the side in those notes ("original \"as_1\"").
SideCost CostOver(const AdSetHistory& history, Week start, Week w, const std::string& macro,
                  const std::string& who, std::vector<std::string>* gaps) {
  SideCost cost;
  for (Week week = start; week <= w; week = week.Next()) {
    const AdSetWeek* record = FindWeek(history, week);
    if (record == nullptr) {
      gaps->push_back(absl::StrCat(who, " has no record for ", week.ToString()));
    } else if (!record->spend_micros.has_value()) {
      gaps->push_back(absl::StrCat(who, " has no spend for ", week.ToString()));
    } else {
      cost.spend += static_cast<double>(*record->spend_micros) / 1e6;
      cost.macros += record->CountOf(macro);
    }
  }
  return cost;
}

Outcome JudgeClimbTest(const Facts& facts, const ClimbTestContext& context) {
  const ClimbTest& test = context.test;
  const Policy& policy = facts.policy;
  const int64_t weeks_run = facts.w.WeeksSince(test.start_week) + 1;
  const std::string name =
      absl::StrCat("climb test ", test.climb_test_id, " (", test.from_event, " → ", test.to_event,
                   ", started ", test.start_week.ToString(), ")");
  TestUpdate update;
  update.climb_test_id = test.climb_test_id;
  if (weeks_run < policy.climb_test_weeks) {
    const Week judge = test.start_week.Plus(policy.climb_test_weeks - 1);
    Outcome outcome = Act(
        Action::kContinueTest, "climb_test_running",
        absl::StrCat(name, " has run ", weeks_run, " of ", Plural(policy.climb_test_weeks, "week"),
                     ": keep both ad sets running; judge it at ", judge.ToString()));
    outcome.next_review = judge;
    outcome.test_update = update;
    return outcome;
  }
  // The macro conversion of the original's ladder, which the duplicate shares.
  const std::string& macro = facts.ladder->top();
  std::vector<std::string> gaps;
  const SideCost original =
      CostOver(context.original, test.start_week, facts.w, macro,
               absl::StrCat("original ", Quote(test.original_ad_set_id)), &gaps);
  const SideCost duplicate =
      CostOver(context.duplicate, test.start_week, facts.w, macro,
               absl::StrCat("duplicate ", Quote(test.duplicate_ad_set_id)), &gaps);
  if (!gaps.empty()) {
    Outcome outcome =
        Act(Action::kContinueTest, "climb_test_missing_spend",
            absl::StrCat(
                name, " is due but cannot be judged without spend: ", absl::StrJoin(gaps, "; ")));
    outcome.missing_spend = true;
    outcome.test_update = update;
    return outcome;
  }
  update.original_cost_per_macro = original.cost();
  update.duplicate_cost_per_macro = duplicate.cost();
  const double limit = original.cost() * (1 + policy.comparable_tolerance);
  const std::string figures =
      absl::StrCat("over ", test.start_week.ToString(), "..", facts.w.ToString(),
                   " the duplicate (", test.to_event, ") cost ", duplicate.Text(macro), " per ",
                   macro, ", the original (", test.from_event, ") ", original.Text(macro), "; ");
  if (AtMost(duplicate.cost(), limit)) {
    update.state = ClimbTestState::kPromoted;
    Outcome outcome =
        Act(Action::kPromoteDuplicate, "climb_test_promote",
            absl::StrCat(name, ": ", figures, Decimal(duplicate.cost()), " ≤ ",
                         Decimal(original.cost()), " × ", Decimal(1 + policy.comparable_tolerance),
                         " = ", Decimal(limit), ", so shift the budget to the duplicate on ",
                         test.to_event),
            test.to_event);
    outcome.test_update = update;
    return outcome;
  }
  // The original's own volume of the higher rung is what a retest must beat.
  const Window original_window = WindowAt(context.original, facts.w, policy.consistency_weeks);
  update.state = ClimbTestState::kKeptCurrent;
  update.retest_baseline = Sustained(original_window, test.to_event);
  Outcome outcome = Act(
      Action::kKeepCurrent, "climb_test_keep",
      absl::StrCat(name, ": ", figures, Decimal(duplicate.cost()), " > ", Decimal(original.cost()),
                   " × ", Decimal(1 + policy.comparable_tolerance), " = ", Decimal(limit),
                   ", so keep ", test.from_event, " and end the test; ", test.to_event,
                   "'s retest baseline is the original's ", *update.retest_baseline, "/week"));
  outcome.test_update = update;
  return outcome;
}

// --- Rule 4: still learning ----------------------------------------------------------

// What bringing c to T would take, against what the ad set spends: "AddToCart
// costs 3.10 each over the last 3 weeks; 50 a week would take about
// 155.00/week (a lower bound, ...), and the ad set spends 93.00/week".
std::string BudgetText(const Facts& facts) {
  const LearningBudget& budget = facts.budget;
  const std::string goal = absl::StrCat("the budget to bring ", facts.current,
                                        " to T = ", facts.threshold, " a week cannot be estimated");
  if (budget.spend_weeks == 0) {
    return absl::StrCat(goal, " without spend: no week of ", facts.WindowRange(), " reports any");
  }
  const std::string spends =
      absl::StrCat("the ad set spends ", MicrosText(*budget.weekly_spend_micros), "/week");
  const RungBudget& current = *budget.Find(facts.current);
  if (current.event_count == 0) {
    return absl::StrCat(facts.current, " counted none ", facts.SpendWeeksText(), ", so ", goal,
                        "; ", spends);
  }
  if (!current.weekly_budget_micros.has_value()) {
    return absl::StrCat(goal, ": it does not fit in 64 bits; ", spends);
  }
  return absl::StrCat(facts.current, " costs ", MicrosText(*current.cost_per_event_micros),
                      " each ", facts.SpendWeeksText(), "; ", facts.threshold,
                      " a week would take about ", MicrosText(*current.weekly_budget_micros),
                      "/week (a lower bound, since the cost per event rises with spend), and ",
                      spends);
}

// The highest rung below c with a known weekly budget below c's (any known
// one when c's is not, since c counted none): the most intent that costs
// less to bring to T than staying does.
const RungBudget* CheaperRungBelow(const Facts& facts) {
  const std::optional<int64_t> current = facts.budget.Find(facts.current)->weekly_budget_micros;
  for (int rung = *facts.rung - 1; rung >= 0; --rung) {
    const RungBudget* lower = facts.budget.Find(facts.ladder->events[static_cast<size_t>(rung)]);
    if (!lower->weekly_budget_micros.has_value()) continue;
    if (!current.has_value() || *lower->weekly_budget_micros < *current) return lower;
  }
  return nullptr;
}

std::string CheaperRungText(const Facts& facts) {
  const RungBudget* cheaper = CheaperRungBelow(facts);
  if (cheaper == nullptr) return "";
  return absl::StrCat("; of the rungs below, ", cheaper->event,
                      " is the highest that costs less to bring to T: ",
                      MicrosText(*cheaper->cost_per_event_micros), " each, about ",
                      MicrosText(*cheaper->weekly_budget_micros), "/week");
}

Outcome StillLearning(const Facts& facts) {
  const Policy& policy = facts.policy;
  const int64_t sustained = facts.SustainedCurrent();
  const std::string situation = facts.SustainText(facts.current);
  if (sustained >= policy.cutover_threshold) {
    return Act(
        Action::kHold, "near_exit_hold",
        absl::StrCat(situation, ": below T = ", facts.threshold, " but at least the cutover of ",
                     policy.cutover_threshold, ", so hold on ", facts.current,
                     "; its signal holds its own; ", BudgetText(facts)));
  }
  // From the rung just below down, so that the first to reach T is the highest.
  std::vector<std::string> below;
  for (int rung = *facts.rung - 1; rung >= 0; --rung) {
    const std::string& event = facts.ladder->events[static_cast<size_t>(rung)];
    const int64_t lower = facts.SustainedOf(event);
    if (lower >= facts.threshold) {
      return Act(
          Action::kMoveDown, "move_down",
          absl::StrCat(situation, ", below the cutover of ", policy.cutover_threshold,
                       "; the highest rung below it that reaches T = ", facts.threshold, " is ",
                       event, " at a sustained ", lower, "/week, so move down to ", event),
          event);
    }
    below.push_back(absl::StrCat(event, " ", lower));
  }
  return Act(Action::kConsolidate, "consolidate",
             absl::StrCat(situation, ", below the cutover of ", policy.cutover_threshold,
                          ", and no rung below it reaches T = ", facts.threshold,
                          below.empty() ? "" : absl::StrCat(" (", absl::StrJoin(below, ", "), ")"),
                          ": merge ad sets or raise the budget; ", BudgetText(facts),
                          CheaperRungText(facts)));
}

// --- Rule 5: exited learning --------------------------------------------------------

Outcome ConsiderClimb(const Facts& facts, const std::string& stable_text) {
  const Policy& policy = facts.policy;
  const std::string& next = facts.ladder->events[static_cast<size_t>(*facts.rung + 1)];
  const int64_t next_sustained = facts.SustainedOf(next);
  const std::string next_text = facts.SustainText(next);
  if (next_sustained < policy.cutover_threshold) {
    return Act(Action::kHold, "hold_next_rung_below_cutover",
               absl::StrCat(stable_text, "; but ", next_text, ", below the cutover of ",
                            policy.cutover_threshold, ", so hold on ", facts.current));
  }
  const std::optional<int64_t> baseline =
      facts.input.past_tests == nullptr
          ? std::nullopt
          : RetestBaseline(*facts.input.past_tests, facts.record->ad_set_id, next, facts.w);
  std::string retest;
  if (baseline.has_value()) {
    const double needed = static_cast<double>(*baseline) * (1 + policy.retest_growth);
    const std::string gate =
        absl::StrCat("its retest baseline ", *baseline, " × ", Decimal(1 + policy.retest_growth),
                     " = ", Decimal(needed));
    if (!AtLeast(static_cast<double>(next_sustained), needed)) {
      return Act(Action::kHold, "hold_retest_baseline",
                 absl::StrCat(stable_text, "; ", next_text,
                              " ≥ the cutover, but a climb test kept ", facts.current,
                              " before and ", next, " has not grown to ", gate, ", so hold"));
    }
    retest = absl::StrCat(" and ≥ ", gate);
  }
  return Act(
      Action::kDuplicateAndClimb, "climb",
      absl::StrCat(stable_text, "; ", next_text, " ≥ the cutover of ", policy.cutover_threshold,
                   retest, ": duplicate the ad set optimizing ", next,
                   " (one rung up) and run both for ", Plural(policy.climb_test_weeks, "week")),
      next);
}

Outcome Exited(const Facts& facts) {
  const Policy& policy = facts.policy;
  const std::string situation =
      absl::StrCat(facts.SustainText(facts.current), " ≥ T = ", facts.threshold);
  if (facts.weeks_on_rung < policy.stabilization_min_weeks) {
    const Week review = facts.w.Plus(policy.stabilization_min_weeks - facts.weeks_on_rung);
    Outcome outcome = Act(Action::kStabilize, "stabilize_min_weeks",
                          absl::StrCat(situation, ", but it has been the optimization event for ",
                                       Plural(facts.weeks_on_rung, "week"), ", fewer than the ",
                                       policy.stabilization_min_weeks,
                                       " needed to stabilize; review at ", review.ToString()));
    outcome.next_review = review;
    return outcome;
  }
  if (!facts.Stable()) {
    const std::string unstable = absl::StrCat(situation, ", but ", facts.StabilityText(), " > ",
                                              Decimal(policy.stability_max_cv));
    if (facts.weeks_on_rung < policy.stabilization_max_weeks) {
      return Act(Action::kStabilize, "stabilize_unstable",
                 absl::StrCat(unstable, "; let it stabilize for up to ",
                              Plural(policy.stabilization_max_weeks, "week")));
    }
    return Act(Action::kHold, "hold_unstable",
               absl::StrCat(unstable, " after ", Plural(facts.weeks_on_rung, "week"),
                            " on rung; hold and look into delivery before climbing"));
  }
  const std::string stable_text =
      absl::StrCat(situation, ", and is stable: ", facts.StabilityText(), " ≤ ",
                   Decimal(policy.stability_max_cv));
  if (*facts.rung + 1 == static_cast<int>(facts.ladder->events.size())) {
    return Act(Action::kAtTop, "at_top",
               absl::StrCat(stable_text, "; ", facts.current, " is the top rung of ",
                            facts.ladder_name, ", so stay"));
  }
  return ConsiderClimb(facts, stable_text);
}

Outcome ApplyRules(const Facts& facts) {
  if (facts.record == nullptr) return NoRecord(facts);
  if (!facts.rung.has_value()) return NotARung(facts);
  if (facts.input.climb_test != nullptr) return JudgeClimbTest(facts, *facts.input.climb_test);
  if (facts.SustainedCurrent() < facts.threshold) return StillLearning(facts);
  return Exited(facts);
}

// --- Flags ------------------------------------------------------------------------

std::string FlagRule(Flag flag) {
  return absl::StrCat("flag.", absl::AsciiStrToLower(AsAbsl(FlagName(flag))));
}

// Flags and their reasons, kept in the order of the Flag enum so that equal
// decisions list them equally.
class FlagSet {
 public:
  void Raise(Flag flag, std::string message) {
    raised_.emplace(flag, Reason{FlagRule(flag), std::move(message)});
  }
  std::set<Flag> flags() const {
    std::set<Flag> flags;
    for (const auto& [flag, reason] : raised_) flags.insert(flag);
    return flags;
  }
  std::vector<Reason> reasons() const {
    std::vector<Reason> reasons;
    for (const auto& [flag, reason] : raised_) reasons.push_back(reason);
    return reasons;
  }

 private:
  std::map<Flag, Reason> raised_;
};

void RaiseWindowFlags(const Facts& facts, FlagSet& flags) {
  const Window& window = facts.window;
  if (window.empty()) return;
  if (window.cut_short) {
    flags.Raise(Flag::kShortHistory,
                absl::StrCat("the window holds ", window.weeks(), " of ",
                             Plural(window.requested_weeks, "week"),
                             ": the ad set's first record is ", window.first.ToString()));
  }
  const std::vector<Week> missing = window.MissingWeeks();
  if (!missing.empty()) {
    flags.Raise(Flag::kDataGap,
                absl::StrCat("no record for ", WeekList(missing),
                             " in the window; left out of the sustained volumes, and a paused "
                             "week restarts learning"));
  }
}

void RaiseFunnelInversion(const Facts& facts, FlagSet& flags) {
  std::vector<std::string> inversions;
  const std::map<std::string, int64_t>& counts = facts.record->event_counts;
  const std::string* lower = nullptr;  // the nearest reported rung below
  for (const std::string& event : facts.ladder->events) {
    const auto it = counts.find(event);
    if (it == counts.end()) continue;
    if (lower != nullptr && it->second > counts.at(*lower)) {
      inversions.push_back(absl::StrCat(event, " (", it->second, ") counts more than ", *lower,
                                        " (", counts.at(*lower), ")"));
    }
    lower = &it->first;
  }
  if (inversions.empty()) return;
  flags.Raise(Flag::kFunnelInversion,
              absl::StrCat("in ", facts.w.ToString(), " ", absl::StrJoin(inversions, "; "),
                           ", the rung below: likely double counting, such as browser and "
                           "server events sent without deduplication"));
}

void RaiseCheckoutFriction(const Facts& facts, FlagSet& flags) {
  const Policy& policy = facts.policy;
  if (!facts.ladder->RungOf("AddToCart").has_value() ||
      !facts.ladder->RungOf("Purchase").has_value()) {
    return;
  }
  const int64_t carts = facts.record->CountOf("AddToCart");
  const int64_t purchases = facts.record->CountOf("Purchase");
  const double ratio =
      static_cast<double>(carts) / static_cast<double>(std::max<int64_t>(purchases, 1));
  if (carts < policy.friction_min_count || AtMost(ratio, policy.friction_ratio)) return;
  flags.Raise(Flag::kCheckoutFriction,
              absl::StrCat("in ", facts.w.ToString(), " AddToCart ", carts, " ≥ ",
                           policy.friction_min_count, " against Purchase ", purchases,
                           ": a ratio of ", Decimal(ratio), " > ", Decimal(policy.friction_ratio),
                           "; carts are not turning into purchases"));
}

void RaiseRecordFlags(const Facts& facts, FlagSet& flags) {
  const AdSetWeek& record = *facts.record;
  if (record.learning_threshold_override.has_value()) {
    flags.Raise(Flag::kThresholdOverridden,
                absl::StrCat("Meta's threshold for this ad set, ", facts.threshold,
                             " events/week, replaces the policy's ",
                             facts.policy.learning_threshold, " as T"));
  }
  if (record.reported_learning == ReportedLearning::kFail) {
    flags.Raise(Flag::kLearningLimitedReported,
                absl::StrCat("Meta reported FAIL (learning limited) for ", facts.w.ToString()));
  }
  if (facts.ladder == nullptr) return;
  RaiseFunnelInversion(facts, flags);
  RaiseCheckoutFriction(facts, flags);
}

void RaiseRungFlags(const Facts& facts, const Outcome& outcome, FlagSet& flags) {
  const Policy& policy = facts.policy;
  const int64_t sustained = facts.SustainedCurrent();
  if (sustained >= policy.cutover_threshold && sustained < facts.threshold) {
    flags.Raise(Flag::kNearExit,
                absl::StrCat(facts.current, " sustains ", sustained, "/week, within [cutover ",
                             policy.cutover_threshold, ", T ", facts.threshold, ")"));
  }
  if (sustained >= facts.threshold && facts.weeks_on_rung >= policy.stabilization_max_weeks &&
      !facts.Stable()) {
    flags.Raise(Flag::kUnstableDelivery,
                absl::StrCat("exited learning, but after ", Plural(facts.weeks_on_rung, "week"),
                             " on rung its ", facts.StabilityText(), " > ",
                             Decimal(policy.stability_max_cv)));
  }
  const std::string& lowest = facts.ladder->bottom();
  if (facts.current == lowest || outcome.target == lowest) {
    flags.Raise(Flag::kNoisySignal,
                absl::StrCat(lowest, " is the lowest rung of ", facts.ladder_name,
                             ": plenty of volume, weak intent"));
  }
}

FlagSet RaiseFlags(const Facts& facts, const Outcome& outcome) {
  FlagSet flags;
  RaiseWindowFlags(facts, flags);
  if (outcome.missing_spend) {
    flags.Raise(Flag::kMissingSpend,
                "the climb test cannot be judged until both sides report "
                "spend for every test week");
  }
  if (facts.record == nullptr) return flags;
  RaiseRecordFlags(facts, flags);
  if (facts.rung.has_value()) RaiseRungFlags(facts, outcome, flags);
  return flags;
}

// The budget's rungs are the reported events.
std::map<std::string, int64_t> SustainedCounts(const Facts& facts) {
  std::map<std::string, int64_t> sustained;
  if (!facts.window.HasRecord()) return sustained;
  for (const RungBudget& rung : facts.budget.rungs) {
    sustained[rung.event] = facts.SustainedOf(rung.event);
  }
  return sustained;
}

}  // namespace

LearningBudget LearningBudgetOver(const std::vector<const AdSetWeek*>& window,
                                  std::vector<std::string> events, int threshold) {
  auto is_spend_week = [](const AdSetWeek* record) {
    return record != nullptr && record->spend_micros.has_value();
  };
  LearningBudget budget;
  absl::int128 spend = 0;
  for (const AdSetWeek* record : window) {
    if (!is_spend_week(record)) continue;
    ++budget.spend_weeks;
    spend += *record->spend_micros;
  }
  if (budget.spend_weeks > 0) {
    budget.weekly_spend_micros = RoundedQuotient(spend, budget.spend_weeks);
  }
  budget.rungs.reserve(events.size());
  for (std::string& event : events) {
    absl::int128 count = 0;
    for (const AdSetWeek* record : window) {
      if (is_spend_week(record)) count += record->CountOf(event);
    }
    RungBudget& rung = budget.rungs.emplace_back();
    rung.event = std::move(event);
    rung.event_count = Fitting(count).value_or(std::numeric_limits<int64_t>::max());
    if (count == 0) continue;
    rung.cost_per_event_micros = RoundedQuotient(spend, count);
    rung.weekly_budget_micros = WeeklyBudgetAt(threshold, rung.cost_per_event_micros);
  }
  return budget;
}

Decision Decide(const DecisionInput& input) {
  const Facts facts = Gather(input);
  Outcome outcome = ApplyRules(facts);
  const FlagSet flags = RaiseFlags(facts, outcome);

  Decision decision;
  Recommendation& rec = decision.recommendation;
  if (!input.history->empty()) {
    rec.account_id = input.history->back().account_id;
    rec.ad_set_id = input.history->back().ad_set_id;
  }
  rec.as_of_week = facts.w;
  rec.ladder = facts.ladder_name;
  rec.action = outcome.action;
  rec.current_event = facts.current;
  rec.target_event = outcome.target;
  rec.flags = flags.flags();
  rec.reasons.push_back(std::move(outcome.reason));
  for (Reason& reason : flags.reasons()) rec.reasons.push_back(std::move(reason));
  rec.sustained_counts = SustainedCounts(facts);
  rec.weeks_on_rung = facts.weeks_on_rung;
  rec.next_review_week = outcome.next_review.value_or(facts.w.Next());
  if (input.climb_test != nullptr && facts.rung.has_value()) {
    rec.climb_test_id = input.climb_test->test.climb_test_id;
  }
  if (facts.record != nullptr) {
    rec.account_id = facts.record->account_id;
    rec.latest_counts = facts.record->event_counts;
    rec.learning_status = StatusOf(facts);
    rec.learning_threshold = facts.threshold;
    rec.learning_budget = facts.budget;
  }
  decision.test_update = std::move(outcome.test_update);
  return decision;
}

}  // namespace rung
