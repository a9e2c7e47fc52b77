#ifndef RUNG_API_STATUS_MAPPING_H_
#define RUNG_API_STATUS_MAPPING_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace rung {

// The one place where core errors become wire statuses, for gRPC and HTTP
// alike. The core already speaks the API's codes (see rung::Store); what no
// client can cause and no code names is INTERNAL, and UNKNOWN never leaves the
// server.

// The code a client sees for `code`: itself, except UNKNOWN becomes INTERNAL.
absl::StatusCode WireCode(absl::StatusCode code);

grpc::Status ToGrpcStatus(const absl::Status& status);

// The HTTP status for a wire code, from google.rpc.Code's table (AIP-193):
// FAILED_PRECONDITION and OUT_OF_RANGE are 400, ABORTED is 409, CANCELLED is
// 499 (the client closed the request).
int ToHttpStatus(absl::StatusCode code);

}  // namespace rung

#endif  // RUNG_API_STATUS_MAPPING_H_
