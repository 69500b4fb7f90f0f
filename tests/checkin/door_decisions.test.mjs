// The door decision table (door_decisions.json) against the scanner's offline decision, and the
// pure modules it uses; test_door_decisions.py runs the same table against the server.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { decide, hhmm, isEventDay, messageParts, parsePayload, tokenHash, typedCode } from
  "../../fis_events/static/js/door/decision.mjs";
import { fmt, kindOf, say } from "../../fis_events/static/js/door/words.mjs";

const TABLE = JSON.parse(readFileSync(new URL("./door_decisions.json", import.meta.url), "utf8"));
const BADGE = "FISEV1:" + "b".repeat(32);
const STATUS = { confirmed: "confirmed", waiting: "waiting", cancelled: "cancelled" };

// The downloaded list's row for the case's badge: only this event's registrations are in it.
function entryFor(c) {
  const status = STATUS[c.badge];
  return status ? { h: "h", id: 7, name: TABLE.person, organisation: null, mode: "in_person", status,
                    checked_in_at: null } : undefined;
}

// A badge let in before is known either from the downloaded list or from this device's mark.
function earlierEntries(c) {
  const entry = entryFor(c);
  if (!c.checked_in_at) {
    return [["", entry, undefined]];
  }
  return [[" (in the list)", { ...entry, checked_in_at: c.checked_in_at }, undefined],
          [" (let in by this device)", entry, { at: c.checked_in_at, door: "Porta 1" }]];
}

for (const c of TABLE.decisions) {
  for (const [how, entry, mark] of earlierEntries(c)) {
    test(`offline: ${c.name}${how}`, () => {
      const payload = (c.payload === undefined ? "{badge}" : c.payload).replace("{badge}", BADGE);
      const decision = decide({ token: parsePayload(payload), entry, mark, event: TABLE.event, moment: c.moment });
      const expected = c.offline || c;
      assert.equal(decision.result, expected.expected);
      const { key, ...values } = expected.message;
      const parts = messageParts(decision);
      assert.equal(parts.key, key);
      for (const name of Object.keys(values)) {
        assert.equal(parts.values[name], values[name]);
      }
    });
  }
}

test("payloads: ours with a 32-character token, whatever surrounds it", () => {
  assert.equal(parsePayload(` ${BADGE}\n`), "b".repeat(32));
  for (const payload of ["", null, "FISEV1:", "fisev1:" + "b".repeat(32), BADGE + "x", "FISEV1:" + "b".repeat(31) + "!"]) {
    assert.equal(parsePayload(payload), null, String(payload));
  }
});

test("typed codes: the printed characters alone, or the whole code in any case", () => {
  assert.equal(typedCode("bbbb bbbb " + "b".repeat(24)), BADGE);
  assert.equal(typedCode("fisev1:" + "b".repeat(32)), BADGE);
  assert.equal(typedCode("https://example.org/"), "https://example.org/");
});

test("event days and times are Rome's", () => {
  const event = { starts_at: "2030-07-01T09:00:00+02:00", ends_at: "2030-07-02T18:00:00+02:00" };
  assert.ok(isEventDay(event, "2030-07-02T21:59:00Z"));
  assert.ok(!isEventDay(event, "2030-07-02T22:01:00Z"));
  assert.equal(hhmm("2030-07-01T08:05:00Z"), "10.05");
  assert.equal(hhmm("not a time"), "");
});

test("the keyed hash is HMAC-SHA256 in hexadecimal, as the server computes it", async () => {
  // hmac.new(bytes.fromhex("00" * 32), b"abc", hashlib.sha256).hexdigest()
  assert.equal(await tokenHash("00".repeat(32), "abc"),
               "fd7adb152c05ef80dccf50a1fa4c05d5a3ec6da95575fc312ae7c5d091836351");
});

const TEXTS = {
  heads: { ok: "OK", already: "Già entrato", error: "Non ammesso" },
  results: { ok: { message: "OK: {name}", kind: "ok" },
             already_checked_in: { message: "Già entrato alle {time}", kind: "already" },
             unknown: { message: "Codice sconosciuto.", kind: "error" } },
};

test("words: placeholders filled, the earlier door added, kinds by result", () => {
  assert.equal(fmt("{a} e {b}", { a: 1 }), "1 e {b}");
  assert.equal(say(TEXTS, { key: "ok", values: { name: "Niccolò D'Angelo" } }), "OK: Niccolò D'Angelo");
  assert.equal(say(TEXTS, { key: "already_checked_in", values: { time: "10.00", where: "Porta 1" } }),
               "Già entrato alle 10.00 (Porta 1)");
  assert.equal(say(TEXTS, { key: "already_checked_in", values: { time: "10.00", where: "" } }),
               "Già entrato alle 10.00");
  assert.deepEqual(["ok", "already_checked_in", "unknown", "error"].map((r) => kindOf(TEXTS, r)),
                   ["ok", "already", "error", "error"]);
});
