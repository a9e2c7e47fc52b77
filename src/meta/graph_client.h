#ifndef RUNG_META_GRAPH_CLIENT_H_
#define RUNG_META_GRAPH_CLIENT_H_

// A client of Meta's Graph API (the Marketing API) for rungctl's sync, plan
// and apply: paging, retries with backoff and jitter, throttling from the
// usage headers, Meta's error classes, appsecret_proof, and redaction of
// every secret from every message (meta-connector.md).

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "core/chunk_queue.h"
#include "meta/http_transport.h"
#include "meta/usage_headers.h"
#include "nlohmann/json.hpp"

namespace rung::meta {

struct GraphCredentials {
  std::string access_token;
  // Optional; when set, every call carries appsecret_proof.
  std::string app_secret;
};

struct GraphOptions {
  std::string base_url = "https://graph.facebook.com";
  std::string api_version = "v27.0";
  // Longest total wait, throttling and report polling together, before the
  // client gives up (one client serves one account).
  absl::Duration max_wait = absl::Minutes(15);
  // Retries of a transient failure (5xx, a body that is not JSON, ...).
  int max_retries = 5;
};

// Time and chance: a seam so that tests wait no real time and know the
// jitter.
class GraphEnv {
 public:
  virtual ~GraphEnv() = default;
  virtual void SleepFor(absl::Duration duration) = 0;
  // Uniform in [0, 1).
  virtual double Jitter() = 0;
  // Real sleeps and random jitter. Never destroyed.
  static GraphEnv* Default();
};

// Replaces every secret it was given, and any access_token or
// appsecret_proof parameter of a URL, with "[redacted]".
class Redactor {
 public:
  explicit Redactor(std::vector<std::string> secrets);
  std::string Redact(absl::string_view text) const;
  absl::Status Redact(const absl::Status& status) const;

 private:
  std::vector<std::string> secrets_;
};

// The lowercase hex HMAC-SHA256 of the token keyed with the app secret.
std::string AppSecretProof(absl::string_view access_token, absl::string_view app_secret);

using GraphParams = std::vector<std::pair<std::string, std::string>>;

struct GraphStats {
  int calls = 0;
  // Waiting for Meta's quota: throttled answers, and slowing down when a
  // usage header showed more than 75%.
  absl::Duration throttled = absl::ZeroDuration();
  // Every wait: the above, retries and report polling.
  absl::Duration waited = absl::ZeroDuration();
};

// Error codes: UNAUTHENTICATED for an invalid or expired token (code 190),
// PERMISSION_DENIED for a missing permission (10, 200-299), INVALID_ARGUMENT
// for code 100, RESOURCE_EXHAUSTED when throttling outlasts max_wait,
// UNAVAILABLE or DEADLINE_EXCEEDED when transient failures outlast the
// retries, FAILED_PRECONDITION for any other refusal. A failure that Meta
// explained carries its GraphError (GraphErrorOf). Messages start with the
// call ("GET act_1001/insights: ...") and hold no secret. Not thread-safe.
class GraphClient {
 public:
  // `transport` and `env` must outlive the client.
  GraphClient(HttpTransport* transport, GraphEnv* env, GraphCredentials credentials,
              GraphOptions options);

  // Whether a call may be sent again after a failure that leaves unknown
  // whether Meta did it: a transient answer (5xx, a body that is not JSON,
  // is_transient, codes 1 and 2) or a broken connection. A throttled call is
  // always sent again once waited for: Meta refused it without doing it.
  enum class Resend {
    kIfTransient,
    // For a POST that makes something (an ad set, a copy of an ad): sent
    // twice, it could make two. It fails at once, UNAVAILABLE (or
    // DEADLINE_EXCEEDED on a timeout), and the caller finds out what Meta did.
    kNever,
  };

  // `path` is relative to the version: "act_1001", "act_1001/adsets".
  absl::StatusOr<nlohmann::json> Get(absl::string_view path, const GraphParams& params);
  absl::StatusOr<nlohmann::json> Post(absl::string_view path, const GraphParams& params,
                                      Resend resend = Resend::kIfTransient);

  // Reads an edge page by page, following paging.next until it is absent;
  // `visit` gets each page's "data" array (which may be empty while more
  // pages follow). A cursor that comes back a second time is ABORTED rather
  // than followed forever; a next page on another host is not followed.
  // The next page is fetched on another thread while `visit` reads this
  // one (Meta and the JSON parse were half of a sync's time), so `visit`
  // must not use this client.
  absl::Status ForEachPage(absl::string_view path, const GraphParams& params,
                           absl::FunctionRef<absl::Status(const nlohmann::json& data)> visit);

  // Waits `duration` from the max_wait budget; DEADLINE_EXCEEDED, without
  // waiting, when the budget would be overdrawn.
  absl::Status Wait(absl::Duration duration);
  // Exponential backoff from 1 s, capped at 5 minutes, with jitter.
  absl::Duration Backoff(int attempt);

  const GraphStats& stats() const { return stats_; }
  const Redactor& redactor() const { return redactor_; }

 private:
  // One request with its retries, waits and Meta's error classes.
  absl::StatusOr<nlohmann::json> Call(HttpRequest request, const std::string& what,
                                      Resend resend = Resend::kIfTransient);
  // Waits before a call while a usage header showed more than 75%.
  absl::Status SlowDownIfNearLimit();
  // Waits as Meta's throttling asks; RESOURCE_EXHAUSTED past max_wait.
  absl::Status WaitThrottled(const std::string& what, int attempt, const Usage& usage,
                             const std::string& meta_error);
  std::string Url(absl::string_view path, const GraphParams& params) const;
  std::string AuthParams() const;
  // paging.next, checked and with our own credentials in place of Meta's.
  absl::StatusOr<std::string> NextPageUrl(const std::string& next) const;
  // Fetches the pages from `url` on, following paging.next, into `pages`.
  absl::Status FetchPages(std::string url, const std::string& what,
                          ChunkQueue<nlohmann::json>& pages);
  using PagesSeen = absl::flat_hash_set<std::string>;
  // The request for the page after `page`; nullopt after the last page.
  absl::StatusOr<std::optional<HttpRequest>> NextPage(const nlohmann::json& page,
                                                      const std::string& what,
                                                      PagesSeen* seen) const;

  HttpTransport* transport_;
  GraphEnv* env_;
  GraphCredentials credentials_;
  std::string proof_;
  GraphOptions options_;
  Redactor redactor_;
  GraphStats stats_;
  Usage last_usage_;
};

// Query or form encoding of `params` (RFC 3986 unreserved characters kept).
std::string EncodeParams(const GraphParams& params);

}  // namespace rung::meta

#endif  // RUNG_META_GRAPH_CLIENT_H_
