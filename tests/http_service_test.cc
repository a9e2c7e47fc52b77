// The dashboard routes end to end: the spec scenarios ingested and evaluated
// over gRPC into a real SQLite file, then read over real HTTP and compared
// with what gRPC answers.

#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "api/dashboard_page.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "support/daemon_fixture.h"

namespace rung {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using test_support::WeekAt;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// An id with the characters a path must carry percent-encoded.
constexpr char kOddId[] = "as:5.b/c";
constexpr char kOddIdEncoded[] = "as%3A5.b%2Fc";

template <typename Message>
Message ParseJson(const std::string& json) {
  Message message;
  const auto status = google::protobuf::util::JsonStringToMessage(json, &message);
  EXPECT_TRUE(status.ok()) << status.ToString() << "\n" << json;
  return message;
}

// The {"error": {...}} object of an error answer.
struct ApiError {
  double code = 0;
  std::string status;
  std::string message;
};

ApiError ParseError(const std::string& json) {
  const auto parsed = ParseJson<google::protobuf::Struct>(json);
  const auto& error = parsed.fields().at("error").struct_value().fields();
  return {error.at("code").number_value(), error.at("status").string_value(),
          error.at("message").string_value()};
}

std::vector<std::string> AdSetIds(const v1::ListRecommendationsResponse& response) {
  std::vector<std::string> ids;
  for (const auto& rec : response.recommendations()) ids.push_back(rec.ad_set_id());
  return ids;
}

class HttpServiceTest : public test_support::DaemonFixture {
 protected:
  // Every scenario in act_1 as as_s<n>, and scenario 5 (HOLD) again in act_2
  // under an id that needs encoding; evaluated at week 2.
  void SetUp() override {
    DaemonFixture::SetUp();
    for (const auto& scenario : test_support::SpecScenarios()) {
      const std::string id = absl::StrCat("as_s", scenario.number);
      Ingest(test_support::ScenarioRecords(scenario, "act_1", id));
      all_ids_.insert(id);
      if (scenario.number == 5) Ingest(test_support::ScenarioRecords(scenario, "act_2", kOddId));
    }
    all_ids_.insert(kOddId);
    MustEvaluate(WeekAt(2));
  }

  // GET `path`; fails the test when there is no answer at all.
  httplib::Result Get(const std::string& path, const httplib::Headers& headers = {}) {
    httplib::Client http = Http();
    httplib::Result result = http.Get(path.c_str(), headers);
    EXPECT_TRUE(result) << path << ": " << httplib::to_string(result.error());
    return result;
  }

  // The body of a 200 answer to GET `path`.
  std::string GetOk(const std::string& path) {
    httplib::Result result = Get(path);
    if (!result) return "";
    EXPECT_EQ(result->status, 200) << path << ": " << result->body;
    EXPECT_EQ(result->get_header_value("Content-Type"), "application/json") << path;
    return result->body;
  }

  v1::ListRecommendationsResponse GrpcList(const v1::ListRecommendationsRequest& request) {
    v1::ListRecommendationsResponse response;
    grpc::ClientContext context;
    const grpc::Status status = stub_->ListRecommendations(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  v1::Recommendation GrpcRecommendation(const std::string& ad_set_id) {
    v1::GetRecommendationRequest request;
    request.set_ad_set_id(ad_set_id);
    v1::GetRecommendationResponse response;
    grpc::ClientContext context;
    const grpc::Status status = stub_->GetRecommendation(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.recommendation();
  }

  std::set<std::string> all_ids_;
};

TEST_F(HttpServiceTest, ListRecommendationsIsGrpcsAnswerInJson) {
  const std::string json = GetOk("/v1/recommendations");
  const auto http = ParseJson<v1::ListRecommendationsResponse>(json);
  EXPECT_TRUE(MessageDifferencer::Equals(http, GrpcList({}))) << http.DebugString();
  EXPECT_EQ(http.recommendations_size(), static_cast<int>(all_ids_.size()));
  // protobuf's JSON mapping: lowerCamelCase, enums by name, zeros printed.
  EXPECT_THAT(json, HasSubstr("\"asOfWeek\":\"" + WeekAt(2) + "\""));
  EXPECT_THAT(json, HasSubstr("\"action\":\"ACTION_MOVE_DOWN\""));
  EXPECT_THAT(json, HasSubstr("\"climbTestId\":\"\""));
  EXPECT_THAT(json, HasSubstr("\"nextPageToken\":\"\""));
}

TEST_F(HttpServiceTest, FiltersTakeRepeatsCommaListsAndShortNamesInAnyCase) {
  // Ids in byte order, as lists are: ':' sorts before '_'.
  const std::vector<std::string> hold_or_move_down = {kOddId, "as_s1", "as_s5", "as_s6"};
  struct Case {
    std::string query;
    std::vector<std::string> ids;
  };
  const Case cases[] = {
      {"action=ACTION_HOLD&action=ACTION_MOVE_DOWN", hold_or_move_down},
      {"action=ACTION_HOLD,ACTION_MOVE_DOWN", hold_or_move_down},
      {"action=hold&action=Move_Down", hold_or_move_down},
      {"action=HOLD,%20move_down,", hold_or_move_down},
      {"action=HOLD&account_id=act_2", {kOddId}},
      {"action=CONSOLIDATE", {"as_s10"}},
      {"action=", std::vector<std::string>(all_ids_.begin(), all_ids_.end())},
  };
  for (const Case& c : cases) {
    const auto response =
        ParseJson<v1::ListRecommendationsResponse>(GetOk("/v1/recommendations?" + c.query));
    EXPECT_EQ(AdSetIds(response), c.ids) << c.query;
  }
}

TEST_F(HttpServiceTest, FlagFilterMatchesGrpc) {
  v1::ListRecommendationsRequest request;
  request.add_flags(v1::FLAG_NEAR_EXIT);
  request.add_flags(v1::FLAG_FUNNEL_INVERSION);
  const auto expected = GrpcList(request);
  const auto by_name = ParseJson<v1::ListRecommendationsResponse>(
      GetOk("/v1/recommendations?flag=near_exit&flag=FLAG_FUNNEL_INVERSION"));
  EXPECT_TRUE(MessageDifferencer::Equals(by_name, expected)) << by_name.DebugString();
  EXPECT_THAT(AdSetIds(by_name), ::testing::IsSupersetOf({"as_s5", "as_s9", kOddId}));
  EXPECT_LT(by_name.recommendations_size(), static_cast<int>(all_ids_.size()));
}

TEST_F(HttpServiceTest, PagesFollowTheToken) {
  httplib::Client http = Http();
  std::vector<std::string> ids;
  std::string token;
  int pages = 0;
  do {
    httplib::Params params = {{"page_size", "3"}};
    if (!token.empty()) params.emplace("page_token", token);
    httplib::Result result = http.Get("/v1/recommendations", params, httplib::Headers());
    ASSERT_TRUE(result);
    ASSERT_EQ(result->status, 200) << result->body;
    const auto page = ParseJson<v1::ListRecommendationsResponse>(result->body);
    EXPECT_LE(page.recommendations_size(), 3);
    for (const auto& id : AdSetIds(page)) ids.push_back(id);
    token = page.next_page_token();
    ASSERT_LT(++pages, 10);
  } while (!token.empty());
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(ids, std::vector<std::string>(all_ids_.begin(), all_ids_.end()));
}

TEST_F(HttpServiceTest, BadParametersAre400NamingTheParameter) {
  struct Case {
    std::string path;
    std::string message_prefix;
  };
  const Case cases[] = {
      {"/v1/recommendations?as_of_week=2026-09-08", "as_of_week: "},
      {"/v1/recommendations?action=HOLDX", "action: \"HOLDX\" is not an action"},
      {"/v1/recommendations?action=HOLD,ACTION_UNSPECIFIED", "action: \"ACTION_UNSPECIFIED\""},
      {"/v1/recommendations?flag=LOUD", "flag: \"LOUD\" is not a flag"},
      {"/v1/recommendations?page_size=-1", "page_size: "},
      {"/v1/recommendations?page_size=ten", "page_size: \"ten\""},
      {"/v1/recommendations?page_token=forged", "page_token: "},
      {"/v1/recommendations?colour=red", "unknown query parameter \"colour\""},
      {"/v1/recommendations?account_id=act_1&account_id=act_2", "account_id: given 2 times"},
      {"/v1/adsets/as_s1/history?from_week=last", "from_week: "},
      {"/v1/adsets/as_s1/recommendation?as_of_week=2026-13-01", "as_of_week: "},
      {"/v1/adsets/as_s1?as_of_week=2026-09-07", "unknown query parameter \"as_of_week\""},
      {"/v1/adsets/as%zz/history", "ad_set_id: malformed percent-encoding"},
      {"/v1/adsets?page_size=-5", "page_size: "},
      {"/v1/climbtests?state=DONE", "state: \"DONE\" is not a climb test state"},
      {"/healthz?verbose=1", "unknown query parameter \"verbose\""},
  };
  for (const Case& c : cases) {
    httplib::Result result = Get(c.path);
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 400) << c.path << ": " << result->body;
    EXPECT_EQ(result->get_header_value("Content-Type"), "application/json");
    const ApiError error = ParseError(result->body);
    EXPECT_EQ(error.code, 400) << c.path;
    EXPECT_EQ(error.status, "INVALID_ARGUMENT") << c.path;
    EXPECT_THAT(error.message, StartsWith(c.message_prefix)) << c.path;
  }
}

TEST_F(HttpServiceTest, UnknownAdSetsAndPathsAre404Json) {
  const std::string paths[] = {
      "/v1/adsets/nope/recommendation", "/v1/adsets/nope/history", "/v1/adsets/nope", "/v1/nothing",
      "/v1/adsets/as_s1/history/extra", "/v1/adsets//history",
  };
  for (const std::string& path : paths) {
    httplib::Result result = Get(path);
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 404) << path << ": " << result->body;
    EXPECT_EQ(result->get_header_value("Content-Type"), "application/json") << path;
    EXPECT_FALSE(result->has_header("ETag")) << path;
    const ApiError error = ParseError(result->body);
    EXPECT_EQ(error.code, 404) << path;
    EXPECT_EQ(error.status, "NOT_FOUND") << path;
    EXPECT_FALSE(error.message.empty()) << path;
  }
}

TEST_F(HttpServiceTest, OtherMethodsAre405WithAllow) {
  httplib::Client http = Http();
  const httplib::Result results[] = {
      http.Post("/v1/recommendations", "{}", "application/json"),
      http.Delete("/v1/adsets/as_s1"),
      http.Put("/v1/adsets/as_s1/history", "", "text/plain"),
      http.Post("/metrics", "", "text/plain"),
  };
  for (const httplib::Result& result : results) {
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 405) << result->body;
    EXPECT_THAT(result->get_header_value("Allow"), StartsWith("GET"));
    EXPECT_EQ(ParseError(result->body).code, 405);
  }
}

TEST_F(HttpServiceTest, PercentEncodedIdsReachTheAdSet) {
  const auto rec = ParseJson<v1::Recommendation>(
      GetOk(absl::StrCat("/v1/adsets/", kOddIdEncoded, "/recommendation")));
  EXPECT_EQ(rec.ad_set_id(), kOddId);
  EXPECT_EQ(rec.action(), v1::ACTION_HOLD);
  const auto ad_set = ParseJson<v1::AdSet>(GetOk(absl::StrCat("/v1/adsets/", kOddIdEncoded)));
  EXPECT_EQ(ad_set.ad_set_id(), kOddId);
  EXPECT_EQ(ad_set.account_id(), "act_2");
  const auto history = ParseJson<v1::GetAdSetHistoryResponse>(
      GetOk(absl::StrCat("/v1/adsets/", kOddIdEncoded, "/history")));
  ASSERT_EQ(history.weeks_size(), 3);
  EXPECT_EQ(history.weeks(0).ad_set_id(), kOddId);
}

TEST_F(HttpServiceTest, RecommendationIsTheMessageItself) {
  const auto latest = ParseJson<v1::Recommendation>(GetOk("/v1/adsets/as_s1/recommendation"));
  EXPECT_TRUE(MessageDifferencer::Equals(latest, GrpcRecommendation("as_s1")))
      << latest.DebugString();
  EXPECT_EQ(latest.action(), v1::ACTION_MOVE_DOWN);
  EXPECT_EQ(latest.target_event(), "AddToCart");
  const auto of_week = ParseJson<v1::Recommendation>(
      GetOk("/v1/adsets/as_s1/recommendation?as_of_week=" + WeekAt(2)));
  EXPECT_TRUE(MessageDifferencer::Equals(of_week, latest));
  EXPECT_EQ(Get("/v1/adsets/as_s1/recommendation?as_of_week=" + WeekAt(1))->status, 404);
}

TEST_F(HttpServiceTest, HistoryHonoursItsBounds) {
  v1::GetAdSetHistoryRequest request;
  request.set_ad_set_id("as_s2");
  v1::GetAdSetHistoryResponse expected;
  grpc::ClientContext context;
  ASSERT_TRUE(stub_->GetAdSetHistory(&context, request, &expected).ok());
  const auto all = ParseJson<v1::GetAdSetHistoryResponse>(GetOk("/v1/adsets/as_s2/history"));
  EXPECT_TRUE(MessageDifferencer::Equals(all, expected)) << all.DebugString();
  EXPECT_EQ(all.weeks(0).event_counts().at("AddToCart"), 85);

  const auto bounded = ParseJson<v1::GetAdSetHistoryResponse>(GetOk(
      absl::StrCat("/v1/adsets/as_s2/history?from_week=", WeekAt(1), "&to_week=", WeekAt(2))));
  ASSERT_EQ(bounded.weeks_size(), 2);
  EXPECT_EQ(bounded.weeks(0).week_start(), WeekAt(1));
  EXPECT_EQ(bounded.weeks(1).week_start(), WeekAt(2));
}

TEST_F(HttpServiceTest, AdSetsListAndSingle) {
  const auto act_2 = ParseJson<v1::ListAdSetsResponse>(GetOk("/v1/adsets?account_id=act_2"));
  ASSERT_EQ(act_2.ad_sets_size(), 1);
  EXPECT_EQ(act_2.ad_sets(0).ad_set_id(), kOddId);

  const auto first = ParseJson<v1::ListAdSetsResponse>(GetOk("/v1/adsets?page_size=2"));
  EXPECT_EQ(first.ad_sets_size(), 2);
  EXPECT_FALSE(first.next_page_token().empty());

  const auto one = ParseJson<v1::AdSet>(GetOk("/v1/adsets/as_s3"));
  EXPECT_EQ(one.ad_set_id(), "as_s3");
  EXPECT_EQ(one.optimization_event(), "AddToCart");
  EXPECT_EQ(one.first_week(), WeekAt(0));
  EXPECT_EQ(one.last_week(), WeekAt(2));
  EXPECT_EQ(one.week_count(), 3);
}

TEST_F(HttpServiceTest, AnAccountIsItsRecordedSyncWithItsCurrency) {
  const ApiError unknown = ParseError(Get("/v1/accounts/act_1")->body);
  EXPECT_EQ(unknown.status, "NOT_FOUND");
  v1::RecordAccountSyncRequest request;
  request.mutable_account()->set_account_id("act_1");
  request.mutable_account()->set_currency("EUR");
  v1::RecordAccountSyncResponse recorded;
  grpc::ClientContext context;
  ASSERT_TRUE(stub_->RecordAccountSync(&context, request, &recorded).ok());

  const auto account = ParseJson<v1::Account>(GetOk("/v1/accounts/act_1"));

  EXPECT_TRUE(MessageDifferencer::Equals(account, recorded.account())) << account.DebugString();
  EXPECT_EQ(account.currency(), "EUR");
}

TEST_F(HttpServiceTest, PolicyHasThresholdsAndLadders) {
  v1::GetPolicyRequest request;
  v1::GetPolicyResponse expected;
  grpc::ClientContext context;
  ASSERT_TRUE(stub_->GetPolicy(&context, request, &expected).ok());
  const std::string json = GetOk("/v1/policy");
  const auto policy = ParseJson<v1::Policy>(json);
  EXPECT_TRUE(MessageDifferencer::Equals(policy, expected.policy())) << policy.DebugString();
  EXPECT_EQ(policy.learning_threshold(), 50);
  EXPECT_EQ(policy.default_ladder(), "ecommerce");
  ASSERT_GT(policy.ladders_size(), 0);
  EXPECT_THAT(json, HasSubstr("\"defaultLadder\":\"ecommerce\""));
}

TEST_F(HttpServiceTest, ClimbTestsListWithStateFilter) {
  // as_s2 climbs from AddToCart: a duplicate on InitiateCheckout from week 2.
  v1::AdSetWeek duplicate = test_support::ScenarioRecord(
      "act_1", "as_s2_dup", 2, {"InitiateCheckout", {{"InitiateCheckout", 10}}});
  Ingest({duplicate});
  v1::StartClimbTestRequest start;
  start.set_original_ad_set_id("as_s2");
  start.set_duplicate_ad_set_id("as_s2_dup");
  start.set_start_week(WeekAt(2));
  v1::StartClimbTestResponse started;
  grpc::ClientContext context;
  const grpc::Status status = stub_->StartClimbTest(&context, start, &started);
  ASSERT_TRUE(status.ok()) << status.error_message();

  const auto running =
      ParseJson<v1::ListClimbTestsResponse>(GetOk("/v1/climbtests?state=running&account_id=act_1"));
  ASSERT_EQ(running.climb_tests_size(), 1);
  EXPECT_TRUE(MessageDifferencer::Equals(running.climb_tests(0), started.climb_test()));
  const auto cancelled = ParseJson<v1::ListClimbTestsResponse>(
      GetOk("/v1/climbtests?state=CLIMB_TEST_STATE_CANCELLED"));
  EXPECT_EQ(cancelled.climb_tests_size(), 0);
}

TEST_F(HttpServiceTest, EtagIsStableAndIfNoneMatchAnswers304) {
  const std::string path = "/v1/recommendations?account_id=act_1";
  httplib::Result first = Get(path);
  ASSERT_TRUE(first);
  const std::string etag = first->get_header_value("ETag");
  EXPECT_THAT(etag, ::testing::MatchesRegex("\"[0-9a-f]{32}\""));
  EXPECT_EQ(first->get_header_value("Cache-Control"), "no-cache");
  EXPECT_EQ(Get(path)->get_header_value("ETag"), etag);

  const std::string matching[] = {
      etag, "W/" + etag, "*", "\"other\", " + etag, "W/\"a,b\" ,W/" + etag,
  };
  for (const std::string& if_none_match : matching) {
    httplib::Result result = Get(path, {{"If-None-Match", if_none_match}});
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 304) << if_none_match;
    EXPECT_EQ(result->body, "") << if_none_match;
    EXPECT_EQ(result->get_header_value("ETag"), etag) << if_none_match;
  }
  const std::string other[] = {"\"other\"", "W/\"other\", \"else\"", etag.substr(1), ""};
  for (const std::string& if_none_match : other) {
    httplib::Result result = Get(path, {{"If-None-Match", if_none_match}});
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 200) << if_none_match;
    EXPECT_EQ(result->body, first->body) << if_none_match;
  }
}

// Maps (event counts) come out in key order, so unchanged data keeps its tag
// however protobuf happens to iterate them.
TEST_F(HttpServiceTest, UnchangedDataKeepsItsBodyAndEtag) {
  for (const std::string path : {"/v1/adsets/as_s1/history", "/v1/adsets/as_s1/recommendation"}) {
    httplib::Result first = Get(path);
    ASSERT_TRUE(first);
    EXPECT_THAT(first->body, HasSubstr("{\"AddToCart\":\"85\",\"InitiateCheckout\":\"28\""));
    for (int i = 0; i < 5; ++i) {
      httplib::Result again = Get(path);
      ASSERT_TRUE(again);
      EXPECT_EQ(again->body, first->body) << path;
      EXPECT_EQ(again->get_header_value("ETag"), first->get_header_value("ETag")) << path;
    }
  }
}

TEST_F(HttpServiceTest, ChangedResourceGetsANewEtag) {
  const std::string path = "/v1/adsets/as_s1/history";
  httplib::Result before = Get(path);
  ASSERT_TRUE(before);
  const std::string etag = before->get_header_value("ETag");
  ASSERT_FALSE(etag.empty());
  Ingest({test_support::ScenarioRecord("act_1", "as_s1", 3,
                                       test_support::SpecScenarios()[0].weeks.back())});
  httplib::Result after = Get(path, {{"If-None-Match", etag}});
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 200);
  EXPECT_NE(after->get_header_value("ETag"), etag);
  EXPECT_EQ(ParseJson<v1::GetAdSetHistoryResponse>(after->body).weeks_size(), 4);
}

TEST_F(HttpServiceTest, DashboardPageAndHealth) {
  httplib::Result page = Get("/?utm_source=mail");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(page->body, std::string(DashboardPage()));
  EXPECT_FALSE(page->get_header_value("ETag").empty());

  httplib::Result health = Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(health->body, "{\"status\":\"SERVING\"}\n");
}

}  // namespace
}  // namespace rung
