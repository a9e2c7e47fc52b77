#include "meta/http_transport.h"

#include <curl/curl.h>

#include <mutex>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace rung::meta {
namespace {

// curl_global_init is not thread-safe and must run once per process.
void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t AppendBody(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

// Header lines arrive one at a time, the status line and the blank line
// included; a redirect or a 100-continue starts a new block.
size_t AppendHeader(char* data, size_t size, size_t count, void* user) {
  auto* headers = static_cast<std::map<std::string, std::string>*>(user);
  absl::string_view line(data, size * count);
  if (absl::StartsWith(line, "HTTP/")) headers->clear();
  const size_t colon = line.find(':');
  if (colon != absl::string_view::npos) {
    std::string name = absl::AsciiStrToLower(absl::StripAsciiWhitespace(line.substr(0, colon)));
    (*headers)[std::move(name)] = std::string(absl::StripAsciiWhitespace(line.substr(colon + 1)));
  }
  return size * count;
}

// libcurl asks it while an exchange waits; non-zero abandons the exchange.
int CheckCancelled(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return (*static_cast<const std::function<bool()>*>(user))() ? 1 : 0;
}

struct SlistFree {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using HeaderList = std::unique_ptr<curl_slist, SlistFree>;

// curl_slist_append answers the list's head, which only a first line
// changes, or null (the list left as it was) when memory runs out.
void AppendHeaderLine(HeaderList& list, const std::string& line) {
  curl_slist* head = curl_slist_append(list.get(), line.c_str());
  if (list == nullptr) list.reset(head);
}

class CurlTransport : public HttpTransport {
 public:
  explicit CurlTransport(const CurlOptions& options) : options_(options) {
    InitCurlOnce();
    curl_ = curl_easy_init();
  }
  ~CurlTransport() override { curl_easy_cleanup(curl_); }
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  absl::StatusOr<HttpResponse> Send(const HttpRequest& request) override {
    if (curl_ == nullptr) return absl::InternalError("libcurl could not start");
    HttpResponse response;
    char error[CURL_ERROR_SIZE] = {};
    // Reset keeps the connection cache, so the next request reuses the
    // connection (keep-alive), while no option of the last request lingers.
    curl_easy_reset(curl_);
    curl_easy_setopt(curl_, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(absl::ToInt64Milliseconds(options_.connect_timeout)));
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS,
                     static_cast<long>(absl::ToInt64Milliseconds(options_.total_timeout)));
    curl_easy_setopt(curl_, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl_, CURLOPT_ACCEPT_ENCODING, "");  // whatever libcurl decodes
    curl_easy_setopt(curl_, CURLOPT_USERAGENT, "rung-advisor");
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, &AppendBody);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &response.body);
    curl_easy_setopt(curl_, CURLOPT_HEADERFUNCTION, &AppendHeader);
    curl_easy_setopt(curl_, CURLOPT_HEADERDATA, &response.headers);
    if (options_.cancelled) {
      curl_easy_setopt(curl_, CURLOPT_XFERINFOFUNCTION, &CheckCancelled);
      curl_easy_setopt(curl_, CURLOPT_XFERINFODATA, &options_.cancelled);
      curl_easy_setopt(curl_, CURLOPT_NOPROGRESS, 0L);
    }
    HeaderList headers;
    if (request.method == HttpRequest::Method::kPost) {
      AppendHeaderLine(headers, absl::StrCat("Content-Type: ", request.content_type));
      // No "Expect: 100-continue" for a larger body: a peer that ignores it
      // would cost a second's wait on every request.
      AppendHeaderLine(headers, "Expect:");
      curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers.get());
      curl_easy_setopt(curl_, CURLOPT_POST, 1L);
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, request.body.c_str());
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
    }
    const CURLcode code = curl_easy_perform(curl_);
    if (code != CURLE_OK) return Failure(code, error);
    long status = 0;
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &status);
    response.status = static_cast<int>(status);
    return response;
  }

 private:
  // curl's own words, which name the host but not the URL's query.
  static absl::Status Failure(CURLcode code, const char* error) {
    const std::string why = *error != '\0' ? error : curl_easy_strerror(code);
    if (code == CURLE_ABORTED_BY_CALLBACK) return absl::CancelledError("abandoned");
    if (code == CURLE_OPERATION_TIMEDOUT) {
      return absl::DeadlineExceededError(absl::StrCat("no answer in time: ", why));
    }
    return absl::UnavailableError(why);
  }

  CurlOptions options_;
  CURL* curl_ = nullptr;
};

}  // namespace

std::unique_ptr<HttpTransport> NewCurlTransport(const CurlOptions& options) {
  return std::make_unique<CurlTransport>(options);
}

}  // namespace rung::meta
