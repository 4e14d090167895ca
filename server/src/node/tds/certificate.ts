// The TDS endpoint's TLS certificate. Like SQL Server, which makes a self-signed certificate at
// startup when none is configured, the instance makes one at `instance create` (Node's crypto
// makes keys but not X.509 certificates, so the openssl command does), or uses one the user names.
// Clients that check certificates need TrustServerCertificate for the self-signed one.
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createSecureContext, type SecureContext } from 'node:tls';
import { promisify } from 'node:util';

export interface CertificateFiles {
  cert: string;
  key: string;
}

export class CertificateError extends Error {}

const OPENSSL = '/usr/bin/openssl';

/** Makes a self-signed certificate for `commonName` (and localhost, 127.0.0.1) unless the files exist. */
export async function ensureSelfSignedCertificate(files: CertificateFiles, commonName: string): Promise<void> {
  if (existsSync(files.cert) && existsSync(files.key)) return;
  if (!existsSync(OPENSSL)) throw new CertificateError(`cannot make the TDS certificate: ${OPENSSL} is missing (apt-get install openssl), or name a certificate with --tds-cert and --tds-key`);
  mkdirSync(dirname(files.key), { recursive: true, mode: 0o700 });
  const subject = `/CN=${commonName.replace(/[/\\=,+]/g, '_')}`;
  try {
    await promisify(execFile)(
      OPENSSL,
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '3650', '-subj', subject, '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', files.key, '-out', files.cert],
      { timeout: 60_000 },
    );
  } catch (err) {
    throw new CertificateError(`openssl could not make the TDS certificate: ${((err as { stderr?: string }).stderr ?? (err as Error).message).trim()}`);
  }
  chmodSync(files.key, 0o600);
}

/** The TLS settings of SQL Server 2019's TDS 7.x: TLS 1.2 at most (1.3 came with TDS 8). */
export function tdsSecureContext(files: CertificateFiles): SecureContext {
  let cert: Buffer;
  let key: Buffer;
  try {
    cert = readFileSync(files.cert);
    key = readFileSync(files.key);
  } catch (err) {
    throw new CertificateError(`cannot read the TDS certificate: ${(err as Error).message}`);
  }
  try {
    return createSecureContext({ cert, key, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' });
  } catch (err) {
    throw new CertificateError(`the TDS certificate ${files.cert} or its key ${files.key} is not usable: ${(err as Error).message}`);
  }
}
