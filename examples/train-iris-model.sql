-- Trains a model and returns it through an OUTPUT parameter.
-- Don't worry: this comment's quote doesn't open a string, and sp_execute_external_script here is just words.
CREATE OR ALTER PROCEDURE dbo.train_iris_model
    @trained_model varbinary(max) OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @script nvarchar(max) = N'
import pickle
from sklearn.naive_bayes import GaussianNB

features = InputDataSet[["Sepal.Length", "Sepal.Width", "Petal.Length", "Petal.Width"]]
labels = InputDataSet["Species"]
model = GaussianNB().fit(features, labels)
print(''trained on {} rows''.format(len(labels)))  # doubled quotes become one
trained_model = pickle.dumps(model)
';
    /* A block comment with 'quotes' and EXEC sp_execute_external_script inside. */
    EXEC sp_execute_external_script
        @language = N'Python',
        @script = @script,
        @input_data_1 = N'SELECT "Sepal.Length", "Sepal.Width", "Petal.Length", "Petal.Width", Species FROM dbo.iris_data',
        @params = N'@trained_model varbinary(max) OUTPUT',
        @trained_model = @trained_model OUTPUT;
END;
GO
