import { afterNextRender, type Injector } from '@angular/core';

/** After a form was sent with mistakes: focus the first field marked invalid, so its error is read out with it. */
export function focusFirstInvalid(injector: Injector): void {
  afterNextRender(
    {
      write: () => document.querySelector<HTMLElement>('main [aria-invalid="true"]')?.focus(),
    },
    { injector },
  );
}
