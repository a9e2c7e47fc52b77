#include "storage/json_codec.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <string_view>
#include <system_error>
#include <utility>

#include "absl/container/inlined_vector.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "core/text.h"
#include "rung/status_macros.h"

namespace rung {
namespace {

// Reads a count at `*pos`: digits without a sign or leading zeros that fit
// in an int64. False for anything else.
bool ReadPlainCount(absl::string_view json, size_t* pos, int64_t* count) {
  const size_t start = *pos;
  int64_t value = 0;
  while (*pos < json.size() && absl::ascii_isdigit(static_cast<unsigned char>(json[*pos]))) {
    const int digit = json[*pos] - '0';
    if (value > (std::numeric_limits<int64_t>::max() - digit) / 10) return false;
    value = value * 10 + digit;
    ++*pos;
  }
  const size_t digits = *pos - start;
  if (digits == 0 || (digits > 1 && json[start] == '0')) return false;
  *count = value;
  return true;
}

// Reads exactly the spelling the encoders above write. Anything else in the
// database was written by someone else, and is reported rather than guessed at.
class CanonicalJsonReader {
 public:
  explicit CanonicalJsonReader(absl::string_view text) : text_(text) {}

  // `open` item (',' item)* `close`, or `open` `close`, up to the end of text.
  absl::Status List(char open, char close, absl::FunctionRef<absl::Status()> item) {
    RETURN_IF_ERROR(NestedList(open, close, item));
    return End();
  }

  absl::Status End() const {
    return pos_ == text_.size() ? absl::OkStatus() : Error("trailing characters");
  }

  // The same inside a value, with more text after it.
  absl::Status NestedList(char open, char close, absl::FunctionRef<absl::Status()> item) {
    RETURN_IF_ERROR(Expect(open));
    if (Consume(close)) return absl::OkStatus();
    do {
      RETURN_IF_ERROR(item());
    } while (Consume(','));
    return Expect(close);
  }

  // A key and its colon, in the one order the encoder writes. Compared in
  // place, as the encoders write keys without escapes: a scan decodes many.
  absl::Status Key(absl::string_view key) {
    const absl::string_view rest = text_.substr(pos_);
    if (rest.size() < key.size() + 3 || rest[0] != '"' || rest.substr(1, key.size()) != key ||
        rest.substr(key.size() + 1, 2) != "\":") {
      return Error(absl::StrCat("expected key \"", key, "\""));
    }
    pos_ += key.size() + 3;
    return absl::OkStatus();
  }

  absl::Status Expect(char c) {
    return Consume(c) ? absl::OkStatus()
                      : Error(absl::StrCat("expected '", std::string(1, c), "'"));
  }

  absl::StatusOr<std::string> String() {
    std::string out;
    RETURN_IF_ERROR(StringInto(&out));
    return out;
  }

  // The same into `out`, replacing it in the storage it has.
  absl::Status StringInto(std::string* out) {
    RETURN_IF_ERROR(Expect('"'));
    out->clear();
    while (pos_ < text_.size()) {
      // Runs of plain characters are copied whole: every read of a
      // recommendation decodes its reasons, long sentences with hardly an
      // escape in them.
      const size_t plain_from = pos_;
      while (pos_ < text_.size() && IsPlainJsonByte(text_[pos_])) ++pos_;
      out->append(text_.data() + plain_from, pos_ - plain_from);
      if (pos_ == text_.size()) break;
      const char c = text_[pos_++];
      if (c == '"') return absl::OkStatus();
      if (c != '\\') return Error("raw control character in a string");
      ASSIGN_OR_RETURN(const char unescaped, Escape());
      out->push_back(unescaped);
    }
    return Error("unterminated string");
  }

  // A non-negative integer without a sign or leading zeros.
  absl::StatusOr<int64_t> Count() {
    int64_t value = 0;
    if (!ReadPlainCount(text_, &pos_, &value)) return Error("expected a count");
    return value;
  }

  // A count, or null for none.
  absl::StatusOr<std::optional<int64_t>> OptionalCount() {
    if (text_.substr(pos_, kNull.size()) == kNull) {
      pos_ += kNull.size();
      return std::nullopt;
    }
    return Count();
  }

  // A number's text as it stands, for the caller to read as the type it
  // expects and to refuse in any spelling but the encoder's.
  absl::StatusOr<absl::string_view> NumberText() {
    const size_t start = pos_;
    while (pos_ < text_.size() && IsNumberByte(text_[pos_])) ++pos_;
    if (pos_ == start) return Error("expected a number");
    return text_.substr(start, pos_ - start);
  }

  absl::Status Error(absl::string_view what) const {
    return absl::DataLossError(absl::StrCat(what, " at offset ", pos_, " of ", text_));
  }

 private:
  static bool IsNumberByte(char c) {
    return absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+' || c == '.' ||
           c == 'e' || c == 'E';
  }

  static constexpr absl::string_view kNull = "null";

  bool Consume(char c) {
    if (pos_ >= text_.size() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }

  // After a backslash. \u escapes are read only below 0x80: JsonQuote
  // writes no others.
  absl::StatusOr<char> Escape() {
    if (pos_ >= text_.size()) return Error("unterminated escape");
    switch (const char c = text_[pos_++]) {
      case '"':
      case '\\':
      case '/': return c;
      case 'b': return '\b';
      case 'f': return '\f';
      case 'n': return '\n';
      case 'r': return '\r';
      case 't': return '\t';
      case 'u': {
        const absl::string_view hex = text_.substr(pos_, 4);
        int code = 0;
        const bool all_hex = std::all_of(hex.begin(), hex.end(), [](char h) {
          return absl::ascii_isxdigit(static_cast<unsigned char>(h));
        });
        if (hex.size() != 4 || !all_hex || !absl::SimpleHexAtoi(hex, &code) || code >= 0x80) {
          return Error("unsupported \\u escape");
        }
        pos_ += 4;
        return static_cast<char>(code);
      }
      default: return Error("unknown escape");
    }
  }

  absl::string_view text_;
  size_t pos_ = 0;
};

// Years with four digits, so that every encoded instant has one length.
constexpr int64_t kMinTimestampYear = 1;
constexpr int64_t kMaxTimestampYear = 9999;

}  // namespace

std::string EncodeEventCounts(const std::map<std::string, int64_t>& counts) {
  std::string out = "{";
  for (const auto& [name, count] : counts) {
    if (out.size() > 1) out.push_back(',');
    AppendJsonQuoted(name, &out);
    out.push_back(':');
    absl::StrAppend(&out, count);
  }
  out.push_back('}');
  return out;
}

absl::StatusOr<std::map<std::string, int64_t>> DecodeEventCounts(absl::string_view json) {
  std::map<std::string, int64_t> counts;
  RETURN_IF_ERROR(DecodeEventCountsInto(json, &counts));
  return counts;
}

namespace {

// Overwrites the counts of `counts` in place when `json` is the canonical
// spelling of exactly its keys, none escaped; false, with `counts`
// untouched, for anything else, which the full decoder then reads (and
// reports, when it is wrong). Consecutive weeks of an ad set have the same
// events, so a scan of every week mostly takes this path.
bool UpdateCountsInPlace(absl::string_view json, std::map<std::string, int64_t>* counts) {
  absl::InlinedVector<int64_t, 8> values;
  size_t pos = 0;
  auto consume = [&](char c) {
    if (pos >= json.size() || json[pos] != c) return false;
    ++pos;
    return true;
  };
  if (!consume('{')) return false;
  for (const auto& [name, count] : *counts) {
    if (!values.empty() && !consume(',')) return false;
    if (!consume('"') || json.substr(pos, name.size()) != name) return false;
    pos += name.size();
    int64_t value = 0;
    if (!consume('"') || !consume(':') || !ReadPlainCount(json, &pos, &value)) return false;
    values.push_back(value);
  }
  if (!consume('}') || pos != json.size()) return false;
  auto value = values.begin();
  for (auto& entry : *counts) entry.second = *value++;
  return true;
}

}  // namespace

absl::Status DecodeEventCountsInto(absl::string_view json, std::map<std::string, int64_t>* counts) {
  if (!counts->empty() && UpdateCountsInPlace(json, counts)) return absl::OkStatus();
  counts->clear();
  CanonicalJsonReader reader(json);
  auto read_entry = [&]() -> absl::Status {
    ASSIGN_OR_RETURN(std::string name, reader.String());
    if (!counts->empty() && !(counts->rbegin()->first < name)) {
      return reader.Error("keys not sorted or repeated");
    }
    RETURN_IF_ERROR(reader.Expect(':'));
    ASSIGN_OR_RETURN(const int64_t count, reader.Count());
    counts->emplace_hint(counts->end(), std::move(name), count);
    return absl::OkStatus();
  };
  return reader.List('{', '}', read_entry);
}

std::string EncodeStringArray(const std::vector<std::string>& strings) {
  std::string out = "[";
  for (const std::string& text : strings) {
    if (out.size() > 1) out.push_back(',');
    AppendJsonQuoted(text, &out);
  }
  out.push_back(']');
  return out;
}

absl::StatusOr<std::vector<std::string>> DecodeStringArray(absl::string_view json) {
  CanonicalJsonReader reader(json);
  std::vector<std::string> strings;
  auto read_string = [&]() -> absl::Status {
    ASSIGN_OR_RETURN(std::string text, reader.String());
    strings.push_back(std::move(text));
    return absl::OkStatus();
  };
  RETURN_IF_ERROR(reader.List('[', ']', read_string));
  return strings;
}

std::string EncodeReasons(const std::vector<Reason>& reasons) {
  std::string out = "[";
  for (const Reason& reason : reasons) {
    if (out.size() > 1) out.push_back(',');
    out += "{\"rule\":";
    AppendJsonQuoted(reason.rule, &out);
    out += ",\"message\":";
    AppendJsonQuoted(reason.message, &out);
    out.push_back('}');
  }
  out.push_back(']');
  return out;
}

absl::StatusOr<std::vector<Reason>> DecodeReasons(absl::string_view json) {
  CanonicalJsonReader reader(json);
  std::vector<Reason> reasons;
  auto read_reason = [&]() -> absl::Status {
    Reason reason;
    RETURN_IF_ERROR(reader.Expect('{'));
    RETURN_IF_ERROR(reader.Key("rule"));
    ASSIGN_OR_RETURN(reason.rule, reader.String());
    RETURN_IF_ERROR(reader.Expect(','));
    RETURN_IF_ERROR(reader.Key("message"));
    ASSIGN_OR_RETURN(reason.message, reader.String());
    RETURN_IF_ERROR(reader.Expect('}'));
    reasons.push_back(std::move(reason));
    return absl::OkStatus();
  };
  RETURN_IF_ERROR(reader.List('[', ']', read_reason));
  return reasons;
}

namespace {

void AppendOptionalCount(const std::optional<int64_t>& count, std::string* out) {
  if (count.has_value()) {
    absl::StrAppend(out, *count);
  } else {
    *out += "null";
  }
}

}  // namespace

std::string EncodeLearningBudget(const LearningBudget& budget) {
  std::string out = absl::StrCat("{\"spend_weeks\":", budget.spend_weeks, ",\"weekly_spend\":");
  AppendOptionalCount(budget.weekly_spend_micros, &out);
  out += ",\"rungs\":[";
  for (const RungBudget& rung : budget.rungs) {
    if (out.back() != '[') out.push_back(',');
    out.push_back('[');
    AppendJsonQuoted(rung.event, &out);
    absl::StrAppend(&out, ",", rung.event_count, ",");
    AppendOptionalCount(rung.cost_per_event_micros, &out);
    out.push_back(']');
  }
  out += "]}";
  return out;
}

absl::StatusOr<LearningBudget> DecodeLearningBudget(absl::string_view json, int threshold) {
  LearningBudget budget;
  RETURN_IF_ERROR(DecodeLearningBudgetInto(json, threshold, &budget));
  return budget;
}

absl::Status DecodeLearningBudgetInto(absl::string_view json, int threshold,
                                      LearningBudget* budget) {
  CanonicalJsonReader reader(json);
  size_t read = 0;  // rungs of `budget` read so far; the rest is old storage
  auto read_rung = [&]() -> absl::Status {
    if (read == budget->rungs.size()) budget->rungs.emplace_back();
    RungBudget& rung = budget->rungs[read++];
    RETURN_IF_ERROR(reader.Expect('['));
    RETURN_IF_ERROR(reader.StringInto(&rung.event));
    RETURN_IF_ERROR(reader.Expect(','));
    ASSIGN_OR_RETURN(rung.event_count, reader.Count());
    RETURN_IF_ERROR(reader.Expect(','));
    ASSIGN_OR_RETURN(rung.cost_per_event_micros, reader.OptionalCount());
    rung.weekly_budget_micros = WeeklyBudgetAt(threshold, rung.cost_per_event_micros);
    return reader.Expect(']');
  };
  RETURN_IF_ERROR(reader.Expect('{'));
  RETURN_IF_ERROR(reader.Key("spend_weeks"));
  ASSIGN_OR_RETURN(const int64_t weeks, reader.Count());
  if (weeks > std::numeric_limits<int>::max()) return reader.Error("too many spend weeks");
  budget->spend_weeks = static_cast<int>(weeks);
  RETURN_IF_ERROR(reader.Expect(','));
  RETURN_IF_ERROR(reader.Key("weekly_spend"));
  ASSIGN_OR_RETURN(budget->weekly_spend_micros, reader.OptionalCount());
  RETURN_IF_ERROR(reader.Expect(','));
  RETURN_IF_ERROR(reader.Key("rungs"));
  RETURN_IF_ERROR(reader.NestedList('[', ']', read_rung));
  budget->rungs.resize(read);
  RETURN_IF_ERROR(reader.Expect('}'));
  return reader.End();
}

std::string EncodeActionSteps(const std::vector<ActionStep>& steps) {
  std::string out = "[";
  for (const ActionStep& step : steps) {
    if (out.size() > 1) out.push_back(',');
    out += "{\"method\":";
    AppendJsonQuoted(step.method, &out);
    out += ",\"path\":";
    AppendJsonQuoted(step.path, &out);
    out += ",\"params\":[";
    for (size_t i = 0; i < step.params.size(); ++i) {
      if (i > 0) out.push_back(',');
      out.push_back('[');
      AppendJsonQuoted(step.params[i].first, &out);
      out.push_back(',');
      AppendJsonQuoted(step.params[i].second, &out);
      out.push_back(']');
    }
    out += "],\"result_id\":";
    AppendJsonQuoted(step.result_id, &out);
    out += ",\"error\":";
    AppendJsonQuoted(step.error, &out);
    out += ",\"done_at\":\"";
    out += EncodeTimestamp(step.done_at);
    out += "\"}";
  }
  out.push_back(']');
  return out;
}

absl::StatusOr<std::vector<ActionStep>> DecodeActionSteps(absl::string_view json) {
  CanonicalJsonReader reader(json);
  std::vector<ActionStep> steps;
  auto read_param = [&]() -> absl::Status {
    std::pair<std::string, std::string> param;
    RETURN_IF_ERROR(reader.Expect('['));
    ASSIGN_OR_RETURN(param.first, reader.String());
    RETURN_IF_ERROR(reader.Expect(','));
    ASSIGN_OR_RETURN(param.second, reader.String());
    RETURN_IF_ERROR(reader.Expect(']'));
    steps.back().params.push_back(std::move(param));
    return absl::OkStatus();
  };
  auto read_step = [&]() -> absl::Status {
    ActionStep& step = steps.emplace_back();
    RETURN_IF_ERROR(reader.Expect('{'));
    RETURN_IF_ERROR(reader.Key("method"));
    ASSIGN_OR_RETURN(step.method, reader.String());
    RETURN_IF_ERROR(reader.Expect(','));
    RETURN_IF_ERROR(reader.Key("path"));
    ASSIGN_OR_RETURN(step.path, reader.String());
    RETURN_IF_ERROR(reader.Expect(','));
    RETURN_IF_ERROR(reader.Key("params"));
    RETURN_IF_ERROR(reader.NestedList('[', ']', read_param));
    RETURN_IF_ERROR(reader.Expect(','));
    RETURN_IF_ERROR(reader.Key("result_id"));
    ASSIGN_OR_RETURN(step.result_id, reader.String());
    RETURN_IF_ERROR(reader.Expect(','));
    RETURN_IF_ERROR(reader.Key("error"));
    ASSIGN_OR_RETURN(step.error, reader.String());
    RETURN_IF_ERROR(reader.Expect(','));
    RETURN_IF_ERROR(reader.Key("done_at"));
    ASSIGN_OR_RETURN(const std::string done_at, reader.String());
    ASSIGN_OR_RETURN(step.done_at, DecodeTimestamp(done_at));
    return reader.Expect('}');
  };
  RETURN_IF_ERROR(reader.List('[', ']', read_step));
  return steps;
}

namespace {

// The one spelling a policy value is stored in: the shortest that reads back
// as the same value.
std::string JsonNumber(int value) { return absl::StrCat(value); }
std::string JsonNumber(double value) {
  char buffer[32];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, end);
}

// `text` read as a T into `value`; false unless it is exactly the spelling
// that JsonNumber writes for what it reads as.
template <typename T>
bool ReadJsonNumber(absl::string_view text, T* value) {
  const char* const end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, *value);
  return error == std::errc() && stop == end && JsonNumber(*value) == text;
}

}  // namespace

std::string EncodePolicyOverrides(const PolicyOverrides& overrides) {
  // By name, since the field list's order is the canonical text's, not
  // the JSON's.
  std::map<std::string_view, std::string> present;
  ForEachPolicyField([&](std::string_view name, auto, auto field) {
    if ((overrides.*field).has_value()) present.emplace(name, JsonNumber(*(overrides.*field)));
  });
  std::string out = "{";
  for (const auto& [name, value] : present) {
    if (out.size() > 1) out.push_back(',');
    AppendJsonQuoted(AsAbsl(name), &out);
    out.push_back(':');
    out += value;
  }
  out.push_back('}');
  return out;
}

absl::StatusOr<PolicyOverrides> DecodePolicyOverrides(absl::string_view json) {
  CanonicalJsonReader reader(json);
  PolicyOverrides overrides;
  std::string previous;
  auto read_entry = [&]() -> absl::Status {
    ASSIGN_OR_RETURN(std::string name, reader.String());
    if (!previous.empty() && !(previous < name)) {
      return reader.Error("keys not sorted or repeated");
    }
    RETURN_IF_ERROR(reader.Expect(':'));
    ASSIGN_OR_RETURN(const absl::string_view number, reader.NumberText());
    bool known = false;
    bool read = false;
    ForEachPolicyField([&](std::string_view field_name, auto, auto field) {
      if (field_name != name) return;
      known = true;
      read = ReadJsonNumber(number, &(overrides.*field).emplace());
    });
    if (!known) return reader.Error(absl::StrCat("unknown policy field ", Quote(name)));
    if (!read) return reader.Error(absl::StrCat(Quote(name), " is not a value in its spelling"));
    previous = std::move(name);
    return absl::OkStatus();
  };
  RETURN_IF_ERROR(reader.List('{', '}', read_entry));
  return overrides;
}

std::string EncodeLadders(const std::vector<Ladder>& ladders) {
  std::string out = "[";
  for (const Ladder& ladder : ladders) {
    if (out.size() > 1) out.push_back(',');
    out += "{\"name\":";
    AppendJsonQuoted(ladder.name, &out);
    out += ",\"events\":";
    out += EncodeStringArray(ladder.events);
    out.push_back('}');
  }
  out.push_back(']');
  return out;
}

absl::StatusOr<std::vector<Ladder>> DecodeLadders(absl::string_view json) {
  CanonicalJsonReader reader(json);
  std::vector<Ladder> ladders;
  auto read_event = [&]() -> absl::Status {
    ASSIGN_OR_RETURN(std::string event, reader.String());
    ladders.back().events.push_back(std::move(event));
    return absl::OkStatus();
  };
  auto read_ladder = [&]() -> absl::Status {
    Ladder& ladder = ladders.emplace_back();
    RETURN_IF_ERROR(reader.Expect('{'));
    RETURN_IF_ERROR(reader.Key("name"));
    ASSIGN_OR_RETURN(ladder.name, reader.String());
    RETURN_IF_ERROR(reader.Expect(','));
    RETURN_IF_ERROR(reader.Key("events"));
    RETURN_IF_ERROR(reader.NestedList('[', ']', read_event));
    return reader.Expect('}');
  };
  RETURN_IF_ERROR(reader.List('[', ']', read_ladder));
  return ladders;
}

bool TimestampInRange(absl::Time time) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  return time >= absl::FromCivil(absl::CivilSecond(kMinTimestampYear, 1, 1), utc) &&
         time < absl::FromCivil(absl::CivilSecond(kMaxTimestampYear + 1, 1, 1), utc);
}

std::string EncodeTimestamp(absl::Time time) {
  // Floor to whole microseconds first, so that the civil second and the
  // fraction agree for instants before 1970 too.
  const int64_t micros = absl::ToUnixMicros(time);
  const int64_t fraction = ((micros % 1'000'000) + 1'000'000) % 1'000'000;
  const absl::CivilSecond civil =
      absl::ToCivilSecond(absl::FromUnixMicros(micros - fraction), absl::UTCTimeZone());
  std::string text;
  text.reserve(27);
  const std::pair<int64_t, int> fields[] = {
      {civil.year(), 4},   {civil.month(), 2},  {civil.day(), 2}, {civil.hour(), 2},
      {civil.minute(), 2}, {civil.second(), 2}, {fraction, 6}};
  constexpr absl::string_view kAfter = "--T::.Z";
  for (size_t i = 0; i < kAfter.size(); ++i) {
    AppendZeroPadded(fields[i].first, fields[i].second, &text);
    text += kAfter[i];
  }
  return text;
}

absl::StatusOr<absl::Time> DecodeTimestamp(absl::string_view text) {
  // YYYY-MM-DDTHH:MM:SS.ffffffZ
  constexpr absl::string_view kShape = "0000-00-00T00:00:00.000000Z";
  bool shaped = text.size() == kShape.size();
  for (size_t i = 0; shaped && i < text.size(); ++i) {
    const bool digit = absl::ascii_isdigit(static_cast<unsigned char>(text[i]));
    shaped = kShape[i] == '0' ? digit : text[i] == kShape[i];
  }
  auto field = [&](size_t pos, size_t len) {
    int64_t value = 0;
    // Cannot fail: the shape holds only digits there.
    (void)absl::SimpleAtoi(text.substr(pos, len), &value);
    return value;
  };
  if (shaped) {
    const absl::CivilSecond civil(field(0, 4), field(5, 2), field(8, 2), field(11, 2), field(14, 2),
                                  field(17, 2));
    const absl::Time time =
        absl::FromCivil(civil, absl::UTCTimeZone()) + absl::Microseconds(field(20, 6));
    // A date such as 2026-02-30 normalizes to another spelling.
    if (TimestampInRange(time) && EncodeTimestamp(time) == text) return time;
  }
  return absl::DataLossError(
      absl::StrCat("'", text, "' is not a UTC timestamp like 2026-01-12T09:30:00.000000Z"));
}

}  // namespace rung
