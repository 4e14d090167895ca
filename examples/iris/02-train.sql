-- The iris story, part 2: a stored procedure trains a scikit-learn model in Python and returns it
-- as varbinary(max) through an OUTPUT parameter; the caller stores it in dbo.models.
USE iris_demo;
GO

CREATE OR ALTER PROCEDURE dbo.train_iris_model
    @trained_model varbinary(max) OUTPUT
AS
BEGIN
    EXEC sp_execute_external_script
        @language = N'Python',
        @script = N'
import pickle
from sklearn.linear_model import LogisticRegression

features = InputDataSet[["sepal_length", "sepal_width", "petal_length", "petal_width"]]
labels = InputDataSet["species"]
model = LogisticRegression(max_iter=1000).fit(features, labels)
print("trained on", len(labels), "flowers; training accuracy", round(model.score(features, labels), 3))
trained_model = pickle.dumps(model)
',
        @input_data_1 = N'SELECT sepal_length, sepal_width, petal_length, petal_width, species FROM dbo.iris_data',
        @params = N'@trained_model varbinary(max) OUTPUT',
        @trained_model = @trained_model OUTPUT;
END;
GO

DECLARE @model varbinary(max);
EXEC dbo.train_iris_model @trained_model = @model OUTPUT;

DELETE FROM dbo.models WHERE name = N'iris-logreg';
INSERT INTO dbo.models (name, model) VALUES (N'iris-logreg', @model);

SELECT name, DATALENGTH(model) AS model_bytes FROM dbo.models;
GO
