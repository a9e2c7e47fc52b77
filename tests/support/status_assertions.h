#ifndef RUNG_TESTS_SUPPORT_STATUS_ASSERTIONS_H_
#define RUNG_TESTS_SUPPORT_STATUS_ASSERTIONS_H_

// gtest assertions on absl::Status and absl::StatusOr.

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "rung/status_macros.h"

#define EXPECT_OK(expr) EXPECT_EQ(::rung::StatusOf(expr), ::absl::OkStatus())
#define ASSERT_OK(expr) ASSERT_EQ(::rung::StatusOf(expr), ::absl::OkStatus())

// `ASSERT_OK_AND_ASSIGN(auto x, MakeX());` binds the value or fails the test.
#define ASSERT_OK_AND_ASSIGN(lhs, expr) \
  RUNG_ASSERT_OK_AND_ASSIGN_IMPL_(RUNG_CONCAT_(rung_test_statusor_, __LINE__), lhs, expr)
#define RUNG_ASSERT_OK_AND_ASSIGN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                                    \
  ASSERT_TRUE(statusor.ok()) << statusor.status();           \
  lhs = std::move(statusor).value()

namespace rung {

inline absl::Status StatusOf(const absl::Status& status) { return status; }
template <typename T>
absl::Status StatusOf(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

// `status` has `code` and a message containing `substring`.
inline ::testing::AssertionResult HasStatus(const absl::Status& status, absl::StatusCode code,
                                            absl::string_view substring) {
  if (status.code() == code && absl::StrContains(status.message(), substring)) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "got " << status << ", want " << absl::StatusCodeToString(code) << " containing \""
         << substring << "\"";
}

}  // namespace rung

#endif  // RUNG_TESTS_SUPPORT_STATUS_ASSERTIONS_H_
