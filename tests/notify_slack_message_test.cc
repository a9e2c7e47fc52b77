// The body of the webhook's POST: what Slack's incoming webhooks take, and
// within Slack's documented limits however much changed.

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "notify/slack_message.h"

namespace rung::notify {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

Week W(int weeks_after_first) { return Week::Parse("2026-09-07").value().Plus(weeks_after_first); }

AccountSummary Account(const std::string& id) {
  AccountSummary account;
  account.account_id = id;
  account.as_of_week = W(2);
  account.previous_week = W(1);
  account.figures.week = W(2);
  return account;
}

std::vector<AdviceChange> Changes(int count, const std::string& prefix = "as_") {
  std::vector<AdviceChange> changes;
  for (int i = 0; i < count; ++i) {
    changes.push_back({absl::StrCat(prefix, i), Action::kHold, Action::kMoveDown});
  }
  return changes;
}

json Parsed(const std::optional<std::string>& body) {
  EXPECT_TRUE(body.has_value());
  return body ? json::parse(*body) : json();
}

// Slack counts characters: UTF-8 bytes that start one.
size_t Characters(const std::string& text) {
  size_t count = 0;
  for (const char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}

std::string SectionText(const json& block) {
  return block.at("text").at("text").get<std::string>();
}

// Slack's documented limits: 50 blocks, a header's text 150 characters, a
// section's 3000 (docs.slack.dev/reference/block-kit/blocks).
void ExpectWithinSlackLimits(const json& message) {
  ASSERT_TRUE(message.at("text").is_string());
  const json& blocks = message.at("blocks");
  ASSERT_TRUE(blocks.is_array());
  EXPECT_LE(blocks.size(), 50u);
  for (const json& block : blocks) {
    const std::string type = block.at("type");
    if (type == "header") {
      EXPECT_EQ(block.at("text").at("type"), "plain_text");
      EXPECT_LE(Characters(SectionText(block)), 150u);
    } else if (type == "section") {
      EXPECT_EQ(block.at("text").at("type"), "mrkdwn");
      EXPECT_LE(Characters(SectionText(block)), 3000u);
    } else {
      EXPECT_EQ(type, "context");
    }
  }
}

TEST(NotifySlackMessageTest, SaysWhatChangedInEachAccount) {
  AccountSummary account = Account("act_1001");
  account.figures.needing_attention = 2;
  account.figures.spend_micros = 400;
  account.figures.spend_below_threshold_micros = 100;
  account.changes = {{"as_1", Action::kHold, Action::kMoveDown},
                     {"as_2", std::nullopt, Action::kInsufficientData}};
  ClimbTest started;
  started.original_ad_set_id = "as_3";
  started.duplicate_ad_set_id = "as_3d";
  started.from_event = "AddToCart";
  started.to_event = "Purchase";
  ClimbTest concluded = started;
  concluded.original_ad_set_id = "as_4";
  concluded.duplicate_ad_set_id = "as_4d";
  concluded.state = ClimbTestState::kPromoted;
  account.tests_started = {started};
  account.tests_concluded = {concluded};

  const json message = Parsed(SlackMessage({account}, ""));

  ExpectWithinSlackLimits(message);
  EXPECT_THAT(message.at("text").get<std::string>(), HasSubstr("2 ad sets need a person"));
  const json& blocks = message.at("blocks");
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(blocks[0].at("type"), "header");
  EXPECT_THAT(SectionText(blocks[0]), HasSubstr("2026-09-21"));
  const std::string text = SectionText(blocks[1]);
  EXPECT_THAT(text, HasSubstr("*act_1001* · week of 2026-09-21, changes since 2026-09-14"));
  EXPECT_THAT(text, HasSubstr("*2 ad sets* need a person this week"));
  EXPECT_THAT(text, HasSubstr("25% of spend below the learning threshold"));
  EXPECT_THAT(text, HasSubstr("*Advice changed* for 2 ad sets:"));
  EXPECT_THAT(text, HasSubstr("`as_1`: HOLD → MOVE_DOWN"));
  EXPECT_THAT(text, HasSubstr("`as_2`: new → INSUFFICIENT_DATA"));
  EXPECT_THAT(text,
              HasSubstr("*Climb tests started:* 1\n• `as_3` → `as_3d` (AddToCart → Purchase)"));
  EXPECT_THAT(text, HasSubstr("*Climb tests concluded:* 1\n• `as_4` vs `as_4d`: PROMOTED"));
}

TEST(NotifySlackMessageTest, SaysNothingWhenNothingChangedAndNobodyIsNeeded) {
  AccountSummary quiet = Account("act_quiet");
  quiet.figures.ad_sets = 40;
  EXPECT_EQ(SlackMessage({quiet}, ""), std::nullopt);
  EXPECT_EQ(SlackMessage({}, ""), std::nullopt);

  AccountSummary needed = Account("act_needed");
  needed.figures.needing_attention = 1;
  const json message = Parsed(SlackMessage({quiet, needed}, ""));
  ASSERT_EQ(message.at("blocks").size(), 2u) << "the quiet account is left out";
  EXPECT_THAT(SectionText(message.at("blocks")[1]), HasSubstr("*1 ad set* needs a person"));
}

TEST(NotifySlackMessageTest, ListsTenChangesThenCountsTheRest) {
  AccountSummary account = Account("act_big");
  account.changes = Changes(500);

  const json message = Parsed(SlackMessage({account}, ""));

  ExpectWithinSlackLimits(message);
  const std::string text = SectionText(message.at("blocks")[1]);
  EXPECT_THAT(text, HasSubstr("*Advice changed* for 500 ad sets:"));
  EXPECT_THAT(text, HasSubstr("`as_9`: HOLD → MOVE_DOWN"));
  EXPECT_THAT(text, Not(HasSubstr("`as_10`")));
  EXPECT_THAT(text, HasSubstr("…and 490 more"));
}

TEST(NotifySlackMessageTest, StaysWithinSlackLimitsForManyAccountsWithLongIds) {
  std::vector<AccountSummary> accounts;
  // Ids of markup that escaping triples, and longer than any real one.
  const std::string long_id(300, '&');
  for (int i = 0; i < 200; ++i) {
    AccountSummary account = Account(absl::StrCat("act_", i, long_id));
    account.changes = Changes(500, long_id);
    account.figures.needing_attention = i;
    accounts.push_back(account);
  }

  const json message = Parsed(SlackMessage(accounts, "https://rung.example.com/"));

  ExpectWithinSlackLimits(message);
  const json& blocks = message.at("blocks");
  const size_t sections = blocks.size() - 2;  // the header, the last line
  const json& last = blocks.back();
  ASSERT_EQ(last.at("type"), "context");
  EXPECT_THAT(last.at("elements")[0].at("text").get<std::string>(),
              HasSubstr(absl::StrCat("…and ", 200 - sections, " more accounts with news")));
  EXPECT_THAT(SectionText(blocks[1]), HasSubstr("act_199")) << "the most needed first";
}

TEST(NotifySlackMessageTest, LinksAccountsToTheDashboardAndEscapesMarkup) {
  AccountSummary account = Account("act_<1>&|");
  account.changes = {{"as_<b>", Action::kHold, Action::kAtTop}};

  const json message = Parsed(SlackMessage({account}, "https://rung.example.com/r|x?a=1&b=2"));

  const std::string text = SectionText(message.at("blocks")[1]);
  EXPECT_THAT(text, HasSubstr("*<https://rung.example.com/r%7Cx?a=1&amp;b=2#account=act_%3C1%3E%26%"
                              "7C|act_&lt;1&gt;&amp;|>*"));
  EXPECT_THAT(text, HasSubstr("`as_&lt;b&gt;`: HOLD → AT_TOP"));
}

TEST(NotifySlackMessageTest, NamesTheFirstEvaluatedWeek) {
  AccountSummary account = Account("act_new");
  account.previous_week = std::nullopt;
  account.changes = {{"as_1", std::nullopt, Action::kHold}};

  const json message = Parsed(SlackMessage({account}, ""));

  EXPECT_THAT(SectionText(message.at("blocks")[1]),
              HasSubstr("week of 2026-09-21, its first evaluated week"));
}

}  // namespace
}  // namespace rung::notify
