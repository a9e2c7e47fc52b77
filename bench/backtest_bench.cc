#include "backtest_bench.h"

#include "absl/time/clock.h"
#include "rpc.h"
#include "rung/status_macros.h"
#include "rung/v1/advisor_service.grpc.pb.h"

namespace rung::bench {
namespace {

constexpr absl::Duration kBacktestDeadline = absl::Minutes(30);

BacktestFigures FiguresOf(const v1::BacktestTotals& totals) {
  BacktestFigures figures;
  figures.ad_sets = totals.ad_sets();
  figures.advice = totals.advice();
  figures.actions = totals.actions_size();
  for (const v1::ActionTotals& action : totals.actions()) figures.given += action.given();
  return figures;
}

}  // namespace

absl::StatusOr<BacktestFigures> MeasureBacktest(const std::shared_ptr<grpc::Channel>& channel,
                                                RungdProcess& rungd, const std::string& account_id,
                                                Week from, Week to) {
  v1::AdvisorService::Stub stub(channel);
  v1::RunBacktestRequest request;
  request.set_account_id(account_id);
  request.set_from_week(from.ToString());
  request.set_to_week(to.ToString());
  v1::RunBacktestResponse response;
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + kBacktestDeadline));
  ASSIGN_OR_RETURN(const int64_t rss_before, rungd.RssBytes());
  RETURN_IF_ERROR(rungd.ResetPeakRss());
  const absl::Time start = absl::Now();
  RETURN_IF_ERROR(FromGrpc(stub.RunBacktest(&context, request, &response), "RunBacktest"));
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  ASSIGN_OR_RETURN(const int64_t peak, rungd.PeakRssBytes());
  BacktestFigures figures = FiguresOf(response.totals());
  figures.seconds = seconds;
  figures.rss_before_bytes = rss_before;
  figures.peak_rss_bytes = peak;
  return figures;
}

}  // namespace rung::bench
