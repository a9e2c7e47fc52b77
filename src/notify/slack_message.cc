#include "notify/slack_message.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "core/text.h"
#include "nlohmann/json.hpp"
#include "rung/recommendation.h"

namespace rung::notify {
namespace {

using nlohmann::json;

// Slack's documented limits (docs.slack.dev/reference/block-kit/blocks and
// the pages of each block). Slack counts characters; sizes here are bytes,
// never fewer, so a text within them is within Slack's.
constexpr size_t kMaxBlocks = 50;
constexpr size_t kMaxSectionText = 3000;
// Not documented, but chat.postMessage refuses blocks of some 13,000
// characters in all with msg_blocks_too_long (slackapi/bolt-js#2509).
constexpr size_t kMaxBlocksText = 12000;

constexpr size_t kListedChanges = 10;
constexpr size_t kListedTests = 5;
// Ids are short in practice; a longer one is cut so that a line stays short.
constexpr size_t kMaxIdBytes = 64;
// Room kept for the "…and N more" line after a list.
constexpr size_t kMoreLineBytes = 32;

// Slack reads &, < and > as markup in every text.
std::string Escape(std::string_view text) {
  std::string escaped;
  for (const char c : text) {
    switch (c) {
      case '&': escaped += "&amp;"; break;
      case '<': escaped += "&lt;"; break;
      case '>': escaped += "&gt;"; break;
      default: escaped += c;
    }
  }
  return escaped;
}

// At most `max_bytes` of `text`, cut between UTF-8 characters, with "…"
// after a cut.
std::string Clip(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return absl::StrCat(AsAbsl(text.substr(0, end)), "…");
}

std::string Code(std::string_view id) {
  return absl::StrCat("`", Escape(Clip(id, kMaxIdBytes)), "`");
}

// A value in the dashboard's hash (URLSearchParams): RFC 3986's unreserved
// characters as they are, every other byte percent-encoded.
std::string PercentEncoded(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (absl::ascii_isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      encoded += c;
    } else {
      encoded += {'%', kHex[byte >> 4], kHex[byte & 0xF]};
    }
  }
  return encoded;
}

// `label` linked to the account's view, or `label` alone without a
// dashboard. A '|' in the address would end it inside Slack's <url|label>.
std::string AccountLink(std::string_view dashboard_url, const std::string& account_id) {
  const std::string label = Escape(Clip(account_id, kMaxIdBytes));
  if (dashboard_url.empty()) return label;
  std::string target;
  for (const char c : dashboard_url) {
    if (c == '|') {
      target += "%7C";
    } else {
      target += c;
    }
  }
  return absl::StrCat("<", Escape(target), "#account=", PercentEncoded(account_id), "|", label,
                      ">");
}

std::string Count(int64_t n, std::string_view one, std::string_view many) {
  return absl::StrCat(n, " ", AsAbsl(n == 1 ? one : many));
}

// Lines of a section's text, never more than Slack takes.
class SectionText {
 public:
  // False, adding nothing, when `line` would leave less than `reserve` bytes.
  bool Add(const std::string& line, size_t reserve = 0) {
    const size_t size = text_.empty() ? line.size() : text_.size() + 1 + line.size();
    if (size + reserve > kMaxSectionText) return false;
    if (!text_.empty()) text_ += '\n';
    text_ += line;
    return true;
  }

  // `title`, then the first `lines` as far as they fit, then how many of
  // `total` were left out.
  void AddList(const std::string& title, const std::vector<std::string>& lines, size_t total) {
    if (!Add(title, kMoreLineBytes)) return;
    size_t listed = 0;
    while (listed < lines.size() && Add(lines[listed], kMoreLineBytes)) ++listed;
    if (listed < total) Add(absl::StrCat("…and ", total - listed, " more"));
  }

  std::string Take() { return std::move(text_); }

 private:
  std::string text_;
};

bool HasNews(const AccountSummary& account) {
  return !account.changes.empty() || account.figures.needing_attention > 0 ||
         !account.tests_started.empty() || !account.tests_concluded.empty();
}

std::string WeekLine(const AccountSummary& account, std::string_view dashboard_url) {
  const std::string since = account.previous_week.has_value()
                                ? absl::StrCat("changes since ", account.previous_week->ToString())
                                : "its first evaluated week";
  return absl::StrCat("*", AccountLink(dashboard_url, account.account_id), "* · week of ",
                      account.as_of_week.ToString(), ", ", since);
}

std::string FiguresLine(const WeekFigures& figures) {
  std::string line =
      figures.needing_attention == 0
          ? "No ad set needs a person this week"
          : absl::StrCat("*", Count(figures.needing_attention, "ad set", "ad sets"), "* ",
                         figures.needing_attention == 1 ? "needs" : "need", " a person this week");
  if (figures.spend_micros > 0) {
    absl::StrAppend(&line, " · ", std::lround(figures.SpendShareBelowThreshold() * 100),
                    "% of spend below the learning threshold");
  }
  return line;
}

std::string ChangeLine(const AdviceChange& change) {
  const std::string before =
      change.before.has_value() ? std::string(ActionName(*change.before)) : std::string("new");
  return absl::StrCat("• ", Code(change.ad_set_id), ": ", before, " → ",
                      AsAbsl(ActionName(change.after)));
}

std::string StartedLine(const ClimbTest& test) {
  return absl::StrCat("• ", Code(test.original_ad_set_id), " → ", Code(test.duplicate_ad_set_id),
                      " (", Escape(Clip(test.from_event, kMaxIdBytes)), " → ",
                      Escape(Clip(test.to_event, kMaxIdBytes)), ")");
}

std::string ConcludedLine(const ClimbTest& test) {
  return absl::StrCat("• ", Code(test.original_ad_set_id), " vs ", Code(test.duplicate_ad_set_id),
                      ": ", AsAbsl(ClimbTestStateName(test.state)));
}

template <typename T, typename F>
std::vector<std::string> FirstLines(const std::vector<T>& items, size_t limit, F line) {
  std::vector<std::string> lines;
  for (size_t i = 0; i < items.size() && i < limit; ++i) lines.push_back(line(items[i]));
  return lines;
}

std::string AccountText(const AccountSummary& account, std::string_view dashboard_url) {
  SectionText text;
  text.Add(WeekLine(account, dashboard_url));
  text.Add(FiguresLine(account.figures));
  if (!account.changes.empty()) {
    text.AddList(
        absl::StrCat("*Advice changed* for ",
                     Count(static_cast<int64_t>(account.changes.size()), "ad set", "ad sets"), ":"),
        FirstLines(account.changes, kListedChanges, ChangeLine), account.changes.size());
  }
  if (!account.tests_started.empty()) {
    text.AddList(absl::StrCat("*Climb tests started:* ", account.tests_started.size()),
                 FirstLines(account.tests_started, kListedTests, StartedLine),
                 account.tests_started.size());
  }
  if (!account.tests_concluded.empty()) {
    text.AddList(absl::StrCat("*Climb tests concluded:* ", account.tests_concluded.size()),
                 FirstLines(account.tests_concluded, kListedTests, ConcludedLine),
                 account.tests_concluded.size());
  }
  return text.Take();
}

json Mrkdwn(std::string text) { return {{"type", "mrkdwn"}, {"text", std::move(text)}}; }

// Of a fixed length, well within the 150 characters of a header.
json Header(const std::string& week) {
  return {{"type", "header"},
          {"text",
           {{"type", "plain_text"}, {"text", absl::StrCat("Rung Advisor: the week of ", week)}}}};
}

// The accounts worth a message, those that need a person first (the most
// first), then by id.
std::vector<const AccountSummary*> NewsFirstNeeded(const std::vector<AccountSummary>& accounts) {
  std::vector<const AccountSummary*> news;
  for (const AccountSummary& account : accounts) {
    if (HasNews(account)) news.push_back(&account);
  }
  std::sort(news.begin(), news.end(), [](const AccountSummary* a, const AccountSummary* b) {
    if (a->figures.needing_attention != b->figures.needing_attention) {
      return a->figures.needing_attention > b->figures.needing_attention;
    }
    return a->account_id < b->account_id;
  });
  return news;
}

// What a notification shows before the message is opened.
std::string Summary(const std::vector<const AccountSummary*>& news, const std::string& week) {
  int64_t needing = 0;
  int64_t changed = 0;
  for (const AccountSummary* account : news) {
    needing += account->figures.needing_attention;
    changed += static_cast<int64_t>(account->changes.size());
  }
  return absl::StrCat("Rung Advisor, the week of ", week, ": ",
                      Count(needing, "ad set needs", "ad sets need"),
                      " a person; advice changed for ", Count(changed, "ad set", "ad sets"), " in ",
                      Count(static_cast<int64_t>(news.size()), "account", "accounts"), ".");
}

}  // namespace

std::optional<std::string> SlackMessage(const std::vector<AccountSummary>& accounts,
                                        std::string_view dashboard_url) {
  const std::vector<const AccountSummary*> news = NewsFirstNeeded(accounts);
  if (news.empty()) return std::nullopt;
  Week latest = news.front()->as_of_week;
  for (const AccountSummary* account : news) latest = std::max(latest, account->as_of_week);
  const std::string week = latest.ToString();

  json blocks = json::array({Header(week)});
  size_t text_bytes = 0;
  size_t shown = 0;
  // One block stays free for the line that counts the accounts left out.
  for (; shown < news.size() && blocks.size() < kMaxBlocks - 1; ++shown) {
    std::string text = AccountText(*news[shown], dashboard_url);
    if (text_bytes + text.size() > kMaxBlocksText) break;
    text_bytes += text.size();
    blocks.push_back({{"type", "section"}, {"text", Mrkdwn(std::move(text))}});
  }
  if (shown < news.size()) {
    const size_t left_out = news.size() - shown;
    std::string more = absl::StrCat("…and ", left_out, " more ",
                                    left_out == 1 ? "account" : "accounts", " with news");
    if (!dashboard_url.empty()) absl::StrAppend(&more, ": see the dashboard");
    blocks.push_back({{"type", "context"}, {"elements", json::array({Mrkdwn(std::move(more))})}});
  }
  const json message = {{"text", Summary(news, week)}, {"blocks", std::move(blocks)}};
  // Replaces bytes that are not UTF-8 rather than throwing on them.
  return message.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace rung::notify
