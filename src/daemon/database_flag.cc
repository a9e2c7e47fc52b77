#include "daemon/database_flag.h"

#include <cstring>

#include "absl/strings/str_replace.h"
#include "storage/database_uri.h"

namespace rung {
namespace {

// Overwrites the passwords in one flag value; returns how many.
int ScrubValue(char* value) {
  const std::vector<PasswordSpan> spans = FindDatabasePasswords(value);
  for (const PasswordSpan& span : spans) std::memset(value + span.offset, '*', span.length);
  return static_cast<int>(spans.size());
}

}  // namespace

std::string ResolveDatabase(std::string_view flag_value,
                            const std::function<const char*(const char*)>& getenv) {
  if (!flag_value.empty()) return std::string(flag_value);
  const char* from_environment = getenv(kDatabaseEnvVar);
  if (from_environment != nullptr && *from_environment != '\0') return from_environment;
  return kDefaultDatabase;
}

std::string HideDatabasePassword(std::string_view text, std::string_view database) {
  // Shorter ones would turn every word they occur in into asterisks.
  constexpr size_t kMinHiddenLength = 4;
  std::string hidden(text);
  if (database.empty()) return hidden;
  // Debian's Abseil has a string_view of its own.
  const absl::string_view location(database.data(), database.size());
  absl::StrReplaceAll({{location, RedactDatabasePassword(database)}}, &hidden);
  for (const PasswordSpan& span : FindDatabasePasswords(database)) {
    if (span.length < kMinHiddenLength) continue;
    absl::StrReplaceAll({{location.substr(span.offset, span.length), "***"}}, &hidden);
  }
  return hidden;
}

int ScrubDatabasePasswords(int argc, char** argv) {
  int scrubbed = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") break;
    // Abseil takes -db as well as --db.
    const size_t dashes = arg.substr(0, 2) == "--" ? 2 : arg.substr(0, 1) == "-" ? 1 : 0;
    const std::string_view name = arg.substr(dashes);
    if (dashes == 0) continue;
    if (name == "db" && i + 1 < argc) {
      scrubbed += ScrubValue(argv[++i]);
    } else if (name.substr(0, 3) == "db=") {
      scrubbed += ScrubValue(argv[i] + dashes + 3);
    }
  }
  return scrubbed;
}

}  // namespace rung
