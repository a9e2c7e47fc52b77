#include "dataset.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_format.h"

namespace rung::bench {
namespace {

// The ecommerce ladder, lowest rung first.
enum Rung { kPageView, kViewContent, kAddToCart, kInitiateCheckout, kPurchase, kRungCount };
constexpr const char* kEvents[kRungCount] = {"PageView", "ViewContent", "AddToCart",
                                             "InitiateCheckout", "Purchase"};

constexpr int64_t kAdSetsPerCampaign = 10;

// What one kind of ad set looks like week after week. The comments name what
// the default policy makes of it.
struct Profile {
  int weight;  // Out of 100.
  Rung optimizes;
  // The rung of every week but the last: differs for an ad set that just moved.
  Rung optimized_before;
  int64_t counts[kRungCount];
  // Each weekly count is drawn within +-noise of its base.
  double noise;
  // Meta's per-ad-set threshold; 0 for none.
  int32_t threshold_override;
};

constexpr Profile kProfiles[] = {
    // MOVE_DOWN to AddToCart (the spec's first scenario).
    {15, kPurchase, kPurchase, {1500, 340, 85, 28, 12}, 0.05, 0},
    // DUPLICATE_AND_CLIMB to InitiateCheckout.
    {15, kAddToCart, kAddToCart, {1200, 400, 86, 40, 15}, 0.03, 0},
    // STABILIZE: moved from ViewContent to AddToCart in the last week.
    {8, kAddToCart, kViewContent, {1300, 340, 85, 30, 10}, 0.03, 0},
    // HOLD with NEAR_EXIT.
    {10, kPurchase, kPurchase, {2000, 600, 160, 70, 41}, 0.03, 0},
    // CHECKOUT_FRICTION (AddToCart 250 against Purchase 20).
    {8, kAddToCart, kAddToCart, {3000, 900, 250, 60, 20}, 0.04, 0},
    // FUNNEL_INVERSION (Purchase above AddToCart), AT_TOP.
    {5, kPurchase, kPurchase, {2500, 700, 45, 70, 60}, 0.02, 0},
    // CONSOLIDATE: nothing reaches 50 a week.
    {10, kPurchase, kPurchase, {40, 30, 20, 10, 8}, 0.10, 0},
    // AT_TOP, WELL_OPTIMIZED.
    {8, kPurchase, kPurchase, {9000, 2500, 700, 300, 210}, 0.05, 0},
    // HOLD with UNSTABLE_DELIVERY.
    {6, kAddToCart, kAddToCart, {2000, 500, 130, 40, 12}, 0.60, 0},
    // DUPLICATE_AND_CLIMB to ViewContent, NOISY_SIGNAL.
    {5, kPageView, kPageView, {800, 45, 12, 4, 1}, 0.03, 0},
    // DUPLICATE_AND_CLIMB one rung only, although Purchase has volume too.
    {5, kViewContent, kViewContent, {1500, 340, 85, 60, 55}, 0.03, 0},
    // THRESHOLD_OVERRIDDEN: 30 purchases against Meta's threshold of 25.
    {5, kPurchase, kPurchase, {1800, 420, 110, 45, 30}, 0.03, 25},
};

// Independent draws for one (ad set, week).
enum Salt {
  kProfileDraw,
  kSpendKnownDraw,
  kReportsDraw,
  kEditDraw,
  kLadderDraw,
  kSpendDraw,
  kCountDraw
};

uint64_t Mix(uint64_t x) {  // splitmix64's finalizer
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Uniform in [0, 1), the same on every platform (std:: distributions are not).
double Uniform(const DatasetSpec& spec, int64_t ad_set, int week, int salt) {
  const uint64_t bits =
      Mix(Mix(Mix(spec.seed) ^ static_cast<uint64_t>(ad_set)) ^ (uint64_t(week) << 16 | salt));
  return static_cast<double>(bits >> 11) * 0x1.0p-53;
}

const Profile& ProfileOf(const DatasetSpec& spec, int64_t ad_set) {
  int ticket = static_cast<int>(Uniform(spec, ad_set, 0, kProfileDraw) * 100);
  for (const Profile& profile : kProfiles) {
    if (ticket < profile.weight) return profile;
    ticket -= profile.weight;
  }
  return kProfiles[0];
}

int64_t WeeklyCount(const DatasetSpec& spec, const Profile& profile, int64_t ad_set, int week,
                    int rung) {
  const double swing = profile.noise * (2 * Uniform(spec, ad_set, week, kCountDraw + rung) - 1);
  return std::max<int64_t>(0, std::llround(profile.counts[rung] * (1 + swing)));
}

void FillCounts(const DatasetSpec& spec, const Profile& profile, int64_t ad_set, int week,
                AdSetWeek* row) {
  for (int rung = 0; rung < kRungCount; ++rung) {
    row->event_counts[kEvents[rung]] = WeeklyCount(spec, profile, ad_set, week, rung);
  }
}

// Traits of the whole ad set, drawn at week 0, and of the week itself.
void FillTraits(const DatasetSpec& spec, const Profile& profile, int64_t ad_set, int week,
                AdSetWeek* row) {
  if (Uniform(spec, ad_set, 0, kSpendKnownDraw) < 0.9) {
    // 50 to 500 currency units a week.
    row->spend_micros = std::llround((50 + 450 * Uniform(spec, ad_set, week, kSpendDraw)) * 1e6);
  }
  if (Uniform(spec, ad_set, 0, kReportsDraw) < 0.5) {
    const int64_t volume = row->event_counts[row->optimization_event];
    row->reported_learning = volume < 50 ? ReportedLearning::kFail : ReportedLearning::kSuccess;
  }
  if (Uniform(spec, ad_set, 0, kEditDraw) < 0.05 && week == spec.weeks / 2) {
    row->significant_edit = true;
  }
  if (Uniform(spec, ad_set, 0, kLadderDraw) < 0.3 && week == 0) row->ladder = "ecommerce";
  if (profile.threshold_override > 0) {
    row->learning_threshold_override = profile.threshold_override;
  }
}

}  // namespace

int64_t DatasetSpec::accounts() const {
  return (ad_sets + ad_sets_per_account - 1) / ad_sets_per_account;
}

int64_t DatasetSpec::campaigns() const {
  return (ad_sets + kAdSetsPerCampaign - 1) / kAdSetsPerCampaign;
}

int64_t BatchCount(const DatasetSpec& spec, int batch_size) {
  return (spec.rows() + batch_size - 1) / batch_size;
}

RowRange BatchRows(const DatasetSpec& spec, int batch_size, int64_t batch_index) {
  const int64_t begin = batch_index * batch_size;
  return RowRange{begin, std::min(spec.rows(), begin + batch_size)};
}

std::string AccountId(const DatasetSpec& spec, int64_t ad_set_index) {
  return absl::StrFormat("act_%05d", ad_set_index / spec.ad_sets_per_account);
}

std::string AdSetId(int64_t ad_set_index) { return absl::StrFormat("as%07d", ad_set_index); }

AdSetWeek GenerateRow(const DatasetSpec& spec, int64_t row_index) {
  const int64_t ad_set = row_index / spec.weeks;
  const int week = static_cast<int>(row_index % spec.weeks);
  const Profile& profile = ProfileOf(spec, ad_set);
  AdSetWeek row;
  row.account_id = AccountId(spec, ad_set);
  row.campaign_id = absl::StrFormat("cmp%06d", ad_set / kAdSetsPerCampaign);
  row.ad_set_id = AdSetId(ad_set);
  row.week = spec.last_week.Plus(week - (spec.weeks - 1));
  const bool last = week == spec.weeks - 1;
  row.optimization_event = kEvents[last ? profile.optimizes : profile.optimized_before];
  FillCounts(spec, profile, ad_set, week, &row);
  FillTraits(spec, profile, ad_set, week, &row);
  return row;
}

}  // namespace rung::bench
