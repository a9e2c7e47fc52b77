#ifndef RUNG_DAEMON_CONFIG_H_
#define RUNG_DAEMON_CONFIG_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/access.h"
#include "daemon/log.h"
#include "rung/advisor.h"
#include "rung/config/v1/config.pb.h"
#include "rung/policy.h"
#include "rung/policy_version.h"
#include "rung/store.h"

namespace rung {

// The TLS files of the config, read and checked: the key matches the
// certificate. Empty when the daemon speaks plaintext.
struct TlsFiles {
  std::string cert_file;
  std::string key_file;
  std::string client_ca_file;  // empty: no client certificates asked (no mTLS)
  std::string cert_pem;
  std::string key_pem;
  std::string client_ca_pem;

  bool enabled() const { return !cert_file.empty(); }
};

// Where notifications go; empty when the daemon sends none.
struct NotifySettings {
  // A secret: never logged, nor quoted in an error.
  std::string webhook_url;
  // For links to each account; empty: no links.
  std::string dashboard_url;

  bool enabled() const { return !webhook_url.empty(); }
};

// The config file with every default filled in and every value checked.
struct DaemonConfig {
  StoreSettings storage;
  // The file's policy, ladders and account overrides; by default the ladder
  // policy's defaults and the built-in ladders.
  PolicyFile policy;  // the database's path comes from --db, not from the file
  AdvisorOptions advisor;
  int max_message_bytes = 16 * 1024 * 1024;
  // 0: GetRecommendation answers are not kept.
  int64_t answer_cache_bytes = int64_t{128} << 20;
  int health_probe_interval_ms = 1000;
  LogLevel log_level = LogLevel::kInfo;
  // Empty: every call is open.
  std::vector<AccessToken> tokens;
  TlsFiles tls;
  NotifySettings notify;
};

// Parses a config text: JSON when `json`, textproto otherwise. Unknown keys
// and bad values are INVALID_ARGUMENT naming `source`, the line or the field.
absl::StatusOr<config::v1::Config> ParseConfigText(std::string_view text, bool json,
                                                   std::string_view source);

// Fills defaults, checks ranges and reads the TLS files; errors name the
// field ("limits.max_batch_size: ...", "tls.key_file: ...").
absl::StatusOr<DaemonConfig> ResolveConfig(const config::v1::Config& config);

// Reads `path` (".json" is JSON, anything else textproto) and resolves it. An
// empty path gives the defaults.
absl::StatusOr<DaemonConfig> LoadDaemonConfig(const std::string& path);

}  // namespace rung

#endif  // RUNG_DAEMON_CONFIG_H_
