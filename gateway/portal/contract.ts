/**
 * The portal API contract: what the recipient portal (portal/) and the gateway router (gateway/portal/)
 * exchange. Types only, plus the password rule both sides enforce, so the browser bundle can import it.
 */
import type { DocumentKind, Invoice } from '../../domain/invoice/model';

export const PORTAL_API_BASE = '/api/v1/portal';

/** The one password rule: long enough to resist guessing; no composition rules (NIST SP 800-63B). */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

export type PortalErrorCode =
  | 'BAD_REQUEST'
  | 'INVITATION_NOT_FOUND'
  | 'INVITATION_USED'
  | 'INVITATION_EXPIRED'
  | 'WEAK_PASSWORD'
  | 'ALREADY_REGISTERED'
  | 'INVALID_CREDENTIALS'
  | 'NOT_AUTHENTICATED'
  | 'INVOICE_NOT_FOUND'
  | 'ORIGINAL_NOT_AVAILABLE'
  | 'INTERNAL'
  // accounts (gateway/portal/account-routes.ts)
  | 'LOGIN_THROTTLED'
  | 'ACCOUNT_LOCKED'
  | 'LOGIN_EXPIRED'
  | 'WRONG_CODE'
  | 'WRONG_PASSWORD'
  | 'SAME_PASSWORD'
  | 'NO_SECOND_FACTOR_SETUP'
  | 'SECOND_FACTOR_REQUIRED'
  | 'RESET_NOT_FOUND'
  | 'RESET_USED'
  | 'RESET_SUPERSEDED'
  | 'RESET_EXPIRED'
  | 'SHARE_WITH_YOURSELF'
  | 'TOO_MANY_COLLEAGUES'
  | 'LAST_ADMIN'
  | 'FORBIDDEN'
  | 'NOT_FOUND';

export interface PortalErrorBody {
  error: { code: PortalErrorCode; message: string };
}

/** GET /invitations/:token */
export interface InvitationInfo {
  email: string;
  invoiceId?: string;
  /** Issuers that added the person as a user (names), when the invitation is (also) for that. */
  issuers?: string[];
  /** Colleagues' addresses shared with the person, when the invitation is (also) for that. */
  sharedAddresses?: string[];
}

/** POST /register */
export interface RegisterRequest {
  token: string;
  password: string;
}

/** POST /login */
export interface LoginRequest {
  email: string;
  password: string;
}

/** POST /register, POST /login, GET /session */
export interface SessionInfo {
  email: string;
  /** The portal language the person chose (Bulgarian by default). */
  locale: 'bg' | 'en';
  /** Recipient addresses whose invoices the person sees: their own first, then those colleagues shared. */
  addresses: string[];
  /** Issuers the person works for, with their role there. */
  issuers: { issuerId: string; name: string; role: 'admin' | 'clerk' }[];
  /** Operates the hub: the portal shows the operator console. */
  operator: boolean;
}

/** GET /invoices: one row of the recipient's list. */
export interface InvoiceListItem {
  id: string;
  number: string;
  issueDate: string;
  dueDate: string | null;
  currency: string;
  /** Amount payable (BT-115), a decimal string as written in the document. */
  total: string;
  supplierName: string | null;
  status: string;
  /** First authenticated view by the recipient; null while unread. */
  viewedAt: string | null;
}

export interface InvoiceList {
  invoices: InvoiceListItem[];
}

/** One entry of the invoice's status timeline. */
export interface TimelineEntry {
  at: string;
  type: string;
  detail: string | null;
}

/** GET /invoices/:id */
export interface InvoiceDetail {
  id: string;
  status: string;
  number: string;
  kind: DocumentKind;
  issueDate: string;
  dueDate: string | null;
  currency: string;
  total: string;
  receivedAt: string;
  viewedAt: string | null;
  /** How the issuer delivered it: api, sftp, sftp-pickup, as2. */
  channel: string;
  invoice: Invoice;
  timeline: TimelineEntry[];
  links: {
    /** Download of the original signed XML. */
    original: string;
    /** The same invoice as a PDF rendered by the hub. */
    pdf: string;
    /** The evidence package (ASiC-E): everything the archive holds about the invoice, signed; null until archived. */
    evidence: string | null;
    /** The invoice's lifecycle in the Temporal Web UI, for operators; null when not configured. */
    workflow: string | null;
  };
}

/** POST /invoices/:id/views: the return receipt. */
export interface ViewReceipt {
  /** Time of the first view (the receipt time), also on later views. */
  viewedAt: string;
  firstView: boolean;
}

/** How an issuer's system delivered an invoice, in words (the portal and the timeline say it alike). */
export const CHANNEL_NAMES: Record<string, string> = {
  api: 'the hub API',
  sftp: 'SFTP upload',
  'sftp-pickup': "SFTP pickup from the issuer's server",
  as2: 'AS2',
  cli: 'the command line',
};

/*
 * Accounts (gateway/portal/account-routes.ts): login with a second factor, password reset and change, log out
 * everywhere, colleagues who see one's invoices, an issuer's users.
 */

/** POST /login answers 202 with this when a second step is needed before the session starts. */
export interface LoginChallenge {
  /** second-factor: enter the app's code (or a recovery code); second-factor-setup: an issuer admin must set one up. */
  next: 'second-factor' | 'second-factor-setup';
  /** Proof of the right password for the next step; a few minutes and a few tries. */
  ticket: string;
  expiresAt: string;
}

/** POST /login/second-factor */
export interface SecondFactorLoginRequest {
  ticket: string;
  code: string;
}

/** What an authenticator app needs: scan the QR code (an image as a data: URL) or type the secret. */
export interface SecondFactorSetup {
  secret: string;
  otpauthUri: string;
  qrCode: string;
}

/** The second factor is on: one-time codes for a lost phone, shown this once. */
export interface SecondFactorEnabled {
  recoveryCodes: string[];
}

/** POST /login/second-factor-setup/confirm: the admin's session starts with the second factor on. */
export interface EnrolledLogin extends SecondFactorEnabled {
  session: SessionInfo;
}

/** POST /password-resets */
export interface PasswordResetRequest {
  email: string;
}

/** POST /password-resets (202): how long the e-mailed link will work, whether or not an e-mail goes out. */
export interface PasswordResetAccepted {
  linkMinutes: number;
}

/** GET /password-resets/:token */
export interface PasswordResetInfo {
  email: string;
}

/** POST /password-resets/:token */
export interface PasswordResetCompletion {
  password: string;
}

/** PUT /me/password */
export interface PasswordChangeRequest {
  currentPassword: string;
  newPassword: string;
}

/** PUT /me/password: the other sessions ended. */
export interface PasswordChanged {
  endedSessions: number;
}

/** POST /me/login-address */
export interface LoginAddressChangeRequest {
  newEmail: string;
  currentPassword: string;
}

/** POST /me/login-address: a link to confirm was mailed to the new address (`mailed` false: the SMTP server refused). */
export interface LoginAddressChangeRequested {
  email: string;
  expiresAt: string;
  mailed: boolean;
}

/** POST /login-address-changes/{token}: the account logs in with `email` now; its invoices stayed with it. */
export interface LoginAddressChanged {
  email: string;
  previous: string;
}

/** GET /me/account */
export interface AccountInfo {
  email: string;
  registeredAt: string | null;
  passwordChangedAt: string | null;
  secondFactor: {
    enabled: boolean;
    enabledAt: string | null;
    /** REQUIRE_2FA_ADMINS and the person is an issuer admin: it cannot be turned off. */
    required: boolean;
    recoveryCodesLeft: number;
    /** This session was opened with the second factor. */
    thisSession: boolean;
  };
  /** Sessions open now on all devices, this one included. */
  liveSessions: number;
}

/** POST /me/second-factor/confirm, POST /me/second-factor/off */
export interface SecondFactorCode {
  code: string;
}

/** Someone who sees the invoices addressed to the person's own address. */
export interface Colleague {
  userId: string;
  email: string;
  /** False while they have not chosen a password yet. */
  registered: boolean;
  sharedAt: string;
}

/** GET /me/colleagues */
export interface ColleagueList {
  /** The person's own address: what they share. */
  address: string;
  colleagues: Colleague[];
  /** Addresses colleagues share with the person. */
  sharedWithMe: { address: string; sharedBy: string; sharedAt: string }[];
}

/** POST /me/colleagues */
export interface ColleagueRequest {
  email: string;
}

/** POST /me/colleagues, POST /issuers/:issuerId/users: whether the e-mail went out. */
export interface ColleagueAdded {
  colleague: Colleague;
  invitationMailed: boolean;
}

export type IssuerRoleName = 'admin' | 'clerk';

/** A person who works for an issuer in the portal. */
export interface IssuerUser {
  userId: string;
  email: string;
  role: IssuerRoleName;
  /** False while they have not chosen a password yet. */
  registered: boolean;
  addedAt: string;
  /** Who added them (their e-mail); null when an operator did (bin/hub issuer user add). */
  addedBy: string | null;
}

/** GET /issuers/:issuerId/users */
export interface IssuerUserList {
  issuer: { issuerId: string; name: string };
  users: IssuerUser[];
}

/** POST /issuers/:issuerId/users */
export interface IssuerUserRequest {
  email: string;
  role: IssuerRoleName;
}

/** PUT /issuers/:issuerId/users/:userId */
export interface IssuerRoleChange {
  role: IssuerRoleName;
}

export interface IssuerUserAdded {
  user: IssuerUser;
  invitationMailed: boolean;
}
