// The door's rules on this device, for when the server does not answer: the same decision as
// checkin/services.py decide_scan, on the list downloaded for the event. Pure: no page, no
// storage; tests/checkin/door_decisions.json is the table both must pass (node --test tests/).

export const PREFIX = "FISEV1:";
const TOKEN = /^[A-Za-z0-9_-]{32}$/;

const dayFormat = new Intl.DateTimeFormat("en-CA", { year: "numeric", month: "2-digit", day: "2-digit",
                                                     timeZone: "Europe/Rome" });
const timeFormat = new Intl.DateTimeFormat("it-IT", { hour: "2-digit", minute: "2-digit", timeZone: "Europe/Rome" });

// The registration token in a door QR code, or null when the code is not one of ours.
export function parsePayload(payload) {
  const text = (payload || "").trim();
  if (!text.startsWith(PREFIX)) {
    return null;
  }
  const token = text.slice(PREFIX.length);
  return TOKEN.test(token) ? token : null;
}

// What staff type from a damaged badge, as the camera would have read it: the 32 printed
// characters alone, or the whole code with the prefix in any case.
export function typedCode(typed) {
  const code = typed.replace(/\s+/g, "");
  if (TOKEN.test(code)) {
    return PREFIX + code;
  }
  return code.toUpperCase().startsWith(PREFIX) ? PREFIX + code.slice(PREFIX.length) : code;
}

// "2030-03-12": the day in Rome, where the event happens.
export function romeDay(moment) {
  return dayFormat.format(new Date(moment));
}

// "10.30" in Rome time, as the server writes times in its answers.
export function hhmm(moment) {
  const date = new Date(moment);
  return Number.isNaN(date.getTime()) ? "" : timeFormat.format(date).replace(":", ".");
}

export function isEventDay(event, moment) {
  const day = romeDay(moment);
  return romeDay(event.starts_at) <= day && day <= romeDay(event.ends_at);
}

// One scan decided on the device. entry: the badge's row in the downloaded list (or none);
// mark: this device's own "let in at" for it since the download; moment: when it was scanned.
// Returns { result, person, previous }, result being one of checkin/results.py ScanResult.
export function decide({ token, entry, mark, event, moment }) {
  if (!token) {
    return { result: "invalid_format" };
  }
  if (!entry) {
    return { result: "unknown" }; // a badge of another event is not in this event's list
  }
  const person = { registration_id: entry.id, name: entry.name, organisation: entry.organisation,
                   mode: entry.mode };
  if (entry.status === "cancelled") {
    return { result: "cancelled", person };
  }
  if (entry.status === "waiting") {
    return { result: "waiting_list", person };
  }
  if (!isEventDay(event, moment)) {
    return { result: "not_today", person };
  }
  if (entry.checked_in_at) {
    return { result: "already_checked_in", person, previous: { at: entry.checked_in_at, door: null } };
  }
  if (mark) {
    return { result: "already_checked_in", person, previous: { at: mark.at, door: mark.door || null } };
  }
  return { result: "ok", person };
}

// The door's sentence for a decision: the key of its words and the values they name, as
// checkin/api.py message_values gives them for the server's answers.
export function messageParts(decision) {
  if (decision.result === "ok") {
    return { key: "ok", values: { name: decision.person.name } };
  }
  if (decision.previous) {
    return { key: decision.result, values: { time: hhmm(decision.previous.at), where: decision.previous.door || "" } };
  }
  return { key: decision.result, values: {} };
}

// The keyed hash under which the downloaded list holds a token (services.token_hash).
export async function tokenHash(hexKey, token) {
  const bytes = new Uint8Array(hexKey.match(/../g).map((pair) => parseInt(pair, 16)));
  const key = await crypto.subtle.importKey("raw", bytes, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const signature = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(token));
  return Array.from(new Uint8Array(signature), (b) => b.toString(16).padStart(2, "0")).join("");
}
