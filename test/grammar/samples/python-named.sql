-- Scores rows with Python. This comment mentions @script = N'import os' and must stay a comment.
/* EXEC sp_execute_external_script @language = N'Python', @script = N'import os' */
EXEC sp_execute_external_script
    @language = N'Python',
    @script = N'
import pandas as pd

def add_one(x):  # adds one
    return x + 1

greeting = ''hello''  # a Python string, quotes doubled for T-SQL
for col in InputDataSet.columns:
    print(col, sep='''')
OutputDataSet = InputDataSet.apply(add_one)
    ',
    @input_data_1 = N'SELECT 1 AS x'
WITH RESULT SETS ((x int));
