#include "api/proto_json.h"

#include <algorithm>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rung/v1/recommendation.pb.h"

namespace rung {
namespace {

using ::testing::HasSubstr;

v1::Recommendation WithLatestCounts(const std::vector<std::string>& insertion_order) {
  v1::Recommendation recommendation;
  recommendation.set_ad_set_id("as_1");
  for (const std::string& event : insertion_order) {
    (*recommendation.mutable_latest_counts())[event] = static_cast<int64_t>(event.size());
  }
  return recommendation;
}

const std::vector<std::string> kEvents = {"ViewContent", "Purchase", "AddToCart", "PageView",
                                          "InitiateCheckout"};

// Every rotation of the insertion order, so that a hash-ordered rendering
// shows up as a difference whatever the table's seed.
std::vector<v1::Recommendation> EveryRotation() {
  std::vector<v1::Recommendation> messages;
  for (size_t shift = 0; shift < kEvents.size(); ++shift) {
    std::vector<std::string> order;
    for (size_t i = 0; i < kEvents.size(); ++i)
      order.push_back(kEvents[(i + shift) % kEvents.size()]);
    messages.push_back(WithLatestCounts(order));
  }
  return messages;
}

class ProtoJsonTest : public ::testing::TestWithParam<JsonLayout> {};

TEST_P(ProtoJsonTest, MapKeysComeOutSorted) {
  for (const v1::Recommendation& message : EveryRotation()) {
    absl::StatusOr<std::string> json = ProtoToJson(message, GetParam());
    ASSERT_TRUE(json.ok()) << json.status();
    std::vector<size_t> positions;
    for (const char* key : {"\"AddToCart\"", "\"InitiateCheckout\"", "\"PageView\"", "\"Purchase\"",
                            "\"ViewContent\""}) {
      const size_t at = json->find(key);
      ASSERT_NE(at, std::string::npos) << key << " in " << *json;
      positions.push_back(at);
    }
    EXPECT_TRUE(std::is_sorted(positions.begin(), positions.end())) << *json;
  }
}

TEST_P(ProtoJsonTest, EqualMessagesRenderToEqualBytes) {
  const std::vector<v1::Recommendation> messages = EveryRotation();
  const absl::StatusOr<std::string> first = ProtoToJson(messages[0], GetParam());
  ASSERT_TRUE(first.ok()) << first.status();
  for (const v1::Recommendation& message : messages) {
    EXPECT_EQ(ProtoToJson(message, GetParam()).value_or("failed"), *first);
  }
}

TEST_P(ProtoJsonTest, DefaultsArePrintedWithJsonNamesAndEnumNames) {
  const absl::StatusOr<std::string> json = ProtoToJson(v1::Recommendation(), GetParam());
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_THAT(*json, HasSubstr("\"adSetId\""));
  EXPECT_THAT(*json, HasSubstr("\"weeksOnRung\""));
  EXPECT_THAT(*json, HasSubstr("\"ACTION_UNSPECIFIED\""));
  EXPECT_EQ(json->back(), '\n');
}

INSTANTIATE_TEST_SUITE_P(Layouts, ProtoJsonTest,
                         ::testing::Values(JsonLayout::kCompact, JsonLayout::kIndented));

TEST(ProtoJsonLayoutTest, CompactIsOneLineAndIndentedIsMany) {
  const v1::Recommendation message = WithLatestCounts(kEvents);
  const std::string compact = ProtoToJson(message, JsonLayout::kCompact).value_or("");
  const std::string indented = ProtoToJson(message, JsonLayout::kIndented).value_or("");
  EXPECT_EQ(std::count(compact.begin(), compact.end(), '\n'), 1) << compact;
  EXPECT_GT(std::count(indented.begin(), indented.end(), '\n'), 5) << indented;
}

}  // namespace
}  // namespace rung
