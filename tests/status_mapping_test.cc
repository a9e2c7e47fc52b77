#include "api/status_mapping.h"

#include "gtest/gtest.h"

namespace rung {
namespace {

TEST(StatusMappingTest, FollowsTheApiTable) {
  struct Case {
    absl::Status in;
    grpc::StatusCode out;
  };
  const Case cases[] = {
      {absl::OkStatus(), grpc::StatusCode::OK},
      {absl::InvalidArgumentError("weeks[0].ad_set_id: x"), grpc::StatusCode::INVALID_ARGUMENT},
      {absl::NotFoundError("x"), grpc::StatusCode::NOT_FOUND},
      {absl::AlreadyExistsError("x"), grpc::StatusCode::ALREADY_EXISTS},
      {absl::FailedPreconditionError("x"), grpc::StatusCode::FAILED_PRECONDITION},
      {absl::UnauthenticatedError("x"), grpc::StatusCode::UNAUTHENTICATED},
      {absl::PermissionDeniedError("x"), grpc::StatusCode::PERMISSION_DENIED},
      {absl::ResourceExhaustedError("x"), grpc::StatusCode::RESOURCE_EXHAUSTED},
      {absl::UnavailableError("x"), grpc::StatusCode::UNAVAILABLE},
      {absl::UnimplementedError("x"), grpc::StatusCode::UNIMPLEMENTED},
      {absl::DeadlineExceededError("x"), grpc::StatusCode::DEADLINE_EXCEEDED},
      {absl::CancelledError("x"), grpc::StatusCode::CANCELLED},
      {absl::DataLossError("x"), grpc::StatusCode::DATA_LOSS},
      // Never UNKNOWN on the wire.
      {absl::UnknownError("x"), grpc::StatusCode::INTERNAL},
      {absl::InternalError("x"), grpc::StatusCode::INTERNAL},
  };
  for (const Case& c : cases) {
    const grpc::Status mapped = ToGrpcStatus(c.in);
    EXPECT_EQ(mapped.error_code(), c.out) << c.in;
    EXPECT_EQ(mapped.error_message(), std::string(c.in.message())) << c.in;
  }
}

// google.rpc.Code's HTTP mapping (AIP-193), for the dashboard routes.
TEST(StatusMappingTest, HttpFollowsGooglesTable) {
  struct Case {
    absl::StatusCode in;
    int out;
  };
  const Case cases[] = {
      {absl::StatusCode::kOk, 200},
      {absl::StatusCode::kInvalidArgument, 400},
      {absl::StatusCode::kFailedPrecondition, 400},
      {absl::StatusCode::kOutOfRange, 400},
      {absl::StatusCode::kUnauthenticated, 401},
      {absl::StatusCode::kPermissionDenied, 403},
      {absl::StatusCode::kNotFound, 404},
      {absl::StatusCode::kAlreadyExists, 409},
      {absl::StatusCode::kAborted, 409},
      {absl::StatusCode::kResourceExhausted, 429},
      {absl::StatusCode::kCancelled, 499},
      {absl::StatusCode::kInternal, 500},
      {absl::StatusCode::kUnknown, 500},
      {absl::StatusCode::kDataLoss, 500},
      {absl::StatusCode::kUnimplemented, 501},
      {absl::StatusCode::kUnavailable, 503},
      {absl::StatusCode::kDeadlineExceeded, 504},
  };
  for (const Case& c : cases) EXPECT_EQ(ToHttpStatus(c.in), c.out) << c.in;
}

TEST(StatusMappingTest, UnknownNeverLeavesTheServer) {
  EXPECT_EQ(WireCode(absl::StatusCode::kUnknown), absl::StatusCode::kInternal);
  EXPECT_EQ(WireCode(absl::StatusCode::kNotFound), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace rung
