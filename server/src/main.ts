// The language server's entry point: the transport (IPC from VS Code, or --stdio) is picked by
// vscode-languageserver from the command line; everything else is in lsp/server.ts.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { createServer } from './lsp/server';

const connection = createConnection(ProposedFeatures.all);
// Anything written to stdout would corrupt a --stdio transport.
console.log = (...args: unknown[]) => connection.console.log(args.map(String).join(' '));
createServer(connection);
connection.listen();
