import { render, type RenderedMail } from './templates';

/**
 * The e-mails about people's accounts, in Bulgarian and English like every hub e-mail: invitations to work for an
 * issuer or to see a colleague's invoices, password reset links, the lock after failed logins, and notices of
 * changes the owner should know about (so a stranger's change does not go unnoticed).
 */

/** A moment as people in Bulgaria read it, in both languages. */
function moment(iso: string): { bg: string; en: string } {
  const options: Intl.DateTimeFormatOptions = {
    timeZone: 'Europe/Sofia',
    dateStyle: 'long',
    timeStyle: 'short',
  };
  const at = new Date(iso);
  return {
    bg: new Intl.DateTimeFormat('bg-BG', options).format(at),
    en: `${new Intl.DateTimeFormat('en-GB', options).format(at)} (Sofia time)`,
  };
}

const ROLE_NAMES = {
  admin: { bg: 'администратор', en: 'administrator' },
  clerk: { bg: 'служител', en: 'clerk' },
} as const;

export function issuerInvitationMail(invitation: {
  issuerName: string;
  role: 'admin' | 'clerk';
  invitedBy: string | null;
  link: string;
  /** The person has a password already: the link is the login, not a registration. */
  registered: boolean;
  expiresInDays: number;
}): RenderedMail {
  const role = ROLE_NAMES[invitation.role];
  const by = invitation.invitedBy
    ? { bg: ` (покана от ${invitation.invitedBy})`, en: ` (invited by ${invitation.invitedBy})` }
    : { bg: '', en: '' };
  const next = invitation.registered
    ? {
        bg: 'Влезте с досегашния си имейл и парола: фактурите на издателя са в портала.',
        en: "Log in with your e-mail address and password as before: the issuer's invoices are in the portal.",
      }
    : {
        bg: `Изберете парола за портала с бутона по-долу (връзката е валидна ${invitation.expiresInDays} дни).`,
        en: `Choose a password for the portal with the button below (the link is valid for ${invitation.expiresInDays} days).`,
      };
  return render(
    `Достъп до ${invitation.issuerName} в хъба за е-фактури / Access to ${invitation.issuerName} in the e-invoice hub`,
    [
      `Добавени сте като ${role.bg} на ${invitation.issuerName}${by.bg}.\n` +
        `You were added as ${role.en} of ${invitation.issuerName}${by.en}.`,
      `${next.bg}\n${next.en}`,
    ],
    {
      label: invitation.registered ? 'Вход / Log in' : 'Изберете парола / Choose a password',
      url: invitation.link,
    },
  );
}

export function colleagueInvitationMail(invitation: {
  sharedBy: string;
  address: string;
  link: string;
  registered: boolean;
  expiresInDays: number;
}): RenderedMail {
  const next = invitation.registered
    ? {
        bg: 'Влезте с досегашния си имейл и парола, за да ги видите.',
        en: 'Log in with your e-mail address and password as before to see them.',
      }
    : {
        bg: `За да ги видите, изберете парола за портала (връзката е валидна ${invitation.expiresInDays} дни).`,
        en: `To see them, choose a password for the portal (the link is valid for ${invitation.expiresInDays} days).`,
      };
  return render(
    `${invitation.sharedBy} сподели фактурите си с вас / ${invitation.sharedBy} shared their invoices with you`,
    [
      `${invitation.sharedBy} ви даде достъп до електронните фактури, получени на ${invitation.address}.\n` +
        `${invitation.sharedBy} gave you access to the e-invoices received at ${invitation.address}.`,
      `${next.bg}\n${next.en}`,
    ],
    {
      label: invitation.registered ? 'Вход / Log in' : 'Изберете парола / Choose a password',
      url: invitation.link,
    },
  );
}

export function passwordResetMail(reset: { link: string; expiresAt: string }): RenderedMail {
  const until = moment(reset.expiresAt);
  return render(
    'Нова парола за хъба за е-фактури / A new password for the e-invoice hub',
    [
      'Някой (вероятно вие) поиска нова парола за този имейл адрес.\n' +
        'Someone (probably you) asked for a new password for this e-mail address.',
      `Връзката е за еднократна употреба и е валидна до ${until.bg}. След смяната на паролата всички влизания на ` +
        'всички устройства приключват.\n' +
        `The link works once, until ${until.en}. Once the password is changed, every session on every device ends.`,
      'Ако не сте го поискали вие, не правете нищо: паролата ви остава същата.\n' +
        'If it was not you, do nothing: your password stays as it is.',
    ],
    { label: 'Изберете нова парола / Choose a new password', url: reset.link },
  );
}

export function loginLockedMail(lock: {
  failures: number;
  lockedUntil: string;
  fromAddress: string | null;
  resetLink: string;
  resetExpiresAt: string;
}): RenderedMail {
  const until = moment(lock.lockedUntil);
  const resetUntil = moment(lock.resetExpiresAt);
  const from = lock.fromAddress
    ? {
        bg: ` (последният опит от адрес ${lock.fromAddress})`,
        en: ` (the last one from ${lock.fromAddress})`,
      }
    : { bg: '', en: '' };
  return render(
    'Входът в профила ви е спрян временно / Logins to your account are paused',
    [
      `Имаше ${lock.failures} неуспешни опита за вход с грешна парола${from.bg}. Входът е спрян до ${until.bg}.\n` +
        `There were ${lock.failures} failed logins with a wrong password${from.en}. Logins are paused until ${until.en}.`,
      'Ако сте били вие, можете да изберете нова парола веднага с бутона по-долу; това отменя спирането ' +
        `(връзката е валидна до ${resetUntil.bg}).\n` +
        'If it was you, you can choose a new password right away with the button below; that lifts the pause ' +
        `(the link is valid until ${resetUntil.en}).`,
      'Ако не сте били вие, паролата ви е запазена; изберете по-дълга, ако се опасявате, че е позната.\n' +
        'If it was not you, your password held; choose a longer one if you fear it is known.',
    ],
    { label: 'Изберете нова парола / Choose a new password', url: lock.resetLink },
  );
}

export function passwordChangedMail(change: { at: string; how: 'changed' | 'reset' }): RenderedMail {
  const at = moment(change.at);
  const how =
    change.how === 'reset'
      ? { bg: 'с връзка за нова парола', en: 'with a password reset link' }
      : { bg: 'от страницата на профила', en: 'from the account page' };
  return render('Паролата ви е сменена / Your password was changed', [
    `Паролата за профила ви в хъба за е-фактури беше сменена на ${at.bg} ${how.bg}.\n` +
      `The password of your e-invoice hub account was changed at ${at.en} ${how.en}.`,
    'Ако не сте били вие, поискайте нова парола от страницата за вход веднага.\n' +
      'If it was not you, ask for a new password on the login page at once.',
  ]);
}

export function secondFactorChangedMail(change: { at: string; enabled: boolean }): RenderedMail {
  const at = moment(change.at);
  const what = change.enabled ? { bg: 'включено', en: 'turned on' } : { bg: 'изключено', en: 'turned off' };
  return render(
    change.enabled
      ? 'Двуфакторното удостоверяване е включено / Two-step login is on'
      : 'Двуфакторното удостоверяване е изключено / Two-step login is off',
    [
      `Влизането с код от приложение беше ${what.bg} за профила ви на ${at.bg}.\n` +
        `Login with an app code was ${what.en} for your account at ${at.en}.`,
      'Ако не сте били вие, сменете паролата си веднага.\nIf it was not you, change your password at once.',
    ],
  );
}

export function loginAddressConfirmMail(change: {
  from: string;
  to: string;
  link: string;
  expiresAt: string;
}): RenderedMail {
  const until = moment(change.expiresAt);
  return render(
    'Потвърдете новия имейл за вход / Confirm your new login address',
    [
      `Профилът в хъба за е-фактури, който влиза с ${change.from}, поиска да влиза оттук нататък с ${change.to}.\n` +
        `The e-invoice hub account that logs in with ${change.from} asked to log in with ${change.to} from now on.`,
      `Потвърдете с бутона по-долу (връзката е за еднократна употреба, валидна до ${until.bg}). Досегашните ви ` +
        'фактури остават в профила; нови фактури до стария адрес отиват при този, който го притежава.\n' +
        `Confirm with the button below (the link works once, until ${until.en}). Your invoices so far stay with the ` +
        'account; new invoices to the old address go to whoever owns that address.',
      'Ако не сте го поискали вие, не правете нищо: нищо не се променя.\nIf it was not you, do nothing: nothing changes.',
    ],
    { label: 'Потвърдете адреса / Confirm the address', url: change.link },
  );
}

export function loginAddressChangedMail(change: { from: string; to: string; at: string }): RenderedMail {
  const at = moment(change.at);
  return render('Имейлът за вход е сменен / Your login address was changed', [
    `На ${at.bg} профилът ви в хъба за е-фактури смени имейла си за вход от ${change.from} на ${change.to}. ` +
      'Фактурите, получени дотук, остават в профила.\n' +
      `At ${at.en} your e-invoice hub account changed its login address from ${change.from} to ${change.to}. ` +
      'The invoices received so far stay with the account.',
    'Ако не сте били вие, свържете се с оператора на хъба веднага.\n' +
      'If it was not you, contact the hub operator at once.',
  ]);
}
