#include "daemon/config.h"

#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"
#include "rung/status_macros.h"

namespace rung {
namespace {

// Keeps the first textproto error with its position; protobuf's default
// collector would print to stderr instead.
class FirstErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    if (error_.empty())
      error_ = absl::StrFormat("line %d, column %d: %s", line + 1, column + 1, message);
  }
  const std::string& error() const { return error_; }

 private:
  std::string error_;
};

absl::Status CheckPositive(absl::string_view field, int value) {
  if (value < 0)
    return absl::InvalidArgumentError(absl::StrCat(field, ": must be positive, got ", value));
  return absl::OkStatus();
}

// Proto3 scalars cannot tell "unset" from 0, so 0 means "the default".
int OrDefault(int value, int fallback) { return value == 0 ? fallback : value; }

}  // namespace

absl::StatusOr<config::v1::Config> ParseConfigText(std::string_view text, bool json,
                                                   std::string_view source) {
  config::v1::Config config;
  if (json) {
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = false;
    auto status = google::protobuf::util::JsonStringToMessage(
        google::protobuf::StringPiece(text.data(), text.size()), &config, options);
    if (!status.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(std::string(source), ": ",
                       std::string(status.message().data(), status.message().size())));
    }
    return config;
  }
  google::protobuf::TextFormat::Parser parser;
  FirstErrorCollector errors;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(std::string(text), &config)) {
    return absl::InvalidArgumentError(absl::StrCat(std::string(source), ": ", errors.error()));
  }
  return config;
}

absl::StatusOr<DaemonConfig> ResolveConfig(const config::v1::Config& config) {
  DaemonConfig resolved;
  const config::v1::StorageConfig& storage = config.storage();
  if (!storage.synchronous().empty()) {
    const std::string& mode = storage.synchronous();
    if (mode != "FULL" && mode != "NORMAL" && mode != "OFF") {
      return absl::InvalidArgumentError(
          absl::StrCat("storage.synchronous: must be FULL, NORMAL or OFF, got '", mode, "'"));
    }
    resolved.storage.synchronous = mode;
  }
  RETURN_IF_ERROR(CheckPositive("storage.busy_timeout_ms", storage.busy_timeout_ms()));
  RETURN_IF_ERROR(CheckPositive("storage.reader_connections", storage.reader_connections()));
  RETURN_IF_ERROR(
      CheckPositive("storage.health_probe_interval_ms", storage.health_probe_interval_ms()));
  resolved.storage.busy_timeout_ms =
      OrDefault(storage.busy_timeout_ms(), resolved.storage.busy_timeout_ms);
  resolved.storage.reader_connections =
      OrDefault(storage.reader_connections(), resolved.storage.reader_connections);
  resolved.health_probe_interval_ms =
      OrDefault(storage.health_probe_interval_ms(), resolved.health_probe_interval_ms);

  const config::v1::LimitsConfig& limits = config.limits();
  RETURN_IF_ERROR(CheckPositive("limits.max_batch_size", limits.max_batch_size()));
  RETURN_IF_ERROR(CheckPositive("limits.max_message_bytes", limits.max_message_bytes()));
  RETURN_IF_ERROR(CheckPositive("limits.max_page_size", limits.max_page_size()));
  resolved.advisor.max_batch_size =
      OrDefault(limits.max_batch_size(), resolved.advisor.max_batch_size);
  resolved.advisor.max_page_size =
      OrDefault(limits.max_page_size(), resolved.advisor.max_page_size);
  resolved.max_message_bytes = OrDefault(limits.max_message_bytes(), resolved.max_message_bytes);

  if (!config.log().level().empty() && !ParseLogLevel(config.log().level(), &resolved.log_level)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "log.level: must be debug, info, warn or error, got '", config.log().level(), "'"));
  }
  return resolved;
}

absl::StatusOr<DaemonConfig> LoadDaemonConfig(const std::string& path) {
  if (path.empty()) return ResolveConfig(config::v1::Config());
  std::ifstream file(path);
  if (!file) return absl::NotFoundError(absl::StrCat("--config: cannot read '", path, "'"));
  std::stringstream text;
  text << file.rdbuf();
  ASSIGN_OR_RETURN(config::v1::Config config,
                   ParseConfigText(text.str(), absl::EndsWith(path, ".json"), path));
  absl::StatusOr<DaemonConfig> resolved = ResolveConfig(config);
  if (!resolved.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", resolved.status().message()));
  }
  return resolved;
}

}  // namespace rung
