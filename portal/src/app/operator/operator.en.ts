/**
 * English texts of the operator console (operator/), under `operator` in translations/en.ts. Bulgarian in
 * operator.bg.ts; the compiler holds it to these keys and placeholders.
 */
export const operatorEn = {
  nav: 'Operations',
  title: 'Operator console',
  heading: 'Operator console',
  intro:
    'Invoices that are stuck or could not be delivered, deliveries and messages that failed, each with its reason, and what came in. Retry once the cause is fixed.',
  loading: 'Loading the console…',
  loadFailed: 'The console could not be loaded.',
  failed: 'That did not work: {{message}}',
  refresh: 'Refresh',
  temporal: 'Temporal UI',
  temporalFor: 'Open {{what}} in the Temporal UI',
  none: 'Nothing here.',
  reason: 'Reason',
  invoice: 'Invoice',
  since: 'Since',
  actions: 'Actions',
  cancelReason: 'Reason for a cancellation',
  cancelReasonHint: 'Needed before an invoice can be cancelled; the issuer sees it in the timeline.',
  cancel: 'Cancel',
  cancelFor: 'Cancel invoice {{number}}',
  retry: 'Retry',
  retryFor: 'Retry {{what}}',
  done: 'Done: {{what}}.',
  undeliverable: {
    heading: 'Undeliverable invoices',
    intro: 'The recipient cannot be reached, and trying again alone will not change that.',
    codes: {
      RECIPIENT_ADDRESS_INVALID: 'Not an e-mail address',
      RECIPIENT_REJECTED: 'Refused by the mail server',
    },
  },
  stuck: {
    heading: 'Stuck invoices',
    activitiesIntro: 'Steps that failed {{attempt}} times or more and are being retried.',
    activity: 'Step',
    attempt: 'Attempt',
    lastFailure: 'Last failure',
    heldIntro: 'Invoices held in one working state for more than {{minutes}} minutes.',
    status: 'Status',
  },
  quarantine: { heading: 'Quarantined deliveries', file: 'File', channel: 'Channel', received: 'Received' },
  mails: { heading: 'Failed mails', kind: 'Kind', to: 'To', failedAt: 'Last failure' },
  mdns: { heading: 'Asynchronous MDNs not delivered', partner: 'Partner', url: 'MDN address' },
  webhooks: { heading: 'Failed webhook deliveries', event: 'Event', url: 'Address', attempts: 'Attempts' },
  volumes: { heading: 'Invoices per channel and day', day: 'Day', channel: 'Channel', invoices: 'Invoices' },
  rejections: { heading: 'Top rejection reasons', rule: 'Rule', count: 'Invoices', example: 'Example' },
} as const;
