#ifndef RUNG_NOTIFY_SLACK_MESSAGE_H_
#define RUNG_NOTIFY_SLACK_MESSAGE_H_

// What a stored evaluation changed, as a message for a Slack incoming
// webhook (notify.webhook_url).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rung/account_summary.h"

namespace rung::notify {

// The JSON body of a POST to a Slack incoming webhook, {"text": ...,
// "blocks": [...]}, for the accounts one evaluation stored: a header, then
// per account its week, the ad sets that need a person this week, the share
// of spend below the learning threshold, the ad sets whose advice changed
// (the first ten, then how many more) and the climb tests started and
// concluded. Accounts with ad sets that need a person come first.
//
// nullopt when no account has anything to say (no change, no test started
// or concluded, nobody needed): a weekly "nothing happened" would teach the
// channel to skip these messages, and /metrics already shows that the
// evaluation ran. Ad sets that need a person are news every week they do:
// that is this week's work.
//
// Within Slack's limits whatever the input: at most 50 blocks, a section's
// text at most 3000 characters, a header's at most 150; accounts that do
// not fit are counted in a last line. `dashboard_url` ("https://rung.example.com/"),
// when not empty, links each account to its view in the dashboard.
std::optional<std::string> SlackMessage(const std::vector<AccountSummary>& accounts,
                                        std::string_view dashboard_url);

}  // namespace rung::notify

#endif  // RUNG_NOTIFY_SLACK_MESSAGE_H_
