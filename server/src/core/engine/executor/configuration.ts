// Server configuration options as sp_configure and sys.configurations show them. sp_configure
// with a value changes config_value only; RECONFIGURE puts every config_value into effect
// (run_value / value_in_use), as SQL Server does for dynamic options. An advanced option is
// invisible to sp_configure until 'show advanced options' is in effect.
import type { ConfigurationValue, InstanceDocument } from './document';

export interface ConfigurationOption {
  id: number;
  name: string;
  minimum: number;
  maximum: number;
  defaultValue: number;
  description: string;
  advanced: boolean;
}

/** The options the embedded instance has, with SQL Server's ids, ranges and defaults. */
export const OPTIONS: readonly ConfigurationOption[] = [
  { id: 518, name: 'show advanced options', minimum: 0, maximum: 1, defaultValue: 0, description: 'show advanced options', advanced: false },
  { id: 1539, name: 'max degree of parallelism', minimum: 0, maximum: 32767, defaultValue: 0, description: 'maximum degree of parallelism', advanced: true },
  // The memory options the monitoring articles read; the embedded instance lets DuckDB size its own memory.
  { id: 1543, name: 'min server memory (MB)', minimum: 0, maximum: 2147483647, defaultValue: 0, description: 'Minimum size of server memory (MB)', advanced: true },
  { id: 1544, name: 'max server memory (MB)', minimum: 128, maximum: 2147483647, defaultValue: 2147483647, description: 'Maximum size of server memory (MB)', advanced: true },
  { id: 1562, name: 'clr enabled', minimum: 0, maximum: 1, defaultValue: 0, description: 'CLR user code execution enabled in the server', advanced: false },
  { id: 1586, name: 'external scripts enabled', minimum: 0, maximum: 1, defaultValue: 0, description: 'Allows execution of external scripts', advanced: false },
];

export const SHOW_ADVANCED = 'show advanced options';
export const EXTERNAL_SCRIPTS_ENABLED = 'external scripts enabled';

export function optionValue(document: InstanceDocument, option: ConfigurationOption): ConfigurationValue {
  return document.configuration[option.name] ?? { value: option.defaultValue, valueInUse: option.defaultValue };
}

export function valueInUse(document: InstanceDocument, name: string): number {
  const option = OPTIONS.find((o) => o.name === name)!;
  return optionValue(document, option).valueInUse;
}

export type OptionLookup = { ok: true; option: ConfigurationOption } | { ok: false; number: number; text: string };

/**
 * The option a name means to sp_configure: the exact name, else the one option whose name contains
 * it; advanced options only while 'show advanced options' is in effect.
 */
export function findOption(document: InstanceDocument, written: string): OptionLookup {
  const visible = visibleOptions(document);
  const key = written.trim().toLowerCase();
  const exact = visible.find((o) => o.name === key);
  if (exact) return { ok: true, option: exact };
  const partial = visible.filter((o) => o.name.includes(key));
  if (partial.length === 1) return { ok: true, option: partial[0]! };
  if (partial.length > 1) return { ok: false, number: 15124, text: `The configuration option '${written}' is not unique.` };
  return { ok: false, number: 15123, text: `The configuration option '${written}' does not exist, or it may be an advanced option.` };
}

export function visibleOptions(document: InstanceDocument): ConfigurationOption[] {
  const advanced = valueInUse(document, SHOW_ADVANCED) === 1;
  return OPTIONS.filter((o) => advanced || !o.advanced);
}

export type OptionChange = { ok: true; document: InstanceDocument; message: string } | { ok: false; number: number; text: string };

/** sp_configure 'name', value: config_value changes; the caller's ALTER SETTINGS is checked before. */
export function configureOption(document: InstanceDocument, option: ConfigurationOption, value: number): OptionChange {
  if (!Number.isInteger(value) || value < option.minimum || value > option.maximum) {
    return { ok: false, number: 15129, text: `'${value}' is not a valid value for configuration option '${option.name}'.` };
  }
  const current = optionValue(document, option);
  const configuration = { ...document.configuration, [option.name]: { ...current, value } };
  const message = `Configuration option '${option.name}' changed from ${current.value} to ${value}. Run the RECONFIGURE statement to install.`;
  return { ok: true, document: { ...document, configuration }, message };
}

/** RECONFIGURE: every config_value goes into effect. */
export function reconfigure(document: InstanceDocument): InstanceDocument {
  const configuration: Record<string, ConfigurationValue> = {};
  for (const option of OPTIONS) {
    const { value } = optionValue(document, option);
    configuration[option.name] = { value, valueInUse: value };
  }
  return { ...document, configuration };
}
