// The bad-input battery: malformed, out-of-range and contradictory input on
// the daemon's surfaces (gRPC, HTTP, config files; import files are in
// import_bad_input_test.cc, which links the importers). Each case names the
// code it must get and a piece of the message that names the field; for the
// daemon's surfaces, the whole database is read with a separate read-only
// connection before and after, and must not have changed.
//
// Every case is its own test, so `bad_input_test --gtest_list_tests` counts
// them per surface.

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "daemon/config.h"
#include "gmock/gmock.h"
#include "support/daemon_fixture.h"
#include "support/db_dump.h"

namespace rung {
namespace {

using test_support::ReadOnlyDb;
using test_support::WeekAt;
using ::testing::HasSubstr;
using Stub = v1::AdvisorService::Stub;

constexpr int kMaxBatchSize = 100;
constexpr int kMaxMessageBytes = 1 << 20;

const std::string kTooLong(129, 'x');  // one past kMaxIdLength and kMaxRequestIdLength
const std::string kHuge(10'000, 'Q');

// ------------------------------------------------------------------------
// The daemon: one for the whole battery, seeded once. Nothing a case sends
// may change what it stores, so the cases cannot disturb each other.

v1::AdSetWeek Record(const std::string& ad_set, int week, const std::string& event = "AddToCart") {
  v1::AdSetWeek record;
  record.set_account_id("act_1");
  record.set_campaign_id("cmp_1");
  record.set_ad_set_id(ad_set);
  record.set_week_start(WeekAt(week));
  record.set_optimization_event(event);
  record.set_spend_micros(100'000'000);
  (*record.mutable_event_counts())["AddToCart"] = 80 + week;
  (*record.mutable_event_counts())["Purchase"] = 20 + week;
  return record;
}

class BatteryDaemon {
 public:
  BatteryDaemon() {
    ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.http_listen = "127.0.0.1:0";
    options.db_path = db_path();
    options.config.advisor.max_batch_size = kMaxBatchSize;
    options.config.max_message_bytes = kMaxMessageBytes;
    auto server = Server::Start(options);
    if (!server.ok()) {
      ADD_FAILURE() << server.status();
      return;
    }
    server_ = std::move(*server);
    stub_ = v1::AdvisorService::NewStub(
        grpc::CreateChannel(server_->grpc_address(), grpc::InsecureChannelCredentials()));
    Seed();
  }
  ~BatteryDaemon() {
    if (server_ != nullptr) server_->Shutdown(absl::ZeroDuration());
  }

  Stub& stub() { return *stub_; }
  std::string db_path() const { return dir_.File("rung.db"); }
  httplib::Client Http() const {
    const std::string address = server_->http_address();
    const size_t colon = address.rfind(':');
    return httplib::Client(address.substr(0, colon), std::stoi(address.substr(colon + 1)));
  }

 private:
  // Two ad sets on AddToCart (so a climb test between them is on the wrong
  // rung), and their recommendations.
  void Seed() {
    v1::IngestWeeksRequest ingest;
    for (int week = 0; week < 4; ++week) {
      *ingest.add_weeks() = Record("as_a", week);
      *ingest.add_weeks() = Record("as_b", week);
    }
    v1::IngestWeeksResponse ingested;
    grpc::ClientContext ingest_context;
    const grpc::Status status = stub_->IngestWeeks(&ingest_context, ingest, &ingested);
    ASSERT_TRUE(status.ok()) << status.error_message();
    v1::EvaluateAdSetsRequest evaluate;
    evaluate.set_as_of_week(WeekAt(3));
    v1::EvaluateAdSetsResponse evaluated;
    grpc::ClientContext evaluate_context;
    const grpc::Status evaluation = stub_->EvaluateAdSets(&evaluate_context, evaluate, &evaluated);
    ASSERT_TRUE(evaluation.ok()) << evaluation.error_message();
  }

  test_support::TempDir dir_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<Stub> stub_;
};

class DaemonBattery : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { daemon_ = new BatteryDaemon(); }
  static void TearDownTestSuite() {
    delete daemon_;
    daemon_ = nullptr;
  }
  void SetUp() override { before_ = ReadOnlyDb(daemon_->db_path()).Dump(); }
  void TearDown() override {
    EXPECT_EQ(ReadOnlyDb(daemon_->db_path()).Dump(), before_) << "the stored data changed";
  }

  static BatteryDaemon* daemon_;
  std::string before_;
};

BatteryDaemon* DaemonBattery::daemon_ = nullptr;

// ------------------------------------------------------------------------
// gRPC

struct GrpcCase {
  std::string name;
  std::function<grpc::Status(Stub&)> call;
  grpc::StatusCode code;
  std::string names;  // a piece of the message, naming the field
};

std::ostream& operator<<(std::ostream& out, const GrpcCase& c) { return out << c.name; }

// Every one of these calls is a single unary call with a fresh context.
template <typename Request, typename Response>
grpc::Status Call(grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                  Stub& stub, const Request& request) {
  Response response;
  grpc::ClientContext context;
  return (stub.*method)(&context, request, &response);
}

// A batch of three good records of a new ad set with `edit` applied to the
// third, so that errors must name weeks[2].
std::function<grpc::Status(Stub&)> IngestWith(std::function<void(v1::AdSetWeek&)> edit) {
  return [edit](Stub& stub) {
    v1::IngestWeeksRequest request;
    for (int week = 0; week < 3; ++week) *request.add_weeks() = Record("as_new", week);
    edit(*request.mutable_weeks(2));
    return Call(&Stub::IngestWeeks, stub, request);
  };
}

template <typename Request, typename Response>
std::function<grpc::Status(Stub&)> Calling(grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                                        const Request&, Response*),
                                           std::function<void(Request&)> fill) {
  return [method, fill](Stub& stub) {
    Request request;
    fill(request);
    return Call(method, stub, request);
  };
}

// A page token the daemon really issued, for the account filter act_1.
std::string IssuedAdSetsToken(Stub& stub) {
  v1::ListAdSetsRequest request;
  request.set_account_id("act_1");
  request.set_page_size(1);
  v1::ListAdSetsResponse response;
  grpc::ClientContext context;
  EXPECT_TRUE(stub.ListAdSets(&context, request, &response).ok());
  return response.next_page_token();
}

using GrpcCode = grpc::StatusCode;
constexpr GrpcCode kInvalid = GrpcCode::INVALID_ARGUMENT;

std::vector<GrpcCase> GrpcCases() {
  using W = v1::AdSetWeek;
  auto ingest = [](std::string name, std::function<void(W&)> edit, std::string names,
                   GrpcCode code = kInvalid) {
    return GrpcCase{"IngestWeeks_" + name, IngestWith(std::move(edit)), code, std::move(names)};
  };
  auto counts = [](W & w) -> auto& { return *w.mutable_event_counts(); };
  return {
      ingest(
          "EmptyAccountId", [](W& w) { w.clear_account_id(); }, "weeks[2].account_id"),
      ingest(
          "LongAccountId", [](W& w) { w.set_account_id(kTooLong); }, "weeks[2].account_id"),
      ingest(
          "LongCampaignId", [](W& w) { w.set_campaign_id(kTooLong); }, "weeks[2].campaign_id"),
      ingest(
          "LongAdSetId", [](W& w) { w.set_ad_set_id(kTooLong); }, "weeks[2].ad_set_id"),
      ingest(
          "AdSetIdWithSpace", [](W& w) { w.set_ad_set_id("as 1"); }, "weeks[2].ad_set_id"),
      ingest(
          "NonMondayWeek", [](W& w) { w.set_week_start("2026-09-23"); }, "weeks[2].week_start"),
      ingest(
          "NotADate", [](W& w) { w.set_week_start("2026-13-01"); }, "weeks[2].week_start"),
      ingest(
          "FutureWeek", [](W& w) { w.set_week_start("2099-01-05"); }, "weeks[2].week_start"),
      ingest(
          "AncientWeek", [](W& w) { w.set_week_start("1990-01-01"); }, "weeks[2].week_start"),
      ingest(
          "NoOptimizationEvent", [](W& w) { w.clear_optimization_event(); },
          "weeks[2].optimization_event"),
      ingest(
          "LongOptimizationEvent", [](W& w) { w.set_optimization_event("E" + kTooLong); },
          "weeks[2].optimization_event"),
      ingest(
          "MalformedOptimizationEvent", [](W& w) { w.set_optimization_event("Add To Cart"); },
          "weeks[2].optimization_event"),
      ingest(
          "NegativeCount", [&](W& w) { counts(w)["Purchase"] = -1; },
          "weeks[2].event_counts[\"Purchase\"]"),
      ingest(
          "CountOverMaximum", [&](W& w) { counts(w)["Purchase"] = int64_t{1} << 41; },
          "weeks[2].event_counts[\"Purchase\"]"),
      ingest(
          "LongEventNameKey", [&](W& w) { counts(w)["E" + kTooLong] = 1; },
          "weeks[2].event_counts[\"E"),
      ingest(
          "MalformedEventNameKey", [&](W& w) { counts(w)["9lives"] = 1; },
          "weeks[2].event_counts[\"9lives\"]"),
      ingest(
          "ConflictingAliases", [&](W& w) { counts(w)["omni_purchase"] = 21; },
          "weeks[2].event_counts"),
      ingest(
          "NegativeSpend", [](W& w) { w.set_spend_micros(-5); }, "weeks[2].spend_micros"),
      ingest(
          "UnknownReportedStatus",
          [](W& w) { w.set_reported_learning_status(static_cast<v1::ReportedLearningStatus>(77)); },
          "weeks[2].reported_learning_status"),
      ingest(
          "ZeroThreshold", [](W& w) { w.set_learning_threshold_override(0); },
          "weeks[2].learning_threshold_override"),
      ingest(
          "HugeThreshold", [](W& w) { w.set_learning_threshold_override(2'000'000'000); },
          "weeks[2].learning_threshold_override"),
      ingest(
          "UnknownLadder", [](W& w) { w.set_ladder("escalator"); }, "weeks[2].ladder"),
      ingest(
          "LongLadder", [](W& w) { w.set_ladder(kHuge); }, "weeks[2].ladder"),
      ingest(
          "DuplicateAdSetWeek", [](W& w) { w.set_week_start(WeekAt(0)); }, "weeks[2].week_start"),
      ingest(
          "AdSetUnderTwoAccounts", [](W& w) { w.set_account_id("act_2"); }, "weeks[2].account_id"),
      ingest(
          "AdSetUnderTwoCampaigns", [](W& w) { w.set_campaign_id("cmp_2"); },
          "weeks[2].campaign_id"),
      {"IngestWeeks_OversizeBatch",
       Calling<v1::IngestWeeksRequest, v1::IngestWeeksResponse>(
           &Stub::IngestWeeks,
           [](v1::IngestWeeksRequest& r) {
             for (int i = 0; i <= kMaxBatchSize; ++i) {
               *r.add_weeks() = Record("as_" + std::to_string(i), 0);
             }
           }),
       GrpcCode::RESOURCE_EXHAUSTED, "maximum batch size of 100"},
      {"IngestWeeks_LongRequestId",
       Calling<v1::IngestWeeksRequest, v1::IngestWeeksResponse>(&Stub::IngestWeeks,
                                                                [](v1::IngestWeeksRequest& r) {
                                                                  *r.add_weeks() =
                                                                      Record("as_new", 0);
                                                                  r.set_request_id(kTooLong);
                                                                }),
       kInvalid, "request_id"},
      {"IngestWeeks_MessageOverMaximum",
       Calling<v1::IngestWeeksRequest, v1::IngestWeeksResponse>(
           &Stub::IngestWeeks,
           [](v1::IngestWeeksRequest& r) {
             *r.add_weeks() = Record("as_new", 0);
             r.set_request_id(std::string(kMaxMessageBytes + 1, 'r'));
           }),
       GrpcCode::RESOURCE_EXHAUSTED, "larger than max"},

      {"GetAdSet_EmptyId",
       Calling<v1::GetAdSetRequest, v1::GetAdSetResponse>(&Stub::GetAdSet,
                                                          [](v1::GetAdSetRequest&) {}),
       kInvalid, "ad_set_id"},
      {"GetAdSet_LongId",
       Calling<v1::GetAdSetRequest, v1::GetAdSetResponse>(
           &Stub::GetAdSet, [](v1::GetAdSetRequest& r) { r.set_ad_set_id(kTooLong); }),
       kInvalid, "ad_set_id"},
      {"GetAdSet_Unknown",
       Calling<v1::GetAdSetRequest, v1::GetAdSetResponse>(
           &Stub::GetAdSet, [](v1::GetAdSetRequest& r) { r.set_ad_set_id("as_nope"); }),
       GrpcCode::NOT_FOUND, "as_nope"},

      {"GetAdSetHistory_NonMondayFrom",
       Calling<v1::GetAdSetHistoryRequest, v1::GetAdSetHistoryResponse>(
           &Stub::GetAdSetHistory,
           [](v1::GetAdSetHistoryRequest& r) {
             r.set_ad_set_id("as_a");
             r.set_from_week("2026-09-08");
           }),
       kInvalid, "from_week"},
      {"GetAdSetHistory_NotADateTo",
       Calling<v1::GetAdSetHistoryRequest, v1::GetAdSetHistoryResponse>(
           &Stub::GetAdSetHistory,
           [](v1::GetAdSetHistoryRequest& r) {
             r.set_ad_set_id("as_a");
             r.set_to_week("last week");
           }),
       kInvalid, "to_week"},
      {"GetAdSetHistory_LongId",
       Calling<v1::GetAdSetHistoryRequest, v1::GetAdSetHistoryResponse>(
           &Stub::GetAdSetHistory,
           [](v1::GetAdSetHistoryRequest& r) { r.set_ad_set_id(kTooLong); }),
       kInvalid, "ad_set_id"},
      {"GetAdSetHistory_Unknown",
       Calling<v1::GetAdSetHistoryRequest, v1::GetAdSetHistoryResponse>(
           &Stub::GetAdSetHistory,
           [](v1::GetAdSetHistoryRequest& r) { r.set_ad_set_id("as_nope"); }),
       GrpcCode::NOT_FOUND, "as_nope"},

      {"ListAdSets_NegativePageSize",
       Calling<v1::ListAdSetsRequest, v1::ListAdSetsResponse>(
           &Stub::ListAdSets, [](v1::ListAdSetsRequest& r) { r.set_page_size(-1); }),
       kInvalid, "page_size"},
      {"ListAdSets_HugePageSizeIsCoerced",
       Calling<v1::ListAdSetsRequest, v1::ListAdSetsResponse>(
           &Stub::ListAdSets, [](v1::ListAdSetsRequest& r) { r.set_page_size(2147483647); }),
       GrpcCode::OK, ""},
      {"ListAdSets_ForeignToken",
       Calling<v1::ListAdSetsRequest, v1::ListAdSetsResponse>(
           &Stub::ListAdSets, [](v1::ListAdSetsRequest& r) { r.set_page_token("bm90IG91cnM"); }),
       kInvalid, "page_token"},
      {"ListAdSets_HugeToken",
       Calling<v1::ListAdSetsRequest, v1::ListAdSetsResponse>(
           &Stub::ListAdSets, [](v1::ListAdSetsRequest& r) { r.set_page_token(kHuge); }),
       kInvalid, "page_token"},
      {"ListAdSets_TokenOfAnotherFilter",
       [](Stub& stub) {
         v1::ListAdSetsRequest request;
         request.set_page_token(IssuedAdSetsToken(stub));
         return Call(&Stub::ListAdSets, stub, request);
       },
       kInvalid, "page_token: was issued for a different filter"},
      {"ListAdSets_LongAccountId",
       Calling<v1::ListAdSetsRequest, v1::ListAdSetsResponse>(
           &Stub::ListAdSets, [](v1::ListAdSetsRequest& r) { r.set_account_id(kTooLong); }),
       kInvalid, "account_id"},

      {"EvaluateAdSets_NonMondayAsOf",
       Calling<v1::EvaluateAdSetsRequest, v1::EvaluateAdSetsResponse>(
           &Stub::EvaluateAdSets,
           [](v1::EvaluateAdSetsRequest& r) { r.set_as_of_week("2026-09-10"); }),
       kInvalid, "as_of_week"},
      {"EvaluateAdSets_FutureAsOf",
       Calling<v1::EvaluateAdSetsRequest, v1::EvaluateAdSetsResponse>(
           &Stub::EvaluateAdSets,
           [](v1::EvaluateAdSetsRequest& r) { r.set_as_of_week("2099-01-05"); }),
       kInvalid, "as_of_week"},
      {"EvaluateAdSets_EmptyAdSetId",
       Calling<v1::EvaluateAdSetsRequest, v1::EvaluateAdSetsResponse>(
           &Stub::EvaluateAdSets,
           [](v1::EvaluateAdSetsRequest& r) {
             r.add_ad_set_ids("as_a");
             r.add_ad_set_ids("");
           }),
       kInvalid, "ad_set_ids[1]"},
      {"EvaluateAdSets_LongAdSetId",
       Calling<v1::EvaluateAdSetsRequest, v1::EvaluateAdSetsResponse>(
           &Stub::EvaluateAdSets, [](v1::EvaluateAdSetsRequest& r) { r.add_ad_set_ids(kTooLong); }),
       kInvalid, "ad_set_ids[0]"},
      {"EvaluateAdSets_TooManyAdSetIds",
       Calling<v1::EvaluateAdSetsRequest, v1::EvaluateAdSetsResponse>(
           &Stub::EvaluateAdSets,
           [](v1::EvaluateAdSetsRequest& r) {
             for (int i = 0; i <= kMaxBatchSize; ++i) r.add_ad_set_ids("as_" + std::to_string(i));
           }),
       GrpcCode::RESOURCE_EXHAUSTED, "ad_set_ids"},
      {"EvaluateAdSets_LongAccountId",
       Calling<v1::EvaluateAdSetsRequest, v1::EvaluateAdSetsResponse>(
           &Stub::EvaluateAdSets, [](v1::EvaluateAdSetsRequest& r) { r.set_account_id(kTooLong); }),
       kInvalid, "account_id"},

      {"GetRecommendation_Unknown",
       Calling<v1::GetRecommendationRequest, v1::GetRecommendationResponse>(
           &Stub::GetRecommendation,
           [](v1::GetRecommendationRequest& r) { r.set_ad_set_id("as_nope"); }),
       GrpcCode::NOT_FOUND, "as_nope"},
      {"GetRecommendation_LongId",
       Calling<v1::GetRecommendationRequest, v1::GetRecommendationResponse>(
           &Stub::GetRecommendation,
           [](v1::GetRecommendationRequest& r) { r.set_ad_set_id(kTooLong); }),
       kInvalid, "ad_set_id"},
      {"GetRecommendation_BadAsOf",
       Calling<v1::GetRecommendationRequest, v1::GetRecommendationResponse>(
           &Stub::GetRecommendation,
           [](v1::GetRecommendationRequest& r) {
             r.set_ad_set_id("as_a");
             r.set_as_of_week("2026-9-7");
           }),
       kInvalid, "as_of_week"},

      {"ListRecommendations_UnknownAction",
       Calling<v1::ListRecommendationsRequest, v1::ListRecommendationsResponse>(
           &Stub::ListRecommendations,
           [](v1::ListRecommendationsRequest& r) { r.add_actions(static_cast<v1::Action>(99)); }),
       kInvalid, "actions"},
      {"ListRecommendations_UnknownFlag",
       Calling<v1::ListRecommendationsRequest, v1::ListRecommendationsResponse>(
           &Stub::ListRecommendations,
           [](v1::ListRecommendationsRequest& r) { r.add_flags(static_cast<v1::Flag>(99)); }),
       kInvalid, "flags"},
      {"ListRecommendations_NegativePageSize",
       Calling<v1::ListRecommendationsRequest, v1::ListRecommendationsResponse>(
           &Stub::ListRecommendations,
           [](v1::ListRecommendationsRequest& r) { r.set_page_size(-20); }),
       kInvalid, "page_size"},
      {"ListRecommendations_ForeignToken",
       Calling<v1::ListRecommendationsRequest, v1::ListRecommendationsResponse>(
           &Stub::ListRecommendations,
           [](v1::ListRecommendationsRequest& r) { r.set_page_token("%%%"); }),
       kInvalid, "page_token"},
      {"ListRecommendations_BadAsOf",
       Calling<v1::ListRecommendationsRequest, v1::ListRecommendationsResponse>(
           &Stub::ListRecommendations,
           [](v1::ListRecommendationsRequest& r) { r.set_as_of_week("2026-09-08"); }),
       kInvalid, "as_of_week"},
      {"ListRecommendations_LongAccountId",
       Calling<v1::ListRecommendationsRequest, v1::ListRecommendationsResponse>(
           &Stub::ListRecommendations,
           [](v1::ListRecommendationsRequest& r) { r.set_account_id(kTooLong); }),
       kInvalid, "account_id"},

      {"StartClimbTest_WrongRung",
       Calling<v1::StartClimbTestRequest, v1::StartClimbTestResponse>(
           &Stub::StartClimbTest,
           [](v1::StartClimbTestRequest& r) {
             r.set_original_ad_set_id("as_a");
             r.set_duplicate_ad_set_id("as_b");
           }),
       GrpcCode::FAILED_PRECONDITION, "duplicate_ad_set_id"},
      {"StartClimbTest_SameAdSet",
       Calling<v1::StartClimbTestRequest, v1::StartClimbTestResponse>(
           &Stub::StartClimbTest,
           [](v1::StartClimbTestRequest& r) {
             r.set_original_ad_set_id("as_a");
             r.set_duplicate_ad_set_id("as_a");
           }),
       kInvalid, "duplicate_ad_set_id"},
      {"StartClimbTest_UnknownOriginal",
       Calling<v1::StartClimbTestRequest, v1::StartClimbTestResponse>(
           &Stub::StartClimbTest,
           [](v1::StartClimbTestRequest& r) {
             r.set_original_ad_set_id("as_nope");
             r.set_duplicate_ad_set_id("as_b");
           }),
       GrpcCode::NOT_FOUND, "as_nope"},
      {"StartClimbTest_BadStartWeek",
       Calling<v1::StartClimbTestRequest, v1::StartClimbTestResponse>(
           &Stub::StartClimbTest,
           [](v1::StartClimbTestRequest& r) {
             r.set_original_ad_set_id("as_a");
             r.set_duplicate_ad_set_id("as_b");
             r.set_start_week("2026-09-09");
           }),
       kInvalid, "start_week"},
      {"StartClimbTest_LongOriginalId",
       Calling<v1::StartClimbTestRequest, v1::StartClimbTestResponse>(
           &Stub::StartClimbTest,
           [](v1::StartClimbTestRequest& r) {
             r.set_original_ad_set_id(kTooLong);
             r.set_duplicate_ad_set_id("as_b");
           }),
       kInvalid, "original_ad_set_id"},
      {"StartClimbTest_LongDuplicateId",
       Calling<v1::StartClimbTestRequest, v1::StartClimbTestResponse>(
           &Stub::StartClimbTest,
           [](v1::StartClimbTestRequest& r) {
             r.set_original_ad_set_id("as_a");
             r.set_duplicate_ad_set_id(kTooLong);
           }),
       kInvalid, "duplicate_ad_set_id"},

      {"ListClimbTests_UnknownState",
       Calling<v1::ListClimbTestsRequest, v1::ListClimbTestsResponse>(
           &Stub::ListClimbTests,
           [](v1::ListClimbTestsRequest& r) { r.set_state(static_cast<v1::ClimbTestState>(42)); }),
       kInvalid, "state"},
      {"ListClimbTests_NegativePageSize",
       Calling<v1::ListClimbTestsRequest, v1::ListClimbTestsResponse>(
           &Stub::ListClimbTests, [](v1::ListClimbTestsRequest& r) { r.set_page_size(-1); }),
       kInvalid, "page_size"},
      {"ListClimbTests_ForeignToken",
       Calling<v1::ListClimbTestsRequest, v1::ListClimbTestsResponse>(
           &Stub::ListClimbTests,
           [](v1::ListClimbTestsRequest& r) { r.set_page_token("cjF4eXo"); }),
       kInvalid, "page_token"},
      {"ListClimbTests_TokenOfListAdSets",
       [](Stub& stub) {
         v1::ListClimbTestsRequest request;
         request.set_account_id("act_1");
         request.set_page_token(IssuedAdSetsToken(stub));
         return Call(&Stub::ListClimbTests, stub, request);
       },
       kInvalid, "page_token"},

      {"ListClimbTests_LongAccountId",
       Calling<v1::ListClimbTestsRequest, v1::ListClimbTestsResponse>(
           &Stub::ListClimbTests, [](v1::ListClimbTestsRequest& r) { r.set_account_id(kTooLong); }),
       kInvalid, "account_id"},
      {"CancelClimbTest_EmptyId",
       Calling<v1::CancelClimbTestRequest, v1::CancelClimbTestResponse>(
           &Stub::CancelClimbTest, [](v1::CancelClimbTestRequest&) {}),
       kInvalid, "climb_test_id"},
      {"CancelClimbTest_LongId",
       Calling<v1::CancelClimbTestRequest, v1::CancelClimbTestResponse>(
           &Stub::CancelClimbTest,
           [](v1::CancelClimbTestRequest& r) { r.set_climb_test_id(kTooLong); }),
       kInvalid, "climb_test_id"},
      {"CancelClimbTest_Unknown",
       Calling<v1::CancelClimbTestRequest, v1::CancelClimbTestResponse>(
           &Stub::CancelClimbTest,
           [](v1::CancelClimbTestRequest& r) { r.set_climb_test_id("ct_nope"); }),
       GrpcCode::NOT_FOUND, "ct_nope"},

      {"GetPolicy_LongAccountId",
       Calling<v1::GetPolicyRequest, v1::GetPolicyResponse>(
           &Stub::GetPolicy, [](v1::GetPolicyRequest& r) { r.set_account_id(kTooLong); }),
       kInvalid, "account_id"},

      {"BackupDatabase_RelativePath",
       Calling<v1::BackupDatabaseRequest, v1::BackupDatabaseResponse>(
           &Stub::BackupDatabase,
           [](v1::BackupDatabaseRequest& r) { r.set_destination_path("backups/rung.db"); }),
       kInvalid, "destination_path"},
      {"BackupDatabase_EmptyPath",
       Calling<v1::BackupDatabaseRequest, v1::BackupDatabaseResponse>(
           &Stub::BackupDatabase, [](v1::BackupDatabaseRequest&) {}),
       kInvalid, "destination_path"},
      {"RecordAccountSync_NoAccount",
       Calling<v1::RecordAccountSyncRequest, v1::RecordAccountSyncResponse>(
           &Stub::RecordAccountSync, [](v1::RecordAccountSyncRequest&) {}),
       kInvalid, "account.account_id"},
      {"RecordAccountSync_UnknownTimeZone",
       Calling<v1::RecordAccountSyncRequest, v1::RecordAccountSyncResponse>(
           &Stub::RecordAccountSync,
           [](v1::RecordAccountSyncRequest& r) {
             r.mutable_account()->set_account_id("act_1");
             r.mutable_account()->set_time_zone("Pacific/Atlantis");
           }),
       kInvalid, "account.time_zone"},
      {"RecordAccountSync_TimeZoneAsPath",
       Calling<v1::RecordAccountSyncRequest, v1::RecordAccountSyncResponse>(
           &Stub::RecordAccountSync,
           [](v1::RecordAccountSyncRequest& r) {
             r.mutable_account()->set_account_id("act_1");
             r.mutable_account()->set_time_zone("/etc/localtime");
           }),
       kInvalid, "account.time_zone"},
      {"RecordAccountSync_BadCurrency",
       Calling<v1::RecordAccountSyncRequest, v1::RecordAccountSyncResponse>(
           &Stub::RecordAccountSync,
           [](v1::RecordAccountSyncRequest& r) {
             r.mutable_account()->set_account_id("act_1");
             r.mutable_account()->set_currency("euro");
           }),
       kInvalid, "account.currency"},
      {"RecordAccountSync_LongName",
       Calling<v1::RecordAccountSyncRequest, v1::RecordAccountSyncResponse>(
           &Stub::RecordAccountSync,
           [](v1::RecordAccountSyncRequest& r) {
             r.mutable_account()->set_account_id("act_1");
             r.mutable_account()->set_name(std::string(257, 'n'));
           }),
       kInvalid, "account.name"},
      {"GetAccount_EmptyId",
       Calling<v1::GetAccountRequest, v1::GetAccountResponse>(&Stub::GetAccount,
                                                              [](v1::GetAccountRequest&) {}),
       kInvalid, "account_id"},
      {"GetAccount_Unknown",
       Calling<v1::GetAccountRequest, v1::GetAccountResponse>(
           &Stub::GetAccount, [](v1::GetAccountRequest& r) { r.set_account_id("act_nope"); }),
       GrpcCode::NOT_FOUND, "act_nope"},
      {"BackupDatabase_MissingDirectory",
       Calling<v1::BackupDatabaseRequest, v1::BackupDatabaseResponse>(
           &Stub::BackupDatabase,
           [](v1::BackupDatabaseRequest& r) {
             r.set_destination_path("/nonexistent-rung-dir/backup.db");
           }),
       kInvalid, "/nonexistent-rung-dir"},
  };
}

class GrpcBattery : public DaemonBattery, public ::testing::WithParamInterface<GrpcCase> {};

TEST_P(GrpcBattery, RefusedWithTheFieldNamedAndNothingStored) {
  const GrpcCase& c = GetParam();
  const grpc::Status status = c.call(daemon_->stub());
  EXPECT_EQ(status.error_code(), c.code) << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr(c.names));
  // A message echoes at most a bounded piece of what it was sent.
  EXPECT_LT(status.error_message().size(), 1000u);
}

INSTANTIATE_TEST_SUITE_P(Cases, GrpcBattery, ::testing::ValuesIn(GrpcCases()),
                         [](const auto& test) { return test.param.name; });

// ------------------------------------------------------------------------
// HTTP

struct HttpCase {
  std::string name;
  std::string path;
  int http_status;
  std::string status;  // the JSON error's "status"
  std::string names;
};

std::ostream& operator<<(std::ostream& out, const HttpCase& c) { return out << c.name; }

std::vector<HttpCase> HttpCases() {
  const std::string bad = "INVALID_ARGUMENT";
  return {
      {"UnknownParameter", "/v1/recommendations?acount_id=act_1", 400, bad, "acount_id"},
      {"BadActionEnum", "/v1/recommendations?action=EXPLODE", 400, bad, "action"},
      {"BadFlagEnum", "/v1/recommendations?flag=SHINY", 400, bad, "flag"},
      {"NonMondayAsOf", "/v1/recommendations?as_of_week=2026-09-08", 400, bad, "as_of_week"},
      {"NotADateAsOf", "/v1/recommendations?as_of_week=yesterday", 400, bad, "as_of_week"},
      {"PageSizeNotANumber", "/v1/recommendations?page_size=ten", 400, bad, "page_size"},
      {"NegativePageSize", "/v1/recommendations?page_size=-1", 400, bad, "page_size"},
      {"PageSizeOver32Bits", "/v1/recommendations?page_size=99999999999", 400, bad, "page_size"},
      {"PageSizeTwice", "/v1/recommendations?page_size=1&page_size=2", 400, bad, "page_size"},
      {"ForeignToken", "/v1/recommendations?page_token=abc", 400, bad, "page_token"},
      {"LongAccountId", "/v1/recommendations?account_id=" + kTooLong, 400, bad, "account_id"},
      {"UnknownAdSetRecommendation", "/v1/adsets/as_nope/recommendation", 404, "NOT_FOUND",
       "as_nope"},
      {"BadAsOfRecommendation", "/v1/adsets/as_a/recommendation?as_of_week=2026-09-09", 400, bad,
       "as_of_week"},
      {"UnknownParameterRecommendation", "/v1/adsets/as_a/recommendation?week=2026-09-07", 400, bad,
       "week"},
      {"NonMondayFromWeek", "/v1/adsets/as_a/history?from_week=2026-09-09", 400, bad, "from_week"},
      {"BadToWeek", "/v1/adsets/as_a/history?to_week=2026-02-30", 400, bad, "to_week"},
      {"UnknownAdSetHistory", "/v1/adsets/as_nope/history", 404, "NOT_FOUND", "as_nope"},
      {"BadPercentEncoding", "/v1/adsets/as%zz/history", 400, bad, "ad_set_id"},
      {"LongAdSetIdInPath", "/v1/adsets/" + kTooLong + "/history", 400, bad, "ad_set_id"},
      {"AdSetsLongAccountId", "/v1/adsets?account_id=" + kTooLong, 400, bad, "account_id"},
      {"AdSetsNegativePageSize", "/v1/adsets?page_size=-3", 400, bad, "page_size"},
      {"ClimbTestsBadState", "/v1/climbtests?state=WHENEVER", 400, bad, "state"},
      {"PolicyLongAccountId", "/v1/policy?account_id=" + kTooLong, 400, bad, "account_id"},
      {"UnknownPath", "/v1/adsets/as_a/secrets", 404, "NOT_FOUND", "/v1/adsets/as_a/secrets"},
      {"HugePageSizeIsCoerced", "/v1/recommendations?page_size=2000000000", 200, "", ""},
  };
}

class HttpBattery : public DaemonBattery, public ::testing::WithParamInterface<HttpCase> {};

TEST_P(HttpBattery, RefusedWithTheFieldNamedAndNothingStored) {
  const HttpCase& c = GetParam();
  auto result = daemon_->Http().Get(c.path);
  ASSERT_TRUE(result) << httplib::to_string(result.error());
  EXPECT_EQ(result->status, c.http_status) << result->body;
  EXPECT_THAT(result->body, HasSubstr(c.status.empty() ? "" : "\"status\":\"" + c.status + "\""));
  EXPECT_THAT(result->body, HasSubstr(c.names));
  if (c.http_status != 200) {
    EXPECT_LT(result->body.size(), 1000u);
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, HttpBattery, ::testing::ValuesIn(HttpCases()),
                         [](const auto& test) { return test.param.name; });

// ------------------------------------------------------------------------
// Config files: parsed, then resolved, as rungd does at start.

struct ConfigCase {
  std::string name;
  std::string text;
  bool json;
  std::string names;
};

std::ostream& operator<<(std::ostream& out, const ConfigCase& c) { return out << c.name; }

std::vector<ConfigCase> ConfigCases() {
  return {
      {"UnknownKey", "storage {\n  synchronus: \"FULL\"\n}\n", false, "synchronus"},
      {"UnknownSection", "limitz { max_batch_size: 5 }", false, "limitz"},
      {"SyntaxError", "limits {\n  max_batch_size: 5\n", false, "line"},
      {"WrongType", "limits { max_batch_size: \"many\" }", false, "line 1, column 26"},
      {"NegativeBatchSize", "limits { max_batch_size: -5 }", false, "limits.max_batch_size"},
      {"NegativeMessageSize", "limits { max_message_bytes: -1 }", false,
       "limits.max_message_bytes"},
      {"NegativePageSize", "limits { max_page_size: -1 }", false, "limits.max_page_size"},
      {"BadSynchronous", "storage { synchronous: \"SOMETIMES\" }", false, "storage.synchronous"},
      {"NegativeBusyTimeout", "storage { busy_timeout_ms: -1 }", false, "storage.busy_timeout_ms"},
      {"NegativeReaders", "storage { reader_connections: -2 }", false,
       "storage.reader_connections"},
      {"NegativeProbeInterval", "storage { health_probe_interval_ms: -1 }", false,
       "storage.health_probe_interval_ms"},
      {"BadLogLevel", "log { level: \"loud\" }", false, "log.level"},
      {"OneRungLadder", "ladders { name: \"solo\" events: \"Purchase\" }", false,
       "ladders[solo].events"},
      {"LadderWithARepeatedRung",
       "ladders { name: \"loop\" events: \"AddToCart\" events: \"Purchase\" events: \"purchase\" }",
       false, "ladders[loop].events[2]"},
      {"LadderWithABadEvent", "ladders { name: \"odd\" events: \"AddToCart\" events: \"9x\" }",
       false, "ladders[odd].events[1]"},
      {"LadderWithABadName",
       "ladders { name: \"Big Ladder\" events: \"AddToCart\" events: \"Purchase\" }", false,
       "ladders"},
      {"ZeroLearningThreshold", "policy { learning_threshold: 0 }", false,
       "policy.learning_threshold"},
      {"FractionOverOne", "policy { near_exit_fraction: 1.5 }", false, "policy.near_exit_fraction"},
      {"AccountWithoutId", "accounts { policy { learning_threshold: 30 } }", false, "accounts[0]"},
      {"AccountPolicyOutOfRange",
       "accounts { account_id: \"act_1\" policy { consistency_weeks: -1 } }", false,
       "consistency_weeks"},
      {"JsonUnknownKey", R"({"limits": {"maxBatch": 7}})", true, "maxBatch"},
      {"JsonTruncated", R"({"limits": {"maxBatchSize": 7)", true, "rungd.json"},
      {"JsonOutOfRange", R"({"limits": {"maxPageSize": -3}})", true, "limits.max_page_size"},
      {"JsonWrongType", R"({"storage": {"busyTimeoutMs": "soon"}})", true,
       "storage.busy_timeout_ms"},
  };
}

class ConfigBattery : public ::testing::TestWithParam<ConfigCase> {};

TEST_P(ConfigBattery, RefusedWithTheFieldNamed) {
  const ConfigCase& c = GetParam();
  absl::Status status;
  auto parsed = ParseConfigText(c.text, c.json, c.json ? "rungd.json" : "rungd.textproto");
  if (parsed.ok()) {
    status = ResolveConfig(*parsed).status();
  } else {
    status = parsed.status();
  }
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr(c.names));
}

INSTANTIATE_TEST_SUITE_P(Cases, ConfigBattery, ::testing::ValuesIn(ConfigCases()),
                         [](const auto& test) { return test.param.name; });

}  // namespace
}  // namespace rung
