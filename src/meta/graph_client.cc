#include "meta/graph_client.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <thread>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "core/text.h"
#include "meta/graph_error.h"
#include "meta/json_members.h"
#include "rung/status_macros.h"

namespace rung::meta {
namespace {

using nlohmann::json;

constexpr char kRedacted[] = "[redacted]";
constexpr absl::string_view kSecretParams[] = {"access_token", "appsecret_proof"};
// Above this share of a limit, Meta is about to throttle: slow down first.
constexpr double kSlowDownPercent = 75;
// The pause at 100% of a limit; it grows linearly from 75%.
constexpr absl::Duration kSlowDownAtLimit = absl::Seconds(10);
constexpr absl::Duration kFirstBackoff = absl::Seconds(1);
constexpr absl::Duration kMaxBackoff = absl::Minutes(5);

class RealEnv : public GraphEnv {
 public:
  void SleepFor(absl::Duration duration) override { absl::SleepFor(duration); }
  double Jitter() override {
    absl::MutexLock lock(&mutex_);
    return absl::Uniform(bitgen_, 0.0, 1.0);
  }

 private:
  absl::Mutex mutex_;
  absl::BitGen bitgen_ ABSL_GUARDED_BY(mutex_);
};

bool IsUnreserved(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' ||
         c == '~';
}

std::string PercentEncode(absl::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  encoded.reserve(text.size());
  for (const char c : text) {
    if (IsUnreserved(c)) {
      encoded += c;
    } else {
      const auto byte = static_cast<unsigned char>(c);
      encoded += '%';
      encoded += kHex[byte >> 4];
      encoded += kHex[byte & 0xF];
    }
  }
  return encoded;
}

bool IsSecretParam(absl::string_view name) {
  return std::find(std::begin(kSecretParams), std::end(kSecretParams), name) !=
         std::end(kSecretParams);
}

// `query` without its secret parameters, order kept.
std::string WithoutSecretParams(absl::string_view query) {
  std::vector<absl::string_view> kept;
  for (absl::string_view pair : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    if (!IsSecretParam(pair.substr(0, pair.find('=')))) kept.push_back(pair);
  }
  return absl::StrJoin(kept, "&");
}

// "GET act_1001/insights": what a message names, never the query.
std::string Describe(HttpRequest::Method method, absl::string_view path) {
  return absl::StrCat(method == HttpRequest::Method::kGet ? "GET " : "POST ", path);
}

absl::Status CodeForFailure(GraphFailure failure, std::string message) {
  switch (failure) {
    case GraphFailure::kInvalidToken: return absl::UnauthenticatedError(std::move(message));
    case GraphFailure::kMissingPermission: return absl::PermissionDeniedError(std::move(message));
    case GraphFailure::kInvalidParameter: return absl::InvalidArgumentError(std::move(message));
    default: return absl::FailedPreconditionError(std::move(message));
  }
}

}  // namespace

GraphEnv* GraphEnv::Default() {
  static GraphEnv* const env = new RealEnv();
  return env;
}

Redactor::Redactor(std::vector<std::string> secrets) {
  for (std::string& secret : secrets) {
    if (!secret.empty()) secrets_.push_back(std::move(secret));
  }
}

std::string Redactor::Redact(absl::string_view text) const {
  std::string redacted(text);
  for (const std::string& secret : secrets_) {
    redacted = absl::StrReplaceAll(redacted, {{secret, kRedacted}});
  }
  // A token that is not ours (an old one in a paging URL) is a secret too.
  for (absl::string_view param : kSecretParams) {
    const std::string key = absl::StrCat(param, "=");
    for (size_t at = redacted.find(key); at != std::string::npos;
         at = redacted.find(key, at + key.size())) {
      const size_t value = at + key.size();
      const size_t end = redacted.find_first_of("&\"' \n", value);
      redacted.replace(value, (end == std::string::npos ? redacted.size() : end) - value,
                       kRedacted);
    }
  }
  return redacted;
}

absl::Status Redactor::Redact(const absl::Status& status) const {
  if (status.ok()) return status;
  absl::Status redacted(status.code(), Redact(status.message()));
  status.ForEachPayload(
      [&](absl::string_view url, const absl::Cord& payload) { redacted.SetPayload(url, payload); });
  return redacted;
}

std::string AppSecretProof(absl::string_view access_token, absl::string_view app_secret) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), app_secret.data(), static_cast<int>(app_secret.size()),
       reinterpret_cast<const unsigned char*>(access_token.data()), access_token.size(), digest,
       &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xF];
  }
  return hex;
}

std::string EncodeParams(const GraphParams& params) {
  std::vector<std::string> pairs;
  pairs.reserve(params.size());
  for (const auto& [name, value] : params) {
    pairs.push_back(absl::StrCat(PercentEncode(name), "=", PercentEncode(value)));
  }
  return absl::StrJoin(pairs, "&");
}

GraphClient::GraphClient(HttpTransport* transport, GraphEnv* env, GraphCredentials credentials,
                         GraphOptions options)
    : transport_(transport),
      env_(env),
      credentials_(std::move(credentials)),
      proof_(credentials_.app_secret.empty()
                 ? ""
                 : AppSecretProof(credentials_.access_token, credentials_.app_secret)),
      options_(std::move(options)),
      redactor_({credentials_.access_token, credentials_.app_secret, proof_}) {
  while (absl::EndsWith(options_.base_url, "/")) options_.base_url.pop_back();
}

std::string GraphClient::AuthParams() const {
  GraphParams auth = {{"access_token", credentials_.access_token}};
  if (!proof_.empty()) auth.emplace_back("appsecret_proof", proof_);
  return EncodeParams(auth);
}

std::string GraphClient::Url(absl::string_view path, const GraphParams& params) const {
  std::string url = absl::StrCat(options_.base_url, "/", options_.api_version, "/", path, "?");
  if (!params.empty()) absl::StrAppend(&url, EncodeParams(params), "&");
  absl::StrAppend(&url, AuthParams());
  return url;
}

absl::StatusOr<json> GraphClient::Get(absl::string_view path, const GraphParams& params) {
  HttpRequest request;
  request.url = Url(path, params);
  return Call(std::move(request), Describe(HttpRequest::Method::kGet, path));
}

absl::StatusOr<json> GraphClient::Post(absl::string_view path, const GraphParams& params,
                                       Resend resend) {
  HttpRequest request;
  request.method = HttpRequest::Method::kPost;
  request.url = absl::StrCat(options_.base_url, "/", options_.api_version, "/", path);
  request.body = absl::StrCat(EncodeParams(params), params.empty() ? "" : "&", AuthParams());
  return Call(std::move(request), Describe(HttpRequest::Method::kPost, path), resend);
}

absl::Status GraphClient::Wait(absl::Duration duration) {
  if (stats_.waited + duration > options_.max_wait) {
    return absl::DeadlineExceededError(
        absl::StrCat("would wait past --max-wait ", absl::FormatDuration(options_.max_wait),
                     " (waited ", absl::FormatDuration(stats_.waited), " already)"));
  }
  env_->SleepFor(duration);
  stats_.waited += duration;
  return absl::OkStatus();
}

absl::Duration GraphClient::Backoff(int attempt) {
  const absl::Duration base =
      std::min(kFirstBackoff * std::pow(2.0, std::min(attempt, 20)), kMaxBackoff);
  // Half fixed, half random: callers that failed together spread out.
  return base * (0.5 + 0.5 * env_->Jitter());
}

absl::Status GraphClient::SlowDownIfNearLimit() {
  if (last_usage_.max_percent <= kSlowDownPercent) return absl::OkStatus();
  const double over =
      std::min(1.0, (last_usage_.max_percent - kSlowDownPercent) / (100 - kSlowDownPercent));
  const absl::Duration pause = kSlowDownAtLimit * over;
  RETURN_IF_ERROR(Wait(pause));
  stats_.throttled += pause;
  return absl::OkStatus();
}

absl::Status GraphClient::WaitThrottled(const std::string& what, int attempt, const Usage& usage,
                                        const std::string& meta_error) {
  // Meta's own estimate beats a guess.
  const absl::Duration wait =
      usage.regain_access > absl::ZeroDuration() ? usage.regain_access : Backoff(attempt);
  const absl::Status waited = Wait(wait);
  if (waited.ok()) {
    stats_.throttled += wait;
    last_usage_ = Usage();  // what made Meta throttle is waited out
    return waited;
  }
  std::string limit = usage.limited_use_case.empty()
                          ? ""
                          : absl::StrCat(" on the ", usage.limited_use_case, " limit");
  return absl::ResourceExhaustedError(absl::StrCat(
      what, ": throttled by Meta", limit, "; gave up after ",
      absl::FormatDuration(stats_.throttled), " of waiting (--max-wait ",
      absl::FormatDuration(options_.max_wait), "); what was stored stays. ", meta_error));
}

absl::StatusOr<json> GraphClient::Call(HttpRequest request, const std::string& what,
                                       Resend resend) {
  int retries = 0;
  int throttled = 0;
  while (true) {
    const absl::Status slowed = SlowDownIfNearLimit();
    if (!slowed.ok()) {
      return redactor_.Redact(WithMessagePrefix(
          absl::StrCat(what, ": Meta's usage headers are near their limit; "), slowed));
    }
    ++stats_.calls;
    absl::StatusOr<HttpResponse> response = transport_->Send(request);
    std::string failure_text;
    if (response.ok()) {
      last_usage_ = ParseUsageHeaders(response->headers);
      json body = json::parse(response->body, nullptr, /*allow_exceptions=*/false);
      const std::optional<GraphError> error = GraphErrorIn(body);
      if (response->status == 200 && !body.is_discarded() && !error.has_value()) return body;
      const GraphFailure failure = ClassifyFailure(response->status, error);
      failure_text = error.has_value() ? DescribeGraphError(*error)
                                       : absl::StrCat("HTTP ", response->status,
                                                      " with a body that is not "
                                                      "Meta's JSON");
      if (failure == GraphFailure::kThrottled) {
        // Meta's code 80004 (the ads_management use case) is a quota, not a
        // passing spike: with an app in development mode or on the limited
        // access tier it will not lift soon, so it is waited for like the
        // others and named in the failure rather than retried at once.
        RETURN_IF_ERROR(
            redactor_.Redact(WaitThrottled(what, throttled++, last_usage_, failure_text)));
        continue;
      }
      if (failure != GraphFailure::kTransient && failure != GraphFailure::kReportNotReady) {
        absl::Status status = CodeForFailure(failure, absl::StrCat(what, ": ", failure_text));
        if (error.has_value()) AttachGraphError(*error, &status);
        return redactor_.Redact(status);
      }
    } else if (absl::IsDeadlineExceeded(response.status())) {
      // No answer in time is how a big account's Insights fail: the caller
      // asks for an async report instead of waiting that long five more times.
      return redactor_.Redact(WithMessagePrefix(absl::StrCat(what, ": "), response.status()));
    } else {
      failure_text = std::string(response.status().message());
    }
    const absl::StatusCode code =
        response.ok() ? absl::StatusCode::kUnavailable : response.status().code();
    if (resend == Resend::kNever) {
      return redactor_.Redact(absl::Status(
          code, absl::StrCat(what, ": ", failure_text,
                             "; not sent again, since Meta may have done it already")));
    }
    if (retries >= options_.max_retries) {
      return redactor_.Redact(absl::Status(
          code, absl::StrCat(what, ": failed ", retries + 1, " times; last: ", failure_text)));
    }
    const absl::Status waited = Wait(Backoff(retries++));
    if (!waited.ok()) {
      return redactor_.Redact(absl::UnavailableError(
          absl::StrCat(what, ": ", failure_text, "; no retry: ", waited.message())));
    }
  }
}

absl::StatusOr<std::string> GraphClient::NextPageUrl(const std::string& next) const {
  const std::string origin = absl::StrCat(options_.base_url, "/");
  if (!absl::StartsWith(next, origin)) {
    // Following it would send the token to whoever that host is.
    return absl::FailedPreconditionError(
        absl::StrCat("paging.next leads away from ", options_.base_url, "; not followed"));
  }
  const size_t question = next.find('?');
  if (question == std::string::npos) return absl::StrCat(next, "?", AuthParams());
  const std::string query = WithoutSecretParams(absl::string_view(next).substr(question + 1));
  return absl::StrCat(next.substr(0, question), "?", query, query.empty() ? "" : "&", AuthParams());
}

absl::StatusOr<std::optional<HttpRequest>> GraphClient::NextPage(const json& page,
                                                                 const std::string& what,
                                                                 PagesSeen* seen) const {
  const json* paging = MemberOf(page, "paging");
  const json* next = paging == nullptr ? nullptr : MemberOf(*paging, "next");
  if (next == nullptr || !next->is_string()) return std::optional<HttpRequest>();
  absl::StatusOr<std::string> url = NextPageUrl(next->get<std::string>());
  if (!url.ok()) return redactor_.Redact(url.status());
  if (!seen->insert(*url).second) {
    return absl::AbortedError(
        absl::StrCat(what,
                     ": Meta answered a paging cursor it had answered before; stopped rather than "
                     "read the same pages forever"));
  }
  HttpRequest request;
  request.url = *std::move(url);
  return std::optional<HttpRequest>(std::move(request));
}

absl::Status GraphClient::ForEachPage(absl::string_view path, const GraphParams& params,
                                      absl::FunctionRef<absl::Status(const json& data)> visit) {
  const std::string what = Describe(HttpRequest::Method::kGet, path);
  // One page ahead, on one thread for the whole walk: a thread per page
  // started each with an empty allocator cache.
  ChunkQueue<json> pages(/*capacity=*/1);
  std::thread fetcher([&] { pages.Close(FetchPages(Url(path, params), what, pages)); });
  absl::Status status;
  while (status.ok()) {
    absl::StatusOr<std::optional<json>> page = pages.Pop();
    if (!page.ok()) {
      status = page.status();
    } else if (!page->has_value()) {
      break;
    } else {
      status = visit(*MemberOf(**page, "data"));
    }
  }
  pages.Close(status);  // stops a fetcher that is still reading ahead
  fetcher.join();
  return status;
}

absl::Status GraphClient::FetchPages(std::string url, const std::string& what,
                                     ChunkQueue<json>& pages) {
  PagesSeen seen;
  HttpRequest request;
  request.url = std::move(url);
  while (true) {
    ASSIGN_OR_RETURN(json page, Call(request, what));
    const json* data = MemberOf(page, "data");
    if (data == nullptr || !data->is_array()) {
      return absl::FailedPreconditionError(
          absl::StrCat(what, ": Meta's answer has no \"data\" list"));
    }
    ASSIGN_OR_RETURN(std::optional<HttpRequest> next, NextPage(page, what, &seen));
    RETURN_IF_ERROR(pages.Push(std::move(page)));
    if (!next.has_value()) return absl::OkStatus();
    request = *std::move(next);
  }
}

}  // namespace rung::meta
