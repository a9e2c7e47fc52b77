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

}  // namespace
}  // namespace rung
