import { inject } from '@angular/core';
import { CanActivateFn, Router } from '@angular/router';
import { Session } from './session';

/**
 * Only a logged-in recipient reaches invoice pages; anyone else is sent to the login first and comes back after.
 * Because of this, a mail scanner following the e-mail link sees the login page, and no view is recorded.
 */
export const authGuard: CanActivateFn = (_route, state) => {
  if (inject(Session).isLoggedIn()) return true;
  return inject(Router).createUrlTree(['/login'], { queryParams: { returnUrl: state.url } });
};
