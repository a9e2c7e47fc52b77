#include "api/status_mapping.h"

#include <string>

namespace rung {

absl::StatusCode WireCode(absl::StatusCode code) {
  return code == absl::StatusCode::kUnknown ? absl::StatusCode::kInternal : code;
}

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const std::string message(status.message());
  switch (WireCode(status.code())) {
    case absl::StatusCode::kCancelled: return {grpc::StatusCode::CANCELLED, message};
    case absl::StatusCode::kInvalidArgument: return {grpc::StatusCode::INVALID_ARGUMENT, message};
    case absl::StatusCode::kDeadlineExceeded: return {grpc::StatusCode::DEADLINE_EXCEEDED, message};
    case absl::StatusCode::kNotFound: return {grpc::StatusCode::NOT_FOUND, message};
    case absl::StatusCode::kAlreadyExists: return {grpc::StatusCode::ALREADY_EXISTS, message};
    case absl::StatusCode::kPermissionDenied: return {grpc::StatusCode::PERMISSION_DENIED, message};
    case absl::StatusCode::kResourceExhausted:
      return {grpc::StatusCode::RESOURCE_EXHAUSTED, message};
    case absl::StatusCode::kFailedPrecondition:
      return {grpc::StatusCode::FAILED_PRECONDITION, message};
    case absl::StatusCode::kAborted: return {grpc::StatusCode::ABORTED, message};
    case absl::StatusCode::kOutOfRange: return {grpc::StatusCode::OUT_OF_RANGE, message};
    case absl::StatusCode::kUnimplemented: return {grpc::StatusCode::UNIMPLEMENTED, message};
    case absl::StatusCode::kUnavailable: return {grpc::StatusCode::UNAVAILABLE, message};
    case absl::StatusCode::kDataLoss: return {grpc::StatusCode::DATA_LOSS, message};
    case absl::StatusCode::kUnauthenticated: return {grpc::StatusCode::UNAUTHENTICATED, message};
    default: return {grpc::StatusCode::INTERNAL, message};  // INTERNAL, and codes Abseil may add
  }
}

int ToHttpStatus(absl::StatusCode code) {
  switch (WireCode(code)) {
    case absl::StatusCode::kOk: return 200;
    case absl::StatusCode::kCancelled: return 499;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange: return 400;
    case absl::StatusCode::kUnauthenticated: return 401;
    case absl::StatusCode::kPermissionDenied: return 403;
    case absl::StatusCode::kNotFound: return 404;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted: return 409;
    case absl::StatusCode::kResourceExhausted: return 429;
    case absl::StatusCode::kUnimplemented: return 501;
    case absl::StatusCode::kUnavailable: return 503;
    case absl::StatusCode::kDeadlineExceeded: return 504;
    default: return 500;  // INTERNAL, DATA_LOSS, and codes Abseil may add
  }
}

}  // namespace rung
