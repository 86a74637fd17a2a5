import { HttpErrorResponse, HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { Router } from '@angular/router';
import { catchError, throwError } from 'rxjs';
import { Session } from './session';

/** When the server answers 401 to a logged-in page, the session has ended: back to the login, then back here. */
export const sessionExpiredInterceptor: HttpInterceptorFn = (request, next) => {
  const session = inject(Session);
  const router = inject(Router);
  return next(request).pipe(
    catchError((failure: unknown) => {
      if (failure instanceof HttpErrorResponse && failure.status === 401 && session.isLoggedIn()) {
        session.forget();
        void router.navigate(['/login'], { queryParams: { returnUrl: router.url } });
      }
      return throwError(() => failure);
    }),
  );
};
