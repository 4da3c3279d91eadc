import { plainText } from './userText';
import type { ItemState } from '../../domain/planItem';
import { itemLabel } from '../../domain/planItem';
import type { UpdateRequest } from '../../domain/statusUpdate';
import { renderCard, type AdaptiveCardJson } from '../../cards/render';
import type { ItemIdentity } from '../../cards/cardData';
import { RAG_WORD, STATUS_TEXT, dueText, truncate } from './format';

export type FieldErrors = Partial<Record<keyof UpdateRequest | 'request', string>>;

const NO_ERRORS = { request: '', commentary: '', evidenceUrl: '', revisedDue: '', revisedDueReason: '', status: '', rag: '' };

export interface FormInput {
  item: ItemState;
  /** Teams user ids (29:…) who get the editable view on refresh. */
  editorIds: string[];
  values?: Partial<Record<keyof UpdateRequest, string>>;
  errors?: FieldErrors;
  notice?: string;
}

/** What every card about one item carries: ids and the version it was built from, and its label. */
export function cardIdentity(i: ItemState): ItemIdentity {
  return {
    planId: i.planId,
    ref: i.ref,
    seq: i.seq === undefined ? '' : String(i.seq),
    version: String(i.version),
    owner: i.ownerRole ?? '',
    label: itemLabel(i),
    title: truncate(i.title, 300),
  };
}

/** The update form. Its data carries ids, the version it was built from and the owner it showed, nothing else. */
export function updateFormCard(f: FormInput): AdaptiveCardJson {
  const i = f.item;
  return renderCard('updateForm', {
    ...cardIdentity(i),
    currentText: `${STATUS_TEXT[i.status]}, ${RAG_WORD[i.rag]}; due ${dueText(i.due)}`,
    dueText: dueText(i.due),
    editorIds: f.editorIds,
    notice: f.notice ? plainText(f.notice) : '',
    errors: { ...NO_ERRORS, ...f.errors },
    values: {
      status: f.values?.status ?? (i.status === 'awaiting_signoff' ? 'complete' : i.status),
      rag: f.values?.rag ?? 'auto',
      commentary: f.values?.commentary ?? '',
      evidenceUrl: f.values?.evidenceUrl ?? i.evidenceUrl ?? '',
      revisedDue: f.values?.revisedDue ?? '',
      revisedDueReason: f.values?.revisedDueReason ?? '',
    },
  });
}
