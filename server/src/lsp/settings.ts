// The server's view of the user's settings (section "sqlml"), with defaults for anything missing
// or malformed: a bad setting never stops diagnostics.
import { DEFAULT_OPTIONS, type AnalysisOptions } from '../core/analysis/analyze';
import type { SqlServerVersion } from '../core/scriptCall/parameters';
import { readProfiles, type ConnectionProfile } from './connectionProfiles';

export interface ServerSettings {
  analysis: AnalysisOptions;
  pythonPath: string | undefined;
  rscriptPath: string | undefined;
  debounceMs: number;
  preflight: PreflightSettings;
}

/** The live security pre-flight: which instance, as which login, checking as which login. */
export interface PreflightSettings {
  /** sqlml.preflight.enabled */
  enabled: boolean;
  /** sqlml.instance.path: the instance folder; undefined: the embedded default instance. */
  instancePath: string | undefined;
  /** sqlml.instance.login: a SQL login (its password comes through sqlml/setCredentials); undefined: the OS login. */
  login: string | undefined;
  /** sqlml.preflight.checkAsLogin: check as this login (EXECUTE AS LOGIN); undefined: as the connected login. */
  checkAsLogin: string | undefined;
  /** sqlml.connections: the connection profiles (connectionProfiles.ts). */
  connections?: ConnectionProfile[];
  /** sqlml.instance.connection: the profile in use; undefined: the instance of sqlml.instance.path. */
  connection?: string | undefined;
}

export const DEFAULT_SETTINGS: ServerSettings = {
  analysis: DEFAULT_OPTIONS,
  pythonPath: undefined,
  rscriptPath: undefined,
  // An edit re-analyses only the batches it touched (a few milliseconds on a 10,000-line file), so
  // the pause only has to let a burst of keystrokes end, not to ration a costly analysis.
  debounceMs: 50,
  preflight: { enabled: true, instancePath: undefined, login: undefined, checkAsLogin: undefined },
};

const VERSIONS: readonly SqlServerVersion[] = [2016, 2017, 2019, 2022];

/** Reads the raw `sqlml` configuration object VS Code sends. */
export function readSettings(raw: unknown): ServerSettings {
  const o = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const get = (path: string): unknown => path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), o);
  const version = Number(get('sqlServerVersion'));
  const languages = get('languages');
  const maxMb = Number(get('analysis.maxFileSizeMB'));
  const debounce = Number(get('diagnostics.debounceMs'));
  const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
  return {
    analysis: {
      sqlServerVersion: VERSIONS.includes(version as SqlServerVersion) ? (version as SqlServerVersion) : DEFAULT_OPTIONS.sqlServerVersion,
      extraLanguages: Array.isArray(languages) ? languages.filter((l): l is string => typeof l === 'string') : [],
      maxChars: Number.isFinite(maxMb) && maxMb > 0 ? maxMb * 1024 * 1024 : DEFAULT_OPTIONS.maxChars,
    },
    pythonPath: str(get('python.path')),
    rscriptPath: str(get('r.path')),
    debounceMs: Number.isFinite(debounce) && debounce >= 0 ? debounce : DEFAULT_SETTINGS.debounceMs,
    preflight: {
      enabled: get('preflight.enabled') !== false,
      instancePath: str(get('instance.path'))?.trim(),
      login: str(get('instance.login'))?.trim(),
      checkAsLogin: str(get('preflight.checkAsLogin'))?.trim(),
      connections: readProfiles(get('connections')),
      connection: str(get('instance.connection'))?.trim(),
    },
  };
}
