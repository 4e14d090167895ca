// The instance's TDS endpoint: a TCP listener on 127.0.0.1 that serves the same engine (catalog,
// executor, launcher) as the daemon's socket, to SQL Server's own clients. Started and stopped
// with the daemon; its port is chosen at `instance create`/`start` (a number, or 'auto' for one
// the system picks at each start) and shown by `instance status`.
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import type { InstanceEngine } from '../instance/engine';
import type { InstanceLayout } from '../instance/layout';
import { ensureSelfSignedCertificate, tdsSecureContext, type CertificateFiles } from './certificate';
import { DEFAULT_TDS_LIMITS, TdsConnection, type TdsLimits } from './connection';

/** How an instance's TDS endpoint is configured (instance.json's "tds"). */
export interface TdsSettings {
  port: number | 'auto' | 'off';
  /** SQL Server's "force encryption": clients that turn encryption off get it anyway, clients that cannot encrypt are refused. */
  forceEncryption?: boolean;
  /** A certificate the user named; absent: the self-signed one made at create. */
  certificate?: CertificateFiles;
}

export interface TdsStatus {
  host: string;
  port: number;
  forceEncryption: boolean;
  certificate: string;
  connections: number;
}

export interface TdsEndpoint {
  status(): TdsStatus;
  close(): Promise<void>;
}

export const TDS_HOST = '127.0.0.1';
/** Concurrent TDS connections at most (SQL Server's 'user connections' is bounded too). */
const MAX_CONNECTIONS = 256;

export class TdsEndpointError extends Error {}

/** The self-signed certificate's files inside the instance folder. */
export function defaultCertificateFiles(layout: InstanceLayout): CertificateFiles {
  return { cert: join(layout.root, 'tls', 'tds-cert.pem'), key: join(layout.root, 'tls', 'tds-key.pem') };
}

/** The certificate the endpoint will use, made now when it is the instance's own and missing. */
export async function prepareCertificate(layout: InstanceLayout, settings: TdsSettings): Promise<CertificateFiles> {
  if (settings.certificate) return settings.certificate;
  const files = defaultCertificateFiles(layout);
  await ensureSelfSignedCertificate(files, layout.name);
  return files;
}

export async function startTdsEndpoint(options: {
  engine: InstanceEngine;
  layout: InstanceLayout;
  settings: TdsSettings;
  log(line: string): void;
  limits?: TdsLimits;
  /** The number of open connections changed (the daemon's idle stop counts them as clients). */
  onConnections?(open: number): void;
}): Promise<TdsEndpoint | null> {
  const { settings, layout, log } = options;
  if (settings.port === 'off') return null;
  const files = await prepareCertificate(layout, settings);
  const secureContext = tdsSecureContext(files);
  const connections = new Set<TdsConnection>();
  const server: Server = createServer((socket) => {
    const connection = new TdsConnection(socket, {
      engine: options.engine,
      secureContext,
      forceEncryption: settings.forceEncryption === true,
      serverName: layout.name,
      limits: options.limits ?? DEFAULT_TDS_LIMITS,
      log,
    });
    connections.add(connection);
    options.onConnections?.(connections.size);
    void connection.closed.then(() => {
      connections.delete(connection);
      options.onConnections?.(connections.size);
    });
  });
  server.maxConnections = MAX_CONNECTIONS;
  server.on('drop', () => log(`TDS: a connection was refused: ${MAX_CONNECTIONS} are open`));
  const port = settings.port === 'auto' ? 0 : settings.port;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new TdsEndpointError(err.code === 'EADDRINUSE' ? `TDS port ${port} on ${TDS_HOST} is in use: choose another with --tds-port N (or auto)` : `cannot listen for TDS on ${TDS_HOST}:${port}: ${err.message}`)),
    );
    server.listen({ host: TDS_HOST, port }, () => resolve());
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  log(`TDS endpoint on ${TDS_HOST}:${bound}${settings.forceEncryption ? ' (encryption forced)' : ''}`);
  return {
    status: () => ({ host: TDS_HOST, port: bound, forceEncryption: settings.forceEncryption === true, certificate: files.cert, connections: connections.size }),
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const all = [...connections];
      for (const c of all) c.close('the instance is stopping');
      await Promise.all(all.map((c) => c.closed));
      await closed;
    },
  };
}
