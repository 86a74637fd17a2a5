import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { CHANNELS, INVOICE_STATUSES } from '../../../../gateway/portal/search-contract';
import { TranslatePipe } from '../i18n';
import { channelKey, statusKey, type SearchCriteria } from './search-criteria';

/**
 * The search form of both archives: each filter a labelled field; "Search" sends the criteria, "Clear" empties them.
 * `side` decides whether one searches by recipient (issuers) or by issuer (recipients).
 */
@Component({
  selector: 'hub-invoice-search-form',
  imports: [FormsModule, TranslatePipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './invoice-search-form.css',
  template: `
    <form
      class="card search-form"
      role="search"
      (ngSubmit)="search.emit(criteria)"
      [attr.aria-label]="'archive.searchLabel' | t"
    >
      <div class="search-fields">
        <label>
          <span>{{ 'archive.number' | t }}</span>
          <input name="number" [(ngModel)]="criteria.number" autocomplete="off" maxlength="100" />
        </label>
        @if (side() === 'issuer') {
          <label>
            <span>{{ 'archive.recipient' | t }}</span>
            <input name="party" [(ngModel)]="criteria.party" maxlength="200" />
          </label>
        } @else {
          <label>
            <span>{{ 'archive.issuer' | t }}</span>
            <input name="party" [(ngModel)]="criteria.party" maxlength="200" />
          </label>
        }
        <label>
          <span>{{ 'archive.from' | t }}</span>
          <input name="from" type="date" [(ngModel)]="criteria.from" />
        </label>
        <label>
          <span>{{ 'archive.to' | t }}</span>
          <input name="to" type="date" [(ngModel)]="criteria.to" />
        </label>
        <label>
          <span>{{ 'archive.status' | t }}</span>
          <select name="status" [(ngModel)]="criteria.status">
            <option value="">{{ 'archive.any' | t }}</option>
            @for (status of statuses; track status) {
              <option [value]="status">{{ statusKey(status) | t }}</option>
            }
          </select>
        </label>
        <label>
          <span>{{ 'archive.amountMin' | t }}</span>
          <input name="amountMin" inputmode="decimal" [(ngModel)]="criteria.amountMin" />
        </label>
        <label>
          <span>{{ 'archive.amountMax' | t }}</span>
          <input name="amountMax" inputmode="decimal" [(ngModel)]="criteria.amountMax" />
        </label>
        <label>
          <span>{{ 'archive.channel' | t }}</span>
          <select name="channel" [(ngModel)]="criteria.channel">
            <option value="">{{ 'archive.any' | t }}</option>
            @for (channel of channels; track channel) {
              <option [value]="channel">{{ channelKey(channel) | t }}</option>
            }
          </select>
        </label>
      </div>
      <div class="actions">
        <button type="submit" class="primary">{{ 'archive.search' | t }}</button>
        <button type="button" class="button" (click)="clear()">{{ 'archive.clear' | t }}</button>
      </div>
    </form>
  `,
})
export class InvoiceSearchFormComponent {
  readonly side = input.required<'issuer' | 'recipient'>();
  readonly search = output<SearchCriteria>();

  readonly statuses = INVOICE_STATUSES;
  readonly channels = CHANNELS;
  readonly statusKey = statusKey;
  readonly channelKey = channelKey;
  criteria: SearchCriteria = emptyCriteria();

  clear(): void {
    this.criteria = emptyCriteria();
    this.search.emit(this.criteria);
  }
}

function emptyCriteria(): SearchCriteria {
  return { number: '', party: '', from: '', to: '', status: '', amountMin: '', amountMax: '', channel: '' };
}
