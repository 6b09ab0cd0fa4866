// @ts-check
import { api, Unauthorized } from '../lib/api.js';
import { h } from '../lib/dom.js';

/**
 * The admin token goes in a password field and on to sessionStorage: never in the URL, so it is
 * not in history, logs or referrers.
 * @param {HTMLElement} main
 * @param {string | undefined} message
 * @param {(token: string) => Promise<void>} onToken
 */
export function renderSignIn(main, message, onToken) {
  const input = /** @type {HTMLInputElement} */ (h('input', { type: 'password', name: 'token', autocomplete: 'current-password', required: true, 'aria-label': 'Admin token' }));
  const msg = h('p.err', { role: 'alert' }, message ?? '');
  const form = h(
    'form.signin',
    {
      onsubmit: async (/** @type {SubmitEvent} */ e) => {
        e.preventDefault();
        const t = input.value.trim();
        try {
          await api('projects', {}, t); // check before keeping it
        } catch (err) {
          msg.textContent = err instanceof Unauthorized ? 'That token was not accepted.' : `Could not reach Touchpoint: ${/** @type {Error} */ (err).message}`;
          return;
        }
        await onToken(t);
      },
    },
    h('h1', null, 'Touchpoint'),
    h('label', null, 'Admin token (TOUCHPOINT_ADMIN_TOKEN)', input),
    h('button', { type: 'submit' }, 'Sign in'),
    msg,
  );
  main.replaceChildren(form);
  input.focus();
}
