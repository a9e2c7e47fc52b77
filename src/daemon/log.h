#ifndef RUNG_DAEMON_LOG_H_
#define RUNG_DAEMON_LOG_H_

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace rung {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

// One key of a log line; numbers are passed as their decimal text and stay
// JSON numbers.
struct LogField {
  LogField(std::string_view k, std::string_view v) : key(k), value(v), quoted(true) {}
  LogField(std::string_view k, const char* v) : key(k), value(v), quoted(true) {}
  LogField(std::string_view k, const std::string& v) : key(k), value(v), quoted(true) {}
  LogField(std::string_view k, long long v) : key(k), value(std::to_string(v)), quoted(false) {}
  LogField(std::string_view k, int v) : key(k), value(std::to_string(v)), quoted(false) {}
  LogField(std::string_view k, double v) : key(k), value(std::to_string(v)), quoted(false) {}
  std::string key;
  std::string value;
  bool quoted;
};

// Parses "debug", "info", "warn" or "error"; false otherwise.
bool ParseLogLevel(std::string_view text, LogLevel* level);
void SetLogLevel(LogLevel level);

// Writes one JSON object per line to stderr: {"ts":…,"level":…,"msg":…,…}.
// Lines are written whole, so concurrent callers never interleave.
void Log(LogLevel level, std::string_view message, std::initializer_list<LogField> fields = {});

}  // namespace rung

#endif  // RUNG_DAEMON_LOG_H_
