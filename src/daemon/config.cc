#include "daemon/config.h"

#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "api/policy_proto.h"
#include "api/proto_json.h"
#include "core/text.h"
#include "rung/status_macros.h"

namespace rung {
namespace {

absl::Status CheckPositive(absl::string_view field, int value) {
  if (value < 0)
    return absl::InvalidArgumentError(absl::StrCat(field, ": must be positive, got ", value));
  return absl::OkStatus();
}

// Below this a single full record no longer fits in a message, and every
// ingest would fail with a misleading RESOURCE_EXHAUSTED.
constexpr int kMinMessageBytes = 64 * 1024;

absl::Status CheckMessageBytes(int value) {
  RETURN_IF_ERROR(CheckPositive("limits.max_message_bytes", value));
  if (value != 0 && value < kMinMessageBytes) {
    return absl::InvalidArgumentError(absl::StrCat("limits.max_message_bytes: must be at least ",
                                                   kMinMessageBytes, ", got ", value));
  }
  return absl::OkStatus();
}

// Up to 16 GiB: a typo of a few more digits is refused rather than trusted.
constexpr int kMaxAnswerCacheMb = 16 * 1024;

absl::Status CheckAnswerCacheMb(int value) {
  if (value < 0 || value > kMaxAnswerCacheMb) {
    return absl::InvalidArgumentError(absl::StrCat("limits.answer_cache_mb: must be between 0 and ",
                                                   kMaxAnswerCacheMb, ", got ", value));
  }
  return absl::OkStatus();
}

// Proto3 scalars cannot tell "unset" from 0, so 0 means "the default".
int OrDefault(int value, int fallback) { return value == 0 ? fallback : value; }

// The file's policy, checked as a whole: the stored revisions go on top of
// it at start, and must not be needed to make it valid.
absl::StatusOr<PolicyFile> ResolvePolicies(const config::v1::Config& config) {
  PolicyFile file;
  LadderRegistry& ladders = file.ladders;
  for (int i = 0; i < config.ladders_size(); ++i) {
    const config::v1::LadderConfig& ladder = config.ladders(i);
    absl::Status added =
        ladders.Add(Ladder{ladder.name(), {ladder.events().begin(), ladder.events().end()}});
    if (!added.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("ladders[", i, "]: ", added.message()));
    }
  }
  for (int i = 0; i < config.accounts_size(); ++i) {
    const config::v1::AccountPolicy& account = config.accounts(i);
    if (account.account_id().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("accounts[", i, "].account_id: must not be empty"));
    }
    ASSIGN_OR_RETURN(PolicyOverrides overrides, OverridesFromProto(account.policy()));
    if (!file.accounts.emplace(account.account_id(), std::move(overrides)).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          "accounts[", i, "].account_id: '", account.account_id(), "' is listed more than once"));
    }
  }
  ASSIGN_OR_RETURN(const PolicyOverrides deployment_overrides, OverridesFromProto(config.policy()));
  file.deployment = ApplyOverrides(Policy(), deployment_overrides);
  RETURN_IF_ERROR(ComposePolicies(file, {}).status());
  return file;
}

absl::StatusOr<std::vector<AccessToken>> ResolveTokens(const config::v1::AuthConfig& auth) {
  std::vector<AccessToken> tokens;
  std::set<std::string> names;
  std::set<std::string> hashes;
  for (int i = 0; i < auth.tokens_size(); ++i) {
    const config::v1::TokenConfig& token = auth.tokens(i);
    const std::string field = absl::StrCat("auth.tokens[", i, "]");
    if (token.name().empty()) {
      return absl::InvalidArgumentError(absl::StrCat(field, ".name: must not be empty"));
    }
    if (!names.insert(token.name()).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".name: '", token.name(), "' is listed more than once"));
    }
    absl::StatusOr<std::string> hash = NormalizeSha256Hex(token.sha256());
    if (!hash.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(field, ".sha256: ", hash.status().message(),
                                                     " (printf %s \"$TOKEN\" | sha256sum)"));
    }
    if (!hashes.insert(*hash).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".sha256: the same token is listed more than once"));
    }
    if (token.role() == config::v1::ROLE_UNSPECIFIED || !config::v1::Role_IsValid(token.role())) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".role: must be ROLE_READER, ROLE_WRITER or ROLE_ADMIN"));
    }
    tokens.push_back({*std::move(hash), static_cast<Role>(token.role()), token.name()});
  }
  return tokens;
}

// PEM files are a few KiB; a larger or special file (a device, a FIFO) is a
// wrong path, not something to read until it ends.
constexpr uintmax_t kMaxPemFileBytes = 1 << 20;

absl::StatusOr<std::string> ReadWholeFile(absl::string_view field, const std::string& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": cannot read '", path, "' (not a regular file)"));
  }
  if (std::filesystem::file_size(path, error) > kMaxPemFileBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": '", path, "' is larger than 1 MiB; is it a PEM file?"));
  }
  std::ifstream file(path, std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  if (!file || text.str().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": cannot read '", path, "'"));
  }
  return text.str();
}

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};

std::unique_ptr<BIO, BioFree> PemBio(const std::string& pem) {
  return std::unique_ptr<BIO, BioFree>(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

// The first certificate of a PEM file, or an error naming the field and file.
absl::StatusOr<std::unique_ptr<X509, X509Free>> FirstCertificate(absl::string_view field,
                                                                 const std::string& path,
                                                                 const std::string& pem) {
  std::unique_ptr<X509, X509Free> cert(
      PEM_read_bio_X509(PemBio(pem).get(), nullptr, nullptr, nullptr));
  if (cert == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": '", path, "' holds no PEM certificate"));
  }
  return cert;
}

// Reads the files and checks that they are PEM and that the key is the
// certificate's, so that a bad file stops rungd naming it rather than failing
// every handshake later.
absl::StatusOr<TlsFiles> ResolveTls(const config::v1::TlsConfig& tls) {
  TlsFiles files;
  if (tls.cert_file().empty() != tls.key_file().empty()) {
    return absl::InvalidArgumentError(tls.cert_file().empty()
                                          ? "tls.cert_file: must be set with tls.key_file"
                                          : "tls.key_file: must be set with tls.cert_file");
  }
  if (tls.cert_file().empty()) {
    if (!tls.client_ca_file().empty()) {
      return absl::InvalidArgumentError(
          "tls.client_ca_file: needs tls.cert_file and tls.key_file (mTLS is TLS first)");
    }
    return files;
  }
  files.cert_file = tls.cert_file();
  files.key_file = tls.key_file();
  files.client_ca_file = tls.client_ca_file();
  ASSIGN_OR_RETURN(files.cert_pem, ReadWholeFile("tls.cert_file", files.cert_file));
  ASSIGN_OR_RETURN(files.key_pem, ReadWholeFile("tls.key_file", files.key_file));
  ASSIGN_OR_RETURN(auto cert, FirstCertificate("tls.cert_file", files.cert_file, files.cert_pem));
  std::unique_ptr<EVP_PKEY, KeyFree> key(
      PEM_read_bio_PrivateKey(PemBio(files.key_pem).get(), nullptr, nullptr, nullptr));
  if (key == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("tls.key_file: '", files.key_file, "' holds no unencrypted PEM private key"));
  }
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    return absl::InvalidArgumentError(absl::StrCat("tls.key_file: '", files.key_file,
                                                   "' is not the key of the certificate in '",
                                                   files.cert_file, "'"));
  }
  if (!files.client_ca_file.empty()) {
    ASSIGN_OR_RETURN(files.client_ca_pem,
                     ReadWholeFile("tls.client_ca_file", files.client_ca_file));
    RETURN_IF_ERROR(
        FirstCertificate("tls.client_ca_file", files.client_ca_file, files.client_ca_pem).status());
  }
  return files;
}

// A URL that libcurl and a browser both take as http(s) to a host, without
// the spaces or control bytes that would end or split it on its way.
bool IsHttpUrl(absl::string_view url) {
  const std::string lower = absl::AsciiStrToLower(url);
  absl::string_view rest = lower;
  if (!absl::ConsumePrefix(&rest, "http://") && !absl::ConsumePrefix(&rest, "https://")) {
    return false;
  }
  if (rest.empty() || rest.front() == '/' || rest.front() == '?' || rest.front() == '#') {
    return false;
  }
  return std::none_of(url.begin(), url.end(),
                      [](char c) { return static_cast<unsigned char>(c) <= ' ' || c == '\x7f'; });
}

absl::StatusOr<NotifySettings> ResolveNotify(const config::v1::NotifyConfig& notify) {
  NotifySettings settings;
  if (!notify.webhook_url().empty() && !IsHttpUrl(notify.webhook_url())) {
    // Never the value: a Slack webhook's URL is its key.
    return absl::InvalidArgumentError(
        "notify.webhook_url: must be an http:// or https:// URL with a host (the value is a "
        "secret, so it is not shown)");
  }
  if (!notify.dashboard_url().empty()) {
    if (notify.webhook_url().empty()) {
      return absl::InvalidArgumentError("notify.dashboard_url: needs notify.webhook_url");
    }
    if (!IsHttpUrl(notify.dashboard_url())) {
      return absl::InvalidArgumentError(
          absl::StrCat("notify.dashboard_url: must be an http:// or https:// URL with a host, got ",
                       Quote(notify.dashboard_url(), '\'')));
    }
  }
  settings.webhook_url = notify.webhook_url();
  settings.dashboard_url = notify.dashboard_url();
  return settings;
}

}  // namespace

absl::StatusOr<config::v1::Config> ParseConfigText(std::string_view text, bool json,
                                                   std::string_view source) {
  config::v1::Config config;
  RETURN_IF_ERROR(ParseProtoText(text, json, source, &config));
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
  RETURN_IF_ERROR(CheckMessageBytes(limits.max_message_bytes()));
  RETURN_IF_ERROR(CheckPositive("limits.max_page_size", limits.max_page_size()));
  resolved.advisor.max_batch_size =
      OrDefault(limits.max_batch_size(), resolved.advisor.max_batch_size);
  resolved.advisor.max_page_size =
      OrDefault(limits.max_page_size(), resolved.advisor.max_page_size);
  resolved.max_message_bytes = OrDefault(limits.max_message_bytes(), resolved.max_message_bytes);
  if (limits.has_answer_cache_mb()) {
    RETURN_IF_ERROR(CheckAnswerCacheMb(limits.answer_cache_mb()));
    resolved.answer_cache_bytes = int64_t{limits.answer_cache_mb()} << 20;
  }

  if (!config.log().level().empty() && !ParseLogLevel(config.log().level(), &resolved.log_level)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "log.level: must be debug, info, warn or error, got '", config.log().level(), "'"));
  }
  ASSIGN_OR_RETURN(resolved.policy, ResolvePolicies(config));
  ASSIGN_OR_RETURN(resolved.tokens, ResolveTokens(config.auth()));
  ASSIGN_OR_RETURN(resolved.tls, ResolveTls(config.tls()));
  ASSIGN_OR_RETURN(resolved.notify, ResolveNotify(config.notify()));
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
