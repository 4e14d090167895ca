// The "SQL ML" commands. Each starts the language server first if it is not running, so that the
// first command works like the first .sql file; failures are shown, never thrown into the void.
import { commands, window, type Disposable } from 'vscode';
import type { CommandContext, SessionArgument } from './context';
import { provisionWorkers, refresh, selectInstance, startInstance, stopInstance } from './instance';
import { checkPermissions, selectLogin } from './login';
import { useDatabase } from './database';
import { cancelRun, runScript } from './run';
import { cancelSession, openSessionFolder, showSessionOutput } from './sessions';

type Handler = (ctx: CommandContext, arg?: SessionArgument) => Promise<unknown>;

export const COMMANDS: Record<string, Handler> = {
  'sqlml.runScript': (ctx) => runScript(ctx, 'script'),
  'sqlml.runCall': (ctx) => runScript(ctx, 'call'),
  'sqlml.cancelRun': (ctx, arg) => cancelRun(ctx, arg),
  'sqlml.useDatabase': useDatabase,
  'sqlml.checkPermissions': checkPermissions,
  'sqlml.selectInstance': selectInstance,
  'sqlml.selectLogin': selectLogin,
  'sqlml.startInstance': startInstance,
  'sqlml.stopInstance': stopInstance,
  'sqlml.provisionWorkers': provisionWorkers,
  'sqlml.cancelSession': cancelSession,
  'sqlml.openSessionFolder': openSessionFolder,
  'sqlml.showSessionOutput': showSessionOutput,
  'sqlml.refresh': refresh,
};

export function registerCommands(ctx: CommandContext): Disposable[] {
  return Object.entries(COMMANDS).map(([id, handler]) =>
    commands.registerCommand(id, async (arg?: SessionArgument) => {
      try {
        await ctx.server.start();
        return await handler(ctx, arg);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        void window.showErrorMessage(`SQL ML: ${message}`);
        ctx.server.log.error(`${id} failed: ${err instanceof Error ? (err.stack ?? message) : message}`);
        return undefined;
      }
    }),
  );
}
