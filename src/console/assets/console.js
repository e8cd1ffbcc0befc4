// The console's script, no framework and no build step (idiomorph, loaded before it, morphs
// the DOM). It does three things:
// 1. acts through the API like any client: forms and buttons call /v1 (with the bearer
//    token) and /_sim (with the admin token, if any); every dialog submit carries its own
//    Idempotency-Key, so a retry after a lost answer cannot act twice; refusals are said in
//    the console's words, next to the field they concern;
// 2. opens and closes the <dialog>s and puts focus where a person expects it;
// 3. keeps the page current from the server's stream of changes, without losing your place.

const $ = (selector, root = document) => root.querySelector(selector);
const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];

// ------------------------------------------------------------------ credentials

function cookie(name) {
  const found = document.cookie.split('; ').find((part) => part.startsWith(`${name}=`));
  return found ? decodeURIComponent(found.slice(name.length + 1)) : '';
}

function setCookie(name, value) {
  const expiry = value ? 'max-age=31536000' : 'max-age=0';
  // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API is not in every browser the console supports
  document.cookie = `${name}=${encodeURIComponent(value)}; path=/; ${expiry}; samesite=strict`;
}

const token = () => cookie('drsim_token') || 'demo';
const adminToken = () => cookie('drsim_admin');

// ------------------------------------------------------------------ the API

/** One API call; resolves to { ok, status, data } where data is the JSON or problem document. */
async function call(method, path, body, extraHeaders = {}) {
  const headers = { Accept: 'application/json', ...extraHeaders };
  // The token picks the tenant's world for /_sim too; the admin token comes on top when given.
  headers.Authorization = `Bearer ${token()}`;
  if (!(path.startsWith('/v1/') || path === '/v1') && adminToken())
    headers['X-Drsim-Admin-Token'] = adminToken();
  const init = { method, headers };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch {
    return { ok: false, status: 0, data: { code: 'NETWORK', detail: 'The server did not answer.' } };
  }
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { detail: text };
  }
  return { ok: res.ok, status: res.status, data };
}

const problemText = (data) =>
  data && (data.detail || data.title)
    ? `${data.code ? `${data.code}: ` : ''}${data.detail || data.title}`
    : 'Failed.';

/** A fresh Idempotency-Key; getRandomValues also works where randomUUID does not (plain http). */
function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `console-${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** Answers worth sending again with the same key: nothing came back, or a gateway gave up. */
const RETRIABLE = new Set([0, 502, 503, 504]);

/** A write with its Idempotency-Key, retried a few times when the answer was lost. */
async function callOnce(method, path, body, key) {
  let res;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 400 * attempt));
    res = await call(method, path, body, { 'Idempotency-Key': key });
    if (!RETRIABLE.has(res.status)) break;
  }
  return res;
}

// ------------------------------------------------------------------ messages

// The one place where the API's validation issues become sentences. A field error from the API
// is { path, message } with the validator's wording; the console says it with the field's label.

function labelOf(form, path) {
  const field = form?.elements.namedItem(path);
  const input = field instanceof RadioNodeList ? field[0] : field;
  const label = input?.labels?.[0] || input?.closest('fieldset')?.querySelector('legend');
  const text = label ? label.textContent.replace(/\(optional\)/, '').trim() : '';
  return (
    text ||
    path
      .split('.')
      .pop()
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .toLowerCase()
  );
}

const sentence = (text) => {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
};

/**
 * [pattern, sentence] pairs, first match wins. `m` is the match; `f.Label` the field's label to
 * start a sentence, `f.label` to use inside one; `f.choice` when it is picked rather than typed.
 */
const MESSAGE_RULES = [
  [
    /received undefined|^required$|expected .*, received null/i,
    (_m, f) => `${f.choice ? 'Choose' : 'Enter'} the ${f.label}.`,
  ],
  [/expected int/i, (_m, f) => `${f.Label} must be a whole number.`],
  [/expected number, received (string|NaN)/i, (_m, f) => `${f.Label} must be a number.`],
  [
    /too small: expected string to have >=(\d+) char/i,
    (m, f) => (m[1] === '1' ? `Enter the ${f.label}.` : `${f.Label} needs at least ${m[1]} characters.`),
  ],
  [
    /too big: expected string to have <=(\d+) char/i,
    (m, f) => `${f.Label} may have at most ${m[1]} characters.`,
  ],
  [/too small: expected number to be >=?(-?[\d.]+)/i, (m, f) => `${f.Label} must be at least ${m[1]}.`],
  [/too big: expected number to be <=?(-?[\d.]+)/i, (m, f) => `${f.Label} must be at most ${m[1]}.`],
  [/too small: expected array to have >=(\d+)/i, (m, f) => `Add at least ${m[1]}: ${f.label}.`],
  [
    /invalid option: expected one of (.*)/i,
    (m, f) => `Choose ${f.label}: one of ${m[1].replaceAll('"', '').split('|').join(', ')}.`,
  ],
  [
    /^invalid (?:string|format)[^:]*:? ?(.*)/i,
    (m, f) => `${f.Label} is not in the expected form${m[1] ? `: ${m[1]}` : ''}.`,
  ],
  [/unrecognized key/i, (m) => `${sentence(m.input)} The console sent a field the API does not know.`],
];

function humanMessage(message, label, choice) {
  const text = String(message || '');
  // "VPC" stays as it is inside a sentence; "Shadow region" becomes "shadow region".
  const inner = /^[A-Z]{2}/.test(label) ? label : label.charAt(0).toLowerCase() + label.slice(1);
  const field = { Label: label.charAt(0).toUpperCase() + label.slice(1), label: inner, choice };
  for (const [pattern, say] of MESSAGE_RULES) {
    const match = text.match(pattern);
    if (match) return say(match, field);
  }
  return sentence(text);
}

/** What a refusal of an action means, in the console's words. */
function refusalText(data, status) {
  if (status === 0)
    return 'The server did not answer, even after retrying. Nothing was changed twice; try again.';
  if (status === 409 && data?.code === 'INVALID_STATE') {
    const pair = $('#pair-status');
    const now = pair?.dataset.statusLabel;
    return `This is not possible now${now ? `: the pair is ${now}` : ''}. It changed after the dialog opened; see what you can do now below.`;
  }
  if (status === 409) return `Refused because of the current state of the servers: ${data?.detail ?? ''}`;
  if (status === 401 || status === 403) return `Your token may not do this: ${data?.detail ?? ''}`;
  if (status === 422 && data?.code === 'IDEMPOTENCY_KEY_REUSED')
    return 'That request was already sent with other values. Submit again.';
  if (status >= 500) return `The service failed (${status}). Try again in a moment.`;
  return problemText(data);
}

function announce(message) {
  const region = $('#announcer');
  if (!region) return;
  region.textContent = '';
  // A change of text in a live region is what gets read out; clear first so a repeat is too.
  setTimeout(() => {
    region.textContent = message;
  }, 30);
}

function alertMessage(message) {
  const box = $('#console-alert');
  if (!box) return;
  box.textContent = message;
  box.hidden = !message;
}

function doneMessage(template, data) {
  const job = data && typeof data.id === 'string' && data.id.startsWith('job') ? data.id : '';
  return (template || 'Done').replace('{job}', job || 'job started');
}

// ------------------------------------------------------------------ forms

/** Sets `value` at a dotted path: `network.vpcId` → { network: { vpcId } }; `volumes.0.type` makes an array. */
function setPath(target, path, value) {
  const keys = path.split('.');
  let node = target;
  keys.slice(0, -1).forEach((key, index) => {
    node[key] ??= /^\d+$/.test(keys[index + 1]) ? [] : {};
    node = node[key];
  });
  node[keys[keys.length - 1]] = value;
}

/** `path = content` lines, as the Create a Server dialog takes files. */
function parseFiles(text) {
  const files = {};
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const at = line.indexOf('=');
    const path = (at < 0 ? line : line.slice(0, at)).trim();
    files[path] = at < 0 ? '' : line.slice(at + 1).trim();
  }
  return files;
}

/** The form as the API's JSON body; empty optional fields are left out, as a client would. */
function formBody(form, skip) {
  const body = {};
  // A group of optional fields left wholly empty (a second volume) is left out as a whole.
  const emptyGroups = new Set(
    $$('[data-optional-group]', form).filter((group) =>
      $$('input:not([type="checkbox"]):not([type="hidden"]), textarea', group).every(
        (field) => field.value.trim() === '',
      ),
    ),
  );
  for (const field of form.elements) {
    if (!field.name || field.disabled || field.name === skip || field.closest('[hidden]')) continue;
    if (emptyGroups.has(field.closest('[data-optional-group]'))) continue;
    if (field.dataset.type === 'boolean-text') {
      setPath(body, field.name, field.value === 'true');
      continue;
    }
    if (field.dataset.type === 'files') {
      if (field.value.trim()) setPath(body, field.name, parseFiles(field.value));
      continue;
    }
    if (field.type === 'radio' && !field.checked) continue;
    let value;
    if (field.type === 'checkbox') {
      if (field.dataset.type === 'boolean') value = field.checked;
      else if (!field.checked) continue;
      else value = field.value;
    } else {
      value = field.value.trim();
      if (value === '') continue;
      if (field.dataset.type === 'number') {
        const number = Number(value);
        value = Number.isFinite(number) ? number : value;
      }
    }
    setPath(body, field.name, value);
  }
  return body;
}

function clearErrors(form) {
  $$('[data-error-for]', form).forEach((slot) => {
    slot.textContent = '';
    slot.hidden = true;
  });
  $$('[aria-invalid]', form).forEach((field) => {
    field.removeAttribute('aria-invalid');
  });
}

/** Puts each of the problem's field errors next to its field; the rest in the form's slot. */
function showProblem(form, data, prefix = '', status = 400) {
  // An engine refusal of one choice (NOT_IN_REGION, IP_ADDRESS_IN_USE) names it in `field`.
  const errors = Array.isArray(data?.errors)
    ? data.errors
    : typeof data?.field === 'string'
      ? [{ path: data.field, message: String(data.detail ?? '').replace(/^[\w.]+: /, '') }]
      : [];
  const general = $('[data-error-for=""]', form);
  let placed = 0;
  let firstField = null;
  for (const error of errors) {
    const path = error.path || '';
    const slot = path ? $(`[data-error-for="${CSS.escape(path)}"]`, form) : null;
    if (!slot) continue;
    const control = form.elements.namedItem(path);
    const isChoice = control instanceof RadioNodeList || control instanceof HTMLSelectElement;
    const text = humanMessage(error.message, labelOf(form, path), isChoice);
    slot.textContent =
      slot.textContent && slot.textContent !== text
        ? `${slot.textContent} ${prefix}${text}`
        : `${prefix}${text}`;
    slot.hidden = false;
    placed++;
    const field = form.elements.namedItem(path);
    const input = field instanceof RadioNodeList ? field[0] : field;
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      firstField ??= input;
    }
  }
  if (general && (placed === 0 || placed < errors.length)) {
    const text = placed === 0 ? refusalText(data, status) : 'Some values were refused; see the fields above.';
    general.textContent = `${general.textContent ? `${general.textContent}\n` : ''}${prefix}${text}`;
    general.hidden = false;
  }
  (firstField || general)?.focus?.();
}

/**
 * A refused batch names each refused choice in `failures`: say them next to the choices, by the
 * name the dialog shows ("web-02: Server … is already protected …"), nothing being changed.
 */
function perChoice(form, list, data) {
  if (!Array.isArray(data?.failures)) return data;
  const nameOf = (value) => {
    const box = $(`[name="${CSS.escape(list)}"][value="${CSS.escape(value)}"]`, form);
    return (box && $('.choice-name', box.closest('.choice'))?.textContent) || value;
  };
  return {
    ...data,
    errors: data.failures.map((f) => ({
      path: list,
      message: `${nameOf(f.mainServerId)}: ${f.detail} Nothing was attached.`,
    })),
  };
}

/** Required fields left empty: said on the field before anything is sent. */
function missingFields(form) {
  const errors = [];
  for (const field of form.elements) {
    if (!field.required || field.disabled || field.closest('[hidden]') || !field.name) continue;
    const empty =
      field.type === 'radio'
        ? !form.querySelector(`[name="${CSS.escape(field.name)}"]:checked`)
        : field.value.trim() === '';
    if (empty && !errors.some((e) => e.path === field.name))
      errors.push({ path: field.name, message: 'Required' });
  }
  return errors;
}

let submitting = false;

async function submitForm(form) {
  if (submitting) return;
  const [method, path] = form.dataset.api.split(' ');
  const list = form.dataset.list;
  clearErrors(form);
  const missing = missingFields(form);
  if (missing.length > 0) {
    showProblem(form, { errors: missing, detail: 'Fill in the fields marked.' });
    return;
  }
  const submit = $('[type="submit"]', form);
  // aria-disabled rather than disabled: a disabled button loses keyboard focus to <body>.
  submit?.setAttribute('aria-disabled', 'true');
  form.setAttribute('aria-busy', 'true');
  submitting = true;
  // One key per submit: the automatic retries of a lost answer reuse it, a new submit does not.
  const key = newKey();
  try {
    const body = formBody(form, list);
    if (list) {
      // One request for every checked value: attaching several servers is one operation.
      body[list] = $$(`[name="${CSS.escape(list)}"]:checked`, form).map((box) => box.value);
      if (body[list].length === 0) {
        showProblem(form, {
          errors: [{ path: list, message: 'Select at least one.' }],
          detail: 'Select at least one.',
        });
        return;
      }
    }
    const res = await callOnce(method, path, method === 'DELETE' ? undefined : body, key);
    const dialog = form.closest('dialog');
    if (res.ok) {
      announce(doneMessage(form.dataset.done, res.data));
      // The page is read again before the dialog closes: an open dialog is never re-rendered, so
      // one opened in between (Attach right after Create) would keep the list from before.
      if (dialog) dialog.dataset.done = 'true';
      try {
        await refresh();
      } finally {
        if (dialog) {
          dialog.close();
          delete dialog.dataset.done;
        }
      }
      if (form.hasAttribute('data-reset')) form.reset();
      return;
    }
    // The page may be behind (a 409 means the pair moved on): read it again, then explain.
    if (res.status === 409) await refresh();
    showProblem(form, list ? perChoice(form, list, res.data) : res.data, '', res.status);
    if (dialog) followPair(dialog);
  } finally {
    submitting = false;
    submit?.removeAttribute('aria-disabled');
    form.removeAttribute('aria-busy');
  }
}

/**
 * A dialog of a pair action follows the pair: when the action is no longer allowed, it says so
 * and offers the actions allowed now instead of a submit that would be refused.
 */
function followPair(dialog) {
  const action = dialog.dataset.action;
  const slot = $('[data-follow]', dialog);
  const pair = $('#pair-status');
  // A dialog whose action was just done closes once the page is read again: nothing to follow.
  if (!action || !slot || !pair || dialog.dataset.done) return;
  const allowed = (pair.dataset.allowed || '').split(' ').filter(Boolean);
  const submit = $('[type="submit"]', dialog);
  if (allowed.includes(action)) {
    if (!slot.hidden) {
      slot.hidden = true;
      slot.replaceChildren();
      submit?.removeAttribute('aria-disabled');
    }
    return;
  }
  const labels = JSON.parse(pair.dataset.labels || '{}');
  const title = $('h2', dialog)?.textContent.replace(/\?$/, '') ?? 'This action';
  slot.replaceChildren();
  const text = document.createElement('p');
  text.textContent = `The pair changed while this dialog was open: it is now ${pair.dataset.statusLabel}. ${title} is not possible in that state.`;
  slot.append(text);
  const offers = allowed.filter((name) => document.getElementById(`dlg-${kebab(name)}`));
  if (offers.length > 0) {
    const intro = document.createElement('p');
    intro.textContent = 'Possible now:';
    const list = document.createElement('div');
    list.className = 'follow-offers';
    for (const name of offers) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'secondary';
      button.dataset.switchDialog = `dlg-${kebab(name)}`;
      button.textContent = labels[name] || name;
      list.append(button);
    }
    slot.append(intro, list);
  } else {
    const none = document.createElement('p');
    none.textContent =
      'Nothing can be done on this pair right now; close this dialog and wait for the job to finish.';
    slot.append(none);
  }
  slot.hidden = false;
  submit?.setAttribute('aria-disabled', 'true');
}

const kebab = (camel) => camel.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();

/** `data-show-when="effect.kind=delay"`: a field that only applies to some choices. */
function applyConditions(root = document) {
  $$('[data-show-when]', root).forEach((wrapper) => {
    const [name, expected] = wrapper.dataset.showWhen.split('=');
    const form = wrapper.closest('form');
    const control = form?.elements.namedItem(name);
    const visible = !control || control.value === expected;
    wrapper.hidden = !visible;
    $$('input, select, textarea', wrapper).forEach((field) => {
      field.disabled = !visible;
    });
  });
}

// ------------------------------------------------------------------ placement choices

/** The options of a catalogue field (`data-catalogue-field`) in a region of the catalogue. */
function catalogueChoices(region, kind, form) {
  if (kind === 'vpc') return region.vpcs;
  if (kind === 'subnet') {
    const vpcId = form.elements.namedItem('network.vpcId')?.value;
    return (region.vpcs.find((vpc) => vpc.id === vpcId) ?? region.vpcs[0])?.subnets ?? [];
  }
  if (kind === 'family') return region.families;
  return region[`${kind}s`] ?? [];
}

/**
 * A listed region offers its VPCs, subnets and groups as selects; another region takes free
 * text. Run when the region or the VPC changes, and when the dialog opens (after its reset).
 */
function refillPlacement(form) {
  const input = $('[data-region-input]', form);
  if (!input) return;
  const catalogue = JSON.parse(input.dataset.catalogue || '[]');
  const region = catalogue.find((candidate) => candidate.id === input.value.trim());
  for (const wrapper of $$('[data-catalogue-field]', form)) {
    const old = $('select, input', wrapper);
    const empty = wrapper.dataset.emptyLabel;
    let control = old;
    if (region) {
      const choices = catalogueChoices(region, wrapper.dataset.catalogueField, form);
      control = document.createElement('select');
      if (empty !== undefined) control.add(new Option(empty, ''));
      for (const choice of choices) control.add(new Option(`${choice.id} — ${choice.label}`, choice.id));
      const kept = [...control.options].some((option) => option.value === old.value);
      if (kept) control.value = old.value;
    } else if (old instanceof HTMLSelectElement) {
      control = document.createElement('input');
      control.type = 'text';
      control.autocomplete = 'off';
      control.spellcheck = false;
    }
    if (control === old) continue;
    for (const name of ['id', 'name', 'aria-describedby']) control.setAttribute(name, old.getAttribute(name));
    old.replaceWith(control);
  }
}

// ------------------------------------------------------------------ dialogs

const openers = new WeakMap();

function openDialog(id, opener) {
  const dialog = document.getElementById(id);
  if (!dialog || dialog.open) return;
  $$('form', dialog).forEach((form) => {
    form.reset();
    refillPlacement(form);
    clearErrors(form);
  });
  const follow = $('[data-follow]', dialog);
  if (follow) {
    follow.hidden = true;
    follow.replaceChildren();
    $('[type="submit"]', dialog)?.removeAttribute('aria-disabled');
  }
  applyConditions(dialog);
  // Opened from the Actions menu: focus returns to the menu's button, which stays visible.
  const menu = opener?.closest?.('details.menu');
  openers.set(dialog, menu ? $('summary', menu) : opener);
  $('details.menu[open]')?.removeAttribute('open');
  dialog.showModal();
  const first =
    $('[autofocus]', dialog) || $('input:checked', dialog) || $('input, select, textarea, button', dialog);
  first?.focus();
}

function onDialogClosed(dialog) {
  const opener = openers.get(dialog);
  openers.delete(dialog);
  // Closed to open another (a dialog that followed its pair offers the actions allowed now):
  // focus belongs to the dialog now open. The close event comes after that one opened.
  if ($('dialog[open]')) return;
  // Back to the button that opened it; if the pair moved on and it is gone, to the new status.
  if (opener?.isConnected && opener.offsetParent !== null) opener.focus();
  else focusNewContent();
}

// ------------------------------------------------------------------ staying current

// The server pushes what changed in this tenant (`/console/live`, server-sent events); the page
// fetches only that and morphs it into place with idiomorph, so focus, a text selection,
// scroll, an open menu and an open dialog all survive an update.

/** Without any message for this long the stream counts as dead (the server pings every 2 s). */
const STALE_AFTER_MS = 4500;
/** Changes of the clock alone (ages, RPO) refresh the page at most this often. */
const CLOCK_REFRESH_MS = 10_000;

let pendingRefresh = false;
let refreshing = null;
let lastMessageAt = Date.now();
let lastUpdateAt = new Date();
let lastClockRefresh = Date.now();
let stale = false;
let source = null;
let retryTimer = null;
let eventSeq = Number.parseInt(document.body.dataset.eventSeq, 10);
/** How many updates the page has applied: the browser tests count them. */
window.drsimUpdates = 0;

const morphOptions = {
  morphStyle: 'innerHTML',
  ignoreActiveValue: true,
  restoreFocus: true,
  callbacks: {
    // An open dialog is the person's work in progress: it is kept as it is, never re-rendered.
    beforeNodeMorphed(oldNode, newNode) {
      if (oldNode instanceof HTMLDialogElement && oldNode.open) return false;
      // A field someone typed into keeps what they typed.
      if (
        (oldNode instanceof HTMLInputElement || oldNode instanceof HTMLTextAreaElement) &&
        oldNode.type !== 'radio' &&
        oldNode.type !== 'checkbox' &&
        oldNode.value !== oldNode.defaultValue
      )
        return false;
      if (oldNode instanceof HTMLSelectElement && oldNode.dataset.touched) return false;
      return newNode !== undefined;
    },
    beforeNodeRemoved(node) {
      return !(node instanceof HTMLDialogElement && node.open);
    },
    // Open menus and disclosures stay as the person left them.
    beforeAttributeUpdated(name, element) {
      return !(
        name === 'open' &&
        (element instanceof HTMLDetailsElement || element instanceof HTMLDialogElement)
      );
    },
  },
};

function morph(target, html, style = 'innerHTML') {
  const before = document.activeElement;
  window.Idiomorph.morph(target, html, { ...morphOptions, morphStyle: style });
  applyConditions(target);
  $$('dialog[open]').forEach(followPair);
  window.drsimUpdates++;
  // The focused control went away (its action is no longer offered): keep the keyboard on the page.
  if (before && before !== document.body && !before.isConnected) focusNewContent();
}

function focusNewContent() {
  const target = $('#pair-status') || $('#main h1') || $('#main');
  target?.focus({ preventScroll: true });
}

/** Re-renders <main> from the server, morphing the difference into the page. */
async function refresh() {
  if (refreshing) {
    pendingRefresh = true;
    return refreshing;
  }
  pendingRefresh = false;
  refreshing = (async () => {
    const main = $('#main');
    let res;
    try {
      res = await fetch(location.pathname + location.search, { headers: { 'X-Console-Fragment': 'main' } });
    } catch {
      return failedRefresh('The server did not answer.');
    }
    if (!res.ok && !res.headers.get('X-Console-Title')) {
      return failedRefresh(`The server answered ${res.status}.`);
    }
    const html = await res.text();
    const statusBefore = $('#pair-status')?.textContent;
    morph(main, html);
    markFresh();
    const now = res.headers.get('X-Drsim-Time');
    if (now) showClock({ now });
    const title = res.headers.get('X-Console-Title');
    if (title) document.title = `${decodeURIComponent(title)} · drsim console`;
    // A morphed <main> is not read out; the pair's status is what a person waits for.
    const statusAfter = $('#pair-status')?.textContent;
    if (statusBefore && statusAfter && statusAfter !== statusBefore)
      announce(statusAfter.replace(/\s+/g, ' ').trim());
  })();
  try {
    await refreshing;
  } finally {
    refreshing = null;
  }
  if (pendingRefresh) await refresh();
}

/** The list page: only the rows of the pairs that changed, and the counts. */
async function refreshRows(ids) {
  const url = new URL(location.href);
  url.pathname = '/console/rows';
  url.searchParams.set('ids', ids.join(','));
  let res;
  try {
    res = await fetch(url, { headers: { Accept: 'text/html' } });
  } catch {
    return failedRefresh('The server did not answer.');
  }
  if (!res.ok) return failedRefresh(`The server answered ${res.status}.`);
  const template = document.createElement('template');
  template.innerHTML = await res.text();
  for (const row of $$('[data-pair-row]', template.content)) {
    const current = $(`[data-pair-row="${CSS.escape(row.dataset.pairRow)}"]`);
    if (current) morph(current, row.outerHTML, 'outerHTML');
  }
  const counts = $('#pair-counts', template.content);
  const currentCounts = $('#pair-counts');
  if (counts && currentCounts) morph(currentCounts, counts.outerHTML, 'outerHTML');
  markFresh();
}

let retryDelay = 1000;

function failedRefresh(reason) {
  showStale(`Could not refresh: ${reason}`);
  clearTimeout(retryTimer);
  retryTimer = setTimeout(() => {
    retryDelay = Math.min(retryDelay * 2, 5000);
    refresh();
  }, retryDelay);
}

function markFresh() {
  lastUpdateAt = new Date();
  retryDelay = 1000;
  clearTimeout(retryTimer);
  if (stale && source?.readyState === EventSource.OPEN) hideStale();
}

const wallTime = (date) =>
  date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

function showStale(reason) {
  stale = true;
  const banner = $('#live-banner');
  if (!banner) return;
  $('[data-live-reason]', banner).textContent = reason;
  const time = $('[data-live-last]', banner);
  time.textContent = wallTime(lastUpdateAt);
  time.setAttribute('datetime', lastUpdateAt.toISOString());
  banner.hidden = false;
}

function hideStale() {
  stale = false;
  const banner = $('#live-banner');
  if (banner) banner.hidden = true;
}

/** What a change means for the page in view. */
function onChange(change) {
  if (Number.isFinite(change.seq)) eventSeq = change.seq;
  if (change.now) showClock({ now: change.now });
  const pairId = $('#pair-status')?.dataset.pairId;
  const rows = $$('[data-pair-row]').map((row) => row.dataset.pairRow);
  const onList = Boolean($('#pair-counts'));
  const clockOnly = !change.all && change.pairs.length === 0;
  if (clockOnly) {
    if (Date.now() - lastClockRefresh < CLOCK_REFRESH_MS) return;
    lastClockRefresh = Date.now();
    if (onList) return refreshRows(rows);
    return refresh();
  }
  if (change.all) return refresh();
  if (pairId) return change.pairs.includes(pairId) ? refresh() : undefined;
  if (onList) {
    const visible = change.pairs.filter((id) => rows.includes(id));
    return refreshRows(visible);
  }
  return refresh();
}

function connect() {
  source?.close();
  const after = Number.isFinite(eventSeq) ? `?after=${eventSeq}` : '';
  source = new EventSource(`/console/live${after}`);
  let reopened = false;
  source.addEventListener('open', () => {
    lastMessageAt = Date.now();
    // Back after a gap: whatever happened meanwhile is not in the stream, so read the page again.
    if (stale || reopened) refresh();
    reopened = true;
  });
  source.addEventListener('ping', () => {
    lastMessageAt = Date.now();
    if (stale) refresh();
  });
  source.addEventListener('change', (event) => {
    lastMessageAt = Date.now();
    onChange(JSON.parse(event.data));
  });
  source.addEventListener('error', () => {
    if (source.readyState !== EventSource.OPEN)
      showStale('Live updates stopped: the server does not answer.');
  });
}

function watchStream() {
  setInterval(() => {
    if (Date.now() - lastMessageAt > STALE_AFTER_MS) {
      showStale('Live updates stopped: nothing heard from the server.');
      // A stream that went silent without closing: open a new one.
      if (source?.readyState === EventSource.OPEN) connect();
      else if (source?.readyState === EventSource.CLOSED) connect();
    }
    const time = $('#live-banner [data-live-last]');
    if (time && stale) time.textContent = wallTime(lastUpdateAt);
  }, 1000);
}

function showClock(clock) {
  const text = `${clock.now.slice(0, 19).replace('T', ' ')} UTC`;
  $$('[data-sim-clock]').forEach((el) => {
    if (el.textContent !== text) el.textContent = text;
    el.setAttribute('datetime', clock.now);
  });
  if (!clock.mode) return;
  const mode = clock.mode === 'realtime' ? `realtime ×${clock.speed}` : 'manual';
  $$('[data-sim-mode]').forEach((el) => {
    el.textContent = mode;
  });
}

// ------------------------------------------------------------------ events

document.addEventListener('click', async (event) => {
  const target = event.target instanceof Element ? event.target : null;
  if (!target) return;

  const opener = target.closest('[data-open]');
  if (opener) {
    openDialog(opener.dataset.open, opener);
    return;
  }
  const closer = target.closest('[data-close]');
  if (closer) {
    closer.closest('dialog')?.close();
    return;
  }
  const switcher = target.closest('[data-switch-dialog]');
  if (switcher) {
    // From a dialog whose action is gone to one allowed now; focus returns to the first opener.
    const from = switcher.closest('dialog');
    const opener = openers.get(from);
    from.close();
    openDialog(switcher.dataset.switchDialog, opener);
    return;
  }
  const caller = target.closest('[data-call]');
  if (caller) {
    // Not disabled while it works: a disabled button drops keyboard focus, and every press counts.
    const [method, path] = caller.dataset.call.split(' ');
    const res = await call(method, path, caller.dataset.body ? JSON.parse(caller.dataset.body) : undefined);
    if (res.ok) {
      alertMessage('');
      announce(doneMessage(caller.dataset.done, res.data));
      await refresh();
    } else {
      alertMessage(problemText(res.data));
    }
    return;
  }
  const copier = target.closest('[data-copy]');
  if (copier) {
    const source = $(copier.dataset.copy);
    const text = source?.value ?? source?.textContent ?? '';
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // Clipboard access needs a secure context; selecting the text lets the person copy it.
      source?.select?.();
      document.execCommand?.('copy');
    }
    announce('Copied to the clipboard');
    copier.textContent = 'Copied';
    return;
  }
  const viewer = target.closest('[data-view-file]');
  if (viewer) {
    const res = await call('GET', viewer.dataset.viewFile);
    const dialog = $('#dlg-file');
    if (!dialog) return;
    $('[data-file-title]', dialog).textContent = res.ok ? res.data.path : 'File';
    $('[data-file-meta]', dialog).textContent = res.ok
      ? `${res.data.checksum} · ${res.data.sizeBytes} bytes`
      : '';
    $('[data-file-content]', dialog).textContent = res.ok ? res.data.content : problemText(res.data);
    openDialog('dlg-file', viewer);
  }
});

document.addEventListener('submit', (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  if (form.matches('[data-api]')) {
    event.preventDefault();
    if ($('[type="submit"]', form)?.getAttribute('aria-disabled') === 'true') return;
    submitForm(form);
  } else if (form.matches('[data-token-form]')) {
    event.preventDefault();
    const value = form.elements.namedItem('token').value.trim();
    const previous = token();
    setCookie('drsim_token', value);
    // The tenant followed the old token (development mode); let it follow the new one too.
    if (!cookie('drsim_tenant') || cookie('drsim_tenant') === previous) setCookie('drsim_tenant', '');
    location.reload();
  } else if (form.matches('[data-settings-form]')) {
    event.preventDefault();
    setCookie('drsim_tenant', form.elements.namedItem('tenant').value.trim());
    setCookie('drsim_admin', form.elements.namedItem('admin').value.trim());
    location.reload();
  }
});

document.addEventListener('change', async (event) => {
  const field = event.target;
  if (!(field instanceof HTMLElement)) return;
  // A choice someone made is kept through live updates until it is saved.
  if (field instanceof HTMLSelectElement && !field.dataset.changeCall) field.dataset.touched = 'true';
  if (field.closest('form')) applyConditions(field.closest('form'));
  if (field.matches('[data-region-input], [data-catalogue-field="vpc"] select')) refillPlacement(field.form);
  if (field.matches('[data-change-call]')) {
    const [method, path] = field.dataset.changeCall.split(' ');
    const res = await call(method, path, { [field.name]: field.value });
    if (res.ok) {
      alertMessage('');
      announce(field.dataset.done || 'Saved');
      await refresh();
    } else alertMessage(problemText(res.data));
  }
});

document.addEventListener(
  'close',
  (event) => {
    if (event.target instanceof HTMLDialogElement) onDialogClosed(event.target);
  },
  true,
);

document.addEventListener('keydown', (event) => {
  // Escape closes the Actions menu and gives focus back to its button, as a menu should.
  if (event.key !== 'Escape') return;
  const menu = $('details.menu[open]');
  if (menu && !$('dialog[open]')) {
    menu.removeAttribute('open');
    $('summary', menu)?.focus();
  }
});

document.addEventListener('DOMContentLoaded', () => {
  applyConditions();
  connect();
  watchStream();
});

// ------------------------------------------------------------------ chart zoom

document.addEventListener('click', (event) => {
  const button = event.target instanceof Element ? event.target.closest('[data-zoom]') : null;
  if (!button) return;
  const svg = $('#chart-scroll svg');
  if (!svg) return;
  const natural = Number(svg.dataset.naturalWidth);
  const zoom = Number(svg.dataset.zoom || 1);
  const next = button.dataset.zoom === 'reset' ? 1 : button.dataset.zoom === 'in' ? zoom * 1.25 : zoom / 1.25;
  const clamped = Math.min(3, Math.max(0.3, next));
  svg.dataset.zoom = String(clamped);
  svg.setAttribute('width', String(Math.round(natural * clamped)));
  svg.removeAttribute('height');
  announce(`Chart at ${Math.round(clamped * 100)} %`);
});
