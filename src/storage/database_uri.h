#ifndef RUNG_STORAGE_DATABASE_URI_H_
#define RUNG_STORAGE_DATABASE_URI_H_

// What a database location (rungd's --db, or RUNG_DB) names, and how to show
// it without its password. Engine-neutral plain C++: no SQLite, no libpq.
//
//   postgresql://rung:PASS@db.example:5432/rung?sslmode=verify-full
//     IsPostgresUri: true; redacted: postgresql://rung:***@db.example:5432/rung?sslmode=...
//   /var/lib/rung/rung.db
//     IsPostgresUri: false (a SQLite file); redacted: unchanged

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace rung {

// True when `location` is a PostgreSQL connection URI in libpq's syntax: it
// starts with "postgresql://" or "postgres://". Anything else, including
// libpq's "host=... dbname=..." keyword form, is a path to a SQLite file.
bool IsPostgresUri(std::string_view location);

// Where a password stands in `location`: offset and length of its
// characters (as written, percent-encoding and all), in order.
struct PasswordSpan {
  size_t offset = 0;
  size_t length = 0;
};

// Every password in `location`, empty when it holds none. Found:
// - in a URI, the password of the user info (postgresql://user:PASS@host)
//   and any `password=` query parameter (postgresql://host/db?password=PASS);
// - elsewhere, a libpq keyword `password = value` (quoted or not), so that
//   even a keyword string given by mistake is never shown.
// Errs on the side of hiding: in a URI the user info ends at the last '@'
// before the query, so an unescaped '@' in a password is hidden whole.
std::vector<PasswordSpan> FindDatabasePasswords(std::string_view location);

// `location` with every password's characters replaced by "***": the form
// to put in logs, metrics, error messages and answers. A location without a
// password comes back unchanged.
std::string RedactDatabasePassword(std::string_view location);

}  // namespace rung

#endif  // RUNG_STORAGE_DATABASE_URI_H_
