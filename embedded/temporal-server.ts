/**
 * TEMPORAL_MODE=server: the Temporal server itself (not the CLI's dev server) with its persistence and visibility in
 * PostgreSQL — the hub's embedded cluster or DATABASE_URL's server, in databases of their own. The same configuration
 * docker-compose.yml runs in production form (postgres12, the same number of history shards).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { Client } from 'pg';
import { logger } from '../platform/logger';
import { HUB_SEARCH_ATTRIBUTES } from '../workflows/search-attributes';
import { waitForPort } from './ports';
import { stopChild } from './processes';

/** History shards: fixed when the schema is first created; docker-compose.yml's NUM_HISTORY_SHARDS matches. */
export const TEMPORAL_HISTORY_SHARDS = 4;
const DATABASES = { temporal: 'temporal', visibility: 'temporal_visibility' } as const;
const NAMESPACE_RETENTION = '7d';

export interface TemporalServerOptions {
  /** Folder with the `server` and `sql` binaries (`npm run temporal:server`). */
  binDir: string;
  /** Folder for the generated configuration and the server's log. */
  dir: string;
  /** The PostgreSQL to keep Temporal's databases on (its user must be allowed to create databases). */
  databaseUrl: string;
  /** The frontend's gRPC port; the other services' ports are derived from it (see temporalServerPorts). */
  port: number;
  namespace: string;
  pidFile?: string;
  shards?: number;
}

export interface TemporalServer {
  address: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Every port the server binds, laid out as Temporal's own defaults are around 7233 (frontend 7233, history 7234,
 * matching 7235, worker 7239, their membership ports 300 lower, the frontend's HTTP API on 7243).
 */
export function temporalServerPorts(port: number) {
  return {
    frontend: { grpc: port, membership: port - 300, http: port + 10 },
    history: { grpc: port + 1, membership: port - 299 },
    matching: { grpc: port + 2, membership: port - 298 },
    worker: { grpc: port + 6, membership: port - 294 },
  };
}

/** Where each of those ports lies from the frontend's. */
export const TEMPORAL_SERVER_PORT_OFFSETS: readonly number[] = temporalServerPortList(0).map(
  ({ port }) => port,
);

/** The same ports as a list, each named, for the startup checks. */
export function temporalServerPortList(port: number): { port: number; service: string }[] {
  return Object.entries(temporalServerPorts(port)).flatMap(([service, ports]) =>
    Object.entries(ports).map(([kind, value]) => ({ port: value, service: `${service} ${kind} port` })),
  );
}

/** The server's binaries, or a message saying how to get them. */
export function temporalServerBinaries(binDir: string): { server: string; sql: string } {
  const binaries = { server: path.join(binDir, 'server'), sql: path.join(binDir, 'sql') };
  for (const file of Object.values(binaries))
    if (!fs.existsSync(file))
      throw new Error(
        `Temporal server binary missing at ${file}: run "npm run temporal:server", set TEMPORAL_SERVER_DIR, or use TEMPORAL_MODE=dev`,
      );
  return binaries;
}

/**
 * Creates Temporal's two databases when missing and brings their schemas to the version the sql tool carries.
 * Safe to run on every start: an up-to-date schema is left as it is.
 */
export async function prepareTemporalSchema(sqlTool: string, databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const connection = [
    '--plugin',
    'postgres12',
    '--endpoint',
    url.hostname,
    '--port',
    url.port || '5432',
    '--user',
    decodeURIComponent(url.username),
  ];
  const env = { ...process.env, SQL_PASSWORD: decodeURIComponent(url.password) };
  const run = (args: string[]) => {
    const result = spawnSync(sqlTool, [...connection, ...args], { env, encoding: 'utf8' });
    if (result.status !== 0)
      throw new Error(
        `temporal sql tool ${args.join(' ')} failed: ${`${result.stdout}${result.stderr}`.slice(-2000)}`,
      );
  };
  for (const [kind, database] of Object.entries(DATABASES)) {
    const state = await schemaState(databaseUrl, database);
    if (!state.exists) run(['--database', database, 'create-database']);
    if (!state.versioned) run(['--database', database, 'setup-schema', '--version', '0.0']);
    const schema = kind === 'temporal' ? 'postgresql/v12/temporal' : 'postgresql/v12/visibility';
    run(['--database', database, 'update-schema', '--schema-name', schema]);
  }
}

async function schemaState(
  databaseUrl: string,
  database: string,
): Promise<{ exists: boolean; versioned: boolean }> {
  const admin = new Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    const found = await admin.query('select 1 from pg_database where datname = $1', [database]);
    if (found.rowCount === 0) return { exists: false, versioned: false };
  } finally {
    await admin.end();
  }
  const url = new URL(databaseUrl);
  url.pathname = `/${database}`;
  const db = new Client({ connectionString: url.toString() });
  await db.connect();
  try {
    const table = await db.query(`select to_regclass('public.schema_version') is not null as versioned`);
    return { exists: true, versioned: Boolean((table.rows[0] as { versioned: boolean }).versioned) };
  } finally {
    await db.end();
  }
}

/** Writes the server's configuration and dynamic configuration into `dir`; returns the config folder. */
export function writeTemporalServerConfig(options: TemporalServerOptions): string {
  const url = new URL(options.databaseUrl);
  const ports = temporalServerPorts(options.port);
  const store = (database: string) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName: database,
      connectAddr: `${url.hostname}:${url.port || '5432'}`,
      connectProtocol: 'tcp',
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      maxConns: 20,
      maxIdleConns: 20,
      maxConnLifetime: '1h',
    },
  });
  const service = (rpc: Record<string, number>) => ({ rpc: { ...rpc, bindOnIP: '127.0.0.1' } });
  const dynamicConfigFile = path.join(options.dir, 'dynamicconfig.yaml');
  const config = {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'default',
      visibilityStore: 'visibility',
      numHistoryShards: options.shards ?? TEMPORAL_HISTORY_SHARDS,
      datastores: { default: store(DATABASES.temporal), visibility: store(DATABASES.visibility) },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' } },
    services: {
      frontend: service({
        grpcPort: ports.frontend.grpc,
        membershipPort: ports.frontend.membership,
        httpPort: ports.frontend.http,
      }),
      history: service({ grpcPort: ports.history.grpc, membershipPort: ports.history.membership }),
      matching: service({ grpcPort: ports.matching.grpc, membershipPort: ports.matching.membership }),
      worker: service({ grpcPort: ports.worker.grpc, membershipPort: ports.worker.membership }),
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: {
          enabled: true,
          initialFailoverVersion: 1,
          rpcName: 'frontend',
          rpcAddress: `127.0.0.1:${ports.frontend.grpc}`,
          httpAddress: `127.0.0.1:${ports.frontend.http}`,
        },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } },
    namespaceDefaults: { archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } } },
    dynamicConfigClient: { filepath: dynamicConfigFile, pollInterval: '10s' },
  };
  // What the hub relies on and the dev server turns on by itself: updates (disputes, payments, the operator's
  // actions), eager activity execution and eager workflow start, and search attributes usable as soon as added.
  const dynamic = {
    'system.enableActivityEagerExecution': [{ value: true }],
    'system.enableEagerWorkflowStart': [{ value: true }],
    'frontend.enableUpdateWorkflowExecution': [{ value: true }],
    'frontend.enableUpdateWorkflowExecutionAsyncAccepted': [{ value: true }],
    'system.forceSearchAttributesCacheRefreshOnRead': [{ value: true }],
  };
  const configDir = path.join(options.dir, 'config');
  fs.mkdirSync(configDir, { recursive: true });
  // JSON is YAML: no YAML writer needed.
  fs.writeFileSync(path.join(configDir, 'development.yaml'), JSON.stringify(config, null, 2), {
    mode: 0o600,
  });
  fs.writeFileSync(dynamicConfigFile, JSON.stringify(dynamic, null, 2));
  return configDir;
}

/**
 * Prepares the schema, writes the configuration and starts the server as a child (its pid in `pidFile`), then makes
 * sure the hub's namespace and search attributes exist. Stopping it is SIGTERM, then SIGKILL after a grace period.
 */
export async function startTemporalServer(options: TemporalServerOptions): Promise<TemporalServer> {
  const binaries = temporalServerBinaries(options.binDir);
  fs.mkdirSync(options.dir, { recursive: true });
  await prepareTemporalSchema(binaries.sql, options.databaseUrl);
  writeTemporalServerConfig(options);
  const logFile = path.join(options.dir, 'server.log');
  const log = fs.openSync(logFile, 'a');
  const child = spawn(
    binaries.server,
    ['--root', options.dir, '--config', 'config', '--env', 'development', '--allow-no-auth', 'start'],
    { stdio: ['ignore', log, log] },
  );
  fs.closeSync(log);
  if (options.pidFile && child.pid) {
    fs.mkdirSync(path.dirname(options.pidFile), { recursive: true });
    fs.writeFileSync(options.pidFile, String(child.pid));
  }
  const tail = () => {
    try {
      return fs.readFileSync(logFile, 'utf8').slice(-2000);
    } catch {
      return '';
    }
  };
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) =>
      reject(new Error(`temporal server exited (${code ?? signal}); its log ${logFile} ends: ${tail()}`)),
    ),
  );
  let stopping = false;
  exited.catch((error: Error) => {
    if (!stopping) logger.error({ component: 'temporal', err: error }, 'temporal server died');
  });
  const stop = async () => {
    stopping = true;
    await stopChild(child);
    if (options.pidFile) fs.rmSync(options.pidFile, { force: true });
  };
  const address = `127.0.0.1:${options.port}`;
  try {
    await Promise.race([waitForPort(options.port, '127.0.0.1', 120_000), exited]);
    await Promise.race([ensureNamespace(address, options.namespace), exited]);
  } catch (error) {
    await stop();
    throw error;
  }
  logger.debug({ component: 'temporal', port: options.port }, 'temporal server ready');
  return { address, process: child, stop };
}

const GRPC_ALREADY_EXISTS = 6;

/** Registers the namespace and the hub's search attributes unless there; retries while the server comes up. */
export async function ensureNamespace(
  address: string,
  namespace: string,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 5_000 });
      try {
        await registerNamespace(connection, namespace);
        await addSearchAttributes(connection, namespace);
        // The frontend answers for a namespace once its namespace cache has it.
        await connection.workflowService.listWorkflowExecutions({ namespace, pageSize: 1 });
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

async function registerNamespace(connection: Connection, namespace: string): Promise<void> {
  try {
    await connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs(NAMESPACE_RETENTION),
    });
  } catch (error) {
    if ((error as { code?: number }).code !== GRPC_ALREADY_EXISTS) throw error;
  }
}

async function addSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const have = new Set(Object.keys(existing.customAttributes ?? {}));
  const missing = HUB_SEARCH_ATTRIBUTES.filter((key) => !have.has(key.name));
  if (missing.length === 0) return;
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(missing.map((key) => [key.name, indexedValueType(key.type)])),
  });
}

/** The SDK's "KEYWORD" as the API's IndexedValueType enum value (INDEXED_VALUE_TYPE_KEYWORD = 2, …). */
function indexedValueType(type: string): number {
  const values: Record<string, number> = {
    TEXT: 1,
    KEYWORD: 2,
    INT: 3,
    DOUBLE: 4,
    BOOL: 5,
    DATETIME: 6,
    KEYWORD_LIST: 7,
  };
  const value = values[type];
  if (value === undefined) throw new Error(`no Temporal index type for search attribute type ${type}`);
  return value;
}
