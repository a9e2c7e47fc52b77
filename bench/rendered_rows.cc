#include "rendered_rows.h"

#include "storage/json_codec.h"

namespace rung::bench {
namespace {

const char* LearningColumn(ReportedLearning learning) {
  switch (learning) {
    case ReportedLearning::kUnspecified: return nullptr;
    case ReportedLearning::kLearning: return "LEARNING";
    case ReportedLearning::kSuccess: return "SUCCESS";
    case ReportedLearning::kFail: return "FAIL";
  }
  return nullptr;
}

}  // namespace

std::vector<RenderedRow> RenderBatch(const DatasetSpec& spec, const RowRange& rows) {
  std::vector<RenderedRow> rendered;
  rendered.reserve(static_cast<size_t>(rows.size()));
  for (int64_t row = rows.begin; row < rows.end; ++row) {
    RenderedRow& out = rendered.emplace_back();
    out.record = GenerateRow(spec, row);
    out.week_start = out.record.week.ToString();
    out.event_counts = EncodeEventCounts(out.record.event_counts);
    out.learning = LearningColumn(out.record.reported_learning);
  }
  return rendered;
}

}  // namespace rung::bench
