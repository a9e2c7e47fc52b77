#include "api/policy_proto.h"

#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "rung/config/v1/config.pb.h"
#include "rung/v1/policy.pb.h"
#include "support/policy_changes.h"

namespace rung {
namespace {

using ::testing::HasSubstr;

std::set<std::string> ListedNames() {
  std::set<std::string> names;
  ForEachPolicyField([&](std::string_view name, auto, auto) { names.emplace(name); });
  return names;
}

std::set<std::string> FieldNames(const google::protobuf::Descriptor& type) {
  std::set<std::string> names;
  for (int i = 0; i < type.field_count(); ++i) names.insert(type.field(i)->name());
  return names;
}

// A field added to the list but not to a message, or the other way round,
// fails here; the converters' OK says that the types match.
TEST(PolicyProtoTest, ApiPolicyHoldsTheListsFieldsBesideItsOwn) {
  v1::Policy proto;
  ASSERT_TRUE(PolicyToProto(Policy(), &proto).ok());
  std::set<std::string> names = FieldNames(*proto.GetDescriptor());
  for (const char* own :
       {"version", "account_id", "ladders", "default_ladder", "etag", "revision", "stored"}) {
    EXPECT_EQ(names.erase(own), 1u) << own;
  }
  EXPECT_EQ(names, ListedNames());
}

TEST(PolicyProtoTest, ConfigPolicyValuesHoldExactlyTheListsFields) {
  config::v1::PolicyValues values;
  ASSERT_TRUE(OverridesFromProto(values).ok());
  ASSERT_TRUE(PolicyToProto(Policy(), &values).ok());
  ASSERT_TRUE(OverridesToProto(PolicyOverrides(), &values).ok());
  EXPECT_EQ(FieldNames(*values.GetDescriptor()), ListedNames());
}

TEST(PolicyProtoTest, ApiPolicyOverridesHoldTheListsFieldsAndLadders) {
  v1::PolicyOverrides overrides;
  ASSERT_TRUE(OverridesFromProto(overrides).ok());
  ASSERT_TRUE(OverridesToProto(PolicyOverrides(), &overrides).ok());
  std::set<std::string> names = FieldNames(*overrides.GetDescriptor());
  EXPECT_EQ(names.erase("ladders"), 1u);
  EXPECT_EQ(names, ListedNames());
}

TEST(PolicyProtoTest, PolicyToProtoSetsEveryValue) {
  Policy policy;
  policy.learning_threshold = 60;
  policy.friction_ratio = 12.5;
  v1::Policy proto;
  proto.set_version("v");
  ASSERT_TRUE(PolicyToProto(policy, &proto).ok());
  EXPECT_EQ(proto.learning_threshold(), 60);
  EXPECT_EQ(proto.friction_ratio(), 12.5);
  EXPECT_EQ(proto.cutover_threshold(), Policy().cutover_threshold);
  EXPECT_EQ(proto.version(), "v");  // the message's own fields are left alone

  // Through a message with presence, each value comes back as it went.
  for (const test_support::PolicyChange& change : test_support::PolicyChanges()) {
    config::v1::PolicyValues values;
    ASSERT_TRUE(PolicyToProto(change.policy, &values).ok());
    const absl::StatusOr<PolicyOverrides> back = OverridesFromProto(values);
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(ApplyOverrides(Policy(), *back), change.policy) << change.field;
  }
}

TEST(PolicyProtoTest, OverridesKeepWhatIsUnset) {
  config::v1::PolicyValues values;
  values.set_learning_threshold(60);
  values.set_comparable_tolerance(0);  // present, though 0
  const absl::StatusOr<PolicyOverrides> overrides = OverridesFromProto(values);
  ASSERT_TRUE(overrides.ok()) << overrides.status();
  EXPECT_EQ(overrides->learning_threshold, 60);
  EXPECT_EQ(overrides->comparable_tolerance, 0.0);
  EXPECT_FALSE(overrides->cutover_threshold.has_value());
  EXPECT_FALSE(overrides->friction_ratio.has_value());

  PolicyOverrides other;
  other.cutover_threshold = 25;
  other.comparable_tolerance = 0;
  ASSERT_TRUE(OverridesToProto(other, &values).ok());
  EXPECT_FALSE(values.has_learning_threshold());  // cleared: not in `other`
  EXPECT_TRUE(values.has_comparable_tolerance());
  EXPECT_EQ(values.comparable_tolerance(), 0);
  EXPECT_EQ(values.cutover_threshold(), 25);
  EXPECT_FALSE(values.has_friction_ratio());
}

TEST(PolicyProtoTest, OverridesNeedOptionalFields) {
  const absl::StatusOr<PolicyOverrides> overrides = OverridesFromProto(v1::Policy());
  EXPECT_EQ(overrides.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(std::string(overrides.status().message()),
              HasSubstr("rung.v1.Policy.learning_threshold: must be optional"));
  v1::Policy proto;
  EXPECT_EQ(OverridesToProto(PolicyOverrides(), &proto).code(), absl::StatusCode::kInternal);
}

// Messages built here, out of step with the list.
class MismatchedMessageTest : public testing::Test {
 protected:
  std::unique_ptr<google::protobuf::Message> New(const std::string& fields) {
    google::protobuf::FileDescriptorProto file;
    const std::string text = "name: 'mismatched_" + std::to_string(++files_) +
                             ".proto' package: 'test' syntax: 'proto3' "
                             "message_type { name: 'Values' " +
                             fields + " }";
    EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &file)) << text;
    const google::protobuf::FileDescriptor* built = pool_.BuildFile(file);
    EXPECT_NE(built, nullptr) << text;
    if (built == nullptr) return nullptr;
    return std::unique_ptr<google::protobuf::Message>(
        factory_.GetPrototype(built->message_type(0))->New());
  }

 private:
  google::protobuf::DescriptorPool pool_;
  google::protobuf::DynamicMessageFactory factory_{&pool_};
  int files_ = 0;
};

TEST_F(MismatchedMessageTest, AWrongTypeIsNamed) {
  const auto message =
      New("field { name: 'learning_threshold' number: 1 type: TYPE_DOUBLE label: LABEL_OPTIONAL }");
  ASSERT_NE(message, nullptr);
  const absl::Status status = PolicyToProto(Policy(), message.get());
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(status.message(), "test.Values.learning_threshold: is double, the policy's is int32");
}

TEST_F(MismatchedMessageTest, ARepeatedFieldIsNamed) {
  const auto message =
      New("field { name: 'learning_threshold' number: 1 type: TYPE_INT32 label: LABEL_REPEATED }");
  ASSERT_NE(message, nullptr);
  EXPECT_EQ(OverridesFromProto(*message).status().message(),
            "test.Values.learning_threshold: is repeated int32, the policy's is int32");
}

TEST_F(MismatchedMessageTest, AMissingFieldIsNamed) {
  const auto message =
      New("field { name: 'learning_threshold' number: 1 type: TYPE_INT32 label: LABEL_OPTIONAL }");
  ASSERT_NE(message, nullptr);
  const absl::Status status = PolicyToProto(Policy(), message.get());
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(status.message(), "test.Values.near_exit_fraction: missing, but the policy has it");
}

}  // namespace
}  // namespace rung
