#include "rung/policy.h"

#include <cmath>
#include <cstdlib>
#include <functional>
#include <limits>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rung/ladder.h"
#include "support/policy_changes.h"

namespace rung {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// The ladder policy's defaults (spec/ladder-policy.md).
TEST(PolicyTest, DefaultsAreTheSpecs) {
  const Policy p;
  EXPECT_EQ(p.learning_threshold, 50);
  EXPECT_EQ(p.near_exit_fraction, 0.5);
  EXPECT_EQ(p.well_optimized_multiple, 4);
  EXPECT_EQ(p.consistency_weeks, 3);
  EXPECT_EQ(p.cutover_threshold, 30);
  EXPECT_EQ(p.stabilization_min_weeks, 2);
  EXPECT_EQ(p.stabilization_max_weeks, 3);
  EXPECT_EQ(p.stability_max_cv, 0.25);
  EXPECT_EQ(p.climb_test_weeks, 2);
  EXPECT_EQ(p.comparable_tolerance, 0.10);
  EXPECT_EQ(p.retest_growth, 0.20);
  EXPECT_EQ(p.friction_min_count, 20);
  EXPECT_EQ(p.friction_ratio, 10);
  EXPECT_TRUE(ValidatePolicy(p, "policy").ok()) << ValidatePolicy(p, "policy");
}

using test_support::PolicyChange;
using test_support::PolicyChanges;

TEST(PolicyTest, EqualityComparesEveryField) {
  EXPECT_EQ(Policy(), Policy());
  for (const PolicyChange& change : PolicyChanges()) {
    EXPECT_NE(change.policy, Policy()) << change.field;
    EXPECT_FALSE(change.policy == Policy()) << change.field;
  }
}

TEST(ApplyOverridesTest, NoOverridesChangeNothing) {
  Policy base;
  base.cutover_threshold = 35;
  EXPECT_EQ(ApplyOverrides(base, PolicyOverrides()), base);
}

TEST(ApplyOverridesTest, OnlyPresentValuesApply) {
  for (const PolicyChange& change : PolicyChanges()) {
    EXPECT_EQ(ApplyOverrides(Policy(), change.overrides), change.policy) << change.field;
  }
}

TEST(ApplyOverridesTest, OverridesStackOnANonDefaultBase) {
  Policy base;
  base.learning_threshold = 70;
  base.friction_ratio = 8;
  PolicyOverrides overrides;
  overrides.friction_ratio = 15;
  overrides.consistency_weeks = 2;
  Policy expected = base;
  expected.friction_ratio = 15;
  expected.consistency_weeks = 2;
  EXPECT_EQ(ApplyOverrides(base, overrides), expected);
}

// Values the rules cannot work with; the error names the field.
struct BadValue {
  std::string test_name;
  std::string field;
  std::function<void(Policy&)> apply;
};

// Failure messages name the case, not its bytes.
void PrintTo(const BadValue& c, std::ostream* os) { *os << c.test_name; }

class ValidatePolicyTest : public testing::TestWithParam<BadValue> {};

TEST_P(ValidatePolicyTest, NamesTheField) {
  Policy policy;
  GetParam().apply(policy);
  const absl::Status status = ValidatePolicy(policy, "policy");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(std::string(status.message()), StartsWith("policy."));
  EXPECT_THAT(std::string(status.message()), HasSubstr("policy." + GetParam().field)) << status;
}

TEST_P(ValidatePolicyTest, UsesThePrefix) {
  Policy policy;
  GetParam().apply(policy);
  const absl::Status status = ValidatePolicy(policy, "accounts[act_7]");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("accounts[act_7]." + GetParam().field))
      << status;
}

std::string TestName(const testing::TestParamInfo<BadValue>& info) { return info.param.test_name; }

const double kNaN = std::numeric_limits<double>::quiet_NaN();

INSTANTIATE_TEST_SUITE_P(
    Fields, ValidatePolicyTest,
    testing::Values(
        BadValue{"ZeroLearningThreshold", "learning_threshold",
                 [](Policy& p) { p.learning_threshold = 0; }},
        BadValue{"NegativeLearningThreshold", "learning_threshold",
                 [](Policy& p) { p.learning_threshold = -5; }},
        BadValue{"NegativeNearExitFraction", "near_exit_fraction",
                 [](Policy& p) { p.near_exit_fraction = -0.1; }},
        BadValue{"NanNearExitFraction", "near_exit_fraction",
                 [](Policy& p) { p.near_exit_fraction = kNaN; }},
        BadValue{"NegativeWellOptimizedMultiple", "well_optimized_multiple",
                 [](Policy& p) { p.well_optimized_multiple = -1; }},
        BadValue{"ZeroConsistencyWeeks", "consistency_weeks",
                 [](Policy& p) { p.consistency_weeks = 0; }},
        BadValue{"NegativeCutover", "cutover_threshold",
                 [](Policy& p) { p.cutover_threshold = -1; }},
        BadValue{"ZeroStabilizationMinWeeks", "stabilization_min_weeks",
                 [](Policy& p) { p.stabilization_min_weeks = 0; }},
        BadValue{"MaxBelowMin", "stabilization_max_weeks",
                 [](Policy& p) {
                   p.stabilization_min_weeks = 3;
                   p.stabilization_max_weeks = 2;
                 }},
        BadValue{"NegativeCv", "stability_max_cv", [](Policy& p) { p.stability_max_cv = -0.1; }},
        BadValue{"NanCv", "stability_max_cv", [](Policy& p) { p.stability_max_cv = kNaN; }},
        BadValue{"ZeroClimbTestWeeks", "climb_test_weeks",
                 [](Policy& p) { p.climb_test_weeks = 0; }},
        BadValue{"NegativeTolerance", "comparable_tolerance",
                 [](Policy& p) { p.comparable_tolerance = -0.01; }},
        BadValue{"NanTolerance", "comparable_tolerance",
                 [](Policy& p) { p.comparable_tolerance = kNaN; }},
        BadValue{"NegativeRetestGrowth", "retest_growth",
                 [](Policy& p) { p.retest_growth = -0.01; }},
        BadValue{"NegativeFrictionMinCount", "friction_min_count",
                 [](Policy& p) { p.friction_min_count = -1; }},
        BadValue{"NegativeFrictionRatio", "friction_ratio",
                 [](Policy& p) { p.friction_ratio = -1; }},
        BadValue{"NanFrictionRatio", "friction_ratio", [](Policy& p) { p.friction_ratio = kNaN; }}),
    TestName);

TEST(ValidatePolicyBoundTest, NamesTheFieldThatBoundsIt) {
  Policy policy;
  policy.cutover_threshold = 60;
  EXPECT_EQ(ValidatePolicy(policy, "policy").message(),
            "policy.cutover_threshold: must be at most learning_threshold (50), got 60");
}

TEST(ValidatePolicyValidTest, AcceptsEveryValidChange) {
  for (const PolicyChange& change : PolicyChanges()) {
    EXPECT_TRUE(ValidatePolicy(change.policy, "policy").ok()) << change.field;
  }
  Policy zero_tolerances;
  zero_tolerances.comparable_tolerance = 0;
  zero_tolerances.retest_growth = 0;
  EXPECT_TRUE(ValidatePolicy(zero_tolerances, "policy").ok());
  Policy equal_weeks;
  equal_weeks.stabilization_min_weeks = 3;
  equal_weeks.stabilization_max_weeks = 3;
  EXPECT_TRUE(ValidatePolicy(equal_weeks, "policy").ok());
}

// ---------------------------------------------------------------------------
// PolicyBook and versions.

absl::StatusOr<PolicyBook> Book(Policy deployment = Policy(),
                                std::map<std::string, PolicyOverrides> accounts = {},
                                LadderRegistry ladders = LadderRegistry::BuiltIn()) {
  return PolicyBook::Create(deployment, std::move(accounts), std::move(ladders));
}

bool IsLowerHex(const std::string& text) {
  return !text.empty() && text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

TEST(PolicyBookTest, DeploymentPolicyAndVersion) {
  const absl::StatusOr<PolicyBook> book = Book();
  ASSERT_TRUE(book.ok()) << book.status();
  const EffectivePolicy effective = book->For("");
  EXPECT_EQ(effective.account_id, "");
  EXPECT_EQ(effective.policy, Policy());
  EXPECT_TRUE(IsLowerHex(effective.version)) << effective.version;
  EXPECT_GE(effective.version.size(), 16u);
  EXPECT_LE(effective.version.size(), 64u);
  EXPECT_NE(book->ladders().Find("ecommerce"), nullptr);
  EXPECT_NE(book->ladders().Find("subscription"), nullptr);
}

// Stored recommendations carry versions hashed from this text: a change to
// it, even in spacing or order, orphans every one of them.
TEST(PolicyBookTest, DefaultVersionIsPinned) {
  EXPECT_EQ(CanonicalPolicyText(Policy(), LadderRegistry::BuiltIn()),
            "learning_threshold=50\n"
            "near_exit_fraction=0.5\n"
            "well_optimized_multiple=4\n"
            "consistency_weeks=3\n"
            "cutover_threshold=30\n"
            "stabilization_min_weeks=2\n"
            "stabilization_max_weeks=3\n"
            "stability_max_cv=0.25\n"
            "climb_test_weeks=2\n"
            "comparable_tolerance=0.10000000000000001\n"
            "retest_growth=0.20000000000000001\n"
            "friction_min_count=20\n"
            "friction_ratio=10\n"
            "default_ladder=ecommerce\n"
            "ladder ecommerce=PageView,ViewContent,AddToCart,InitiateCheckout,Purchase\n"
            "ladder lead_generation=PageView,ViewContent,form_start,Lead\n"
            "ladder subscription=PageView,ViewContent,CompleteRegistration,StartTrial,Subscribe\n");
  const absl::StatusOr<PolicyBook> book = Book();
  ASSERT_TRUE(book.ok()) << book.status();
  EXPECT_EQ(book->For("").version, "60744c1bade079f1");
}

TEST(PolicyBookTest, VersionIsStable) {
  const absl::StatusOr<PolicyBook> a = Book();
  const absl::StatusOr<PolicyBook> b = Book();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->For("").version, a->For("").version);
  EXPECT_EQ(a->For("").version, b->For("").version);
  EXPECT_EQ(a->For("act_1").version, b->For("act_2").version);
}

TEST(PolicyBookTest, AccountWithoutOverridesGetsTheDeployments) {
  Policy deployment;
  deployment.cutover_threshold = 35;
  const absl::StatusOr<PolicyBook> book = Book(deployment, {{"act_1", PolicyOverrides()}});
  ASSERT_TRUE(book.ok()) << book.status();
  const EffectivePolicy other = book->For("act_2");
  EXPECT_EQ(other.account_id, "act_2");
  EXPECT_EQ(other.policy, deployment);
  EXPECT_EQ(other.version, book->For("").version);
}

TEST(PolicyBookTest, AccountOverridesApplyOnTopOfTheDeployment) {
  Policy deployment;
  deployment.learning_threshold = 70;
  deployment.cutover_threshold = 35;
  PolicyOverrides overrides;
  overrides.cutover_threshold = 40;
  const absl::StatusOr<PolicyBook> book = Book(deployment, {{"act_1", overrides}});
  ASSERT_TRUE(book.ok()) << book.status();
  const EffectivePolicy account = book->For("act_1");
  EXPECT_EQ(account.account_id, "act_1");
  EXPECT_EQ(account.policy.learning_threshold, 70);
  EXPECT_EQ(account.policy.cutover_threshold, 40);
  EXPECT_NE(account.version, book->For("").version);
  EXPECT_TRUE(IsLowerHex(account.version));
  // The deployment's own is untouched.
  EXPECT_EQ(book->For("").policy, deployment);
}

TEST(PolicyBookTest, SameValuesGiveTheSameVersion) {
  // An account override equal to the deployment's value changes nothing.
  PolicyOverrides same;
  same.learning_threshold = 50;
  const absl::StatusOr<PolicyBook> book = Book(Policy(), {{"act_1", same}});
  ASSERT_TRUE(book.ok()) << book.status();
  EXPECT_EQ(book->For("act_1").version, book->For("").version);

  // A deployment set to what an account overrides to gives that version.
  PolicyOverrides raise;
  raise.learning_threshold = 60;
  Policy sixty;
  sixty.learning_threshold = 60;
  const absl::StatusOr<PolicyBook> overridden = Book(Policy(), {{"act_1", raise}});
  const absl::StatusOr<PolicyBook> deployed = Book(sixty);
  ASSERT_TRUE(overridden.ok() && deployed.ok());
  EXPECT_EQ(overridden->For("act_1").version, deployed->For("").version);
}

TEST(PolicyBookTest, EverySingleValueChangesTheVersion) {
  const absl::StatusOr<PolicyBook> base = Book();
  ASSERT_TRUE(base.ok());
  std::set<std::string> versions = {base->For("").version};
  for (const PolicyChange& change : PolicyChanges()) {
    const absl::StatusOr<PolicyBook> book = Book(change.policy);
    ASSERT_TRUE(book.ok()) << change.field << ": " << book.status();
    EXPECT_NE(book->For("").version, base->For("").version) << change.field;
    versions.insert(book->For("").version);

    // The same change as an account override.
    const absl::StatusOr<PolicyBook> with_account = Book(Policy(), {{"act_1", change.overrides}});
    ASSERT_TRUE(with_account.ok()) << change.field << ": " << with_account.status();
    EXPECT_EQ(with_account->For("act_1").version, book->For("").version) << change.field;
  }
  EXPECT_EQ(versions.size(), PolicyChanges().size() + 1);
}

TEST(PolicyBookTest, TinyDoubleChangesTheVersion) {
  Policy nudged;
  nudged.comparable_tolerance = std::nextafter(0.1, 1.0);
  const absl::StatusOr<PolicyBook> a = Book();
  const absl::StatusOr<PolicyBook> b = Book(nudged);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->For("").version, b->For("").version);
}

TEST(PolicyBookTest, LaddersChangeTheVersion) {
  LadderRegistry more = LadderRegistry::BuiltIn();
  ASSERT_TRUE(more.Add(Ladder{"b2b", {"form_start", "Lead", "Contact"}}).ok());
  LadderRegistry other = LadderRegistry::BuiltIn();
  ASSERT_TRUE(other.Add(Ladder{"b2b", {"form_start", "Contact", "Lead"}}).ok());
  const absl::StatusOr<PolicyBook> base = Book();
  const absl::StatusOr<PolicyBook> with_b2b = Book(Policy(), {}, more);
  const absl::StatusOr<PolicyBook> with_other_order = Book(Policy(), {}, other);
  ASSERT_TRUE(base.ok() && with_b2b.ok() && with_other_order.ok());
  EXPECT_NE(with_b2b->For("").version, base->For("").version);
  EXPECT_NE(with_b2b->For("").version, with_other_order->For("").version);
  EXPECT_NE(with_b2b->ladders().Find("b2b"), nullptr);
}

TEST(PolicyBookTest, InvalidDeploymentIsRefused) {
  Policy bad;
  bad.learning_threshold = 0;
  const absl::StatusOr<PolicyBook> book = Book(bad);
  EXPECT_EQ(book.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(book.status().message()), HasSubstr("learning_threshold"));
}

TEST(PolicyBookTest, InvalidAccountIsRefusedByName) {
  PolicyOverrides fine;
  fine.cutover_threshold = 20;
  PolicyOverrides bad;
  bad.cutover_threshold = -3;
  const absl::StatusOr<PolicyBook> book = Book(Policy(), {{"act_0", fine}, {"act_1", bad}});
  EXPECT_EQ(book.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(book.status().message()),
              StartsWith("accounts[act_1].cutover_threshold: "));
}

// Each override may be valid alone yet not on top of the deployment.
TEST(PolicyBookTest, AccountIsValidatedAsAWhole) {
  Policy deployment;
  deployment.stabilization_min_weeks = 3;
  deployment.stabilization_max_weeks = 4;
  PolicyOverrides overrides;
  overrides.stabilization_max_weeks = 2;
  const absl::StatusOr<PolicyBook> book = Book(deployment, {{"act_9", overrides}});
  EXPECT_EQ(book.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(book.status().message()), HasSubstr("accounts[act_9]"));
  EXPECT_THAT(std::string(book.status().message()), HasSubstr("stabilization_m"));
}

// ---------------------------------------------------------------------------
// Canonical text.

std::map<std::string, std::string> ValueLines(const std::string& text) {
  std::map<std::string, std::string> values;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    const size_t eq = line.find('=');
    if (eq == absl::string_view::npos) continue;
    values[std::string(line.substr(0, eq))] = std::string(line.substr(eq + 1));
  }
  return values;
}

TEST(CanonicalPolicyTextTest, EveryValueAndEveryLadder) {
  const std::string text = CanonicalPolicyText(Policy(), LadderRegistry::BuiltIn());
  const std::map<std::string, std::string> values = ValueLines(text);
  const std::map<std::string, double> expected = {
      {"learning_threshold", 50},     {"near_exit_fraction", 0.5}, {"well_optimized_multiple", 4},
      {"consistency_weeks", 3},       {"cutover_threshold", 30},   {"stabilization_min_weeks", 2},
      {"stabilization_max_weeks", 3}, {"stability_max_cv", 0.25},  {"climb_test_weeks", 2},
      {"comparable_tolerance", 0.1},  {"retest_growth", 0.2},      {"friction_min_count", 20},
      {"friction_ratio", 10}};
  for (const auto& [name, value] : expected) {
    const auto it = values.find(name);
    ASSERT_NE(it, values.end()) << name << " missing from\n" << text;
    EXPECT_EQ(std::strtod(it->second.c_str(), nullptr), value) << name << "=" << it->second;
  }
  EXPECT_EQ(values.at("learning_threshold"), "50");
  // The ladders, each with its rungs in order.
  for (const char* ladder : {"ecommerce", "lead_generation", "subscription"}) {
    EXPECT_THAT(text, HasSubstr(ladder));
  }
  // One line per ladder, after the values.
  const std::vector<std::string> lines = absl::StrSplit(text, '\n', absl::SkipEmpty());
  std::string ecommerce_line;
  int ladder_lines = 0;
  for (const std::string& line : lines) {
    if (absl::StrContains(line, "PageView")) ++ladder_lines;
    if (absl::StrContains(line, "ecommerce") && absl::StrContains(line, "Purchase")) {
      ecommerce_line = line;
    }
  }
  EXPECT_EQ(ladder_lines, 3) << text;
  EXPECT_GE(lines.size(), 13u + 3u) << text;
  // The values come first.
  for (const char* name : {"learning_threshold=", "friction_ratio=", "comparable_tolerance="}) {
    EXPECT_LT(text.find(name), text.find("PageView")) << name;
  }
  size_t last = 0;
  for (const char* rung :
       {"PageView", "ViewContent", "AddToCart", "InitiateCheckout", "Purchase"}) {
    const size_t at = ecommerce_line.find(rung);
    ASSERT_NE(at, std::string::npos) << rung << " in " << ecommerce_line;
    EXPECT_GE(at, last) << rung << " out of order in " << ecommerce_line;
    last = at;
  }
}

TEST(CanonicalPolicyTextTest, DoublesRoundTrip) {
  Policy policy;
  policy.comparable_tolerance = std::nextafter(0.1, 1.0);
  policy.stability_max_cv = 1.0 / 3;
  const std::map<std::string, std::string> values =
      ValueLines(CanonicalPolicyText(policy, LadderRegistry::BuiltIn()));
  EXPECT_EQ(std::strtod(values.at("comparable_tolerance").c_str(), nullptr),
            policy.comparable_tolerance);
  EXPECT_EQ(std::strtod(values.at("stability_max_cv").c_str(), nullptr), policy.stability_max_cv);
  EXPECT_NE(CanonicalPolicyText(policy, LadderRegistry::BuiltIn()),
            CanonicalPolicyText(Policy(), LadderRegistry::BuiltIn()));
}

TEST(CanonicalPolicyTextTest, Deterministic) {
  EXPECT_EQ(CanonicalPolicyText(Policy(), LadderRegistry::BuiltIn()),
            CanonicalPolicyText(Policy(), LadderRegistry::BuiltIn()));
  LadderRegistry more = LadderRegistry::BuiltIn();
  ASSERT_TRUE(more.Add(Ladder{"b2b", {"form_start", "Lead"}}).ok());
  const std::string text = CanonicalPolicyText(Policy(), more);
  EXPECT_THAT(text, HasSubstr("b2b"));
  EXPECT_NE(text, CanonicalPolicyText(Policy(), LadderRegistry::BuiltIn()));
}

}  // namespace
}  // namespace rung
