import { issuerInvitationMail, loginLockedMail, passwordResetMail } from '../../mail/account-templates';
import { accountKey, networkKey } from '../../gateway/portal/login-throttle';

/** Pure rules of accounts: which network a login comes from, whose account a typed address is, the e-mails. */
describe('the network a login is counted against', () => {
  it('is the IPv4 address itself, also when written IPv4-mapped', () => {
    expect(networkKey('203.0.113.7')).toBe('203.0.113.7');
    expect(networkKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('is the /64 of an IPv6 address, however it is written', () => {
    expect(networkKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(networkKey('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(networkKey('2001:0db8:0001:0002::ffff')).toBe('2001:db8:1:2::/64');
    expect(networkKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(networkKey('::1')).toBe('0:0:0:0::/64');
  });

  it('is one shared bucket when the address is unknown', () => {
    expect(networkKey(undefined)).toBe('unknown');
  });
});

describe('the account a typed address is counted against', () => {
  it('ignores case and surrounding spaces, so variants of one address share one count', () => {
    expect(accountKey('  Ivana@Firma.BG ')).toBe('ivana@firma.bg');
  });
});

describe('account e-mails', () => {
  it('invite to an issuer in Bulgarian and English, naming the issuer, the role and who invited', () => {
    const mail = issuerInvitationMail({
      issuerName: 'Примерна Търговия ЕООД',
      role: 'admin',
      invitedBy: 'boss@firma.bg',
      link: 'https://hub.example/invite/abc',
      registered: false,
      expiresInDays: 30,
    });
    expect(mail.subject).toBe(
      'Достъп до Примерна Търговия ЕООД в хъба за е-фактури / Access to Примерна Търговия ЕООД in the e-invoice hub',
    );
    expect(mail.text).toContain(
      'Добавени сте като администратор на Примерна Търговия ЕООД (покана от boss@firma.bg).',
    );
    expect(mail.text).toContain(
      'You were added as administrator of Примерна Търговия ЕООД (invited by boss@firma.bg).',
    );
    expect(mail.text).toContain('valid for 30 days');
    expect(mail.text).toContain('https://hub.example/invite/abc');
    expect(mail.html).toContain('href="https://hub.example/invite/abc"');
  });

  it('give the reset link with its end in Sofia time, and say it ends every session', () => {
    const mail = passwordResetMail({
      link: 'https://hub.example/reset-password/t',
      expiresAt: '2026-03-01T10:00:00Z',
    });
    expect(mail.text).toContain('12:00 (Sofia time)');
    expect(mail.text).toContain('every session on every device ends');
    expect(mail.text).toContain('всички влизания на всички устройства приключват');
  });

  it('tell the owner of a lock how many failures, until when, and from where', () => {
    const mail = loginLockedMail({
      failures: 10,
      lockedUntil: '2026-03-01T10:15:00Z',
      fromAddress: '203.0.113.7',
      resetLink: 'https://hub.example/reset-password/t',
      resetExpiresAt: '2026-03-01T11:00:00Z',
    });
    expect(mail.text).toContain('10 failed logins with a wrong password (the last one from 203.0.113.7)');
    expect(mail.text).toContain('12:15 (Sofia time)');
    expect(mail.text).toContain('https://hub.example/reset-password/t');
  });
});
