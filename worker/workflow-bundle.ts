/**
 * The workflow bundle, built once per version of the code rather than by every worker start. Webpack takes about
 * 1.5 s on a quiet machine and 10 s or more under load; a cluster restarting a worker, or a test suite starting
 * hubs, paid that every time. The bundle is kept
 * under `node_modules/.cache/einvoice-hub/` named by a hash of everything it can be made of (the hub's sources the
 * workflows may import, the installed packages, the interceptor modules), so a changed file is a new bundle and a
 * stale one is never run.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, type Logger } from '@temporalio/worker';
import { logger } from '../platform/logger';

const ROOT = path.resolve(__dirname, '..');
/** The folders whose modules a workflow may import (directly or through another); a wider net costs ~20 ms. */
const SOURCE_FOLDERS = [
  'workflows',
  'domain',
  'activities',
  'connectors',
  'platform',
  'db',
  'intake',
  'mail',
];
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'einvoice-hub');

export async function workflowBundle(interceptorModules: string[] = []): Promise<{ code: string }> {
  const file = path.join(CACHE, `workflows-${sourceHash(interceptorModules)}.js`);
  try {
    return { code: fs.readFileSync(file, 'utf8') };
  } catch {
    // not built yet for this code
  }
  const started = Date.now();
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    workflowInterceptorModules: interceptorModules,
    logger: quiet(),
  });
  try {
    fs.mkdirSync(CACHE, { recursive: true });
    // Written aside and renamed, so a worker started alongside never reads half a bundle.
    const partial = `${file}.${process.pid}.partial`;
    fs.writeFileSync(partial, code);
    fs.renameSync(partial, file);
    removeOlderBundles(file);
  } catch (error) {
    // A read-only installation bundles on every start, as before.
    logger.warn({ err: error, file }, 'the workflow bundle cannot be cached');
  }
  logger.info({ ms: Date.now() - started, file: path.relative(ROOT, file) }, 'workflow bundle built');
  return { code };
}

function sourceHash(interceptorModules: string[]): string {
  const hash = crypto.createHash('sha256');
  for (const folder of SOURCE_FOLDERS) {
    for (const file of sourceFiles(path.join(ROOT, folder))) {
      hash.update(path.relative(ROOT, file)).update('\0').update(fs.readFileSync(file)).update('\0');
    }
  }
  hash.update(fs.readFileSync(path.join(ROOT, 'package-lock.json')));
  for (const module of interceptorModules) hash.update('\0').update(path.relative(ROOT, module));
  return hash.digest('hex').slice(0, 24);
}

function sourceFiles(folder: string): string[] {
  const entries = fs
    .readdirSync(folder, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name));
  return entries.flatMap((entry) => {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|js|json)$/.test(entry.name) ? [full] : [];
  });
}

/** Bundles of code that is gone: only the newest few stay (other checkouts' workers may still want theirs). */
function removeOlderBundles(kept: string): void {
  const bundles = fs
    .readdirSync(CACHE)
    .filter((name) => /^workflows-[0-9a-f]+\.js$/.test(name))
    .map((name) => path.join(CACHE, name))
    .filter((file) => file !== kept)
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  for (const file of bundles.slice(3)) fs.rmSync(file, { force: true });
}

/** Webpack's progress lines at debug; its warnings stay warnings. */
function quiet(): Logger {
  const at = (level: 'debug' | 'warn' | 'error') => (message: string, meta?: Record<string, unknown>) =>
    logger[level]({ component: 'workflow-bundler', ...meta }, message);
  return {
    log: (level, message, meta) =>
      at(level === 'WARN' ? 'warn' : level === 'ERROR' ? 'error' : 'debug')(message, meta),
    trace: at('debug'),
    debug: at('debug'),
    info: at('debug'),
    warn: at('warn'),
    error: at('error'),
  };
}
