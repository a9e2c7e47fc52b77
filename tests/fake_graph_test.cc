// The fake Meta Graph API itself, over real HTTP: what `rungctl sync` tests
// rely on must hold here first.

#include "support/fake_graph.h"

#include <openssl/hmac.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "nlohmann/json.hpp"

namespace rung::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using Json = nlohmann::json;
using Params = httplib::Params;

constexpr char kToken[] = "EAAB-test-token";
constexpr char kRange[] = R"({"since":"2025-05-05","until":"2025-05-25"})";

struct Answer {
  int status = 0;
  std::string body;
  Json json;
  httplib::Headers headers;

  const Json& error() const { return json.at("error"); }
  std::string header(const std::string& name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? "<absent>" : it->second;
  }
};

FakeAdSet AdSet(const std::string& id, const std::string& event) {
  FakeAdSet ad_set;
  ad_set.id = id;
  ad_set.name = "Ad set " + id;
  ad_set.campaign_id = "cmp_" + id;
  ad_set.custom_event_type = event;
  return ad_set;
}

FakeInsightsRow Row(const std::string& ad_set, const std::string& monday, const std::string& spend,
                    std::vector<FakeAction> actions) {
  return {ad_set, monday, spend, std::move(actions)};
}

// Three ad sets over three weeks (2025-05-05, -12, -19), stored out of order.
FakeAccount SmallAccount(const std::string& id) {
  FakeAccount account;
  account.id = id;
  account.name = "Shop " + id;
  account.ad_sets = {AdSet("23850000000000003", "PURCHASE"),
                     AdSet("23850000000000001", "ADD_TO_CART"),
                     AdSet("23850000000000002", "ADD_TO_CART")};
  for (const std::string monday : {"2025-05-19", "2025-05-05", "2025-05-12"}) {
    for (const std::string ad_set :
         {"23850000000000002", "23850000000000001", "23850000000000003"}) {
      account.rows.push_back(Row(ad_set, monday, "10.50",
                                 {{"omni_add_to_cart", "7"},
                                  {"add_to_cart", "7"},
                                  {"offsite_conversion.fb_pixel_add_to_cart", "7"}}));
    }
  }
  return account;
}

Params InsightsParams(const std::string& range = kRange) {
  return {{"level", "adset"},
          {"fields", "adset_id,adset_name,campaign_id,account_id,spend,actions"},
          {"time_increment", "7"},
          {"time_range", range}};
}

class FakeGraphTest : public ::testing::Test {
 protected:
  explicit FakeGraphTest(std::string app_secret = "") : graph_(kToken, std::move(app_secret)) {
    graph_.AddAccount(SmallAccount("1001"));
  }

  Answer Send(const std::string& method, const std::string& path, Params params,
              bool with_token = true, const httplib::Headers& headers = {}) {
    if (with_token) params.emplace("access_token", kToken);
    httplib::Client client(graph_.base_url());
    const httplib::Result result = method == "POST" ? client.Post(path.c_str(), headers, params)
                                                    : client.Get(path.c_str(), params, headers);
    EXPECT_TRUE(result) << "no answer to " << method << " " << path;
    if (!result) return {};
    return {result->status, result->body, Json::parse(result->body, nullptr, false),
            result->headers};
  }
  Answer Get(const std::string& path, Params params = {}, bool with_token = true) {
    return Send("GET", path, std::move(params), with_token);
  }
  // A paging.next link, as given (it carries the token).
  Answer Follow(const std::string& url) {
    EXPECT_THAT(url, StartsWith(graph_.base_url()));
    httplib::Client client(graph_.base_url());
    const httplib::Result result = client.Get(url.substr(graph_.base_url().size()).c_str());
    EXPECT_TRUE(result) << "no answer";
    if (!result) return {};
    return {result->status, result->body, Json::parse(result->body, nullptr, false),
            result->headers};
  }
  // Every page from `first` on, following paging.next while there is one (at most 20).
  std::vector<Answer> AllPages(Answer first) {
    std::vector<Answer> pages = {std::move(first)};
    while (pages.size() < 20 && pages.back().status == 200 &&
           pages.back().json["paging"].contains("next")) {
      pages.push_back(Follow(pages.back().json["paging"]["next"].get<std::string>()));
    }
    return pages;
  }
  static std::vector<std::string> Column(const std::vector<Answer>& pages,
                                         const std::string& field) {
    std::vector<std::string> values;
    for (const Answer& page : pages) {
      for (const Json& item : page.json["data"]) values.push_back(item.value(field, "<absent>"));
    }
    return values;
  }

  FakeGraph graph_;
};

// --- Account node, credentials, unknown objects ------------------------------

TEST_F(FakeGraphTest, AccountNodeAnswersTheFieldsAskedAndItsId) {
  const Answer answer = Get("/v27.0/act_1001", {{"fields", "id,name,currency,timezone_name"}});
  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(answer.json, Json::parse(R"({"id":"act_1001","name":"Shop 1001","currency":"EUR",
                                         "timezone_name":"Europe/Berlin"})"));
  EXPECT_THAT(answer.header("Content-Type"), StartsWith("application/json"));
  // Meta escapes slashes; the parsed value above is the plain one.
  EXPECT_THAT(answer.body, HasSubstr(R"("Europe\/Berlin")"));
}

TEST_F(FakeGraphTest, UnknownFieldOnAccountIsCode100) {
  const Answer answer = Get("/v27.0/act_1001", {{"fields", "id,nme"}});
  EXPECT_EQ(answer.status, 400);
  EXPECT_EQ(answer.error()["code"], 100);
  EXPECT_THAT(answer.error()["message"].get<std::string>(), HasSubstr("(nme)"));
}

TEST_F(FakeGraphTest, UnknownAccountIsCode100Subcode33) {
  const Answer answer = Get("/v27.0/act_999", {{"fields", "id"}});
  EXPECT_EQ(answer.status, 400);
  EXPECT_EQ(answer.error()["code"], 100);
  EXPECT_EQ(answer.error()["error_subcode"], 33);
  EXPECT_EQ(answer.error()["type"], "GraphMethodException");
  EXPECT_THAT(answer.error()["message"].get<std::string>(),
              StartsWith("Unsupported get request. Object with ID 'act_999' does not exist"));
  EXPECT_EQ(answer.error()["fbtrace_id"].get<std::string>().size(), 11u);
}

TEST_F(FakeGraphTest, UnsupportedPathIsCode100) {
  const Answer answer = Get("/v27.0/act_1001/insights/extra/deep");
  EXPECT_EQ(answer.error()["code"], 100);
  EXPECT_EQ(answer.error()["message"], "Unsupported get request.");
}

TEST_F(FakeGraphTest, WrongTokenIsCode190AndNamesNoToken) {
  const Answer answer = Get("/v27.0/act_1001", {{"access_token", "EAAB-wrong"}}, false);
  EXPECT_EQ(answer.status, 400);
  EXPECT_EQ(answer.error()["code"], 190);
  EXPECT_EQ(answer.error()["error_subcode"], 463);
  EXPECT_EQ(answer.error()["type"], "OAuthException");
  EXPECT_THAT(answer.error()["message"].get<std::string>(),
              StartsWith("Error validating access token"));
  EXPECT_THAT(answer.body, ::testing::Not(HasSubstr("EAAB")));
}

TEST_F(FakeGraphTest, MissingTokenIsCode104AsOnMeta) {
  const Answer answer = Get("/v27.0/act_1001", {}, false);
  EXPECT_EQ(answer.status, 400);
  EXPECT_EQ(answer.error()["code"], 104);
}

TEST_F(FakeGraphTest, TokenInAuthorizationHeaderIsAccepted) {
  const Answer answer = Send("GET", "/v27.0/act_1001", {{"fields", "id"}}, false,
                             {{"Authorization", absl::StrCat("OAuth ", kToken)}});
  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(answer.json["id"], "act_1001");
}

std::string Proof(const std::string& secret, const std::string& token) {
  unsigned char digest[32];
  unsigned int size = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(token.data()), token.size(), digest, &size);
  return absl::BytesToHexString(std::string(reinterpret_cast<char*>(digest), size));
}

class FakeGraphSecretTest : public FakeGraphTest {
 protected:
  FakeGraphSecretTest() : FakeGraphTest("app-secret") {}
};

TEST_F(FakeGraphSecretTest, AcceptsTheRightProof) {
  const std::string proof = Proof("app-secret", kToken);
  ASSERT_EQ(proof.size(), 64u);
  EXPECT_EQ(Get("/v27.0/act_1001", {{"appsecret_proof", proof}}).status, 200);
}

TEST_F(FakeGraphSecretTest, RefusesAWrongOrMissingProof) {
  const Answer wrong = Get("/v27.0/act_1001", {{"appsecret_proof", Proof("other", kToken)}});
  EXPECT_EQ(wrong.error()["code"], 100);
  EXPECT_EQ(wrong.error()["type"], "GraphMethodException");
  EXPECT_EQ(wrong.error()["message"], "Invalid appsecret_proof provided in the API argument");
  const Answer missing = Get("/v27.0/act_1001");
  EXPECT_EQ(missing.error()["code"], 100);
  EXPECT_THAT(missing.error()["message"].get<std::string>(), HasSubstr("appsecret_proof"));
}

TEST_F(FakeGraphTest, DeniedAccountRefusesEveryCall) {
  graph_.DenyAccount("1001", 200);
  for (const std::string path :
       {"/v27.0/act_1001", "/v27.0/act_1001/adsets", "/v27.0/act_1001/insights"}) {
    const Answer answer = Get(path, InsightsParams());
    EXPECT_EQ(answer.status, 400) << path;
    EXPECT_EQ(answer.error()["code"], 200) << path;
    EXPECT_THAT(answer.error()["message"].get<std::string>(), HasSubstr("ads_read")) << path;
  }
}

// --- Ad sets -----------------------------------------------------------------

TEST_F(FakeGraphTest, AdSetsAnswerOnlyTheFieldsAsked) {
  graph_.EditAccount("1001", [](FakeAccount& account) {
    FakeAdSet& learning = account.ad_sets[0];
    learning.learning_status = "LEARNING";
    learning.last_sig_edit_ts = 1730000000;
    learning.learning_conversions = 12;
    learning.conversions_threshold = 30;
    FakeAdSet& copy = account.ad_sets[1];
    copy.custom_event_type.clear();
    copy.custom_conversion_id = "555";
    copy.source_adset_id = "23850000000000003";
    FakeAdSet& page_views = account.ad_sets[2];
    page_views.custom_event_type.clear();
    page_views.optimization_goal = "LANDING_PAGE_VIEWS";
  });
  const Answer answer =
      Get("/v27.0/act_1001/adsets",
          {{"fields",
            "id,name,account_id,campaign_id,optimization_goal,promoted_object,learning_stage_info,"
            "source_adset_id,effective_status"}});
  ASSERT_EQ(answer.status, 200);
  ASSERT_EQ(answer.json["data"].size(), 3u);
  EXPECT_EQ(answer.json["data"][0], Json::parse(R"({
      "id":"23850000000000003","name":"Ad set 23850000000000003","account_id":"1001",
      "campaign_id":"cmp_23850000000000003","optimization_goal":"OFFSITE_CONVERSIONS",
      "promoted_object":{"pixel_id":"700000000000001","custom_event_type":"PURCHASE"},
      "learning_stage_info":{"status":"LEARNING","last_sig_edit_ts":1730000000,"conversions":12,
                             "attribution_windows":["7d_click"],
                             "dynamic_lp_conversions_threshold":30},
      "effective_status":"ACTIVE"})"));
  const Json& copy = answer.json["data"][1];
  EXPECT_EQ(copy["promoted_object"],
            Json::parse(R"({"pixel_id":"700000000000001","custom_conversion_id":"555"})"));
  EXPECT_EQ(copy["source_adset_id"], "23850000000000003");
  EXPECT_FALSE(copy.contains("learning_stage_info"));
  const Json& page_views = answer.json["data"][2];
  EXPECT_FALSE(page_views.contains("promoted_object"));
  EXPECT_FALSE(page_views.contains("source_adset_id"));

  const Answer narrow = Get("/v27.0/act_1001/adsets", {{"fields", "name"}});
  EXPECT_EQ(narrow.json["data"][0],
            Json::parse(R"({"id":"23850000000000003","name":"Ad set 23850000000000003"})"));
}

TEST_F(FakeGraphTest, AdSetsPageWithTheTokenInNext) {
  const std::vector<Answer> pages =
      AllPages(Get("/v27.0/act_1001/adsets", {{"fields", "id"}, {"limit", "2"}}));
  ASSERT_EQ(pages.size(), 2u);
  const std::string next = pages[0].json["paging"]["next"];
  EXPECT_THAT(
      next, StartsWith(graph_.base_url() + "/v27.0/act_1001/adsets?access_token=" + kToken + "&"));
  EXPECT_THAT(next, HasSubstr("limit=2"));
  EXPECT_THAT(next, HasSubstr("fields=id"));
  EXPECT_TRUE(pages[0].json["paging"]["cursors"].contains("before"));
  EXPECT_FALSE(pages[1].json["paging"].contains("next"));
  EXPECT_THAT(Column(pages, "id"),
              ElementsAre("23850000000000003", "23850000000000001", "23850000000000002"));
}

TEST_F(FakeGraphTest, AdSetsFilterByEffectiveStatus) {
  graph_.EditAccount("1001",
                     [](FakeAccount& account) { account.ad_sets[1].effective_status = "PAUSED"; });
  const Answer answer = Get("/v27.0/act_1001/adsets", {{"effective_status", R"(["PAUSED"])"}});
  EXPECT_THAT(Column({answer}, "id"), ElementsAre("23850000000000001"));
}

// --- What apply reads and writes ----------------------------------------------

constexpr char kAdSetId[] = "23850000000000001";
constexpr char kCampaignId[] = "cmp_23850000000000001";

// Ad set kAdSetId with a budget and two ads, one paused; the third ad is in another ad set.
void AddAds(FakeGraph& graph) {
  graph.EditAccount("1001", [](FakeAccount& account) {
    FakeAdSet& ad_set = account.ad_sets[1];
    ad_set.daily_budget = 5000;
    ad_set.bid_amount = 300;
    ad_set.end_time = "2026-12-31T23:59:59+0100";
    account.ads = {{"6001", "Ad one", "ACTIVE", kAdSetId, ""},
                   {"6002", "Ad two", "PAUSED", kAdSetId, ""},
                   {"6003", "Ad three", "ACTIVE", "23850000000000002", ""}};
  });
}

Params NewAdSetParams() {
  return {{"name", "Ad set 1 [rung AddToCart->InitiateCheckout r42]"},
          {"campaign_id", kCampaignId},
          {"optimization_goal", "OFFSITE_CONVERSIONS"},
          {"billing_event", "IMPRESSIONS"},
          {"bid_strategy", "LOWEST_COST_WITHOUT_CAP"},
          {"targeting", R"({"geo_locations":{"countries":["FR"]}})"},
          {"promoted_object", R"({"pixel_id":"700000000000001","custom_event_type":"OTHER",)"
                              R"("custom_event_str":"QuizDone"})"},
          {"daily_budget", "2500"},
          {"status", "PAUSED"}};
}

TEST_F(FakeGraphTest, AdSetNodeAnswersTheSettingsAsked) {
  AddAds(graph_);
  const Answer answer =
      Get(absl::StrCat("/v27.0/", kAdSetId),
          {{"fields",
            "name,campaign_id,effective_status,targeting,billing_event,optimization_goal,"
            "bid_strategy,bid_amount,daily_budget,lifetime_budget,end_time,promoted_object,"
            "attribution_spec,destination_type,pacing_type"}});
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(answer.json, Json::parse(R"({
      "name":"Ad set 23850000000000001","campaign_id":"cmp_23850000000000001",
      "effective_status":"ACTIVE",
      "targeting":{"age_max":65,"age_min":18,"geo_locations":{"countries":["DE"]}},
      "billing_event":"IMPRESSIONS","optimization_goal":"OFFSITE_CONVERSIONS",
      "bid_strategy":"LOWEST_COST_WITHOUT_CAP","bid_amount":300,"daily_budget":"5000",
      "end_time":"2026-12-31T23:59:59+0100",
      "promoted_object":{"pixel_id":"700000000000001","custom_event_type":"ADD_TO_CART"},
      "attribution_spec":[{"event_type":"CLICK_THROUGH","window_days":7},
                          {"event_type":"VIEW_THROUGH","window_days":1}],
      "destination_type":"WEBSITE","pacing_type":["standard"],
      "id":"23850000000000001"})"));
  EXPECT_EQ(Get(absl::StrCat("/v27.0/", kAdSetId), {{"fields", "name"}}).json,
            Json::parse(R"({"name":"Ad set 23850000000000001","id":"23850000000000001"})"));
  EXPECT_EQ(Get(absl::StrCat("/v27.0/", kAdSetId), {{"fields", "nme"}}).error()["code"], 100);
}

TEST_F(FakeGraphTest, AdsOfAnAdSetPage) {
  AddAds(graph_);
  const std::vector<Answer> pages =
      AllPages(Get(absl::StrCat("/v27.0/", kAdSetId, "/ads"),
                   {{"fields", "id,name,effective_status"}, {"limit", "1"}}));
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_EQ(pages[0].json["data"][0],
            Json::parse(R"({"id":"6001","name":"Ad one","effective_status":"ACTIVE"})"));
  EXPECT_THAT(Column(pages, "effective_status"), ElementsAre("ACTIVE", "PAUSED"));
}

TEST_F(FakeGraphTest, ACreatedAdSetIsReadableAndListedInItsCampaign) {
  const Answer created = Send("POST", "/v27.0/act_1001/adsets", NewAdSetParams());
  ASSERT_EQ(created.status, 200) << created.body;
  const std::string id = created.json["id"];
  EXPECT_EQ(created.json.size(), 1u);
  const Answer read = Get("/v27.0/" + id, {{"fields", "name,status,daily_budget,promoted_object"}});
  EXPECT_EQ(read.json, Json::parse(absl::StrCat(R"({
      "name":"Ad set 1 [rung AddToCart->InitiateCheckout r42]","status":"PAUSED",
      "daily_budget":"2500","promoted_object":{"pixel_id":"700000000000001",
      "custom_event_type":"OTHER","custom_event_str":"QuizDone"},"id":")",
                                                id, R"("})")));
  const std::optional<FakeAdSet> stored = graph_.FindAdSet(id);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->targeting, R"({"geo_locations":{"countries":["FR"]}})");
  EXPECT_THAT(
      Column({Get(absl::StrCat("/v27.0/", kCampaignId, "/adsets"), {{"fields", "id,name"}})}, "id"),
      ElementsAre(kAdSetId, id));
  EXPECT_EQ(Column({Get("/v27.0/act_1001/adsets")}, "id").size(), 4u);
  const std::vector<RecordedRequest> requests = graph_.requests();
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].params.find("daily_budget")->second, "2500");
}

TEST_F(FakeGraphTest, ACreateWithoutARequiredParamIsCode100AndMakesNothing) {
  for (const std::string missing : {"name", "campaign_id", "targeting", "billing_event"}) {
    Params params = NewAdSetParams();
    params.erase(missing);
    const Answer answer = Send("POST", "/v27.0/act_1001/adsets", params);
    EXPECT_EQ(answer.error()["code"], 100) << missing;
    EXPECT_EQ(answer.error()["message"], "(#100) The parameter " + missing + " is required");
  }
  Params no_event = NewAdSetParams();
  no_event.find("promoted_object")->second = R"({"pixel_id":"700000000000001"})";
  EXPECT_EQ(Send("POST", "/v27.0/act_1001/adsets", no_event).error()["code"], 100);
  EXPECT_EQ(Column({Get("/v27.0/act_1001/adsets")}, "id").size(), 3u);
}

TEST_F(FakeGraphTest, ACopiedAdGoesIntoTheAdSetAsked) {
  AddAds(graph_);
  const Answer copied = Send("POST", "/v27.0/6002/copies",
                             {{"adset_id", "23850000000000003"}, {"status_option", "ACTIVE"}});
  ASSERT_EQ(copied.status, 200) << copied.body;
  const std::string id = copied.json["copied_ad_id"];
  const std::vector<FakeAd> ads = graph_.AdsOf("23850000000000003");
  ASSERT_EQ(ads.size(), 1u);
  EXPECT_EQ(ads[0].id, id);
  EXPECT_EQ(ads[0].effective_status, "ACTIVE");
  EXPECT_EQ(ads[0].source_ad_id, "6002");
  EXPECT_EQ(graph_.AdsOf(kAdSetId).size(), 2u);  // the original stays
  EXPECT_EQ(Send("POST", "/v27.0/6002/copies", {{"adset_id", "999"}}).error()["code"], 100);
}

TEST_F(FakeGraphTest, AnUpdateChangesStatusAndDailyBudget) {
  const std::string path = absl::StrCat("/v27.0/", kAdSetId);
  const Answer answer = Send("POST", path, {{"status", "PAUSED"}, {"daily_budget", "7000"}});
  EXPECT_EQ(answer.json, Json::parse(R"({"success":true})"));
  EXPECT_EQ(Get(path, {{"fields", "status,effective_status,daily_budget"}}).json,
            Json::parse(R"({"status":"PAUSED","effective_status":"PAUSED",
                            "daily_budget":"7000","id":"23850000000000001"})"));
  EXPECT_EQ(Send("POST", path, {{"status", "SOMETIMES"}}).error()["code"], 100);
  EXPECT_EQ(Send("POST", path, {{"name", "renamed"}}).error()["code"], 100);
}

TEST_F(FakeGraphTest, ChangingTheEventOfAnAdSetIsRefusedWith3260011) {
  const std::string path = absl::StrCat("/v27.0/", kAdSetId);
  for (const Params& params :
       {Params{{"promoted_object", R"({"pixel_id":"1","custom_event_type":"PURCHASE"})"}},
        Params{{"optimization_goal", "LANDING_PAGE_VIEWS"}, {"status", "PAUSED"}}}) {
    const Answer answer = Send("POST", path, params);
    EXPECT_EQ(answer.status, 400);
    EXPECT_EQ(answer.error()["code"], 100);
    EXPECT_EQ(answer.error()["error_subcode"], 3260011);
  }
  const std::optional<FakeAdSet> unchanged = graph_.FindAdSet(kAdSetId);
  ASSERT_TRUE(unchanged.has_value());
  EXPECT_EQ(unchanged->custom_event_type, "ADD_TO_CART");
  EXPECT_EQ(unchanged->status, "ACTIVE");  // all or nothing
}

TEST_F(FakeGraphTest, WritesAreCountedInTotalAndByPath) {
  AddAds(graph_);
  Send("POST", "/v27.0/act_1001/adsets", NewAdSetParams());
  Send("POST", "/v27.0/6001/copies", {{"adset_id", kAdSetId}});
  Send("POST", "/v27.0/6002/copies", {{"adset_id", kAdSetId}});
  Send("POST", "/v27.0/act_1001/adsets", {});  // refused, still a call
  Get("/v27.0/act_1001/adsets");
  EXPECT_EQ(graph_.write_count(), 4);
  EXPECT_EQ(graph_.write_count("/copies"), 2);
  EXPECT_EQ(graph_.write_count("act_1001/adsets"), 2);
  EXPECT_EQ(graph_.write_count("/6001/copies"), 1);
}

TEST_F(FakeGraphTest, DeniedAccountRefusesWritesOnItsObjects) {
  AddAds(graph_);
  graph_.DenyAccount("1001", 200);
  const Answer write = Send("POST", absl::StrCat("/v27.0/", kAdSetId), {{"status", "PAUSED"}});
  EXPECT_EQ(write.error()["code"], 200);
  EXPECT_EQ(write.error()["message"],
            "(#200) Requires ads_management permission to manage the object");
  EXPECT_EQ(Send("POST", "/v27.0/6001/copies", {}).error()["code"], 200);
  EXPECT_EQ(Get(absl::StrCat("/v27.0/", kAdSetId, "/ads")).error()["code"], 200);
  EXPECT_EQ(graph_.FindAdSet(kAdSetId)->status, "ACTIVE");
}

TEST_F(FakeGraphTest, DenyWritesKeepsReadsAndAsyncReports) {
  AddAds(graph_);
  graph_.DenyWrites("1001");
  for (const std::string& path : std::vector<std::string>{
           "/v27.0/act_1001/adsets", absl::StrCat("/v27.0/", kAdSetId), "/v27.0/6001/copies"}) {
    const Answer answer = Send("POST", path, NewAdSetParams());
    EXPECT_EQ(answer.error()["code"], 200) << path;
    EXPECT_THAT(answer.error()["message"].get<std::string>(), HasSubstr("ads_management")) << path;
  }
  EXPECT_EQ(Get(absl::StrCat("/v27.0/", kAdSetId), {{"fields", "name"}}).status, 200);
  EXPECT_EQ(Send("POST", "/v27.0/act_1001/insights", InsightsParams()).status, 200);
  EXPECT_EQ(Column({Get("/v27.0/act_1001/adsets")}, "id").size(), 3u);
}

TEST_F(FakeGraphTest, ScriptedAnswersApplyToPostsDoneOrNot) {
  graph_.FailNext("act_1001/adsets", FakeGraph::ServerError());
  EXPECT_EQ(Send("POST", "/v27.0/act_1001/adsets", NewAdSetParams()).status, 500);
  EXPECT_EQ(Column({Get("/v27.0/act_1001/adsets")}, "id").size(), 3u);  // not done

  graph_.LoseNextAnswer("act_1001/adsets", FakeGraph::ServerError());
  EXPECT_EQ(Send("POST", "/v27.0/act_1001/adsets", NewAdSetParams()).status, 500);
  EXPECT_EQ(Column({Get("/v27.0/act_1001/adsets")}, "id").size(), 4u);  // done, answer lost
}

// --- Insights ----------------------------------------------------------------

TEST_F(FakeGraphTest, InsightsRowsByAdSetThenDateWithOnlyTheFieldsAsked) {
  const Answer answer = Get("/v27.0/act_1001/insights", InsightsParams());
  ASSERT_EQ(answer.status, 200) << answer.body;
  ASSERT_EQ(answer.json["data"].size(), 9u);
  EXPECT_EQ(answer.json["data"][0], Json::parse(R"({
      "adset_id":"23850000000000001","adset_name":"Ad set 23850000000000001",
      "campaign_id":"cmp_23850000000000001","account_id":"1001","spend":"10.50",
      "actions":[{"action_type":"omni_add_to_cart","value":"7"},
                 {"action_type":"add_to_cart","value":"7"},
                 {"action_type":"offsite_conversion.fb_pixel_add_to_cart","value":"7"}],
      "date_start":"2025-05-05","date_stop":"2025-05-11"})"));
  EXPECT_THAT(Column({answer}, "date_start"),
              ElementsAre("2025-05-05", "2025-05-12", "2025-05-19", "2025-05-05", "2025-05-12",
                          "2025-05-19", "2025-05-05", "2025-05-12", "2025-05-19"));
  EXPECT_FALSE(answer.json["paging"].contains("next"));

  Params narrow = InsightsParams();
  narrow.find("fields")->second = "adset_id";
  const Answer dates_only = Get("/v27.0/act_1001/insights", narrow);
  // Meta adds the dates to every row.
  EXPECT_EQ(dates_only.json["data"][0], Json::parse(R"({"adset_id":"23850000000000001",
      "date_start":"2025-05-05","date_stop":"2025-05-11"})"));
}

TEST_F(FakeGraphTest, InsightsOmitSpendAndActionsWhenARowHasNone) {
  graph_.EditAccount("1001", [](FakeAccount& account) {
    for (FakeInsightsRow& row : account.rows) {
      row.spend.clear();
      row.actions.clear();
    }
  });
  const Answer answer = Get("/v27.0/act_1001/insights", InsightsParams());
  ASSERT_FALSE(answer.json["data"].empty());
  EXPECT_FALSE(answer.json["data"][0].contains("spend"));
  EXPECT_FALSE(answer.json["data"][0].contains("actions"));
}

TEST_F(FakeGraphTest, InsightsKeepToTheTimeRange) {
  const Answer answer = Get("/v27.0/act_1001/insights",
                            InsightsParams(R"({"since":"2025-05-12","until":"2025-05-18"})"));
  EXPECT_THAT(Column({answer}, "date_start"),
              ElementsAre("2025-05-12", "2025-05-12", "2025-05-12"));
}

TEST_F(FakeGraphTest, InsightsCountChunksFromANonMondaySince) {
  const Answer answer = Get("/v27.0/act_1001/insights",
                            InsightsParams(R"({"since":"2025-05-07","until":"2025-05-25"})"));
  // Weeks of 05-05, 05-12, 05-19 come back as chunks from Wednesday 05-07 on; the last one
  // stops at `until`.
  EXPECT_THAT(Column({answer}, "date_start"),
              ElementsAre("2025-05-07", "2025-05-14", "2025-05-21", "2025-05-07", "2025-05-14",
                          "2025-05-21", "2025-05-07", "2025-05-14", "2025-05-21"));
  EXPECT_EQ(answer.json["data"][2]["date_stop"], "2025-05-25");
}

TEST_F(FakeGraphTest, InsightsRefuseAMissingOrBadTimeRangeOrLevel) {
  Params no_range = InsightsParams();
  no_range.erase("time_range");
  Params bad_range = InsightsParams(R"({"since":"2025-05-05"})");
  Params bad_level = InsightsParams();
  bad_level.find("level")->second = "ad_set";
  Params bad_field = InsightsParams();
  bad_field.find("fields")->second = "adset_id,conversions_typo";
  const std::pair<Params, std::string> cases[] = {{no_range, "time_range"},
                                                  {bad_range, "time_range"},
                                                  {bad_level, "level"},
                                                  {bad_field, "conversions_typo"}};
  for (const auto& [params, named] : cases) {
    const Answer answer = Get("/v27.0/act_1001/insights", params);
    EXPECT_EQ(answer.status, 400) << named;
    EXPECT_EQ(answer.error()["code"], 100) << named;
    EXPECT_THAT(answer.error()["message"].get<std::string>(), StartsWith("(#100)")) << named;
    EXPECT_THAT(answer.error()["message"].get<std::string>(), HasSubstr(named));
  }
}

TEST_F(FakeGraphTest, InsightsPageAt25ByDefaultAndFollowNextToTheEnd) {
  graph_.EditAccount("1001", [](FakeAccount& account) {
    account.rows.clear();
    for (int i = 0; i < 30; ++i) {
      account.rows.push_back(
          Row(absl::StrCat("2385000000000", 1000 + i), "2025-05-12", "1.00", {}));
    }
  });
  const std::vector<Answer> pages = AllPages(Get("/v27.0/act_1001/insights", InsightsParams()));
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_EQ(pages[0].json["data"].size(), 25u);
  EXPECT_EQ(pages[1].json["data"].size(), 5u);
  const std::string next = pages[0].json["paging"]["next"];
  EXPECT_THAT(next, HasSubstr(absl::StrCat("access_token=", kToken)));
  EXPECT_THAT(next, HasSubstr("time_range=%7B%22since%22%3A%222025-05-05%22"));
  EXPECT_EQ(Column(pages, "adset_id").back(), "23850000000001029");
}

TEST_F(FakeGraphTest, MaxPageSizeCapsTheLimit) {
  graph_.SetMaxPageSize(4);
  Params params = InsightsParams();
  params.emplace("limit", "500");
  const std::vector<Answer> pages = AllPages(Get("/v27.0/act_1001/insights", params));
  ASSERT_EQ(pages.size(), 3u);
  EXPECT_EQ(pages[0].json["data"].size(), 4u);
  EXPECT_EQ(Column(pages, "adset_id").size(), 9u);
}

TEST_F(FakeGraphTest, EmptyInsightsPageStillCarriesNext) {
  graph_.SetMaxPageSize(4);
  graph_.InsertEmptyInsightsPage("1001");
  const std::vector<Answer> pages = AllPages(Get("/v27.0/act_1001/insights", InsightsParams()));
  ASSERT_EQ(pages.size(), 4u);
  EXPECT_EQ(pages[0].json["data"].size(), 4u);
  EXPECT_TRUE(pages[1].json["data"].empty());
  EXPECT_TRUE(pages[1].json["paging"].contains("next"));
  EXPECT_EQ(Column(pages, "adset_id").size(), 9u);
}

TEST_F(FakeGraphTest, RepeatedCursorNeverEnds) {
  graph_.SetMaxPageSize(4);
  graph_.RepeatInsightsCursor("1001");
  const std::vector<Answer> pages = AllPages(Get("/v27.0/act_1001/insights", InsightsParams()));
  EXPECT_EQ(pages.size(), 20u);  // AllPages' own cap
  EXPECT_EQ(pages[1].json["paging"]["next"], pages[0].json["paging"]["next"]);
  EXPECT_EQ(pages[19].json["paging"]["next"], pages[0].json["paging"]["next"]);
}

TEST_F(FakeGraphTest, EditsBetweenSyncsShowOnTheNextRead) {
  graph_.EditAccount("1001", [](FakeAccount& account) {
    account.rows[0].actions = {{"omni_purchase", "3"}};
    account.rows.push_back(Row("23850000000000009", "2025-05-19", "99.99", {}));
  });
  const Answer answer = Get("/v27.0/act_1001/insights", InsightsParams());
  ASSERT_EQ(answer.json["data"].size(), 10u);
  EXPECT_EQ(answer.json["data"][0]["actions"][0]["action_type"], "omni_purchase");
  EXPECT_EQ(answer.json["data"][9]["spend"], "99.99");
  // An ad set the account does not list: the row has no name or campaign.
  EXPECT_FALSE(answer.json["data"][9].contains("adset_name"));
}

// --- Async reports -------------------------------------------------------------

TEST_F(FakeGraphTest, RequireAsyncAnswersReduceDataWithHttp500) {
  graph_.RequireAsync("1001");
  const Answer answer = Get("/v27.0/act_1001/insights", InsightsParams());
  EXPECT_EQ(answer.status, 500);
  EXPECT_EQ(answer.error()["code"], 1);
  EXPECT_EQ(answer.error()["error_subcode"], 99);
  EXPECT_THAT(answer.error()["message"].get<std::string>(), HasSubstr("reduce the amount of data"));
}

TEST_F(FakeGraphTest, AsyncReportWalksItsScriptAndServesPagesOnceCompleted) {
  graph_.RequireAsync("1001");
  graph_.SetAsyncScript("1001", {{"Job Running", 0}, {"Job Running", 100}, {"Job Completed", 100}});
  const Answer started = Send("POST", "/v27.0/act_1001/insights", InsightsParams());
  ASSERT_EQ(started.status, 200) << started.body;
  const std::string id = started.json["report_run_id"];
  EXPECT_FALSE(id.empty());
  EXPECT_EQ(id.find_first_not_of("0123456789"), std::string::npos);

  const Params status_fields = {{"fields", "async_status,async_percent_completion"}};
  std::vector<std::pair<std::string, int>> seen;
  for (int poll = 0; poll < 4; ++poll) {
    const Answer status = Get("/v27.0/" + id, status_fields);
    EXPECT_EQ(status.json["id"], id);
    seen.emplace_back(status.json["async_status"], status.json["async_percent_completion"]);
    if (poll == 1) {
      // 100% while still running is not done.
      const Answer early = Get("/v27.0/" + id + "/insights");
      EXPECT_EQ(early.status, 400);
      EXPECT_EQ(early.error()["code"], 2601);
      EXPECT_EQ(early.error()["error_subcode"], 1815107);
      EXPECT_EQ(early.error()["is_transient"], true);
    }
  }
  EXPECT_THAT(seen, ElementsAre(std::pair<std::string, int>{"Job Running", 0},
                                std::pair<std::string, int>{"Job Running", 100},
                                std::pair<std::string, int>{"Job Completed", 100},
                                std::pair<std::string, int>{"Job Completed", 100}));
  graph_.SetMaxPageSize(5);
  const std::vector<Answer> pages = AllPages(Get("/v27.0/" + id + "/insights", {{"limit", "500"}}));
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_THAT(pages[0].json["paging"]["next"].get<std::string>(),
              StartsWith(graph_.base_url() + "/v27.0/" + id + "/insights?access_token="));
  EXPECT_EQ(Column(pages, "adset_id").size(), 9u);
  EXPECT_EQ(Column(pages, "spend").front(), "10.50");
}

TEST_F(FakeGraphTest, EachReportTakesTheNextScriptAndTheLastRepeats) {
  graph_.SetAsyncScript("1001", {{"Job Running", 0}, {"Job Failed", 0}});
  graph_.SetAsyncScript("1001", {{"Job Completed", 100}});
  std::vector<std::string> last_states;
  for (int report = 0; report < 3; ++report) {
    const Answer started = Send("POST", "/v27.0/act_1001/insights", InsightsParams());
    const std::string id = started.json["report_run_id"];
    std::string last;
    for (int poll = 0; poll < 3; ++poll) {
      last = Get("/v27.0/" + id, {{"fields", "async_status"}}).json["async_status"];
    }
    last_states.push_back(last);
    const Answer read = Get("/v27.0/" + id + "/insights");
    EXPECT_EQ(read.status, last == "Job Completed" ? 200 : 400) << report;
  }
  EXPECT_THAT(last_states, ElementsAre("Job Failed", "Job Completed", "Job Completed"));
}

TEST_F(FakeGraphTest, AsyncReportParamsComeInTheFormBodyAndAreRecorded) {
  const Answer started = Send("POST", "/v27.0/act_1001/insights", InsightsParams());
  ASSERT_EQ(started.status, 200) << started.body;
  const std::vector<RecordedRequest> requests = graph_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(graph_.request_count(), 1);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].path, "/v27.0/act_1001/insights");
  const auto range = requests[0].params.find("time_range");
  ASSERT_NE(range, requests[0].params.end());
  EXPECT_EQ(range->second, kRange);  // decoded
  EXPECT_EQ(requests[0].params.count("access_token"), 1u);
  EXPECT_EQ(requests[0].headers.count("Content-Type"), 1u);
}

TEST_F(FakeGraphTest, UnknownReportIsCode100) {
  const Answer answer = Get("/v27.0/123456", {{"fields", "async_status"}});
  EXPECT_EQ(answer.error()["code"], 100);
  EXPECT_EQ(answer.error()["error_subcode"], 33);
}

// --- Scripted failures, throttling, usage headers -------------------------------

TEST_F(FakeGraphTest, ScriptedFailuresAreConsumedInOrderByPathSuffix) {
  graph_.FailNext("/insights", FakeGraph::ServerError(), 2);
  graph_.FailNext("/insights", FakeGraph::NotJson());
  const Answer adsets = Get("/v27.0/act_1001/adsets");  // not matched
  EXPECT_EQ(adsets.status, 200);
  std::vector<int> statuses;
  for (int i = 0; i < 4; ++i)
    statuses.push_back(Get("/v27.0/act_1001/insights", InsightsParams()).status);
  EXPECT_THAT(statuses, ElementsAre(500, 500, 502, 200));
}

TEST_F(FakeGraphTest, ScriptedFailureComesBeforeTheTokenCheck) {
  graph_.FailNext("act_1001", FakeGraph::Error(190, 460, "Session invalidated"));
  const Answer answer = Get("/v27.0/act_1001", {{"access_token", "whatever"}}, false);
  EXPECT_EQ(answer.error()["code"], 190);
  EXPECT_EQ(answer.error()["error_subcode"], 460);
  EXPECT_EQ(answer.error()["message"], "Session invalidated");
}

TEST_F(FakeGraphTest, ErrorHelperShapesMetasError) {
  graph_.FailNext("/adsets", FakeGraph::Error(2, 0, "Service temporarily unavailable",
                                              "OAuthException", true, 503));
  const Answer answer = Get("/v27.0/act_1001/adsets");
  EXPECT_EQ(answer.status, 503);
  EXPECT_EQ(answer.error()["code"], 2);
  EXPECT_FALSE(answer.error().contains("error_subcode"));
  EXPECT_EQ(answer.error()["is_transient"], true);
  EXPECT_THAT(answer.error()["fbtrace_id"].get<std::string>(), StartsWith("A"));
}

TEST_F(FakeGraphTest, ServerErrorAndNotJson) {
  graph_.FailNext("act_1001", FakeGraph::ServerError());
  graph_.FailNext("act_1001", FakeGraph::NotJson(200));
  const Answer server = Get("/v27.0/act_1001");
  EXPECT_EQ(server.status, 500);
  EXPECT_EQ(server.error()["is_transient"], true);
  const Answer html = Get("/v27.0/act_1001");
  EXPECT_EQ(html.status, 200);
  EXPECT_TRUE(html.json.is_discarded()) << html.body;
  EXPECT_THAT(html.header("Content-Type"), StartsWith("text/html"));
}

TEST_F(FakeGraphTest, ThrottledCarriesTheTimeToRegainAccess) {
  graph_.SetUsageHeaders(R"({"1001":[{"type":"ads_insights","call_count":80}]})", "", "");
  graph_.FailNext("/insights", FakeGraph::Throttled(80000, 7));
  const Answer answer = Get("/v27.0/act_1001/insights", InsightsParams());
  EXPECT_EQ(answer.status, 400);
  EXPECT_EQ(answer.error()["code"], 80000);
  EXPECT_EQ(answer.error()["error_subcode"], 2446079);
  EXPECT_EQ(answer.error()["is_transient"], true);
  EXPECT_THAT(answer.error()["message"].get<std::string>(),
              HasSubstr("too many calls from this ad-account"));
  const Json usage = Json::parse(answer.header("X-Business-Use-Case-Usage"), nullptr, false);
  ASSERT_TRUE(usage.is_object()) << answer.header("X-Business-Use-Case-Usage");
  const Json& entry = usage.begin().value()[0];
  EXPECT_EQ(entry["type"], "ads_insights");
  EXPECT_EQ(entry["call_count"], 100);
  EXPECT_EQ(entry["estimated_time_to_regain_access"], 7);

  for (const int code : {4, 17, 32, 613, 80004}) {
    graph_.FailNext("/adsets", FakeGraph::Throttled(code, 1));
    EXPECT_EQ(Get("/v27.0/act_1001/adsets").error()["code"], code);
  }
}

TEST_F(FakeGraphTest, UsageHeadersGoOnEveryAnswerErrorsIncluded) {
  graph_.SetUsageHeaders(R"({"1001":[{"type":"ads_insights","call_count":80}]})",
                         R"({"acc_id_util_pct":9.67,"reset_time_duration":0})",
                         R"({"app_id_util_pct":0,"acc_id_util_pct":76})");
  const Answer ok = Get("/v27.0/act_1001");
  const Answer error = Get("/v27.0/act_999");
  for (const Answer* answer : {&ok, &error}) {
    EXPECT_EQ(answer->header("X-Business-Use-Case-Usage"),
              R"({"1001":[{"type":"ads_insights","call_count":80}]})");
    EXPECT_EQ(answer->header("X-Ad-Account-Usage"),
              R"({"acc_id_util_pct":9.67,"reset_time_duration":0})");
    EXPECT_EQ(answer->header("X-FB-Ads-Insights-Throttle"),
              R"({"app_id_util_pct":0,"acc_id_util_pct":76})");
  }
  graph_.SetUsageHeaders("", R"({"acc_id_util_pct":1})", "");
  const Answer later = Get("/v27.0/act_1001");
  EXPECT_EQ(later.header("X-Business-Use-Case-Usage"), "<absent>");
  EXPECT_EQ(later.header("X-Ad-Account-Usage"), R"({"acc_id_util_pct":1})");
}

TEST_F(FakeGraphTest, RecordsEveryRequestInOrder) {
  Get("/v27.0/act_1001", {{"fields", "id"}});
  Get("/v27.0/act_1001/adsets");
  Get("/v27.0/act_999");
  const std::vector<RecordedRequest> requests = graph_.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(graph_.request_count(), 3);
  EXPECT_EQ(requests[0].path, "/v27.0/act_1001");
  EXPECT_EQ(requests[0].params.find("fields")->second, "id");
  EXPECT_EQ(requests[1].path, "/v27.0/act_1001/adsets");
  EXPECT_EQ(requests[2].path, "/v27.0/act_999");
  EXPECT_EQ(requests[2].method, "GET");

  graph_.SetRecording(false);
  Get("/v27.0/act_1001");
  EXPECT_EQ(graph_.requests().size(), 3u);
  EXPECT_EQ(graph_.request_count(), 4);
}

// --- Generated accounts ---------------------------------------------------------

TEST_F(FakeGraphTest, GeneratedAccountServesRowsMadeOnRequest) {
  GeneratedAccount generated;
  generated.account.id = "2002";
  generated.ad_set_count = 7;
  generated.rows_per_ad_set = 3;
  generated.ad_set = [](int64_t i) { return AdSet(absl::StrCat("238500000000001", 10 + i), ""); };
  generated.row = [](int64_t i, int week) {
    const std::string mondays[] = {"2025-05-05", "2025-05-12", "2025-05-19"};
    return Row(absl::StrCat("238500000000001", 10 + i), mondays[week], absl::StrCat(i, ".00"), {});
  };
  graph_.AddGeneratedAccount(std::move(generated));
  Params params = InsightsParams();
  params.emplace("limit", "6");
  const std::vector<Answer> pages = AllPages(Get("/v27.0/act_2002/insights", params));
  ASSERT_EQ(pages.size(), 4u);
  const std::vector<std::string> ids = Column(pages, "adset_id");
  ASSERT_EQ(ids.size(), 21u);
  EXPECT_EQ(ids[3], "23850000000000111");
  EXPECT_EQ(Column(pages, "adset_name")[20], "Ad set 23850000000000116");
  const std::vector<Answer> ad_sets =
      AllPages(Get("/v27.0/act_2002/adsets", {{"fields", "id"}, {"limit", "5"}}));
  EXPECT_EQ(Column(ad_sets, "id").size(), 7u);
}

}  // namespace
}  // namespace rung::testing
