-- The iris story, part 1 (as the instance's sysadmin): enable external scripts, create a database,
-- and load R's iris data set into a table with INSERT ... EXEC sp_execute_external_script.
EXEC sp_configure 'external scripts enabled', 1;
RECONFIGURE WITH OVERRIDE;
GO

DROP DATABASE IF EXISTS iris_demo;
GO
CREATE DATABASE iris_demo;
GO
USE iris_demo;
GO

CREATE TABLE dbo.iris_data (
    sepal_length float NOT NULL,
    sepal_width  float NOT NULL,
    petal_length float NOT NULL,
    petal_width  float NOT NULL,
    species      nvarchar(20) NOT NULL
);

CREATE TABLE dbo.models (
    name       nvarchar(100) NOT NULL PRIMARY KEY,
    model      varbinary(max) NOT NULL,
    trained_at datetime NOT NULL DEFAULT GETDATE()
);
GO

-- R ships the data: datasets::iris. Species is a factor in R; the table wants its labels.
INSERT INTO dbo.iris_data (sepal_length, sepal_width, petal_length, petal_width, species)
EXEC sp_execute_external_script
    @language = N'R',
    @script = N'
OutputDataSet <- datasets::iris
OutputDataSet$Species <- as.character(OutputDataSet$Species)
';
GO

SELECT species, COUNT(*) AS flowers, AVG(petal_length) AS avg_petal_length
FROM dbo.iris_data
GROUP BY species
ORDER BY species;
GO
