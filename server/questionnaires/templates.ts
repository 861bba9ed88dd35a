// Ready-made questionnaires, written for this project in each of our languages (the locale files
// hold the words): a start and end survey, and a ten-item life-situation scale.
import type { Locale } from '../config.ts';
import { translator } from '../i18n/i18n.ts';
import type { ItemKind } from './questionnaires.tables.ts';

export const templateNames = ['startEnd', 'life'] as const;
export type TemplateName = (typeof templateNames)[number];

type TemplateItem = { kind: ItemKind; key: string; scaleMax?: 5 | 10; labels?: string };

const shapes: Record<TemplateName, TemplateItem[]> = {
  startEnd: [
    { kind: 'scale', key: 'feeling', scaleMax: 5, labels: 'bad' },
    { kind: 'scale', key: 'shared', scaleMax: 5, labels: 'agree' },
    { kind: 'scale', key: 'help', scaleMax: 5, labels: 'agree' },
    { kind: 'scale', key: 'hope', scaleMax: 5, labels: 'agree' },
    { kind: 'text', key: 'wish' },
  ],
  life: ['overall', 'mood', 'sleep', 'body', 'everyday', 'close', 'company', 'meaning', 'money', 'future'].map((key) => ({ kind: 'scale', key, scaleMax: 10, labels: 'well' })),
};

/** The template's items, worded in the builder's language. */
export function templateItems(name: TemplateName, locale: Locale) {
  const t = translator(locale);
  return shapes[name].map((item) => ({
    kind: item.kind,
    prompt: t(`questionnaires.templates.${name}.items.${item.key}`),
    scaleMax: item.scaleMax ?? null,
    lowLabel: item.labels ? t(`questionnaires.labels.${item.labels}.low`) : '',
    highLabel: item.labels ? t(`questionnaires.labels.${item.labels}.high`) : '',
    choices: [] as string[],
  }));
}
