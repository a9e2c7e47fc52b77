// Answers of Meta's Graph API, as rungctl sync reads them: any body as an
// error object, as usage headers, as an account, and as a page of ad sets or
// Insights rows. Nothing may crash, and what is accepted keeps its promises.

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "fuzz_check.h"
#include "import/insights_rows.h"
#include "meta/graph_error.h"
#include "meta/meta_objects.h"
#include "meta/usage_headers.h"
#include "nlohmann/json.hpp"
#include "rung/week.h"

namespace {

using nlohmann::json;

void FuzzItem(const json& item, rung::importer::InsightsRowReader& reader) {
  const absl::StatusOr<rung::meta::MetaAdSet> ad_set = rung::meta::ReadAdSet(item);
  if (ad_set.ok()) {
    FUZZ_CHECK(!ad_set->id.empty());
    FUZZ_CHECK(!ad_set->event.empty());
    FUZZ_CHECK(ad_set->source_adset_id != "0");
  }
  const absl::StatusOr<rung::RawAdSetWeek> week = reader.ReadRow(item, "data[0]", "AddToCart");
  if (week.ok()) {
    // A row is never stored under a week it does not cover.
    FUZZ_CHECK(rung::Week::Parse(week->week_start).ok());
    FUZZ_CHECK(!week->optimization_event.empty());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  const absl::string_view body(reinterpret_cast<const char*>(bytes), size);
  const std::optional<rung::meta::GraphError> error = rung::meta::ParseGraphError(body);
  const rung::meta::GraphFailure failure = rung::meta::ClassifyFailure(400, error);
  FUZZ_CHECK(error.has_value() || failure == rung::meta::GraphFailure::kTransient);
  if (error.has_value()) rung::meta::DescribeGraphError(*error);

  const std::string header(body);
  const rung::meta::Usage usage =
      rung::meta::ParseUsageHeaders({{"x-business-use-case-usage", header},
                                     {"x-ad-account-usage", header},
                                     {"x-fb-ads-insights-throttle", header}});
  FUZZ_CHECK(usage.regain_access >= absl::ZeroDuration());

  const json document = json::parse(body.begin(), body.end(), nullptr, false);
  if (document.is_discarded()) return 0;
  (void)rung::meta::ReadAccount(document);
  rung::ImportOptions options;
  rung::importer::InsightsRowReader reader(options);
  reader.CountActionTypeAs("landing_page_view", "PageView");
  FuzzItem(document, reader);
  if (document.is_object() && document.contains("data") && document["data"].is_array()) {
    for (const json& item : document["data"]) FuzzItem(item, reader);
  }
  reader.TakeNotes();
  return 0;
}
