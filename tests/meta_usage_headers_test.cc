// Meta's rate-limit headers: the highest share used of any limit, and how
// long Meta says to wait.

#include <map>
#include <string>

#include "gtest/gtest.h"
#include "meta/usage_headers.h"

namespace rung::meta {
namespace {

TEST(UsageHeadersTest, NoHeadersMeanNoUsage) {
  const Usage usage = ParseUsageHeaders({});
  EXPECT_EQ(usage.max_percent, 0);
  EXPECT_EQ(usage.regain_access, absl::ZeroDuration());
  EXPECT_EQ(usage.limited_use_case, "");
}

TEST(UsageHeadersTest, BusinessUseCaseGivesItsHighestShareTypeAndRegainTime) {
  const Usage usage = ParseUsageHeaders(
      {{"x-business-use-case-usage",
        R"({"1234":[{"type":"ads_management","call_count":12,"total_cputime":3,"total_time":4,)"
        R"("estimated_time_to_regain_access":0},{"type":"ads_insights","call_count":40,)"
        R"("total_cputime":91,"total_time":20,"estimated_time_to_regain_access":7}]})"}});
  EXPECT_EQ(usage.max_percent, 91);
  EXPECT_EQ(usage.limited_use_case, "ads_insights");
  EXPECT_EQ(usage.regain_access, absl::Minutes(7));
}

TEST(UsageHeadersTest, AccountAndInsightsHeadersCount) {
  const Usage usage = ParseUsageHeaders(
      {{"x-ad-account-usage", R"({"acc_id_util_pct":"77.5","reset_time_duration":90})"},
       {"x-fb-ads-insights-throttle", R"({"app_id_util_pct":12,"acc_id_util_pct":80})"}});
  EXPECT_EQ(usage.max_percent, 80);
  EXPECT_EQ(usage.regain_access, absl::Seconds(90));
}

TEST(UsageHeadersTest, MalformedHeadersCountAsNone) {
  for (const char* text : {"", "not json", "[1,2]", R"({"1":"x"})", R"({"1":[1,"a",null]})",
                           R"({"acc_id_util_pct":true})"}) {
    const Usage usage = ParseUsageHeaders({{"x-business-use-case-usage", text},
                                           {"x-ad-account-usage", text},
                                           {"x-fb-ads-insights-throttle", text}});
    EXPECT_EQ(usage.max_percent, 0) << text;
    EXPECT_EQ(usage.regain_access, absl::ZeroDuration()) << text;
  }
}

}  // namespace
}  // namespace rung::meta
