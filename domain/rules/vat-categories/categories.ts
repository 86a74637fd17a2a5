/**
 * The VAT categories of EN 16931 (codes from UNTDID 5305, as restricted by the EN 16931 code lists of CEN 1.3.16)
 * and the rule-id prefix the CEN validation artefacts give each family. Where the UBL and CII artefacts check a
 * rule differently, the difference is named here so that every rule module reads it from one place.
 */
import type { Syntax } from '../../invoice/model';

/** What a line, allowance or charge of the category may carry as its VAT rate (BT-152, BT-96, BT-103). */
export type RateRule = 'positive' | 'zero' | 'zero-or-positive' | 'absent';

/** Which parties' identifiers a line, allowance or charge of the category requires (rules 02–04). */
export type IdentifierRule =
  | 'seller-any' // BT-31, BT-32 or BT-63
  | 'seller-vat' // BT-31 or BT-63
  | 'seller-any-and-buyer' // BT-31/BT-32/BT-63 and BT-48 or BT-47
  | 'seller-vat-and-buyer-vat' // BT-31/BT-63 and BT-48
  | 'no-vat-identifier'; // none of BT-31, BT-63, BT-48

export interface VatCategory {
  code: string;
  prefix: string;
  name: string;
  nameBg: string;
  /** Broken down per rate (S, L, M) rather than in one breakdown for the whole category. */
  perRate: boolean;
  rate: Record<Syntax, RateRule>;
  exemptionReason: 'required' | 'forbidden';
  identifiers: IdentifierRule;
}

const same = (rule: RateRule): Record<Syntax, RateRule> => ({ UBL: rule, CII: rule });

export const VAT_CATEGORIES: readonly VatCategory[] = [
  {
    code: 'S',
    prefix: 'BR-S',
    name: 'Standard rated',
    nameBg: 'стандартна ставка',
    perRate: true,
    rate: same('positive'),
    exemptionReason: 'forbidden',
    identifiers: 'seller-any',
  },
  {
    code: 'Z',
    prefix: 'BR-Z',
    name: 'Zero rated',
    nameBg: 'нулева ставка',
    perRate: false,
    rate: same('zero'),
    exemptionReason: 'forbidden',
    identifiers: 'seller-any',
  },
  {
    code: 'E',
    prefix: 'BR-E',
    name: 'Exempt from VAT',
    nameBg: 'освободена доставка',
    perRate: false,
    rate: same('zero'),
    exemptionReason: 'required',
    identifiers: 'seller-any',
  },
  {
    code: 'AE',
    prefix: 'BR-AE',
    name: 'Reverse charge',
    nameBg: 'обратно начисляване',
    perRate: false,
    rate: same('zero'),
    exemptionReason: 'required',
    identifiers: 'seller-any-and-buyer',
  },
  {
    code: 'K',
    prefix: 'BR-IC',
    name: 'Intra-community supply',
    nameBg: 'вътреобщностна доставка',
    perRate: false,
    rate: same('zero'),
    exemptionReason: 'required',
    identifiers: 'seller-vat-and-buyer-vat',
  },
  {
    code: 'G',
    prefix: 'BR-G',
    name: 'Export outside the EU',
    nameBg: 'износ извън ЕС',
    perRate: false,
    rate: same('zero'),
    exemptionReason: 'required',
    identifiers: 'seller-vat',
  },
  {
    code: 'O',
    prefix: 'BR-O',
    name: 'Not subject to VAT',
    nameBg: 'необлагаема доставка',
    perRate: false,
    rate: same('absent'),
    exemptionReason: 'required',
    identifiers: 'no-vat-identifier',
  },
  // The standard calls the next two families BR-IG and BR-IP; the CEN artefacts since 1.3.11 name them
  // BR-AF and BR-AG, and the hub reports what the artefacts report. The CII artefact wants an IGIC rate above
  // zero where the UBL one accepts zero.
  {
    code: 'L',
    prefix: 'BR-AF',
    name: 'IGIC (Canary Islands)',
    nameBg: 'IGIC (Канарски острови)',
    perRate: true,
    rate: { UBL: 'zero-or-positive', CII: 'positive' },
    exemptionReason: 'forbidden',
    identifiers: 'seller-any',
  },
  {
    code: 'M',
    prefix: 'BR-AG',
    name: 'IPSI (Ceuta and Melilla)',
    nameBg: 'IPSI (Сеута и Мелила)',
    perRate: true,
    rate: same('zero-or-positive'),
    exemptionReason: 'forbidden',
    identifiers: 'seller-any',
  },
];

export const ruleId = (category: VatCategory, n: number): string =>
  `${category.prefix}-${String(n).padStart(2, '0')}`;

export const label = (category: VatCategory): string => `"${category.name}" (${category.code})`;
export const labelBg = (category: VatCategory): string => `„${category.nameBg}“ (${category.code})`;
