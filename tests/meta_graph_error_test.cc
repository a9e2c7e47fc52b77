// Meta's error answers: parsing the error object from any body, and the
// classes meta-connector.md gives each code.

#include <string>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "meta/graph_error.h"

namespace rung::meta {
namespace {

GraphError ErrorWith(int64_t code, int64_t subcode = 0, bool transient = false) {
  GraphError error;
  error.code = code;
  error.subcode = subcode;
  error.is_transient = transient;
  return error;
}

GraphFailure Classify(int64_t code, int64_t subcode = 0, bool transient = false,
                      int http_status = 400) {
  return ClassifyFailure(http_status, ErrorWith(code, subcode, transient));
}

TEST(ParseGraphErrorTest, ReadsEveryMemberOfMetasErrorObject) {
  const std::optional<GraphError> error = ParseGraphError(
      R"({"error":{"message":"(#100) Invalid parameter","type":"OAuthException","code":100,)"
      R"("error_subcode":1487742,"fbtrace_id":"AbC123","is_transient":true}})");
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code, 100);
  EXPECT_EQ(error->subcode, 1487742);
  EXPECT_EQ(error->message, "(#100) Invalid parameter");
  EXPECT_EQ(error->type, "OAuthException");
  EXPECT_EQ(error->fbtrace_id, "AbC123");
  EXPECT_TRUE(error->is_transient);
}

TEST(ParseGraphErrorTest, CodesWrittenAsStringsAreRead) {
  const std::optional<GraphError> error =
      ParseGraphError(R"({"error":{"code":"190","error_subcode":"463"}})");
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code, 190);
  EXPECT_EQ(error->subcode, 463);
  EXPECT_FALSE(error->is_transient);
}

TEST(ParseGraphErrorTest, BodiesWithoutAnErrorObjectHaveNone) {
  for (const char* body : {"", "<html>502 Bad Gateway</html>", "[]", R"({"data":[]})",
                           R"({"error":"string"})", "{\"error\":{", "null"}) {
    EXPECT_FALSE(ParseGraphError(body).has_value()) << body;
  }
}

TEST(ClassifyFailureTest, ThrottlingCodesAndSubcodes) {
  for (int64_t code : {4, 17, 32, 613, 80000, 80004, 80014}) {
    EXPECT_EQ(Classify(code), GraphFailure::kThrottled) << code;
  }
  EXPECT_EQ(Classify(80015), GraphFailure::kOther);
  EXPECT_EQ(Classify(9999, 2446079), GraphFailure::kThrottled);
  EXPECT_EQ(Classify(100, 1487742), GraphFailure::kThrottled);
}

TEST(ClassifyFailureTest, AsyncReportCodes) {
  EXPECT_EQ(Classify(1, 99), GraphFailure::kTooMuchData);
  // Meta answers this one with HTTP 500 (facebook-python-business-sdk #470),
  // which must not make it a plain transient failure.
  EXPECT_EQ(Classify(1, 99, false, /*http_status=*/500), GraphFailure::kTooMuchData);
  EXPECT_EQ(Classify(2601, 1815107), GraphFailure::kReportNotReady);
  EXPECT_EQ(Classify(2601), GraphFailure::kOther);
}

TEST(ClassifyFailureTest, TransientAnswers) {
  EXPECT_EQ(ClassifyFailure(502, std::nullopt), GraphFailure::kTransient);
  EXPECT_EQ(ClassifyFailure(200, std::nullopt), GraphFailure::kTransient);
  EXPECT_EQ(Classify(1), GraphFailure::kTransient);
  EXPECT_EQ(Classify(2), GraphFailure::kTransient);
  EXPECT_EQ(Classify(3, 0, /*transient=*/true), GraphFailure::kTransient);
  EXPECT_EQ(Classify(3, 0, false, /*http_status=*/500), GraphFailure::kTransient);
  EXPECT_EQ(Classify(3), GraphFailure::kOther);
}

TEST(ClassifyFailureTest, FatalCodes) {
  EXPECT_EQ(Classify(190, 463), GraphFailure::kInvalidToken);
  for (int64_t code : {10, 200, 272, 294, 299}) {
    EXPECT_EQ(Classify(code), GraphFailure::kMissingPermission) << code;
  }
  EXPECT_EQ(Classify(300), GraphFailure::kOther);
  EXPECT_EQ(Classify(100, 33), GraphFailure::kInvalidParameter);
}

TEST(DescribeGraphErrorTest, NamesCodeSubcodeTypeMessageAndTrace) {
  GraphError error = ErrorWith(100, 33);
  error.type = "GraphMethodException";
  error.message = "Unsupported get request.";
  error.fbtrace_id = "AbC";
  EXPECT_EQ(DescribeGraphError(error),
            "Meta error code 100 (subcode 33, GraphMethodException): \"Unsupported get "
            "request.\" (fbtrace_id AbC)");
  EXPECT_EQ(DescribeGraphError(ErrorWith(2)), "Meta error code 2: \"\"");
}

TEST(GraphErrorPayloadTest, RoundTripsThroughAStatus) {
  absl::Status status = absl::FailedPreconditionError("GET act_1/insights: too much");
  EXPECT_FALSE(GraphErrorOf(status).has_value());
  AttachGraphError(ErrorWith(1, 99), &status);
  const std::optional<GraphError> error = GraphErrorOf(status);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code, 1);
  EXPECT_EQ(error->subcode, 99);
}

}  // namespace
}  // namespace rung::meta
