#ifndef RUNG_TESTS_SUPPORT_IMPORT_FIXTURES_H_
#define RUNG_TESTS_SUPPORT_IMPORT_FIXTURES_H_

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "rung/validation.h"

namespace rung::test_support {

// The content of tests/fixtures/import/<name>, found through RUNG_SOURCE_DIR
// (set by tests/CMakeLists.txt). A missing file fails the test.
inline std::string ReadImportFixture(const std::string& name) {
  const char* root = std::getenv("RUNG_SOURCE_DIR");
  const std::string path =
      std::string(root == nullptr ? "." : root) + "/tests/fixtures/import/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "cannot read " << path << " (is RUNG_SOURCE_DIR set?)";
    return "";
  }
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

// The count a record carries for `event`, by its name as imported.
inline std::optional<int64_t> CountOf(const RawAdSetWeek& week, const std::string& event) {
  std::optional<int64_t> found;
  for (const auto& [name, count] : week.event_counts) {
    if (name != event) continue;
    EXPECT_FALSE(found.has_value()) << event << " is imported twice";
    found = count;
  }
  return found;
}

}  // namespace rung::test_support

#endif  // RUNG_TESTS_SUPPORT_IMPORT_FIXTURES_H_
