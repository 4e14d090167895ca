// The statement executor of the embedded instance: an Instance holds what every session shares
// (the catalog document, the tables, the ports), an ExecutorSession is one connection, and
// runScript runs submitted T-SQL on a session. Pure: everything outside goes through ports.ts.
export { Instance, type InstanceOptions, type InstancePorts } from './instance';
export { ExecutorSession, type TransactionChange } from './session';
export type { ClientInfo } from './client';
export { classifySession } from './classifier';
export type { HostFacts } from './activity';
export { runOneBatch, runScript, type RunOptions } from './script';
export { initialDocument, type InstanceDocument, type ProcedureDefinition, type ResourcePoolDefinition } from './document';
export type * from './ports';
export type * from './results';
export { runProcedureRequest, type ProcedureRequest, type ProcedureRequestResult, type RequestParameter } from './procedureRequest';
