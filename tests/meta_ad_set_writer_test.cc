// AdSetWriter over libcurl against the fake Graph API on 127.0.0.1:0: what
// `rungctl apply` reads and writes on Meta, the exact parameters it sends,
// the event each rung is written as, and its failures. Waits go to a
// recording GraphEnv, so no test sleeps.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "meta/ad_set_writer.h"
#include "meta/graph_client.h"
#include "meta/graph_error.h"
#include "support/fake_graph.h"

namespace rung::meta {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using testing::FakeAd;
using testing::FakeAdSet;
using testing::FakeGraph;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::RecordedRequest;
using ::testing::UnorderedElementsAre;

constexpr char kToken[] = "EAAwriterTOKEN789";
constexpr char kSecret[] = "writer-app-secret";
constexpr char kOriginal[] = "2001";
constexpr char kPageViews[] = "2002";
constexpr char kCampaign[] = "120";
constexpr char kPixel[] = "700000000000001";

class RecordingEnv : public GraphEnv {
 public:
  void SleepFor(absl::Duration duration) override { sleeps.push_back(duration); }
  double Jitter() override { return 0.5; }
  std::vector<absl::Duration> sleeps;
};

// O (AddToCart, 50.00 a day) with an active and a paused ad, and an ad set on
// landing page views, in one campaign of act_1001.
testing::FakeAccount Account() {
  testing::FakeAccount account;
  account.id = "1001";
  FakeAdSet original;
  original.id = kOriginal;
  original.name = "Shoes DE";
  original.campaign_id = kCampaign;
  original.custom_event_type = "ADD_TO_CART";
  original.daily_budget = 5000;
  original.bid_strategy = "COST_CAP";
  original.bid_amount = 450;
  original.end_time = "2026-12-31T23:59:59+0100";
  FakeAdSet page_views = original;
  page_views.id = kPageViews;
  page_views.name = "Shoes FR";
  page_views.custom_event_type.clear();
  page_views.optimization_goal = "LANDING_PAGE_VIEWS";
  account.ad_sets = {original, page_views};
  account.ads = {{"3001", "Red shoes", "ACTIVE", kOriginal, ""},
                 {"3002", "Blue shoes", "PAUSED", kOriginal, ""}};
  return account;
}

// The parameters of a request, its credentials left out.
std::multimap<std::string, std::string> Sent(const RecordedRequest& request) {
  std::multimap<std::string, std::string> params = request.params;
  params.erase("access_token");
  params.erase("appsecret_proof");
  return params;
}

class AdSetWriterTest : public ::testing::Test {
 protected:
  explicit AdSetWriterTest(std::string app_secret = "")
      : graph_(kToken, app_secret),
        client_(transport_.get(), &env_, {kToken, app_secret}, Options(graph_)),
        writer_(&client_, "1001") {
    graph_.AddAccount(Account());
  }

  static GraphOptions Options(const FakeGraph& graph) {
    GraphOptions options;
    options.base_url = graph.base_url();
    return options;
  }

  AdSetSettings Read(const std::string& id) {
    absl::StatusOr<AdSetSettings> settings = writer_.ReadAdSet(id);
    EXPECT_TRUE(settings.ok()) << settings.status();
    return settings.ok() ? *settings : AdSetSettings();
  }

  // The last request received.
  RecordedRequest Last() {
    const std::vector<RecordedRequest> requests = graph_.requests();
    return requests.empty() ? RecordedRequest() : requests.back();
  }

  FakeGraph graph_;
  RecordingEnv env_;
  // After the fake, so that its kept-alive connection closes first and the
  // fake stops at once.
  std::unique_ptr<HttpTransport> transport_ = NewCurlTransport(CurlOptions());
  GraphClient client_;
  AdSetWriter writer_;
};

// --- Reading -----------------------------------------------------------------

TEST_F(AdSetWriterTest, ReadAdSetReadsWhatApplyCopies) {
  const AdSetSettings settings = Read(kOriginal);
  EXPECT_EQ(Last().path, "/v27.0/2001");
  EXPECT_EQ(Last().params.find("fields")->second, kAdSetSettingsFields);
  EXPECT_EQ(settings.id, kOriginal);
  EXPECT_EQ(settings.name, "Shoes DE");
  EXPECT_EQ(settings.campaign_id, kCampaign);
  EXPECT_EQ(settings.effective_status, "ACTIVE");
  EXPECT_EQ(settings.optimization_goal, "OFFSITE_CONVERSIONS");
  EXPECT_EQ(settings.billing_event, "IMPRESSIONS");
  EXPECT_EQ(settings.bid_strategy, "COST_CAP");
  EXPECT_EQ(settings.bid_amount, 450);
  EXPECT_EQ(settings.daily_budget, 5000);
  EXPECT_EQ(settings.lifetime_budget, std::nullopt);
  EXPECT_EQ(settings.end_time, "2026-12-31T23:59:59+0100");
  EXPECT_EQ(json::parse(settings.targeting), json::parse(FakeAdSet().targeting));
  EXPECT_EQ(json::parse(settings.attribution_spec), json::parse(FakeAdSet().attribution_spec));
  EXPECT_EQ(json::parse(settings.promoted_object),
            json::parse(R"({"pixel_id":"700000000000001","custom_event_type":"ADD_TO_CART"})"));
  EXPECT_EQ(settings.destination_type, "WEBSITE");
  EXPECT_EQ(settings.pacing_type, R"(["standard"])");
  EXPECT_EQ(settings.event, "AddToCart");
}

TEST_F(AdSetWriterTest, ReadAdSetMapsEveryKindOfEvent) {
  graph_.EditAccount("1001", [](testing::FakeAccount& account) {
    FakeAdSet conversion = account.ad_sets[0];
    conversion.id = "2003";
    conversion.custom_event_type.clear();
    conversion.custom_conversion_id = "555";
    FakeAdSet custom = account.ad_sets[0];
    custom.id = "2004";
    custom.custom_event_type = "OTHER";
    custom.custom_event_str = "QuizDone";
    FakeAdSet reach = account.ad_sets[1];
    reach.id = "2005";
    reach.optimization_goal = "REACH";
    account.ad_sets.insert(account.ad_sets.end(), {conversion, custom, reach});
  });
  EXPECT_EQ(Read(kOriginal).event, "AddToCart");
  EXPECT_EQ(Read(kPageViews).event, "PageView");
  EXPECT_EQ(Read("2003").event, "offsite_conversion.custom.555");
  EXPECT_EQ(Read("2004").event, "QuizDone");
  const absl::Status reach = writer_.ReadAdSet("2005").status();
  EXPECT_TRUE(absl::IsFailedPrecondition(reach)) << reach;
  EXPECT_THAT(reach.message(), HasSubstr("ad set 2005"));
  EXPECT_THAT(reach.message(), HasSubstr("REACH"));
}

TEST_F(AdSetWriterTest, ABudgetOfZeroIsNone) {
  graph_.FailNext("/2001",
                  {200,
                   R"({"id":"2001","campaign_id":"120","daily_budget":"0",)"
                   R"("lifetime_budget":"90000","optimization_goal":"LANDING_PAGE_VIEWS"})",
                   {}});
  const AdSetSettings settings = Read(kOriginal);
  EXPECT_EQ(settings.daily_budget, std::nullopt);
  EXPECT_EQ(settings.lifetime_budget, 90000);
  EXPECT_EQ(settings.promoted_object, "");
}

TEST_F(AdSetWriterTest, ListAdsGivesEachAdWithItsStatusPageByPage) {
  graph_.SetMaxPageSize(1);
  const absl::StatusOr<std::vector<MetaAd>> ads = writer_.ListAds(kOriginal);
  ASSERT_TRUE(ads.ok()) << ads.status();
  ASSERT_EQ(ads->size(), 2u);
  EXPECT_EQ((*ads)[0].id, "3001");
  EXPECT_EQ((*ads)[0].name, "Red shoes");
  EXPECT_EQ((*ads)[0].effective_status, "ACTIVE");
  EXPECT_EQ((*ads)[1].effective_status, "PAUSED");
  EXPECT_EQ(graph_.request_count(), 2);
  EXPECT_EQ(graph_.requests()[0].path, "/v27.0/2001/ads");
}

// --- Creating the duplicate ----------------------------------------------------

TEST_F(AdSetWriterTest, CreateAdSetSendsTheOriginalsSettingsWithTheNewEventPaused) {
  const AdSetSettings original = Read(kOriginal);
  const absl::StatusOr<std::string> id = writer_.CreateAdSet(
      original, {"Shoes DE [rung InitiateCheckout k1]", "InitiateCheckout", 2500});
  ASSERT_TRUE(id.ok()) << id.status();
  const RecordedRequest request = Last();
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.path, "/v27.0/act_1001/adsets");
  std::multimap<std::string, std::string> sent = Sent(request);
  // JSON members are compared as JSON: their key order is not Meta's concern.
  for (const std::string key : {"targeting", "attribution_spec", "promoted_object"}) {
    ASSERT_EQ(sent.count(key), 1u) << key;
    sent.find(key)->second = json::parse(sent.find(key)->second).dump();
  }
  EXPECT_EQ(sent, (std::multimap<std::string, std::string>{
                      {"name", "Shoes DE [rung InitiateCheckout k1]"},
                      {"campaign_id", kCampaign},
                      {"status", "PAUSED"},
                      {"optimization_goal", "OFFSITE_CONVERSIONS"},
                      {"promoted_object", json::parse(R"({"pixel_id":"700000000000001",
                                       "custom_event_type":"INITIATED_CHECKOUT"})")
                                              .dump()},
                      {"billing_event", "IMPRESSIONS"},
                      {"bid_strategy", "COST_CAP"},
                      {"bid_amount", "450"},
                      {"daily_budget", "2500"},
                      {"end_time", "2026-12-31T23:59:59+0100"},
                      {"targeting", json::parse(FakeAdSet().targeting).dump()},
                      {"attribution_spec", json::parse(FakeAdSet().attribution_spec).dump()},
                      {"destination_type", "WEBSITE"},
                      {"pacing_type", R"(["standard"])"}}));
  const std::optional<FakeAdSet> created = graph_.FindAdSet(*id);
  ASSERT_TRUE(created.has_value());
  EXPECT_EQ(created->status, "PAUSED");
  EXPECT_EQ(created->custom_event_type, "INITIATED_CHECKOUT");
}

TEST_F(AdSetWriterTest, UnderACampaignBudgetTheDuplicateGetsNoBudget) {
  const absl::StatusOr<GraphParams> params =
      NewAdSetParams(Read(kOriginal), {"D", "Purchase", std::nullopt});
  ASSERT_TRUE(params.ok()) << params.status();
  for (const auto& [name, value] : *params) {
    EXPECT_NE(name, "daily_budget");
    EXPECT_NE(name, "lifetime_budget");
  }
}

struct EventCase {
  std::string from;  // ad set id of the original
  std::string event;
  std::string goal;
  std::string promoted_object;  // JSON; empty: none sent
};

// Each kind of event is written as Meta reads it, and reads back as itself.
TEST_F(AdSetWriterTest, EachKindOfEventIsWrittenAsMetaReadsIt) {
  const EventCase cases[] = {
      {kOriginal, "ViewContent", "OFFSITE_CONVERSIONS",
       R"({"pixel_id":"700000000000001","custom_event_type":"CONTENT_VIEW"})"},
      {kOriginal, "Purchase", "OFFSITE_CONVERSIONS",
       R"({"pixel_id":"700000000000001","custom_event_type":"PURCHASE"})"},
      {kOriginal, "CompleteRegistration", "OFFSITE_CONVERSIONS",
       R"({"pixel_id":"700000000000001","custom_event_type":"COMPLETE_REGISTRATION"})"},
      {kOriginal, "offsite_conversion.custom.555", "OFFSITE_CONVERSIONS",
       R"({"pixel_id":"700000000000001","custom_conversion_id":"555"})"},
      {kOriginal, "QuizDone", "OFFSITE_CONVERSIONS",
       R"({"pixel_id":"700000000000001","custom_event_type":"OTHER","custom_event_str":"QuizDone"})"},
      {kOriginal, "PageView", "LANDING_PAGE_VIEWS", R"({"pixel_id":"700000000000001"})"},
      {kPageViews, "AddToCart", "OFFSITE_CONVERSIONS",
       R"({"pixel_id":"700000000000001","custom_event_type":"ADD_TO_CART"})"},
  };
  for (const EventCase& c : cases) {
    AdSetSettings original = Read(c.from);
    // The page-view ad set has no promoted_object: one with its pixel stands in.
    if (c.from == kPageViews) original.promoted_object = json({{"pixel_id", kPixel}}).dump();
    const absl::StatusOr<std::string> id =
        writer_.CreateAdSet(original, {"D " + c.event, c.event, 100});
    ASSERT_TRUE(id.ok()) << c.event << ": " << id.status();
    const std::multimap<std::string, std::string> sent = Sent(Last());
    EXPECT_EQ(sent.find("optimization_goal")->second, c.goal) << c.event;
    ASSERT_EQ(sent.count("promoted_object"), 1u) << c.event;
    EXPECT_EQ(json::parse(sent.find("promoted_object")->second), json::parse(c.promoted_object))
        << c.event;
    EXPECT_EQ(Read(*id).event, c.event);
  }
}

TEST_F(AdSetWriterTest, AnEventThatIsNoEventIsRefusedBeforeAnyWrite) {
  const AdSetSettings original = Read(kOriginal);
  const absl::Status status = writer_.CreateAdSet(original, {"D", "9 not an event", 100}).status();
  EXPECT_TRUE(absl::IsInvalidArgument(status)) << status;
  EXPECT_EQ(graph_.write_count(), 0);
}

// A create whose answer was lost is not sent again: apply finds the ad set it
// made by its name instead.
TEST_F(AdSetWriterTest, ACreateWhoseAnswerWasLostIsNotSentAgainAndIsFoundByName) {
  const AdSetSettings original = Read(kOriginal);
  graph_.LoseNextAnswer("act_1001/adsets", FakeGraph::ServerError());
  const absl::Status status =
      writer_.CreateAdSet(original, {"Shoes DE [rung Purchase k7]", "Purchase", 100}).status();
  EXPECT_TRUE(absl::IsUnavailable(status)) << status;
  EXPECT_EQ(graph_.write_count(), 1);
  const absl::StatusOr<std::vector<AdSetName>> found = writer_.FindAdSetsInCampaign(kCampaign);
  ASSERT_TRUE(found.ok()) << found.status();
  std::vector<std::string> names;
  for (const AdSetName& ad_set : *found) names.push_back(ad_set.name);
  EXPECT_THAT(names, UnorderedElementsAre("Shoes DE", "Shoes FR", "Shoes DE [rung Purchase k7]"));
  EXPECT_EQ(graph_.requests().back().path, "/v27.0/120/adsets");
}

// --- Ads, status, budget ----------------------------------------------------------

TEST_F(AdSetWriterTest, CopyAdCopiesActiveIntoTheDuplicate) {
  const absl::StatusOr<std::string> copy = writer_.CopyAd("3001", kPageViews);
  ASSERT_TRUE(copy.ok()) << copy.status();
  EXPECT_EQ(Last().path, "/v27.0/3001/copies");
  EXPECT_EQ(Sent(Last()), (std::multimap<std::string, std::string>{{"adset_id", kPageViews},
                                                                   {"status_option", "ACTIVE"}}));
  const std::vector<FakeAd> ads = graph_.AdsOf(kPageViews);
  ASSERT_EQ(ads.size(), 1u);
  EXPECT_EQ(ads[0].id, *copy);
  EXPECT_EQ(ads[0].effective_status, "ACTIVE");
  const absl::StatusOr<std::vector<MetaAd>> listed = writer_.ListAds(kPageViews);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ((*listed)[0].source_ad_id, "3001");
}

TEST_F(AdSetWriterTest, SetStatusAndSetDailyBudgetSendOneParameterEach) {
  ASSERT_TRUE(writer_.SetStatus(kOriginal, DeliveryStatus::kPaused).ok());
  EXPECT_EQ(Last().path, "/v27.0/2001");
  EXPECT_EQ(Sent(Last()), (std::multimap<std::string, std::string>{{"status", "PAUSED"}}));
  EXPECT_EQ(graph_.FindAdSet(kOriginal)->status, "PAUSED");
  ASSERT_TRUE(writer_.SetStatus(kOriginal, DeliveryStatus::kActive).ok());
  EXPECT_EQ(graph_.FindAdSet(kOriginal)->status, "ACTIVE");
  ASSERT_TRUE(writer_.SetDailyBudget(kOriginal, 12345).ok());
  EXPECT_EQ(Sent(Last()), (std::multimap<std::string, std::string>{{"daily_budget", "12345"}}));
  EXPECT_EQ(graph_.FindAdSet(kOriginal)->daily_budget, 12345);
}

// The whole of DUPLICATE_AND_CLIMB: no call ever tries to change the event of
// an ad set that exists, which Meta refuses.
TEST_F(AdSetWriterTest, ADuplicateAndClimbNeverEditsAnEvent) {
  const AdSetSettings original = Read(kOriginal);
  const absl::StatusOr<std::string> duplicate = writer_.CreateAdSet(
      original, {"Shoes DE [rung InitiateCheckout k1]", "InitiateCheckout", 5000});
  ASSERT_TRUE(duplicate.ok()) << duplicate.status();
  const absl::StatusOr<std::vector<MetaAd>> ads = writer_.ListAds(kOriginal);
  ASSERT_TRUE(ads.ok()) << ads.status();
  for (const MetaAd& ad : *ads) {
    if (ad.effective_status == "ACTIVE") {
      ASSERT_TRUE(writer_.CopyAd(ad.id, *duplicate).ok());
    }
  }
  ASSERT_TRUE(writer_.SetStatus(*duplicate, DeliveryStatus::kActive).ok());
  EXPECT_EQ(graph_.write_count(), 3);
  EXPECT_EQ(graph_.AdsOf(*duplicate).size(), 1u);
  EXPECT_EQ(graph_.FindAdSet(*duplicate)->status, "ACTIVE");
  for (const RecordedRequest& request : graph_.requests()) {
    if (request.method != "POST" || request.path == "/v27.0/act_1001/adsets") continue;
    EXPECT_EQ(request.params.count("promoted_object"), 0u) << request.path;
    EXPECT_EQ(request.params.count("optimization_goal"), 0u) << request.path;
  }
}

// --- Failures ---------------------------------------------------------------------

TEST_F(AdSetWriterTest, EditingTheEventOfAPublishedAdSetIsRefusedWith3260011) {
  const absl::Status status =
      client_
          .Post(kOriginal,
                {{"promoted_object", R"({"pixel_id":"1","custom_event_type":"PURCHASE"})"}})
          .status();
  EXPECT_TRUE(absl::IsInvalidArgument(status)) << status;
  ASSERT_TRUE(GraphErrorOf(status).has_value());
  EXPECT_EQ(GraphErrorOf(status)->subcode, 3260011);
  EXPECT_THAT(status.message(), HasSubstr("fbtrace_id"));
  EXPECT_EQ(graph_.FindAdSet(kOriginal)->custom_event_type, "ADD_TO_CART");
}

TEST_F(AdSetWriterTest, AnInvalidParameterGivesMetasMessageAndTrace) {
  AdSetSettings original = Read(kOriginal);
  original.campaign_id = "999";
  const absl::Status status = writer_.CreateAdSet(original, {"D", "Purchase", 100}).status();
  EXPECT_TRUE(absl::IsInvalidArgument(status)) << status;
  EXPECT_THAT(status.message(), HasSubstr("campaign 999 is not in this account"));
  EXPECT_THAT(status.message(), HasSubstr("fbtrace_id"));
}

TEST_F(AdSetWriterTest, AWriteWithoutAdsManagementNamesTheAccount) {
  graph_.DenyWrites("1001");
  EXPECT_TRUE(writer_.ReadAdSet(kOriginal).ok());
  for (const absl::Status& status :
       {writer_.SetStatus(kOriginal, DeliveryStatus::kPaused),
        writer_.CopyAd("3001", kOriginal).status(),
        writer_.CreateAdSet(Read(kOriginal), {"D", "Purchase", 100}).status()}) {
    EXPECT_TRUE(absl::IsPermissionDenied(status)) << status;
    EXPECT_THAT(status.message(), HasSubstr("account act_1001"));
    EXPECT_THAT(status.message(), HasSubstr("ads_management"));
  }
}

TEST_F(AdSetWriterTest, AReadWithoutAdsReadNamesTheAccount) {
  graph_.DenyAccount("1001", 200);
  const absl::Status status = writer_.ReadAdSet(kOriginal).status();
  EXPECT_TRUE(absl::IsPermissionDenied(status)) << status;
  EXPECT_THAT(status.message(), HasSubstr("account act_1001"));
  EXPECT_THAT(status.message(), HasSubstr("ads_read"));
}

class SignedAdSetWriterTest : public AdSetWriterTest {
 protected:
  SignedAdSetWriterTest() : AdSetWriterTest(kSecret) {}
};

TEST_F(SignedAdSetWriterTest, NoMessageHoldsASecret) {
  const std::string proof = AppSecretProof(kToken, kSecret);
  // Meta quoting the request back, as some errors do.
  graph_.FailNext("/copies", FakeGraph::Error(100, 0,
                                              absl::StrCat("bad ?access_token=", kToken,
                                                           "&appsecret_proof=", proof)));
  graph_.LoseNextAnswer("act_1001/adsets", FakeGraph::NotJson());
  graph_.FailNext("/2002",
                  {200, absl::StrCat(R"({"success":false,"token":")", kToken, R"("})"), {}});
  const AdSetSettings original = Read(kOriginal);
  std::vector<absl::Status> failures = {
      writer_.CopyAd("3001", kOriginal).status(),
      writer_.CreateAdSet(original, {"D", "Purchase", 100}).status(),
      writer_.SetStatus(kPageViews, DeliveryStatus::kPaused)};
  graph_.DenyWrites("1001");
  failures.push_back(writer_.SetDailyBudget(kOriginal, 1));
  for (const absl::Status& status : failures) {
    EXPECT_FALSE(status.ok());
    EXPECT_THAT(status.message(), Not(HasSubstr(kToken)));
    EXPECT_THAT(status.message(), Not(HasSubstr(kSecret)));
    EXPECT_THAT(status.message(), Not(HasSubstr(proof)));
  }
  for (const RecordedRequest& request : graph_.requests()) {
    EXPECT_EQ(request.params.find("appsecret_proof")->second, proof) << request.path;
  }
}

}  // namespace
}  // namespace rung::meta
