#include "daemon/log.h"

#include <atomic>
#include <cstdio>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "core/text.h"

namespace rung {
namespace {

std::atomic<LogLevel> g_min_level{LogLevel::kInfo};

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kError: return "error";
  }
  return "info";
}

}  // namespace

bool ParseLogLevel(std::string_view text, LogLevel* level) {
  for (LogLevel candidate :
       {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarn, LogLevel::kError}) {
    if (text == LevelName(candidate)) {
      *level = candidate;
      return true;
    }
  }
  return false;
}

void SetLogLevel(LogLevel level) { g_min_level.store(level); }

void Log(LogLevel level, std::string_view message, std::initializer_list<LogField> fields) {
  if (level < g_min_level.load()) return;
  std::string line = absl::StrFormat(
      "{\"ts\":%s,\"level\":\"%s\",\"msg\":%s",
      JsonQuote(absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone())),
      LevelName(level), JsonQuote(AsAbsl(message)));
  for (const LogField& field : fields) {
    line +=
        "," + JsonQuote(field.key) + ":" + (field.quoted ? JsonQuote(field.value) : field.value);
  }
  line += "}\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace rung
