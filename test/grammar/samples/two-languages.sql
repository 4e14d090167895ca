EXECUTE sys.sp_execute_external_script @language = n'r', @script = N'
double <- function(x) x * 2  # twice
OutputDataSet <- data.frame(y = double(InputDataSet$x))
', @input_data_1 = N'SELECT 21 AS x';
GO
EXEC sp_execute_external_script
    @language = 'PYTHON',
    @script = N'
from math import sqrt  # not R
'
