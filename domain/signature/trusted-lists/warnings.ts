/** Why a trusted list is not used, in the words a report gives (English and Bulgarian, like the hub's other messages). */
import { basename } from 'node:path';
import type { TrustWarning, TrustWarningCode } from '../types';

const REASON: Record<TrustWarningCode, { en: string; bg: string }> = {
  TRUSTED_LIST_UNSIGNED: {
    en: 'the list is not signed',
    bg: 'списъкът не е подписан',
  },
  TRUSTED_LIST_SIGNATURE_INVALID: {
    en: 'its signature does not verify (the list was changed after signing, or the signature is damaged)',
    bg: 'подписът на списъка не е валиден (списъкът е променян след подписването или подписът е повреден)',
  },
  TRUSTED_LIST_SIGNER_UNKNOWN: {
    en: 'it is signed by a certificate that neither its parent list (the LOTL) nor the operator names',
    bg: 'подписан е със сертификат, който не е посочен нито от родителския списък (LOTL), нито от оператора',
  },
  TRUSTED_LIST_EXPIRED: {
    en: 'it is expired: its NextUpdate time has passed',
    bg: 'срокът му е изтекъл: датата на следващото обновяване (NextUpdate) е минала',
  },
  TRUSTED_LIST_UNREADABLE: {
    en: 'the file is not a trusted list the hub can read',
    bg: 'файлът не е доверителен списък, който хъбът може да прочете',
  },
};

export function trustedListWarning(code: TrustWarningCode, file: string, detail: string): TrustWarning {
  const name = basename(file);
  const reason = REASON[code];
  return {
    code,
    list: file,
    message: `Trusted list ${name} is not used, neither as trust anchors nor for qualified status: ${reason.en} (${detail}).`,
    messageBg: `Доверителният списък ${name} не се използва нито за доверие, нито за квалифициран статус: ${reason.bg}.`,
  };
}
