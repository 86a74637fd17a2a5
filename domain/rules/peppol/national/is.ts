/** Icelandic rules of Peppol BIS Billing 3.0 (IS-R-*): kennitala, addresses, account numbers, EINDAGI. */
import type { Element } from '@xmldom/xmldom';
import {
  type PeppolDocument,
  type PeppolReport,
  children,
  isIsoDate,
  normalizeSpace,
  stringOf,
  ubl,
} from '../document';

export function checkIcelandicRules(document: PeppolDocument, report: PeppolReport): void {
  if (document.supplierPostalCountry !== 'IS') return;
  const { root, seller, kind } = document;
  const rootPath = `/${kind}`;
  const hasIcelandicId = (party: Element | undefined): boolean =>
    ubl.all(party, 'cac:PartyLegalEntity/cbc:CompanyID').some((id) => id.getAttribute('schemeID') === '0196');
  const hasStreetAndPostCode = (party: Element | undefined): boolean =>
    ubl.count(party, 'cac:PostalAddress/cbc:StreetName') > 0 &&
    ubl.count(party, 'cac:PostalAddress/cbc:PostalZone') > 0;
  if (!hasIcelandicId(seller))
    report.fatal(
      'IS-R-002',
      rootPath,
      'An Icelandic seller gives its kennitala as legal registration identifier (BT-30, schemeID 0196).',
      'Исландски продавач посочва своята кенитала като идентификатор на правна регистрация (BT-30, schemeID 0196).',
    );
  if (!hasStreetAndPostCode(seller))
    report.fatal(
      'IS-R-003',
      rootPath,
      "An Icelandic seller's address gives the street (BT-35) and the post code (BT-38).",
      'Адресът на исландски продавач посочва улицата (BT-35) и пощенския код (BT-38).',
    );
  for (const [ruleId, code] of [
    ['IS-R-006', '9'],
    ['IS-R-007', '42'],
  ] as const) {
    const means = children(root, 'cac:PaymentMeans').filter((candidate) =>
      ubl.all(candidate, 'cbc:PaymentMeansCode').some((element) => stringOf(element) === code),
    );
    if (means.length === 0) continue;
    const account = means.flatMap((candidate) => ubl.all(candidate, 'cac:PayeeFinancialAccount/cbc:ID'))[0];
    if (!account || normalizeSpace(stringOf(account)).length !== 12)
      report.fatal(
        ruleId,
        means[0]!,
        `With payment means ${code} an Icelandic seller gives a 12-digit account (BT-84).`,
        `При начин на плащане ${code} исландски продавач посочва 12-цифрена сметка (BT-84).`,
      );
  }
  const dueDates = children(root, 'cac:AdditionalDocumentReference').filter((reference) =>
    ubl.all(reference, 'cbc:DocumentDescription').some((description) => stringOf(description) === 'EINDAGI'),
  );
  if (dueDates.length > 0) {
    const eindagiId = ubl.one(dueDates[0], 'cbc:ID');
    const eindagi = stringOf(eindagiId);
    if (eindagi.length !== 10 || !isIsoDate(eindagi.trim()))
      report.fatal(
        'IS-R-008',
        dueDates[0]!,
        `The EINDAGI document reference (BT-122) is a date YYYY-MM-DD; found "${eindagi}".`,
        `Препратката EINDAGI (BT-122) е дата ГГГГ-ММ-ДД; намерено "${eindagi}".`,
      );
    const dueDate = children(root, 'cbc:DueDate')[0];
    if (!dueDate)
      report.fatal(
        'IS-R-009',
        rootPath,
        'An invoice with an EINDAGI (final due date) gives the payment due date (BT-9) too.',
        'Фактура с EINDAGI (краен срок) посочва и срока за плащане (BT-9).',
      );
    if (!dueDate || !eindagiId || !(stringOf(dueDate) <= eindagi))
      report.fatal(
        'IS-R-010',
        dueDates[0]!,
        `The EINDAGI (${eindagi}) is on or after the payment due date (BT-9, ${stringOf(dueDate)}).`,
        `EINDAGI (${eindagi}) е на или след срока за плащане (BT-9, ${stringOf(dueDate)}).`,
      );
  }
  if (document.customerPostalCountry !== 'IS') return;
  const buyerParty = ubl.one(root, 'cac:AccountingCustomerParty');
  if (!buyerParty) return;
  if (!hasIcelandicId(document.buyer))
    report.fatal(
      'IS-R-004',
      buyerParty,
      "Between Icelandic parties the buyer's kennitala is given as its legal registration identifier (BT-47, schemeID 0196).",
      'Между исландски страни кенитала на купувача се посочва като идентификатор на правна регистрация (BT-47, schemeID 0196).',
    );
  if (!hasStreetAndPostCode(document.buyer))
    report.fatal(
      'IS-R-005',
      buyerParty,
      "Between Icelandic parties the buyer's address gives the street (BT-50) and the post code (BT-53).",
      'Между исландски страни адресът на купувача посочва улицата (BT-50) и пощенския код (BT-53).',
    );
}
