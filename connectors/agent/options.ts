/**
 * The agent's settings: the same names on the command line (`--watch DIR`) and in a config file
 * (`{"watch": "DIR"}`), the command line winning. Everything is checked before the agent touches a file, and every
 * refusal says which setting is wrong and what it needs.
 */
import fs from 'node:fs';
import path from 'node:path';

export type SigningKeyOptions =
  | { kind: 'p12'; file: string; passwordFile?: string }
  | {
      kind: 'pkcs11';
      module: string;
      slot?: number;
      tokenLabel?: string;
      keyLabel?: string;
      pinFile?: string;
    };

export interface SftpTarget {
  host: string;
  port: number;
  /** The issuer id: the hub's SFTP user name. */
  username: string;
  privateKeyFile: string;
  /** The hub's host key as `SHA256:…` (what `ssh-keygen -lf` prints); without it the first key seen is pinned. */
  hostKey?: string;
}

export interface AgentOptions {
  /** The accounting system's export folder. */
  watch: string;
  /** The hub's address (API). */
  hub: string;
  apiKey: string;
  signing: SigningKeyOptions;
  via: 'api' | 'sftp';
  sftp?: SftpTarget;
  once: boolean;
  /** How often the folder is scanned (ms). */
  scanIntervalMs: number;
  /** A file counts as complete when its size and time have not changed for this long (ms). */
  settleMs: number;
  /** Files checked, signed and sent at the same time. */
  concurrency: number;
  /** How often sent invoices' statuses are asked for (ms). */
  answerIntervalMs: number;
  /** Sent invoices are followed this long for views, disputes and payments (days). */
  followDays: number;
  /** With --once: how long the hub may stay unreachable before the run gives up, leaving the files waiting (ms). */
  retryForMs: number;
}

/** Raw option values, as commander or a config file gives them. */
export type RawAgentOptions = Record<string, unknown>;

export class AgentOptionsError extends Error {
  override readonly name = 'AgentOptionsError';
}

const DEFAULTS = {
  via: 'api',
  scanInterval: '2s',
  settle: '2s',
  concurrency: 4,
  answerInterval: '1m',
  followDays: 90,
  retryFor: '1h',
  sftpPort: 2222,
} as const;

/** Reads `--config FILE` (JSON, names as on the command line in camelCase) under the command line's values. */
export function loadAgentOptions(cli: RawAgentOptions): AgentOptions {
  const fromFile = cli.config ? readConfigFile(String(cli.config)) : {};
  const base = cli.config ? path.dirname(path.resolve(String(cli.config))) : process.cwd();
  const raw: RawAgentOptions = { ...fromFile, ...definedOnly(cli) };
  // Paths in a config file are relative to the file, as in a systemd unit's WorkingDirectory-free setup.
  const file = (name: string) => {
    const value = raw[name];
    if (value === undefined || value === '') return undefined;
    const text = String(value);
    return path.resolve(name in cli && cli[name] !== undefined ? process.cwd() : base, text);
  };

  const watch = file('watch');
  if (!watch) throw new AgentOptionsError('give the export folder to watch with --watch DIR');
  if (!fs.existsSync(watch) || !fs.statSync(watch).isDirectory()) {
    throw new AgentOptionsError(`--watch ${watch} is not a folder`);
  }
  const hub = String(raw.hub ?? process.env.HUB_URL ?? '').replace(/\/+$/, '');
  if (!hub) throw new AgentOptionsError('give the hub address with --hub URL');
  let hubUrl: URL;
  try {
    hubUrl = new URL(hub);
  } catch {
    throw new AgentOptionsError(`--hub ${hub} is not a URL (e.g. https://hub.example.bg)`);
  }
  const apiKey = String(raw.apiKey ?? process.env.HUB_API_KEY ?? '');
  if (!apiKey) throw new AgentOptionsError('give the issuer API key with --api-key KEY (or HUB_API_KEY)');

  const via = String(raw.via ?? DEFAULTS.via);
  if (via !== 'api' && via !== 'sftp') throw new AgentOptionsError(`--via must be api or sftp, got "${via}"`);

  return {
    watch,
    hub,
    apiKey,
    signing: signingOptions(raw, file),
    via,
    sftp: via === 'sftp' ? sftpTarget(raw, hubUrl, file) : undefined,
    once: raw.once === true || raw.once === 'true',
    scanIntervalMs: duration(raw.scanInterval ?? DEFAULTS.scanInterval, 'scan-interval'),
    settleMs: duration(raw.settle ?? DEFAULTS.settle, 'settle'),
    concurrency: positiveInteger(raw.concurrency ?? DEFAULTS.concurrency, 'concurrency'),
    answerIntervalMs: duration(raw.answerInterval ?? DEFAULTS.answerInterval, 'answer-interval'),
    followDays: positiveInteger(raw.followDays ?? DEFAULTS.followDays, 'follow-days'),
    retryForMs: duration(raw.retryFor ?? DEFAULTS.retryFor, 'retry-for'),
  };
}

function signingOptions(raw: RawAgentOptions, file: (name: string) => string | undefined): SigningKeyOptions {
  const p12 = file('p12');
  const module = file('pkcs11');
  if (p12 && module) throw new AgentOptionsError('sign with either --p12 or --pkcs11, not both');
  if (p12) {
    if (!fs.existsSync(p12)) throw new AgentOptionsError(`--p12 ${p12} does not exist`);
    return { kind: 'p12', file: p12, passwordFile: file('passwordFile') };
  }
  if (module) {
    if (!fs.existsSync(module)) {
      throw new AgentOptionsError(
        `--pkcs11 ${module} does not exist (the token's PKCS#11 module, a .so file)`,
      );
    }
    const slot = raw.slot === undefined ? undefined : nonNegativeInteger(raw.slot, 'slot');
    const tokenLabel = raw.tokenLabel === undefined ? undefined : String(raw.tokenLabel);
    const keyLabel = raw.keyLabel === undefined ? undefined : String(raw.keyLabel);
    return { kind: 'pkcs11', module, slot, tokenLabel, keyLabel, pinFile: file('pinFile') };
  }
  throw new AgentOptionsError(
    'give the signing key: --p12 FILE --password-file F, or --pkcs11 MODULE.so --slot N --pin-file F',
  );
}

function sftpTarget(
  raw: RawAgentOptions,
  hubUrl: URL,
  file: (name: string) => string | undefined,
): SftpTarget {
  const privateKeyFile = file('sftpKey');
  if (!privateKeyFile) throw new AgentOptionsError('--via sftp needs the SSH private key: --sftp-key FILE');
  const username = raw.sftpUser === undefined ? '' : String(raw.sftpUser);
  if (!username)
    throw new AgentOptionsError('--via sftp needs the SFTP user (the issuer id): --sftp-user ID');
  return {
    host: String(raw.sftpHost ?? hubUrl.hostname),
    port: positiveInteger(raw.sftpPort ?? DEFAULTS.sftpPort, 'sftp-port'),
    username,
    privateKeyFile,
    hostKey: raw.sftpHostKey === undefined ? undefined : String(raw.sftpHostKey),
  };
}

function readConfigFile(file: string): RawAgentOptions {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new AgentOptionsError(`the config file ${file} cannot be read: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new AgentOptionsError(`the config file ${file} is not JSON: ${(error as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new AgentOptionsError(`the config file ${file} must hold one JSON object of settings`);
  }
  const known = new Set<string>(KNOWN_SETTINGS);
  const unknown = Object.keys(parsed).filter((key) => !known.has(key));
  if (unknown.length) {
    throw new AgentOptionsError(
      `the config file ${file} has unknown settings: ${unknown.join(', ')} (known: ${KNOWN_SETTINGS.join(', ')})`,
    );
  }
  return parsed as RawAgentOptions;
}

/** The settings a config file may hold: the command line's long options in camelCase. */
export const KNOWN_SETTINGS = [
  'watch',
  'hub',
  'apiKey',
  'p12',
  'passwordFile',
  'pkcs11',
  'slot',
  'tokenLabel',
  'keyLabel',
  'pinFile',
  'via',
  'sftpHost',
  'sftpPort',
  'sftpUser',
  'sftpKey',
  'sftpHostKey',
  'once',
  'scanInterval',
  'settle',
  'concurrency',
  'answerInterval',
  'followDays',
  'retryFor',
] as const;

function definedOnly(values: RawAgentOptions): RawAgentOptions {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined));
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "250ms", "2s", "5m", "1h", "1d", or a number of milliseconds. */
export function duration(value: unknown, name: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(String(value).trim());
  if (!match) throw new AgentOptionsError(`--${name} must be a duration such as 500ms, 2s, 5m or 1h`);
  return Math.round(Number(match[1]) * UNITS[match[2] ?? 'ms']);
}

function positiveInteger(value: unknown, name: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) {
    throw new AgentOptionsError(`--${name} must be a whole number above 0`);
  }
  return number;
}

function nonNegativeInteger(value: unknown, name: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0)
    throw new AgentOptionsError(`--${name} must be a whole number`);
  return number;
}
