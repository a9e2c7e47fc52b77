#include "http_pages.h"

#include <httplib.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/json_util.h"
#include "rung/status_macros.h"
#include "rung/v1/advisor_service.pb.h"

namespace rung::bench {
namespace {

constexpr time_t kTimeoutSeconds = 120;

// What a page needs to be asked for again: its token and its ETag.
struct PageKey {
  std::string page_token;
  std::string etag;
};

absl::StatusOr<httplib::Client> Connect(const std::string& http_address) {
  const std::vector<std::string> parts = absl::StrSplit(http_address, ':');
  int port = 0;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[1], &port)) {
    return absl::InvalidArgumentError(absl::StrCat("'", http_address, "' is not HOST:PORT"));
  }
  httplib::Client client(parts[0], port);
  client.set_keep_alive(true);
  client.set_read_timeout(kTimeoutSeconds, 0);
  return client;
}

absl::StatusOr<httplib::Response> GetPage(httplib::Client& client, int page_size,
                                          const std::string& page_token,
                                          const httplib::Headers& headers) {
  httplib::Params params = {{"page_size", absl::StrCat(page_size)}};
  if (!page_token.empty()) params.emplace("page_token", page_token);
  httplib::Result result = client.Get("/v1/recommendations", params, headers);
  if (!result) {
    return absl::UnavailableError(
        absl::StrCat("GET /v1/recommendations: ", httplib::to_string(result.error())));
  }
  return *result;
}

absl::Status ParsePage(const httplib::Response& response, int64_t page,
                       v1::ListRecommendationsResponse* parsed) {
  if (response.status != 200) {
    return absl::InternalError(
        absl::StrCat("page ", page, ": HTTP ", response.status, ": ", response.body));
  }
  const auto status = google::protobuf::util::JsonStringToMessage(response.body, parsed);
  if (!status.ok()) {
    return absl::InternalError(absl::StrCat("page ", page, ": ", status.ToString()));
  }
  return absl::OkStatus();
}

// Ad set ids must ascend across pages: none repeated, none skipped back.
absl::Status CheckOrder(const v1::ListRecommendationsResponse& page, std::string* last_id) {
  for (const v1::Recommendation& recommendation : page.recommendations()) {
    if (recommendation.ad_set_id() <= *last_id) {
      return absl::InternalError(
          absl::StrCat("ad set '", recommendation.ad_set_id(), "' came after '", *last_id, "'"));
    }
    *last_id = recommendation.ad_set_id();
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<PageKey>> WalkPages(httplib::Client& client, int page_size,
                                               int64_t max_pages, HttpFigures* figures) {
  std::vector<PageKey> keys;
  std::string token;
  std::string last_id;
  const absl::Time start = absl::Now();
  do {
    ASSIGN_OR_RETURN(const httplib::Response response, GetPage(client, page_size, token, {}));
    v1::ListRecommendationsResponse page;
    const absl::Time parse_start = absl::Now();
    RETURN_IF_ERROR(ParsePage(response, figures->pages, &page));
    figures->parse_seconds += absl::ToDoubleSeconds(absl::Now() - parse_start);
    RETURN_IF_ERROR(CheckOrder(page, &last_id));
    keys.push_back({token, response.get_header_value("ETag")});
    ++figures->pages;
    figures->recommendations += page.recommendations_size();
    token = page.next_page_token();
  } while (!token.empty() && (max_pages == 0 || figures->pages < max_pages));
  figures->seconds = absl::ToDoubleSeconds(absl::Now() - start);
  figures->complete = token.empty();
  return keys;
}

absl::Status RevalidatePages(httplib::Client& client, int page_size,
                             const std::vector<PageKey>& keys, HttpFigures* figures) {
  const absl::Time start = absl::Now();
  for (const PageKey& key : keys) {
    ASSIGN_OR_RETURN(const httplib::Response response,
                     GetPage(client, page_size, key.page_token, {{"If-None-Match", key.etag}}));
    if (response.status != 304) {
      return absl::InternalError(absl::StrCat("page ", figures->not_modified_pages,
                                              " with If-None-Match: HTTP ", response.status));
    }
    ++figures->not_modified_pages;
  }
  figures->not_modified_seconds = absl::ToDoubleSeconds(absl::Now() - start);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<HttpFigures> WalkRecommendationPages(const std::string& http_address, int page_size,
                                                    int64_t max_pages) {
  ASSIGN_OR_RETURN(httplib::Client client, Connect(http_address));
  HttpFigures figures;
  ASSIGN_OR_RETURN(const std::vector<PageKey> keys,
                   WalkPages(client, page_size, max_pages, &figures));
  RETURN_IF_ERROR(RevalidatePages(client, page_size, keys, &figures));
  return figures;
}

absl::StatusOr<std::vector<double>> ScrapeMetrics(const std::string& http_address,
                                                  const std::vector<std::string>& samples) {
  ASSIGN_OR_RETURN(httplib::Client client, Connect(http_address));
  httplib::Result result = client.Get("/metrics");
  if (!result || result->status != 200) {
    return absl::UnavailableError(absl::StrCat("GET /metrics on ", http_address, " failed"));
  }
  const std::vector<absl::string_view> lines = absl::StrSplit(result->body, '\n');
  std::vector<double> values;
  for (const std::string& sample : samples) {
    const auto found = std::find_if(lines.begin(), lines.end(), [&](absl::string_view line) {
      return absl::ConsumePrefix(&line, sample) && absl::ConsumePrefix(&line, " ");
    });
    double value = 0;
    if (found == lines.end() || !absl::SimpleAtod(found->substr(sample.size() + 1), &value)) {
      return absl::NotFoundError(absl::StrCat("/metrics has no sample ", sample));
    }
    values.push_back(value);
  }
  return values;
}

}  // namespace rung::bench
