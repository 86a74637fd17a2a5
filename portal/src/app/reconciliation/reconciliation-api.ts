import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable, firstValueFrom } from 'rxjs';
import { PORTAL_API_BASE } from '../../../../gateway/portal/contract';
import type {
  CandidateSearch,
  DecisionResult,
  EntryDetail,
  EntryState,
  MatchBody,
  NoteBody,
  ReviewQueue,
  SplitBody,
  StatementDetail,
  StatementList,
  StatementSummary,
} from '../../../../gateway/payments/reconciliation-contract';
import { toPortalApiError } from '../api/portal-api';

const issuerBase = (issuerId: string) => `${PORTAL_API_BASE}/issuers/${encodeURIComponent(issuerId)}`;
const entryBase = (issuerId: string, entryId: string) =>
  `${issuerBase(issuerId)}/reconciliation/entries/${encodeURIComponent(entryId)}`;

/** The reconciliation API's client (gateway/payments/reconciliation-routes.ts); every call resolves or throws a PortalApiError. */
@Injectable({ providedIn: 'root' })
export class ReconciliationApi {
  private readonly http = inject(HttpClient);

  statements(issuerId: string): Promise<StatementList> {
    return this.call(this.http.get<StatementList>(`${issuerBase(issuerId)}/statements`));
  }

  statement(issuerId: string, statementId: string, state: EntryState | null): Promise<StatementDetail> {
    return this.call(
      this.http.get<StatementDetail>(
        `${issuerBase(issuerId)}/statements/${encodeURIComponent(statementId)}`,
        {
          params: state ? { state } : {},
        },
      ),
    );
  }

  /** Sends the file's bytes as they are: the hub reads the format from the content. */
  upload(issuerId: string, file: File): Promise<StatementSummary & { duplicate: boolean }> {
    return this.call(
      this.http.post<StatementSummary & { duplicate: boolean }>(`${issuerBase(issuerId)}/statements`, file, {
        params: { name: file.name },
        headers: { 'Content-Type': 'application/octet-stream' },
      }),
    );
  }

  review(issuerId: string): Promise<ReviewQueue> {
    return this.call(this.http.get<ReviewQueue>(`${issuerBase(issuerId)}/reconciliation/review`));
  }

  search(
    issuerId: string,
    query: { number?: string; amount?: string; customer?: string },
  ): Promise<CandidateSearch> {
    const params = Object.fromEntries(Object.entries(query).filter(([, v]) => v?.trim())) as Record<
      string,
      string
    >;
    return this.call(
      this.http.get<CandidateSearch>(`${issuerBase(issuerId)}/reconciliation/candidates`, { params }),
    );
  }

  entry(issuerId: string, entryId: string): Promise<EntryDetail> {
    return this.call(this.http.get<EntryDetail>(entryBase(issuerId, entryId)));
  }

  match(issuerId: string, entryId: string, body: MatchBody): Promise<DecisionResult> {
    return this.call(this.http.post<DecisionResult>(`${entryBase(issuerId, entryId)}/match`, body));
  }

  split(issuerId: string, entryId: string, body: SplitBody): Promise<DecisionResult> {
    return this.call(this.http.post<DecisionResult>(`${entryBase(issuerId, entryId)}/split`, body));
  }

  ignore(issuerId: string, entryId: string, body: NoteBody): Promise<DecisionResult> {
    return this.call(this.http.post<DecisionResult>(`${entryBase(issuerId, entryId)}/ignore`, body));
  }

  undo(issuerId: string, entryId: string, body: NoteBody): Promise<DecisionResult> {
    return this.call(this.http.post<DecisionResult>(`${entryBase(issuerId, entryId)}/undo`, body));
  }

  private async call<T>(request: Observable<T>): Promise<T> {
    try {
      return await firstValueFrom(request);
    } catch (failure) {
      throw toPortalApiError(failure);
    }
  }
}
