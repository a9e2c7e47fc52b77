#include "api/http_routing.h"

#include <optional>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rung/v1/recommendation.pb.h"

namespace rung {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(PercentDecodeTest, DecodesEscapesAndRefusesBrokenOnes) {
  struct Case {
    std::string in;
    std::optional<std::string> out;  // nullopt: refused
  };
  const Case cases[] = {
      {"as_1", "as_1"},       {"as%3A5.b%2Fc", "as:5.b/c"}, {"%e2%89%A5", "\xe2\x89\xa5"},
      {"a+b", "a+b"},  // '+' is a plus in a path
      {"%", std::nullopt},    {"%4", std::nullopt},         {"%zz", std::nullopt},
      {"ok%2", std::nullopt},
  };
  for (const Case& c : cases) {
    const absl::StatusOr<std::string> decoded = PercentDecode(c.in);
    if (c.out.has_value()) {
      EXPECT_EQ(decoded.value_or("<error>"), *c.out) << c.in;
    } else {
      EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument) << c.in;
    }
  }
}

TEST(MatchPathTemplateTest, BindsVariablesToWholeDecodedSegments) {
  constexpr char kHistory[] = "/v1/adsets/{ad_set_id}/history";
  const auto matched = MatchPathTemplate(kHistory, "/v1/adsets/as%3A5.b%2Fc/history");
  ASSERT_TRUE(matched.ok()) << matched.status();
  ASSERT_TRUE(matched->has_value());
  EXPECT_EQ((*matched)->at("ad_set_id"), "as:5.b/c");

  const std::string misses[] = {
      "/v1/adsets/as_1",        "/v1/adsets/as_1/history/x", "/v1/adsets//history",
      "/v1/adsets/a/b/history", "/v1/adsetz/as_1/history",   "v1/adsets/as_1/history",
  };
  for (const std::string& path : misses) {
    const auto missed = MatchPathTemplate(kHistory, path);
    ASSERT_TRUE(missed.ok()) << path;
    EXPECT_FALSE(missed->has_value()) << path;
  }
  const auto root = MatchPathTemplate("/", "/");
  ASSERT_TRUE(root.ok());
  EXPECT_TRUE(root->has_value());
}

TEST(MatchPathTemplateTest, BadEscapeIsAnErrorOnlyWhereThePathMatches) {
  const auto bad = MatchPathTemplate("/v1/adsets/{ad_set_id}/history", "/v1/adsets/a%zz/history");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()),
              StartsWith("ad_set_id: malformed percent-encoding"));
  const auto elsewhere =
      MatchPathTemplate("/v1/adsets/{ad_set_id}/history", "/v1/adsets/a%zz/recommendation");
  ASSERT_TRUE(elsewhere.ok());
  EXPECT_FALSE(elsewhere->has_value());
}

TEST(QueryParamsTest, RefusesUnknownNamesAndNamesThem) {
  const auto query =
      QueryParams::Check({{"page_size", "3"}, {"colour", "red"}}, {"page_size", "page_token"});
  EXPECT_EQ(query.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(query.status().message(),
            "unknown query parameter \"colour\"; this path takes page_size, page_token");
  EXPECT_THAT(std::string(QueryParams::Check({{"x", ""}}, {}).status().message()),
              HasSubstr("takes none"));
}

TEST(QueryParamsTest, ReadsSinglesIntegersAndLists) {
  const auto query = QueryParams::Check({{"account_id", "act_1"},
                                         {"page_size", "25"},
                                         {"action", "HOLD, move_down"},
                                         {"action", ""},
                                         {"action", "AT_TOP,,"}},
                                        {"account_id", "page_size", "action", "page_token"});
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_EQ(query->Single("account_id").value_or(""), "act_1");
  EXPECT_EQ(query->Single("page_token").value_or("<error>"), "");
  EXPECT_EQ(query->Int32("page_size").value_or(-1), 25);
  EXPECT_EQ(query->Int32("page_token").value_or(-1), 0);
  EXPECT_THAT(query->List("action"), ::testing::ElementsAre("HOLD", "move_down", "AT_TOP"));
  EXPECT_THAT(query->List("account_id"), ::testing::ElementsAre("act_1"));
  EXPECT_THAT(query->List("page_token"), ::testing::IsEmpty());
}

TEST(QueryParamsTest, RefusesRepeatsOfASingleAndNonIntegers) {
  const auto query = QueryParams::Check(
      {{"account_id", "a"}, {"account_id", "b"}, {"page_size", "ten"}, {"to_big", "3000000000"}},
      {"account_id", "page_size", "to_big"});
  ASSERT_TRUE(query.ok());
  EXPECT_EQ(query->Single("account_id").status().message(),
            "account_id: given 2 times; give it at most once");
  EXPECT_EQ(query->Int32("page_size").status().message(),
            "page_size: \"ten\" is not a 32-bit integer");
  EXPECT_EQ(query->Int32("to_big").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ParseEnumParamTest, TakesFullOrShortNamesInAnyCase) {
  for (const std::string name : {"ACTION_HOLD", "HOLD", "hold", "Action_Hold"}) {
    EXPECT_EQ(ParseEnumParam("action", name, *v1::Action_descriptor(), "an action").value_or(-1),
              v1::ACTION_HOLD)
        << name;
  }
  EXPECT_EQ(ParseEnumParam("flag", "near_exit", *v1::Flag_descriptor(), "a flag").value_or(-1),
            v1::FLAG_NEAR_EXIT);
}

TEST(ParseEnumParamTest, RefusesUnspecifiedAndUnknownNamesListingTheChoices) {
  for (const std::string name :
       {"UNSPECIFIED", "ACTION_UNSPECIFIED", "HOLDX", "", "FLAG_DATA_GAP"}) {
    const auto parsed = ParseEnumParam("action", name, *v1::Action_descriptor(), "an action");
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << name;
    EXPECT_THAT(std::string(parsed.status().message()),
                StartsWith("action: \"" + name +
                           "\" is not an action; use one of "
                           "INSUFFICIENT_DATA, REVIEW_SETUP, STABILIZE, HOLD,"))
        << name;
  }
}

}  // namespace
}  // namespace rung
