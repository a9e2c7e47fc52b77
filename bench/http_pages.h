#ifndef RUNG_BENCH_HTTP_PAGES_H_
#define RUNG_BENCH_HTTP_PAGES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace rung::bench {

struct HttpFigures {
  int64_t pages = 0;
  int64_t recommendations = 0;
  // The walk over every page, client parsing included.
  double seconds = 0;
  // The part of `seconds` spent parsing the pages' JSON in this client.
  double parse_seconds = 0;
  // The same pages again with If-None-Match: each must answer 304.
  int64_t not_modified_pages = 0;
  double not_modified_seconds = 0;
  // False when max_pages stopped the walk before the last page.
  bool complete = false;
};

// Walks GET /v1/recommendations?page_size=... through every nextPageToken
// on one keep-alive connection, parsing each page as a
// ListRecommendationsResponse and checking that ad set ids only ascend; then
// asks for the same pages again with their ETags. `max_pages` 0: no limit.
absl::StatusOr<HttpFigures> WalkRecommendationPages(const std::string& http_address, int page_size,
                                                    int64_t max_pages);

// The values of samples of rungd's /metrics, from one scrape, in the order
// asked; each named as it is written there:
// `rung_answer_cache_lookups_total{result="hit"}`. NOT_FOUND names one absent.
absl::StatusOr<std::vector<double>> ScrapeMetrics(const std::string& http_address,
                                                  const std::vector<std::string>& samples);

}  // namespace rung::bench

#endif  // RUNG_BENCH_HTTP_PAGES_H_
