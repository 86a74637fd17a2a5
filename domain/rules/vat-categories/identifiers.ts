/**
 * Rules 02–04 of each family: the identifiers a category needs once a line (02), an allowance (03) or a charge
 * (04) uses it. The artefacts test that the identifier element is there, not what it holds.
 * Only tax categories of scheme VAT count. UBL's rule O-03/O-04 looks at document level allowances and charges
 * only; every other 03/04 rule reaches line level ones too.
 */
import type { RuleContext } from '../context';
import { type IdentifierRule, type VatCategory, label, labelBg, ruleId } from './categories';
import { type CategoryUse, kindOf, written } from './usage';

export function checkIdentifiers(context: RuleContext, category: VatCategory, all: CategoryUse): void {
  const { paths } = context;
  const use = all.ofVatScheme;
  // UBL's BR-S-02 fails on a standard rated line whenever no standard rated line is of scheme VAT.
  if (
    context.invoice.syntax === 'UBL' &&
    category.code === 'S' &&
    all.lines.length > 0 &&
    use.lines.length === 0
  ) {
    const index = all.lines[0].index;
    context.fatal(
      ruleId(category, 2),
      paths.line(index, 'BG-30'),
      `Line ${index + 1} has VAT category ${label(category)} outside the tax scheme VAT; its tax scheme (cac:TaxScheme/cbc:ID) must be VAT.`,
      `Ред ${index + 1} е с ДДС категория ${labelBg(category)} извън данъчната схема VAT; схемата (cac:TaxScheme/cbc:ID) трябва да е VAT.`,
    );
  }
  const problem = missingIdentifiers(context, category.identifiers);
  if (!problem) return;
  const [message, messageBg] = problem;
  if (use.lines.length > 0) {
    const index = use.lines[0].index;
    context.fatal(
      ruleId(category, 2),
      paths.line(index, 'BT-151'),
      `Line ${index + 1} has VAT category ${label(category)}: ${message}`,
      `Ред ${index + 1} е с ДДС категория ${labelBg(category)}: ${messageBg}`,
    );
  }
  const allowanceCharges =
    context.invoice.syntax === 'UBL' && category.code === 'O'
      ? use.documentLevel.map(({ charge, index }) => ({ charge, path: paths.nth('BG-20', index) }))
      : use.allowanceCharges;
  const kinds = [
    { kind: 'allowance', n: 3, what: 'An allowance', whatBg: 'Отстъпка' },
    { kind: 'charge', n: 4, what: 'A charge', whatBg: 'Надбавка' },
  ];
  for (const { kind, n, what, whatBg } of kinds) {
    const first = allowanceCharges.find(({ charge }) => kindOf(charge) === kind);
    if (first)
      context.fatal(
        ruleId(category, n),
        first.path,
        `${what} has VAT category ${label(category)}: ${message}`,
        `${whatBg} е с ДДС категория ${labelBg(category)}: ${messageBg}`,
      );
  }
}

/** Which identifier the rule needs and the invoice lacks, as [message, messageBg]; undefined when satisfied. */
function missingIdentifiers(context: RuleContext, rule: IdentifierRule): [string, string] | undefined {
  const { seller, buyer, taxRepresentative } = context.invoice;
  const sellerVat = written(seller.vatId) || written(taxRepresentative?.vatId);
  const sellerAny = sellerVat || written(seller.taxRegistrationId);
  const buyerVat = written(buyer.vatId);
  switch (rule) {
    case 'seller-any':
      return sellerAny
        ? undefined
        : [
            'the seller VAT identifier (BT-31), tax registration identifier (BT-32) or tax representative VAT identifier (BT-63) is required.',
            'изисква се ДДС номер на продавача (BT-31), данъчен регистрационен номер (BT-32) или ДДС номер на данъчния представител (BT-63).',
          ];
    case 'seller-vat':
      return sellerVat
        ? undefined
        : [
            'the seller VAT identifier (BT-31) or tax representative VAT identifier (BT-63) is required.',
            'изисква се ДДС номер на продавача (BT-31) или на данъчния представител (BT-63).',
          ];
    case 'seller-any-and-buyer':
      return sellerAny && (buyerVat || buyer.legalRegistrationId !== undefined)
        ? undefined
        : [
            'both the seller VAT identifier (BT-31/BT-32/BT-63) and the buyer VAT identifier (BT-48) or legal registration identifier (BT-47) are required.',
            'изискват се и ДДС номер на продавача (BT-31/BT-32/BT-63), и ДДС номер (BT-48) или регистрационен номер (BT-47) на купувача.',
          ];
    case 'seller-vat-and-buyer-vat':
      return sellerVat && buyerVat
        ? undefined
        : [
            'both the seller VAT identifier (BT-31 or BT-63) and the buyer VAT identifier (BT-48) are required.',
            'изискват се ДДС номерата и на продавача (BT-31 или BT-63), и на купувача (BT-48).',
          ];
    case 'no-vat-identifier':
      return sellerVat || buyerVat
        ? [
            'a supply not subject to VAT must not carry the seller (BT-31), tax representative (BT-63) or buyer (BT-48) VAT identifier; remove them or use another category.',
            'необлагаема доставка не трябва да съдържа ДДС номер на продавача (BT-31), на данъчния представител (BT-63) или на купувача (BT-48); премахнете ги или използвайте друга категория.',
          ]
        : undefined;
  }
}
