#include "core/retry.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace rung {
namespace {

TEST(RetryWhileAbortedTest, StopsAtTheFirstAnswerThatIsNotAborted) {
  int calls = 0;
  const absl::Status status = RetryWhileAborted([&] {
    ++calls;
    return calls < 3 ? absl::AbortedError("lost a race") : absl::NotFoundError("gone");
  });
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(status, absl::NotFoundError("gone"));
}

TEST(RetryWhileAbortedTest, GivesUpAfterTheLastAttemptWithItsStatus) {
  int calls = 0;
  const absl::Status status = RetryWhileAborted([&] {
    ++calls;
    return absl::AbortedError(absl::StrCat("attempt ", calls));
  });
  EXPECT_EQ(calls, kWriteAttempts);
  EXPECT_EQ(status, absl::AbortedError(absl::StrCat("attempt ", kWriteAttempts)));
}

TEST(RetryWhileAbortedTest, RunsOnceWhenTheFirstAttemptSucceeds) {
  int calls = 0;
  EXPECT_TRUE(RetryWhileAborted([&] {
                ++calls;
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace rung
