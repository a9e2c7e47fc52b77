#include "api/etag.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace rung {
namespace {

TEST(EntityTagTest, IsAStrongQuotedDigestOfTheBody) {
  const std::string tag = EntityTag("{\"a\":1}").value_or("");
  EXPECT_THAT(tag, ::testing::MatchesRegex("\"[0-9a-f]{32}\""));
  EXPECT_EQ(EntityTag("{\"a\":1}").value_or(""), tag);
  EXPECT_NE(EntityTag("{\"a\":2}").value_or(""), tag);
  // SHA-256 of the empty string, so that tags agree across builds and hosts.
  EXPECT_EQ(EntityTag("").value_or(""), "\"e3b0c44298fc1c149afbf4c8996fb924\"");
}

TEST(IfNoneMatchHitsTest, MatchesStarListsAndWeakTags) {
  const std::string tag = "\"0123abcd\"";
  struct Case {
    std::string header;
    bool hits;
  };
  const Case cases[] = {
      {"\"0123abcd\"", true},
      {"W/\"0123abcd\"", true},
      {"*", true},
      {" * ", true},
      {"\"x\", \"0123abcd\"", true},
      {"\"x\",W/\"0123abcd\"", true},
      {"W/\"a,b\" , \"0123abcd\"", true},  // a comma inside a tag is no separator
      {"\"0123abcd", false},
      {"0123abcd", false},
      {"\"x\"", false},
      {"\"x\" \"0123abcd\"", false},  // no comma: malformed, so no match
      {"\"0123ABCD\"", false},
      {"", false},
      {"*, \"x\"", false},
  };
  for (const Case& c : cases) EXPECT_EQ(IfNoneMatchHits(c.header, tag), c.hits) << c.header;
}

}  // namespace
}  // namespace rung
