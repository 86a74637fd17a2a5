import type { PortalVisitor } from '../../portal/harness';
import type { Answer, HostileCase } from '../measure';
import { answerOf } from './rest';

/**
 * The portal's forms as the browser sends them (JSON to /api/v1/portal): the login, the archive search, opening a
 * dispute. The code is the API's error code; request validation answers INVALID_REQUEST naming the field, which
 * `detail` checks.
 */
export interface PortalDoor {
  baseUrl: string;
  /** The invoice's recipient, logged in. */
  visitor: PortalVisitor;
  invoiceId: string;
}

const PORTAL = '/api/v1/portal';

async function postRaw(door: PortalDoor, path: string, body: string): Promise<Answer> {
  const response = await fetch(door.baseUrl + PORTAL + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  return answerOf(response);
}

async function call(door: PortalDoor, method: string, path: string, body?: unknown): Promise<Answer> {
  const answer = await door.visitor.call(method, PORTAL + path, body);
  const error = (answer.body as { error?: { code: string; message: string } } | undefined)?.error;
  return error ? { code: error.code, detail: error.message } : { code: `HTTP ${answer.status}` };
}

const search = (query: string) => (door: PortalDoor) => call(door, 'GET', `/invoices?${query}`);
const openDispute = (body: unknown) => (door: PortalDoor) =>
  call(door, 'POST', `/invoices/${door.invoiceId}/disputes`, body);

export const portalCases: HostileCase<PortalDoor>[] = [
  {
    name: 'log in with JSON cut off',
    kind: 'oversized and truncated uploads',
    expect: 'MALFORMED_JSON',
    send: (door) => postRaw(door, '/login', '{"email": "a@b.example", "password": "x'),
  },
  {
    name: 'log in with a 100 KB password',
    kind: 'huge attributes and texts',
    expect: 'PAYLOAD_TOO_LARGE',
    send: (door) =>
      postRaw(door, '/login', JSON.stringify({ email: 'a@b.example', password: 'x'.repeat(100_000) })),
  },
  {
    name: 'log in with an e-mail nested 5,000 arrays deep',
    kind: 'deep nesting',
    expect: 'INVALID_REQUEST',
    detail: /email/,
    send: (door) =>
      postRaw(door, '/login', `{"email": ${'['.repeat(5000)}${']'.repeat(5000)}, "password": "x"}`),
  },
  {
    name: 'log in with a NUL byte in the e-mail',
    kind: 'path traversal and NUL bytes in names',
    expect: 'NUL_CHARACTER',
    detail: /body\.email/,
    send: (door) =>
      postRaw(door, '/login', JSON.stringify({ email: 'a@b.example\u0000.evil', password: 'x' })),
  },
  {
    name: 'search from=2026-02-30',
    kind: 'impossible dates',
    expect: 'INVALID_REQUEST',
    detail: /from/,
    send: search('from=2026-02-30'),
  },
  {
    name: 'search to=2026-13-45',
    kind: 'impossible dates',
    expect: 'INVALID_REQUEST',
    detail: /to/,
    send: search('to=2026-13-45'),
  },
  {
    name: 'search amountMin=1e5',
    kind: 'numbers with exponents, commas, 40 digits',
    expect: 'INVALID_REQUEST',
    detail: /amountMin/,
    send: search('amountMin=1e5'),
  },
  {
    name: 'search amountMin=1,5',
    kind: 'numbers with exponents, commas, 40 digits',
    expect: 'INVALID_REQUEST',
    detail: /amountMin/,
    send: search('amountMin=1%2C5'),
  },
  {
    name: 'search amountMax of 40 digits',
    kind: 'numbers with exponents, commas, 40 digits',
    expect: 'INVALID_REQUEST',
    detail: /amountMax/,
    send: search(`amountMax=${'9'.repeat(40)}`),
  },
  {
    name: 'search for a number with a NUL byte',
    kind: 'path traversal and NUL bytes in names',
    expect: 'NUL_CHARACTER',
    detail: /query\.number/,
    send: search('number=0000%0042'),
  },
  {
    name: 'a dispute whose text holds a NUL byte',
    kind: 'path traversal and NUL bytes in names',
    expect: 'NUL_CHARACTER',
    detail: /body\.text/,
    send: openDispute({ category: 'other', text: 'wrong\u0000amount' }),
  },
  {
    name: 'a dispute of 20 KB of text',
    kind: 'huge attributes and texts',
    expect: 'PAYLOAD_TOO_LARGE',
    send: openDispute({ category: 'wrong-amount', text: 'я'.repeat(10_000) }),
  },
  {
    name: 'a dispute whose category is __proto__',
    kind: 'prototype and type tricks',
    expect: 'INVALID_REQUEST',
    detail: /category/,
    send: openDispute({ category: '__proto__', text: 'x' }),
  },
  {
    name: 'a dispute whose text is an object',
    kind: 'prototype and type tricks',
    expect: 'INVALID_REQUEST',
    detail: /text/,
    send: openDispute({ category: 'other', text: { toString: 'x' } }),
  },
];
