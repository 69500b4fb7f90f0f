// Door scanner: camera + jsQR, the check-in API, and offline decisions with a sync queue.
// Texts come translated from the page (#scanner-texts); nothing here is inline in the HTML.
(function () {
  "use strict";

  var root = document.getElementById("scanner");
  if (!root) {
    return;
  }
  var T = JSON.parse(document.getElementById("scanner-texts").textContent);
  var API = root.dataset.api;
  var EVENT_ID = root.dataset.eventId;
  var CSRF = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var DOOR_KEY = "fis-checkin-door";
  var PREFIX = "FISEV1:";
  var TOKEN = /^[A-Za-z0-9_-]{32}$/;
  var REPEAT_MS = 3000;       // the same badge seen again within this time is the same scan
  var FRAME_MS = 110;         // about 9 decoded frames a second
  var RESULT_MS = 2500;       // the result overlay closes itself after this
  var SCAN_TIMEOUT_MS = 5000; // then the door decides locally
  var state = { online: navigator.onLine !== false, syncing: false };

  function $(id) { return document.getElementById(id); }

  // Live regions speak on every change: write only when the text really changes.
  function setText(node, text) {
    if (node.textContent !== text) {
      node.textContent = text;
    }
  }

  function fmt(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (all, key) {
      return values && values[key] !== undefined && values[key] !== null ? values[key] : all;
    });
  }

  var timeFormat = new Intl.DateTimeFormat("it-IT", { hour: "2-digit", minute: "2-digit", timeZone: "Europe/Rome" });
  var dayFormat = new Intl.DateTimeFormat("en-CA", { year: "numeric", month: "2-digit", day: "2-digit", timeZone: "Europe/Rome" });

  function hhmm(value) {
    var date = value instanceof Date ? value : new Date(value);
    return isNaN(date) ? "" : timeFormat.format(date).replace(":", ".");
  }

  function romeDay(value) {
    return dayFormat.format(value instanceof Date ? value : new Date(value));
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) {
      return crypto.randomUUID();
    }
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") {
        node.textContent = attrs[key];
      } else if (key === "className") {
        node.className = attrs[key];
      } else if (attrs[key] !== null && attrs[key] !== undefined && attrs[key] !== false) {
        node.setAttribute(key, attrs[key]);
      }
    });
    (children || []).forEach(function (child) {
      if (child) {
        node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
      }
    });
    return node;
  }

  // ---- the door's name ------------------------------------------------------------------

  var unsavedDoor = null; // when the browser refuses localStorage (private mode)

  function storedDoor() {
    if (unsavedDoor !== null) {
      return unsavedDoor;
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

  var doorInput = $("door-name");
  doorInput.value = door();
  $("door-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var value = doorInput.value.replace(/\s+/g, " ").trim().slice(0, 50);
    try {
      if (value) {
        localStorage.setItem(DOOR_KEY, value);
      } else {
        localStorage.removeItem(DOOR_KEY);
      }
    } catch (e) {
      unsavedDoor = value; // private mode: the name lasts until the page closes
    }
    showDoor();
    $("door-status").textContent = T.door_saved;
  });
  showDoor();

  // ---- network state, counters ----------------------------------------------------------

  function NetworkError(cause) {
    this.name = "NetworkError";
    this.cause = cause;
  }

  function setOnline(online) {
    state.online = online;
    var pill = $("net-status");
    pill.className = "scanner-pill " + (online ? "scanner-pill-online" : "scanner-pill-offline");
    setText(pill.querySelector("[data-net-text]"), online ? T.online : T.offline);
    root.dataset.online = online ? "1" : "0";
  }

  async function call(path, options) {
    options = options || {};
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, options.timeout || 10000);
    var init = { method: options.method || "GET", credentials: "same-origin", cache: "no-store",
                 signal: controller.signal, headers: { Accept: "application/json" } };
    if (options.body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.headers["X-CSRFToken"] = CSRF;
      init.body = JSON.stringify(options.body);
    }
    var response;
    try {
      response = await fetch(API + path, init);
    } catch (error) {
      throw new NetworkError(error);
    } finally {
      clearTimeout(timer);
    }
    if (response.status >= 500) {
      throw new NetworkError(new Error("HTTP " + response.status));
    }
    var data = null;
    if ((response.headers.get("Content-Type") || "").indexOf("json") !== -1) {
      try {
        data = await response.json();
      } catch (e) {
        data = null;
      }
    }
    return { ok: response.ok, status: response.status, data: data };
  }

  function problemMessage(response) {
    if (response.data && response.data.error && response.data.error.message) {
      return response.data.error.message;
    }
    return [400, 401, 403].indexOf(response.status) !== -1 ? T.session_expired : T.server_error;
  }

  function updateCounts(counts) {
    if (!counts) {
      return;
    }
    ["in_person", "remote"].forEach(function (mode) {
      var node = root.querySelector('[data-count="' + mode + '"]');
      if (node && counts[mode]) {
        setText(node, counts[mode].checked_in + " / " + counts[mode].expected);
      }
    });
  }

  var countsTimer = null;
  function refreshCountsSoon() {
    // After check-ins: one /counts request for a burst of scans, not one per scan.
    if (!countsTimer) {
      countsTimer = setTimeout(function () {
        countsTimer = null;
        refreshCounts();
      }, 1500);
    }
  }

  async function refreshCounts() {
    try {
      var response = await call("/counts", { timeout: 5000 });
      if (response.ok && response.data) {
        setOnline(true);
        updateCounts(response.data);
      }
    } catch (error) {
      if (error instanceof NetworkError) {
        setOnline(false);
      }
    }
  }

  // ---- IndexedDB: one database per event (entries by keyed hash, meta, local marks, queue) ----

  var dbPromise = null;

  function openDb() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        if (!window.indexedDB) {
          reject(new Error("no IndexedDB"));
          return;
        }
        var request = indexedDB.open("fis-checkin-event-" + EVENT_ID, 1);
        request.onupgradeneeded = function () {
          var db = request.result;
          db.createObjectStore("entries", { keyPath: "h" }).createIndex("id", "id", { unique: true });
          db.createObjectStore("meta", { keyPath: "name" });
          db.createObjectStore("local", { keyPath: "h" });
          db.createObjectStore("queue", { keyPath: "nonce" });
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
      dbPromise.catch(function () { dbPromise = null; });
    }
    return dbPromise;
  }

  // Runs `work(transaction, out)` (which issues requests synchronously or in their callbacks)
  // and resolves with out.value once the transaction has committed.
  function withStores(names, mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(names, mode);
        var out = {};
        transaction.oncomplete = function () { resolve(out.value); };
        transaction.onerror = function () { reject(transaction.error); };
        transaction.onabort = function () { reject(transaction.error || new Error("aborted")); };
        work(transaction, out);
      });
    });
  }

  function readAll(storeName) {
    return withStores([storeName], "readonly", function (t, out) {
      t.objectStore(storeName).getAll().onsuccess = function (e) { out.value = e.target.result; };
    });
  }

  function getMeta() {
    return withStores(["meta"], "readonly", function (t, out) {
      t.objectStore("meta").get("data").onsuccess = function (e) { out.value = e.target.result; };
    });
  }

  // Answers since the last download began: replayed on the new list, which may predate them.
  var recentMarks = [];

  // Keep an entry in step with an answer: checked in at `at`, or not in (at = null).
  function markEntry(registrationId, at, replaying) {
    if (!registrationId) {
      return Promise.resolve();
    }
    if (!replaying) {
      recentMarks.push({ id: registrationId, at: at, time: Date.now() });
    }
    return withStores(["entries", "local"], "readwrite", function (t) {
      var entries = t.objectStore("entries");
      entries.index("id").get(registrationId).onsuccess = function (e) {
        var entry = e.target.result;
        if (!entry) {
          return;
        }
        if (at === null) {
          entry.checked_in_at = null;
          t.objectStore("local").delete(entry.h);
        } else if (!entry.checked_in_at) {
          entry.checked_in_at = at;
        }
        entries.put(entry);
      };
    }).catch(function () {});
  }

  function hexToBytes(hex) {
    var bytes = new Uint8Array(hex.length / 2);
    for (var i = 0; i < bytes.length; i++) {
      bytes[i] = parseInt(hex.substr(i * 2, 2), 16);
    }
    return bytes;
  }

  var keyCache = { hex: null, key: null };

  async function tokenHash(hexKey, token) {
    if (keyCache.hex !== hexKey) {
      keyCache = { hex: hexKey, key: await crypto.subtle.importKey(
        "raw", hexToBytes(hexKey), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]) };
    }
    var signature = await crypto.subtle.sign("HMAC", keyCache.key, new TextEncoder().encode(token));
    return Array.from(new Uint8Array(signature), function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }

  var offlineLoading = false;

  async function loadOfflineData() {
    if (offlineLoading) {
      return;
    }
    offlineLoading = true;
    var began = Date.now();
    try {
      var response = await call("/offline", { timeout: 30000 });
      if (!response.ok || !response.data || !Array.isArray(response.data.entries)) {
        return;
      }
      setOnline(true);
      var data = response.data;
      // Marks from scans decided here stay until the server's list includes them: replace the
      // entries, but keep a local mark for anyone still in the queue of unsynced scans.
      await withStores(["entries", "meta", "local", "queue"], "readwrite", function (t) {
        var entries = t.objectStore("entries");
        entries.clear();
        data.entries.forEach(function (entry) { entries.put(entry); });
        t.objectStore("meta").put({ name: "data", key: data.key, event: data.event,
                                    generated_at: data.generated_at, count: data.entries.length });
        t.objectStore("queue").count().onsuccess = function (e) {
          if (e.target.result === 0) {
            t.objectStore("local").clear();
          }
        };
      });
      recentMarks = recentMarks.filter(function (mark) { return mark.time >= began - 1000; });
      await Promise.all(recentMarks.map(function (mark) { return markEntry(mark.id, mark.at, true); }));
      root.dataset.offlineReady = "1";
      $("offline-status").textContent = fmt(T.offline_ready, { time: hhmm(data.generated_at), count: data.entries.length });
    } catch (error) {
      if (error instanceof NetworkError) {
        setOnline(false);
      }
    } finally {
      offlineLoading = false;
    }
  }

  function parsePayload(payload) {
    var text = (payload || "").trim();
    if (text.indexOf(PREFIX) !== 0) {
      return null;
    }
    var token = text.slice(PREFIX.length);
    return TOKEN.test(token) ? token : null;
  }

  function isEventDay(event) {
    if (!event) {
      return true;
    }
    var today = romeDay(new Date());
    return romeDay(event.starts_at) <= today && today <= romeDay(event.ends_at);
  }

  // The same rules as the server, on the data downloaded for this event.
  async function decideLocally(item) {
    var meta = await getMeta();
    if (!meta) {
      return { result: "unknown", message: T.offline_no_data };
    }
    var token = parsePayload(item.payload);
    if (!token) {
      return { result: "invalid_format", message: T.invalid_format };
    }
    var h = await tokenHash(meta.key, token);
    return withStores(["entries", "local"], "readwrite", function (t, out) {
      t.objectStore("entries").get(h).onsuccess = function (e) {
        var entry = e.target.result;
        if (!entry) {
          out.value = { result: "unknown", message: T.unknown };
          return;
        }
        var person = { registration_id: entry.id, name: entry.name, organisation: entry.organisation, mode: entry.mode };
        if (entry.status === "cancelled") {
          out.value = { result: "cancelled", message: T.cancelled, person: person };
        } else if (entry.status === "waiting") {
          out.value = { result: "waiting_list", message: T.waiting_list, person: person };
        } else if (!isEventDay(meta.event)) {
          out.value = { result: "not_today", message: T.not_today, person: person };
        } else {
          var local = t.objectStore("local");
          local.get(h).onsuccess = function (e2) {
            var mark = e2.target.result;
            var at = entry.checked_in_at || (mark && mark.at);
            if (at) {
              var where = mark && !entry.checked_in_at && mark.door ? " (" + mark.door + ")" : "";
              out.value = { result: "already_checked_in", message: fmt(T.already, { time: hhmm(at) }) + where,
                            person: person };
            } else {
              local.put({ h: h, id: entry.id, at: item.client_time, door: item.door });
              out.value = { result: "ok", message: fmt(T.ok, { name: entry.name }), person: person };
            }
          };
        }
      };
    });
  }

  // ---- the queue of scans decided without network ---------------------------------------

  async function updatePending() {
    var count = 0;
    try {
      count = await withStores(["queue"], "readonly", function (t, out) {
        t.objectStore("queue").count().onsuccess = function (e) { out.value = e.target.result; };
      });
    } catch (e) { /* no IndexedDB: nothing can be queued either */ }
    var holder = $("pending");
    holder.dataset.pending = String(count);
    setText(holder.querySelector("[data-pending-count]"), String(count));
    setText(holder.querySelector("[data-pending-text]"), count === 1 ? T.pending_one : T.pending);
    holder.querySelector("[data-pending-badge]").hidden = count === 0;
    return count;
  }

  function showNote(lines) {
    $("sync-note").textContent = lines.join(" ");
  }

  async function sync() {
    if (state.syncing) {
      return;
    }
    state.syncing = true;
    try {
      var items = await readAll("queue");
      items.sort(function (a, b) { return a.client_time < b.client_time ? -1 : 1; });
      var notes = [];
      var synced = 0;
      for (var start = 0; start < items.length; start += 500) {
        var batch = items.slice(start, start + 500);
        var response = await call("/sync", { method: "POST", timeout: 30000, body: { scans: batch.map(function (item) {
          return { payload: item.payload, nonce: item.nonce, client_time: item.client_time, door: item.door };
        }) } });
        if (!response.ok || !response.data || !Array.isArray(response.data.results)) {
          showNote([problemMessage(response)]);
          return;
        }
        setOnline(true);
        var byNonce = {};
        batch.forEach(function (item) { byNonce[item.nonce] = item; });
        var answers = response.data.results;
        await withStores(["queue"], "readwrite", function (t) {
          answers.forEach(function (answer) {
            if (answer.nonce && byNonce[answer.nonce]) {
              t.objectStore("queue").delete(answer.nonce);
            }
          });
        });
        answers.forEach(function (answer) {
          var item = byNonce[answer.nonce];
          if (!item) {
            return;
          }
          synced += 1;
          if (answer.person && (answer.result === "ok" || answer.result === "already_checked_in")) {
            markEntry(answer.person.registration_id, answer.result === "ok" ? item.client_time
              : (answer.previous && answer.previous.at) || item.client_time);
          }
          if (answer.result !== item.local_result) {
            var name = (answer.person && answer.person.name) || item.name || item.payload;
            notes.push(fmt(T.sync_differs, { name: name, message: answer.message }));
          }
        });
        updateCounts(response.data.counts);
      }
      if (synced) {
        notes.unshift(fmt(T.synced, { count: synced }));
        showNote(notes);
      }
    } catch (error) {
      if (error instanceof NetworkError) {
        setOnline(false);
      }
    } finally {
      state.syncing = false;
      await updatePending();
    }
  }

  // ---- results: overlay, sound, vibration, log --------------------------------------------

  var resultBox = $("scan-result");
  var resultTimer = null;
  var audio = null;
  var SVG = "http://www.w3.org/2000/svg";

  function icon(kind) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 100 100");
    svg.setAttribute("class", "scan-result-icon");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var shapes = {
      ok: ['<circle cx="50" cy="50" r="44" fill="none" stroke="currentColor" stroke-width="8"/>',
           '<path d="M28 52 L44 67 L73 35" fill="none" stroke="currentColor" stroke-width="10" stroke-linecap="round" stroke-linejoin="round"/>'],
      already: ['<path d="M50 8 L94 88 L6 88 Z" fill="none" stroke="currentColor" stroke-width="8" stroke-linejoin="round"/>',
                '<path d="M50 36 L50 62" stroke="currentColor" stroke-width="10" stroke-linecap="round"/>',
                '<circle cx="50" cy="76" r="6" fill="currentColor"/>'],
      error: ['<circle cx="50" cy="50" r="44" fill="none" stroke="currentColor" stroke-width="8"/>',
              '<path d="M33 33 L67 67 M67 33 L33 67" stroke="currentColor" stroke-width="10" stroke-linecap="round"/>'],
    };
    svg.innerHTML = shapes[kind].join("");
    return svg;
  }

  function audioContext() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!audio && Context) {
      try {
        audio = new Context();
      } catch (e) {
        audio = null;
      }
    }
    if (audio && audio.state === "suspended") {
      audio.resume().catch(function () {});
    }
    return audio;
  }

  // Browsers only let sound start after a tap: the first one anywhere unlocks it.
  ["pointerdown", "keydown", "touchstart"].forEach(function (type) {
    document.addEventListener(type, function unlock() {
      audioContext();
      document.removeEventListener(type, unlock, true);
    }, true);
  });

  function tone(frequency, at, duration) {
    var context = audio;
    if (!context || context.state !== "running") {
      return;
    }
    var start = context.currentTime + at;
    var oscillator = context.createOscillator();
    var gain = context.createGain();
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
    if (!audio) {
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
    var activated = !navigator.userActivation || navigator.userActivation.hasBeenActive;
    if (navigator.vibrate && activated) {
      navigator.vibrate(kind === "ok" ? 120 : kind === "already" ? [200, 100, 200] : [400, 120, 400]);
    }
  }

  function kindOf(result) {
    return result === "ok" ? "ok" : result === "already_checked_in" ? "already" : "error";
  }

  function headOf(kind) {
    return kind === "ok" ? T.head_ok : kind === "already" ? T.head_already : T.head_error;
  }

  function hideResult() {
    clearTimeout(resultTimer);
    resultBox.className = "scan-result";
    resultBox.textContent = "";
    delete resultBox.dataset.result;
  }

  function showResult(answer, note) {
    var kind = kindOf(answer.result);
    var person = answer.person;
    clearTimeout(resultTimer);
    resultBox.textContent = "";
    resultBox.className = "scan-result is-shown is-" + kind;
    resultBox.dataset.result = answer.result;
    var details = [];
    if (person) {
      if (person.organisation) {
        details.push(person.organisation);
      }
      if (person.mode) {
        details.push(T.modes[person.mode] || person.mode);
      }
    }
    var showMessage = answer.message && !(kind === "ok" && person);
    [icon(kind),
     el("p", { className: "scan-result-head", text: headOf(kind) }),
     person ? el("p", { className: "scan-result-name", text: person.name }) : null,
     details.length ? el("p", { className: "scan-result-detail", text: details.join(" · ") }) : null,
     showMessage ? el("p", { className: "scan-result-message", text: answer.message }) : null,
     note ? el("p", { className: "scan-result-note", text: note }) : null,
     el("p", { className: "scan-result-hint", text: T.dismiss }),
    ].forEach(function (node) {
      if (node) {
        resultBox.appendChild(node);
      }
    });
    signal(kind);
    addToLog(kind, answer, note);
    // data-result-ms on #scanner lengthens the display (a slower door, or a test reading it)
    var shown = parseInt(root.dataset.resultMs, 10) || RESULT_MS;
    resultTimer = setTimeout(hideResult, kind === "ok" ? shown : shown + 1000);
  }

  resultBox.addEventListener("click", hideResult);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && resultBox.classList.contains("is-shown")) {
      hideResult();
    }
  });

  function addToLog(kind, answer, note) {
    var log = $("scan-log");
    var now = new Date();
    var text = answer.person ? answer.person.name + (kind === "ok" ? "" : " — " + answer.message) : answer.message;
    var item = el("li", { className: "is-" + kind, "data-result": answer.result }, [
      el("time", { datetime: now.toISOString(), text: hhmm(now) }),
      el("span", { className: "tag", text: headOf(kind) }),
      text || "",
      note ? " (" + note + ")" : "",
    ]);
    log.insertBefore(item, log.firstChild);
    while (log.children.length > 8) {
      log.removeChild(log.lastChild);
    }
  }

  // ---- one scan: the server when it answers, this device when it does not ----------------

  async function submitScan(payload) {
    var item = { payload: payload, nonce: uuid(), client_time: new Date().toISOString(), door: door() };
    if (state.online && navigator.onLine !== false) {
      try {
        var response = await call("/scan", { method: "POST", body: item, timeout: SCAN_TIMEOUT_MS });
        setOnline(true);
        if (!response.ok || !response.data || !response.data.result) {
          showResult({ result: "error", message: problemMessage(response) });
          return;
        }
        var answer = response.data;
        showResult(answer);
        refreshCountsSoon();
        if (answer.person && (answer.result === "ok" || answer.result === "already_checked_in")) {
          markEntry(answer.person.registration_id,
                    answer.result === "ok" ? item.client_time : (answer.previous && answer.previous.at) || item.client_time);
        }
        return;
      } catch (error) {
        if (!(error instanceof NetworkError)) {
          throw error;
        }
        setOnline(false);
      }
    }
    var local;
    try {
      local = await decideLocally(item);
      await withStores(["queue"], "readwrite", function (t) {
        t.objectStore("queue").put({ payload: item.payload, nonce: item.nonce, client_time: item.client_time,
                                     door: item.door, local_result: local.result,
                                     name: local.person ? local.person.name : null });
      });
    } catch (error) {
      showResult({ result: "error", message: T.offline_no_data });
      return;
    }
    showResult(local, T.offline_decision);
    updatePending();
  }

  // ---- camera and decoding --------------------------------------------------------------

  var video = $("camera-video");
  var canvas = $("camera-canvas");
  var canvasContext = canvas.getContext("2d", { willReadFrequently: true });
  var cameraBox = $("camera-box");
  var cameraStatus = $("camera-status");
  var startButton = $("camera-start");
  var switchButton = $("camera-switch");
  var torchButton = $("torch-toggle");
  var camera = { stream: null, track: null, devices: [], timer: null, running: false, wanted: true, attempt: 0 };
  var lastSeen = new Map();

  function setCameraStatus(text, problem) {
    cameraStatus.textContent = text;
    cameraStatus.classList.toggle("is-problem", !!problem);
    root.dataset.camera = problem ? "unavailable" : camera.running ? "on" : "starting";
  }

  function stopCamera() {
    camera.running = false;
    clearTimeout(camera.timer);
    if (camera.stream) {
      camera.stream.getTracks().forEach(function (track) { track.stop(); });
    }
    camera.stream = camera.track = null;
    video.srcObject = null;
    cameraBox.classList.add("is-off");
    torchButton.hidden = true;
    torchButton.setAttribute("aria-pressed", "false");
  }

  function cameraProblem(error) {
    stopCamera();
    var name = error && error.name;
    var text = name === "NotAllowedError" || name === "SecurityError" ? T.camera_denied
      : name === "NotFoundError" || name === "OverconstrainedError" || name === "missing" ? T.camera_missing
        : T.camera_error;
    setCameraStatus(text, true);
    startButton.hidden = false;
  }

  async function startCamera(deviceId) {
    stopCamera();
    camera.wanted = true;
    var attempt = ++camera.attempt;
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || typeof window.jsQR !== "function") {
      cameraProblem({ name: navigator.mediaDevices ? "error" : "missing" });
      return;
    }
    setCameraStatus(T.camera_starting, false);
    var videoConstraints = deviceId ? { deviceId: { exact: deviceId } }
      : { facingMode: { ideal: "environment" }, width: { ideal: 1280 }, height: { ideal: 720 } };
    var stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: false, video: videoConstraints });
    } catch (error) {
      if (attempt === camera.attempt) {
        cameraProblem(error);
      }
      return;
    }
    if (attempt !== camera.attempt) {
      stream.getTracks().forEach(function (track) { track.stop(); });
      return;
    }
    camera.stream = stream;
    camera.track = stream.getVideoTracks()[0];
    video.srcObject = camera.stream;
    try {
      await video.play();
    } catch (e) { /* autoplay with muted video normally works; frames still arrive */ }
    if (attempt !== camera.attempt) {
      return;
    }
    cameraBox.classList.remove("is-off");
    startButton.hidden = true;
    camera.running = true;
    setCameraStatus(T.camera_on, false);
    setUpTorch();
    listCameras();
    nextFrame(0);
  }

  async function listCameras() {
    try {
      var all = await navigator.mediaDevices.enumerateDevices();
      camera.devices = all.filter(function (d) { return d.kind === "videoinput"; });
    } catch (e) {
      camera.devices = [];
    }
    switchButton.hidden = camera.devices.length < 2;
  }

  function setUpTorch() {
    var capabilities = {};
    try {
      capabilities = camera.track && camera.track.getCapabilities ? camera.track.getCapabilities() : {};
    } catch (e) {
      capabilities = {};
    }
    torchButton.hidden = !capabilities.torch;
    torchButton.setAttribute("aria-pressed", "false");
  }

  torchButton.addEventListener("click", async function () {
    var on = torchButton.getAttribute("aria-pressed") !== "true";
    try {
      await camera.track.applyConstraints({ advanced: [{ torch: on }] });
      torchButton.setAttribute("aria-pressed", on ? "true" : "false");
    } catch (e) {
      torchButton.hidden = true;
    }
  });

  switchButton.addEventListener("click", function () {
    if (camera.devices.length < 2) {
      return;
    }
    var current = camera.track && camera.track.getSettings ? camera.track.getSettings().deviceId : null;
    var index = camera.devices.findIndex(function (d) { return d.deviceId === current; });
    startCamera(camera.devices[(index + 1) % camera.devices.length].deviceId);
  });

  startButton.addEventListener("click", function () { startCamera(); });

  function nextFrame(delay) {
    clearTimeout(camera.timer);
    camera.timer = setTimeout(decodeFrame, delay);
  }

  function decodeFrame() {
    if (!camera.running) {
      return;
    }
    var began = performance.now();
    if (!document.hidden && video.readyState >= 2 && video.videoWidth) {
      var scale = Math.min(1, 800 / Math.max(video.videoWidth, video.videoHeight));
      var width = Math.round(video.videoWidth * scale);
      var height = Math.round(video.videoHeight * scale);
      if (canvas.width !== width || canvas.height !== height) {
        canvas.width = width;
        canvas.height = height;
      }
      canvasContext.drawImage(video, 0, 0, width, height);
      var code = null;
      try {
        code = window.jsQR(canvasContext.getImageData(0, 0, width, height).data, width, height,
                           { inversionAttempts: "dontInvert" });
      } catch (e) {
        code = null;
      }
      if (code && code.data) {
        seen(code.data);
      }
    }
    nextFrame(Math.max(10, FRAME_MS - (performance.now() - began)));
  }

  // A badge held in front of the camera is one scan, however many frames show it.
  function seen(payload) {
    var now = Date.now();
    var last = lastSeen.get(payload);
    lastSeen.set(payload, now);
    if (lastSeen.size > 100) {
      lastSeen.forEach(function (time, key) {
        if (now - time > REPEAT_MS) {
          lastSeen.delete(key);
        }
      });
    }
    if (last !== undefined && now - last < REPEAT_MS) {
      return;
    }
    submitScan(payload);
  }

  document.addEventListener("visibilitychange", function () {
    // A phone in a pocket does not keep the camera on; it comes back with the page.
    if (document.hidden) {
      if (camera.running) {
        stopCamera();
      }
    } else if (camera.wanted && !camera.running && startButton.hidden) {
      startCamera();
    }
  });

  // ---- manual code ----------------------------------------------------------------------

  var manualInput = $("manual-code");
  $("manual-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var code = manualInput.value.replace(/\s+/g, "");
    var problem = $("manual-code-error");
    problem.hidden = !!code;
    if (!code) {
      manualInput.setAttribute("aria-invalid", "true");
      manualInput.setAttribute("aria-describedby", "manual-code-help manual-code-error");
      manualInput.focus();
      return;
    }
    manualInput.removeAttribute("aria-invalid");
    manualInput.setAttribute("aria-describedby", "manual-code-help");
    if (TOKEN.test(code)) {
      code = PREFIX + code;
    } else if (code.toUpperCase().indexOf(PREFIX) === 0) {
      code = PREFIX + code.slice(PREFIX.length);
    }
    manualInput.value = "";
    submitScan(code);
  });

  // ---- search, one-tap check-in, undo ------------------------------------------------------

  var searchInput = $("search-q");
  var searchStatus = $("search-status");
  var searchList = $("search-results");
  var search = { timer: null, seq: 0 };

  function scheduleSearch(delay) {
    clearTimeout(search.timer);
    search.timer = setTimeout(runSearch, delay);
  }

  async function runSearch() {
    var query = searchInput.value.trim();
    var seq = ++search.seq;
    if (query.length < 2) {
      searchList.textContent = "";
      searchStatus.textContent = query ? T.search_short : "";
      return;
    }
    var response;
    try {
      response = await call("/search?q=" + encodeURIComponent(query), { timeout: 8000 });
    } catch (error) {
      if (seq === search.seq) {
        searchStatus.textContent = T.search_offline;
      }
      if (error instanceof NetworkError) {
        setOnline(false);
      }
      return;
    }
    if (seq !== search.seq) {
      return;
    }
    setOnline(true);
    if (!response.ok || !response.data) {
      searchStatus.textContent = problemMessage(response);
      return;
    }
    renderResults(response.data.results || []);
  }

  function renderResults(results) {
    searchList.textContent = "";
    searchStatus.textContent = results.length ? fmt(T.search_count, { count: results.length }) : T.search_none;
    results.forEach(function (r) {
      var nameId = "found-" + r.registration_id;
      var meta = [r.organisation, T.modes[r.mode] || r.mode, T.statuses[r.status] || r.status].filter(Boolean).join(" · ");
      var state = r.checked_in_at
        ? el("span", { className: "meta state-in", text: fmt(T.checked_in_at, { time: hhmm(r.checked_in_at) }) })
        : el("span", { className: "meta", text: T.not_checked_in });
      var actions = el("div", { className: "actions" });
      if (r.checked_in_at) {
        var undo = el("button", { type: "button", className: "btn btn-outline-danger", "aria-describedby": nameId, text: T.undo });
        undo.addEventListener("click", function () { askUndo(r, actions); });
        actions.appendChild(undo);
      } else if (r.status === "confirmed") {
        var admit = el("button", { type: "button", className: "btn btn-primary", "aria-describedby": nameId, text: T.checkin });
        admit.addEventListener("click", function () { admitFound(r, admit); });
        actions.appendChild(admit);
      }
      searchList.appendChild(el("li", { "data-registration-id": r.registration_id }, [
        el("div", { className: "who" }, [
          el("strong", { id: nameId, text: r.name }),
          el("span", { className: "meta", text: meta }),
          state,
        ]),
        actions,
      ]));
    });
  }

  async function admitFound(r, button) {
    button.disabled = true;
    var nonce = uuid();
    try {
      var response = await call("/manual", { method: "POST", timeout: 8000,
                                             body: { registration_id: r.registration_id, nonce: nonce, door: door() } });
      setOnline(true);
      if (!response.ok || !response.data || !response.data.result) {
        showResult({ result: "error", message: problemMessage(response) });
      } else {
        showResult(response.data);
        refreshCountsSoon();
        if (response.data.result === "ok") {
          markEntry(r.registration_id, new Date().toISOString());
        }
      }
    } catch (error) {
      if (error instanceof NetworkError) {
        setOnline(false);
      }
      searchStatus.textContent = T.search_offline;
    } finally {
      button.disabled = false;
    }
    runSearch();
  }

  function askUndo(r, actions) {
    actions.textContent = "";
    var question = el("span", { text: fmt(T.undo_question, { name: r.name }) });
    var yes = el("button", { type: "button", className: "btn btn-danger", text: T.undo_confirm });
    var no = el("button", { type: "button", className: "btn btn-outline-primary", text: T.undo_cancel });
    yes.addEventListener("click", async function () {
      yes.disabled = no.disabled = true;
      try {
        var response = await call("/undo", { method: "POST", timeout: 8000,
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
        searchStatus.textContent = problemMessage(response);
      } catch (error) {
        if (error instanceof NetworkError) {
          setOnline(false);
        }
        searchStatus.textContent = T.search_offline;
      }
      runSearch();
    });
    no.addEventListener("click", function () { runSearch(); });
    actions.appendChild(question);
    actions.appendChild(yes);
    actions.appendChild(no);
    yes.focus();
  }

  searchInput.addEventListener("input", function () { scheduleSearch(250); });
  $("search-form").addEventListener("submit", function (event) {
    event.preventDefault();
    scheduleSearch(0);
  });

  // ---- walk-in ------------------------------------------------------------------------------

  var walkin = $("walkin-form");
  var walkinError = $("walkin-error");

  function clearWalkinFields() {
    walkin.querySelectorAll("[aria-invalid]").forEach(function (input) {
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
    });
  }

  function walkinProblem(message, field) {
    walkinError.textContent = message;
    walkinError.hidden = false;
    clearWalkinFields();
    var input = field && $("walkin-" + field);
    if (input) {
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", "walkin-error");
      input.focus();
    }
  }

  walkin.addEventListener("submit", async function (event) {
    event.preventDefault();
    var form = new FormData(walkin);
    var body = {
      first_name: (form.get("first_name") || "").trim(), last_name: (form.get("last_name") || "").trim(),
      email: (form.get("email") || "").trim(), organisation: (form.get("organisation") || "").trim(),
      mode: form.get("mode"), override: form.get("override") === "1", door: door(),
    };
    if (!body.first_name || !body.last_name || !body.email) {
      walkinProblem(T.walkin_required, !body.first_name ? "first_name" : !body.last_name ? "last_name" : "email");
      return;
    }
    var button = walkin.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      var response = await call("/walk-in", { method: "POST", body: body, timeout: 10000 });
      setOnline(true);
      if (!response.ok || !response.data || !response.data.result) {
        walkinProblem(problemMessage(response), response.data && response.data.error && response.data.error.field);
        return;
      }
      walkinError.hidden = true;
      walkinError.textContent = "";
      clearWalkinFields();
      walkin.reset();
      showResult(response.data);
      refreshCountsSoon();
    } catch (error) {
      if (error instanceof NetworkError) {
        setOnline(false);
      }
      walkinProblem(T.search_offline);
    } finally {
      button.disabled = false;
    }
  });

  // ---- service worker: the page and its files for when the network goes ----------------------

  function registerServiceWorker() {
    if (!("serviceWorker" in navigator) || !root.dataset.sw) {
      return;
    }
    navigator.serviceWorker.register(root.dataset.sw, { scope: root.dataset.swScope })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function (registration) {
        var urls = [location.href.split("#")[0]];
        document.querySelectorAll('link[rel="stylesheet"][href]').forEach(function (link) { urls.push(link.href); });
        document.querySelectorAll("script[src]").forEach(function (script) { urls.push(script.src); });
        var channel = new MessageChannel();
        channel.port1.onmessage = function (event) {
          if (event.data && event.data.cached) {
            root.dataset.swCached = String(event.data.cached);
          }
        };
        registration.active.postMessage({ type: "precache", urls: urls }, [channel.port2]);
      })
      .catch(function () { /* no service worker: the page still works while it stays open */ });
  }

  // ---- start --------------------------------------------------------------------------------

  window.addEventListener("online", function () {
    setOnline(true);
    sync();
    refreshCounts();
  });
  window.addEventListener("offline", function () { setOnline(false); });

  setInterval(function () {
    if (navigator.onLine === false) {
      return;
    }
    updatePending().then(function (count) {
      if (count) {
        sync();
      } else if (!state.online) {
        refreshCounts();
      }
    });
  }, 5000);
  setInterval(function () {
    if (state.online && navigator.onLine !== false) {
      refreshCounts();
    }
  }, 10000);
  setInterval(function () {
    if (state.online && navigator.onLine !== false) {
      loadOfflineData();
    }
  }, 60000);

  setOnline(state.online);
  updatePending().then(function (count) {
    if (count && state.online) {
      sync();
    }
  });
  loadOfflineData();
  registerServiceWorker();
  startCamera();
})();
