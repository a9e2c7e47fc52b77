#include "support/fake_graph.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <thread>
#include <tuple>
#include <utility>
#include <variant>

#include "absl/base/thread_annotations.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "httplib.h"
#include "nlohmann/json.hpp"

namespace rung::testing {
namespace {

using Json = nlohmann::ordered_json;
using Params = std::multimap<std::string, std::string>;
using AsyncScript = std::vector<std::pair<std::string, int>>;

// Meta's default page size for edges, Insights included.
constexpr int kDefaultLimit = 25;
constexpr char kJobCompleted[] = "Job Completed";
// Throttling answers name a business object; the fake has one.
constexpr char kBusinessId[] = "1001";

// ---------------------------------------------------------------------------
// Meta's answer text

// Meta escapes every '/' in its JSON ("https:\/\/graph.facebook.com\/…"); a
// client that searches the raw text instead of parsing it should fail here too.
// Only strings can hold a '/', so the replacement keeps the JSON valid.
std::string MetaJson(const Json& json) { return absl::StrReplaceAll(json.dump(), {{"/", "\\/"}}); }

// Distinct, Meta-looking trace ids ("Er23F1UmssD").
std::string NextTraceId() {
  static std::atomic<uint64_t> counter{0};
  constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  uint64_t n = (counter.fetch_add(1) + 1) * 0x9E3779B97F4A7C15ULL;
  std::string id = "A";
  for (int i = 0; i < 10; ++i, n /= 62) id += kAlphabet[n % 62];
  return id;
}

FakeAnswer Ok(const Json& body) { return {200, MetaJson(body), {}}; }

FakeAnswer InvalidParameter(const std::string& message) {
  return FakeGraph::Error(100, 0, absl::StrCat("(#100) ", message));
}

FakeAnswer NonexistingField(absl::string_view field, absl::string_view node_type) {
  return InvalidParameter(absl::StrCat("Tried accessing nonexisting field (", field,
                                       ") on node type (", node_type, ")"));
}

// What Meta answers for an id it does not know, or will not show.
FakeAnswer UnknownObject(absl::string_view method, absl::string_view id) {
  return FakeGraph::Error(
      100, 33,
      absl::StrCat("Unsupported ", absl::AsciiStrToLower(method), " request. Object with ID '", id,
                   "' does not exist, cannot be loaded due to missing permissions, or does not "
                   "support this operation. Please read the Graph API documentation at "
                   "https://developers.facebook.com/docs/graph-api"),
      "GraphMethodException");
}

FakeAnswer PermissionDenied(int code) {
  std::string message;
  switch (code) {
    case 10: message = "(#10) Application does not have permission for this action"; break;
    case 294:
      message =
          "(#294) Managing advertisements requires the extended permission ads_management and an "
          "application that is whitelisted to access the Ads API";
      break;
    default:
      message = absl::StrCat("(#", code,
                             ") Ad account owner has NOT grant ads_management or ads_read "
                             "permission. Requires ads_read permission");
  }
  return FakeGraph::Error(code, 0, message);
}

// Meta answers this one with HTTP 500, though it is no server fault (public
// SDK issues show "Status: 500" with code 1 and this message): the client must
// read the body, not only the status, to pick the async path.
FakeAnswer ReduceData() {
  return FakeGraph::Error(1, 99,
                          "Please reduce the amount of data you're asking for, then retry your "
                          "request",
                          "OAuthException", false, 500);
}

// Meta's answer, as SDK issues quote it, to reading a report that is not done.
FakeAnswer ReportNotReady() {
  FakeAnswer answer =
      FakeGraph::Error(2601, 1815107, "Error accessing adreport job.", "OAuthException", true);
  Json body = Json::parse(answer.body);
  body["error"]["error_user_title"] = "Loading Async Ads Report Failed";
  body["error"]["error_user_msg"] =
      "Sorry, the report cannot be loaded successfully. Please check if your job status is "
      "completed instead of failed or running before fetching the data.";
  answer.body = MetaJson(body);
  return answer;
}

// ---------------------------------------------------------------------------
// Parameters

std::optional<std::string> Param(const Params& params, const std::string& name) {
  const auto it = params.find(name);
  if (it == params.end()) return std::nullopt;
  return it->second;
}

// Meta takes `fields` as "a,b" or as a JSON array '["a","b"]' (the Python SDK
// sends the latter).
std::vector<std::string> Fields(const Params& params) {
  const std::optional<std::string> text = Param(params, "fields");
  if (!text.has_value()) return {};
  std::vector<std::string> fields;
  if (absl::StartsWith(*text, "[")) {
    const Json parsed = Json::parse(*text, nullptr, false);
    if (parsed.is_array()) {
      for (const Json& field : parsed) {
        if (field.is_string()) fields.push_back(field.get<std::string>());
      }
    }
    return fields;
  }
  for (absl::string_view field : absl::StrSplit(*text, ',', absl::SkipWhitespace())) {
    fields.emplace_back(absl::StripAsciiWhitespace(field));
  }
  return fields;
}

std::optional<std::string> UnknownField(const std::vector<std::string>& fields,
                                        const std::set<std::string>& known) {
  for (const std::string& field : fields) {
    if (known.count(field) == 0) return field;
  }
  return std::nullopt;
}

std::string PercentEncode(absl::string_view text) {
  std::string out;
  for (const char c : text) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      absl::StrAppend(&out, "%",
                      absl::AsciiStrToUpper(absl::BytesToHexString(absl::string_view(&c, 1))));
    }
  }
  return out;
}

std::optional<absl::CivilDay> ParseDay(const Json& value) {
  absl::CivilDay day;
  if (!value.is_string() || !absl::ParseCivilTime(value.get<std::string>(), &day)) {
    return std::nullopt;
  }
  return day;
}

std::string DayText(absl::CivilDay day) { return absl::FormatCivilTime(day); }

// ---------------------------------------------------------------------------
// Paging. A cursor is an offset into the ordered items, opaque to the client
// as Meta's are (base64, URL-safe so the next link needs no escaping).

struct Cursor {
  int64_t offset = 0;
  bool empty_page = false;  // InsertEmptyInsightsPage: serve [] and then go on from offset
};

std::string EncodeCursor(const Cursor& cursor) {
  return absl::WebSafeBase64Escape(
      absl::StrCat("fake:", cursor.offset, cursor.empty_page ? ":empty" : ""));
}

std::optional<Cursor> DecodeCursor(const std::string& text) {
  std::string plain;
  if (!absl::WebSafeBase64Unescape(text, &plain)) return std::nullopt;
  std::vector<std::string> parts = absl::StrSplit(plain, ':');
  Cursor cursor;
  if (parts.size() < 2 || parts.size() > 3 || parts[0] != "fake" ||
      !absl::SimpleAtoi(parts[1], &cursor.offset) || cursor.offset < 0) {
    return std::nullopt;
  }
  cursor.empty_page = parts.size() == 3;
  return cursor;
}

struct PageRequest {
  Cursor start;
  int limit = kDefaultLimit;
  std::string repeat_cursor;  // RepeatInsightsCursor: the cursor this request came with
};

// Items [0, count) in order; `include` may drop an item.
struct Page {
  std::vector<int64_t> items;
  std::optional<Cursor> next;
};

Page TakePage(int64_t count, const PageRequest& request,
              const std::function<bool(int64_t)>& include) {
  Page page;
  int64_t i = request.start.offset;
  for (; i < count && static_cast<int>(page.items.size()) < request.limit; ++i) {
    if (include(i)) page.items.push_back(i);
  }
  // No next on the last page, so look for one more item first.
  for (int64_t j = i; j < count; ++j) {
    if (include(j)) {
      page.next = Cursor{i, false};
      break;
    }
  }
  return page;
}

// ---------------------------------------------------------------------------
// Accounts

struct InsightsQuery {
  absl::CivilDay since, until;
  std::vector<std::string> fields;
};

struct AsyncJob {
  std::string account_id;
  InsightsQuery query;
  AsyncScript script;
  int polls = 0;

  const std::pair<std::string, int>& shown() const {
    return script[std::min<size_t>(std::max(polls - 1, 0), script.size() - 1)];
  }
};

struct Account {
  FakeAccount data;
  std::optional<GeneratedAccount> generated;
  std::map<std::string, size_t> ad_set_position;  // stored accounts: id -> data.ad_sets index
  int deny_code = 0;
  bool require_async = false;
  bool empty_insights_page = false;
  bool repeat_cursor = false;
  std::deque<AsyncScript> async_scripts;
};

// Stored rows are served by ad set id, then date: ids of one length (Meta's
// are) then sort as numbers, and a client sees each ad set's weeks together.
void Reindex(Account& account) {
  std::stable_sort(account.data.rows.begin(), account.data.rows.end(),
                   [](const FakeInsightsRow& a, const FakeInsightsRow& b) {
                     return std::tie(a.ad_set_id, a.date_start) <
                            std::tie(b.ad_set_id, b.date_start);
                   });
  account.ad_set_position.clear();
  for (size_t i = 0; i < account.data.ad_sets.size(); ++i) {
    account.ad_set_position[account.data.ad_sets[i].id] = i;
  }
}

int64_t AdSetCount(const Account& account) {
  return account.generated ? account.generated->ad_set_count
                           : static_cast<int64_t>(account.data.ad_sets.size());
}

FakeAdSet AdSetAt(const Account& account, int64_t i) {
  return account.generated ? account.generated->ad_set(i) : account.data.ad_sets[i];
}

int64_t RowCount(const Account& account) {
  return account.generated ? account.generated->ad_set_count * account.generated->rows_per_ad_set
                           : static_cast<int64_t>(account.data.rows.size());
}

struct RowWithAdSet {
  FakeInsightsRow row;
  std::optional<FakeAdSet> ad_set;  // absent: the row names an ad set the account lacks
};

RowWithAdSet RowAt(const Account& account, int64_t i) {
  if (account.generated) {
    const int per = account.generated->rows_per_ad_set;
    return {account.generated->row(i / per, static_cast<int>(i % per)),
            account.generated->ad_set(i / per)};
  }
  RowWithAdSet result{account.data.rows[i], std::nullopt};
  const auto it = account.ad_set_position.find(result.row.ad_set_id);
  if (it != account.ad_set_position.end()) result.ad_set = account.data.ad_sets[it->second];
  return result;
}

// The stored week as Meta cuts it for `query`: time_increment=7 counts 7-day
// chunks from `since`, so a `since` that is not a Monday shifts every
// date_start off Monday, and the last chunk stops at `until`. Empty when the
// week lies outside the range.
std::optional<std::pair<absl::CivilDay, absl::CivilDay>> ChunkOf(const FakeInsightsRow& row,
                                                                 const InsightsQuery& query) {
  absl::CivilDay monday;
  if (!absl::ParseCivilTime(row.date_start, &monday)) return std::nullopt;
  if (monday + 6 < query.since || monday > query.until) return std::nullopt;
  const absl::CivilDay start = query.since + 7 * ((monday - query.since + 6) / 7);
  return std::make_pair(start, std::min(start + 6, query.until));
}

// A JSON string as Meta writes it, '/' escaped too (see MetaJson).
void AppendMetaString(absl::string_view text, std::string* out) {
  *out += '"';
  for (const char c : text) {
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '/': *out += "\\/"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          absl::StrAppend(out, absl::StrFormat("\\u%04x", c));
        } else {
          *out += c;
        }
    }
  }
  *out += '"';
}

void AppendMember(absl::string_view name, absl::string_view value, std::string* out) {
  if (out->back() != '{') *out += ',';
  AppendMetaString(name, out);
  *out += ':';
  AppendMetaString(value, out);
}

// One Insights row, written straight to text: a benchmark's fake must answer
// at once, and building a JSON tree per row cost more than the client's work.
void AppendInsightsRow(const Account& account, const RowWithAdSet& entry,
                       const std::pair<absl::CivilDay, absl::CivilDay>& chunk,
                       const std::vector<std::string>& fields, std::string* out) {
  const FakeInsightsRow& row = entry.row;
  *out += '{';
  for (const std::string& field : fields) {
    if (field == "account_id") AppendMember(field, account.data.id, out);
    if (field == "account_name") AppendMember(field, account.data.name, out);
    if (field == "campaign_id" && entry.ad_set) AppendMember(field, entry.ad_set->campaign_id, out);
    if (field == "adset_id") AppendMember(field, row.ad_set_id, out);
    if (field == "adset_name" && entry.ad_set) AppendMember(field, entry.ad_set->name, out);
    if (field == "spend" && !row.spend.empty()) AppendMember(field, row.spend, out);
    if (field == "actions" && !row.actions.empty()) {
      if (out->back() != '{') *out += ',';
      *out += "\"actions\":[";
      for (size_t i = 0; i < row.actions.size(); ++i) {
        *out += i == 0 ? "{" : ",{";
        AppendMember("action_type", row.actions[i].action_type, out);
        AppendMember("value", row.actions[i].value, out);
        *out += '}';
      }
      *out += ']';
    }
  }
  // Meta puts date_start and date_stop in every Insights row, asked for or not.
  AppendMember("date_start", DayText(chunk.first), out);
  AppendMember("date_stop", DayText(chunk.second), out);
  *out += '}';
}

const std::set<std::string>& InsightsFields() {
  static const auto* fields = new std::set<std::string>{"account_id", "account_name", "campaign_id",
                                                        "adset_id",   "adset_name",   "spend",
                                                        "actions",    "date_start",   "date_stop"};
  return *fields;
}

Json AdSetJson(const std::string& account_id, const FakeAdSet& ad_set,
               const std::vector<std::string>& fields) {
  Json json = Json::object();
  for (const std::string& field : fields) {
    if (field == "name") json[field] = ad_set.name;
    if (field == "account_id") json[field] = account_id;
    if (field == "campaign_id") json[field] = ad_set.campaign_id;
    if (field == "optimization_goal") json[field] = ad_set.optimization_goal;
    if (field == "effective_status" || field == "status") json[field] = ad_set.effective_status;
    if (field == "source_adset_id" && !ad_set.source_adset_id.empty()) {
      json[field] = ad_set.source_adset_id;
    }
    if (field == "promoted_object") {
      Json promoted = {{"pixel_id", ad_set.pixel_id}};
      if (!ad_set.custom_event_type.empty()) {
        promoted["custom_event_type"] = ad_set.custom_event_type;
      }
      if (!ad_set.custom_conversion_id.empty()) {
        promoted["custom_conversion_id"] = ad_set.custom_conversion_id;
      }
      if (promoted.size() > 1) json[field] = std::move(promoted);
    }
    if (field == "learning_stage_info" && !ad_set.learning_status.empty()) {
      Json info = {{"status", ad_set.learning_status}};
      if (ad_set.last_sig_edit_ts != 0) info["last_sig_edit_ts"] = ad_set.last_sig_edit_ts;
      info["conversions"] = ad_set.learning_conversions;
      info["attribution_windows"] = {"7d_click"};
      if (ad_set.conversions_threshold != 0) {
        info["dynamic_lp_conversions_threshold"] = ad_set.conversions_threshold;
      }
      json[field] = std::move(info);
    }
  }
  // Graph nodes always carry their id, asked for or not.
  json["id"] = ad_set.id;
  return json;
}

std::string Hmac256Hex(const std::string& key, const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, &size);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), static_cast<size_t>(size)));
}

// Meta also takes the token in an Authorization header ("OAuth …" or "Bearer …").
std::optional<std::string> RequestToken(const RecordedRequest& request) {
  if (auto token = Param(request.params, "access_token")) return token;
  const auto it = request.headers.find("Authorization");
  if (it == request.headers.end()) return std::nullopt;
  for (absl::string_view scheme : {"OAuth ", "Bearer "}) {
    if (absl::StartsWith(it->second, scheme)) return it->second.substr(scheme.size());
  }
  return std::nullopt;
}

RecordedRequest Record(const httplib::Request& request) {
  RecordedRequest recorded{request.method, request.path, {}, {}};
  for (const auto& [name, value] : request.params) recorded.params.emplace(name, value);
  for (const auto& [name, file] : request.files) recorded.params.emplace(name, file.content);
  for (const auto& [name, value] : request.headers) recorded.headers.emplace(name, value);
  return recorded;
}

bool IsApiVersion(absl::string_view segment) {
  if (segment.size() < 4 || segment[0] != 'v') return false;
  const std::vector<absl::string_view> parts = absl::StrSplit(segment.substr(1), '.');
  int number = 0;
  return parts.size() == 2 && absl::SimpleAtoi(parts[0], &number) &&
         absl::SimpleAtoi(parts[1], &number);
}

// "/v27.0/act_1001/insights" -> {"act_1001", "insights"}. Meta serves paths
// without a version too, at its default version.
std::vector<std::string> PathSegments(const std::string& path) {
  std::vector<std::string> segments = absl::StrSplit(path, '/', absl::SkipEmpty());
  if (!segments.empty() && IsApiVersion(segments[0])) segments.erase(segments.begin());
  return segments;
}

}  // namespace

// ---------------------------------------------------------------------------

struct FakeGraph::State {
  struct Scripted {
    std::string path_suffix;
    FakeAnswer answer;
    int times;
  };

  mutable absl::Mutex mu;
  std::map<std::string, Account> accounts ABSL_GUARDED_BY(mu);
  std::map<std::string, AsyncJob> jobs ABSL_GUARDED_BY(mu);
  int64_t next_report_run_id ABSL_GUARDED_BY(mu) = 6'035'000'000'001;
  std::vector<Scripted> scripted ABSL_GUARDED_BY(mu);
  std::vector<std::pair<std::string, std::string>> usage_headers ABSL_GUARDED_BY(mu);
  int max_page_size ABSL_GUARDED_BY(mu) = 0;
  bool recording ABSL_GUARDED_BY(mu) = true;
  std::vector<RecordedRequest> requests ABSL_GUARDED_BY(mu);
  int request_count ABSL_GUARDED_BY(mu) = 0;
  std::atomic<bool> listen_returned{false};

  // Set before the server starts, read-only after.
  std::string token, app_secret, base_url;

  // The handlers below run with `mu` held: one request at a time.

  std::optional<FakeAnswer> TakeScripted(const std::string& path) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  std::optional<FakeAnswer> CheckCredentials(const RecordedRequest& request) const;
  FakeAnswer Route(const RecordedRequest& request) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  FakeAnswer AccountNode(const Account& account, const RecordedRequest& request) const;
  FakeAnswer AdSets(const Account& account, const RecordedRequest& request) const
      ABSL_SHARED_LOCKS_REQUIRED(mu);
  FakeAnswer StartReport(Account& account, const RecordedRequest& request)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  FakeAnswer ReportStatus(AsyncJob& job, const std::string& id, const RecordedRequest& request);
  std::variant<InsightsQuery, FakeAnswer> ParseInsightsQuery(const Params& params) const;
  FakeAnswer InsightsPage(const Account& account, const InsightsQuery& query,
                          const RecordedRequest& request) const ABSL_SHARED_LOCKS_REQUIRED(mu);
  std::variant<PageRequest, FakeAnswer> ParsePageRequest(const Params& params) const
      ABSL_SHARED_LOCKS_REQUIRED(mu);
  Json Paging(const RecordedRequest& request, const Page& page, const PageRequest& page_request,
              std::optional<Cursor> next) const;
};

std::optional<FakeAnswer> FakeGraph::State::TakeScripted(const std::string& path) {
  for (auto it = scripted.begin(); it != scripted.end(); ++it) {
    if (!absl::EndsWith(path, it->path_suffix)) continue;
    FakeAnswer answer = it->answer;
    if (--it->times <= 0) scripted.erase(it);
    return answer;
  }
  return std::nullopt;
}

std::optional<FakeAnswer> FakeGraph::State::CheckCredentials(const RecordedRequest& request) const {
  const std::optional<std::string> given = RequestToken(request);
  if (!given.has_value() || given->empty()) {
    // Meta answers a missing token with 104, not 190 (the brief asked for 190).
    return Error(104, 0, "An access token is required to request this resource.");
  }
  if (*given != token) {
    return Error(190, 463,
                 "Error validating access token: Session has expired on Tuesday, 01-Jan-30 "
                 "00:00:00 PST. The current time is Wednesday, 02-Jan-30 00:00:00 PST.");
  }
  if (app_secret.empty()) return std::nullopt;
  const auto [first, last] = request.params.equal_range("appsecret_proof");
  if (first == last) {
    return Error(100, 0, "API calls from the server require an appsecret_proof argument",
                 "GraphMethodException");
  }
  const std::string expected = Hmac256Hex(app_secret, token);
  for (auto it = first; it != last; ++it) {
    if (it->second != expected) {
      return Error(100, 0, "Invalid appsecret_proof provided in the API argument",
                   "GraphMethodException");
    }
  }
  return std::nullopt;
}

FakeAnswer FakeGraph::State::Route(const RecordedRequest& request) {
  const std::vector<std::string> segments = PathSegments(request.path);
  const bool get = request.method == "GET";
  const bool post = request.method == "POST";
  if (segments.empty() || segments.size() > 2 || (!get && !post)) {
    return Error(100, 0,
                 absl::StrCat("Unsupported ", absl::AsciiStrToLower(request.method), " request."),
                 "GraphMethodException");
  }
  const std::string& node = segments[0];
  const std::string edge = segments.size() == 2 ? segments[1] : "";

  if (absl::StartsWith(node, "act_")) {
    const auto it = accounts.find(node.substr(4));
    if (it == accounts.end()) return UnknownObject(request.method, node);
    Account& account = it->second;
    if (account.deny_code != 0) return PermissionDenied(account.deny_code);
    if (get && edge.empty()) return AccountNode(account, request);
    if (get && edge == "adsets") return AdSets(account, request);
    if (get && edge == "insights") {
      if (account.require_async) return ReduceData();
      auto query = ParseInsightsQuery(request.params);
      if (auto* error = std::get_if<FakeAnswer>(&query)) return *error;
      return InsightsPage(account, std::get<InsightsQuery>(query), request);
    }
    if (post && edge == "insights") return StartReport(account, request);
    return UnknownObject(request.method, node);
  }

  const auto job = jobs.find(node);
  if (job == jobs.end()) return UnknownObject(request.method, node);
  const Account& account = accounts.at(job->second.account_id);
  if (account.deny_code != 0) return PermissionDenied(account.deny_code);
  if (get && edge.empty()) return ReportStatus(job->second, node, request);
  if (get && edge == "insights") {
    if (job->second.shown().first != kJobCompleted) return ReportNotReady();
    return InsightsPage(account, job->second.query, request);
  }
  return UnknownObject(request.method, node);
}

FakeAnswer FakeGraph::State::AccountNode(const Account& account,
                                         const RecordedRequest& request) const {
  const std::vector<std::string> fields = Fields(request.params);
  if (auto unknown =
          UnknownField(fields, {"id", "account_id", "name", "currency", "timezone_name"})) {
    return NonexistingField(*unknown, "AdAccount");
  }
  Json json = Json::object();
  for (const std::string& field : fields) {
    if (field == "account_id") json[field] = account.data.id;
    if (field == "name") json[field] = account.data.name;
    if (field == "currency") json[field] = account.data.currency;
    if (field == "timezone_name") json[field] = account.data.timezone_name;
  }
  json["id"] = absl::StrCat("act_", account.data.id);
  return Ok(json);
}

FakeAnswer FakeGraph::State::AdSets(const Account& account, const RecordedRequest& request) const {
  const std::vector<std::string> fields = Fields(request.params);
  if (auto unknown =
          UnknownField(fields, {"id", "name", "account_id", "campaign_id", "optimization_goal",
                                "promoted_object", "learning_stage_info", "source_adset_id",
                                "effective_status", "status"})) {
    return NonexistingField(*unknown, "AdSet");
  }
  auto page_request = ParsePageRequest(request.params);
  if (auto* error = std::get_if<FakeAnswer>(&page_request)) return *error;
  // effective_status=["ACTIVE","PAUSED"] filters, as on Meta.
  std::set<std::string> statuses;
  if (auto filter = Param(request.params, "effective_status")) {
    const Json parsed = Json::parse(*filter, nullptr, false);
    if (!parsed.is_array()) return InvalidParameter("Param effective_status must be an array");
    for (const Json& status : parsed) statuses.insert(status.get<std::string>());
  }
  std::vector<FakeAdSet> kept;
  const Page page =
      TakePage(AdSetCount(account), std::get<PageRequest>(page_request), [&](int64_t i) {
        if (statuses.empty()) return true;
        return statuses.count(AdSetAt(account, i).effective_status) > 0;
      });
  Json data = Json::array();
  for (const int64_t i : page.items) {
    data.push_back(AdSetJson(account.data.id, AdSetAt(account, i), fields));
  }
  return Ok({{"data", std::move(data)},
             {"paging", Paging(request, page, std::get<PageRequest>(page_request), page.next)}});
}

std::variant<InsightsQuery, FakeAnswer> FakeGraph::State::ParseInsightsQuery(
    const Params& params) const {
  const std::optional<std::string> level = Param(params, "level");
  if (!level.has_value()) {
    // Meta would default to level=account; the fake serves ad set rows only.
    return InvalidParameter("The parameter level is required (the fake serves level=adset)");
  }
  if (*level != "adset") {
    return InvalidParameter(
        absl::StrCat("param level must be one of {ad, adset, campaign, account}; the fake "
                     "serves adset, not '",
                     *level, "'"));
  }
  const std::optional<std::string> increment = Param(params, "time_increment");
  if (increment.value_or("") != "7") {
    return InvalidParameter("The fake serves time_increment=7 only");
  }
  const std::optional<std::string> range_text = Param(params, "time_range");
  const Json range = range_text.has_value() ? Json::parse(*range_text, nullptr, false)
                                            : Json(Json::value_t::discarded);
  const std::optional<absl::CivilDay> since =
      range.is_object() && range.contains("since") ? ParseDay(range["since"]) : std::nullopt;
  const std::optional<absl::CivilDay> until =
      range.is_object() && range.contains("until") ? ParseDay(range["until"]) : std::nullopt;
  if (!since.has_value() || !until.has_value()) {
    return InvalidParameter(
        "Param time_range must be a JSON object with since and until dates (YYYY-MM-DD)");
  }
  if (*until < *since) {
    return InvalidParameter("Param time_range: since must be on or before until");
  }
  std::vector<std::string> fields = Fields(params);
  if (fields.empty()) fields = {"spend"};  // Meta's default has spend and the dates
  if (auto unknown = UnknownField(fields, InsightsFields())) {
    return InvalidParameter(absl::StrCat(*unknown,
                                         " is not valid for fields param. please check "
                                         "https://developers.facebook.com/docs/marketing-api/"
                                         "reference/ads-insights/ for all valid values"));
  }
  return InsightsQuery{*since, *until, std::move(fields)};
}

std::variant<PageRequest, FakeAnswer> FakeGraph::State::ParsePageRequest(
    const Params& params) const {
  PageRequest request;
  if (auto limit = Param(params, "limit")) {
    if (!absl::SimpleAtoi(*limit, &request.limit) || request.limit <= 0) {
      request.limit = kDefaultLimit;
    }
  }
  if (max_page_size > 0) request.limit = std::min(request.limit, max_page_size);
  if (auto after = Param(params, "after")) {
    const std::optional<Cursor> cursor = DecodeCursor(*after);
    if (!cursor.has_value()) return InvalidParameter("The after cursor is not valid");
    request.start = *cursor;
    request.repeat_cursor = *after;
  }
  return request;
}

FakeAnswer FakeGraph::State::InsightsPage(const Account& account, const InsightsQuery& query,
                                          const RecordedRequest& request) const {
  auto parsed = ParsePageRequest(request.params);
  if (auto* error = std::get_if<FakeAnswer>(&parsed)) return *error;
  const PageRequest& page_request = std::get<PageRequest>(parsed);
  std::string data = "[";
  Page page;
  if (page_request.start.empty_page) {
    page.next = Cursor{page_request.start.offset, false};
  } else {
    // Each row is made once: the page's rows are kept as they are picked.
    std::map<int64_t, RowWithAdSet> picked;
    page = TakePage(RowCount(account), page_request, [&](int64_t i) {
      RowWithAdSet entry = RowAt(account, i);
      if (!ChunkOf(entry.row, query).has_value()) return false;
      picked.emplace(i, std::move(entry));
      return true;
    });
    for (const int64_t i : page.items) {
      const RowWithAdSet& entry = picked.at(i);
      if (data.size() > 1) data += ',';
      AppendInsightsRow(account, entry, *ChunkOf(entry.row, query), query.fields, &data);
    }
    const bool first_page = !Param(request.params, "after").has_value();
    if (account.empty_insights_page && first_page && page.next) page.next->empty_page = true;
  }
  data += ']';
  std::optional<Cursor> next = page.next;
  // RepeatInsightsCursor: every page after the first points back at itself, the last one too.
  if (account.repeat_cursor && !page_request.repeat_cursor.empty()) {
    next = DecodeCursor(page_request.repeat_cursor);
  }
  return {200,
          absl::StrCat("{\"data\":", data,
                       ",\"paging\":", MetaJson(Paging(request, page, page_request, next)), "}"),
          {}};
}

// Meta's paging object; its next link repeats the request's parameters, the
// access token included (the client must redact it), but not appsecret_proof.
Json FakeGraph::State::Paging(const RecordedRequest& request, const Page& page,
                              const PageRequest& page_request, std::optional<Cursor> next) const {
  const Cursor before{page.items.empty() ? page_request.start.offset : page.items.front(), false};
  const Cursor after{page.items.empty() ? page_request.start.offset : page.items.back() + 1, false};
  Json paging = {{"cursors", {{"before", EncodeCursor(before)}, {"after", EncodeCursor(after)}}}};
  if (!next.has_value()) return paging;
  std::vector<std::string> query = {absl::StrCat("access_token=", PercentEncode(token))};
  for (const auto& [name, value] : request.params) {
    if (name == "access_token" || name == "appsecret_proof" || name == "after" ||
        name == "before") {
      continue;
    }
    query.push_back(absl::StrCat(PercentEncode(name), "=", PercentEncode(value)));
  }
  query.push_back(absl::StrCat("after=", EncodeCursor(*next)));
  paging["next"] = absl::StrCat(base_url, request.path, "?", absl::StrJoin(query, "&"));
  return paging;
}

FakeAnswer FakeGraph::State::StartReport(Account& account, const RecordedRequest& request) {
  auto query = ParseInsightsQuery(request.params);
  if (auto* error = std::get_if<FakeAnswer>(&query)) return *error;
  AsyncScript script = {{kJobCompleted, 100}};
  if (!account.async_scripts.empty()) {
    script = account.async_scripts.front();
    if (account.async_scripts.size() > 1) account.async_scripts.pop_front();
  }
  const std::string id = absl::StrCat(next_report_run_id++);
  jobs[id] = AsyncJob{account.data.id, std::get<InsightsQuery>(query), std::move(script), 0};
  return Ok({{"report_run_id", id}});
}

FakeAnswer FakeGraph::State::ReportStatus(AsyncJob& job, const std::string& id,
                                          const RecordedRequest& request) {
  std::vector<std::string> fields = Fields(request.params);
  if (auto unknown =
          UnknownField(fields, {"id", "account_id", "async_status", "async_percent_completion",
                                "date_start", "date_stop"})) {
    return NonexistingField(*unknown, "AdReportRun");
  }
  if (fields.empty()) fields = {"async_status", "async_percent_completion"};
  ++job.polls;
  const auto& [status, percent] = job.shown();
  Json json = Json::object();
  for (const std::string& field : fields) {
    if (field == "account_id") json[field] = job.account_id;
    if (field == "async_status") json[field] = status;
    if (field == "async_percent_completion") json[field] = percent;
    if (field == "date_start") json[field] = DayText(job.query.since);
    if (field == "date_stop") json[field] = DayText(job.query.until);
  }
  json["id"] = id;
  return Ok(json);
}

// ---------------------------------------------------------------------------

FakeGraph::FakeGraph(std::string token, std::string app_secret)
    : state_(std::make_unique<State>()), server_(std::make_unique<httplib::Server>()) {
  auto handler = [this](const httplib::Request& request, httplib::Response& response) {
    Serve(request, response);
  };
  server_->Get(".*", handler);
  server_->Post(".*", handler);
  server_->Delete(".*", handler);
  port_ = server_->bind_to_any_port("127.0.0.1");
  if (port_ <= 0) {
    std::fprintf(stderr, "FakeGraph: cannot listen on 127.0.0.1\n");
    std::abort();
  }
  state_->token = std::move(token);
  state_->app_secret = std::move(app_secret);
  state_->base_url = base_url();
  thread_ = std::thread([this] {
    server_->listen_after_bind();
    state_->listen_returned = true;
  });
}

FakeGraph::~FakeGraph() {
  // stop() does nothing before listening has begun: wait out that short window.
  while (!server_->is_running() && !state_->listen_returned) std::this_thread::yield();
  server_->stop();
  thread_.join();
}

std::string FakeGraph::base_url() const { return absl::StrCat("http://127.0.0.1:", port_); }

void FakeGraph::Serve(const httplib::Request& request, httplib::Response& response) {
  RecordedRequest recorded = Record(request);
  FakeAnswer answer;
  std::vector<std::pair<std::string, std::string>> headers;
  {
    absl::MutexLock lock(&state_->mu);
    ++state_->request_count;
    if (state_->recording) state_->requests.push_back(recorded);
    // Scripted answers come first, so a test can script even a 190 itself.
    std::optional<FakeAnswer> scripted = state_->TakeScripted(recorded.path);
    if (!scripted) scripted = state_->CheckCredentials(recorded);
    answer = scripted ? *std::move(scripted) : state_->Route(recorded);
    headers = state_->usage_headers;
  }
  // The answer's own headers (a throttled answer's usage) win over the usage set for all.
  for (const auto& [name, value] : answer.headers) {
    headers.erase(
        std::remove_if(headers.begin(), headers.end(),
                       [&](const auto& h) { return absl::EqualsIgnoreCase(h.first, name); }),
        headers.end());
    headers.emplace_back(name, value);
  }
  std::string content_type = "application/json; charset=UTF-8";
  for (const auto& [name, value] : headers) {
    if (absl::EqualsIgnoreCase(name, "Content-Type")) {
      content_type = value;
    } else {
      response.set_header(name, value);
    }
  }
  response.status = answer.http_status;
  response.set_content(answer.body, content_type);
}

void FakeGraph::AddAccount(FakeAccount account) {
  Account added;
  added.data = std::move(account);
  Reindex(added);
  absl::MutexLock lock(&state_->mu);
  const std::string id = added.data.id;
  state_->accounts[id] = std::move(added);
}

void FakeGraph::AddGeneratedAccount(GeneratedAccount account) {
  Account added;
  added.data = account.account;
  added.generated = std::move(account);
  absl::MutexLock lock(&state_->mu);
  const std::string id = added.data.id;
  state_->accounts[id] = std::move(added);
}

void FakeGraph::EditAccount(const std::string& id, const std::function<void(FakeAccount&)>& edit) {
  absl::MutexLock lock(&state_->mu);
  Account& account = state_->accounts.at(id);
  edit(account.data);
  Reindex(account);
}

void FakeGraph::FailNext(std::string path_suffix, FakeAnswer answer, int times) {
  absl::MutexLock lock(&state_->mu);
  state_->scripted.push_back({std::move(path_suffix), std::move(answer), times});
}

FakeAnswer FakeGraph::Error(int code, int subcode, std::string message, std::string type,
                            bool is_transient, int http_status) {
  Json error = {{"message", std::move(message)}, {"type", std::move(type)}, {"code", code}};
  if (subcode != 0) error["error_subcode"] = subcode;
  error["is_transient"] = is_transient;
  error["fbtrace_id"] = NextTraceId();
  return {http_status, MetaJson({{"error", std::move(error)}}), {}};
}

FakeAnswer FakeGraph::Throttled(int code, int regain_minutes) {
  std::string message;
  std::string use_case = "ads_insights";
  int subcode = 0;
  switch (code) {
    case 4: message = "(#4) Application request limit reached"; break;
    case 17:
      message = "(#17) User request limit reached";
      subcode = 2446079;
      use_case = "ads_management";
      break;
    case 32: message = "(#32) Page request limit reached"; break;
    case 613:
      message = "(#613) Calls to this api have exceeded the rate limit.";
      subcode = 1487742;
      break;
    case 80000:
      message =
          "There have been too many calls from this ad-account. Please wait a bit and try "
          "again.";
      subcode = 2446079;
      break;
    case 80004:
      message =
          "There have been too many calls to this ad-account. Wait a bit and try again. For "
          "more info, please refer to "
          "https://developers.facebook.com/docs/graph-api/overview/rate-limiting.";
      subcode = 2446079;
      use_case = "ads_management";
      break;
    default:
      message =
          "There have been too many calls for this business use case. Please wait a bit "
          "and try again.";
      subcode = 2446079;
  }
  FakeAnswer answer = Error(code, subcode, std::move(message), "OAuthException", true);
  const Json usage = {{kBusinessId,
                       {{{"type", use_case},
                         {"call_count", 100},
                         {"total_cputime", 25},
                         {"total_time", 25},
                         {"estimated_time_to_regain_access", regain_minutes}}}}};
  answer.headers.emplace_back("X-Business-Use-Case-Usage", usage.dump());
  return answer;
}

FakeAnswer FakeGraph::ServerError() {
  return Error(2, 0, "An unexpected error has occurred. Please retry your request later.",
               "OAuthException", true, 500);
}

FakeAnswer FakeGraph::NotJson(int http_status) {
  return {http_status,
          absl::StrCat("<!DOCTYPE html><html><head><title>Error</title></head><body><h1>",
                       http_status, " Bad Gateway</h1></body></html>"),
          {{"Content-Type", "text/html; charset=utf-8"}}};
}

void FakeGraph::SetUsageHeaders(std::string business_use_case, std::string ad_account,
                                std::string insights_throttle) {
  absl::MutexLock lock(&state_->mu);
  state_->usage_headers.clear();
  const std::pair<const char*, std::string*> headers[] = {
      {"X-Business-Use-Case-Usage", &business_use_case},
      {"X-Ad-Account-Usage", &ad_account},
      {"X-FB-Ads-Insights-Throttle", &insights_throttle}};
  for (const auto& [name, value] : headers) {
    if (!value->empty()) state_->usage_headers.emplace_back(name, std::move(*value));
  }
}

void FakeGraph::DenyAccount(const std::string& id, int code) {
  absl::MutexLock lock(&state_->mu);
  state_->accounts.at(id).deny_code = code;
}

void FakeGraph::RequireAsync(const std::string& id) {
  absl::MutexLock lock(&state_->mu);
  state_->accounts.at(id).require_async = true;
}

void FakeGraph::SetAsyncScript(const std::string& id,
                               std::vector<std::pair<std::string, int>> states) {
  if (states.empty()) states = {{kJobCompleted, 100}};
  absl::MutexLock lock(&state_->mu);
  state_->accounts.at(id).async_scripts.push_back(std::move(states));
}

void FakeGraph::InsertEmptyInsightsPage(const std::string& id) {
  absl::MutexLock lock(&state_->mu);
  state_->accounts.at(id).empty_insights_page = true;
}

void FakeGraph::RepeatInsightsCursor(const std::string& id) {
  absl::MutexLock lock(&state_->mu);
  state_->accounts.at(id).repeat_cursor = true;
}

void FakeGraph::SetMaxPageSize(int n) {
  absl::MutexLock lock(&state_->mu);
  state_->max_page_size = n;
}

void FakeGraph::SetRecording(bool on) {
  absl::MutexLock lock(&state_->mu);
  state_->recording = on;
}

std::vector<RecordedRequest> FakeGraph::requests() const {
  absl::MutexLock lock(&state_->mu);
  return state_->requests;
}

int FakeGraph::request_count() const {
  absl::MutexLock lock(&state_->mu);
  return state_->request_count;
}

}  // namespace rung::testing
