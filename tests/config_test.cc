#include "daemon/config.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "api/policy_proto.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/temp_dir.h"
#include "support/test_certs.h"

namespace rung {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(ConfigTest, EmptyPathGivesTheDefaults) {
  auto config = LoadDaemonConfig("");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->storage.synchronous, "FULL");
  EXPECT_EQ(config->storage.busy_timeout_ms, 5000);
  EXPECT_EQ(config->advisor.max_batch_size, 5000);
  EXPECT_EQ(config->advisor.max_page_size, 1000);
  EXPECT_EQ(config->answer_cache_bytes, 128 << 20);
  EXPECT_EQ(config->log_level, LogLevel::kInfo);
  EXPECT_FALSE(config->notify.enabled());
}

TEST(ConfigTest, TextprotoValuesOverrideDefaults) {
  auto parsed = ParseConfigText(R"pb(
                                  storage { synchronous: "NORMAL" busy_timeout_ms: 250 }
                                  limits { max_batch_size: 10 max_page_size: 50 answer_cache_mb: 0 }
                                  log { level: "debug" }
                                )pb",
                                /*json=*/false, "rungd.textproto");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  auto config = ResolveConfig(*parsed);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->storage.synchronous, "NORMAL");
  EXPECT_EQ(config->storage.busy_timeout_ms, 250);
  EXPECT_EQ(config->advisor.max_batch_size, 10);
  EXPECT_EQ(config->advisor.max_page_size, 50);
  EXPECT_EQ(config->answer_cache_bytes, 0);  // 0 here is "none", not "the default"
  EXPECT_EQ(config->log_level, LogLevel::kDebug);
}

TEST(ConfigTest, JsonValuesOverrideDefaults) {
  auto parsed =
      ParseConfigText(R"({"storage": {"synchronous": "OFF"}, "limits": {"maxBatchSize": 7}})",
                      /*json=*/true, "rungd.json");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  auto config = ResolveConfig(*parsed);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->storage.synchronous, "OFF");
  EXPECT_EQ(config->advisor.max_batch_size, 7);
}

TEST(ConfigTest, UnknownTextprotoKeyIsAnErrorWithItsPosition) {
  auto parsed = ParseConfigText("storage {\n  synchronus: \"FULL\"\n}\n", false, "rungd.textproto");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(parsed.status().message()), HasSubstr("rungd.textproto"));
  EXPECT_THAT(std::string(parsed.status().message()), HasSubstr("line 2"));
  EXPECT_THAT(std::string(parsed.status().message()), HasSubstr("synchronus"));
}

TEST(ConfigTest, UnknownJsonKeyIsAnError) {
  auto parsed = ParseConfigText(R"({"limits": {"max_batch": 7}})", true, "rungd.json");
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(std::string(parsed.status().message()), HasSubstr("max_batch"));
}

TEST(ConfigTest, BadValuesNameTheirField) {
  struct Case {
    const char* text;
    const char* field;
  };
  for (const Case& c : {Case{"storage { synchronous: \"SOMETIMES\" }", "storage.synchronous"},
                        Case{"storage { busy_timeout_ms: -1 }", "storage.busy_timeout_ms"},
                        Case{"limits { max_batch_size: -5 }", "limits.max_batch_size"},
                        Case{"limits { max_page_size: -1 }", "limits.max_page_size"},
                        Case{"limits { max_message_bytes: 10 }",
                             "limits.max_message_bytes: must be at least 65536, got 10"},
                        Case{"limits { answer_cache_mb: -1 }",
                             "limits.answer_cache_mb: must be between 0 and 16384, got -1"},
                        Case{"limits { answer_cache_mb: 100000 }", "limits.answer_cache_mb"},
                        Case{"log { level: \"loud\" }", "log.level"}}) {
    auto parsed = ParseConfigText(c.text, false, "x");
    ASSERT_TRUE(parsed.ok()) << c.text;
    auto config = ResolveConfig(*parsed);
    ASSERT_FALSE(config.ok()) << c.text;
    EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(config.status().message()), HasSubstr(c.field)) << c.text;
  }
}

TEST(ConfigTest, LoadsAFileByExtensionAndNamesItInErrors) {
  test_support::TempDir dir;
  const std::string path = dir.File("rungd.json");
  std::ofstream(path) << R"({"limits": {"maxPageSize": -3}})";
  auto config = LoadDaemonConfig(path);
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(std::string(config.status().message()), HasSubstr(path));
  EXPECT_THAT(std::string(config.status().message()), HasSubstr("limits.max_page_size"));

  EXPECT_EQ(LoadDaemonConfig(dir.File("missing.textproto")).status().code(),
            absl::StatusCode::kNotFound);
}

// The file's policies with nothing stored on top.
PolicyBook Book(const DaemonConfig& config) {
  absl::StatusOr<PolicyBook> book = ComposePolicies(config.policy, {});
  EXPECT_TRUE(book.ok()) << book.status();
  return *std::move(book);
}

TEST(ConfigTest, TheAnnotatedExampleInDeployIsValid) {
  const char* source_dir = std::getenv("RUNG_SOURCE_DIR");
  ASSERT_NE(source_dir, nullptr) << "ctest sets RUNG_SOURCE_DIR";
  auto config = LoadDaemonConfig(std::string(source_dir) + "/deploy/rungd.textproto");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->storage.synchronous, "FULL");
  EXPECT_EQ(config->max_message_bytes, 16777216);
  EXPECT_EQ(Book(*config).For("").policy, Policy());  // the example shows the defaults
  EXPECT_NE(Book(*config).ladders().Find("app_install"), nullptr);
  EXPECT_EQ(Book(*config).For("act_2002").policy.learning_threshold, 60);
}

// Its policy block says that it shows the defaults: then it must show each.
TEST(ConfigTest, TheExampleInDeployShowsEveryPolicyValue) {
  const char* source_dir = std::getenv("RUNG_SOURCE_DIR");
  ASSERT_NE(source_dir, nullptr) << "ctest sets RUNG_SOURCE_DIR";
  std::ifstream file(std::string(source_dir) + "/deploy/rungd.textproto");
  std::stringstream text;
  text << file.rdbuf();
  auto parsed = ParseConfigText(text.str(), /*json=*/false, "rungd.textproto");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  const absl::StatusOr<PolicyOverrides> shown = OverridesFromProto(parsed->policy());
  ASSERT_TRUE(shown.ok()) << shown.status();
  ForEachPolicyField([&](std::string_view name, auto value, auto override_value) {
    EXPECT_EQ(*shown.*override_value, Policy().*value) << name;
  });
}

absl::StatusOr<DaemonConfig> Resolve(const std::string& text) {
  auto parsed = ParseConfigText(text, /*json=*/false, "test.textproto");
  if (!parsed.ok()) return parsed.status();
  return ResolveConfig(*parsed);
}

TEST(ConfigTest, PolicyValuesOverrideOnlyWhatTheyName) {
  auto config = Resolve("policy { cutover_threshold: 25 stability_max_cv: 0.3 }");
  ASSERT_TRUE(config.ok()) << config.status();
  Policy expected;
  expected.cutover_threshold = 25;
  expected.stability_max_cv = 0.3;
  EXPECT_EQ(Book(*config).For("").policy, expected);
}

TEST(ConfigTest, AccountOverridesStackOnTheDeploymentPolicy) {
  auto config = Resolve(R"pb(
    policy { learning_threshold: 60 }
    accounts {
      account_id: "act_1"
      policy { cutover_threshold: 40 }
    }
  )pb");
  ASSERT_TRUE(config.ok()) << config.status();
  const EffectivePolicy account = Book(*config).For("act_1");
  EXPECT_EQ(account.policy.learning_threshold, 60);
  EXPECT_EQ(account.policy.cutover_threshold, 40);
  EXPECT_NE(account.version, Book(*config).For("").version);
  EXPECT_EQ(Book(*config).For("act_other").version, Book(*config).For("").version);
}

TEST(ConfigTest, BadPolicyValuesNameTheField) {
  const struct {
    const char* text;
    const char* field;
  } kCases[] = {
      {"policy { learning_threshold: 0 }", "policy.learning_threshold"},
      {"policy { cutover_threshold: 60 }", "policy.cutover_threshold"},
      {"policy { stabilization_max_weeks: 1 }", "policy.stabilization_max_weeks"},
      {"policy { comparable_tolerance: -0.1 }", "policy.comparable_tolerance"},
      {"policy { friction_ratio: 0 }", "policy.friction_ratio"},
      {"accounts { account_id: \"act_1\" policy { consistency_weeks: 0 } }",
       "accounts[act_1].consistency_weeks"},
      {"accounts { policy { consistency_weeks: 2 } }", "accounts[0].account_id"},
      {"accounts { account_id: \"a\" } accounts { account_id: \"a\" }", "accounts[1].account_id"},
      {"ladders { name: \"ecommerce\" events: [\"A\", \"B\"] }", "ladders[0]"},
      {"ladders { name: \"one_rung\" events: [\"Lead\"] }", "ladders[0]"},
  };
  for (const auto& c : kCases) {
    auto config = Resolve(c.text);
    ASSERT_FALSE(config.ok()) << c.text;
    EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument) << c.text;
    EXPECT_THAT(std::string(config.status().message()), HasSubstr(c.field)) << c.text;
  }
}

// sha256 of "secret", as `printf %s secret | sha256sum` prints it.
constexpr char kSecretHash[] = "2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b";

TEST(ConfigTest, TokensKeepTheirRoleAndLowercaseHash) {
  const std::string zeros(64, '0');
  auto config =
      Resolve(absl::StrCat("auth { tokens { name: 'dashboard' role: ROLE_READER sha256: '",
                           absl::AsciiStrToUpper(kSecretHash),
                           "' } tokens { name: 'ops' role: ROLE_ADMIN sha256: '", zeros, "' } }"));
  ASSERT_TRUE(config.ok()) << config.status();
  ASSERT_EQ(config->tokens.size(), 2u);
  EXPECT_EQ(config->tokens[0].sha256_hex, kSecretHash);
  EXPECT_EQ(config->tokens[0].role, Role::kReader);
  EXPECT_EQ(config->tokens[0].name, "dashboard");
  EXPECT_EQ(config->tokens[1].role, Role::kAdmin);
  EXPECT_FALSE(config->tls.enabled());
}

TEST(ConfigTest, BadTokensNameTheField) {
  const std::string good = absl::StrCat("sha256: \"", kSecretHash, "\"");
  const std::string other =
      "sha256: \"1111111111111111111111111111111111111111111111111111111111111111\"";
  const struct {
    std::string text;
    const char* message;
  } kCases[] = {
      {"auth { tokens { name: \"a\" role: ROLE_READER sha256: \"abc\" } }",
       "auth.tokens[0].sha256: must be 64 hex digits"},
      {absl::StrCat("auth { tokens { name: \"a\" role: ROLE_READER ", good,
                    "} tokens { name: \"b\" role: ROLE_READER sha256: \"", std::string(63, 'a'),
                    "g\" } }"),
       "auth.tokens[1].sha256: must be 64 hex digits"},
      {absl::StrCat("auth { tokens { name: \"a\" role: ROLE_READER ", good,
                    "} tokens { name: \"b\" role: ROLE_ADMIN ", good, "} }"),
       "auth.tokens[1].sha256: the same token is listed more than once"},
      {absl::StrCat("auth { tokens { name: \"a\" role: ROLE_READER ", good,
                    "} tokens { name: \"a\" role: ROLE_ADMIN ", other, "} }"),
       "auth.tokens[1].name: 'a' is listed more than once"},
      {absl::StrCat("auth { tokens { role: ROLE_READER ", good, "} }"),
       "auth.tokens[0].name: must not be empty"},
      {absl::StrCat("auth { tokens { name: \"a\" ", good, "} }"), "auth.tokens[0].role"},
      {absl::StrCat("auth { tokens { name: \"a\" role: 9 ", good, "} }"), "auth.tokens[0].role"},
  };
  for (const auto& c : kCases) {
    auto config = Resolve(c.text);
    ASSERT_FALSE(config.ok()) << c.text;
    EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument) << c.text;
    EXPECT_THAT(std::string(config.status().message()), HasSubstr(c.message)) << c.text;
  }
}

TEST(ConfigTest, TlsFilesAreReadAndTheKeyMustMatch) {
  test_support::TestCerts certs;
  ASSERT_TRUE(certs.ok());
  auto config =
      Resolve(absl::StrCat("tls { cert_file: '", certs.Cert("server"), "' key_file: '",
                           certs.Key("server"), "' client_ca_file: '", certs.Cert("ca"), "' }"));
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_TRUE(config->tls.enabled());
  EXPECT_EQ(config->tls.cert_pem, certs.Pem(certs.Cert("server")));
  EXPECT_EQ(config->tls.key_pem, certs.Pem(certs.Key("server")));
  EXPECT_EQ(config->tls.client_ca_pem, certs.Pem(certs.Cert("ca")));
}

TEST(ConfigTest, BadTlsFilesNameTheFieldAndTheFile) {
  test_support::TestCerts certs;
  ASSERT_TRUE(certs.ok());
  const std::string missing = certs.Cert("missing");
  test_support::TempDir dir;
  const std::string huge = dir.File("huge.pem");
  std::ofstream(huge) << std::string((1 << 20) + 1, '-');
  const auto tls = [](const std::string& cert, const std::string& key, const std::string& ca) {
    std::string text = "tls {";
    if (!cert.empty()) text += " cert_file: '" + cert + "'";
    if (!key.empty()) text += " key_file: '" + key + "'";
    if (!ca.empty()) text += " client_ca_file: '" + ca + "'";
    return text + " }";
  };
  const std::string server = certs.Cert("server");
  const std::string server_key = certs.Key("server");
  const struct {
    std::string text;
    std::string message;
  } kCases[] = {
      {tls(server, "", ""), "tls.key_file: must be set with tls.cert_file"},
      {tls("", server_key, ""), "tls.cert_file: must be set with tls.key_file"},
      {tls("", "", certs.Cert("ca")), "tls.client_ca_file: needs tls.cert_file"},
      {tls(missing, server_key, ""), "tls.cert_file: cannot read '" + missing + "'"},
      {tls(server, missing, ""), "tls.key_file: cannot read '" + missing + "'"},
      {tls(server, server_key, missing), "tls.client_ca_file: cannot read '" + missing + "'"},
      {tls(server_key, server_key, ""),
       "tls.cert_file: '" + server_key + "' holds no PEM certificate"},
      {tls(server, server, ""), "tls.key_file: '" + server + "' holds no unencrypted PEM"},
      {tls(server, certs.Key("client"), ""), "tls.key_file: '" + certs.Key("client") +
                                                 "' is not the key of the certificate in '" +
                                                 server + "'"},
      {tls(huge, server_key, ""), "tls.cert_file: '" + huge + "' is larger than 1 MiB"},
      {tls("/dev/zero", server_key, ""),
       "tls.cert_file: cannot read '/dev/zero' (not a regular file)"},
      {tls(server, server_key, server_key),
       "tls.client_ca_file: '" + server_key + "' holds no PEM certificate"},
  };
  for (const auto& c : kCases) {
    auto config = Resolve(c.text);
    ASSERT_FALSE(config.ok()) << c.text;
    EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument) << c.text;
    EXPECT_THAT(std::string(config.status().message()), HasSubstr(c.message)) << c.text;
  }
}

TEST(ConfigTest, NotifyKeepsTheWebhookAndTheDashboard) {
  auto config = Resolve(
      "notify { webhook_url: 'https://hooks.slack.com/services/T0/B0/abc' "
      "dashboard_url: 'HTTP://rung.example.com:8080/' }");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_TRUE(config->notify.enabled());
  EXPECT_EQ(config->notify.webhook_url, "https://hooks.slack.com/services/T0/B0/abc");
  EXPECT_EQ(config->notify.dashboard_url, "HTTP://rung.example.com:8080/");
}

TEST(ConfigTest, BadWebhookUrlsNameTheFieldButNeverTheUrl) {
  for (const char* url :
       {"ftp://hooks.example.com/SECRETtoken", "hooks.slack.com/services/SECRETtoken",
        "https:///services/SECRETtoken", "https://hooks.slack.com/SECRET token",
        "file:///etc/SECRETtoken", "https://hooks.slack.com/SECRETtoken\\n"}) {
    auto config = Resolve(absl::StrCat("notify { webhook_url: '", url, "' }"));
    ASSERT_FALSE(config.ok()) << url;
    EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(config.status().message()), HasSubstr("notify.webhook_url: must be"));
    EXPECT_THAT(std::string(config.status().message()), Not(HasSubstr("SECRET"))) << url;
  }
}

TEST(ConfigTest, BadDashboardUrlsNameTheFieldAndTheUrl) {
  auto alone = Resolve("notify { dashboard_url: 'https://rung.example.com/' }");
  EXPECT_THAT(std::string(alone.status().message()),
              HasSubstr("notify.dashboard_url: needs notify.webhook_url"));
  auto bad = Resolve(
      "notify { webhook_url: 'https://hooks.example.com/x' dashboard_url: 'rung.example.com' }");
  EXPECT_THAT(std::string(bad.status().message()),
              HasSubstr("notify.dashboard_url: must be an http:// or https:// URL with a host, got "
                        "'rung.example.com'"));
}

}  // namespace
}  // namespace rung
