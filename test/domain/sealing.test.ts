import crypto from 'node:crypto';
import { seal, SealError, unseal } from '../../platform/sealing';

describe('sealing secrets with the hub secret (AES-256-GCM, key by HKDF-SHA-256)', () => {
  const secret = 'hub-secret-for-tests';
  const purpose = 'sftp-pickup:2f6e0c2a-0000-4000-8000-000000000001';
  const privateKey = Buffer.from(
    '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n',
  );

  test('what is sealed opens again with the same secret and purpose, byte for byte', () => {
    expect(unseal(seal(privateKey, secret, purpose), secret, purpose).equals(privateKey)).toBe(true);
    expect(unseal(seal('text', secret, purpose), secret, purpose).toString()).toBe('text');
  });

  test('the sealed text holds nothing of the clear text, and sealing twice gives two different texts', () => {
    const first = seal(privateKey, secret, purpose);
    const second = seal(privateKey, secret, purpose);
    expect(first).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(first).not.toContain('OPENSSH');
    expect(Buffer.from(first.split('.')[4], 'base64url').toString('latin1')).not.toContain('OPENSSH');
    expect(first).not.toBe(second);
  });

  test('another hub secret cannot open it', () => {
    expect(() => unseal(seal(privateKey, secret, purpose), 'another-secret', purpose)).toThrow(SealError);
  });

  test('a value sealed for one issuer does not open as another issuer’s', () => {
    const sealed = seal(privateKey, secret, purpose);
    expect(() => unseal(sealed, secret, `sftp-pickup:${crypto.randomUUID()}`)).toThrow(/another purpose/);
  });

  test('any altered byte is detected, not decrypted into garbage', () => {
    const sealed = seal(privateKey, secret, purpose);
    const parts = sealed.split('.');
    const ciphertext = Buffer.from(parts[4], 'base64url');
    ciphertext[3] ^= 0x01;
    parts[4] = ciphertext.toString('base64url');
    expect(() => unseal(parts.join('.'), secret, purpose)).toThrow(SealError);
    const tag = Buffer.from(parts[3], 'base64url');
    tag[0] ^= 0x80;
    expect(() =>
      unseal([...parts.slice(0, 3), tag.toString('base64url'), parts[4]].join('.'), secret, purpose),
    ).toThrow(SealError);
  });

  test('text that is not a sealed value is refused with a reason', () => {
    expect(() => unseal('-----BEGIN OPENSSH PRIVATE KEY-----', secret, purpose)).toThrow(
      /not a value sealed/,
    );
    expect(() => unseal('v1.AA.AA.AA.AA', secret, purpose)).toThrow(/damaged/);
    expect(() => seal(privateKey, '', purpose)).toThrow(/no hub secret/);
  });
});
