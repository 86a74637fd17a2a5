import { Directive, ElementRef, afterEveryRender, inject } from '@angular/core';
import { Language } from './language.service';

const CYRILLIC = /[\u0400-\u04FF]/;

/**
 * Marks text written by the invoice's parties (names, items, notes: Bulgarian on most invoices) with lang="bg" when
 * it is Cyrillic and the page is in another language, so screen readers pronounce it as Bulgarian (WCAG 3.1.2).
 * Put it on the element holding such text: `<span hubDocumentText>{{ line.itemName }}</span>`.
 */
@Directive({ selector: '[hubDocumentText]' })
export class DocumentTextDirective {
  constructor() {
    const element = inject<ElementRef<HTMLElement>>(ElementRef).nativeElement;
    const language = inject(Language);
    // After every render, because the text can change without a signal this directive could read.
    afterEveryRender({
      write: () => {
        if (language.current() !== 'bg' && CYRILLIC.test(element.textContent ?? '')) element.lang = 'bg';
        else element.removeAttribute('lang');
      },
    });
  }
}
