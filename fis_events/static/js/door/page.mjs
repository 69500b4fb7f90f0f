// The door scanner page: one scan is the server's answer when it answers and this device's
// decision (decision.mjs, on the list kept in storage.mjs) when it does not; scans decided
// offline wait in a queue and are synced when the network returns. Texts come translated from
// the page (#scanner-texts), nothing is inline in the HTML. All the page's state is `state`.
import { checkinApi, NetworkError, problemMessage } from "./api.mjs";
import { doorCamera } from "./camera.mjs";
import { decide, hhmm, messageParts, parsePayload, tokenHash, typedCode } from "./decision.mjs";
import { doorStore } from "./storage.mjs";
import { fmt, kindOf, say } from "./words.mjs";

const DOOR_KEY = "fis-checkin-door";
const REPEAT_MS = 3000;       // the same badge seen again within this time is the same scan
const RESULT_MS = 2500;       // the result overlay closes itself after this
const SCAN_TIMEOUT_MS = 5000; // then the door decides locally
const SVG = "http://www.w3.org/2000/svg";

const root = document.getElementById("scanner");
const $ = (id) => document.getElementById(id);
const T = JSON.parse($("scanner-texts").textContent);
const call = checkinApi(root.dataset.api, (document.querySelector('meta[name="csrf-token"]') || {}).content || "");
const store = doorStore(root.dataset.eventId);

const state = {
  online: navigator.onLine !== false,
  syncing: false,
  listLoading: false,
  // answers since the last download began: replayed on the new list, which may predate them
  recentMarks: [],
  unsavedDoor: null, // the door's name when the browser refuses localStorage (private mode)
  countsTimer: null,
  resultTimer: null,
  audio: null,
  lastSeen: new Map(), // payload → when the camera last showed it
  search: { timer: null, seq: 0 },
  camera: { stream: null, track: null, devices: [], timer: null, running: false, wanted: true, attempt: 0,
            worker: null, inWorker: false, frameAt: 0 },
};

// Live regions speak on every change: write only when the text really changes.
function setText(node, text) {
  if (node.textContent !== text) {
    node.textContent = text;
  }
}

function uuid() {
  if (crypto.randomUUID) {
    return crypto.randomUUID();
  }
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

function el(tag, attrs, children) {
  const node = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([key, value]) => {
    if (key === "text") {
      node.textContent = value;
    } else if (key === "className") {
      node.className = value;
    } else if (value !== null && value !== undefined && value !== false) {
      node.setAttribute(key, value);
    }
  });
  (children || []).forEach((child) => {
    if (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
  });
  return node;
}

// ---- the door's name ------------------------------------------------------------------------

function storedDoor() {
  if (state.unsavedDoor !== null) {
    return state.unsavedDoor;
  }
  try {
    return localStorage.getItem(DOOR_KEY) || "";
  } catch (e) {
    return "";
  }
}

function door() {
  return (storedDoor() || root.dataset.door || "").trim().slice(0, 50);
}

function showDoor() {
  root.querySelector("[data-door-name]").textContent = door() || T.door_unset;
}

$("door-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const value = $("door-name").value.replace(/\s+/g, " ").trim().slice(0, 50);
  try {
    if (value) {
      localStorage.setItem(DOOR_KEY, value);
    } else {
      localStorage.removeItem(DOOR_KEY);
    }
  } catch (e) {
    state.unsavedDoor = value; // private mode: the name lasts until the page closes
  }
  showDoor();
  $("door-status").textContent = T.door_saved;
});

// ---- network state, counters ------------------------------------------------------------------

function setOnline(online) {
  state.online = online;
  const pill = $("net-status");
  pill.className = "scanner-pill " + (online ? "scanner-pill-online" : "scanner-pill-offline");
  setText(pill.querySelector("[data-net-text]"), online ? T.online : T.offline);
  root.dataset.online = online ? "1" : "0";
}

function wentOffline(error) {
  if (error instanceof NetworkError) {
    setOnline(false);
  }
}

function updateCounts(counts) {
  if (!counts) {
    return;
  }
  ["in_person", "remote"].forEach((mode) => {
    const node = root.querySelector(`[data-count="${mode}"]`);
    if (node && counts[mode]) {
      setText(node, counts[mode].checked_in + " / " + counts[mode].expected);
    }
  });
}

// After check-ins: one /counts request for a burst of scans, not one per scan.
function refreshCountsSoon() {
  if (!state.countsTimer) {
    state.countsTimer = setTimeout(() => {
      state.countsTimer = null;
      refreshCounts();
    }, 1500);
  }
}

async function refreshCounts() {
  try {
    const response = await call("/counts", { timeout: 5000 });
    if (response.ok && response.data) {
      setOnline(true);
      updateCounts(response.data);
    }
  } catch (error) {
    wentOffline(error);
  }
}

// ---- the list for deciding without network ------------------------------------------------------

// Keep the list in step with an answer: checked in at `at`, or not in (at = null).
function markEntry(registrationId, at, replaying) {
  if (!registrationId) {
    return Promise.resolve();
  }
  if (!replaying) {
    state.recentMarks.push({ id: registrationId, at, time: Date.now() });
  }
  return store.markEntry(registrationId, at).catch(() => {});
}

// An answer that lets someone in, or says they are in, updates the list (entered_earlier: the
// server took this device's earlier scan as the entry).
function markAnswer(answer, scannedAt) {
  if (!answer.person) {
    return;
  }
  if (answer.result === "ok" || answer.result === "entered_earlier") {
    markEntry(answer.person.registration_id, scannedAt);
  } else if (answer.result === "already_checked_in") {
    markEntry(answer.person.registration_id, (answer.previous && answer.previous.at) || scannedAt);
  }
}

async function loadOfflineData() {
  if (state.listLoading) {
    return;
  }
  state.listLoading = true;
  const began = Date.now();
  try {
    const response = await call("/offline", { timeout: 30000 });
    if (!response.ok || !response.data || !Array.isArray(response.data.entries)) {
      return;
    }
    setOnline(true);
    const data = response.data;
    await store.replaceList(data);
    state.recentMarks = state.recentMarks.filter((mark) => mark.time >= began - 1000);
    await Promise.all(state.recentMarks.map((mark) => markEntry(mark.id, mark.at, true)));
    root.dataset.offlineReady = "1";
    $("offline-status").textContent = fmt(T.offline_ready, { time: hhmm(data.generated_at), count: data.entries.length });
  } catch (error) {
    wentOffline(error);
  } finally {
    state.listLoading = false;
  }
}

// The same rules as the server, on the list downloaded for this event.
async function decideLocally(item) {
  const meta = await store.meta();
  if (!meta) {
    return { result: "unknown", message: T.offline_no_data };
  }
  const token = parsePayload(item.payload);
  const judge = (entry, mark) => decide({ token, entry, mark, event: meta.event, moment: item.client_time });
  const decision = token ? await store.decide(await tokenHash(meta.key, token), judge,
                                              { at: item.client_time, door: item.door })
    : judge(undefined, undefined);
  return { ...decision, message: say(T, messageParts(decision)) };
}

// ---- the queue of scans decided without network ----------------------------------------------------

async function updatePending() {
  let count = 0;
  try {
    count = await store.queueCount();
  } catch (e) { /* no IndexedDB: nothing can be queued either */ }
  const holder = $("pending");
  holder.dataset.pending = String(count);
  setText(holder.querySelector("[data-pending-count]"), String(count));
  setText(holder.querySelector("[data-pending-text]"), count === 1 ? T.pending_one : T.pending);
  holder.querySelector("[data-pending-badge]").hidden = count === 0;
  return count;
}

function showNote(lines) {
  $("sync-note").textContent = lines.join(" ");
}

async function syncBatch(batch, notes) {
  const response = await call("/sync", { method: "POST", timeout: 30000, body: { scans: batch.map((item) => (
    { payload: item.payload, nonce: item.nonce, client_time: item.client_time, door: item.door })) } });
  if (!response.ok || !response.data || !Array.isArray(response.data.results)) {
    showNote([problemMessage(T, response)]);
    return null;
  }
  setOnline(true);
  const byNonce = new Map(batch.map((item) => [item.nonce, item]));
  const answers = response.data.results.filter((answer) => answer.nonce && byNonce.has(answer.nonce));
  await store.dequeue(answers.map((answer) => answer.nonce));
  answers.forEach((answer) => {
    const item = byNonce.get(answer.nonce);
    markAnswer(answer, item.client_time);
    if (answer.result !== item.local_result) {
      const name = (answer.person && answer.person.name) || item.name || item.payload;
      notes.push(fmt(T.sync_differs, { name, message: answer.message }));
    }
  });
  updateCounts(response.data.counts);
  return answers.length;
}

async function sync() {
  if (state.syncing) {
    return;
  }
  state.syncing = true;
  try {
    const items = (await store.queued()).sort((a, b) => (a.client_time < b.client_time ? -1 : 1));
    const notes = [];
    let synced = 0;
    for (let start = 0; start < items.length; start += 500) {
      const done = await syncBatch(items.slice(start, start + 500), notes);
      if (done === null) {
        return;
      }
      synced += done;
    }
    if (synced) {
      notes.unshift(fmt(T.synced, { count: synced }));
      showNote(notes);
    }
  } catch (error) {
    wentOffline(error);
  } finally {
    state.syncing = false;
    await updatePending();
  }
}

// ---- results: overlay, sound, vibration, log --------------------------------------------------

const resultBox = $("scan-result");
const ICONS = {
  ok: ['<circle cx="50" cy="50" r="44" fill="none" stroke="currentColor" stroke-width="8"/>',
       '<path d="M28 52 L44 67 L73 35" fill="none" stroke="currentColor" stroke-width="10" stroke-linecap="round" stroke-linejoin="round"/>'],
  already: ['<path d="M50 8 L94 88 L6 88 Z" fill="none" stroke="currentColor" stroke-width="8" stroke-linejoin="round"/>',
            '<path d="M50 36 L50 62" stroke="currentColor" stroke-width="10" stroke-linecap="round"/>',
            '<circle cx="50" cy="76" r="6" fill="currentColor"/>'],
  error: ['<circle cx="50" cy="50" r="44" fill="none" stroke="currentColor" stroke-width="8"/>',
          '<path d="M33 33 L67 67 M67 33 L33 67" stroke="currentColor" stroke-width="10" stroke-linecap="round"/>'],
};

function icon(kind) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 100 100");
  svg.setAttribute("class", "scan-result-icon");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.innerHTML = ICONS[kind].join("");
  return svg;
}

function audioContext() {
  const Context = window.AudioContext || window.webkitAudioContext;
  if (!state.audio && Context) {
    try {
      state.audio = new Context();
    } catch (e) {
      state.audio = null;
    }
  }
  if (state.audio && state.audio.state === "suspended") {
    state.audio.resume().catch(() => {});
  }
  return state.audio;
}

// Browsers only let sound start after a tap: the first one anywhere unlocks it.
["pointerdown", "keydown", "touchstart"].forEach((type) => {
  document.addEventListener(type, function unlock() {
    audioContext();
    document.removeEventListener(type, unlock, true);
  }, true);
});

function tone(frequency, at, duration) {
  const context = state.audio;
  if (!context || context.state !== "running") {
    return;
  }
  const start = context.currentTime + at;
  const oscillator = context.createOscillator();
  const gain = context.createGain();
  oscillator.type = "sine";
  oscillator.frequency.value = frequency;
  gain.gain.setValueAtTime(0.0001, start);
  gain.gain.exponentialRampToValueAtTime(0.4, start + 0.01);
  gain.gain.exponentialRampToValueAtTime(0.0001, start + duration);
  oscillator.connect(gain);
  gain.connect(context.destination);
  oscillator.start(start);
  oscillator.stop(start + duration + 0.02);
}

function signal(kind) {
  if (!state.audio) {
    audioContext();
  }
  if (kind === "ok") {
    tone(1320, 0, 0.15);
  } else if (kind === "already") {
    tone(440, 0, 0.15);
    tone(440, 0.22, 0.15);
  } else {
    tone(220, 0, 0.2);
    tone(220, 0.3, 0.2);
  }
  const activated = !navigator.userActivation || navigator.userActivation.hasBeenActive;
  if (navigator.vibrate && activated) {
    navigator.vibrate(kind === "ok" ? 120 : kind === "already" ? [200, 100, 200] : [400, 120, 400]);
  }
}

function hideResult() {
  clearTimeout(state.resultTimer);
  resultBox.className = "scan-result";
  resultBox.textContent = "";
  delete resultBox.dataset.result;
}

function showResult(answer, note) {
  const kind = kindOf(T, answer.result);
  const person = answer.person;
  clearTimeout(state.resultTimer);
  resultBox.textContent = "";
  resultBox.className = "scan-result is-shown is-" + kind;
  resultBox.dataset.result = answer.result;
  const details = person ? [person.organisation, person.mode && (T.modes[person.mode] || person.mode)].filter(Boolean) : [];
  const showMessage = answer.message && !(kind === "ok" && person);
  [icon(kind),
   el("p", { className: "scan-result-head", text: T.heads[kind] }),
   person ? el("p", { className: "scan-result-name", text: person.name }) : null,
   details.length ? el("p", { className: "scan-result-detail", text: details.join(" · ") }) : null,
   showMessage ? el("p", { className: "scan-result-message", text: answer.message }) : null,
   note ? el("p", { className: "scan-result-note", text: note }) : null,
   el("p", { className: "scan-result-hint", text: T.dismiss }),
  ].forEach((node) => node && resultBox.appendChild(node));
  signal(kind);
  addToLog(kind, answer, note);
  // data-result-ms on #scanner lengthens the display (a slower door, or a test reading it)
  const shown = parseInt(root.dataset.resultMs, 10) || RESULT_MS;
  state.resultTimer = setTimeout(hideResult, kind === "ok" ? shown : shown + 1000);
}

resultBox.addEventListener("click", hideResult);
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && resultBox.classList.contains("is-shown")) {
    hideResult();
  }
});

function addToLog(kind, answer, note) {
  const log = $("scan-log");
  const now = new Date();
  const text = answer.person ? answer.person.name + (kind === "ok" ? "" : " — " + answer.message) : answer.message;
  log.insertBefore(el("li", { className: "is-" + kind, "data-result": answer.result }, [
    el("time", { datetime: now.toISOString(), text: hhmm(now) }),
    el("span", { className: "tag", text: T.heads[kind] }),
    text || "",
    note ? " (" + note + ")" : "",
  ]), log.firstChild);
  while (log.children.length > 8) {
    log.removeChild(log.lastChild);
  }
}

// ---- one scan: the server when it answers, this device when it does not ---------------------------

async function submitScan(payload) {
  const item = { payload, nonce: uuid(), client_time: new Date().toISOString(), door: door() };
  if (state.online && navigator.onLine !== false) {
    try {
      const response = await call("/scan", { method: "POST", body: item, timeout: SCAN_TIMEOUT_MS });
      setOnline(true);
      if (!response.ok || !response.data || !response.data.result) {
        showResult({ result: "error", message: problemMessage(T, response) });
        return;
      }
      showResult(response.data);
      refreshCountsSoon();
      markAnswer(response.data, item.client_time);
      return;
    } catch (error) {
      if (!(error instanceof NetworkError)) {
        throw error;
      }
      setOnline(false);
    }
  }
  let local;
  try {
    local = await decideLocally(item);
    await store.enqueue({ ...item, local_result: local.result, name: local.person ? local.person.name : null });
  } catch (error) {
    showResult({ result: "error", message: T.offline_no_data });
    return;
  }
  showResult(local, T.offline_decision);
  updatePending();
}

// A badge held in front of the camera is one scan, however many frames show it.
function seen(payload) {
  const now = Date.now();
  const last = state.lastSeen.get(payload);
  state.lastSeen.set(payload, now);
  if (state.lastSeen.size > 100) {
    state.lastSeen.forEach((time, key) => {
      if (now - time > REPEAT_MS) {
        state.lastSeen.delete(key);
      }
    });
  }
  if (last === undefined || now - last >= REPEAT_MS) {
    submitScan(payload);
  }
}

const camera = doorCamera({
  ui: { root, video: $("camera-video"), canvas: $("camera-canvas"), box: $("camera-box"), status: $("camera-status"),
        startButton: $("camera-start"), switchButton: $("camera-switch"), torchButton: $("torch-toggle") },
  texts: T, camera: state.camera, workerUrl: root.dataset.worker,
  decoderUrl: root.dataset.decoder, onCode: seen,
});

// ---- manual code --------------------------------------------------------------------------------

$("manual-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = $("manual-code");
  const typed = input.value.replace(/\s+/g, "");
  $("manual-code-error").hidden = !!typed;
  if (!typed) {
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", "manual-code-help manual-code-error");
    input.focus();
    return;
  }
  input.removeAttribute("aria-invalid");
  input.setAttribute("aria-describedby", "manual-code-help");
  input.value = "";
  submitScan(typedCode(typed));
});

// ---- search, one-tap check-in, undo ------------------------------------------------------------------

const searchInput = $("search-q");
const searchStatus = $("search-status");
const searchList = $("search-results");

function scheduleSearch(delay) {
  clearTimeout(state.search.timer);
  state.search.timer = setTimeout(runSearch, delay);
}

async function runSearch() {
  const query = searchInput.value.trim();
  const seq = ++state.search.seq;
  if (query.length < 2) {
    searchList.textContent = "";
    searchStatus.textContent = query ? T.search_short : "";
    return;
  }
  let response;
  try {
    response = await call("/search?q=" + encodeURIComponent(query), { timeout: 8000 });
  } catch (error) {
    if (seq === state.search.seq) {
      searchStatus.textContent = T.search_offline;
    }
    wentOffline(error);
    return;
  }
  if (seq !== state.search.seq) {
    return;
  }
  setOnline(true);
  if (!response.ok || !response.data) {
    searchStatus.textContent = problemMessage(T, response);
    return;
  }
  renderResults(response.data.results || []);
}

function renderResults(results) {
  searchList.textContent = "";
  searchStatus.textContent = results.length ? fmt(T.search_count, { count: results.length }) : T.search_none;
  results.forEach((r) => {
    const nameId = "found-" + r.registration_id;
    const meta = [r.organisation, T.modes[r.mode] || r.mode, T.statuses[r.status] || r.status].filter(Boolean).join(" · ");
    const presence = r.checked_in_at
      ? el("span", { className: "meta state-in", text: fmt(T.checked_in_at, { time: hhmm(r.checked_in_at) }) })
      : el("span", { className: "meta", text: T.not_checked_in });
    const actions = el("div", { className: "actions" });
    if (r.checked_in_at) {
      const undo = el("button", { type: "button", className: "btn btn-outline-danger", "aria-describedby": nameId, text: T.undo });
      undo.addEventListener("click", () => askUndo(r, actions));
      actions.appendChild(undo);
    } else if (r.status === "confirmed") {
      const admit = el("button", { type: "button", className: "btn btn-primary", "aria-describedby": nameId, text: T.checkin });
      admit.addEventListener("click", () => admitFound(r, admit));
      actions.appendChild(admit);
    }
    searchList.appendChild(el("li", { "data-registration-id": r.registration_id }, [
      el("div", { className: "who" }, [el("strong", { id: nameId, text: r.name }), el("span", { className: "meta", text: meta }), presence]),
      actions,
    ]));
  });
}

async function admitFound(r, button) {
  button.disabled = true;
  try {
    const response = await call("/manual", { method: "POST", timeout: 8000,
                                             body: { registration_id: r.registration_id, nonce: uuid(), door: door() } });
    setOnline(true);
    if (!response.ok || !response.data || !response.data.result) {
      showResult({ result: "error", message: problemMessage(T, response) });
    } else {
      showResult(response.data);
      refreshCountsSoon();
      if (response.data.result === "ok") {
        markEntry(r.registration_id, new Date().toISOString());
      }
    }
  } catch (error) {
    wentOffline(error);
    searchStatus.textContent = T.search_offline;
  } finally {
    button.disabled = false;
  }
  runSearch();
}

function askUndo(r, actions) {
  actions.textContent = "";
  const yes = el("button", { type: "button", className: "btn btn-danger", text: T.undo_confirm });
  const no = el("button", { type: "button", className: "btn btn-outline-primary", text: T.undo_cancel });
  yes.addEventListener("click", async () => {
    yes.disabled = no.disabled = true;
    try {
      const response = await call("/undo", { method: "POST", timeout: 8000,
                                             body: { registration_id: r.registration_id, door: door() } });
      setOnline(true);
      if (response.ok && response.data) {
        updateCounts(response.data.counts);
        markEntry(r.registration_id, null);
        await runSearch();
        searchStatus.textContent = fmt(T.undone, { name: r.name });
        searchInput.focus();
        return;
      }
      searchStatus.textContent = problemMessage(T, response);
    } catch (error) {
      wentOffline(error);
      searchStatus.textContent = T.search_offline;
    }
    runSearch();
  });
  no.addEventListener("click", () => runSearch());
  actions.append(el("span", { text: fmt(T.undo_question, { name: r.name }) }), yes, no);
  yes.focus();
}

searchInput.addEventListener("input", () => scheduleSearch(250));
$("search-form").addEventListener("submit", (event) => {
  event.preventDefault();
  scheduleSearch(0);
});

// ---- walk-in --------------------------------------------------------------------------------------

const walkin = $("walkin-form");
const walkinError = $("walkin-error");

function clearWalkinFields() {
  walkin.querySelectorAll("[aria-invalid]").forEach((input) => {
    input.removeAttribute("aria-invalid");
    input.removeAttribute("aria-describedby");
  });
}

function walkinProblem(message, field) {
  walkinError.textContent = message;
  walkinError.hidden = false;
  clearWalkinFields();
  const input = field && $("walkin-" + field);
  if (input) {
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", "walkin-error");
    input.focus();
  }
}

walkin.addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(walkin);
  const field = (name) => (form.get(name) || "").trim();
  const body = { first_name: field("first_name"), last_name: field("last_name"), email: field("email"),
                 organisation: field("organisation"), mode: form.get("mode"), override: form.get("override") === "1",
                 door: door() };
  if (!body.first_name || !body.last_name) {  // the e-mail is optional, as at the register
    walkinProblem(T.walkin_required, !body.first_name ? "first_name" : "last_name");
    return;
  }
  const button = walkin.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    const response = await call("/walk-in", { method: "POST", body, timeout: 10000 });
    setOnline(true);
    if (!response.ok || !response.data || !response.data.result) {
      walkinProblem(problemMessage(T, response), response.data && response.data.error && response.data.error.field);
      return;
    }
    walkinError.hidden = true;
    walkinError.textContent = "";
    clearWalkinFields();
    walkin.reset();
    showResult(response.data);
    refreshCountsSoon();
  } catch (error) {
    wentOffline(error);
    walkinProblem(T.search_offline);
  } finally {
    button.disabled = false;
  }
});

// ---- service worker: the page and its files for when the network goes ---------------------------------

// The page, its styles and scripts, every module and file it loaded from this site, the decoder
// worker and the decoder it loads.
function ownFiles() {
  const urls = [location.href.split("#")[0], root.dataset.worker, root.dataset.decoder];
  document.querySelectorAll('link[rel="stylesheet"][href]').forEach((link) => urls.push(link.href));
  document.querySelectorAll("script[src]").forEach((script) => urls.push(script.src));
  performance.getEntriesByType("resource").forEach((entry) => urls.push(entry.name));
  return [...new Set(urls.map((url) => String(new URL(url, location.href))))];
}

async function registerServiceWorker() {
  if (!("serviceWorker" in navigator) || !root.dataset.sw) {
    return;
  }
  try {
    await navigator.serviceWorker.register(root.dataset.sw, { scope: root.dataset.swScope });
    const registration = await navigator.serviceWorker.ready;
    const channel = new MessageChannel();
    channel.port1.onmessage = (event) => {
      if (event.data && event.data.cached) {
        root.dataset.swCached = String(event.data.cached);
      }
    };
    registration.active.postMessage({ type: "precache", urls: ownFiles() }, [channel.port2]);
  } catch (e) { /* no service worker: the page still works while it stays open */ }
}

// ---- start ----------------------------------------------------------------------------------------

window.addEventListener("online", () => {
  setOnline(true);
  sync();
  refreshCounts();
});
window.addEventListener("offline", () => setOnline(false));

setInterval(async () => {
  if (navigator.onLine === false) {
    return;
  }
  if (await updatePending()) {
    sync();
  } else if (!state.online) {
    refreshCounts();
  }
}, 5000);
setInterval(() => {
  if (state.online && navigator.onLine !== false) {
    refreshCounts();
  }
}, 10000);
setInterval(() => {
  if (state.online && navigator.onLine !== false) {
    loadOfflineData();
  }
}, 60000);

$("door-name").value = door();
showDoor();
if (searchInput.value.trim()) {
  scheduleSearch(0); // typed while the modules were still loading
}
setOnline(state.online);
updatePending().then((count) => {
  if (count && state.online) {
    sync();
  }
});
loadOfflineData();
registerServiceWorker();
camera.start();
