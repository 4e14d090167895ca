-- Scores new flowers with a model stored in dbo.models, in R.
CREATE OR ALTER PROCEDURE dbo.score_iris @model_name nvarchar(100)
AS
BEGIN
    DECLARE @model varbinary(max) = (SELECT model FROM dbo.models WHERE name = @model_name);
    EXEC sp_execute_external_script
        @language = N'R',
        @script = N'
model <- unserialize(model)
OutputDataSet <- data.frame(id = InputDataSet$id, species = as.character(predict(model, InputDataSet)))
',
        @input_data_1 = N'SELECT id, "Sepal.Length", "Sepal.Width", "Petal.Length", "Petal.Width" FROM dbo.new_flowers',
        @params = N'@model varbinary(max)',
        @model = @model
    WITH RESULT SETS ((id int, species nvarchar(100)));
END;
GO
