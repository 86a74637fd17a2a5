import crypto from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';
import { withTransaction } from '../../db';
import {
  disableTotp,
  enableTotp,
  setPendingTotp,
  spendRecoveryCode,
  spendTotpStep,
  totpState,
} from '../../db/second-factor';
import { seal, unseal } from '../../platform/sealing';
import { HttpError } from '../errors';
import type { AccountDeps } from './account-mail';
import type { SecondFactorSetup } from './contract';

/**
 * The optional second factor: a TOTP app (RFC 6238: SHA-1, 6 digits, 30 s, as every authenticator app expects),
 * and ten one-time recovery codes for a lost phone. The secret is sealed with the hub secret; a code is accepted one
 * step either side of now (clocks drift) and only once (the step it matched is recorded).
 */
const ISSUER_LABEL = 'E-Invoice Hub';
const RECOVERY_CODES = 10;
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'; // no 0/o, 1/l/i: read off paper without doubt

const purpose = (userId: string) => `totp:${userId}`;

/** A fresh secret to scan; it becomes the account's second factor once `confirmSetup` sees a right code. */
export async function startSetup(
  deps: AccountDeps,
  user: { id: string; email: string },
): Promise<SecondFactorSetup> {
  const secret = generateSecret();
  await setPendingTotp(deps.db, user.id, seal(secret, deps.secret, purpose(user.id)));
  const uri = generateURI({ issuer: ISSUER_LABEL, label: user.email, secret });
  const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
  return {
    secret,
    otpauthUri: uri,
    qrCode: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`,
  };
}

/** Turns the second factor on when `code` is right for the secret being set up; returns the recovery codes. */
export async function confirmSetup(deps: AccountDeps, userId: string, code: string): Promise<string[]> {
  const state = await totpState(deps.db, userId);
  if (!state.pendingSealed) {
    throw new HttpError(409, 'NO_SECOND_FACTOR_SETUP', 'start setting up the second factor first');
  }
  const secret = unseal(state.pendingSealed, deps.secret, purpose(userId)).toString();
  const step = await matchingStep(secret, code, null);
  if (step === undefined) {
    throw new HttpError(
      400,
      'WRONG_CODE',
      'the code is not the one the app shows now; check the app and try again',
    );
  }
  const codes = Array.from({ length: RECOVERY_CODES }, recoveryCode);
  await withTransaction(deps.db, (client) =>
    enableTotp(
      client,
      userId,
      step,
      codes.map((c) => recoveryDigest(deps.secret, c)),
    ),
  );
  return codes;
}

/** Whether `code` (the app's six digits, or one recovery code) proves the second factor now; spends it if so. */
export async function checkSecondFactor(deps: AccountDeps, userId: string, code: string): Promise<boolean> {
  const cleaned = code.replace(/[\s-]/g, '').toLowerCase();
  if (!/^\d{6}$/.test(cleaned)) {
    return cleaned.length === 10 && spendRecoveryCode(deps.db, userId, recoveryDigest(deps.secret, cleaned));
  }
  return withTransaction(deps.db, async (client) => {
    const state = await totpState(client, userId, true); // one login per code, even from two tabs at once
    if (!state.secretSealed) return false;
    const secret = unseal(state.secretSealed, deps.secret, purpose(userId)).toString();
    const step = await matchingStep(secret, cleaned, state.lastStep);
    return step !== undefined && spendTotpStep(client, userId, step);
  });
}

export async function hasSecondFactor(deps: AccountDeps, userId: string): Promise<boolean> {
  return (await totpState(deps.db, userId)).secretSealed !== null;
}

export function turnOff(deps: AccountDeps, userId: string): Promise<void> {
  return disableTotp(deps.db, userId);
}

/** The time step `code` belongs to (within one step of now, after `afterStep`), if any. */
async function matchingStep(
  secret: string,
  code: string,
  afterStep: number | null,
): Promise<number | undefined> {
  if (!/^\d{6}$/.test(code)) return undefined;
  const result = await verify({
    secret,
    token: code,
    epochTolerance: 30,
    ...(afterStep === null ? {} : { afterTimeStep: afterStep }),
  });
  return result.valid && 'timeStep' in result ? result.timeStep : undefined;
}

/** Ten characters from an unambiguous alphabet, shown as xxxxx-xxxxx (about 49 bits each). */
function recoveryCode(): string {
  const chars = Array.from(
    { length: 10 },
    () => RECOVERY_ALPHABET[crypto.randomInt(RECOVERY_ALPHABET.length)],
  );
  return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`;
}

/** Keyed with the hub secret: a copy of the table alone does not let anyone search the codes offline. */
const recoveryDigest = (secret: string, code: string) =>
  crypto
    .createHmac('sha256', secret)
    .update(`recovery:${code.replace(/[\s-]/g, '').toLowerCase()}`)
    .digest('hex');
