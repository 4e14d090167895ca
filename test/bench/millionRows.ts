// The table of a million rows the instance benchmarks move: n = 0 … 999,999 with four floats and
// one text column, generated the same way in the instance (T-SQL, six cross joins of the digits,
// as the instance has no recursive CTEs) and in bare DuckDB for the baselines.

export const ROWS = 1_000_000;

/** Creates dbo.digits and fills dbo.big (a, b, c, d float, label nvarchar(20)) in the current database. */
export const GENERATE_TSQL = `CREATE TABLE dbo.digits (d int);
INSERT INTO dbo.digits VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9);
CREATE TABLE dbo.big (a float, b float, c float, d float, label nvarchar(20));
INSERT INTO dbo.big
SELECT n * 0.5, n * 0.25, n * 1.5, n * 2.0, CONCAT(N'label', n % 100)
FROM (SELECT d1.d + 10 * d2.d + 100 * d3.d + 1000 * d4.d + 10000 * d5.d + 100000 * d6.d AS n
      FROM dbo.digits d1 CROSS JOIN dbo.digits d2 CROSS JOIN dbo.digits d3
      CROSS JOIN dbo.digits d4 CROSS JOIN dbo.digits d5 CROSS JOIN dbo.digits d6) AS numbers;`;

/** The same rows as table big of a bare DuckDB database. */
export const GENERATE_DUCKDB = `CREATE TABLE big AS SELECT n * 0.5 AS a, n * 0.25 AS b, n * 1.5 AS c, n * 2.0 AS d, 'label' || (n % 100) AS label
FROM range(${ROWS}) t(n)`;
