#ifndef RUNG_DAEMON_DATABASE_FLAG_H_
#define RUNG_DAEMON_DATABASE_FLAG_H_

// Where rungd's database comes from, and keeping its password off `ps`.

#include <functional>
#include <string>
#include <string_view>

namespace rung {

// The environment variable that names the database when --db is not given:
// a Kubernetes Secret can feed it, and unlike a flag `ps` does not show it.
inline constexpr char kDatabaseEnvVar[] = "RUNG_DB";
inline constexpr char kDefaultDatabase[] = "rung.db";

// The database rungd opens: `flag_value` when --db was given (not empty),
// else the value of RUNG_DB read through `getenv` when set and not empty,
// else kDefaultDatabase. `getenv` is std::getenv's shape, for tests.
std::string ResolveDatabase(std::string_view flag_value,
                            const std::function<const char*(const char*)>& getenv);

// Overwrites, with '*', the characters of every password in the values of
// --db / -db in argv (`--db=VALUE` or `--db VALUE`, up to a lone "--"), in
// place: /proc/PID/cmdline and `ps` then no longer show them. Call it right
// after the flags are parsed (they hold their own copies). Returns how many
// passwords it overwrote.
int ScrubDatabasePasswords(int argc, char** argv);

// `text` (an error message) with no password of `database` in it: where it
// quotes the location, the location redacted (RedactDatabasePassword), and
// any password of 4 characters or more that still stands in it, as "***".
std::string HideDatabasePassword(std::string_view text, std::string_view database);

}  // namespace rung

#endif  // RUNG_DAEMON_DATABASE_FLAG_H_
