import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  Injector,
  afterNextRender,
  inject,
  viewChild,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { NavigationEnd, Router, RouterLink, RouterOutlet } from '@angular/router';
import { filter, skip } from 'rxjs';
import { Session } from './auth/session';
import { TranslatePipe } from './i18n';
import { LanguageSwitchComponent } from './i18n/language-switch.component';
import { MainNavComponent } from './shell/main-nav.component';

/**
 * The page frame: a skip link, the header (brand, language switch, the signed-in address and the logout button),
 * the signed-in person's navigation (main-nav), then the current page in <main>, and the footer. Every page gets
 * the language switch from here.
 */
@Component({
  selector: 'hub-root',
  imports: [RouterOutlet, RouterLink, TranslatePipe, LanguageSwitchComponent, MainNavComponent],
  templateUrl: './app.component.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class App {
  private readonly router = inject(Router);
  private readonly injector = inject(Injector);
  private readonly main = viewChild.required<ElementRef<HTMLElement>>('main');
  readonly session = inject(Session);

  constructor() {
    // A new page in a single-page app is silent for keyboard and screen reader users: after every navigation but
    // the first, focus moves to the main content, as a page load would put them at its start.
    this.router.events
      .pipe(
        filter((event) => event instanceof NavigationEnd),
        skip(1),
        takeUntilDestroyed(),
      )
      .subscribe(() => afterNextRender({ write: () => this.focusMain() }, { injector: this.injector }));
  }

  /** The skip link moves focus itself: following "#main" would make the router navigate to "/". */
  skipToMain(event: Event): void {
    event.preventDefault();
    this.focusMain();
  }

  async logout(): Promise<void> {
    await this.session.logout();
    await this.router.navigate(['/login']);
  }

  private focusMain(): void {
    this.main().nativeElement.focus({ preventScroll: false });
  }
}
