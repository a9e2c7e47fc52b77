#include "daemon/database_flag.h"

#include <map>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace rung {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

// A getenv over a fixed environment.
std::function<const char*(const char*)> Environment(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const char* name) -> const char* {
    auto it = values.find(name);
    return it == values.end() ? nullptr : it->second.c_str();
  };
}

TEST(ResolveDatabaseTest, TheFlagWinsOverTheEnvironment) {
  EXPECT_EQ(ResolveDatabase("/data/flag.db", Environment({{"RUNG_DB", "/data/env.db"}})),
            "/data/flag.db");
}

TEST(ResolveDatabaseTest, WithoutTheFlagTheEnvironmentNamesIt) {
  EXPECT_EQ(ResolveDatabase("", Environment({{"RUNG_DB", "postgresql://rung@db/rung"}})),
            "postgresql://rung@db/rung");
}

TEST(ResolveDatabaseTest, WithNeitherItIsRungDb) {
  EXPECT_EQ(ResolveDatabase("", Environment({})), "rung.db");
  EXPECT_EQ(ResolveDatabase("", Environment({{"RUNG_DB", ""}})), "rung.db");
}

// argv as main() gets it: writable strings that outlive the call.
class FakeArgv {
 public:
  explicit FakeArgv(std::vector<std::string> args) : storage_(std::move(args)) {
    for (std::string& arg : storage_) pointers_.push_back(arg.data());
  }
  int argc() const { return static_cast<int>(pointers_.size()); }
  char** argv() { return pointers_.data(); }
  std::vector<std::string> args() const {
    return std::vector<std::string>(pointers_.begin(), pointers_.end());
  }

 private:
  std::vector<std::string> storage_;
  std::vector<char*> pointers_;
};

TEST(ScrubDatabasePasswordsTest, OverwritesThePasswordInEveryFormOfTheFlag) {
  FakeArgv argv({"rungd", "--db=postgresql://u:SECRET@h/x", "--listen=127.0.0.1:0"});
  EXPECT_EQ(ScrubDatabasePasswords(argv.argc(), argv.argv()), 1);
  EXPECT_THAT(argv.args(),
              ElementsAre("rungd", "--db=postgresql://u:******@h/x", "--listen=127.0.0.1:0"));

  FakeArgv separate({"rungd", "-db", "postgres://u:SECRET@h/x?password=TWO"});
  EXPECT_EQ(ScrubDatabasePasswords(separate.argc(), separate.argv()), 2);
  EXPECT_THAT(separate.args(), ElementsAre("rungd", "-db", "postgres://u:******@h/x?password=***"));

  FakeArgv keywords({"rungd", "--db", "host=h password=SECRET", "-db=x"});
  EXPECT_EQ(ScrubDatabasePasswords(keywords.argc(), keywords.argv()), 1);
  EXPECT_THAT(keywords.args(), ElementsAre("rungd", "--db", "host=h password=******", "-db=x"));
}

TEST(ScrubDatabasePasswordsTest, LeavesEverythingElseAlone) {
  const std::vector<std::string> args = {
      "rungd", "--db=/var/lib/rung/rung.db",    "--config=password=SECRET", "--dbx=password=SECRET",
      "--",    "--db=postgresql://u:SECRET@h/x"};
  FakeArgv argv(args);
  EXPECT_EQ(ScrubDatabasePasswords(argv.argc(), argv.argv()), 0);
  EXPECT_EQ(argv.args(), args);

  FakeArgv last({"rungd", "--db"});  // a flag without its value: nothing to read past
  EXPECT_EQ(ScrubDatabasePasswords(last.argc(), last.argv()), 0);
}

TEST(HideDatabasePasswordTest, ErrorMessagesQuoteTheLocationRedacted) {
  const std::string uri = "postgresql://u:SECRET@127.0.0.1:1/x";
  EXPECT_EQ(HideDatabasePassword("opening '" + uri + "': unable to open database file", uri),
            "opening 'postgresql://u:***@127.0.0.1:1/x': unable to open database file");
  EXPECT_THAT(HideDatabasePassword("password authentication failed: SECRET", uri),
              Not(HasSubstr("SECRET")));
  EXPECT_EQ(HideDatabasePassword("cannot open rung.db", "rung.db"), "cannot open rung.db");
  EXPECT_EQ(HideDatabasePassword("any text", ""), "any text");
}

TEST(HideDatabasePasswordTest, ShortPasswordsAreNotHiddenInsideWords) {
  EXPECT_EQ(HideDatabasePassword("cannot connect", "postgresql://u:on@h/x"), "cannot connect");
}

}  // namespace
}  // namespace rung
