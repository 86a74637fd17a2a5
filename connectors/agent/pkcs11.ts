/**
 * The issuer's signing key on a smart card or HSM, reached through the token's PKCS#11 module (pkcs11js). The
 * key never leaves the token: `sign` hands it the data (RSA, CKM_SHA256_RSA_PKCS) or its SHA-256 digest (EC,
 * CKM_ECDSA) and gets the signature back. The PIN goes to C_Login and nowhere else: no message, log line or
 * error carries it.
 *
 * A process loads a module once: keys opened through the same module share it (and the token's login), and the
 * last `close()` logs out and finalizes it.
 */
import crypto from 'node:crypto';
import os from 'node:os';
import { AsnConvert } from '@peculiar/asn1-schema';
import { SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import * as pkcs11js from 'pkcs11js';
import type { ExternalSigningKey } from '../../domain/signature';
import { derTlv } from '../../domain/signature/der';
import { logger } from '../../platform/logger';

export interface Pkcs11KeyOptions {
  /** Path of the token's PKCS#11 module (a .so file). */
  module: string;
  /** Slot id. Without it, the token labelled `tokenLabel`, or else the only initialized token. */
  slot?: number;
  tokenLabel?: string;
  pin: string;
  /** CKA_LABEL of the private key: needed when the token holds several. */
  keyLabel?: string;
  /** CKA_ID of the private key, in hex. */
  keyId?: string;
}

export interface Pkcs11Key extends ExternalSigningKey {
  /** Where the key is, for logs and messages: `token "T" (slot 123), key "k"`. */
  description: string;
  /** Logs out, closes the session and releases the module; safe to call twice. */
  close(): void;
}

/** The token cannot be used as asked; the message says what is wrong and how to fix it, and never holds the PIN. */
export class Pkcs11Error extends Error {
  override readonly name = 'Pkcs11Error';

  constructor(
    message: string,
    /** The PKCS#11 return value behind it (e.g. CKR_PIN_INCORRECT), when there is one. */
    readonly code?: string,
  ) {
    super(message);
  }
}

export async function openPkcs11Key(options: Pkcs11KeyOptions): Promise<Pkcs11Key> {
  const module = acquireModule(options.module);
  let session: Buffer | undefined;
  let token: SlotToken | undefined;
  try {
    token = chooseToken(slotsOf(module), options);
    session = logIn(module, token, options.pin);
    const key = findPrivateKey(module.library, session, token, options);
    const { certificate, chain } = findCertificates(module.library, session, token, key);
    const description = `${describeToken(token)}, key ${describeObject(key)}`;
    return pkcs11Key(module, token, session, key, certificate, chain, description);
  } catch (error) {
    if (session && token) endSession(module, token, session);
    releaseModule(module);
    throw error;
  }
}

// ---- the module: loaded and initialized once per process ----

interface LoadedModule {
  path: string;
  library: pkcs11js.PKCS11;
  /** Keys open through it; the last one to close finalizes it. */
  users: number;
  /** False when other code in this process had initialized it: that code finalizes it, not us. */
  initializedHere: boolean;
  /** Sessions open per slot id: the user is logged out when the last one on a token closes. */
  sessions: Map<number, number>;
}

const loadedModules = new Map<string, LoadedModule>();

function acquireModule(modulePath: string): LoadedModule {
  // As given: a bare file name is looked for where the system looks for libraries.
  const resolved = modulePath;
  const loaded = loadedModules.get(resolved);
  if (loaded) {
    loaded.users++;
    return loaded;
  }
  const library = new pkcs11js.PKCS11();
  try {
    library.load(resolved);
  } catch (error) {
    throw new Pkcs11Error(
      `The PKCS#11 module ${resolved} cannot be loaded (${(error as Error).message}): give the path of the token's ` +
        `PKCS#11 library, and install its middleware if missing (SoftHSM2: /usr/lib/softhsm/libsofthsm2.so, ` +
        `OpenSC smart cards: /usr/lib/x86_64-linux-gnu/opensc-pkcs11.so).`,
    );
  }
  let initializedHere = true;
  try {
    // Signatures run on libuv's threads (C_SignAsync), so the module is asked to lock with the OS's primitives.
    library.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK });
  } catch (error) {
    if (codeOf(error) !== 'CKR_CRYPTOKI_ALREADY_INITIALIZED') {
      library.close();
      throw new Pkcs11Error(
        `The PKCS#11 module ${resolved} refused to initialize (${codeOf(error) ?? (error as Error).message}).`,
        codeOf(error),
      );
    }
    initializedHere = false;
  }
  const module = { path: resolved, library, users: 1, initializedHere, sessions: new Map<number, number>() };
  loadedModules.set(resolved, module);
  return module;
}

function releaseModule(module: LoadedModule): void {
  if (--module.users > 0) return;
  loadedModules.delete(module.path);
  if (module.initializedHere) {
    attempt(`finalizing ${module.path}`, () => module.library.C_Finalize());
  }
  attempt(`unloading ${module.path}`, () => module.library.close());
}

// ---- the token: which slot, and logging in ----

interface SlotToken {
  handle: Buffer;
  id: number;
  /** Null when the slot holds no token. */
  label: string | null;
  initialized: boolean;
  info?: pkcs11js.TokenInfo;
}

function slotsOf(module: LoadedModule): SlotToken[] {
  const withToken = module.library.C_GetSlotList(true);
  return module.library.C_GetSlotList(false).map((handle) => {
    const id = ulongOf(handle);
    if (!withToken.some((present) => present.equals(handle)))
      return { handle, id, label: null, initialized: false };
    const info = module.library.C_GetTokenInfo(handle);
    const initialized = (info.flags & pkcs11js.CKF_TOKEN_INITIALIZED) !== 0;
    return { handle, id, label: info.label.trimEnd(), initialized, info };
  });
}

function chooseToken(slots: SlotToken[], options: Pkcs11KeyOptions): SlotToken {
  const present = `Slots on ${options.module}: ${describeSlots(slots)}.`;
  if (options.slot !== undefined) {
    const slot = slots.find((candidate) => candidate.id === options.slot);
    if (!slot) {
      throw new Pkcs11Error(
        `There is no slot ${options.slot}. ${present} Give one of these slot ids, or choose the token by its label.`,
      );
    }
    if (slot.label === null) {
      throw new Pkcs11Error(`Slot ${slot.id} holds no token: insert the card. ${present}`);
    }
    if (!slot.initialized) {
      throw new Pkcs11Error(`The token in slot ${slot.id} is not initialized: it holds no key. ${present}`);
    }
    if (options.tokenLabel !== undefined && slot.label !== options.tokenLabel.trimEnd()) {
      throw new Pkcs11Error(
        `Slot ${slot.id} holds token "${slot.label}", not "${options.tokenLabel}". ${present} Give the slot or the label that belong together.`,
      );
    }
    return slot;
  }
  const initialized = slots.filter((slot) => slot.initialized);
  if (options.tokenLabel !== undefined) {
    const tokenLabel = options.tokenLabel.trimEnd();
    const labelled = initialized.filter((slot) => slot.label === tokenLabel);
    if (labelled.length === 0) {
      throw new Pkcs11Error(
        `No token is labelled "${options.tokenLabel}". ${present} Give one of these labels, or the slot id.`,
      );
    }
    if (labelled.length > 1) {
      throw new Pkcs11Error(
        `${labelled.length} tokens are labelled "${options.tokenLabel}" (slots ${labelled.map((slot) => slot.id).join(', ')}): give the slot id too.`,
      );
    }
    return labelled[0];
  }
  if (initialized.length === 1) return initialized[0];
  if (initialized.length === 0) {
    throw new Pkcs11Error(
      `No initialized token is present. ${present} Insert the card, or initialize the token.`,
    );
  }
  throw new Pkcs11Error(
    `${initialized.length} tokens are present. ${present} Choose one by its label or slot id.`,
  );
}

function describeToken(token: SlotToken): string {
  return `token "${token.label}" (slot ${token.id})`;
}

function describeSlots(slots: SlotToken[]): string {
  if (slots.length === 0) return 'none (is the reader connected?)';
  return slots
    .map((slot) => {
      if (slot.label === null) return `slot ${slot.id} (no token)`;
      if (!slot.initialized) return `slot ${slot.id} (token not initialized)`;
      return `slot ${slot.id} (token "${slot.label}")`;
    })
    .join(', ');
}

function logIn(module: LoadedModule, token: SlotToken, pin: string): Buffer {
  const where = describeToken(token);
  if (userPinFlags(module, token) & pkcs11js.CKF_USER_PIN_LOCKED) throw pinLocked(where);
  const session = module.library.C_OpenSession(token.handle, pkcs11js.CKF_SERIAL_SESSION);
  try {
    module.library.C_Login(session, pkcs11js.CKU_USER, pin);
  } catch (error) {
    const code = codeOf(error);
    // Another key of this process is logged in to the same token: the login is the token's, not the session's.
    if (code !== 'CKR_USER_ALREADY_LOGGED_IN') {
      attempt(`closing the session on ${where}`, () => module.library.C_CloseSession(session));
      throw loginRefused(code, where, token, userPinFlags(module, token));
    }
  }
  module.sessions.set(token.id, (module.sessions.get(token.id) ?? 0) + 1);
  return session;
}

function userPinFlags(module: LoadedModule, token: SlotToken): number {
  try {
    return module.library.C_GetTokenInfo(token.handle).flags;
  } catch {
    return 0;
  }
}

function loginRefused(code: string | undefined, where: string, token: SlotToken, flags: number): Pkcs11Error {
  switch (code) {
    case 'CKR_PIN_INCORRECT': {
      const tries =
        flags & pkcs11js.CKF_USER_PIN_FINAL_TRY
          ? ' One more wrong PIN locks it.'
          : flags & pkcs11js.CKF_USER_PIN_COUNT_LOW
            ? ' Few tries are left before it locks.'
            : ' After a few wrong tries the token locks it.';
      return new Pkcs11Error(`The ${where} refused the PIN (CKR_PIN_INCORRECT): check it.${tries}`, code);
    }
    case 'CKR_PIN_LOCKED':
      return pinLocked(where);
    case 'CKR_PIN_LEN_RANGE':
    case 'CKR_PIN_INVALID':
      return new Pkcs11Error(
        `The ${where} refused the PIN as malformed (${code}): it takes ${token.info?.minPinLen}–${token.info?.maxPinLen} characters.`,
        code,
      );
    case 'CKR_PIN_EXPIRED':
      return new Pkcs11Error(
        `The user PIN of the ${where} has expired (CKR_PIN_EXPIRED): set a new one (pkcs11-tool --change-pin) and try again.`,
        code,
      );
    case 'CKR_USER_PIN_NOT_INITIALIZED':
      return new Pkcs11Error(
        `The ${where} has no user PIN yet (CKR_USER_PIN_NOT_INITIALIZED): set one with the security officer's PIN (pkcs11-tool --login --login-type so --init-pin).`,
        code,
      );
    default:
      return new Pkcs11Error(`Logging in to the ${where} failed (${code ?? 'no PKCS#11 code'}).`, code);
  }
}

function pinLocked(where: string): Pkcs11Error {
  return new Pkcs11Error(
    `The user PIN of the ${where} is locked after too many wrong tries (CKR_PIN_LOCKED): unblock it with the ` +
      `security officer's PIN or PUK (e.g. pkcs11-tool --login --login-type so --init-pin), then try again.`,
    'CKR_PIN_LOCKED',
  );
}

function endSession(module: LoadedModule, token: SlotToken, session: Buffer): void {
  const where = describeToken(token);
  const open = module.sessions.get(token.id) ?? 0;
  if (open <= 1) {
    module.sessions.delete(token.id);
    attempt(`logging out of ${where}`, () => module.library.C_Logout(session));
  } else {
    module.sessions.set(token.id, open - 1);
  }
  attempt(`closing the session on ${where}`, () => module.library.C_CloseSession(session));
}

// ---- the key and its certificates ----

interface TokenObject {
  handle: Buffer;
  label: string;
  id: Buffer;
}

/** RSA: the modulus, to size signatures and match the certificate; EC: the curve (DER of its OID), to match it. */
type PrivateKeyObject = TokenObject & ({ type: 'rsa'; modulus: Buffer } | { type: 'ec'; ecParams: Buffer });

function findPrivateKey(
  library: pkcs11js.PKCS11,
  session: Buffer,
  token: SlotToken,
  options: Pkcs11KeyOptions,
): PrivateKeyObject {
  const where = describeToken(token);
  const signingKeys: pkcs11js.Template = [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
    { type: pkcs11js.CKA_SIGN, value: true },
  ];
  const wanted = [...signingKeys];
  if (options.keyLabel !== undefined) wanted.push({ type: pkcs11js.CKA_LABEL, value: options.keyLabel });
  if (options.keyId !== undefined) {
    if (!/^([0-9a-f]{2})+$/i.test(options.keyId)) {
      throw new Pkcs11Error(`The key id "${options.keyId}" is not hex (the CKA_ID, e.g. 01 or 4a3f).`);
    }
    wanted.push({ type: pkcs11js.CKA_ID, value: Buffer.from(options.keyId, 'hex') });
  }
  const found = tokenObjects(library, session, wanted);
  if (found.length !== 1) {
    const all = tokenObjects(library, session, signingKeys);
    const list = all.map(describeObject).join(', ');
    const asked = [
      options.keyLabel !== undefined ? `labelled "${options.keyLabel}"` : '',
      options.keyId !== undefined ? `with id ${options.keyId}` : '',
    ]
      .filter(Boolean)
      .join(' and ');
    if (all.length === 0) {
      throw new Pkcs11Error(
        `The ${where} holds no private signing key (after logging in as user): import the key, or choose another token.`,
      );
    }
    if (found.length === 0) {
      throw new Pkcs11Error(
        `The ${where} has no private signing key ${asked}; it holds ${list}. Give one of these key labels.`,
      );
    }
    throw new Pkcs11Error(
      `The ${where} holds ${found.length} private signing keys${asked ? ` ${asked}` : ''}: ${found.map(describeObject).join(', ')}. ` +
        `Choose one by its key label${options.keyLabel !== undefined ? ' and id' : ''}.`,
    );
  }
  const key = found[0];
  const [keyType] = library.C_GetAttributeValue(session, key.handle, [{ type: pkcs11js.CKA_KEY_TYPE }]);
  const type = ulongOf(keyType.value);
  if (type === pkcs11js.CKK_RSA) {
    const [modulus] = library.C_GetAttributeValue(session, key.handle, [{ type: pkcs11js.CKA_MODULUS }]);
    return { ...key, type: 'rsa', modulus: withoutLeadingZeros(modulus.value) };
  }
  if (type === pkcs11js.CKK_EC) {
    const [ecParams] = library.C_GetAttributeValue(session, key.handle, [{ type: pkcs11js.CKA_EC_PARAMS }]);
    return { ...key, type: 'ec', ecParams: ecParams.value };
  }
  throw new Pkcs11Error(
    `The key ${describeObject(key)} on the ${where} is of PKCS#11 key type 0x${type.toString(16)}; invoices are signed with RSA or EC keys.`,
  );
}

function findCertificates(
  library: pkcs11js.PKCS11,
  session: Buffer,
  token: SlotToken,
  key: PrivateKeyObject,
): { certificate: Buffer; chain: Buffer[] } {
  const where = describeToken(token);
  const certificates: pkcs11js.Template = [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE },
    { type: pkcs11js.CKA_CERTIFICATE_TYPE, value: pkcs11js.CKC_X_509 },
  ];
  const valueOf = (handle: Buffer) =>
    new crypto.X509Certificate(
      library.C_GetAttributeValue(session, handle, [{ type: pkcs11js.CKA_VALUE }])[0].value,
    );
  const withKeyId = findObjects(library, session, [
    ...certificates,
    { type: pkcs11js.CKA_ID, value: key.id },
  ]);
  if (withKeyId.length === 0) {
    throw new Pkcs11Error(
      `The ${where} has no certificate with the id of key ${describeObject(key)}: write the key's certificate to the ` +
        `token with that id (pkcs11-tool --login --write-object CERT.der --type cert --id ${key.id.toString('hex') || '…'}).`,
    );
  }
  const publicPoint = key.type === 'ec' ? ecPointOnToken(library, session, key) : undefined;
  const signing = withKeyId.map(valueOf).find((certificate) => matchesKey(certificate, key, publicPoint));
  if (!signing) {
    throw new Pkcs11Error(
      `The certificate with the id of key ${describeObject(key)} on the ${where} does not match the key: its public ` +
        `key is another key's. Write the key's own certificate to the token with that id.`,
    );
  }
  const others = findObjects(library, session, certificates)
    .map(valueOf)
    .filter((certificate) => !certificate.raw.equals(signing.raw));
  return { certificate: signing.raw, chain: issuersOf(signing, others) };
}

/** The certificates that issued `certificate`, from its issuer up, as far as they are on the token. */
function issuersOf(certificate: crypto.X509Certificate, candidates: crypto.X509Certificate[]): Buffer[] {
  const chain: crypto.X509Certificate[] = [];
  let current = certificate;
  while (!isSelfIssued(current)) {
    const issuer = candidates.find(
      (candidate) =>
        !chain.includes(candidate) && current.checkIssued(candidate) && current.verify(candidate.publicKey),
    );
    if (!issuer) break;
    chain.push(issuer);
    current = issuer;
  }
  return chain.map((issuer) => issuer.raw);
}

function isSelfIssued(certificate: crypto.X509Certificate): boolean {
  return certificate.checkIssued(certificate) && certificate.verify(certificate.publicKey);
}

function matchesKey(certificate: crypto.X509Certificate, key: PrivateKeyObject, ecPoint?: Buffer): boolean {
  if (key.type === 'rsa') {
    if (certificate.publicKey.asymmetricKeyType !== 'rsa') return false;
    const modulus = Buffer.from(certificate.publicKey.export({ format: 'jwk' }).n ?? '', 'base64url');
    return withoutLeadingZeros(modulus).equals(key.modulus);
  }
  if (certificate.publicKey.asymmetricKeyType !== 'ec') return false;
  const spki = AsnConvert.parse(
    certificate.publicKey.export({ format: 'der', type: 'spki' }),
    SubjectPublicKeyInfo,
  );
  const curve = Buffer.from(spki.algorithm.parameters ?? new ArrayBuffer(0));
  if (!curve.equals(key.ecParams)) return false;
  // The private key object carries no point; the token's public key object with the same id does, when present.
  if (!ecPoint) return true;
  const point = Buffer.from(spki.subjectPublicKey);
  return ecPoint.equals(point) || ecPoint.equals(derTlv(0x04, point));
}

function ecPointOnToken(
  library: pkcs11js.PKCS11,
  session: Buffer,
  key: PrivateKeyObject,
): Buffer | undefined {
  const [publicKey] = findObjects(library, session, [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PUBLIC_KEY },
    { type: pkcs11js.CKA_ID, value: key.id },
  ]);
  if (!publicKey) return undefined;
  return library.C_GetAttributeValue(session, publicKey, [{ type: pkcs11js.CKA_EC_POINT }])[0].value;
}

// ---- signing ----

function pkcs11Key(
  module: LoadedModule,
  token: SlotToken,
  session: Buffer,
  key: PrivateKeyObject,
  certificate: Buffer,
  chain: Buffer[],
  description: string,
): Pkcs11Key {
  let closed = false;
  // A session runs one operation at a time: signatures wait for the one before.
  let queue: Promise<unknown> = Promise.resolve();

  async function signNow(data: Buffer): Promise<Buffer> {
    if (closed) throw new Pkcs11Error(`The key on ${description} is closed: open it again to sign.`);
    try {
      if (key.type === 'rsa') {
        module.library.C_SignInit(session, { mechanism: pkcs11js.CKM_SHA256_RSA_PKCS }, key.handle);
        return await module.library.C_SignAsync(session, data, Buffer.alloc(key.modulus.length));
      }
      const digest = crypto.createHash('sha256').update(data).digest();
      module.library.C_SignInit(session, { mechanism: pkcs11js.CKM_ECDSA }, key.handle);
      // CKM_ECDSA gives r||s, each as long as the curve's order (66 bytes for P-521, the longest the hub signs
      // with): the IEEE P1363 form XML-DSig wants.
      return await module.library.C_SignAsync(session, digest, Buffer.alloc(2 * 66));
    } catch (error) {
      const code = codeOf(error);
      throw new Pkcs11Error(
        `The ${description} did not sign (${code ?? (error as Error).message})` +
          (code === 'CKR_DEVICE_REMOVED' || code === 'CKR_TOKEN_NOT_PRESENT'
            ? ': the card was removed; insert it and open the key again.'
            : code === 'CKR_USER_NOT_LOGGED_IN' || code === 'CKR_SESSION_HANDLE_INVALID'
              ? ': the session was lost; open the key again.'
              : '.'),
        code,
      );
    }
  }

  return {
    description,
    certificate,
    chain,
    sign(data) {
      const signature = queue.then(() => signNow(data));
      queue = signature.catch(() => undefined);
      return signature;
    },
    close() {
      if (closed) return;
      closed = true;
      endSession(module, token, session);
      releaseModule(module);
    },
  };
}

// ---- small PKCS#11 helpers ----

function findObjects(library: pkcs11js.PKCS11, session: Buffer, template: pkcs11js.Template): Buffer[] {
  library.C_FindObjectsInit(session, template);
  try {
    const handles: Buffer[] = [];
    for (;;) {
      const batch = library.C_FindObjects(session, 32);
      if (batch.length === 0) return handles;
      handles.push(...batch);
    }
  } finally {
    library.C_FindObjectsFinal(session);
  }
}

/** The objects matching `template`, with their labels and ids, in the order of their ids (for stable messages). */
function tokenObjects(library: pkcs11js.PKCS11, session: Buffer, template: pkcs11js.Template): TokenObject[] {
  return findObjects(library, session, template)
    .map((handle) => {
      const [label, id] = library.C_GetAttributeValue(session, handle, [
        { type: pkcs11js.CKA_LABEL },
        { type: pkcs11js.CKA_ID },
      ]);
      return { handle, label: label.value.toString('utf8'), id: id.value };
    })
    .sort((a, b) => Buffer.compare(a.id, b.id) || a.label.localeCompare(b.label));
}

function describeObject(object: TokenObject): string {
  return `"${object.label}" (id ${object.id.toString('hex') || 'empty'})`;
}

/** A CK_ULONG as pkcs11js hands it over: the native bytes. */
function ulongOf(bytes: Buffer): number {
  const littleEndian = os.endianness() === 'LE';
  if (bytes.length === 8) return Number(littleEndian ? bytes.readBigUInt64LE() : bytes.readBigUInt64BE());
  return littleEndian ? bytes.readUInt32LE() : bytes.readUInt32BE();
}

function withoutLeadingZeros(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  return bytes.subarray(start);
}

/** The CKR_… name of a PKCS#11 error from pkcs11js. */
function codeOf(error: unknown): string | undefined {
  return error instanceof pkcs11js.Pkcs11Error ? error.message : undefined;
}

/** Clean-up that must go on when one step fails (the card was pulled, the session is gone already). */
function attempt(what: string, step: () => void): void {
  try {
    step();
  } catch (error) {
    logger.warn({ code: codeOf(error) ?? (error as Error).message }, `PKCS#11: ${what} failed`);
  }
}
