import fs from 'node:fs';
import path from 'node:path';

/**
 * What of the data folder a backup carries besides the database: the files that make this hub the same hub, which
 * exist nowhere else. Every other entry at the top of the folder is named in the backup's summary as left out, with
 * the reason, so nothing is dropped unseen.
 */
export const HUB_FILES: { path: string; what: string }[] = [
  {
    path: 'hub-secret',
    what: 'the hub secret: invitation links, sealed SFTP pickup keys and second-factor secrets open only with it',
  },
  { path: 'sftp/host_ed25519_key', what: "the SFTP server's host key, which issuers' clients have pinned" },
  {
    path: 'as2',
    what: "the hub's AS2 key and certificate (and the previous pair during a rollover), known to partners",
  },
  { path: 'archive', what: "the archive's keys: seals, signed receipts, the hub's own timestamp unit" },
  { path: 'epay-simulator/secret', what: "the simulated ePay.bg's secret word, which signs card orders" },
  { path: 'demo-issuer.json', what: "the demo issuer's API key, shown again by npm start" },
];

/** Top-level entries the hub writes that a backup leaves out on purpose, and why. */
export const LEFT_OUT: Record<string, string> = {
  postgres:
    'the embedded PostgreSQL cluster files: the database is in the backup as a consistent dump, loaded into a new cluster',
  temporal:
    "the Temporal dev server's folder: its SQLite file is in the backup as a consistent snapshot (temporal/temporal.sqlite)",
  'temporal-server':
    "TEMPORAL_MODE=server's generated configuration and log: its state is in PostgreSQL's temporal databases, not in the backup",
  mail: "the dev SMTP server's messages: a mailbox, not the hub's state (sent_mail in the database records every mail)",
  run: 'pid files of the running worker and gateway',
  'hub.pid': 'pid file of the running hub',
};

export interface DataFile {
  /** Relative to the data folder, with forward slashes. */
  path: string;
  mode: number;
  bytes: number;
}

/** The hub's own files present in `dataDir`, and the top-level entries left out (known ones with their reason). */
export function collectDataFiles(dataDir: string): {
  files: DataFile[];
  leftOut: { path: string; why: string }[];
} {
  const files: DataFile[] = [];
  for (const entry of HUB_FILES) files.push(...regularFiles(dataDir, entry.path));
  const covered = new Set(HUB_FILES.map((e) => e.path.split('/')[0]));
  const leftOut: { path: string; why: string }[] = [];
  const top = fs.existsSync(dataDir) ? fs.readdirSync(dataDir, { withFileTypes: true }) : [];
  for (const entry of top.sort((a, b) => a.name.localeCompare(b.name))) {
    const name = entry.isDirectory() ? `${entry.name}/` : entry.name;
    if (LEFT_OUT[entry.name]) leftOut.push({ path: name, why: LEFT_OUT[entry.name] });
    else if (!covered.has(entry.name))
      leftOut.push({ path: name, why: 'not a file the hub needs to stay the same hub' });
  }
  // Beside the files the hub keeps (epay-simulator/secret), anything else in those folders is named too.
  for (const folder of covered) {
    const full = path.join(dataDir, folder);
    if (!isDirectory(full)) continue;
    for (const file of regularFiles(dataDir, folder)) {
      if (!files.some((f) => f.path === file.path)) {
        leftOut.push({ path: file.path, why: 'not a file the hub needs to stay the same hub' });
      }
    }
  }
  return { files, leftOut };
}

function regularFiles(dataDir: string, relative: string): DataFile[] {
  const full = path.join(dataDir, relative);
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(full);
  } catch {
    return [];
  }
  if (stat.isFile()) return [{ path: relative, mode: stat.mode & 0o777, bytes: stat.size }];
  if (!stat.isDirectory()) return [];
  return fs
    .readdirSync(full)
    .sort()
    .flatMap((name) => regularFiles(dataDir, `${relative}/${name}`));
}

function isDirectory(file: string): boolean {
  try {
    return fs.statSync(file).isDirectory();
  } catch {
    return false;
  }
}
