// What is fixed when an instance is created: its owner (the OS user who becomes sysadmin, as SQL
// Server setup makes the installing user one) and how its launcher isolates scripts.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { WarmSettings } from '../../core/launcher/pools';
import type { IsolationMode } from '../../core/launcher/sessions';
import { DEFAULT_LOCKOUT_POLICY, type LockoutPolicy } from '../../core/security';
import type { DaemonSettings } from './daemonLimits';
import type { TdsSettings } from '../tds/tdsEndpoint';
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
    /**
     * Satellites each external pool keeps started ahead of time (per language, within a memory
     * budget): a session then starts in tens of milliseconds instead of a runtime's start-up.
     * Absent: none, every session starts its runtime.
     */
    warm?: WarmSettings;
  };
  /**
   * Account lockout for SQL logins with CHECK_POLICY = ON, in the terms of Windows' account lockout
   * policy (what SQL Server applies): absent means 10 failures, 30 minutes, 30 minutes. A
   * threshold of 0 never locks; a duration of 0 keeps a login locked until an administrator
   * unlocks it.
   */
  loginPolicy?: {
    lockoutThreshold?: number;
    lockoutDurationMinutes?: number;
    resetLockoutCounterAfterMinutes?: number;
  };
  /** Limits on what callers may cost the daemon (daemonLimits.ts); absent: the defaults. */
  daemon?: DaemonSettings;
  /** The TDS endpoint (tdsEndpoint.ts); absent (an instance made before it existed): none. */
  tds?: TdsSettings;
  /** What a query may return: absent, result sets are cut at 100,000 rows (sqlEngine.ts DEFAULT_MAX_ROWS). */
  results?: { maxRowsPerResultSet?: number };
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

/** The lockout policy the config asks for; a value that is not a whole number of 0 or more is refused. */
export function lockoutPolicyOf(config: InstanceConfig, configFile: string): LockoutPolicy {
  const given = config.loginPolicy ?? {};
  const value = (key: keyof NonNullable<InstanceConfig['loginPolicy']>, fallback: number): number => {
    const v = given[key] ?? fallback;
    if (!Number.isInteger(v) || v < 0) throw new InstanceConfigError(`${configFile}: loginPolicy.${key} must be a whole number of 0 or more, not ${JSON.stringify(v)}`);
    return v;
  };
  const minute = 60_000;
  return {
    threshold: value('lockoutThreshold', DEFAULT_LOCKOUT_POLICY.threshold),
    durationMs: value('lockoutDurationMinutes', DEFAULT_LOCKOUT_POLICY.durationMs / minute) * minute,
    resetAfterMs: value('resetLockoutCounterAfterMinutes', DEFAULT_LOCKOUT_POLICY.resetAfterMs / minute) * minute,
  };
}

/**
 * The most rows one result set returns (the rest is cut with a message), if the config sets it: every
 * row is held in the daemon's and the editor's memory, so this is a memory budget, not a preference.
 */
export function resultRowLimitOf(config: InstanceConfig, configFile: string): number | undefined {
  const given = config.results?.maxRowsPerResultSet;
  if (given === undefined) return undefined;
  if (!Number.isInteger(given) || given < 1 || given > 100_000_000) {
    throw new InstanceConfigError(`${configFile}: results.maxRowsPerResultSet must be a whole number from 1 to 100000000, not ${JSON.stringify(given)}`);
  }
  return given;
}
