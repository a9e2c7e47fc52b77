#include "api/proto_json.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/type_resolver.h"
#include "google/protobuf/util/type_resolver_util.h"

namespace rung {
namespace {

constexpr char kTypeUrlPrefix[] = "type.googleapis.com";

}  // namespace

std::string DeterministicBinary(const google::protobuf::MessageLite& message) {
  std::string binary;
  {  // The streams give back their unused buffer when destroyed.
    google::protobuf::io::StringOutputStream stream(&binary);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&coded);
  }
  return binary;
}

// MessageToJsonString walks maps in hash order; going through the
// deterministic binary encoding and BinaryToJsonString sorts them.
absl::StatusOr<std::string> ProtoToJson(const google::protobuf::Message& message,
                                        JsonLayout layout) {
  static google::protobuf::util::TypeResolver* const resolver =
      google::protobuf::util::NewTypeResolverForDescriptorPool(
          kTypeUrlPrefix, google::protobuf::DescriptorPool::generated_pool());
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  options.add_whitespace = layout == JsonLayout::kIndented;
  std::string json;
  const auto status = google::protobuf::util::BinaryToJsonString(
      resolver, absl::StrCat(kTypeUrlPrefix, "/", message.GetDescriptor()->full_name()),
      DeterministicBinary(message), &json, options);
  if (!status.ok()) {
    return absl::InternalError(absl::StrCat("rendering ", message.GetTypeName(),
                                            " as JSON: ", std::string(status.message())));
  }
  if (json.empty() || json.back() != '\n') json.push_back('\n');
  return json;
}

}  // namespace rung
