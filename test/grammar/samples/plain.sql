-- Plain T-SQL: the injection must leave all of this exactly as the SQL grammar has it.
CREATE TABLE #scores ([user''s id] int, note nvarchar(100));
INSERT INTO #scores VALUES (1, N'it''s'), (2, '''');
SELECT REPLACE(note, '''', '') AS [a''''b], 'multi
line' FROM #scores /* @script = N'x' */ WHERE note <> '';
DECLARE @script nvarchar(max) = N'print(1)';
EXEC my_proc @script = N'print(1)', @language = N'Python';
