// The text values the database holds beside plain columns
// (storage/json_codec.h): one canonical spelling each, read back strictly.

#include "storage/json_codec.h"

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "rung/action_record.h"
#include "rung/ladder.h"
#include "rung/policy.h"
#include "rung/recommendation.h"
#include "storage_test_util.h"

namespace rung {
namespace {

// 2026-01-12T09:30:00.123456Z.
absl::Time EvaluatedAt() {
  return absl::FromCivil(absl::CivilSecond(2026, 1, 12, 9, 30, 0), absl::UTCTimeZone()) +
         absl::Microseconds(123456);
}

TEST(JsonCodecTest, WritesOneCanonicalSpelling) {
  EXPECT_EQ(EncodeEventCounts({{"Purchase", 12}, {"AddToCart", 85}}),
            R"({"AddToCart":85,"Purchase":12})");
  EXPECT_EQ(EncodeEventCounts({}), "{}");
  EXPECT_EQ(EncodeStringArray({"a \"b\"", "c\\d\n"}), R"(["a \"b\"","c\\d\n"])");
  EXPECT_EQ(EncodeStringArray({}), "[]");
}

TEST(JsonCodecTest, ReadsBackWhatItWrites) {
  const std::map<std::string, int64_t> counts = {
      {"", 0}, {"odd \"name\"\\\x01\x1f", 1}, {"caf\xc3\xa9", int64_t{1} << 62}};
  const std::vector<std::string> strings = {"", "tab\t", "quote\" back\\", "caf\xc3\xa9"};

  EXPECT_EQ(DecodeEventCounts(EncodeEventCounts(counts)).value_or(std::map<std::string, int64_t>{}),
            counts);
  EXPECT_EQ(DecodeStringArray(EncodeStringArray(strings)).value_or(std::vector<std::string>{}),
            strings);
  EXPECT_EQ(DecodeStringArray(R"(["\/\b\f\r\u0041"])").value_or(std::vector<std::string>{}),
            std::vector<std::string>{"/\b\f\rA"});
}

TEST(JsonCodecTest, DecodingIntoAMapWithTheSameKeysOnlyChangesTheCounts) {
  std::map<std::string, int64_t> counts = {{"AddToCart", 1}, {"Purchase", 2}};
  const std::string* const add_to_cart = &counts.find("AddToCart")->first;

  ASSERT_OK(DecodeEventCountsInto(R"({"AddToCart":30,"Purchase":4})", &counts));

  EXPECT_EQ(counts, (std::map<std::string, int64_t>{{"AddToCart", 30}, {"Purchase", 4}}));
  // The same node: nothing was allocated.
  EXPECT_EQ(&counts.find("AddToCart")->first, add_to_cart);
}

TEST(JsonCodecTest, DecodingIntoAMapWithOtherKeysReplacesThem) {
  const std::pair<const char*, std::map<std::string, int64_t>> cases[] = {
      {R"({"AddToCart":3})", {{"AddToCart", 3}}},
      {R"({"AddToCart":3,"Purchase":4,"Zeta":5})",
       {{"AddToCart", 3}, {"Purchase", 4}, {"Zeta", 5}}},
      {R"({"Lead":7})", {{"Lead", 7}}},
      {R"({"Add\"ToCart":3,"Purchase":4})", {{"Add\"ToCart", 3}, {"Purchase", 4}}},
      {"{}", {}},
  };
  for (const auto& [json, expected] : cases) {
    std::map<std::string, int64_t> counts = {{"AddToCart", 1}, {"Purchase", 2}};
    ASSERT_OK(DecodeEventCountsInto(json, &counts));
    EXPECT_EQ(counts, expected) << json;
  }
}

TEST(JsonCodecTest, DecodingIntoAMapRefusesWhatDecodingRefuses) {
  const char* const bad[] = {R"({"AddToCart":01,"Purchase":2})", R"({"AddToCart":1,"Purchase":2)",
                             R"({"AddToCart":1,"Purchase":-2})", R"({"AddToCart":1,"AddToCart":2})",
                             R"({"AddToCart":1,"Purchase":99999999999999999999})"};
  for (const char* json : bad) {
    std::map<std::string, int64_t> counts = {{"AddToCart", 1}, {"Purchase", 2}};
    EXPECT_TRUE(HasStatus(DecodeEventCountsInto(json, &counts), absl::StatusCode::kDataLoss, ""))
        << json;
  }
}

TEST(JsonCodecTest, RefusesWhatItNeverWrites) {
  const char* const bad_counts[] = {
      R"({"b":1,"a":2})", R"({"a":1,"a":1})",
      R"({"a":-1})",      R"({"a":01})",
      R"({"a": 1})",      R"({"a":1}x)",
      R"({"a":1)",        R"(["a"])",
      R"({"a":1.5})",     R"({"a\q":1})",
      R"({"\u00e9":1})",  R"({"a":99999999999999999999})",
      "{\"a\nb\":1}",     "",
      R"({"a":1,})",
  };
  for (const char* json : bad_counts) {
    EXPECT_TRUE(HasStatus(StatusOf(DecodeEventCounts(json)), absl::StatusCode::kDataLoss, ""))
        << json;
  }
  const char* const bad_arrays[] = {R"(["a",])", R"([1])",  R"(["a")", R"(["a"] )",
                                    R"({})",     R"(["ab)", R"(["a\)", "[\"a\x01\"]"};
  for (const char* json : bad_arrays) {
    EXPECT_TRUE(HasStatus(StatusOf(DecodeStringArray(json)), absl::StatusCode::kDataLoss, ""))
        << json;
  }
}

TEST(ReasonsCodecTest, ReadsBackWhatItWrites) {
  const std::vector<Reason> reasons = {
      {"move_down", "12 < 50"}, {"", ""}, {"flag.\"odd\"", "tab\t back\\ caf\xc3\xa9"}};

  EXPECT_EQ(EncodeReasons({}), "[]");
  EXPECT_EQ(EncodeReasons({{"a", "b"}}), R"([{"rule":"a","message":"b"}])");
  EXPECT_EQ(DecodeReasons(EncodeReasons(reasons)).value_or(std::vector<Reason>{}), reasons);
  EXPECT_EQ(DecodeReasons("[]").value_or(std::vector<Reason>{{"x", "y"}}), std::vector<Reason>{});
}

TEST(ReasonsCodecTest, RefusesWhatItNeverWrites) {
  const char* const bad[] = {
      R"([{"message":"b","rule":"a"}])",         R"([{"rule":"a"}])",
      R"([{"rule":"a","message":"b","x":"c"}])", R"([{"rule":"a","message":"b"},])",
      R"([{"rule":"a", "message":"b"}])",        R"({"rule":"a","message":"b"})",
      R"([{"rule":"a","message":1}])",           R"([{"rule":"a","message":"b"}] )",
  };
  for (const char* json : bad) {
    EXPECT_EQ(DecodeReasons(json).status().code(), absl::StatusCode::kDataLoss) << json;
  }
}

TEST(LearningBudgetCodecTest, ReadsBackWhatItWrites) {
  // At T = 50: a rung with figures, one that counted none, and one whose
  // budget would not fit in 64 bits.
  LearningBudget budget;
  budget.spend_weeks = 3;
  budget.weekly_spend_micros = 93'000'000;
  budget.rungs = {{"AddToCart", 90, 3'100'000, 155'000'000},
                  {"form \"start\"", 0, std::nullopt, std::nullopt},
                  {"Purchase", 1, std::numeric_limits<int64_t>::max(), std::nullopt}};

  EXPECT_EQ(EncodeLearningBudget(LearningBudget()), kEmptyLearningBudgetJson);
  EXPECT_EQ(EncodeLearningBudget(LearningBudget{1, 7, {{"Lead", 2, 4, 200}}}),
            R"({"spend_weeks":1,"weekly_spend":7,"rungs":[["Lead",2,4]]})");
  EXPECT_EQ(DecodeLearningBudget(EncodeLearningBudget(budget), 50).value_or(LearningBudget()),
            budget);
  EXPECT_EQ(DecodeLearningBudget(kEmptyLearningBudgetJson, 50).value_or(budget), LearningBudget());
}

TEST(LearningBudgetCodecTest, TheWeeklyBudgetIsTheThresholdTimesTheCost) {
  const std::string json =
      R"({"spend_weeks":1,"weekly_spend":7,"rungs":[["Lead",2,4],["Sale",0,null]]})";

  const LearningBudget at_40 = DecodeLearningBudget(json, 40).value_or(LearningBudget());
  ASSERT_EQ(at_40.rungs.size(), 2u);
  EXPECT_EQ(at_40.rungs[0].weekly_budget_micros, 160);
  EXPECT_EQ(at_40.rungs[1].weekly_budget_micros, std::nullopt);
  EXPECT_EQ(DecodeLearningBudget(json, 0).value_or(LearningBudget()).rungs[0].weekly_budget_micros,
            0);
}

TEST(LearningBudgetCodecTest, RefusesWhatItNeverWrites) {
  const char* const bad[] = {
      "{}",
      R"({"spend_weeks":0,"weekly_spend":null,"rungs":[]} )",
      R"({"weekly_spend":null,"spend_weeks":0,"rungs":[]})",
      R"({"spend_weeks":0,"weekly_spend":null})",
      R"({"spend_weeks":-1,"weekly_spend":null,"rungs":[]})",
      R"({"spend_weeks":0,"weekly_spend":nul,"rungs":[]})",
      R"({"spend_weeks":0,"weekly_spend":1.5,"rungs":[]})",
      R"({"spend_weeks":0,"weekly_spend":null,"rungs":[],"x":1})",
      R"({"spend_weeks":1,"weekly_spend":7,"rungs":[["Lead",2]]})",
      R"({"spend_weeks":1,"weekly_spend":7,"rungs":[["Lead",2,4,200]]})",
      R"({"spend_weeks":1,"weekly_spend":7,"rungs":[["Lead",null,4]]})",
      R"({"spend_weeks":1,"weekly_spend":7,"rungs":[["Lead",2,-4]]})",
      R"({"spend_weeks":1,"weekly_spend":7,"rungs":[{"event":"Lead","count":2,"cost":4}]})",
      R"({"spend_weeks":2147483648,"weekly_spend":null,"rungs":[]})",
  };
  for (const char* json : bad) {
    EXPECT_EQ(DecodeLearningBudget(json, 50).status().code(), absl::StatusCode::kDataLoss) << json;
  }
}

TEST(ActionStepsCodecTest, ReadsBackWhatItWrites) {
  ActionStep copy;
  copy.method = "POST";
  copy.path = "/as_1/copies";
  copy.params = {{"b", "1"}, {"a", ""}, {"b", "quote\" back\\ tab\t caf\xc3\xa9"}};
  copy.result_id = "as_2";
  copy.done_at = EvaluatedAt();
  ActionStep failed;
  failed.method = "GET";
  failed.path = "/as_2";
  failed.error = "HTTP 500\n{\"error\":1}";
  const std::vector<ActionStep> steps = {copy, failed};

  EXPECT_EQ(EncodeActionSteps({}), "[]");
  EXPECT_EQ(EncodeActionSteps({copy}),
            R"([{"method":"POST","path":"/as_1/copies","params":[["b","1"],["a",""],)"
            R"(["b","quote\" back\\ tab\t caf)"
            "\xc3\xa9"
            R"("]],"result_id":"as_2","error":"",)"
            R"("done_at":"2026-01-12T09:30:00.123456Z"}])");
  EXPECT_EQ(DecodeActionSteps(EncodeActionSteps(steps)).value_or(std::vector<ActionStep>{}), steps);
  EXPECT_EQ(DecodeActionSteps("[]").value_or(std::vector<ActionStep>{copy}),
            std::vector<ActionStep>{});
}

TEST(ActionStepsCodecTest, RefusesWhatItNeverWrites) {
  const std::string good = EncodeActionSteps({ActionStep{"GET", "/x", {{"a", "b"}}, "", "", {}}});
  const std::string bad[] = {
      good + " ",
      R"([{"path":"/x","method":"GET","params":[],"result_id":"","error":"",)"
      R"("done_at":"1970-01-01T00:00:00.000000Z"}])",
      R"([{"method":"GET","path":"/x","params":{"a":"b"},"result_id":"","error":"",)"
      R"("done_at":"1970-01-01T00:00:00.000000Z"}])",
      R"([{"method":"GET","path":"/x","params":[["a"]],"result_id":"","error":"",)"
      R"("done_at":"1970-01-01T00:00:00.000000Z"}])",
      R"([{"method":"GET","path":"/x","params":[],"result_id":"","error":"",)"
      R"("done_at":"1970-01-01T00:00:00Z"}])",
      R"([{"method":"GET","path":"/x","params":[],"result_id":"","error":""}])",
  };
  EXPECT_OK(DecodeActionSteps(good).status());
  for (const std::string& json : bad) {
    EXPECT_EQ(DecodeActionSteps(json).status().code(), absl::StatusCode::kDataLoss) << json;
  }
}

TEST(PolicyOverridesCodecTest, WritesThePresentFieldsInKeyOrder) {
  PolicyOverrides overrides;
  EXPECT_EQ(EncodePolicyOverrides(overrides), "{}");
  overrides.learning_threshold = 40;
  overrides.cutover_threshold = 20;
  EXPECT_EQ(EncodePolicyOverrides(overrides),
            R"({"cutover_threshold":20,"learning_threshold":40})");
  overrides.near_exit_fraction = 0.1;
  overrides.friction_ratio = 4;
  overrides.stability_max_cv = 1e21;
  overrides.retest_growth = -0.0;
  EXPECT_EQ(EncodePolicyOverrides(overrides),
            R"({"cutover_threshold":20,"friction_ratio":4,"learning_threshold":40,)"
            R"("near_exit_fraction":0.1,"retest_growth":-0,"stability_max_cv":1e+21})");
}

// Values that a spelling with too few digits, or a type in between, would
// change.
std::vector<int> Samples(int) {
  return {0, -7, std::numeric_limits<int>::max(), std::numeric_limits<int>::min()};
}
std::vector<double> Samples(double) {
  return {0.1,
          0.1 + 0.2,
          1.0 / 3,
          4,
          -0.0,
          1e21,
          1e-7,
          std::numeric_limits<double>::denorm_min(),
          std::numeric_limits<double>::max(),
          -std::numeric_limits<double>::min()};
}

// Each field alone, with each sample value, and every field at once.
TEST(PolicyOverridesCodecTest, ReadsBackEveryFieldExactly) {
  PolicyOverrides all;
  ForEachPolicyField([&](std::string_view, auto, auto field) {
    using Value = typename std::remove_reference_t<decltype(all.*field)>::value_type;
    for (const Value value : Samples(Value())) {
      PolicyOverrides alone;
      alone.*field = value;
      const std::string json = EncodePolicyOverrides(alone);
      SCOPED_TRACE(json);
      ASSERT_OK_AND_ASSIGN(const PolicyOverrides read, DecodePolicyOverrides(json));
      ExpectSameOverrides(read, alone);
    }
    all.*field = Samples(Value())[1];
  });
  ASSERT_OK_AND_ASSIGN(const PolicyOverrides read,
                       DecodePolicyOverrides(EncodePolicyOverrides(all)));
  ExpectSameOverrides(read, all);
  ASSERT_OK_AND_ASSIGN(const PolicyOverrides none, DecodePolicyOverrides("{}"));
  ExpectSameOverrides(none, PolicyOverrides());
}

TEST(PolicyOverridesCodecTest, RefusesWhatItNeverWrites) {
  const std::string good = R"({"cutover_threshold":20,"near_exit_fraction":0.1})";
  const std::string bad[] = {
      good + " ",
      R"({ "cutover_threshold":20})",
      R"({"cutover_threshold":20,})",
      "[]",
      "",
      // Keys out of order, repeated or unknown.
      R"({"near_exit_fraction":0.1,"cutover_threshold":20})",
      R"({"cutover_threshold":20,"cutover_threshold":20})",
      R"({"cutover_threshold":20,"exit_fraction":0.1})",
      R"({"Cutover_threshold":20})",
      // An integer's value in another type or spelling.
      R"({"cutover_threshold":20.5})",
      R"({"cutover_threshold":20.0})",
      R"({"cutover_threshold":2e1})",
      R"({"cutover_threshold":"20"})",
      R"({"cutover_threshold":null})",
      R"({"cutover_threshold":true})",
      R"({"cutover_threshold":+20})",
      R"({"cutover_threshold":020})",
      R"({"cutover_threshold":-0})",
      R"({"cutover_threshold":2147483648})",
      // A double's value in a spelling other than the shortest.
      R"({"near_exit_fraction":0.10000000000000001})",
      R"({"near_exit_fraction":.1})",
      R"({"near_exit_fraction":1e-1})",
      R"({"near_exit_fraction":0.1e0})",
      R"({"near_exit_fraction":4.0})",
      R"({"near_exit_fraction":1E+21})",
      R"({"near_exit_fraction":1e999})",
      R"({"near_exit_fraction":NaN})",
      R"({"near_exit_fraction":Infinity})",
      R"({"near_exit_fraction":-})",
      R"({"near_exit_fraction":[0.1]})",
  };
  EXPECT_OK(DecodePolicyOverrides(good).status());
  for (const std::string& json : bad) {
    EXPECT_EQ(DecodePolicyOverrides(json).status().code(), absl::StatusCode::kDataLoss) << json;
  }
}

TEST(LaddersCodecTest, ReadsBackWhatItWrites) {
  const std::vector<Ladder> ladders = {
      {"lead_gen", {"PageView", "Lead"}},
      {"quote \" back\\ caf\xc3\xa9", {"tab\t", ""}},
      {"", {}},
  };

  EXPECT_EQ(EncodeLadders({}), "[]");
  EXPECT_EQ(EncodeLadders({ladders[0]}), R"([{"name":"lead_gen","events":["PageView","Lead"]}])");
  ASSERT_OK_AND_ASSIGN(const std::vector<Ladder> read, DecodeLadders(EncodeLadders(ladders)));
  ASSERT_EQ(read.size(), ladders.size());
  for (size_t i = 0; i < read.size(); ++i) {
    EXPECT_EQ(read[i].name, ladders[i].name) << i;
    EXPECT_EQ(read[i].events, ladders[i].events) << i;
  }
  ASSERT_OK_AND_ASSIGN(const std::vector<Ladder> none, DecodeLadders("[]"));
  EXPECT_TRUE(none.empty());
}

TEST(LaddersCodecTest, RefusesWhatItNeverWrites) {
  const std::string good = R"([{"name":"lead_gen","events":["PageView","Lead"]}])";
  const std::string bad[] = {
      good + " ",
      R"({"name":"lead_gen","events":["PageView","Lead"]})",
      R"([{"events":["PageView","Lead"],"name":"lead_gen"}])",
      R"([{"name":"lead_gen"}])",
      R"([{"name":"lead_gen","events":["PageView","Lead"],"rungs":2}])",
      R"([{"name":"lead_gen","events":"PageView"}])",
      R"([{"name":"lead_gen","events":["PageView",1]}])",
      R"([{"name":null,"events":[]}])",
      R"([["lead_gen",["PageView","Lead"]]])",
  };
  EXPECT_OK(DecodeLadders(good).status());
  for (const std::string& json : bad) {
    EXPECT_EQ(DecodeLadders(json).status().code(), absl::StatusCode::kDataLoss) << json;
  }
}

TEST(TimestampCodecTest, WritesUtcWithMicroseconds) {
  EXPECT_EQ(EncodeTimestamp(EvaluatedAt()), "2026-01-12T09:30:00.123456Z");
  EXPECT_EQ(EncodeTimestamp(absl::UnixEpoch()), "1970-01-01T00:00:00.000000Z");
  // Sub-microsecond parts are dropped toward the past, also before 1970.
  EXPECT_EQ(EncodeTimestamp(EvaluatedAt() + absl::Nanoseconds(999)), "2026-01-12T09:30:00.123456Z");
  EXPECT_EQ(EncodeTimestamp(absl::UnixEpoch() - absl::Nanoseconds(1)),
            "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(EncodeTimestamp(absl::FromUnixMicros(-1'500'000)), "1969-12-31T23:59:58.500000Z");
}

TEST(TimestampCodecTest, ReadsBackWhatItWrites) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  const absl::Time times[] = {
      EvaluatedAt(),
      absl::UnixEpoch(),
      absl::FromUnixMicros(-1),
      absl::FromCivil(absl::CivilSecond(1, 1, 1), utc),
      absl::FromCivil(absl::CivilSecond(9999, 12, 31, 23, 59, 59), utc) +
          absl::Microseconds(999999),
  };
  for (const absl::Time time : times) {
    EXPECT_TRUE(TimestampInRange(time)) << time;
    const std::string text = EncodeTimestamp(time);
    EXPECT_EQ(DecodeTimestamp(text).value_or(absl::InfinitePast()), time) << text;
  }
  EXPECT_FALSE(TimestampInRange(absl::FromCivil(absl::CivilSecond(10000, 1, 1), utc)));
  EXPECT_FALSE(TimestampInRange(absl::FromCivil(absl::CivilSecond(0, 12, 31), utc)));
  EXPECT_FALSE(TimestampInRange(absl::InfiniteFuture()));
}

TEST(TimestampCodecTest, RefusesWhatItNeverWrites) {
  const char* const bad[] = {
      "2026-01-12T09:30:00Z",        "2026-01-12T09:30:00.123Z",    "2026-02-30T00:00:00.000000Z",
      "2026-01-12 09:30:00.000000Z", "2026-01-12T09:30:00.000000z", "2026-01-12T24:00:00.000000Z",
      "2026-01-12T09:30:00.000000",  "0000-01-01T00:00:00.000000Z", "",
  };
  for (const char* text : bad) {
    EXPECT_EQ(DecodeTimestamp(text).status().code(), absl::StatusCode::kDataLoss) << text;
  }
}

}  // namespace
}  // namespace rung
