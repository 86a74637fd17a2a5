import crypto from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import type { Db } from '../../db';
import { getIssuer } from '../../db/issuers';
import {
  loadPrincipal,
  setUserPassword,
  userPasswordHash,
  userSecurity,
  type Principal,
} from '../../db/users';
import type { Mailer } from '../../mail/mailer';
import { passwordChangedMail, secondFactorChangedMail } from '../../mail/account-templates';
import type { HubConfig } from '../../platform/config';
import { logger } from '../../platform/logger';
import { HttpError } from '../errors';
import { accountDeps, sendAccountMail, type AccountDeps } from './account-mail';
import { describeInvitation, registerUser } from './accounts';
import { requireIssuerMember } from './authorization';
import { addColleague, leaveSharedAddress, listColleagues, removeColleague } from './colleagues';
import type {
  AccountInfo,
  ColleagueAdded,
  EnrolledLogin,
  IssuerRoleName,
  IssuerUser,
  IssuerUserAdded,
  IssuerUserList,
  PasswordChanged,
  PasswordResetAccepted,
  SecondFactorEnabled,
  SessionInfo,
} from './contract';
import { addIssuerUser, changeIssuerUserRole, listIssuerUsers, removeIssuerUser } from './issuer-users';
import { Login, type LoginOutcome } from './login';
import { askForLoginAddressChange, confirmLoginAddressChange } from './login-address';
import { completePasswordReset, describePasswordReset, requestPasswordReset } from './password-reset';
import { hashPassword, passwordMatches, passwordProblem } from './passwords';
import { checkSecondFactor, confirmSetup, hasSecondFactor, startSetup, turnOff } from './second-factor';
import {
  endAllSessions,
  endOtherSessions,
  endSession,
  markSessionSecondFactor,
  requirePrincipal,
  sessionFacts,
  startSession,
} from './sessions';

/**
 * The portal's account endpoints, mounted inside the portal router (so Origin check, JSON and cookies apply).
 * Each states who may call it; "signed in" means any live session (recipient, issuer user, both).
 */
export interface AccountRouteDeps {
  db: Db;
  config: HubConfig;
  mailer?: Mailer;
  secret?: string;
}

export function createAccountRoutes(routeDeps: AccountRouteDeps): Router {
  const deps = accountDeps(routeDeps);
  const { db, config } = deps;
  const login = new Login(deps);
  const router = Router();

  const sessionInfo = async (userId: string): Promise<SessionInfo> => {
    const principal = await loadPrincipal(db, userId);
    if (!principal) throw new Error(`account ${userId} vanished while logging in`);
    return describeSession(principal);
  };
  /** A finished login sets the cookie and answers the session; a second step answers 202 with its ticket. */
  const answerLogin = async (req: Request, res: Response, outcome: LoginOutcome) => {
    if (outcome.kind === 'challenge') return res.status(202).json(outcome.challenge);
    await startSession(db, req, res, outcome.userId, { secondFactor: outcome.secondFactor });
    return res.json(await sessionInfo(outcome.userId));
  };

  // Whoever holds the invitation link: the address it was sent to, and what brought it.
  router.get('/invitations/:token', async (req, res) => {
    res.json(await describeInvitation(db, String(req.params.token)));
  });

  // Whoever holds the invitation link: the first password, and the session (or, for an issuer admin under
  // REQUIRE_2FA_ADMINS, the second factor's set-up first).
  router.post('/register', async (req, res) => {
    const { userId, email } = await registerUser(db, bodyString(req, 'token'), bodyString(req, 'password'));
    logger.info({ userId }, 'registered in the portal');
    const outcome = await login.afterRegistration(userId, email);
    if (outcome.kind === 'challenge') return res.status(202).json(outcome.challenge);
    await startSession(db, req, res, userId);
    return res.status(201).json(await sessionInfo(userId));
  });

  // Anyone: e-mail and password. Throttled per account and network address (429 with Retry-After).
  router.post('/login', async (req, res) => {
    const outcome = await throttled(res, () =>
      login.withPassword(bodyString(req, 'email'), bodyString(req, 'password'), req.ip),
    );
    await answerLogin(req, res, outcome);
  });

  // Whoever holds a second-factor ticket from POST /login (the right password, minutes ago).
  router.post('/login/second-factor', async (req, res) => {
    const outcome = await throttled(res, () =>
      login.withSecondFactor(bodyString(req, 'ticket'), bodyString(req, 'code')),
    );
    await answerLogin(req, res, outcome);
  });

  // Whoever holds a set-up ticket from POST /login (an issuer admin under REQUIRE_2FA_ADMINS without one yet).
  router.post('/login/second-factor-setup', async (req, res) => {
    res.json(await login.enrolment(bodyString(req, 'ticket')));
  });

  // The same ticket holder, with the first code from the newly set-up app.
  router.post('/login/second-factor-setup/confirm', async (req, res) => {
    const { outcome, recoveryCodes } = await throttled(res, () =>
      login.confirmEnrolment(bodyString(req, 'ticket'), bodyString(req, 'code')),
    );
    if (outcome.kind !== 'session') throw new Error('a confirmed set-up always ends the login');
    await startSession(db, req, res, outcome.userId, { secondFactor: true });
    const body: EnrolledLogin = { session: await sessionInfo(outcome.userId), recoveryCodes };
    res.json(body);
  });

  // Anyone. Always 202 and answered before the address is even looked up, so neither the answer nor its timing
  // tells whether the address has an account.
  router.post('/password-resets', (req, res) => {
    const email = bodyString(req, 'email');
    const body: PasswordResetAccepted = { linkMinutes: config.accounts.passwordResetMinutes };
    res.status(202).json(body);
    requestPasswordReset(deps, email).catch((error: unknown) =>
      logger.error({ err: error }, 'a password reset request failed'),
    );
  });

  // Whoever holds the e-mailed link.
  router.get('/password-resets/:token', async (req, res) => {
    res.json(await describePasswordReset(deps, String(req.params.token)));
  });

  // Whoever holds the e-mailed link: the new password; every session of the account ends, none starts.
  router.post('/password-resets/:token', async (req, res) => {
    const done = await completePasswordReset(deps, String(req.params.token), bodyString(req, 'password'));
    await login.unlock(done.email);
    await endSession(db, req, res); // this browser's session (if any) ended with the rest: drop its cookie too
    res.json({ email: done.email });
  });

  // Signed in: their own account's security facts.
  router.get('/me/account', async (req, res) => {
    const principal = await requirePrincipal(db, req);
    const [security, facts] = await Promise.all([
      userSecurity(db, principal.userId),
      sessionFacts(db, req, principal.userId),
    ]);
    const body: AccountInfo = {
      email: principal.email,
      registeredAt: security.registeredAt,
      passwordChangedAt: security.passwordChangedAt,
      secondFactor: {
        enabled: security.totpEnabledAt !== null,
        enabledAt: security.totpEnabledAt,
        required: secondFactorRequired(config, principal),
        recoveryCodesLeft: security.recoveryCodesLeft,
        thisSession: facts.secondFactor,
      },
      liveSessions: facts.liveSessions,
    };
    res.json(body);
  });

  // Signed in, knowing the current password (a guess counts against the account like a login).
  router.put('/me/password', async (req, res) => {
    const principal = await requirePrincipal(db, req);
    const current = bodyString(req, 'currentPassword');
    const wanted = bodyString(req, 'newPassword');
    await checkCurrentPassword(req, res, principal, current);
    const problem = passwordProblem(wanted, principal.email);
    if (problem) throw new HttpError(400, 'WEAK_PASSWORD', problem);
    if (current === wanted)
      throw new HttpError(400, 'SAME_PASSWORD', 'choose a password other than the current one');
    await setUserPassword(db, principal.userId, await hashPassword(wanted));
    const endedSessions = await endOtherSessions(db, req, principal.userId);
    logger.info({ userId: principal.userId, endedSessions }, 'password changed; other sessions ended');
    await sendAccountMail(deps.mailer, {
      idempotencyKey: `password-changed:${principal.userId}:${crypto.randomUUID()}`,
      kind: 'password-changed',
      to: principal.email,
      rendered: passwordChangedMail({ at: new Date().toISOString(), how: 'changed' }),
    });
    const body: PasswordChanged = { endedSessions };
    res.json(body);
  });

  // Signed in, knowing the current password: a new login address, once confirmed by the link mailed to it.
  router.post('/me/login-address', async (req, res) => {
    const principal = await requirePrincipal(db, req);
    const newEmail = bodyString(req, 'newEmail');
    await checkCurrentPassword(req, res, principal, bodyString(req, 'currentPassword'));
    res.status(202).json(await askForLoginAddressChange(deps, principal, newEmail));
  });

  // Whoever holds the link mailed to the new address: the account logs in with it from now on.
  router.post('/login-address-changes/:token', async (req, res) => {
    res.json(await confirmLoginAddressChange(deps, String(req.params.token)));
  });

  // Signed in: log out everywhere (every device, this one too).
  router.delete('/me/sessions', async (req, res) => {
    const principal = await requirePrincipal(db, req);
    const ended = await endAllSessions(db, principal.userId);
    await endSession(db, req, res); // clears this browser's cookie
    logger.info({ userId: principal.userId, ended }, 'logged out everywhere');
    res.status(204).end();
  });

  // Signed in: a new secret to scan (replaces a set-up not finished; the current factor stays until confirmed).
  router.post('/me/second-factor/setup', async (req, res) => {
    const principal = await requirePrincipal(db, req);
    res.json(await startSetup(deps, { id: principal.userId, email: principal.email }));
  });

  // Signed in, with the first code from the app: the second factor is on; this session counts as passed it.
  router.post('/me/second-factor/confirm', async (req, res) => {
    const principal = await requirePrincipal(db, req);
    const recoveryCodes = await confirmSetup(deps, principal.userId, bodyString(req, 'code'));
    await markSessionSecondFactor(db, req);
    await mailSecondFactorChange(deps, principal, true);
    const body: SecondFactorEnabled = { recoveryCodes };
    res.json(body);
  });

  // Signed in, with a current code (or recovery code); refused for issuer admins under REQUIRE_2FA_ADMINS.
  router.post('/me/second-factor/off', async (req, res) => {
    const principal = await requirePrincipal(db, req);
    if (secondFactorRequired(config, principal)) {
      throw new HttpError(409, 'SECOND_FACTOR_REQUIRED', 'issuer admins must keep the second factor on here');
    }
    if (!(await hasSecondFactor(deps, principal.userId))) return res.status(204).end();
    await throttled(res, async () => {
      await login.claimGuess(principal.email);
      if (!(await checkSecondFactor(deps, principal.userId, bodyString(req, 'code')))) {
        await login.wrongGuess(principal.email, req.ip);
        throw new HttpError(403, 'WRONG_CODE', 'the code is not right; enter the code the app shows now');
      }
    });
    await turnOff(deps, principal.userId);
    await mailSecondFactorChange(deps, principal, false);
    return res.status(204).end();
  });

  // Signed in: who sees the invoices of their own address, and which addresses others share with them.
  router.get('/me/colleagues', async (req, res) => {
    res.json(await listColleagues(deps, await requirePrincipal(db, req)));
  });

  // Signed in: shares their own address with a colleague (e-mailed an invitation, or a note when registered).
  router.post('/me/colleagues', async (req, res) => {
    const principal = await requirePrincipal(db, req);
    const { colleague, added, invitationMailed } = await addColleague(
      deps,
      principal,
      bodyString(req, 'email'),
    );
    const body: ColleagueAdded = { colleague, invitationMailed };
    res.status(added ? 201 : 200).json(body);
  });

  // Signed in, owner of the address: the colleague no longer sees its invoices (at once: every request rechecks).
  router.delete('/me/colleagues/:userId', async (req, res) => {
    await removeColleague(deps, await requirePrincipal(db, req), String(req.params.userId));
    res.status(204).end();
  });

  // Signed in, someone an address is shared with: they stop seeing it.
  router.delete('/me/shared-addresses/:address', async (req, res) => {
    await leaveSharedAddress(deps, await requirePrincipal(db, req), String(req.params.address));
    res.status(204).end();
  });

  // An admin of the issuer (a clerk: 403; anyone else: 404, as if there were no such issuer).
  router.get('/issuers/:issuerId/users', async (req, res) => {
    const issuerId = String(req.params.issuerId);
    await requireIssuerAdmin(deps, req, issuerId);
    const issuer = await getIssuer(db, issuerId);
    const body: IssuerUserList = {
      issuer: { issuerId, name: issuer?.name ?? '' },
      users: (await listIssuerUsers(deps, issuerId)).map(toIssuerUser),
    };
    res.json(body);
  });

  // An admin of the issuer: adds a user (or gives an existing one the role); the new user is e-mailed.
  router.post('/issuers/:issuerId/users', async (req, res) => {
    const issuerId = String(req.params.issuerId);
    const principal = await requireIssuerAdmin(deps, req, issuerId);
    const added = await addIssuerUser(deps, {
      issuerId,
      email: bodyString(req, 'email'),
      role: bodyRole(req),
      addedBy: { userId: principal.userId, email: principal.email },
    });
    const body: IssuerUserAdded = {
      user: toIssuerUser(added.member),
      invitationMailed: added.invitationMailed,
    };
    res.status(added.added ? 201 : 200).json(body);
  });

  // An admin of the issuer: another role for a user; the last admin cannot become a clerk.
  router.put('/issuers/:issuerId/users/:userId', async (req, res) => {
    const issuerId = String(req.params.issuerId);
    await requireIssuerAdmin(deps, req, issuerId);
    res.json(
      toIssuerUser(await changeIssuerUserRole(deps, issuerId, String(req.params.userId), bodyRole(req))),
    );
  });

  // An admin of the issuer: removes a user (themselves too, unless they are the last admin).
  router.delete('/issuers/:issuerId/users/:userId', async (req, res) => {
    const issuerId = String(req.params.issuerId);
    await requireIssuerAdmin(deps, req, issuerId);
    await removeIssuerUser(deps, issuerId, String(req.params.userId));
    res.status(204).end();
  });

  /** The current password, asked before a change of the account; a wrong one counts against it like a login. */
  async function checkCurrentPassword(req: Request, res: Response, principal: Principal, current: string) {
    await throttled(res, async () => {
      await login.claimGuess(principal.email);
      if (!(await passwordMatches(current, await userPasswordHash(db, principal.userId)))) {
        await login.wrongGuess(principal.email, req.ip);
        throw new HttpError(403, 'WRONG_PASSWORD', 'the current password is not right');
      }
      await login.unlock(principal.email);
    });
  }

  return router;
}

/** What the portal learns about the signed-in person (as GET /session answers). */
function describeSession(principal: Principal): SessionInfo {
  return {
    email: principal.email,
    locale: principal.locale,
    addresses: principal.addresses,
    issuers: principal.issuers,
    operator: principal.operator,
  };
}

function secondFactorRequired(config: HubConfig, principal: Principal): boolean {
  return config.accounts.requireTwoFactorForAdmins && principal.issuers.some((m) => m.role === 'admin');
}

/**
 * Issuer admin work needs the admin role there and, under REQUIRE_2FA_ADMINS, a session opened with the second
 * factor (a session older than the setting must log in again).
 */
async function requireIssuerAdmin(deps: AccountDeps, req: Request, issuerId: string): Promise<Principal> {
  const principal = await requirePrincipal(deps.db, req);
  requireIssuerMember(principal, issuerId, ['admin']);
  if (deps.config.accounts.requireTwoFactorForAdmins) {
    const facts = await sessionFacts(deps.db, req, principal.userId);
    if (!facts.secondFactor) {
      throw new HttpError(
        403,
        'SECOND_FACTOR_REQUIRED',
        'issuer admin work needs a login with the second factor: log out and in again',
      );
    }
  }
  return principal;
}

async function mailSecondFactorChange(
  deps: AccountDeps,
  principal: Principal,
  enabled: boolean,
): Promise<void> {
  await sendAccountMail(deps.mailer, {
    idempotencyKey: `second-factor:${principal.userId}:${crypto.randomUUID()}`,
    kind: 'second-factor-changed',
    to: principal.email,
    rendered: secondFactorChangedMail({ at: new Date().toISOString(), enabled }),
  });
}

/** Runs a throttled step; a refusal carries Retry-After, as HTTP 429 should. */
async function throttled<T>(res: Response, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (failure) {
    const wait = failure instanceof HttpError ? failure.extra.retryAfterSeconds : undefined;
    if (typeof wait === 'number') res.set('Retry-After', String(wait));
    throw failure;
  }
}

function toIssuerUser(member: IssuerUser): IssuerUser {
  return {
    userId: member.userId,
    email: member.email,
    role: member.role,
    registered: member.registered,
    addedAt: member.addedAt,
    addedBy: member.addedBy,
  };
}

function bodyString(req: Request, name: string): string {
  const body: unknown = req.body;
  const value: unknown =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  if (typeof value !== 'string' || value === '') {
    throw new HttpError(400, 'BAD_REQUEST', `send a JSON body with a non-empty "${name}" string`);
  }
  return value;
}

function bodyRole(req: Request): IssuerRoleName {
  const role = bodyString(req, 'role');
  if (role !== 'admin' && role !== 'clerk')
    throw new HttpError(400, 'BAD_REQUEST', 'role must be "admin" or "clerk"');
  return role;
}
