// What is fixed when an instance is created: its owner (the OS user who becomes sysadmin, as SQL
// Server setup makes the installing user one) and how its launcher isolates scripts.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { IsolationMode } from '../../core/launcher/sessions';
import { writeDurably } from './durableFile';
import type { InstanceLayout } from './layout';

export interface InstanceConfig {
  formatVersion: 1;
  createdAt: string;
  owner: { name: string; uid: number };
  launcher: {
    mode: IsolationMode;
    /** The worker accounts' prefix: workers <prefix>01…, group <prefix>users (the worker-group login). */
    prefix: string;
    workers: number;
    pythonPath: string;
    rscriptPath: string;
  };
}

export class InstanceConfigError extends Error {}

export function readInstanceConfig(layout: InstanceLayout): InstanceConfig {
  let text: string;
  try {
    text = readFileSync(layout.configFile, 'utf8');
  } catch {
    throw new InstanceConfigError(`there is no instance at ${layout.root}: create it with 'sqlml instance create'`);
  }
  let config: InstanceConfig;
  try {
    config = JSON.parse(text) as InstanceConfig;
  } catch (err) {
    throw new InstanceConfigError(`${layout.configFile} is not valid JSON (${(err as Error).message})`);
  }
  if (config.formatVersion !== 1) throw new InstanceConfigError(`${layout.configFile} has format ${String(config.formatVersion)}; this sqlml reads format 1`);
  return config;
}

export function createInstanceFolder(layout: InstanceLayout, config: InstanceConfig): void {
  if (existsSync(layout.configFile)) throw new InstanceConfigError(`an instance already exists at ${layout.root}`);
  // 0711: other OS logins must reach their own socket under run/os/<user>, and nothing else.
  mkdirSync(layout.root, { recursive: true, mode: 0o711 });
  mkdirSync(layout.dataDir, { recursive: true, mode: 0o700 });
  writeDurably(layout.configFile, `${JSON.stringify(config, null, 2)}\n`);
}
