#ifndef RUNG_META_HTTP_TRANSPORT_H_
#define RUNG_META_HTTP_TRANSPORT_H_

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace rung::meta {

struct HttpRequest {
  enum class Method { kGet, kPost };
  Method method = Method::kGet;
  // Absolute, query included.
  std::string url;
  // For a POST.
  std::string body;
  std::string content_type = "application/x-www-form-urlencoded";
};

struct HttpResponse {
  int status = 0;
  // Names in lower case; a repeated header keeps its last value.
  std::map<std::string, std::string> headers;
  std::string body;
};

// Sends one request and answers whatever HTTP status came back. Errors are
// only for answers that never came: UNAVAILABLE (no connection, TLS, reset),
// DEADLINE_EXCEEDED (a timeout) or CANCELLED. Their messages never hold the
// URL, which carries the access token.
class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  virtual absl::StatusOr<HttpResponse> Send(const HttpRequest& request) = 0;
};

struct CurlOptions {
  absl::Duration connect_timeout = absl::Seconds(10);
  // The whole exchange, body included. Meta's synchronous Insights can take
  // this long before it gives up on a big account.
  absl::Duration total_timeout = absl::Seconds(120);
  // Asked while an exchange waits, at least once a second: true abandons it
  // (CANCELLED), so that a shutdown need not outwait a peer that hangs.
  std::function<bool()> cancelled;
};

// libcurl: TLS against the system's CAs, proxies from the environment
// (HTTPS_PROXY, NO_PROXY), and one connection kept alive between requests.
// Not thread-safe: one per thread.
std::unique_ptr<HttpTransport> NewCurlTransport(const CurlOptions& options);

}  // namespace rung::meta

#endif  // RUNG_META_HTTP_TRANSPORT_H_
