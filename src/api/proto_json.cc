#include "api/proto_json.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/text.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/type_resolver.h"
#include "google/protobuf/util/type_resolver_util.h"

namespace rung {
namespace {

constexpr char kTypeUrlPrefix[] = "type.googleapis.com";

// Keeps the first text format error with its position; protobuf's default
// collector would print to stderr instead.
class FirstErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    if (error_.empty()) {
      error_ = absl::StrFormat("line %d, column %d: %s", line + 1, column + 1, message);
    }
  }
  const std::string& error() const { return error_; }

 private:
  std::string error_;
};

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

absl::Status ParseProtoText(std::string_view text, bool json, std::string_view source,
                            google::protobuf::Message* message) {
  if (json) {
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = false;
    const auto status = google::protobuf::util::JsonStringToMessage(
        google::protobuf::StringPiece(text.data(), text.size()), message, options);
    if (status.ok()) return absl::OkStatus();
    return absl::InvalidArgumentError(absl::StrCat(
        AsAbsl(source), ": ", std::string(status.message().data(), status.message().size())));
  }
  google::protobuf::TextFormat::Parser parser;
  FirstErrorCollector errors;
  parser.RecordErrorsTo(&errors);
  if (parser.ParseFromString(std::string(text), message)) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(AsAbsl(source), ": ", errors.error()));
}

}  // namespace rung
