/**
 * Builds the UBL 2.1 ApplicationResponse of BIS Invoice Response 3.1, with only the elements the BIS data model
 * has (the T111 rules refuse any other: UBLVersionID, UUID, PartyName in the sender …), in the UBL schema's order.
 */
import { checkInvoiceResponseInput } from './check-input';
import {
  INVOICE_RESPONSE_CUSTOMIZATION_ID,
  INVOICE_RESPONSE_PROFILE_ID,
  type InvoiceResponseInput,
  type ResponseParty,
  type StatusReason,
  type RequestedAction,
} from './types';
import { element, serializeXml, type XmlElement } from './xml-writer';

export const UBL_NAMESPACES = {
  ApplicationResponse: 'urn:oasis:names:specification:ubl:schema:xsd:ApplicationResponse-2',
  cac: 'urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2',
  cbc: 'urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2',
} as const;

/** The response as XML text (UTF-8); throws InvoiceResponseError when the input would break a T111 rule. */
export function buildInvoiceResponse(input: InvoiceResponseInput): string {
  checkInvoiceResponseInput(input);
  return serializeXml(
    element(
      'ApplicationResponse',
      [
        element('cbc:CustomizationID', INVOICE_RESPONSE_CUSTOMIZATION_ID),
        element('cbc:ProfileID', INVOICE_RESPONSE_PROFILE_ID),
        element('cbc:ID', input.id),
        element('cbc:IssueDate', input.issueDate),
        element('cbc:IssueTime', input.issueTime),
        party('cac:SenderParty', input.sender),
        party('cac:ReceiverParty', input.receiver),
        element('cac:DocumentResponse', [
          element('cac:Response', [
            element('cbc:ResponseCode', input.responseCode),
            element('cbc:EffectiveDate', input.effectiveDate),
            ...(input.reasons ?? []).map(reasonStatus),
            ...(input.actions ?? []).map(actionStatus),
          ]),
          element('cac:DocumentReference', [
            element('cbc:ID', input.invoice.number),
            element('cbc:IssueDate', input.invoice.issueDate),
            element('cbc:DocumentTypeCode', input.invoice.typeCode),
          ]),
        ]),
      ],
      {
        xmlns: UBL_NAMESPACES.ApplicationResponse,
        'xmlns:cac': UBL_NAMESPACES.cac,
        'xmlns:cbc': UBL_NAMESPACES.cbc,
      },
    ),
  );
}

function party(name: string, value: ResponseParty): XmlElement {
  const { electronicAddress, identifier } = value;
  return element(name, [
    ...(electronicAddress
      ? [element('cbc:EndpointID', electronicAddress.value, { schemeID: electronicAddress.scheme })]
      : []),
    ...(identifier
      ? [
          element('cac:PartyIdentification', [
            element(
              'cbc:ID',
              identifier.value,
              identifier.scheme ? { schemeID: identifier.scheme } : undefined,
            ),
          ]),
        ]
      : []),
    element('cac:PartyLegalEntity', [element('cbc:RegistrationName', value.name)]),
  ]);
}

// A reason without a code is sent as OTH with its text (see StatusReason).
const reasonStatus = (reason: StatusReason): XmlElement =>
  element('cac:Status', [
    element('cbc:StatusReasonCode', reason.code ?? 'OTH', { listID: 'OPStatusReason' }),
    element('cbc:StatusReason', reason.text),
  ]);

const actionStatus = (action: RequestedAction): XmlElement =>
  element('cac:Status', [
    element('cbc:StatusReasonCode', action.code, { listID: 'OPStatusAction' }),
    ...(action.text ? [element('cbc:StatusReason', action.text)] : []),
  ]);
