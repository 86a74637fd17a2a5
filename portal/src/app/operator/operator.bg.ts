import type { Dictionary } from '../i18n/keys';
import type { operatorEn } from './operator.en';

/** Bulgarian texts of the operator console; the compiler holds them to the keys and placeholders of operator.en.ts. */
export const operatorBg = {
  nav: 'Операции',
  title: 'Операторска конзола',
  heading: 'Операторска конзола',
  intro:
    'Заседнали или недоставени фактури, неуспешни доставки и съобщения, всяко с причината си, и какво е постъпило. Опитайте отново, след като причината е отстранена.',
  loading: 'Зареждане на конзолата…',
  loadFailed: 'Конзолата не можа да бъде заредена.',
  failed: 'Не се получи: {{message}}',
  refresh: 'Обнови',
  temporal: 'Temporal UI',
  temporalFor: 'Отвори {{what}} в Temporal UI',
  none: 'Няма нищо тук.',
  reason: 'Причина',
  invoice: 'Фактура',
  since: 'От',
  actions: 'Действия',
  cancelReason: 'Причина за анулиране',
  cancelReasonHint: 'Нужна е, преди фактура да бъде анулирана; издателят я вижда в хронологията.',
  cancel: 'Анулирай',
  cancelFor: 'Анулирай фактура {{number}}',
  retry: 'Опитай отново',
  retryFor: 'Опитай отново {{what}}',
  done: 'Готово: {{what}}.',
  undeliverable: {
    heading: 'Недоставими фактури',
    intro: 'Получателят не може да бъде достигнат и само повторен опит няма да промени това.',
    codes: {
      RECIPIENT_ADDRESS_INVALID: 'Не е адрес на е-поща',
      RECIPIENT_REJECTED: 'Отказан от пощенския сървър',
    },
  },
  stuck: {
    heading: 'Заседнали фактури',
    activitiesIntro: 'Стъпки, неуспели {{attempt}} или повече пъти, които се опитват отново.',
    activity: 'Стъпка',
    attempt: 'Опит',
    lastFailure: 'Последна грешка',
    heldIntro: 'Фактури, задържани в едно работно състояние повече от {{minutes}} минути.',
    status: 'Състояние',
  },
  quarantine: { heading: 'Доставки под карантина', file: 'Файл', channel: 'Канал', received: 'Получена' },
  mails: { heading: 'Неизпратени писма', kind: 'Вид', to: 'До', failedAt: 'Последна грешка' },
  mdns: { heading: 'Недоставени асинхронни MDN', partner: 'Партньор', url: 'Адрес за MDN' },
  webhooks: { heading: 'Неуспешни доставки на уебхукове', event: 'Събитие', url: 'Адрес', attempts: 'Опити' },
  volumes: { heading: 'Фактури по канал и ден', day: 'Ден', channel: 'Канал', invoices: 'Фактури' },
  rejections: {
    heading: 'Най-чести причини за отхвърляне',
    rule: 'Правило',
    count: 'Фактури',
    example: 'Пример',
  },
} as const satisfies Dictionary<typeof operatorEn>;
