#include "api/proto_convert.h"

#include <string>

namespace rung {
namespace {

// Unknown numbers (proto3 enums are open) travel as their number, which
// validation then refuses by name.
std::string ReportedLearningName(int value) {
  if (!v1::ReportedLearningStatus_IsValid(value)) return std::to_string(value);
  if (value == v1::REPORTED_LEARNING_STATUS_UNSPECIFIED) return "";
  return v1::ReportedLearningStatus_Name(static_cast<v1::ReportedLearningStatus>(value));
}

v1::ReportedLearningStatus ToProto(ReportedLearning status) {
  switch (status) {
    case ReportedLearning::kLearning: return v1::REPORTED_LEARNING_STATUS_LEARNING;
    case ReportedLearning::kSuccess: return v1::REPORTED_LEARNING_STATUS_SUCCESS;
    case ReportedLearning::kFail: return v1::REPORTED_LEARNING_STATUS_FAIL;
    case ReportedLearning::kUnspecified: break;
  }
  return v1::REPORTED_LEARNING_STATUS_UNSPECIFIED;
}

}  // namespace

RawAdSetWeek FromProto(const v1::AdSetWeek& week) {
  RawAdSetWeek raw;
  raw.account_id = week.account_id();
  raw.campaign_id = week.campaign_id();
  raw.ad_set_id = week.ad_set_id();
  raw.week_start = week.week_start();
  raw.optimization_event = week.optimization_event();
  if (week.has_spend_micros()) raw.spend_micros = week.spend_micros();
  raw.event_counts.assign(week.event_counts().begin(), week.event_counts().end());
  raw.reported_learning_status = ReportedLearningName(week.reported_learning_status());
  if (week.has_learning_threshold_override()) {
    raw.learning_threshold_override = week.learning_threshold_override();
  }
  raw.ladder = week.ladder();
  raw.significant_edit = week.significant_edit();
  return raw;
}

void ToProto(const AdSetWeek& week, v1::AdSetWeek* out) {
  out->set_account_id(week.account_id);
  out->set_campaign_id(week.campaign_id);
  out->set_ad_set_id(week.ad_set_id);
  out->set_week_start(week.week.ToString());
  out->set_optimization_event(week.optimization_event);
  if (week.spend_micros) out->set_spend_micros(*week.spend_micros);
  for (const auto& [event, count] : week.event_counts)
    (*out->mutable_event_counts())[event] = count;
  out->set_reported_learning_status(ToProto(week.reported_learning));
  if (week.learning_threshold_override) {
    out->set_learning_threshold_override(*week.learning_threshold_override);
  }
  out->set_ladder(week.ladder);
  out->set_significant_edit(week.significant_edit);
}

void ToProto(const AdSetSummary& summary, v1::AdSet* out) {
  out->set_account_id(summary.account_id);
  out->set_campaign_id(summary.campaign_id);
  out->set_ad_set_id(summary.ad_set_id);
  out->set_ladder(summary.ladder);
  out->set_optimization_event(summary.optimization_event);
  out->set_weeks_on_rung(summary.weeks_on_rung);
  out->set_first_week(summary.first_week.ToString());
  out->set_last_week(summary.last_week.ToString());
  out->set_week_count(summary.week_count);
}

}  // namespace rung
