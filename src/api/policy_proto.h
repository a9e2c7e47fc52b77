#ifndef RUNG_API_POLICY_PROTO_H_
#define RUNG_API_POLICY_PROTO_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "rung/policy.h"

namespace rung {

// The policy's values in any message with a field of the same name and type
// (int32 for int, double) for each field of the policy's list, found by
// reflection: the config, the API and requests to come share one mapping,
// and none needs a line per threshold. The message's other fields are left
// alone. A message without one of the fields, or with another type, is
// INTERNAL naming it ("rung.v1.Policy.friction_ratio: is int32, the policy's
// is double"), a schema out of step with the list that the tests catch, and
// `out` may then be partly written.

// Sets every value.
absl::Status PolicyToProto(const Policy& policy, google::protobuf::Message* out);

// The values the message has. Its fields must be optional, since only
// presence tells "unset" from 0.
absl::StatusOr<PolicyOverrides> OverridesFromProto(const google::protobuf::Message& message);

// Sets the values present and clears the others; as above, the fields must
// be optional.
absl::Status OverridesToProto(const PolicyOverrides& overrides, google::protobuf::Message* out);

}  // namespace rung

#endif  // RUNG_API_POLICY_PROTO_H_
