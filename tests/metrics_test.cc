// /metrics end to end: gRPC and HTTP calls against a real daemon, then the
// Prometheus text format parsed back and checked sample by sample; and the
// per-account gauges of a scrape over advice stored by hand.

#include "api/metrics.h"

#include <cmath>
#include <cstdlib>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/impl/codegen/client_unary_call.h"
#include "grpcpp/impl/codegen/rpc_method.h"
#include "gtest/gtest.h"
#include "storage_test_util.h"
#include "support/daemon_fixture.h"

namespace rung {
namespace {

using Labels = std::map<std::string, std::string>;

struct Sample {
  std::string name;
  Labels labels;
  double value = 0;
};

// The text exposition format, as far as a scraper reads it.
struct Exposition {
  std::map<std::string, std::string> help;
  std::map<std::string, std::string> type;
  std::vector<Sample> samples;

  std::vector<Sample> Named(const std::string& name) const {
    std::vector<Sample> named;
    for (const Sample& sample : samples) {
      if (sample.name == name) named.push_back(sample);
    }
    return named;
  }

  // The value of the one sample with exactly these labels.
  std::optional<double> Value(const std::string& name, const Labels& labels = {}) const {
    std::optional<double> found;
    for (const Sample& sample : samples) {
      if (sample.name != name || sample.labels != labels) continue;
      EXPECT_FALSE(found.has_value()) << "two samples of " << name;
      found = sample.value;
    }
    return found;
  }
};

// `{a="x",b="y\"z"}` from `*pos` (at the brace); leaves `*pos` after it.
Labels ParseLabels(const std::string& line, size_t* pos) {
  Labels labels;
  ++*pos;  // '{'
  while (*pos < line.size() && line[*pos] != '}') {
    const size_t equals = line.find("=\"", *pos);
    if (equals == std::string::npos) break;
    const std::string name = line.substr(*pos, equals - *pos);
    std::string value;
    size_t i = equals + 2;
    for (; i < line.size() && line[i] != '"'; ++i) {
      if (line[i] == '\\' && i + 1 < line.size()) {
        ++i;
        value.push_back(line[i] == 'n' ? '\n' : line[i]);
      } else {
        value.push_back(line[i]);
      }
    }
    labels[name] = value;
    *pos = i + 1;
    if (*pos < line.size() && line[*pos] == ',') ++*pos;
  }
  ++*pos;  // '}'
  return labels;
}

Exposition ParseExposition(const std::string& text) {
  Exposition exposition;
  for (const absl::string_view view : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    const std::string line(view);
    if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) {
      const size_t space = line.find(' ', 7);
      auto& into = line[2] == 'H' ? exposition.help : exposition.type;
      into[line.substr(7, space - 7)] = line.substr(space + 1);
      continue;
    }
    Sample sample;
    size_t pos = line.find_first_of("{ ");
    sample.name = line.substr(0, pos);
    if (pos != std::string::npos && line[pos] == '{') sample.labels = ParseLabels(line, &pos);
    const std::vector<std::string> rest = absl::StrSplit(line.substr(pos), ' ', absl::SkipEmpty());
    EXPECT_FALSE(rest.empty()) << line;
    if (rest.empty()) continue;
    sample.value = std::strtod(rest[0].c_str(), nullptr);
    exposition.samples.push_back(sample);
  }
  return exposition;
}

Labels Method(const std::string& method, const std::string& service = "rung.v1.AdvisorService",
              const std::string& type = "unary") {
  return {{"grpc_type", type}, {"grpc_service", service}, {"grpc_method", method}};
}

Labels Handled(const std::string& method, const std::string& code,
               const std::string& service = "rung.v1.AdvisorService",
               const std::string& type = "unary") {
  Labels labels = Method(method, service, type);
  labels["grpc_code"] = code;
  return labels;
}

double UnixSeconds(absl::Time time) { return absl::ToDoubleSeconds(time - absl::UnixEpoch()); }

class MetricsTest : public test_support::DaemonFixture {
 protected:
  Exposition Scrape() {
    httplib::Client http = Http();
    httplib::Result result = http.Get("/metrics");
    EXPECT_TRUE(result);
    if (!result) return {};
    EXPECT_EQ(result->status, 200);
    EXPECT_EQ(result->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
    return ParseExposition(result->body);
  }

  grpc::StatusCode GetRecommendation(const std::string& ad_set_id,
                                     v1::Recommendation* out = nullptr) {
    v1::GetRecommendationRequest request;
    request.set_ad_set_id(ad_set_id);
    v1::GetRecommendationResponse response;
    grpc::ClientContext context;
    const grpc::StatusCode code =
        stub_->GetRecommendation(&context, request, &response).error_code();
    if (out != nullptr) *out = response.recommendation();
    return code;
  }

  // A method no service has: the server answers UNIMPLEMENTED. Called the way
  // generated stubs call, since no stub names it.
  grpc::StatusCode CallUnknownMethod(const std::string& full_method) {
    const grpc::internal::RpcMethod method(full_method.c_str(),
                                           grpc::internal::RpcMethod::NORMAL_RPC);
    v1::GetAdSetRequest request;
    v1::GetAdSetResponse response;
    grpc::ClientContext context;
    return grpc::internal::BlockingUnaryCall(channel_.get(), method, &context, request, &response)
        .error_code();
  }
};

TEST(SplitFullMethodNameTest, SplitsAsGoGrpcPrometheusDoes) {
  struct Case {
    std::string full;
    std::string service;
    std::string method;
  };
  const Case cases[] = {
      {"/rung.v1.AdvisorService/GetRecommendation", "rung.v1.AdvisorService", "GetRecommendation"},
      {"/grpc.health.v1.Health/Check", "grpc.health.v1.Health", "Check"},
      {"rung.v1.AdvisorService/GetAdSet", "rung.v1.AdvisorService", "GetAdSet"},
      {"/NoMethod", "unknown", "unknown"},
      {"", "unknown", "unknown"},
  };
  for (const Case& c : cases) {
    const GrpcMethodName name = SplitFullMethodName(c.full);
    EXPECT_EQ(name.service, c.service) << c.full;
    EXPECT_EQ(name.method, c.method) << c.full;
  }
}

TEST_F(MetricsTest, CountsCallsByMethodAndCodeAndReflectsTheData) {
  std::set<std::string> ad_set_ids;
  const absl::Time before_ingest = absl::Now();
  for (const auto& scenario : test_support::SpecScenarios()) {
    const std::string id = absl::StrCat("as_s", scenario.number);
    ad_set_ids.insert(id);
    Ingest(test_support::ScenarioRecords(scenario, "act_1", id));
  }
  const absl::Time after_ingest = absl::Now();
  const v1::EvaluateAdSetsResponse evaluation = MustEvaluate(test_support::WeekAt(2));

  v1::Recommendation rec;
  ASSERT_EQ(GetRecommendation("as_s1", &rec), grpc::StatusCode::OK);
  ASSERT_EQ(GetRecommendation("nope"), grpc::StatusCode::NOT_FOUND);
  {
    v1::ListRecommendationsRequest request;
    request.set_page_size(-1);
    v1::ListRecommendationsResponse response;
    grpc::ClientContext context;
    ASSERT_EQ(stub_->ListRecommendations(&context, request, &response).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
  }
  {
    grpc::health::v1::HealthCheckResponse response;
    grpc::ClientContext context;
    ASSERT_TRUE(grpc::health::v1::Health::NewStub(channel_)
                    ->Check(&context, grpc::health::v1::HealthCheckRequest(), &response)
                    .ok());
  }
  ASSERT_EQ(CallUnknownMethod("/evil.Service/MintSeries"), grpc::StatusCode::UNIMPLEMENTED);
  httplib::Client http = Http();
  ASSERT_EQ(http.Get("/v1/adsets/as_s1/history")->status, 200);
  ASSERT_EQ(http.Get("/v1/adsets/nope/recommendation")->status, 404);
  ASSERT_EQ(http.Get("/v1/as_s2/nowhere")->status, 404);

  const Exposition metrics = Scrape();

  // The grpc_server_* family, exactly as go-grpc-prometheus writes it.
  const std::map<std::string, std::string> types = {
      {"grpc_server_started_total", "counter"},
      {"grpc_server_handled_total", "counter"},
      {"grpc_server_msg_received_total", "counter"},
      {"grpc_server_msg_sent_total", "counter"},
      {"grpc_server_handling_seconds", "histogram"},
      {"rung_http_requests_total", "counter"},
      {"rung_ad_sets", "gauge"},
  };
  for (const auto& [name, type] : types) {
    EXPECT_EQ(metrics.type.count(name) ? metrics.type.at(name) : "", type) << name;
    EXPECT_FALSE(metrics.help.count(name) ? metrics.help.at(name).empty() : true) << name;
  }
  struct Expected {
    std::string name;
    Labels labels;
    double value;
  };
  const Expected expected[] = {
      {"grpc_server_started_total", Method("GetRecommendation"), 2},
      {"grpc_server_handled_total", Handled("GetRecommendation", "OK"), 1},
      {"grpc_server_handled_total", Handled("GetRecommendation", "NotFound"), 1},
      {"grpc_server_handled_total", Handled("ListRecommendations", "InvalidArgument"), 1},
      {"grpc_server_handled_total", Handled("IngestWeeks", "OK"), 8},
      {"grpc_server_handled_total", Handled("EvaluateAdSets", "OK"), 1},
      // Declared methods start at zero, for every code.
      {"grpc_server_handled_total", Handled("GetPolicy", "Unavailable"), 0},
      {"grpc_server_started_total", Method("CancelClimbTest"), 0},
      {"grpc_server_msg_received_total", Method("GetRecommendation"), 2},
      // Only an OK unary call sends a message.
      {"grpc_server_msg_sent_total", Method("GetRecommendation"), 1},
      {"grpc_server_msg_sent_total", Method("ListRecommendations"), 0},
      {"grpc_server_handled_total", Handled("Check", "OK", "grpc.health.v1.Health"), 1},
      // A made-up method is counted, under a name no client chooses.
      {"grpc_server_handled_total", Handled("unknown", "Unimplemented", "unknown", "bidi_stream"),
       1},
      {"rung_http_requests_total",
       {{"path_template", "/v1/adsets/{ad_set_id}/history"}, {"code", "200"}},
       1},
      {"rung_http_requests_total",
       {{"path_template", "/v1/adsets/{ad_set_id}/recommendation"}, {"code", "404"}},
       1},
      {"rung_http_requests_total", {{"path_template", "unmatched"}, {"code", "404"}}, 1},
      {"rung_store_stats_up", {}, 1},
      {"rung_accounts", {}, 1},
      {"rung_ad_sets", {}, 8},
      {"rung_ad_set_week_records", {}, 24},
  };
  for (const Expected& e : expected) {
    EXPECT_EQ(metrics.Value(e.name, e.labels), e.value)
        << e.name << " " << ::testing::PrintToString(e.labels);
  }

  // The latest evaluation, one series per action, all present.
  std::map<std::string, double> by_action;
  for (const Sample& sample : metrics.Named("rung_latest_evaluation_recommendations")) {
    by_action[sample.labels.at("action")] = sample.value;
  }
  ASSERT_EQ(by_action.size(), 11u);
  double counted = 0;
  for (const auto& count : evaluation.action_counts()) {
    const std::string action = v1::Action_Name(count.action()).substr(sizeof("ACTION_") - 1);
    EXPECT_EQ(by_action[action], count.count()) << action;
    counted += count.count();
  }
  EXPECT_EQ(counted, evaluation.evaluated());
  // Every ad set is act_1's, so its gauges are the evaluation's counts.
  std::map<std::string, double> act_1;
  for (const Sample& sample : metrics.Named("rung_account_ad_sets")) {
    EXPECT_EQ(sample.labels.at("account_id"), "act_1");
    act_1[sample.labels.at("action")] = sample.value;
  }
  EXPECT_EQ(act_1, by_action);
  EXPECT_EQ(by_action["MOVE_DOWN"], 1);
  EXPECT_EQ(by_action["PROMOTE_DUPLICATE"], 0);
  EXPECT_GT(metrics.Value("rung_latest_evaluation_duration_seconds").value_or(-1), 0);
  EXPECT_NEAR(metrics.Value("rung_latest_evaluation_timestamp_seconds").value_or(0),
              rec.evaluated_at().seconds() + rec.evaluated_at().nanos() / 1e9, 1e-3);
  const double last_ingest = metrics.Value("rung_last_ingest_timestamp_seconds").value_or(0);
  EXPECT_GE(last_ingest, std::floor(UnixSeconds(before_ingest)));
  EXPECT_LE(last_ingest, std::ceil(UnixSeconds(after_ingest)));
  EXPECT_GT(metrics.Value("rung_database_size_bytes").value_or(0), 0);
  // Both results are always there; this little data fills no log.
  EXPECT_EQ(metrics.Value("rung_wal_checkpoints_total", {{"result", "ok"}}), 0);
  EXPECT_EQ(metrics.Value("rung_wal_checkpoints_total", {{"result", "failed"}}), 0);

  // No series per ad set, and none per made-up name.
  for (const Sample& sample : metrics.samples) {
    for (const auto& [name, value] : sample.labels) {
      EXPECT_EQ(ad_set_ids.count(value), 0u) << sample.name << " " << name << "=" << value;
      EXPECT_EQ(value.find("evil"), std::string::npos) << sample.name;
    }
  }
}

// gRPC and HTTP share one cache of GetRecommendation answers. Whether the
// first lookup finds its answer depends on how far the fill after the
// evaluation got (api/answer_warmer.h); the two after it must.
TEST_F(MetricsTest, CountsKeptAnswersFoundAndMissed) {
  const test_support::SpecScenario scenario = test_support::SpecScenarios().front();
  Ingest(test_support::ScenarioRecords(scenario, "act_1", "as_1"));
  MustEvaluate(test_support::WeekAt(2));

  ASSERT_EQ(GetRecommendation("as_1"), grpc::StatusCode::OK);
  ASSERT_EQ(GetRecommendation("as_1"), grpc::StatusCode::OK);
  ASSERT_EQ(Http().Get("/v1/adsets/as_1/recommendation")->status, 200);
  Exposition metrics = Scrape();
  EXPECT_EQ(metrics.type["rung_answer_cache_lookups_total"], "counter");
  const double hits =
      metrics.Value("rung_answer_cache_lookups_total", {{"result", "hit"}}).value_or(-1);
  const double misses =
      metrics.Value("rung_answer_cache_lookups_total", {{"result", "miss"}}).value_or(-1);
  EXPECT_EQ(hits + misses, 3);
  EXPECT_GE(hits, 2);
  EXPECT_GT(metrics.Value("rung_answer_cache_bytes").value_or(0), 0);
}

TEST_F(MetricsTest, HandlingHistogramsAgreeWithTheCounters) {
  Ingest(test_support::ScenarioRecords(test_support::SpecScenarios()[0], "act_1", "as_s1"));
  ASSERT_EQ(GetRecommendation("as_s1"), grpc::StatusCode::NOT_FOUND);  // not evaluated yet
  MustEvaluate(test_support::WeekAt(2));
  ASSERT_EQ(GetRecommendation("as_s1"), grpc::StatusCode::OK);
  const Exposition metrics = Scrape();

  const std::vector<std::string> bounds = {"0.005", "0.01", "0.025", "0.05", "0.1", "0.25",
                                           "0.5",   "1",    "2.5",   "5",    "10",  "+Inf"};
  const std::vector<Sample> counts = metrics.Named("grpc_server_handling_seconds_count");
  ASSERT_FALSE(counts.empty());
  for (const Sample& count : counts) {
    const std::string method = count.labels.at("grpc_method");
    std::vector<std::string> les;
    double previous = 0;
    for (const Sample& bucket : metrics.Named("grpc_server_handling_seconds_bucket")) {
      Labels without_le = bucket.labels;
      without_le.erase("le");
      if (without_le != count.labels) continue;
      les.push_back(bucket.labels.at("le"));
      EXPECT_GE(bucket.value, previous) << method << " le=" << les.back();
      previous = bucket.value;
    }
    EXPECT_EQ(les, bounds) << method;
    EXPECT_EQ(previous, count.value) << method;  // +Inf holds every call
    EXPECT_EQ(metrics.Value("grpc_server_started_total", count.labels), count.value) << method;
    double handled = 0;
    for (const Sample& sample : metrics.Named("grpc_server_handled_total")) {
      Labels without_code = sample.labels;
      without_code.erase("grpc_code");
      if (without_code == count.labels) handled += sample.value;
    }
    EXPECT_EQ(handled, count.value) << method;
    EXPECT_GE(metrics.Value("grpc_server_handling_seconds_sum", count.labels).value_or(-1), 0)
        << method;
  }
  EXPECT_EQ(metrics.Value("grpc_server_handling_seconds_count", Method("GetRecommendation")), 2);
  EXPECT_EQ(metrics.Value("grpc_server_handling_seconds_count", Method("GetPolicy")), 0);
}

TEST_F(MetricsTest, BeforeAnyDataEveryActionReadsZeroAndTimesAreAbsent) {
  const Exposition metrics = Scrape();
  EXPECT_EQ(metrics.Value("rung_ad_sets"), 0);
  EXPECT_EQ(metrics.Value("rung_ad_set_week_records"), 0);
  const std::vector<Sample> by_action = metrics.Named("rung_latest_evaluation_recommendations");
  EXPECT_EQ(by_action.size(), 11u);
  for (const Sample& sample : by_action) EXPECT_EQ(sample.value, 0) << sample.labels.at("action");
  EXPECT_EQ(metrics.Value("rung_accounts"), 0);
  EXPECT_TRUE(metrics.Named("rung_account_ad_sets").empty());
  EXPECT_TRUE(metrics.Named("rung_latest_evaluation_timestamp_seconds").empty());
  EXPECT_TRUE(metrics.Named("rung_latest_evaluation_duration_seconds").empty());
  EXPECT_TRUE(metrics.Named("rung_last_ingest_timestamp_seconds").empty());
}

// The names Grafana sees, spelled out here rather than read from the code
// that makes them.
const char* const kActions[] = {
    "INSUFFICIENT_DATA",   "REVIEW_SETUP",  "STABILIZE",         "HOLD",         "MOVE_DOWN",
    "DUPLICATE_AND_CLIMB", "CONTINUE_TEST", "PROMOTE_DUPLICATE", "KEEP_CURRENT", "AT_TOP",
    "CONSOLIDATE",
};
const char* const kLearningStatuses[] = {"STUCK", "NEAR_EXIT", "EXITED", "WELL_OPTIMIZED"};

// Every one of `names` at 0, but those of `counted`.
std::map<std::string, double> EveryName(const std::vector<const char*>& names,
                                        const std::map<std::string, double>& counted) {
  std::map<std::string, double> values;
  for (const char* name : names) values[name] = 0;
  for (const auto& [name, count] : counted) values[name] = count;
  return values;
}

std::map<std::string, double> Actions(const std::map<std::string, double>& counted) {
  return EveryName({std::begin(kActions), std::end(kActions)}, counted);
}

std::map<std::string, double> LearningStatuses(const std::map<std::string, double>& counted) {
  return EveryName({std::begin(kLearningStatuses), std::end(kLearningStatuses)}, counted);
}

Recommendation Advice(const std::string& account_id, const std::string& ad_set_id, Week week,
                      Action action, std::optional<LearningStatus> learning_status) {
  Recommendation r;
  r.account_id = account_id;
  r.ad_set_id = ad_set_id;
  r.as_of_week = week;
  r.action = action;
  r.learning_status = learning_status;
  return r;
}

// Advice stored by hand in a real SQLite file, scraped without a server:
//   act_a, latest week W1: a1 HOLD STUCK, a2 HOLD EXITED, a3 MOVE_DOWN STUCK,
//     a4 INSUFFICIENT_DATA without a record (so no learning status); its
//     W0 advice (a1 AT_TOP WELL_OPTIMIZED) is older and does not count.
//   act_b, latest week W0: b1 DUPLICATE_AND_CLIMB NEAR_EXIT.
//   act_c: a sync, nothing stored.
class AccountGaugesTest : public AdvisorTest {
 protected:
  void SetUp() override {
    AdvisorTest::SetUp();
    if (HasFatalFailure()) return;
    IngestBatch batch;
    for (const char* ad_set_id : {"a1", "a2", "a3", "a4"}) {
      batch.records.push_back(Record(ad_set_id, W(0), 10, "act_a"));
    }
    batch.records.push_back(Record("b1", W(0), 10, "act_b"));
    ASSERT_OK(store_->Ingest(batch).status());
    AccountRecord synced;
    synced.account_id = "act_c";
    synced.last_sync_time = now_;
    ASSERT_OK(store_->RecordAccountSync(synced));
    EvaluationChunk first;
    first.recommendations = {
        Advice("act_a", "a1", W(0), Action::kAtTop, LearningStatus::kWellOptimized),
        Advice("act_b", "b1", W(0), Action::kDuplicateAndClimb, LearningStatus::kNearExit)};
    ASSERT_OK(SaveChunk(*store_, first));
    EvaluationChunk latest;
    latest.recommendations = {
        Advice("act_a", "a1", W(1), Action::kHold, LearningStatus::kStuck),
        Advice("act_a", "a2", W(1), Action::kHold, LearningStatus::kExited),
        Advice("act_a", "a3", W(1), Action::kMoveDown, LearningStatus::kStuck),
        Advice("act_a", "a4", W(1), Action::kInsufficientData, std::nullopt)};
    ASSERT_OK(SaveChunk(*store_, latest));
  }

  Exposition Scrape(int max_accounts) {
    return ParseExposition(Metrics(advisor_.get(), nullptr, max_accounts).Scrape());
  }

  // The samples of `name` for `account_id`, by the value of `label`.
  static std::map<std::string, double> ByLabel(const Exposition& metrics, const std::string& name,
                                               const std::string& account_id,
                                               const std::string& label) {
    std::map<std::string, double> values;
    for (const Sample& sample : metrics.Named(name)) {
      if (sample.labels.at("account_id") != account_id) continue;
      EXPECT_EQ(sample.labels.size(), 2u) << name;
      EXPECT_EQ(values.count(sample.labels.at(label)), 0u) << name << " " << account_id;
      values[sample.labels.at(label)] = sample.value;
    }
    return values;
  }

  // The accounts that `name` has series for.
  static std::set<std::string> AccountsOf(const Exposition& metrics, const std::string& name) {
    std::set<std::string> accounts;
    for (const Sample& sample : metrics.Named(name))
      accounts.insert(sample.labels.at("account_id"));
    return accounts;
  }
};

TEST_F(AccountGaugesTest, EveryActionAndLearningStatusOfEachAccountZerosIncluded) {
  const Exposition metrics = Scrape(Metrics::kMaxAccounts);

  EXPECT_EQ(metrics.Value("rung_store_stats_up"), 1);
  EXPECT_EQ(metrics.Value("rung_accounts"), 3);
  for (const std::string name :
       {"rung_accounts", "rung_account_ad_sets", "rung_account_ad_sets_by_learning_status"}) {
    EXPECT_EQ(metrics.type.count(name) ? metrics.type.at(name) : "", "gauge") << name;
    EXPECT_FALSE(metrics.help.count(name) ? metrics.help.at(name).empty() : true) << name;
  }
  const std::string by_action = "rung_account_ad_sets";
  const std::string by_learning = "rung_account_ad_sets_by_learning_status";
  EXPECT_EQ(ByLabel(metrics, by_action, "act_a", "action"),
            Actions({{"HOLD", 2}, {"MOVE_DOWN", 1}, {"INSUFFICIENT_DATA", 1}}));
  EXPECT_EQ(ByLabel(metrics, by_learning, "act_a", "learning_status"),
            LearningStatuses({{"STUCK", 2}, {"EXITED", 1}}));
  EXPECT_EQ(ByLabel(metrics, by_action, "act_b", "action"), Actions({{"DUPLICATE_AND_CLIMB", 1}}));
  EXPECT_EQ(ByLabel(metrics, by_learning, "act_b", "learning_status"),
            LearningStatuses({{"NEAR_EXIT", 1}}));
  EXPECT_EQ(ByLabel(metrics, by_action, "act_c", "action"), Actions({}));
  EXPECT_EQ(ByLabel(metrics, by_learning, "act_c", "learning_status"), LearningStatuses({}));
  EXPECT_EQ(metrics.Named(by_action).size(), 3 * std::size(kActions));
  EXPECT_EQ(metrics.Named(by_learning).size(), 3 * std::size(kLearningStatuses));
}

TEST_F(AccountGaugesTest, OnlyTheFirstAccountsByIdAreExportedAndAllAreCounted) {
  const Exposition metrics = Scrape(2);

  EXPECT_EQ(metrics.Value("rung_accounts"), 3);
  ASSERT_EQ(metrics.help.count("rung_accounts"), 1u);
  EXPECT_THAT(metrics.help.at("rung_accounts"), testing::HasSubstr("first 2 by id"));
  const std::set<std::string> first_two = {"act_a", "act_b"};
  EXPECT_EQ(AccountsOf(metrics, "rung_account_ad_sets"), first_two);
  EXPECT_EQ(AccountsOf(metrics, "rung_account_ad_sets_by_learning_status"), first_two);
  EXPECT_EQ(ByLabel(metrics, "rung_account_ad_sets", "act_b", "action"),
            Actions({{"DUPLICATE_AND_CLIMB", 1}}));
}

}  // namespace
}  // namespace rung
