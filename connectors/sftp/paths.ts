/**
 * What an issuer sees over SFTP: `/`, holding `/inbox` (it uploads invoices there), `/statements` (it uploads bank
 * statements there) and `/outbox` (the hub's answers, read only), and files directly inside them. There is no disk
 * behind these paths: they name rows of the hub's database, so nothing outside the tree can be reached. Every path is checked before it is used; anything unusual is refused
 * with a reason rather than normalised into something else.
 */
export type Folder = 'inbox' | 'statements' | 'outbox';

export type MailboxPath =
  | { kind: 'root'; path: '/' }
  | { kind: 'folder'; folder: Folder; path: string }
  | { kind: 'file'; folder: Folder; name: string; path: string };

/** The folders, for messages that name them all. */
export const TREE_FOLDERS = '/inbox, /statements and /outbox';

/** A refused path: the SFTP status to answer with and a sentence for the client's user. */
export class PathRefused extends Error {
  constructor(
    readonly status: 'PERMISSION_DENIED' | 'NO_SUCH_FILE',
    message: string,
  ) {
    super(message);
  }
}

export const MAX_PATH_BYTES = 1024;
export const MAX_NAME_BYTES = 255;
const FOLDERS: readonly string[] = ['inbox', 'statements', 'outbox'];

export function resolveMailboxPath(raw: string): MailboxPath {
  if (raw.includes('\0')) throw new PathRefused('PERMISSION_DENIED', 'the path contains a NUL byte');
  if (Buffer.byteLength(raw) > MAX_PATH_BYTES) {
    throw new PathRefused('PERMISSION_DENIED', `the path is longer than ${MAX_PATH_BYTES} bytes`);
  }
  // Relative paths start at the issuer's root; "." means "here"; ".." is refused, never resolved.
  const parts = raw.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) {
    throw new PathRefused('PERMISSION_DENIED', `paths with ".." are not allowed: use ${TREE_FOLDERS}`);
  }
  if (parts.length === 0) return { kind: 'root', path: '/' };
  const [folder, name, ...deeper] = parts;
  if (!FOLDERS.includes(folder)) {
    throw new PathRefused(
      'PERMISSION_DENIED',
      `"/${folder}" is not yours to reach: your tree holds only ${TREE_FOLDERS}`,
    );
  }
  if (name === undefined) return { kind: 'folder', folder: folder as Folder, path: `/${folder}` };
  if (deeper.length) {
    throw new PathRefused('PERMISSION_DENIED', `/${folder} holds files only, no folders`);
  }
  checkFileName(name);
  return { kind: 'file', folder: folder as Folder, name, path: `/${folder}/${name}` };
}

export function checkFileName(name: string): void {
  if (Buffer.byteLength(name) > MAX_NAME_BYTES) {
    throw new PathRefused('PERMISSION_DENIED', `the file name is longer than ${MAX_NAME_BYTES} bytes`);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(name)) {
    throw new PathRefused('PERMISSION_DENIED', 'the file name contains a control character or a backslash');
  }
}

/**
 * Upload names that mean "still being written": a file under such a name is staged, and delivered only when it is
 * renamed to its final name (the `.part` / `.tmp` / dot-file conventions of FileZilla, WinSCP, Camel, Spring).
 */
export function isTemporaryName(name: string): boolean {
  return name.startsWith('.') || /\.(part|partial|filepart|tmp|temp|writing|upload|uploading)$/i.test(name);
}
