-- The iris story, part 4: a low-privileged login may execute the scoring procedure and read the new
-- flowers, but running external scripts is a permission of its own: Msg 297 until it is granted.
USE iris_demo;
GO

-- Start clean when the story runs again: the user first, then its login (a user whose login is
-- dropped stays behind, orphaned, as in SQL Server).
DROP USER IF EXISTS analyst;
IF EXISTS (SELECT 1 FROM sys.server_principals WHERE name = N'analyst')
    DROP LOGIN analyst;
GO
CREATE LOGIN analyst WITH PASSWORD = N'Iris-Analyst-2026!';
CREATE USER analyst FOR LOGIN analyst;
GRANT EXECUTE ON dbo.score_iris TO analyst;
-- @input_data_1 runs with the caller's own permissions, like dynamic SQL: no ownership chain.
GRANT SELECT ON dbo.new_flowers TO analyst;
GO

EXECUTE AS LOGIN = N'analyst';
BEGIN TRY
    EXEC dbo.score_iris @model_name = N'iris-logreg';
END TRY
BEGIN CATCH
    PRINT CONCAT(N'analyst, before the grant: Msg ', ERROR_NUMBER(), N': ', ERROR_MESSAGE());
END CATCH;
REVERT;
GO

GRANT EXECUTE ANY EXTERNAL SCRIPT TO analyst;
GO

EXECUTE AS LOGIN = N'analyst';
PRINT CONCAT(N'analyst, after the grant, as ', SUSER_SNAME(), N':');
EXEC dbo.score_iris @model_name = N'iris-logreg';
REVERT;
GO
