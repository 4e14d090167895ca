// The TDS endpoint's options of `instance create` and `instance start`: --tds-port N|auto|off,
// --tds-force-encryption, --tds-cert FILE --tds-key FILE (a certificate of the user's own).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ParsedArgs } from './args';
import { UsageError } from './usage';
import type { TdsSettings } from '../node/tds/tdsEndpoint';

export const TDS_OPTIONS = {
  'tds-port': { value: true },
  'tds-force-encryption': { value: false },
  'tds-cert': { value: true },
  'tds-key': { value: true },
} as const;

export const TDS_HELP = `TDS endpoint (create, start): --tds-port N|auto|off (default auto: a free port at each start)
                  --tds-force-encryption   refuse clients that cannot encrypt, encrypt every connection
                  --tds-cert FILE --tds-key FILE   a PEM certificate and key (default: self-signed, made at create)`;

/** The settings the options give, over `current`; undefined when no TDS option was given. */
export function tdsSettingsFrom(parsed: ParsedArgs, current: TdsSettings | undefined): TdsSettings | undefined {
  const get = (k: string) => parsed.options.get(k)?.[0];
  const port = get('tds-port');
  const force = parsed.options.has('tds-force-encryption');
  const cert = get('tds-cert');
  const key = get('tds-key');
  if (port === undefined && !force && cert === undefined && key === undefined) return undefined;
  const settings: TdsSettings = { ...(current ?? { port: 'auto' }) };
  if (port !== undefined) settings.port = tdsPort(port);
  if (force) settings.forceEncryption = true;
  if ((cert === undefined) !== (key === undefined)) throw new UsageError('--tds-cert and --tds-key go together');
  if (cert !== undefined && key !== undefined) {
    for (const [option, file] of [['--tds-cert', cert], ['--tds-key', key]] as const) {
      if (!existsSync(file)) throw new UsageError(`${option}: ${file} does not exist`);
    }
    settings.certificate = { cert: resolve(cert), key: resolve(key) };
  }
  return settings;
}

function tdsPort(text: string): TdsSettings['port'] {
  if (text === 'auto' || text === 'off') return text;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`--tds-port must be a port number (1-65535), auto or off, not '${text}'`);
  return port;
}

/** How status shows the endpoint's configuration. */
export function describeTdsSettings(settings: TdsSettings | undefined): string {
  if (!settings || settings.port === 'off') return 'off';
  const port = settings.port === 'auto' ? 'a free port at each start' : `port ${settings.port}`;
  return `${port}${settings.forceEncryption ? ', encryption forced' : ''}${settings.certificate ? `, certificate ${settings.certificate.cert}` : ''}`;
}
