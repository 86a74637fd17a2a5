import { invalidAddress, isEmailAddress, permanentSmtpRefusal } from '../../domain/operations/undeliverable';

/** Which notification failures retrying cannot fix (domain/operations/undeliverable.ts). */
describe('undeliverable causes', () => {
  test.each([
    '../../etc/passwd',
    'no-at-sign.example',
    'two@@at.example',
    'a b@c.example',
    'x@localhost',
    '',
  ])('%j is not an e-mail address', (address) => {
    expect(isEmailAddress(address)).toBe(false);
    expect(invalidAddress(address)).toMatchObject({ code: 'RECIPIENT_ADDRESS_INVALID' });
  });

  test.each(['ivan@firma.bg', 'billing+hub@buyer.example', 'o.neil@sub.domain.example'])(
    '%j is one',
    (address) => expect(invalidAddress(address)).toBeUndefined(),
  );

  test.each([550, 551, 553, 554])('%i to RCPT TO is a refusal for good', (responseCode) => {
    const refusal = permanentSmtpRefusal(
      { responseCode, command: 'RCPT TO', response: `${responseCode} 5.1.1 no such user` },
      'x@y.example',
    );
    expect(refusal).toEqual({
      code: 'RECIPIENT_REJECTED',
      reason: `the mail server refused x@y.example: ${responseCode} 5.1.1 no such user`,
    });
  });

  test.each([
    ['a full mailbox (552)', { responseCode: 552, command: 'RCPT TO' }],
    ['a temporary refusal (451)', { responseCode: 451, command: 'RCPT TO' }],
    ['a refused message body (554 after DATA)', { responseCode: 554, command: 'DATA' }],
    ['a connection failure', { code: 'ECONNREFUSED' }],
    ['not an error object', 'boom'],
  ])('%s is retried', (_what, error) => expect(permanentSmtpRefusal(error, 'x@y.example')).toBeUndefined());
});
