// The Graph client over libcurl against the fake Graph API on 127.0.0.1:0:
// paging, retries, throttling, Meta's error classes, appsecret_proof and
// redaction. Waits go to a recording GraphEnv, so no test sleeps.

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "meta/graph_client.h"
#include "meta/graph_error.h"
#include "support/fake_graph.h"

namespace rung::meta {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using testing::FakeGraph;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kToken[] = "EAAtestTOKENvalue123";
constexpr char kSecret[] = "app-secret-456";

// Records each wait instead of waiting; jitter is fixed at its midpoint.
class RecordingEnv : public GraphEnv {
 public:
  void SleepFor(absl::Duration duration) override { sleeps.push_back(duration); }
  double Jitter() override { return 0.5; }
  std::vector<absl::Duration> sleeps;
};

testing::FakeAccount Account(const std::string& id, int ad_sets) {
  testing::FakeAccount account;
  account.id = id;
  for (int i = 0; i < ad_sets; ++i) {
    testing::FakeAdSet ad_set;
    ad_set.id = absl::StrCat(id, "00", i);
    ad_set.name = absl::StrCat("ad set ", i);
    ad_set.campaign_id = "120";
    ad_set.custom_event_type = "ADD_TO_CART";
    account.ad_sets.push_back(ad_set);
  }
  return account;
}

class GraphClientTest : public ::testing::Test {
 protected:
  GraphClientTest() : graph_(kToken) {}

  GraphClient Client(GraphCredentials credentials = {kToken, ""}) {
    GraphOptions options;
    options.base_url = graph_.base_url();
    return GraphClient(transport_.get(), &env_, std::move(credentials), options);
  }

  // Every ad set id of act_`id`, page by page.
  absl::StatusOr<std::vector<std::string>> AdSetIds(GraphClient& client, const std::string& id) {
    std::vector<std::string> ids;
    absl::Status status =
        client.ForEachPage(absl::StrCat("act_", id, "/adsets"),
                           {{"fields", "id"}, {"limit", "200"}}, [&](const json& data) {
                             for (const json& item : data)
                               ids.push_back(item["id"].get<std::string>());
                             return absl::OkStatus();
                           });
    if (!status.ok()) return status;
    return ids;
  }

  // Every page of act_`id`'s Insights from `since` to `until`.
  static absl::Status InsightsPages(GraphClient& client, const std::string& id,
                                    const std::string& since, const std::string& until,
                                    const std::string& limit,
                                    const std::function<void(const json& data)>& visit) {
    return client.ForEachPage(
        absl::StrCat("act_", id, "/insights"),
        {{"level", "adset"},
         {"fields", "adset_id,date_start,date_stop"},
         {"time_increment", "7"},
         {"time_range", absl::StrCat(R"({"since":")", since, R"(","until":")", until, R"("})")},
         {"limit", limit}},
        [&](const json& data) {
          visit(data);
          return absl::OkStatus();
        });
  }

  FakeGraph graph_;
  RecordingEnv env_;
  std::unique_ptr<HttpTransport> transport_ = NewCurlTransport(CurlOptions());
};

TEST_F(GraphClientTest, FollowsPagesUntilNextIsAbsent) {
  graph_.AddAccount(Account("1001", 5));
  graph_.SetMaxPageSize(2);
  GraphClient client = Client();
  absl::StatusOr<std::vector<std::string>> ids = AdSetIds(client, "1001");
  ASSERT_TRUE(ids.ok()) << ids.status();
  EXPECT_THAT(*ids, ElementsAre("1001000", "1001001", "1001002", "1001003", "1001004"));
  EXPECT_EQ(client.stats().calls, 3);
}

TEST_F(GraphClientTest, NextPagesAreSignedWithOurOwnCredentialsOnly) {
  graph_.AddAccount(Account("1001", 3));
  graph_.SetMaxPageSize(1);
  FakeGraph signed_graph(kToken, kSecret);
  signed_graph.AddAccount(Account("1001", 3));
  signed_graph.SetMaxPageSize(1);
  // Declared after the fake, so that its kept-alive connection closes first
  // and the fake stops at once.
  const std::unique_ptr<HttpTransport> transport = NewCurlTransport(CurlOptions());
  GraphOptions options;
  options.base_url = signed_graph.base_url();
  GraphClient client(transport.get(), &env_, {kToken, kSecret}, options);
  absl::StatusOr<std::vector<std::string>> ids = AdSetIds(client, "1001");
  ASSERT_TRUE(ids.ok()) << ids.status();
  EXPECT_EQ(ids->size(), 3u);
  for (const testing::RecordedRequest& request : signed_graph.requests()) {
    EXPECT_EQ(request.params.count("access_token"), 1u) << request.path;
    EXPECT_EQ(request.params.count("appsecret_proof"), 1u) << request.path;
    EXPECT_EQ(request.params.find("appsecret_proof")->second, AppSecretProof(kToken, kSecret));
  }
}

TEST(AppSecretProofTest, IsTheLowercaseHexHmacSha256OfTheTokenKeyedWithTheSecret) {
  // RFC 4231, test case 2: key "Jefe", data "what do ya want for nothing?".
  EXPECT_EQ(AppSecretProof("what do ya want for nothing?", "Jefe"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_F(GraphClientTest, AWrongProofIsRefusedByMeta) {
  FakeGraph signed_graph(kToken, kSecret);
  signed_graph.AddAccount(Account("1001", 1));
  // Declared after the fake, so that its kept-alive connection closes first
  // and the fake stops at once.
  const std::unique_ptr<HttpTransport> transport = NewCurlTransport(CurlOptions());
  GraphOptions options;
  options.base_url = signed_graph.base_url();
  GraphClient client(transport.get(), &env_, {kToken, "another-secret"}, options);
  const absl::StatusOr<json> account = client.Get("act_1001", {{"fields", "id"}});
  EXPECT_TRUE(absl::IsInvalidArgument(account.status())) << account.status();
  EXPECT_THAT(account.status().message(), HasSubstr("appsecret_proof"));
}

TEST_F(GraphClientTest, AnEmptyPageWithNextIsFollowed) {
  graph_.AddAccount(Account("1001", 3));
  graph_.SetMaxPageSize(2);
  testing::FakeAccount account = Account("1002", 0);
  for (int week = 0; week < 3; ++week) {
    account.ad_sets.push_back(Account("1002", 1).ad_sets[0]);
    account.rows.push_back({"1002000",
                            absl::StrCat("2026-11-", 2 + 7 * week < 10 ? "0" : "", 2 + 7 * week),
                            "10.00",
                            {{"omni_add_to_cart", "5"}}});
  }
  account.ad_sets.resize(1);
  graph_.AddAccount(account);
  graph_.InsertEmptyInsightsPage("1002");
  GraphClient client = Client();
  int rows = 0;
  int pages = 0;
  const absl::Status status =
      InsightsPages(client, "1002", "2026-11-02", "2026-11-22", "2", [&](const json& data) {
        ++pages;
        rows += static_cast<int>(data.size());
      });
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(rows, 3);
  EXPECT_EQ(pages, 3);  // 2 rows, none, 1 row
}

TEST_F(GraphClientTest, ARepeatedCursorIsCaught) {
  testing::FakeAccount account = Account("1003", 1);
  for (const char* week : {"2026-11-02", "2026-11-09"}) {
    account.rows.push_back({"1003000", week, "1.00", {}});
  }
  graph_.AddAccount(account);
  graph_.RepeatInsightsCursor("1003");
  GraphClient client = Client();
  int pages = 0;
  const absl::Status status =
      InsightsPages(client, "1003", "2026-11-02", "2026-11-15", "1", [&](const json&) { ++pages; });
  EXPECT_TRUE(absl::IsAborted(status)) << status;
  EXPECT_THAT(status.message(), HasSubstr("cursor"));
  EXPECT_LE(pages, 3);
}

TEST_F(GraphClientTest, ThrottlingWaitsAsLongAsMetaSays) {
  graph_.AddAccount(Account("1001", 1));
  graph_.FailNext("act_1001", FakeGraph::Throttled(80000, 3));
  GraphClient client = Client();
  const absl::StatusOr<json> account = client.Get("act_1001", {{"fields", "id,name"}});
  ASSERT_TRUE(account.ok()) << account.status();
  EXPECT_EQ((*account)["id"], "act_1001");
  EXPECT_THAT(env_.sleeps, ElementsAre(absl::Minutes(3)));
  EXPECT_EQ(client.stats().throttled, absl::Minutes(3));
  EXPECT_EQ(client.stats().calls, 2);
}

TEST_F(GraphClientTest, ThrottlingWithoutAnEstimateBacksOffExponentially) {
  graph_.AddAccount(Account("1001", 1));
  graph_.FailNext("act_1001", FakeGraph::Throttled(17, 0), 3);
  GraphClient client = Client();
  ASSERT_TRUE(client.Get("act_1001", {{"fields", "id"}}).ok());
  // 1 s, 2 s, 4 s, each at the jitter's midpoint (3/4 of it).
  EXPECT_THAT(env_.sleeps, ElementsAre(absl::Milliseconds(750), absl::Milliseconds(1500),
                                       absl::Milliseconds(3000)));
}

TEST_F(GraphClientTest, ThrottlingPastMaxWaitGivesUpNamingTheLimit) {
  graph_.AddAccount(Account("1001", 1));
  graph_.FailNext("act_1001", FakeGraph::Throttled(80004, 10), 5);
  GraphClient client = Client();
  const absl::StatusOr<json> account = client.Get("act_1001", {{"fields", "id"}});
  EXPECT_TRUE(absl::IsResourceExhausted(account.status())) << account.status();
  EXPECT_THAT(account.status().message(), HasSubstr("80004"));
  EXPECT_THAT(account.status().message(), HasSubstr("--max-wait"));
  EXPECT_EQ(client.stats().waited, absl::Minutes(10));  // a second 10 would pass 15
}

TEST_F(GraphClientTest, HighUsageSlowsDownBeforeMetaThrottles) {
  graph_.AddAccount(Account("1001", 1));
  graph_.SetUsageHeaders("", R"({"acc_id_util_pct":90,"reset_time_duration":0})", "");
  GraphClient client = Client();
  ASSERT_TRUE(client.Get("act_1001", {{"fields", "id"}}).ok());
  EXPECT_TRUE(env_.sleeps.empty());
  ASSERT_TRUE(client.Get("act_1001", {{"fields", "id"}}).ok());
  EXPECT_THAT(env_.sleeps, ElementsAre(absl::Seconds(6)));  // 90% is 15/25 of the way
  EXPECT_EQ(client.stats().throttled, absl::Seconds(6));
}

TEST_F(GraphClientTest, ServerErrorsAndBodiesThatAreNotJsonAreRetried) {
  graph_.AddAccount(Account("1001", 1));
  graph_.FailNext("act_1001", FakeGraph::ServerError());
  graph_.FailNext("act_1001", FakeGraph::NotJson());
  GraphClient client = Client();
  ASSERT_TRUE(client.Get("act_1001", {{"fields", "id"}}).ok());
  EXPECT_EQ(client.stats().calls, 3);
  EXPECT_EQ(env_.sleeps.size(), 2u);
}

TEST_F(GraphClientTest, TransientFailuresGiveUpAfterFiveRetries) {
  graph_.AddAccount(Account("1001", 1));
  graph_.FailNext("act_1001", FakeGraph::ServerError(), 6);
  GraphClient client = Client();
  const absl::StatusOr<json> account = client.Get("act_1001", {{"fields", "id"}});
  EXPECT_TRUE(absl::IsUnavailable(account.status())) << account.status();
  EXPECT_THAT(account.status().message(), HasSubstr("failed 6 times"));
  EXPECT_EQ(client.stats().calls, 6);
}

// A create whose answer was lost may have been done: sent again, it could
// make a second ad set.
TEST_F(GraphClientTest, APostThatMustNotBeResentFailsAtOnceOnATransientFailure) {
  graph_.AddAccount(Account("1001", 1));
  graph_.LoseNextAnswer("act_1001/adsets", FakeGraph::ServerError());
  GraphClient client = Client();
  const GraphParams params = {{"name", "copy"},
                              {"campaign_id", "120"},
                              {"optimization_goal", "LANDING_PAGE_VIEWS"},
                              {"billing_event", "IMPRESSIONS"},
                              {"targeting", "{}"}};
  const absl::Status status =
      client.Post("act_1001/adsets", params, GraphClient::Resend::kNever).status();
  EXPECT_TRUE(absl::IsUnavailable(status)) << status;
  EXPECT_THAT(status.message(), HasSubstr("not sent again"));
  EXPECT_EQ(graph_.write_count(), 1);
  EXPECT_TRUE(env_.sleeps.empty());

  graph_.FailNext("act_1001/adsets", FakeGraph::ServerError());
  ASSERT_TRUE(client.Post("act_1001/adsets", params).ok());  // by default, sent again
  EXPECT_EQ(graph_.write_count(), 3);
}

TEST_F(GraphClientTest, APostThatMustNotBeResentIsStillSentAgainWhenThrottled) {
  graph_.AddAccount(Account("1001", 1));
  graph_.FailNext("1001000", FakeGraph::Throttled(17, 1));
  GraphClient client = Client();
  const absl::StatusOr<json> answer =
      client.Post("1001000", {{"status", "PAUSED"}}, GraphClient::Resend::kNever);
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(graph_.write_count(), 2);
  EXPECT_THAT(env_.sleeps, ElementsAre(absl::Minutes(1)));
}

TEST_F(GraphClientTest, MetasErrorClassesBecomeCodes) {
  graph_.AddAccount(Account("1001", 1));
  graph_.FailNext("act_1001", FakeGraph::Error(190, 463, "Error validating access token"));
  graph_.FailNext("act_1001", FakeGraph::Error(200, 0, "(#200) Requires ads_read permission",
                                               "OAuthException"));
  graph_.FailNext("act_1001", FakeGraph::Error(100, 0, "(#100) Bad field", "OAuthException"));
  graph_.FailNext("act_1001", FakeGraph::Error(1, 99, "Please reduce the amount of data"));
  GraphClient client = Client();
  const absl::Status token = client.Get("act_1001", {}).status();
  EXPECT_TRUE(absl::IsUnauthenticated(token)) << token;
  const absl::Status permission = client.Get("act_1001", {}).status();
  EXPECT_TRUE(absl::IsPermissionDenied(permission)) << permission;
  const absl::Status parameter = client.Get("act_1001", {}).status();
  EXPECT_TRUE(absl::IsInvalidArgument(parameter)) << parameter;
  EXPECT_THAT(parameter.message(), HasSubstr("fbtrace_id"));
  EXPECT_THAT(parameter.message(), HasSubstr("(#100) Bad field"));
  const absl::Status too_big = client.Get("act_1001", {}).status();
  ASSERT_TRUE(GraphErrorOf(too_big).has_value()) << too_big;
  EXPECT_EQ(GraphErrorOf(too_big)->subcode, 99);
  EXPECT_EQ(client.stats().calls, 4);  // none of them retried
}

TEST_F(GraphClientTest, NoSecretInAnyMessage) {
  FakeGraph signed_graph(kToken, kSecret);
  signed_graph.AddAccount(Account("1001", 1));
  // Meta's message quoting the request back, as proxies and some errors do.
  signed_graph.FailNext(
      "act_1001",
      FakeGraph::Error(100, 0,
                       absl::StrCat("bad url ?access_token=", kToken, "&appsecret_proof=",
                                    AppSecretProof(kToken, kSecret), " secret ", kSecret)));
  // Declared after the fake, so that its kept-alive connection closes first
  // and the fake stops at once.
  const std::unique_ptr<HttpTransport> transport = NewCurlTransport(CurlOptions());
  GraphOptions options;
  options.base_url = signed_graph.base_url();
  GraphClient client(transport.get(), &env_, {kToken, kSecret}, options);
  const absl::Status status = client.Get("act_1001", {}).status();
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(), Not(HasSubstr(kToken)));
  EXPECT_THAT(status.message(), Not(HasSubstr(kSecret)));
  EXPECT_THAT(status.message(), Not(HasSubstr(AppSecretProof(kToken, kSecret))));
  EXPECT_THAT(status.message(), HasSubstr("access_token=[redacted]"));
}

TEST_F(GraphClientTest, AnUnreachableHostIsUnavailableWithoutTheUrl) {
  GraphOptions options;
  options.base_url = "http://127.0.0.1:1";
  options.max_retries = 1;
  GraphClient client(transport_.get(), &env_, {kToken, ""}, options);
  const absl::Status status = client.Get("act_1001", {}).status();
  EXPECT_TRUE(absl::IsUnavailable(status)) << status;
  EXPECT_THAT(status.message(), Not(HasSubstr(kToken)));
}

TEST(RedactorTest, RedactsSecretsAndTokenParameters) {
  const Redactor redactor({"s3cret", ""});
  EXPECT_EQ(redactor.Redact("a s3cret b"), "a [redacted] b");
  EXPECT_EQ(redactor.Redact("https://x/v1/a?access_token=OLD&after=c"),
            "https://x/v1/a?access_token=[redacted]&after=c");
  EXPECT_EQ(redactor.Redact("nothing here"), "nothing here");
}

}  // namespace
}  // namespace rung::meta
