#ifndef RUNG_API_STATUS_MAPPING_H_
#define RUNG_API_STATUS_MAPPING_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace rung {

// The one place where core errors become gRPC statuses. The core already
// speaks the API's codes (see rung::Store); what no client can cause and no
// code names is INTERNAL, and UNKNOWN never leaves the server.
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace rung

#endif  // RUNG_API_STATUS_MAPPING_H_
