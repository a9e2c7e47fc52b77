#ifndef RUNG_TESTS_SUPPORT_FAKE_GRAPH_H_
#define RUNG_TESTS_SUPPORT_FAKE_GRAPH_H_

// A fake of Meta's Graph (Marketing) API on 127.0.0.1:0, for the tests and the
// benchmark of `rungctl sync`: real HTTP, Meta's answer shapes, paging, async
// reports, errors and usage headers, as the meta-connector spec describes them.
// Where the spec and Meta differ, the fake follows Meta and says so in
// fake_graph.cc.
//
// Beware: inside namespace rung, an unqualified `testing::` now names this
// namespace, not gtest's; write `::testing::` in files that include this.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace rung::testing {

struct FakeAction {
  std::string action_type;
  std::string value;  // Meta writes numbers as strings
};

struct FakeInsightsRow {
  std::string ad_set_id;
  std::string date_start;  // a Monday, YYYY-MM-DD; date_stop is 6 days later
  std::string spend;       // "123.45"; empty: the row has no spend member
  std::vector<FakeAction> actions;
};

struct FakeAdSet {
  std::string id, name, campaign_id;
  std::string optimization_goal = "OFFSITE_CONVERSIONS";
  std::string pixel_id = "700000000000001";  // promoted_object.pixel_id, with an event
  std::string custom_event_type;             // promoted_object.custom_event_type; empty: none
  std::string custom_conversion_id;          // promoted_object.custom_conversion_id; empty: none
  std::string learning_status;        // learning_stage_info.status; empty: no learning_stage_info
  int64_t last_sig_edit_ts = 0;       // learning_stage_info.last_sig_edit_ts; 0: absent
  int64_t learning_conversions = 0;   // learning_stage_info.conversions
  int64_t conversions_threshold = 0;  // learning_stage_info.dynamic_lp_conversions_threshold; 0:
                                      // absent
  std::string source_adset_id;        // set on copies; empty: the member is absent
  std::string effective_status = "ACTIVE";
  // What `rungctl apply` reads to copy an ad set. JSON members are JSON text; budgets and
  // bid_amount are in the currency's minor unit, 0: the member is absent (a budget under a
  // campaign budget).
  std::string status = "ACTIVE";
  std::string custom_event_str;  // promoted_object.custom_event_str, with custom_event_type OTHER
  std::string targeting = R"({"age_max":65,"age_min":18,"geo_locations":{"countries":["DE"]}})";
  std::string billing_event = "IMPRESSIONS";
  std::string bid_strategy = "LOWEST_COST_WITHOUT_CAP";
  int64_t bid_amount = 0;
  int64_t daily_budget = 0;
  int64_t lifetime_budget = 0;
  std::string end_time;  // "2026-12-31T23:59:59+0100"; empty: absent
  std::string attribution_spec =
      R"([{"event_type":"CLICK_THROUGH","window_days":7},{"event_type":"VIEW_THROUGH","window_days":1}])";
  std::string destination_type = "WEBSITE";
  std::string pacing_type = R"(["standard"])";
};

struct FakeAd {
  std::string id, name;
  std::string effective_status = "ACTIVE";
  std::string adset_id;
  std::string source_ad_id;  // set on copies; empty: the member is absent
};

struct FakeAccount {
  std::string id;  // digits, without "act_"
  std::string name = "Test account", currency = "EUR", timezone_name = "Europe/Berlin";
  std::vector<FakeAdSet> ad_sets;
  std::vector<FakeInsightsRow> rows;
  std::vector<FakeAd> ads;  // of any of its ad sets, by adset_id
};

// An account too big to hold (benchmarks): its ad sets and rows are made on
// request from their index, by pure functions called under the fake's lock.
struct GeneratedAccount {
  FakeAccount account;  // id, name, currency, timezone_name; ad_sets and rows unused
  int64_t ad_set_count = 0;
  int rows_per_ad_set = 0;
  std::function<FakeAdSet(int64_t ad_set_index)> ad_set;
  // Row `row` (0-based, oldest first) of ad set `ad_set_index`.
  std::function<FakeInsightsRow(int64_t ad_set_index, int row)> row;
};

// A scripted answer, served instead of the real one.
struct FakeAnswer {
  int http_status = 400;
  std::string body;  // raw body: an error JSON, or anything (non-JSON) for the transient case
  std::vector<std::pair<std::string, std::string>> headers;
};

struct RecordedRequest {
  std::string method, path;  // path without query, e.g. "/v27.0/act_1001/insights"
  std::multimap<std::string, std::string> params;  // query and form parameters, decoded
  std::multimap<std::string, std::string> headers;
};

class FakeGraph {
 public:
  // Accepts only `token` (access_token parameter); with a non-empty app_secret every call must
  // also carry appsecret_proof = lowercase hex HMAC-SHA256(key=app_secret, data=token).
  explicit FakeGraph(std::string token, std::string app_secret = "");
  ~FakeGraph();
  FakeGraph(const FakeGraph&) = delete;
  FakeGraph& operator=(const FakeGraph&) = delete;

  std::string base_url() const;  // "http://127.0.0.1:PORT"
  int port() const { return port_; }

  void AddAccount(FakeAccount account);
  void AddGeneratedAccount(GeneratedAccount account);
  // Changes rows in place (restated counts) or adds ad sets/rows between syncs. Only for
  // accounts added with AddAccount.
  void EditAccount(const std::string& id, const std::function<void(FakeAccount&)>& edit);

  // Scripted failures: the next `times` requests whose path ends with `path_suffix` (e.g.
  // "/insights", "/adsets", "act_1001") get `answer` instead; they are consumed in order. GETs
  // and POSTs alike: a POST that fails so was not done.
  void FailNext(std::string path_suffix, FakeAnswer answer, int times = 1);
  // The next request whose path ends with `path_suffix` is served, a write done, but `answer`
  // goes back instead of Meta's: an answer lost after Meta acted (a timeout, a crash).
  void LoseNextAnswer(std::string path_suffix, FakeAnswer answer);
  // The next request whose path ends with `path_suffix` is held, neither done nor answered,
  // until ReleaseHeld (or the fake's end), and then answers HTTP 500 having done nothing: a
  // point at which a test can kill its client mid-run without racing it.
  void HoldNext(std::string path_suffix);
  void AwaitHeld();  // blocks until the held request has arrived
  void ReleaseHeld();
  // Meta-shaped answers. Error includes fbtrace_id; subcode 0 leaves error_subcode out.
  static FakeAnswer Error(int code, int subcode, std::string message,
                          std::string type = "OAuthException", bool is_transient = false,
                          int http_status = 400);
  // Code 4, 17, 32, 613 or 80000..80014, with an X-Business-Use-Case-Usage header whose
  // estimated_time_to_regain_access is `regain_minutes`.
  static FakeAnswer Throttled(int code, int regain_minutes);
  static FakeAnswer ServerError();                   // HTTP 500, code 2, is_transient
  static FakeAnswer NotJson(int http_status = 502);  // an HTML page, as a proxy sends

  // Usage headers sent on every answer from now on (errors included); empty string: header
  // absent.
  void SetUsageHeaders(std::string business_use_case, std::string ad_account,
                       std::string insights_throttle);
  // Every call on this account and its ad sets, ads and campaigns answers `code` (10, 200,
  // 294 …), missing permission.
  void DenyAccount(const std::string& id, int code);
  // A token with ads_read but no ads_management: writes (POSTs other than async Insights) on
  // this account and its objects answer code 200; reads go on.
  void DenyWrites(const std::string& id);
  // Synchronous Insights on this account answers code 1 subcode 99, so the client must use an
  // async report.
  void RequireAsync(const std::string& id);
  // The async job's states, one per poll of GET /{report_run_id}: e.g. {{"Job Running",0},
  // {"Job Running",100},{"Job Completed",100}}. The last state repeats. Reading the report's
  // insights while the state last shown is not "Job Completed" answers code 2601 subcode
  // 1815107. Each call queues one script; each POST takes the next (the last one repeats).
  // Without a script a job is complete at once.
  void SetAsyncScript(const std::string& id, std::vector<std::pair<std::string, int>> states);
  // The page after the first page of insights of this account is empty ("data": []) but still
  // carries paging.next (Meta does this), when there are rows after the first page.
  void InsertEmptyInsightsPage(const std::string& id);
  // paging.next of insights for this account repeats the same cursor forever.
  void RepeatInsightsCursor(const std::string& id);
  // Caps every `limit` at this many items per page (to force paging in small tests).
  void SetMaxPageSize(int n);
  // Off: requests are counted but not kept (long benchmark runs).
  void SetRecording(bool on);

  std::vector<RecordedRequest> requests() const;  // every request received, in order
  int request_count() const;
  // POSTs received (refused and scripted ones too) whose path ends with `path_suffix`; "": all.
  int write_count(const std::string& path_suffix = "") const;

  // Ad sets and ads as they are now, writes included; objects of AddAccount accounts only.
  std::optional<FakeAdSet> FindAdSet(const std::string& id) const;
  std::vector<FakeAd> AdsOf(const std::string& ad_set_id) const;

 private:
  struct State;

  void Serve(const httplib::Request& request, httplib::Response& response);

  std::unique_ptr<State> state_;
  std::unique_ptr<httplib::Server> server_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace rung::testing

#endif  // RUNG_TESTS_SUPPORT_FAKE_GRAPH_H_
