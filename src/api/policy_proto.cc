#include "api/policy_proto.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "core/text.h"
#include "google/protobuf/descriptor.h"

namespace rung {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// How a value of the list's C++ type is held in a message.
template <typename T>
struct ProtoField;

template <>
struct ProtoField<int> {
  static_assert(std::is_same_v<int, int32_t>);
  static constexpr FieldDescriptor::CppType kType = FieldDescriptor::CPPTYPE_INT32;
  static int Get(const Message& message, const FieldDescriptor* field) {
    return message.GetReflection()->GetInt32(message, field);
  }
  static void Set(Message* message, const FieldDescriptor* field, int value) {
    message->GetReflection()->SetInt32(message, field, value);
  }
};

template <>
struct ProtoField<double> {
  static constexpr FieldDescriptor::CppType kType = FieldDescriptor::CPPTYPE_DOUBLE;
  static double Get(const Message& message, const FieldDescriptor* field) {
    return message.GetReflection()->GetDouble(message, field);
  }
  static void Set(Message* message, const FieldDescriptor* field, double value) {
    message->GetReflection()->SetDouble(message, field, value);
  }
};

// The C++ type of a Policy member.
template <typename Member>
struct ValueOf;
template <typename T>
struct ValueOf<T Policy::*> {
  using type = T;
};

enum class Presence { kAny, kRequired };

// Calls visit(field, ProtoField<T>(), &Policy::name, &PolicyOverrides::name)
// with the message's field of each name in the list, up to the first that
// does not match it.
template <typename Visitor>
absl::Status ForEachProtoField(const google::protobuf::Descriptor& type, Presence presence,
                               Visitor&& visit) {
  absl::Status status;
  ForEachPolicyField([&](std::string_view name, auto value, auto override_value) {
    if (!status.ok()) return;
    using Field = ProtoField<typename ValueOf<decltype(value)>::type>;
    const FieldDescriptor* field = type.FindFieldByName(std::string(name));
    const auto fail = [&](const auto&... problem) {
      status =
          absl::InternalError(absl::StrCat(type.full_name(), ".", AsAbsl(name), ": ", problem...));
    };
    if (field == nullptr) {
      fail("missing, but the policy has it");
    } else if (field->is_repeated() || field->cpp_type() != Field::kType) {
      fail("is ", field->is_repeated() ? "repeated " : "", field->cpp_type_name(),
           ", the policy's is ", FieldDescriptor::CppTypeName(Field::kType));
    } else if (presence == Presence::kRequired && !field->has_presence()) {
      fail("must be optional, to tell an unset value from 0");
    } else {
      visit(field, Field(), value, override_value);
    }
  });
  return status;
}

}  // namespace

absl::Status PolicyToProto(const Policy& policy, google::protobuf::Message* out) {
  return ForEachProtoField(*out->GetDescriptor(), Presence::kAny,
                           [&](const FieldDescriptor* field, auto proto, auto value, auto) {
                             proto.Set(out, field, policy.*value);
                           });
}

absl::StatusOr<PolicyOverrides> OverridesFromProto(const google::protobuf::Message& message) {
  PolicyOverrides overrides;
  const absl::Status status =
      ForEachProtoField(*message.GetDescriptor(), Presence::kRequired,
                        [&](const FieldDescriptor* field, auto proto, auto, auto override_value) {
                          if (message.GetReflection()->HasField(message, field)) {
                            overrides.*override_value = proto.Get(message, field);
                          }
                        });
  if (!status.ok()) return status;
  return overrides;
}

absl::Status OverridesToProto(const PolicyOverrides& overrides, google::protobuf::Message* out) {
  return ForEachProtoField(
      *out->GetDescriptor(), Presence::kRequired,
      [&](const FieldDescriptor* field, auto proto, auto, auto override_value) {
        const auto& value = overrides.*override_value;
        if (value.has_value()) {
          proto.Set(out, field, *value);
        } else {
          out->GetReflection()->ClearField(out, field);
        }
      });
}

}  // namespace rung
