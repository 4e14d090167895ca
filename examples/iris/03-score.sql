-- The iris story, part 3: score new flowers with the stored model, in a second procedure.
USE iris_demo;
GO

CREATE TABLE dbo.new_flowers (
    id           int NOT NULL,
    sepal_length float NOT NULL,
    sepal_width  float NOT NULL,
    petal_length float NOT NULL,
    petal_width  float NOT NULL
);
INSERT INTO dbo.new_flowers VALUES
    (1, 5.1, 3.5, 1.4, 0.2),
    (2, 6.2, 2.9, 4.3, 1.3),
    (3, 7.7, 3.0, 6.1, 2.3);
GO

CREATE OR ALTER PROCEDURE dbo.score_iris
    @model_name nvarchar(100)
AS
BEGIN
    DECLARE @model varbinary(max) = (SELECT model FROM dbo.models WHERE name = @model_name);
    EXEC sp_execute_external_script
        @language = N'Python',
        @script = N'
import pickle

model = pickle.loads(model)
features = InputDataSet[["sepal_length", "sepal_width", "petal_length", "petal_width"]]
OutputDataSet = pandas.DataFrame({"id": InputDataSet["id"], "predicted_species": model.predict(features)})
',
        @input_data_1 = N'SELECT id, sepal_length, sepal_width, petal_length, petal_width FROM dbo.new_flowers',
        @params = N'@model varbinary(max)',
        @model = @model
    WITH RESULT SETS ((id int, predicted_species nvarchar(20)));
END;
GO

EXEC dbo.score_iris @model_name = N'iris-logreg';
GO
