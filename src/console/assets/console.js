// The console's only script, no framework and no build step. It does three things:
// 1. acts through the API like any client: forms and buttons call /v1 (with the bearer
//    token) and /_sim (with the admin token, if any) and show the API's own errors;
// 2. opens and closes the <dialog>s, returning focus to whatever opened them;
// 3. keeps the page current: it watches the simulation (new events, the clock) and
//    re-renders <main> from the server when something changed, without a reload.

const POLL_MS = 1000;
/** Without the control API there is nothing to watch; refresh on a timer instead. */
const BLIND_REFRESH_MS = 3000;

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
async function call(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (path.startsWith('/v1/') || path === '/v1') headers.Authorization = `Bearer ${token()}`;
  else if (adminToken()) headers['X-Drsim-Admin-Token'] = adminToken();
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

/** Sets `value` at a dotted path: `network.vpcId` → { network: { vpcId } }. */
function setPath(target, path, value) {
  const keys = path.split('.');
  let node = target;
  keys.slice(0, -1).forEach((key) => {
    node[key] ??= {};
    node = node[key];
  });
  node[keys[keys.length - 1]] = value;
}

/** The form as the API's JSON body; empty optional fields are left out, as a client would. */
function formBody(form, skip) {
  const body = {};
  for (const field of form.elements) {
    if (!field.name || field.disabled || field.name === skip || field.closest('[hidden]')) continue;
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
function showProblem(form, data, prefix = '') {
  const errors = Array.isArray(data?.errors) ? data.errors : [];
  const general = $('[data-error-for=""]', form);
  let placed = 0;
  let firstField = null;
  for (const error of errors) {
    const path = error.path || '';
    const slot = path ? $(`[data-error-for="${CSS.escape(path)}"]`, form) : null;
    if (!slot) continue;
    slot.textContent = `${prefix}${error.message}`;
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
    general.textContent = `${general.textContent ? `${general.textContent}\n` : ''}${prefix}${problemText(data)}`;
    general.hidden = false;
  }
  (firstField || general)?.focus?.();
}

async function submitForm(form) {
  const [method, path] = form.dataset.api.split(' ');
  const each = form.dataset.each;
  clearErrors(form);
  const submit = $('[type="submit"]', form);
  if (submit) submit.disabled = true;
  form.setAttribute('aria-busy', 'true');
  try {
    const body = formBody(form, each);
    let results;
    if (each) {
      // One request per checked value: "Attach a Server" attaches several main servers at once.
      const values = $$(`[name="${CSS.escape(each)}"]:checked`, form).map((box) => box.value);
      if (values.length === 0) {
        showProblem(form, {
          errors: [{ path: each, message: 'Select at least one.' }],
          detail: 'Select at least one.',
        });
        return;
      }
      results = [];
      for (const value of values) {
        results.push({ value, res: await call(method, path, { ...body, [each]: value }) });
      }
    } else {
      results = [{ value: null, res: await call(method, path, method === 'DELETE' ? undefined : body) }];
    }
    const failed = results.filter((r) => !r.res.ok);
    failed.forEach((r) => {
      showProblem(form, r.res.data, r.value && results.length > 1 ? `${r.value}: ` : '');
    });
    const succeeded = results.filter((r) => r.res.ok);
    if (succeeded.length > 0) announce(doneMessage(form.dataset.done, succeeded[0].res.data));
    if (failed.length === 0) {
      const dialog = form.closest('dialog');
      if (dialog) dialog.close();
      if (form.hasAttribute('data-reset')) form.reset();
      await refresh();
    } else if (succeeded.length > 0) {
      // Some were accepted: the page is stale, but the dialog holds the refusals; refresh on close.
      pendingRefresh = true;
    }
  } finally {
    if (submit) submit.disabled = false;
    form.removeAttribute('aria-busy');
  }
}

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

// ------------------------------------------------------------------ dialogs

const openers = new WeakMap();

function openDialog(id, opener) {
  const dialog = document.getElementById(id);
  if (!dialog || dialog.open) return;
  $$('form', dialog).forEach((form) => {
    form.reset();
    clearErrors(form);
  });
  applyConditions(dialog);
  openers.set(dialog, opener);
  $('details.menu[open]')?.removeAttribute('open');
  dialog.showModal();
  const first =
    $('[autofocus]', dialog) || $('input:checked', dialog) || $('input, select, textarea, button', dialog);
  first?.focus();
}

function onDialogClosed(dialog) {
  const opener = openers.get(dialog);
  openers.delete(dialog);
  if (opener?.isConnected) opener.focus();
  else $('#main')?.focus();
  if (pendingRefresh) refresh();
}

// ------------------------------------------------------------------ staying current

let pendingRefresh = false;
let refreshing = null;
let eventSeq = Number.parseInt(document.body.dataset.eventSeq, 10);
let clockNow = document.body.dataset.clockNow || '';

/** A selector that finds the focused control again in a re-rendered <main>, or null. */
function focusKey(element, main) {
  if (!(element instanceof HTMLElement) || !main.contains(element) || element === main) return null;
  if (element.id) return `#${CSS.escape(element.id)}`;
  for (const name of ['data-open', 'data-call', 'data-copy', 'data-view-file']) {
    const value = element.getAttribute(name);
    if (value !== null) return `[${name}="${CSS.escape(value)}"]`;
  }
  return '#main';
}

/** Re-renders <main> from the server, keeping focus, open disclosures and scroll. */
async function refresh() {
  if ($('dialog[open]')) {
    pendingRefresh = true;
    return;
  }
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
      return;
    }
    if (!res.ok) return;
    const html = await res.text();
    if ($('dialog[open]')) {
      pendingRefresh = true;
      return;
    }
    const statusBefore = $('#pair-status')?.textContent;
    const focused = focusKey(document.activeElement, main);
    const openDetails = $$('details[open][id]', main).map((d) => d.id);
    const closedDetails = $$('details[id]:not([open])', main).map((d) => d.id);
    main.innerHTML = html;
    openDetails.forEach((id) => {
      document.getElementById(id)?.setAttribute('open', '');
    });
    closedDetails.forEach((id) => {
      document.getElementById(id)?.removeAttribute('open');
    });
    if (focused) {
      // The same control if it is still offered; otherwise <main>, so the keyboard stays on the page.
      const again = $(focused, main) || main;
      again.focus({ preventScroll: true });
    }
    const now = res.headers.get('X-Drsim-Time');
    if (now) showClock({ now });
    const title = res.headers.get('X-Console-Title');
    if (title) document.title = `${decodeURIComponent(title)} · drsim console`;
    applyConditions(main);
    // A swapped <main> is not read out; the pair's status is what a person waits for.
    const statusAfter = $('#pair-status')?.textContent;
    if (statusBefore && statusAfter && statusAfter !== statusBefore)
      announce(statusAfter.replace(/\s+/g, ' ').trim());
  })();
  try {
    await refreshing;
  } finally {
    refreshing = null;
  }
  if (pendingRefresh && !$('dialog[open]')) await refresh();
}

function showClock(clock) {
  const text = `${clock.now.slice(0, 19).replace('T', ' ')} UTC`;
  $$('[data-sim-clock]').forEach((el) => {
    el.textContent = text;
    el.setAttribute('datetime', clock.now);
  });
  // Every answer carries the simulated time, but only the clock itself says its mode.
  if (!clock.mode) return;
  const mode = clock.mode === 'realtime' ? `realtime ×${clock.speed}` : 'manual';
  $$('[data-sim-mode]').forEach((el) => {
    el.textContent = mode;
  });
}

/** Has the simulation moved since the page was drawn? New events or a new time mean yes. */
async function watch() {
  if (document.hidden) return;
  let changed = false;
  let blind = false;
  if (Number.isFinite(eventSeq)) {
    const events = await call('GET', `/_sim/events?afterSeq=${eventSeq}&limit=500`);
    if (events.ok && events.data.items.length > 0) {
      eventSeq = events.data.items[events.data.items.length - 1].seq;
      changed = true;
    } else if (!events.ok) blind = true;
  } else blind = true;
  const clock = await call('GET', '/_sim/clock');
  if (clock.ok) {
    if (clock.data.now !== clockNow) {
      clockNow = clock.data.now;
      changed = true;
    }
    showClock(clock.data);
  }
  if (blind && Date.now() - lastBlindRefresh > BLIND_REFRESH_MS) {
    lastBlindRefresh = Date.now();
    changed = true;
  }
  if (changed) await refresh();
}

let lastBlindRefresh = Date.now();

function startWatching() {
  const loop = async () => {
    try {
      await watch();
    } finally {
      setTimeout(loop, POLL_MS);
    }
  };
  setTimeout(loop, POLL_MS);
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
  const caller = target.closest('[data-call]');
  if (caller) {
    const [method, path] = caller.dataset.call.split(' ');
    caller.disabled = true;
    try {
      const res = await call(method, path, caller.dataset.body ? JSON.parse(caller.dataset.body) : undefined);
      if (res.ok) {
        alertMessage('');
        announce(doneMessage(caller.dataset.done, res.data));
        await refresh();
      } else {
        alertMessage(problemText(res.data));
      }
    } finally {
      caller.disabled = false;
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
  if (field.closest('form')) applyConditions(field.closest('form'));
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
  startWatching();
});
