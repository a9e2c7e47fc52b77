#include "account_summary_bench.h"

#include <algorithm>
#include <vector>

#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "rpc.h"
#include "rung/status_macros.h"
#include "rung/v1/advisor_service.grpc.pb.h"

namespace rung::bench {
namespace {

constexpr absl::Duration kSummaryDeadline = absl::Seconds(120);

double MedianMs(std::vector<double> seconds) {
  std::sort(seconds.begin(), seconds.end());
  const size_t middle = seconds.size() / 2;
  const double median =
      seconds.size() % 2 == 1 ? seconds[middle] : (seconds[middle - 1] + seconds[middle]) / 2;
  return median * 1000;
}

// The stored spelling of an enum value: its API name without the prefix.
std::string Stored(const std::string& api_name, absl::string_view prefix) {
  return std::string(absl::StripPrefix(api_name, prefix));
}

AccountTotals TotalsOf(const v1::AccountSummary& summary) {
  AccountTotals totals;
  for (const v1::WeekFigures& figures : summary.trend()) {
    WeekTotals& week = totals[figures.week()];
    week.ad_sets = figures.ad_sets();
    for (const v1::ActionCount& count : figures.actions()) {
      week.actions[Stored(v1::Action_Name(count.action()), "ACTION_")] = count.count();
    }
    for (const v1::LearningStatusCount& count : figures.learning_statuses()) {
      week.learning_statuses[Stored(v1::LearningStatus_Name(count.learning_status()),
                                    "LEARNING_STATUS_")] = count.count();
    }
    week.rungs.insert(figures.rungs().begin(), figures.rungs().end());
    week.spend_micros = figures.spend_micros();
    week.spend_below_threshold_micros = figures.spend_below_threshold_micros();
  }
  return totals;
}

// One call, timed from its start until the answer is parsed.
absl::StatusOr<double> TimeSummary(v1::AdvisorService::Stub& stub, const std::string& account_id,
                                   v1::GetAccountSummaryResponse* response) {
  v1::GetAccountSummaryRequest request;
  request.set_account_id(account_id);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + kSummaryDeadline));
  response->Clear();
  const absl::Time start = absl::Now();
  RETURN_IF_ERROR(
      FromGrpc(stub.GetAccountSummary(&context, request, response), "GetAccountSummary"));
  return absl::ToDoubleSeconds(absl::Now() - start);
}

}  // namespace

absl::StatusOr<SummaryFigures> MeasureAccountSummary(const std::shared_ptr<grpc::Channel>& channel,
                                                     AccountAggregate& aggregate,
                                                     const std::string& account_id, int calls) {
  v1::AdvisorService::Stub stub(channel);
  v1::GetAccountSummaryResponse response;
  RETURN_IF_ERROR(TimeSummary(stub, account_id, &response).status());
  RETURN_IF_ERROR(aggregate.Run().status());
  std::vector<double> summary_seconds;
  std::vector<double> aggregate_seconds;
  AggregateFigures last;
  for (int call = 0; call < calls; ++call) {
    ASSIGN_OR_RETURN(const double seconds, TimeSummary(stub, account_id, &response));
    summary_seconds.push_back(seconds);
    ASSIGN_OR_RETURN(last, aggregate.Run());
    aggregate_seconds.push_back(last.seconds);
  }
  SummaryFigures figures;
  figures.summary_ms = MedianMs(std::move(summary_seconds));
  figures.aggregate_ms = MedianMs(std::move(aggregate_seconds));
  const v1::AccountSummary& summary = response.summary();
  figures.trend_weeks = summary.trend_size();
  figures.changes = summary.changes_size();
  figures.response_bytes = static_cast<int64_t>(response.ByteSizeLong());
  figures.aggregate_groups = last.groups;
  for (const auto& [week, totals] : last.weeks) figures.aggregate_ad_set_weeks += totals.ad_sets;
  figures.same_figures = TotalsOf(summary) == last.weeks;
  return figures;
}

}  // namespace rung::bench
