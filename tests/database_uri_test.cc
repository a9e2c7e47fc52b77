#include "storage/database_uri.h"

#include <string>

#include "gtest/gtest.h"

namespace rung {
namespace {

TEST(DatabaseUriTest, PostgresUrisSelectPostgres) {
  EXPECT_TRUE(IsPostgresUri("postgresql://rung@db.example/rung"));
  EXPECT_TRUE(IsPostgresUri("postgres://rung:pw@db.example:5432/rung?sslmode=verify-full"));
  EXPECT_TRUE(IsPostgresUri("postgresql:///rung?host=/var/run/postgresql"));
  EXPECT_TRUE(IsPostgresUri("postgresql://"));
}

TEST(DatabaseUriTest, PathsAndKeywordStringsSelectSqlite) {
  EXPECT_FALSE(IsPostgresUri("rung.db"));
  EXPECT_FALSE(IsPostgresUri("/var/lib/rung/rung.db"));
  EXPECT_FALSE(IsPostgresUri("./postgresql/rung.db"));
  EXPECT_FALSE(IsPostgresUri("postgresql.db"));
  EXPECT_FALSE(IsPostgresUri("postgresql:rung"));
  EXPECT_FALSE(IsPostgresUri("host=db.example dbname=rung"));
  EXPECT_FALSE(IsPostgresUri("file:rung.db?mode=ro"));
  EXPECT_FALSE(IsPostgresUri(""));
}

struct Redaction {
  std::string location;
  std::string redacted;
};

class RedactTest : public ::testing::TestWithParam<Redaction> {};

TEST_P(RedactTest, HidesEveryPasswordAndNothingElse) {
  EXPECT_EQ(RedactDatabasePassword(GetParam().location), GetParam().redacted);
}

INSTANTIATE_TEST_SUITE_P(
    Locations, RedactTest,
    ::testing::Values(
        // No password: unchanged.
        Redaction{"rung.db", "rung.db"},
        Redaction{"/var/lib/rung/rung.db", "/var/lib/rung/rung.db"},
        Redaction{"postgresql://db.example:5432/rung", "postgresql://db.example:5432/rung"},
        Redaction{"postgresql://rung@db.example:5432/rung",
                  "postgresql://rung@db.example:5432/rung"},
        Redaction{"postgresql://rung:@db.example/rung", "postgresql://rung:@db.example/rung"},
        Redaction{"postgresql://", "postgresql://"},
        Redaction{"host=db.example dbname=rung", "host=db.example dbname=rung"},
        // The user info's password.
        Redaction{"postgresql://rung:s3cret@db.example:5432/rung?sslmode=verify-full",
                  "postgresql://rung:***@db.example:5432/rung?sslmode=verify-full"},
        Redaction{"postgres://u:SECRET@127.0.0.1:1/x", "postgres://u:***@127.0.0.1:1/x"},
        Redaction{"postgresql://:pw@db.example", "postgresql://:***@db.example"},
        Redaction{"postgresql://u:p%40ss@h1:5432,h2:5433/rung",
                  "postgresql://u:***@h1:5432,h2:5433/rung"},
        // An unescaped '@' in the password: hidden whole, not shown in part.
        Redaction{"postgresql://u:p@ss@db.example/rung", "postgresql://u:***@db.example/rung"},
        // A password parameter in the query, and both at once.
        Redaction{"postgresql://db.example/rung?user=u&password=s3cret&sslmode=require",
                  "postgresql://db.example/rung?user=u&password=***&sslmode=require"},
        Redaction{"postgresql://u:one@db.example/rung?password=two#frag",
                  "postgresql://u:***@db.example/rung?password=***#frag"},
        Redaction{"postgresql://db.example/rung?passwordx=visible",
                  "postgresql://db.example/rung?passwordx=visible"},
        // libpq's keyword form, bare and quoted, with spaces around '='.
        Redaction{"host=db.example password=s3cret dbname=rung",
                  "host=db.example password=*** dbname=rung"},
        Redaction{"password = 's3 c\\'ret' dbname=rung", "password = '***' dbname=rung"},
        Redaction{"host=h password=a\\ b", "host=h password=***"},
        Redaction{"password=", "password="}));

TEST(DatabaseUriTest, FindsWhereThePasswordStands) {
  const std::string uri = "postgresql://u:SECRET@h/x?password=TWO";
  const std::vector<PasswordSpan> spans = FindDatabasePasswords(uri);
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(uri.substr(spans[0].offset, spans[0].length), "SECRET");
  EXPECT_EQ(uri.substr(spans[1].offset, spans[1].length), "TWO");
  EXPECT_TRUE(FindDatabasePasswords("/var/lib/rung/rung.db").empty());
}

}  // namespace
}  // namespace rung
