/**
 * The account endpoints of the portal API (account-routes.ts) in the OpenAPI document (gateway/openapi.ts), which
 * the gateway validates every request against: a path missing here answers 404.
 */
export interface OpenApiParts {
  error: unknown;
  ok: (description: string) => unknown;
  jsonBody: (required: string[], properties: Record<string, unknown>) => unknown;
  portalSecurity: unknown[];
}

export function accountPaths({ error, ok, jsonBody, portalSecurity }: OpenApiParts) {
  const pathString = (name: string, minLength: number, maxLength: number) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string', minLength, maxLength },
  });
  const uuidParameter = (name: string) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string', format: 'uuid' },
  });
  const email = { type: 'string', minLength: 3, maxLength: 320 };
  const password = { type: 'string', maxLength: 256 };
  const ticket = { type: 'string', minLength: 20, maxLength: 100 };
  const code = { type: 'string', minLength: 6, maxLength: 20 };
  const role = { type: 'string', enum: ['admin', 'clerk'] };
  const throttled = { '429': error };
  const anyone: unknown[] = [];

  return {
    '/portal/invitations/{token}': {
      get: {
        operationId: 'describeInvitation',
        security: anyone,
        parameters: [pathString('token', 10, 200)],
        responses: {
          '200': ok('The address the invitation was sent to, and what brought it'),
          '404': error,
          '410': error,
        },
      },
    },
    '/portal/register': {
      post: {
        operationId: 'register',
        security: anyone,
        requestBody: jsonBody(['token', 'password'], {
          token: { type: 'string', minLength: 10, maxLength: 200 },
          password,
        }),
        responses: {
          '201': ok('Registered and logged in (sets the session cookie)'),
          '202': ok('Registered; an issuer admin sets up the second factor before the session starts'),
          '400': error,
          '404': error,
          '409': error,
          '410': error,
        },
      },
    },
    '/portal/login': {
      post: {
        operationId: 'login',
        summary: 'Log in (recipients and issuer users alike)',
        security: anyone,
        requestBody: jsonBody(['email', 'password'], { email: { type: 'string', maxLength: 320 }, password }),
        responses: {
          '200': ok('Logged in (sets the session cookie)'),
          '202': ok('The password is right; the second factor comes next (a ticket)'),
          '400': error,
          '401': error,
          ...throttled,
        },
      },
    },
    '/portal/login/second-factor': {
      post: {
        operationId: 'loginSecondFactor',
        security: anyone,
        requestBody: jsonBody(['ticket', 'code'], { ticket, code }),
        responses: { '200': ok('Logged in (sets the session cookie)'), '401': error, ...throttled },
      },
    },
    '/portal/login/second-factor-setup': {
      post: {
        operationId: 'loginSecondFactorSetup',
        security: anyone,
        requestBody: jsonBody(['ticket'], { ticket }),
        responses: { '200': ok('A secret and QR code for the authenticator app'), '401': error },
      },
    },
    '/portal/login/second-factor-setup/confirm': {
      post: {
        operationId: 'loginSecondFactorConfirm',
        security: anyone,
        requestBody: jsonBody(['ticket', 'code'], { ticket, code }),
        responses: {
          '200': ok('The second factor is on; logged in; recovery codes shown once'),
          '400': error,
          '401': error,
          ...throttled,
        },
      },
    },
    '/portal/password-resets': {
      post: {
        operationId: 'requestPasswordReset',
        security: anyone,
        requestBody: jsonBody(['email'], { email }),
        responses: { '202': ok('A link is e-mailed if the address has an account'), '400': error },
      },
    },
    '/portal/password-resets/{token}': {
      get: {
        operationId: 'describePasswordReset',
        security: anyone,
        parameters: [pathString('token', 20, 100)],
        responses: { '200': ok('The address whose password the link resets'), '404': error, '410': error },
      },
      post: {
        operationId: 'completePasswordReset',
        security: anyone,
        parameters: [pathString('token', 20, 100)],
        requestBody: jsonBody(['password'], { password }),
        responses: {
          '200': ok('The new password is set; every session of the account has ended'),
          '400': error,
          '404': error,
          '410': error,
        },
      },
    },
    '/portal/me/account': {
      get: {
        operationId: 'getAccount',
        security: portalSecurity,
        responses: {
          '200': ok('Password, second factor and sessions of the signed-in person'),
          '401': error,
        },
      },
    },
    '/portal/me/password': {
      put: {
        operationId: 'changePassword',
        security: portalSecurity,
        requestBody: jsonBody(['currentPassword', 'newPassword'], {
          currentPassword: password,
          newPassword: password,
        }),
        responses: {
          '200': ok('Changed; every other session has ended'),
          '400': error,
          '401': error,
          '403': error,
          ...throttled,
        },
      },
    },
    '/portal/me/login-address': {
      post: {
        operationId: 'requestLoginAddressChange',
        description:
          'Who may call: any signed-in person, with their current password. A link to confirm is mailed to the new ' +
          'address; nothing changes until it is opened. The invoices received so far stay with the account.',
        security: portalSecurity,
        requestBody: jsonBody(['newEmail', 'currentPassword'], {
          newEmail: email,
          currentPassword: password,
        }),
        responses: {
          '202': ok('A confirmation link was mailed to the new address'),
          '400': error,
          '401': error,
          '403': error,
          ...throttled,
        },
      },
    },
    '/portal/login-address-changes/{token}': {
      post: {
        operationId: 'confirmLoginAddressChange',
        description: 'Who may call: whoever holds the link mailed to the new address.',
        security: anyone,
        parameters: [pathString('token', 20, 100)],
        responses: {
          '200': ok('The account logs in with the new address from now on'),
          '404': error,
          '409': error,
          '410': error,
        },
      },
    },
    '/portal/me/sessions': {
      delete: {
        operationId: 'logOutEverywhere',
        security: portalSecurity,
        responses: { '204': { description: 'Every session on every device has ended' }, '401': error },
      },
    },
    '/portal/me/second-factor/setup': {
      post: {
        operationId: 'startSecondFactorSetup',
        security: portalSecurity,
        responses: { '200': ok('A secret and QR code for the authenticator app'), '401': error },
      },
    },
    '/portal/me/second-factor/confirm': {
      post: {
        operationId: 'confirmSecondFactor',
        security: portalSecurity,
        requestBody: jsonBody(['code'], { code }),
        responses: { '200': ok('On; recovery codes shown once'), '400': error, '401': error, '409': error },
      },
    },
    '/portal/me/second-factor/off': {
      post: {
        operationId: 'turnOffSecondFactor',
        security: portalSecurity,
        requestBody: jsonBody(['code'], { code }),
        responses: { '204': { description: 'Off' }, '401': error, '403': error, '409': error, ...throttled },
      },
    },
    '/portal/me/colleagues': {
      get: {
        operationId: 'listColleagues',
        security: portalSecurity,
        responses: { '200': ok('Who sees your invoices; whose invoices you see'), '401': error },
      },
      post: {
        operationId: 'addColleague',
        security: portalSecurity,
        requestBody: jsonBody(['email'], { email }),
        responses: {
          '201': ok('Shared; the colleague is e-mailed'),
          '200': ok('Shared already'),
          '400': error,
          '401': error,
          '409': error,
        },
      },
    },
    '/portal/me/colleagues/{userId}': {
      delete: {
        operationId: 'removeColleague',
        security: portalSecurity,
        parameters: [uuidParameter('userId')],
        responses: { '204': { description: 'They no longer see your invoices' }, '401': error, '404': error },
      },
    },
    '/portal/me/shared-addresses/{address}': {
      delete: {
        operationId: 'leaveSharedAddress',
        security: portalSecurity,
        parameters: [pathString('address', 3, 320)],
        responses: { '204': { description: 'You no longer see its invoices' }, '401': error, '404': error },
      },
    },
    '/portal/issuers/{issuerId}/users': {
      get: {
        operationId: 'listIssuerUsers',
        security: portalSecurity,
        parameters: [uuidParameter('issuerId')],
        responses: { '200': ok("The issuer's portal users"), '401': error, '403': error, '404': error },
      },
      post: {
        operationId: 'addIssuerUser',
        security: portalSecurity,
        parameters: [uuidParameter('issuerId')],
        requestBody: jsonBody(['email', 'role'], { email, role }),
        responses: {
          '201': ok('Added; the person is e-mailed'),
          '200': ok('A user already; the role is set'),
          '400': error,
          '401': error,
          '403': error,
          '404': error,
          '409': error,
        },
      },
    },
    '/portal/issuers/{issuerId}/users/{userId}': {
      put: {
        operationId: 'changeIssuerUserRole',
        security: portalSecurity,
        parameters: [uuidParameter('issuerId'), uuidParameter('userId')],
        requestBody: jsonBody(['role'], { role }),
        responses: { '200': ok('The new role'), '401': error, '403': error, '404': error, '409': error },
      },
      delete: {
        operationId: 'removeIssuerUser',
        security: portalSecurity,
        parameters: [uuidParameter('issuerId'), uuidParameter('userId')],
        responses: {
          '204': { description: 'Removed' },
          '401': error,
          '403': error,
          '404': error,
          '409': error,
        },
      },
    },
  };
}
