/**
 * The prompt chunk (agent-prompt.js, an ES module the core agent imports when a prompt arrives):
 * renders a nudge or a survey in the page and reports what the customer does with it. Every word
 * comes from the prompt (rendered on the server in the page's language).
 */
import type { NudgeAction, NudgeOutcome, NudgePrompt, Prompt, SurveyPrompt } from '@touchpoint/protocol/prompts';
import { MAX_COMMENT_CHARS, SURVEY_SCALES } from '@touchpoint/protocol/prompts';
import { firstTime } from '../lib/seen.ts';
import type { PromptApi } from './api.ts';
import { STYLE } from './style.ts';

type Kid = Node | string;
const h = <K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> & Record<string, unknown> = {}, ...kids: Kid[]): HTMLElementTagNameMap[K] => {
  const el = document.createElement(tag);
  for (const k in props) {
    const v = props[k];
    if (v === undefined) continue;
    // aria-*, role, for and the like are attributes; the rest (onclick, className, maxLength…) properties.
    if (/-|^role$|^for$/.test(k)) el.setAttribute(k, String(v));
    else (el as unknown as Record<string, unknown>)[k] = v;
  }
  el.append(...kids);
  return el;
};

// The prompt on screen, if any: a newer one (the survey after a nudge was answered) replaces it.
let current: (() => void) | undefined;

/** Renders `p` unless this tab already showed a nudge for its incident (the core checked its id). */
export function show(p: Prompt, api: PromptApi): void {
  if (p.kind == 'nudge' && !firstTime('incident ' + p.incident)) return;
  current?.();
  const before = document.activeElement as HTMLElement | null;
  const host = h('div');
  const root = host.attachShadow({ mode: 'open' });
  const status = h('div', { role: 'status', 'aria-live': 'polite', className: 'v' });
  const content = h('div');
  const close = () => {
    // Focus goes back where it was, unless the customer has moved it out of the prompt since.
    const inside = document.activeElement == host;
    host.remove();
    current = undefined;
    if (inside || document.activeElement == document.body) before?.focus?.();
  };
  const nudge = (outcome: NudgeOutcome, phone?: string) =>
    p.kind == 'nudge' && api.emit({ type: 'nudge', at: Date.now(), prompt: p.id, incident: p.incident, outcome, phone });
  const dismiss = () => {
    close();
    if (!done) nudge('dismissed');
  };
  let done = false;
  const finish = () => {
    done = true;
    content.replaceChildren(h('p', { id: 'b' }, p.done));
    status.textContent = p.done;
    dialog.focus();
  };
  const title = h('h2', { id: 't' }, p.kind == 'nudge' ? p.title : p.question);
  const dialog = h(
    'div',
    { role: 'dialog', 'aria-labelledby': 't', 'aria-describedby': 'b', tabIndex: -1, className: 'd', lang: p.lang },
    h('button', { type: 'button', className: 'x', 'aria-label': p.close, onclick: dismiss }, '×'),
    title,
    content,
    status,
  );
  dialog.addEventListener('keydown', (e) => {
    if (e.key == 'Escape') {
      e.stopPropagation();
      dismiss();
    }
  });
  content.append(...(p.kind == 'nudge' ? nudgeBody(p, nudge, finish) : surveyBody(p, api, finish)));
  root.append(h('style', {}, STYLE), dialog);
  document.body.append(host);
  current = close;
  dialog.focus();
  // Announced once it is on screen (a live region filled as it appears may not be read).
  setTimeout(() => (status.textContent = title.textContent), 100);
  nudge('shown');
}

function nudgeBody(p: NudgePrompt, report: (a: NudgeAction, phone?: string) => void, finish: () => void): Kid[] {
  const actions = h('div', { className: 'a' });
  const act = (a: NudgeAction, phone?: string) => {
    report(a, phone);
    finish();
  };
  for (const { action, label, href } of p.actions) {
    if (action == 'support' && href) {
      actions.append(h('a', { href, target: '_blank', rel: 'noopener', onclick: () => act(action) }, label));
    } else if (action == 'call_back') {
      actions.append(
        h('button', {
          type: 'button',
          onclick: () => {
            const phone = h('input', { type: 'tel', autocomplete: 'tel', required: true });
            const form = h(
              'form',
              {
                onsubmit: (e: Event) => {
                  e.preventDefault();
                  if (phone.value.trim()) act(action, phone.value.trim().slice(0, 32));
                  else phone.focus();
                },
              },
              h('label', { className: 'c' }, p.phoneLabel ?? label, phone),
              h('button', { className: 's' }, p.sendLabel),
            );
            actions.replaceWith(form);
            phone.focus();
          },
        }, label),
      );
    } else if (action != 'support') {
      actions.append(
        h('button', {
          type: 'button',
          onclick: () => {
            if (action != 'retry') return act(action);
            report(action);
            // The customer's answer is urgent: it goes with the beacon the page sends as it unloads.
            href ? location.assign(href) : location.reload();
          },
        }, label),
      );
    }
  }
  return [h('p', { id: 'b' }, p.body), actions];
}

function surveyBody(p: SurveyPrompt, api: PromptApi, finish: () => void): Kid[] {
  const [min, max] = SURVEY_SCALES[p.survey];
  const scale = h('div', { className: 'r' });
  const radios: HTMLInputElement[] = [];
  for (let n = min; n <= max; n++) {
    const radio = h('input', { type: 'radio', name: 'score', value: String(n), 'aria-describedby': n == min ? 'lo' : n == max ? 'hi' : undefined });
    radios.push(radio);
    scale.append(h('label', {}, radio, String(n)));
  }
  const comment = p.commentLabel ? h('textarea', { maxLength: MAX_COMMENT_CHARS, rows: 3 }) : undefined;
  const form = h(
    'form',
    {
      onsubmit: (e: Event) => {
        e.preventDefault();
        const picked = radios.find((r) => r.checked);
        if (!picked) return radios[0]?.focus();
        api.emit({
          type: 'feedback',
          at: Date.now(),
          prompt: p.id,
          survey: p.survey,
          score: +picked.value,
          comment: comment?.value.trim().slice(0, MAX_COMMENT_CHARS) || undefined,
          trigger: p.trigger,
          checkout: p.checkout ?? api.checkout,
          step: api.step,
          incident: p.incident,
        });
        finish();
      },
    },
    h(
      'fieldset',
      { role: 'radiogroup', 'aria-labelledby': 't' },
      scale,
      h('div', { className: 'e', id: 'b' }, h('span', { id: 'lo' }, p.low), ' ', h('span', { id: 'hi' }, p.high)),
    ),
    ...(comment ? [h('label', { className: 'c' }, p.commentLabel ?? '', comment)] : []),
    h('button', { className: 's' }, p.sendLabel),
  );
  return [form];
}
