// The security pre-flight: what a document's sp_execute_external_script calls need from the
// instance (plan, questions as plain T-SQL), and the problems and hovers its answers give.
export { DEFAULT_WORKER_GROUP, IncrementalPreflightPlanner, planPreflight, type CallPlan, type PreflightOptions, type PreflightPlan, type TableRef, type UsageRef } from './plan';
export { askInstance, assembleAnswers, buildRequests, questionKey, questionsFor, readOutcome, type AskResult, type Fact, type Question, type TsqlRequest } from './questions';
export { preflightProblems } from './rules';
export { inputColumnsHover, inputNameAt, mergeHovers } from './hover';
export type { DatabaseAnswers, DescribeAnswer, DescribedColumn, GroupLogin, PreflightAnswers, SqlFailure, TsqlOutcome, TsqlRunner } from './ports';
