#ifndef RUNG_STORAGE_PORTABLE_SQL_H_
#define RUNG_STORAGE_PORTABLE_SQL_H_

// Statements that SQLite and PostgreSQL both run as written, kept once so
// that the engines cannot drift apart.

namespace rung {

// The accounts that ListAccountFigures lists: the owners of ad sets one
// after another, each found by one seek of ad_sets_by_account past the one
// before (DISTINCT would read every ad set), then those known from a sync
// only.
inline constexpr char kCountAccountsSql[] =
    "WITH RECURSIVE owners (id) AS ("
    "SELECT min(account_id) FROM ad_sets "
    "UNION ALL SELECT (SELECT min(s.account_id) FROM ad_sets AS s WHERE s.account_id > owners.id) "
    "FROM owners WHERE owners.id IS NOT NULL) "
    "SELECT count(*) FROM (SELECT id FROM owners WHERE id IS NOT NULL "
    "UNION SELECT account_id FROM accounts) AS ids";

}  // namespace rung

#endif  // RUNG_STORAGE_PORTABLE_SQL_H_
