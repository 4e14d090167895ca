// A realistic large .sql file for benchmarks: procedures, variables, concatenations, Python and
// R scripts, comments and plain T-SQL between calls.

export function generateWorkload(targetLines: number, calls: number): string {
  const out: string[] = [];
  const linesPerCall = Math.floor(targetLines / calls);
  for (let k = 0; k < calls; k++) {
    const block: string[] = [];
    const python = k % 2 === 0;
    block.push(`-- model ${k}: it's trained nightly`, `CREATE OR ALTER PROCEDURE dbo.model_${k} @rows int = 100, @out varbinary(max) OUTPUT`, 'AS', 'BEGIN');
    block.push(`    DECLARE @script nvarchar(max) = N'`);
    const body = python
      ? ['import pickle', 'df = InputDataSet', `threshold = ${k} * 0.5`, "df[''score''] = df[''x''] * threshold", 'OutputDataSet = df', 'out = pickle.dumps(threshold)']
      : ['df <- InputDataSet', `threshold <- ${k} * 0.5`, "df$score <- df[[''x'']] * threshold", 'OutputDataSet <- df', 'out <- serialize(threshold, NULL)'];
    block.push(...body, `';`);
    block.push(`    SET @script += N'${python ? '# done' : '# done'}' + CHAR(10);`);
    block.push(
      '    EXEC sp_execute_external_script',
      `        @language = N'${python ? 'Python' : 'R'}',`,
      '        @script = @script,',
      `        @input_data_1 = N'SELECT TOP (@rows) x FROM dbo.points_${k}',`,
      `        @params = N'@out varbinary(max) OUTPUT',`,
      '        @out = @out OUTPUT',
      '    WITH RESULT SETS ((x float, score float));',
    );
    // Plain T-SQL filler up to the target size.
    while (block.length < linesPerCall - 2) block.push(`    SELECT COUNT(*) AS n, MAX(x) AS m FROM dbo.points_${k} WHERE x > ${block.length}; -- filler`);
    block.push('END;', 'GO');
    out.push(...block);
  }
  return out.join('\n') + '\n';
}
