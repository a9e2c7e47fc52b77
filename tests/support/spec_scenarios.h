#ifndef RUNG_TESTS_SUPPORT_SPEC_SCENARIOS_H_
#define RUNG_TESTS_SUPPORT_SPEC_SCENARIOS_H_

// The worked scenarios of the ladder policy (spec scenarios 1-6, 9 and 10;
// 7 and 8 are climb tests and live with the lifecycle tests), in a form free
// of any layer's types, so that the core and the end-to-end tests check the
// same table.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace rung::test_support {

struct ScenarioWeek {
  std::string event;
  std::map<std::string, int64_t> counts;
};

struct SpecScenario {
  int number;
  // Oldest first; the last is the as-of week.
  std::vector<ScenarioWeek> weeks;
  std::string action;  // "" when the spec names only flags
  std::string target;
  std::string learning_status;  // "" when the spec does not say
  std::vector<std::string> flags;
  std::vector<std::string> absent_flags;
};

inline std::vector<SpecScenario> SpecScenarios() {
  const std::map<std::string, int64_t> stuck = {{"Purchase", 12},
                                                {"InitiateCheckout", 28},
                                                {"AddToCart", 85},
                                                {"ViewContent", 340},
                                                {"PageView", 1500}};
  const std::map<std::string, int64_t> strong_view = {
      {"ViewContent", 340}, {"AddToCart", 85}, {"InitiateCheckout", 60}, {"Purchase", 55}};
  const std::map<std::string, int64_t> small = {{"Purchase", 8},
                                                {"InitiateCheckout", 15},
                                                {"AddToCart", 30},
                                                {"ViewContent", 45},
                                                {"PageView", 48}};
  return {
      {1,
       {{"Purchase", stuck}, {"Purchase", stuck}, {"Purchase", stuck}},
       "MOVE_DOWN",
       "AddToCart",
       "STUCK",
       {},
       {"CHECKOUT_FRICTION"}},
      {2,
       {{"AddToCart", {{"AddToCart", 85}, {"InitiateCheckout", 40}}},
        {"AddToCart", {{"AddToCart", 88}, {"InitiateCheckout", 41}}},
        {"AddToCart", {{"AddToCart", 84}, {"InitiateCheckout", 39}}}},
       "DUPLICATE_AND_CLIMB",
       "InitiateCheckout",
       "EXITED",
       {},
       {}},
      {3,
       {{"ViewContent", {{"ViewContent", 340}, {"AddToCart", 85}}},
        {"ViewContent", {{"ViewContent", 340}, {"AddToCart", 85}}},
        {"AddToCart", {{"ViewContent", 340}, {"AddToCart", 85}}}},
       "STABILIZE",
       "",
       "EXITED",
       {},
       {}},
      {4,
       {{"ViewContent", strong_view}, {"ViewContent", strong_view}, {"ViewContent", strong_view}},
       "DUPLICATE_AND_CLIMB",
       "AddToCart",
       "WELL_OPTIMIZED",
       {},
       {"NOISY_SIGNAL"}},
      {5,
       {{"Purchase", {{"Purchase", 40}}},
        {"Purchase", {{"Purchase", 42}}},
        {"Purchase", {{"Purchase", 41}}}},
       "HOLD",
       "",
       "NEAR_EXIT",
       {"NEAR_EXIT"},
       {}},
      {6,
       {{"AddToCart", {{"AddToCart", 250}, {"Purchase", 20}}},
        {"AddToCart", {{"AddToCart", 250}, {"Purchase", 20}}},
        {"AddToCart", {{"AddToCart", 250}, {"Purchase", 20}}}},
       "",
       "",
       "WELL_OPTIMIZED",
       {"CHECKOUT_FRICTION"},
       {}},
      {9,
       {{"Purchase", {{"Purchase", 60}, {"AddToCart", 45}}},
        {"Purchase", {{"Purchase", 60}, {"AddToCart", 45}}},
        {"Purchase", {{"Purchase", 60}, {"AddToCart", 45}}}},
       "",
       "",
       "EXITED",
       {"FUNNEL_INVERSION"},
       {}},
      {10,
       {{"Purchase", small},
        {"Purchase",
         {{"Purchase", 9},
          {"InitiateCheckout", 16},
          {"AddToCart", 31},
          {"ViewContent", 44},
          {"PageView", 49}}},
        {"Purchase",
         {{"Purchase", 7},
          {"InitiateCheckout", 14},
          {"AddToCart", 29},
          {"ViewContent", 46},
          {"PageView", 47}}}},
       "CONSOLIDATE",
       "",
       "STUCK",
       {},
       {"NEAR_EXIT"}},
  };
}

}  // namespace rung::test_support

#endif  // RUNG_TESTS_SUPPORT_SPEC_SCENARIOS_H_
