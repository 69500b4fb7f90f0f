// The agenda editor's reordering logic (fis_events/static/js/agenda/order.mjs).
import assert from "node:assert/strict";
import { test } from "node:test";

import { announcement, dropPosition, keyMove, moved } from
  "../../fis_events/static/js/agenda/order.mjs";

test("an item put at a position, the others keeping their order", () => {
  assert.deepEqual(moved(["a", "b", "c", "d"], "d", 1), ["a", "d", "b", "c"]);
  assert.deepEqual(moved(["a", "b", "c", "d"], "a", 3), ["b", "c", "d", "a"]);
  assert.deepEqual(moved(["a", "b", "c"], "b", 1), ["a", "b", "c"]);
  assert.deepEqual(moved(["a", "b", "c"], "b", 99), ["a", "c", "b"]);
  assert.deepEqual(moved(["a", "b", "c"], "b", -4), ["b", "a", "c"]);
  assert.deepEqual(moved(["a", "b"], "z", 0), ["a", "b"]);
});

test("a drop lands before the target in its upper half, after it in the lower", () => {
  const ids = ["a", "b", "c", "d"];
  assert.equal(dropPosition(ids, "d", "b", 0.2), 1);
  assert.equal(dropPosition(ids, "d", "b", 0.8), 2);
  assert.equal(dropPosition(ids, "a", "d", 0.9), 3);
  assert.equal(dropPosition(ids, "a", "a", 0.5), 0);
  assert.deepEqual(moved(ids, "a", dropPosition(ids, "a", "c", 0.7)), ["b", "c", "a", "d"]);
});

test("the keyboard moves a picked-up item and puts it down or back", () => {
  assert.deepEqual(keyMove("ArrowUp", 0, 3), { position: 0, done: false, cancelled: false });
  assert.deepEqual(keyMove("ArrowDown", 1, 3), { position: 2, done: false, cancelled: false });
  assert.deepEqual(keyMove("ArrowDown", 2, 3), { position: 2, done: false, cancelled: false });
  assert.deepEqual(keyMove("Home", 2, 3).position, 0);
  assert.deepEqual(keyMove("End", 0, 3).position, 2);
  assert.deepEqual(keyMove(" ", 1, 3), { position: 1, done: true, cancelled: false });
  assert.deepEqual(keyMove("Escape", 1, 3), { position: 1, done: true, cancelled: true });
  assert.equal(keyMove("a", 1, 3), null);
});

test("what a screen reader hears", () => {
  assert.equal(announcement("{title}: posizione {n} di {count}", "Conclusioni", 1, 3),
               "Conclusioni: posizione 2 di 3");
});
