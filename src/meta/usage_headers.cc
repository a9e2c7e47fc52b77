#include "meta/usage_headers.h"

#include <algorithm>

#include "meta/json_members.h"
#include "nlohmann/json.hpp"

namespace rung::meta {
namespace {

using nlohmann::json;

json ParseHeader(const std::map<std::string, std::string>& headers, const char* name) {
  const auto it = headers.find(name);
  if (it == headers.end()) return json();
  return json::parse(it->second, nullptr, /*allow_exceptions=*/false);
}

void RaisePercent(double percent, Usage* usage) {
  usage->max_percent = std::max(usage->max_percent, percent);
}

void RaiseRegain(absl::Duration wait, Usage* usage) {
  usage->regain_access = std::max(usage->regain_access, wait);
}

// {"<business id>": [{"type", "call_count", "total_cputime", "total_time",
// "estimated_time_to_regain_access"}, ...], ...}
void ReadBusinessUseCases(const json& header, Usage* usage) {
  if (!header.is_object()) return;
  for (const json& entries : header) {  // one list per business
    if (!entries.is_array()) continue;
    for (const json& entry : entries) {
      const double percent =
          std::max({NumberMember(entry, "call_count"), NumberMember(entry, "total_cputime"),
                    NumberMember(entry, "total_time")});
      const std::string type = StringMember(entry, "type");
      if (!type.empty() && (percent >= usage->max_percent || usage->limited_use_case.empty())) {
        usage->limited_use_case = type;
      }
      RaisePercent(percent, usage);
      RaiseRegain(absl::Minutes(NumberMember(entry, "estimated_time_to_regain_access")), usage);
    }
  }
}

}  // namespace

Usage ParseUsageHeaders(const std::map<std::string, std::string>& headers) {
  Usage usage;
  ReadBusinessUseCases(ParseHeader(headers, "x-business-use-case-usage"), &usage);
  const json account = ParseHeader(headers, "x-ad-account-usage");
  RaisePercent(NumberMember(account, "acc_id_util_pct"), &usage);
  RaiseRegain(absl::Seconds(NumberMember(account, "reset_time_duration")), &usage);
  const json insights = ParseHeader(headers, "x-fb-ads-insights-throttle");
  RaisePercent(std::max(NumberMember(insights, "app_id_util_pct"),
                        NumberMember(insights, "acc_id_util_pct")),
               &usage);
  return usage;
}

}  // namespace rung::meta
