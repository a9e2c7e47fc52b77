#include "daemon/config.h"

#include <cstdlib>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/temp_dir.h"

namespace rung {
namespace {

using ::testing::HasSubstr;

TEST(ConfigTest, EmptyPathGivesTheDefaults) {
  auto config = LoadDaemonConfig("");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->storage.synchronous, "FULL");
  EXPECT_EQ(config->storage.busy_timeout_ms, 5000);
  EXPECT_EQ(config->advisor.max_batch_size, 5000);
  EXPECT_EQ(config->advisor.max_page_size, 1000);
  EXPECT_EQ(config->log_level, LogLevel::kInfo);
}

TEST(ConfigTest, TextprotoValuesOverrideDefaults) {
  auto parsed = ParseConfigText(R"pb(
                                  storage { synchronous: "NORMAL" busy_timeout_ms: 250 }
                                  limits { max_batch_size: 10 max_page_size: 50 }
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

TEST(ConfigTest, TheAnnotatedExampleInDeployIsValid) {
  const char* source_dir = std::getenv("RUNG_SOURCE_DIR");
  ASSERT_NE(source_dir, nullptr) << "ctest sets RUNG_SOURCE_DIR";
  auto config = LoadDaemonConfig(std::string(source_dir) + "/deploy/rungd.textproto");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->storage.synchronous, "FULL");
  EXPECT_EQ(config->max_message_bytes, 16777216);
  ASSERT_NE(config->policies, nullptr);
  EXPECT_EQ(config->policies->For("").policy, Policy());  // the example shows the defaults
  EXPECT_NE(config->policies->ladders().Find("app_install"), nullptr);
  EXPECT_EQ(config->policies->For("act_2002").policy.learning_threshold, 60);
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
  EXPECT_EQ(config->policies->For("").policy, expected);
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
  const EffectivePolicy account = config->policies->For("act_1");
  EXPECT_EQ(account.policy.learning_threshold, 60);
  EXPECT_EQ(account.policy.cutover_threshold, 40);
  EXPECT_NE(account.version, config->policies->For("").version);
  EXPECT_EQ(config->policies->For("act_other").version, config->policies->For("").version);
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

}  // namespace
}  // namespace rung
