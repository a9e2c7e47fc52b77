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

// `write`: what Meta answers a token that may read the object but not change it.
FakeAnswer PermissionDenied(int code, bool write) {
  if (write && code >= 200 && code <= 299) {
    return FakeGraph::Error(code, 0,
                            absl::StrCat("(#", code,
                                         ") Requires ads_management permission to manage the "
                                         "object"));
  }
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
  bool deny_writes = false;
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
    if (field == "effective_status") json[field] = ad_set.effective_status;
    if (field == "status") json[field] = ad_set.status;
    for (const auto& [name, value] :
         {std::pair<const char*, const std::string*>{"billing_event", &ad_set.billing_event},
          {"bid_strategy", &ad_set.bid_strategy},
          {"end_time", &ad_set.end_time},
          {"destination_type", &ad_set.destination_type}}) {
      if (field == name && !value->empty()) json[field] = *value;
    }
    for (const auto& [name, value] :
         {std::pair<const char*, const std::string*>{"targeting", &ad_set.targeting},
          {"attribution_spec", &ad_set.attribution_spec},
          {"pacing_type", &ad_set.pacing_type}}) {
      if (field == name && !value->empty()) json[field] = Json::parse(*value);
    }
    // Meta writes money as strings of minor units, and bid_amount as a number.
    for (const auto& [name, value] :
         {std::pair<const char*, int64_t>{"daily_budget", ad_set.daily_budget},
          {"lifetime_budget", ad_set.lifetime_budget}}) {
      if (field == name && value > 0) json[field] = absl::StrCat(value);
    }
    if (field == "bid_amount" && ad_set.bid_amount > 0) json[field] = ad_set.bid_amount;
    if (field == "source_adset_id" && !ad_set.source_adset_id.empty()) {
      json[field] = ad_set.source_adset_id;
    }
    if (field == "promoted_object") {
      Json promoted = {{"pixel_id", ad_set.pixel_id}};
      if (!ad_set.custom_event_type.empty()) {
        promoted["custom_event_type"] = ad_set.custom_event_type;
      }
      if (!ad_set.custom_event_str.empty()) promoted["custom_event_str"] = ad_set.custom_event_str;
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

const std::set<std::string>& AdSetFields() {
  static const auto* fields = new std::set<std::string>{"id",
                                                        "name",
                                                        "account_id",
                                                        "campaign_id",
                                                        "optimization_goal",
                                                        "promoted_object",
                                                        "learning_stage_info",
                                                        "source_adset_id",
                                                        "effective_status",
                                                        "status",
                                                        "targeting",
                                                        "billing_event",
                                                        "bid_strategy",
                                                        "bid_amount",
                                                        "daily_budget",
                                                        "lifetime_budget",
                                                        "end_time",
                                                        "attribution_spec",
                                                        "destination_type",
                                                        "pacing_type"};
  return *fields;
}

Json AdJson(const FakeAd& ad, const std::vector<std::string>& fields) {
  Json json = Json::object();
  for (const std::string& field : fields) {
    if (field == "name") json[field] = ad.name;
    if (field == "effective_status" || field == "status") json[field] = ad.effective_status;
    if (field == "adset_id") json[field] = ad.adset_id;
    if (field == "source_ad_id" && !ad.source_ad_id.empty()) json[field] = ad.source_ad_id;
  }
  json["id"] = ad.id;
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

// ---------------------------------------------------------------------------
// Writes

std::optional<FakeAnswer> Denied(const Account& account, bool write) {
  if (account.deny_code != 0) return PermissionDenied(account.deny_code, write);
  if (write && account.deny_writes) return PermissionDenied(200, true);
  return std::nullopt;
}

// The fake knows a campaign by the ad sets in it.
bool HasCampaign(const Account& account, const std::string& campaign_id) {
  return std::any_of(account.data.ad_sets.begin(), account.data.ad_sets.end(),
                     [&](const FakeAdSet& ad_set) { return ad_set.campaign_id == campaign_id; });
}

FakeAnswer AdSetNode(const Account& account, const FakeAdSet& ad_set,
                     const RecordedRequest& request) {
  const std::vector<std::string> fields = Fields(request.params);
  if (auto unknown = UnknownField(fields, AdSetFields()))
    return NonexistingField(*unknown, "AdSet");
  return Ok(AdSetJson(account.data.id, ad_set, fields));
}

// Meta refuses to change the event an ad set optimizes for once it has been
// published (acting-on-meta.md); the fake refuses it for every ad set, so that
// a test fails whenever code tries.
FakeAnswer EventLocked() {
  FakeAnswer answer = FakeGraph::Error(100, 3260011, "Invalid parameter");
  Json body = Json::parse(answer.body);
  body["error"]["error_user_title"] = "Optimization Goal Can't Be Changed";
  body["error"]["error_user_msg"] =
      "The optimization goal and conversion event of an ad set can't be changed after it has "
      "been published. Create a new ad set instead.";
  answer.body = MetaJson(body);
  return answer;
}

std::optional<int64_t> PositiveInt(const std::string& text) {
  int64_t value = 0;
  if (!absl::SimpleAtoi(text, &value) || value <= 0) return std::nullopt;
  return value;
}

std::optional<FakeAnswer> CheckStatus(const std::string& status) {
  if (status == "ACTIVE" || status == "PAUSED") return std::nullopt;
  return InvalidParameter(
      absl::StrCat("Param status: the fake serves ACTIVE and PAUSED, not '", status, "'"));
}

// A member of a promoted_object as text; clients send ids as strings or numbers.
std::string MemberText(const Json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

std::optional<FakeAnswer> ReadPromotedObject(const std::string& text, FakeAdSet* ad_set) {
  const Json promoted = Json::parse(text, nullptr, false);
  if (!promoted.is_object()) return InvalidParameter("Param promoted_object must be a JSON object");
  ad_set->pixel_id = MemberText(promoted, "pixel_id");
  ad_set->custom_event_type = MemberText(promoted, "custom_event_type");
  ad_set->custom_event_str = MemberText(promoted, "custom_event_str");
  ad_set->custom_conversion_id = MemberText(promoted, "custom_conversion_id");
  if (ad_set->custom_event_type == "OTHER" && ad_set->custom_event_str.empty()) {
    return InvalidParameter(
        "Invalid promoted_object: custom_event_type OTHER needs custom_event_str");
  }
  return std::nullopt;
}

// The optional parameters of a new ad set, checked, into `ad_set`.
std::optional<FakeAnswer> ReadAdSetParams(const Params& params, FakeAdSet* ad_set) {
  ad_set->optimization_goal = *Param(params, "optimization_goal");
  ad_set->billing_event = *Param(params, "billing_event");
  for (const auto& [name, field] :
       {std::pair<const char*, std::string*>{"bid_strategy", &ad_set->bid_strategy},
        {"end_time", &ad_set->end_time},
        {"destination_type", &ad_set->destination_type},
        {"status", &ad_set->status}}) {
    if (auto value = Param(params, name)) *field = *value;
  }
  if (auto bad = CheckStatus(ad_set->status)) return bad;
  ad_set->effective_status = ad_set->status;
  for (const auto& [name, field, type] :
       {std::tuple<const char*, std::string*, Json::value_t>{"targeting", &ad_set->targeting,
                                                             Json::value_t::object},
        {"attribution_spec", &ad_set->attribution_spec, Json::value_t::array},
        {"pacing_type", &ad_set->pacing_type, Json::value_t::array}}) {
    const std::optional<std::string> value = Param(params, name);
    if (!value.has_value()) continue;
    if (Json::parse(*value, nullptr, false).type() != type) {
      return InvalidParameter(absl::StrCat("Param ", name, " must be JSON ",
                                           type == Json::value_t::object ? "object" : "array"));
    }
    *field = *value;
  }
  for (const auto& [name, field] :
       {std::pair<const char*, int64_t*>{"daily_budget", &ad_set->daily_budget},
        {"lifetime_budget", &ad_set->lifetime_budget},
        {"bid_amount", &ad_set->bid_amount}}) {
    const std::optional<std::string> value = Param(params, name);
    if (!value.has_value()) continue;
    const std::optional<int64_t> amount = PositiveInt(*value);
    if (!amount.has_value()) {
      return InvalidParameter(absl::StrCat("Param ", name, " must be a positive integer"));
    }
    *field = *amount;
  }
  if (ad_set->daily_budget > 0 && ad_set->lifetime_budget > 0) {
    return InvalidParameter("Only one of daily_budget and lifetime_budget can be set");
  }
  ad_set->pixel_id.clear();
  if (auto promoted = Param(params, "promoted_object")) {
    if (auto bad = ReadPromotedObject(*promoted, ad_set)) return bad;
  }
  if (ad_set->optimization_goal == "OFFSITE_CONVERSIONS" &&
      (ad_set->pixel_id.empty() ||
       (ad_set->custom_event_type.empty() && ad_set->custom_conversion_id.empty()))) {
    return InvalidParameter(
        "Invalid promoted_object: OFFSITE_CONVERSIONS needs pixel_id and custom_event_type or "
        "custom_conversion_id");
  }
  return std::nullopt;
}

// POST /{ad_set_id}: the fake changes status and daily_budget, all or none.
FakeAnswer UpdateAdSet(const RecordedRequest& request, FakeAdSet& ad_set) {
  FakeAdSet changed = ad_set;
  for (const auto& [name, value] : request.params) {
    if (name == "access_token" || name == "appsecret_proof") continue;
    if (name == "promoted_object" || name == "optimization_goal") return EventLocked();
    if (name == "status") {
      if (auto bad = CheckStatus(value)) return *bad;
      changed.status = changed.effective_status = value;
    } else if (name == "daily_budget") {
      const std::optional<int64_t> amount = PositiveInt(value);
      if (!amount.has_value())
        return InvalidParameter("Param daily_budget must be a positive integer");
      changed.daily_budget = *amount;
    } else {
      return InvalidParameter(
          absl::StrCat("The fake changes status and daily_budget of an ad set, not ", name));
    }
  }
  ad_set = std::move(changed);
  return Ok({{"success", true}});
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
    bool after_serving = false;  // LoseNextAnswer: serve the request, then answer this
    bool hold = false;           // HoldNext: wait for ReleaseHeld, then answer this unserved
  };

  // An ad set, ad or campaign of a stored account, found by its id.
  struct Object {
    enum class Kind { kAdSet, kAd, kCampaign };
    Account* account = nullptr;
    Kind kind = Kind::kAdSet;
    size_t index = 0;  // into account->data.ad_sets or .ads; unused for a campaign
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
  bool held_arrived ABSL_GUARDED_BY(mu) = false;
  bool held_released ABSL_GUARDED_BY(mu) = false;
  std::map<std::string, int> writes ABSL_GUARDED_BY(mu);  // POSTs by path
  // Ids of the ad sets and ads that POSTs make, Meta-sized.
  int64_t next_object_id ABSL_GUARDED_BY(mu) = 120'210'000'000'000'001;
  std::atomic<bool> listen_returned{false};

  // Set before the server starts, read-only after.
  std::string token, app_secret, base_url;

  // The handlers below run with `mu` held: one request at a time.

  std::optional<Scripted> TakeScripted(const std::string& path) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  std::optional<FakeAnswer> CheckCredentials(const RecordedRequest& request) const;
  FakeAnswer Route(const RecordedRequest& request) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  std::optional<Object> FindObject(const std::string& id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  FakeAnswer ObjectRoute(const Object& object, const std::string& id, const std::string& edge,
                         const RecordedRequest& request) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  FakeAnswer AccountNode(const Account& account, const RecordedRequest& request) const;
  // `campaign_id` non-empty: only that campaign's ad sets (GET /{campaign_id}/adsets).
  FakeAnswer AdSets(const Account& account, const RecordedRequest& request,
                    const std::string& campaign_id = "") const ABSL_SHARED_LOCKS_REQUIRED(mu);
  FakeAnswer Ads(const Account& account, const std::string& ad_set_id,
                 const RecordedRequest& request) const ABSL_SHARED_LOCKS_REQUIRED(mu);
  FakeAnswer CreateAdSet(Account& account, const RecordedRequest& request)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  FakeAnswer CopyAd(Account& account, const FakeAd& source, const RecordedRequest& request)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
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

std::optional<FakeGraph::State::Scripted> FakeGraph::State::TakeScripted(const std::string& path) {
  for (auto it = scripted.begin(); it != scripted.end(); ++it) {
    if (!absl::EndsWith(path, it->path_suffix)) continue;
    Scripted taken = *it;
    if (--it->times <= 0) scripted.erase(it);
    return taken;
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
    // An async report only reads, though it is a POST.
    if (auto denied = Denied(account, post && edge != "insights")) return *denied;
    if (get && edge.empty()) return AccountNode(account, request);
    if (get && edge == "adsets") return AdSets(account, request);
    if (post && edge == "adsets") return CreateAdSet(account, request);
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
  if (job == jobs.end()) {
    const std::optional<Object> object = FindObject(node);
    if (!object.has_value()) return UnknownObject(request.method, node);
    if (auto denied = Denied(*object->account, post)) return *denied;
    return ObjectRoute(*object, node, edge, request);
  }
  const Account& account = accounts.at(job->second.account_id);
  if (auto denied = Denied(account, post)) return *denied;
  if (get && edge.empty()) return ReportStatus(job->second, node, request);
  if (get && edge == "insights") {
    if (job->second.shown().first != kJobCompleted) return ReportNotReady();
    return InsightsPage(account, job->second.query, request);
  }
  return UnknownObject(request.method, node);
}

std::optional<FakeGraph::State::Object> FakeGraph::State::FindObject(const std::string& id) {
  for (auto& [account_id, account] : accounts) {
    if (account.generated) continue;
    const auto ad_set = account.ad_set_position.find(id);
    if (ad_set != account.ad_set_position.end()) {
      return Object{&account, Object::Kind::kAdSet, ad_set->second};
    }
    const std::vector<FakeAd>& ads = account.data.ads;
    for (size_t i = 0; i < ads.size(); ++i) {
      if (ads[i].id == id) return Object{&account, Object::Kind::kAd, i};
    }
    if (HasCampaign(account, id)) return Object{&account, Object::Kind::kCampaign, 0};
  }
  return std::nullopt;
}

FakeAnswer FakeGraph::State::ObjectRoute(const Object& object, const std::string& id,
                                         const std::string& edge, const RecordedRequest& request) {
  Account& account = *object.account;
  const bool get = request.method == "GET";
  switch (object.kind) {
    case Object::Kind::kAdSet: {
      FakeAdSet& ad_set = account.data.ad_sets[object.index];
      if (get && edge.empty()) return AdSetNode(account, ad_set, request);
      if (get && edge == "ads") return Ads(account, ad_set.id, request);
      if (!get && edge.empty()) return UpdateAdSet(request, ad_set);
      break;
    }
    case Object::Kind::kAd:
      if (!get && edge == "copies") return CopyAd(account, account.data.ads[object.index], request);
      break;
    case Object::Kind::kCampaign:
      if (get && edge == "adsets") return AdSets(account, request, id);
      break;
  }
  return UnknownObject(request.method, id);
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

FakeAnswer FakeGraph::State::AdSets(const Account& account, const RecordedRequest& request,
                                    const std::string& campaign_id) const {
  const std::vector<std::string> fields = Fields(request.params);
  if (auto unknown = UnknownField(fields, AdSetFields()))
    return NonexistingField(*unknown, "AdSet");
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
        if (statuses.empty() && campaign_id.empty()) return true;
        const FakeAdSet ad_set = AdSetAt(account, i);
        return (statuses.empty() || statuses.count(ad_set.effective_status) > 0) &&
               (campaign_id.empty() || ad_set.campaign_id == campaign_id);
      });
  Json data = Json::array();
  for (const int64_t i : page.items) {
    data.push_back(AdSetJson(account.data.id, AdSetAt(account, i), fields));
  }
  return Ok({{"data", std::move(data)},
             {"paging", Paging(request, page, std::get<PageRequest>(page_request), page.next)}});
}

FakeAnswer FakeGraph::State::Ads(const Account& account, const std::string& ad_set_id,
                                 const RecordedRequest& request) const {
  const std::vector<std::string> fields = Fields(request.params);
  if (auto unknown = UnknownField(
          fields, {"id", "name", "effective_status", "status", "adset_id", "source_ad_id"})) {
    return NonexistingField(*unknown, "Ad");
  }
  auto page_request = ParsePageRequest(request.params);
  if (auto* error = std::get_if<FakeAnswer>(&page_request)) return *error;
  const std::vector<FakeAd>& ads = account.data.ads;
  const Page page = TakePage(static_cast<int64_t>(ads.size()), std::get<PageRequest>(page_request),
                             [&](int64_t i) { return ads[i].adset_id == ad_set_id; });
  Json data = Json::array();
  for (const int64_t i : page.items) data.push_back(AdJson(ads[i], fields));
  return Ok({{"data", std::move(data)},
             {"paging", Paging(request, page, std::get<PageRequest>(page_request), page.next)}});
}

FakeAnswer FakeGraph::State::CreateAdSet(Account& account, const RecordedRequest& request) {
  const Params& params = request.params;
  // Meta's default optimization_goal follows the campaign's objective, which the fake does
  // not model: it asks for one.
  for (const char* required :
       {"name", "campaign_id", "billing_event", "optimization_goal", "targeting"}) {
    if (!Param(params, required).has_value()) {
      return InvalidParameter(absl::StrCat("The parameter ", required, " is required"));
    }
  }
  FakeAdSet ad_set;
  ad_set.name = *Param(params, "name");
  ad_set.campaign_id = *Param(params, "campaign_id");
  if (!HasCampaign(account, ad_set.campaign_id)) {
    return InvalidParameter(absl::StrCat("Param campaign_id: campaign ", ad_set.campaign_id,
                                         " is not in this account"));
  }
  if (auto error = ReadAdSetParams(params, &ad_set)) return *error;
  ad_set.id = absl::StrCat(next_object_id++);
  account.data.ad_sets.push_back(ad_set);
  Reindex(account);
  return Ok({{"id", ad_set.id}});
}

FakeAnswer FakeGraph::State::CopyAd(Account& account, const FakeAd& source,
                                    const RecordedRequest& request) {
  FakeAd copy = source;  // `source` lives in the vector the copy joins
  copy.adset_id = Param(request.params, "adset_id").value_or(source.adset_id);
  if (account.ad_set_position.count(copy.adset_id) == 0) {
    return InvalidParameter(
        absl::StrCat("Param adset_id: ad set ", copy.adset_id, " is not in this account"));
  }
  // Meta's default is PAUSED.
  const std::string option = Param(request.params, "status_option").value_or("PAUSED");
  if (option != "ACTIVE" && option != "PAUSED" && option != "INHERITED_FROM_SOURCE") {
    return InvalidParameter(
        "Param status_option must be one of {ACTIVE, PAUSED, INHERITED_FROM_SOURCE}");
  }
  if (option != "INHERITED_FROM_SOURCE") copy.effective_status = option;
  copy.id = absl::StrCat(next_object_id++);
  copy.source_ad_id = source.id;
  // Ads Manager's naming; the API's default rename_options are not documented in detail.
  copy.name = absl::StrCat(source.name, " - Copy");
  account.data.ads.push_back(copy);
  // Meta's reference: "Return: { copied_ad_id: numeric string }".
  return Ok({{"copied_ad_id", copy.id}});
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
  ReleaseHeld();
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
    if (recorded.method == "POST") ++state_->writes[recorded.path];
    // Scripted answers come first, so a test can script even a 190 itself.
    const std::optional<State::Scripted> scripted = state_->TakeScripted(recorded.path);
    if (scripted && scripted->hold) {
      state_->held_arrived = true;
      state_->mu.Await(absl::Condition(&state_->held_released));
      answer = scripted->answer;
    } else if (scripted && !scripted->after_serving) {
      answer = scripted->answer;
    } else {
      std::optional<FakeAnswer> refused = state_->CheckCredentials(recorded);
      answer = refused ? *std::move(refused) : state_->Route(recorded);
      if (scripted) answer = scripted->answer;  // served, but the answer is lost
    }
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

void FakeGraph::LoseNextAnswer(std::string path_suffix, FakeAnswer answer) {
  absl::MutexLock lock(&state_->mu);
  state_->scripted.push_back({std::move(path_suffix), std::move(answer), 1, true});
}

void FakeGraph::HoldNext(std::string path_suffix) {
  absl::MutexLock lock(&state_->mu);
  state_->held_arrived = false;
  state_->held_released = false;
  state_->scripted.push_back({std::move(path_suffix), ServerError(), 1, false, true});
}

void FakeGraph::AwaitHeld() {
  absl::MutexLock lock(&state_->mu);
  state_->mu.Await(absl::Condition(&state_->held_arrived));
}

void FakeGraph::ReleaseHeld() {
  absl::MutexLock lock(&state_->mu);
  state_->held_released = true;
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

void FakeGraph::DenyWrites(const std::string& id) {
  absl::MutexLock lock(&state_->mu);
  state_->accounts.at(id).deny_writes = true;
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

int FakeGraph::write_count(const std::string& path_suffix) const {
  absl::MutexLock lock(&state_->mu);
  int count = 0;
  for (const auto& [path, writes] : state_->writes) {
    if (absl::EndsWith(path, path_suffix)) count += writes;
  }
  return count;
}

std::optional<FakeAdSet> FakeGraph::FindAdSet(const std::string& id) const {
  absl::MutexLock lock(&state_->mu);
  for (const auto& [account_id, account] : state_->accounts) {
    const auto it = account.ad_set_position.find(id);
    if (it != account.ad_set_position.end()) return account.data.ad_sets[it->second];
  }
  return std::nullopt;
}

std::vector<FakeAd> FakeGraph::AdsOf(const std::string& ad_set_id) const {
  absl::MutexLock lock(&state_->mu);
  std::vector<FakeAd> ads;
  for (const auto& [account_id, account] : state_->accounts) {
    for (const FakeAd& ad : account.data.ads) {
      if (ad.adset_id == ad_set_id) ads.push_back(ad);
    }
  }
  return ads;
}

}  // namespace rung::testing
