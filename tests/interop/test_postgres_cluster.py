"""postgres_cluster.py: the Python tests' PostgreSQL, checked with psql."""

import unittest

from postgres_cluster import PostgresCluster, psql, rows


class PostgresClusterTest(unittest.TestCase):
    def test_serves_a_database_survives_a_restart_and_is_removed(self):
        with PostgresCluster() as cluster:
            self.assertRegex(cluster.uri, r"^postgresql://rung:[0-9a-f]+@127\.0\.0\.1:\d+/rung_test_\d+_1$")
            self.assertEqual(psql(cluster.uri, "CREATE TABLE t (x int); INSERT INTO t VALUES (7)").returncode, 0)

            cluster.stop()
            self.assertNotEqual(psql(cluster.uri, "SELECT 1").returncode, 0)
            cluster.start()

            answer = psql(cluster.uri, "SELECT x FROM t")
            self.assertEqual((answer.returncode, answer.stdout.strip()), (0, "7"))

            other = cluster.create_database()
            self.assertRegex(other, r"^postgresql://rung:[0-9a-f]+@127\.0\.0\.1:\d+/rung_test_\d+_2$")
            self.assertEqual(rows(other, "SELECT count(*) FROM pg_tables WHERE tablename = 't'"), [("0",)])
            self.assertEqual(rows(cluster.uri, "SELECT x, 'a,b' FROM t"), [("7", "a,b")])
        self.assertEqual(cluster.process.returncode, 0)
        self.assertNotEqual(psql(cluster.uri, "SELECT 1").returncode, 0)


if __name__ == "__main__":
    unittest.main()
