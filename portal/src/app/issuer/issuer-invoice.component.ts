import { ChangeDetectionStrategy, Component, OnInit, computed, inject, input, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { InvoiceDisputesComponent } from '../disputes/invoice-disputes.component';
import { IssuerPaymentsComponent } from '../payments/issuer-payments.component';
import type { IssuerInvoiceDetail, IssuerTimelineEntry } from '../../../../gateway/portal/search-contract';
import { problemText } from '../api/problem-text';
import { DocumentTextDirective, Language, TranslatePipe, type PlainTranslationKey } from '../i18n';
import { EVENTS } from '../invoices/invoice-texts';
import { StatusBadgeComponent } from '../invoices/status-badge.component';
import { ArchiveApi } from '../search/archive-api';
import { channelKey } from '../search/search-criteria';
import { FORMAT_PIPES } from '../shared/format.pipes';

/** ETSI indications in words. */
const INDICATION_KEYS: Record<string, PlainTranslationKey> = {
  'TOTAL-PASSED': 'archive.indicationPassed',
  'TOTAL-FAILED': 'archive.indicationFailed',
  INDETERMINATE: 'archive.indicationIndeterminate',
};

/** The details of an event a person reads: every recorded fact but internal digests, as "name: value". */
function facts(entry: IssuerTimelineEntry): string[] {
  return Object.entries(entry.detail)
    .filter(([name, value]) => name !== 'sha256' && value !== null && value !== undefined && value !== '')
    .map(([name, value]) => `${name}: ${Array.isArray(value) ? value.join('; ') : String(value)}`);
}

/** The issuer's page of one sent invoice (/issuers/:issuerId/invoices/:id). */
@Component({
  selector: 'hub-issuer-invoice',
  imports: [
    RouterLink,
    StatusBadgeComponent,
    InvoiceDisputesComponent,
    IssuerPaymentsComponent,
    TranslatePipe,
    DocumentTextDirective,
    ...FORMAT_PIPES,
  ],
  templateUrl: './issuer-invoice.component.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class IssuerInvoiceComponent implements OnInit {
  private readonly api = inject(ArchiveApi);
  private readonly language = inject(Language);
  readonly issuerId = input.required<string>();
  readonly id = input.required<string>();

  readonly invoice = signal<IssuerInvoiceDetail | null>(null);
  private readonly failure = signal<unknown>(null);
  readonly problem = computed(() => {
    const failure = this.failure();
    return failure === null ? null : problemText(failure, this.language.translator(), 'archive.loadFailed');
  });
  readonly pdfLink = computed(() => {
    const link = this.invoice()?.links.pdf;
    return link ? `${link}?lang=${this.language.current()}` : null;
  });
  readonly channelKey = channelKey;
  readonly eventKeys = EVENTS;
  readonly indicationKeys = INDICATION_KEYS;
  readonly facts = facts;
  /** A finding's message in the language on screen (the rules write both). */
  readonly findingMessage = (finding: { message: string; messageBg: string }) =>
    this.language.current() === 'bg' ? finding.messageBg || finding.message : finding.message;

  async ngOnInit(): Promise<void> {
    try {
      this.invoice.set(await this.api.issuerInvoice(this.issuerId(), this.id()));
    } catch (failure) {
      this.failure.set(failure);
    }
  }
}
