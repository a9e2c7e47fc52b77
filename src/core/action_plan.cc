#include "rung/action_plan.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/text.h"
#include "rung/events.h"

namespace rung {
namespace {

// The fields of O that a new ad set copies, and those the pre-flight check
// reads (acting-on-meta.md, step 1).
constexpr char kOriginalFields[] =
    "name,campaign_id,effective_status,targeting,billing_event,optimization_goal,bid_strategy,"
    "bid_amount,daily_budget,lifetime_budget,end_time,promoted_object,attribution_spec,"
    "destination_type,pacing_type";
// Not the budgets: a new ad set gets a share of O's daily budget, and none
// under a campaign budget.
constexpr const char* kCopiedSettings[] = {"campaign_id",      "targeting",        "billing_event",
                                           "bid_strategy",     "bid_amount",       "end_time",
                                           "attribution_spec", "destination_type", "pacing_type"};
constexpr char kPreflight[] = "pre-flight: O is ACTIVE and optimizes for ";

// Meta's path of an ad account: its id with the "act_" prefix.
std::string AccountPath(std::string_view account_id) {
  return absl::StartsWith(AsAbsl(account_id), "act_") ? std::string(account_id)
                                                      : absl::StrCat("act_", AsAbsl(account_id));
}

std::string Placeholder(std::string_view object, std::string_view field) {
  return absl::StrCat("{", AsAbsl(object), ".", AsAbsl(field), "}");
}

PlannedStep Step(std::string method, std::string path, std::string purpose,
                 std::vector<std::pair<std::string, std::string>> params = {},
                 std::string condition = "") {
  return PlannedStep{std::move(method), std::move(path), std::move(params), std::move(purpose),
                     std::move(condition)};
}

PlannedStep SetStatus(std::string_view ad_set, std::string_view status, std::string purpose) {
  return Step("POST", std::string(ad_set), std::move(purpose), {{"status", std::string(status)}});
}

// O's promoted_object with `event` in place of its own, as Meta reads it.
std::string PromotedObjectFor(std::string_view event) {
  const MetaOptimization optimization = MetaOptimizationOf(event);
  const std::string base = Placeholder("O", "promoted_object");
  if (!optimization.custom_conversion_id.empty()) {
    return absl::StrCat(base, " with custom_conversion_id=", optimization.custom_conversion_id);
  }
  if (!optimization.custom_event_str.empty()) {
    return absl::StrCat(
        base, " with custom_event_type=OTHER, custom_event_str=", optimization.custom_event_str);
  }
  if (optimization.custom_event_type.empty()) return absl::StrCat(base, " without its event");
  return absl::StrCat(base, " with custom_event_type=", optimization.custom_event_type);
}

// Steps 1-4 of DUPLICATE_AND_CLIMB: read O and its ads, create D for
// `event` and fill it with copies of O's active ads, then start it.
std::vector<PlannedStep> DuplicateSteps(const ActionPlan& plan, const PlanSettings& settings) {
  std::vector<std::pair<std::string, std::string>> create = {
      {"name",
       absl::StrCat(Placeholder("O", "name"), DuplicateNameSuffix(plan.target_event, plan.key))}};
  for (const char* field : kCopiedSettings) create.emplace_back(field, Placeholder("O", field));
  create.emplace_back("optimization_goal", MetaOptimizationOf(plan.target_event).optimization_goal);
  create.emplace_back("promoted_object", PromotedObjectFor(plan.target_event));
  create.emplace_back("daily_budget",
                      absl::StrFormat("%s × %g (none under a campaign budget)",
                                      Placeholder("O", "daily_budget"), settings.budget_share));
  create.emplace_back("status", "PAUSED");
  return {
      Step("GET", plan.ad_set_id, absl::StrCat("read O; ", kPreflight, plan.current_event),
           {{"fields", kOriginalFields}}),
      Step("GET", absl::StrCat(plan.ad_set_id, "/ads"), "read O's ads",
           {{"fields", "id,name,effective_status"}}),
      Step("POST", absl::StrCat(AccountPath(plan.account_id), "/adsets"),
           "create the duplicate D, paused", std::move(create),
           "unless an ad set of O's campaign already has this name: then that is D"),
      Step("POST", "{ad}/copies", "copy an ad of O into D",
           {{"adset_id", "{D}"}, {"status_option", "ACTIVE"}},
           "for each active ad of O not copied into D yet"),
      SetStatus("{D}", "ACTIVE", "start D"),
  };
}

void PlanClimb(const PlanSettings& settings, ActionPlan& plan) {
  plan.summary = absl::StrCat("duplicate ", plan.ad_set_id, " to climb from ", plan.current_event,
                              " to ", plan.target_event, " and test both for 2 weeks");
  plan.steps = DuplicateSteps(plan, settings);
  plan.steps.push_back(Step("RUNGD", "StartClimbTest", "record the test",
                            {{"original_ad_set_id", plan.ad_set_id},
                             {"duplicate_ad_set_id", "{D}"},
                             {"from_event", plan.current_event},
                             {"to_event", plan.target_event},
                             {"start_week", settings.start_week.ToString()}}));
}

void PlanMoveDown(const PlanSettings& settings, ActionPlan& plan) {
  plan.summary = absl::StrCat("move ", plan.ad_set_id, " down from ", plan.current_event, " to ",
                              plan.target_event, " in a new ad set, and pause the original");
  plan.steps = DuplicateSteps(plan, settings);
  plan.steps.push_back(SetStatus(plan.ad_set_id, "PAUSED", "pause O: a switch, not a test"));
}

void PlanPromote(ActionPlan& plan) {
  plan.summary =
      absl::StrCat("promote duplicate ", plan.duplicate_ad_set_id, " (it optimizes for ",
                   plan.target_event, "): move the budget to it and pause ", plan.ad_set_id);
  plan.steps = {
      Step("GET", plan.ad_set_id, "read O's budget and state",
           {{"fields", "effective_status,daily_budget"}}),
      Step("GET", plan.duplicate_ad_set_id, "read D's budget and state",
           {{"fields", "effective_status,daily_budget"}}),
      Step("POST", plan.duplicate_ad_set_id, "move O's budget to D",
           {{"daily_budget", absl::StrCat(Placeholder("D", "daily_budget"), " + ",
                                          Placeholder("O", "daily_budget"))}},
           "only with ad set budgets; under a campaign budget nothing moves"),
      SetStatus(plan.ad_set_id, "PAUSED", "pause O"),
  };
}

void PlanKeep(ActionPlan& plan) {
  plan.summary = absl::StrCat("keep ", plan.ad_set_id, " on ", plan.current_event,
                              ": pause the duplicate ", plan.duplicate_ad_set_id);
  plan.steps = {
      Step("GET", plan.duplicate_ad_set_id, "read D's state", {{"fields", "effective_status"}}),
      SetStatus(plan.duplicate_ad_set_id, "PAUSED", "pause D"),
  };
}

// PROMOTE_DUPLICATE and KEEP_CURRENT belong to the test: O is its
// original whichever of the two ad sets the advice is about.
bool TakeTest(const Recommendation& recommendation, const ClimbTest* test, ActionPlan& plan) {
  if (test == nullptr) {
    plan.summary = absl::StrCat("climb test ", Quote(recommendation.climb_test_id),
                                " is not stored: nothing to do on Meta");
    return false;
  }
  plan.ad_set_id = test->original_ad_set_id;
  plan.duplicate_ad_set_id = test->duplicate_ad_set_id;
  plan.current_event = test->from_event;
  plan.target_event = test->to_event;
  return true;
}

}  // namespace

bool ActsOnMeta(Action action) {
  switch (action) {
    case Action::kDuplicateAndClimb:
    case Action::kMoveDown:
    case Action::kPromoteDuplicate:
    case Action::kKeepCurrent: return true;
    default: return false;
  }
}

std::string ActionKey(std::string_view ad_set_id, Week as_of_week, Action action) {
  return absl::StrCat(AsAbsl(ad_set_id), "@", as_of_week.ToString(), "@",
                      AsAbsl(ActionName(action)));
}

std::string DuplicateNameSuffix(std::string_view target_event, std::string_view key) {
  return absl::StrCat(" · rung ", AsAbsl(target_event), " · rung-advisor ", AsAbsl(key));
}

ActionPlan PlanAction(const Recommendation& recommendation, const ClimbTest* test,
                      const PlanSettings& settings) {
  ActionPlan plan;
  plan.account_id = recommendation.account_id;
  plan.ad_set_id = recommendation.ad_set_id;
  plan.as_of_week = recommendation.as_of_week;
  plan.action = recommendation.action;
  plan.current_event = recommendation.current_event;
  plan.target_event = recommendation.target_event;
  const bool test_action = recommendation.action == Action::kPromoteDuplicate ||
                           recommendation.action == Action::kKeepCurrent;
  const bool acts = !test_action || TakeTest(recommendation, test, plan);
  plan.key = ActionKey(plan.ad_set_id, plan.as_of_week, plan.action);
  if (!acts) return plan;
  switch (recommendation.action) {
    case Action::kDuplicateAndClimb: PlanClimb(settings, plan); break;
    case Action::kMoveDown: PlanMoveDown(settings, plan); break;
    case Action::kPromoteDuplicate: PlanPromote(plan); break;
    case Action::kKeepCurrent: PlanKeep(plan); break;
    default: plan.summary = "nothing to do on Meta"; break;
  }
  return plan;
}

}  // namespace rung
