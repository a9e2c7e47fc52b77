#ifndef RUNG_API_PROTO_CONVERT_H_
#define RUNG_API_PROTO_CONVERT_H_

#include "rung/ad_set_week.h"
#include "rung/v1/ad_set.pb.h"
#include "rung/validation.h"

namespace rung {

// Copies a request record without judging it: validation is the core's job,
// so that every entry point refuses the same inputs with the same words.
RawAdSetWeek FromProto(const v1::AdSetWeek& week);

void ToProto(const AdSetWeek& week, v1::AdSetWeek* out);
void ToProto(const AdSetSummary& summary, v1::AdSet* out);

}  // namespace rung

#endif  // RUNG_API_PROTO_CONVERT_H_
