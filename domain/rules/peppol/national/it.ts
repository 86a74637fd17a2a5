/** Italian rules of Peppol BIS Billing 3.0 (IT-R-*): the seller's tax registration and postal address. */
import { type PeppolDocument, type PeppolReport, normalizeSpace, stringOf, ubl } from '../document';

export function checkItalianRules(document: PeppolDocument, report: PeppolReport): void {
  const seller = document.seller;
  if (document.supplierCountry !== 'IT' || !seller) return;
  for (const scheme of ubl.all(seller, 'cac:PartyTaxScheme')) {
    if (normalizeSpace(stringOf(ubl.one(scheme, 'cac:TaxScheme/cbc:ID'))) === 'VAT') continue;
    const id = normalizeSpace(stringOf(ubl.one(scheme, 'cbc:CompanyID')));
    if (!/^[A-Z0-9]{11,16}$/.test(id))
      report.fatal(
        'IT-R-001',
        scheme,
        `An Italian seller's tax registration identifier (BT-32) has 11 to 16 letters or digits; found "${id}".`,
        `Данъчният регистрационен номер (BT-32) на италиански продавач има от 11 до 16 букви или цифри; намерено "${id}".`,
      );
  }
  const address = [
    ['IT-R-002', 'cbc:StreetName', 'the street (BT-35)', 'улицата (BT-35)'],
    ['IT-R-003', 'cbc:CityName', 'the city (BT-37)', 'града (BT-37)'],
    ['IT-R-004', 'cbc:PostalZone', 'the post code (BT-38)', 'пощенския код (BT-38)'],
  ] as const;
  for (const [ruleId, path, term, termBg] of address)
    if (ubl.count(seller, `cac:PostalAddress/${path}`) === 0)
      report.fatal(
        ruleId,
        seller,
        `An Italian seller's postal address gives ${term}.`,
        `Пощенският адрес на италиански продавач посочва ${termBg}.`,
      );
}
