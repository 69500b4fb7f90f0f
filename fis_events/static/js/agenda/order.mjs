// The agenda editor's reordering, as pure functions: what the page shows after a drag or a key,
// and what it tells the server. No DOM here, so that `node --test` runs it.

/** The ids in their new order once `id` is put at `position` (clamped to the list). */
export function moved(ids, id, position) {
  const from = ids.indexOf(id);
  if (from === -1) { return ids.slice(); }
  const rest = ids.filter((other) => other !== id);
  const to = Math.max(0, Math.min(position, rest.length));
  rest.splice(to, 0, id);
  return rest;
}

/** Where a dragged row lands when dropped on `targetId`: before it in the upper half of the
 * target, after it in the lower half (`ratio` is how far down the target the pointer is). */
export function dropPosition(ids, draggedId, targetId, ratio) {
  const rest = ids.filter((other) => other !== draggedId);
  const target = rest.indexOf(targetId);
  if (target === -1) { return ids.indexOf(draggedId); }
  return ratio < 0.5 ? target : target + 1;
}

/** The keyboard while a row is picked up: ↑/↓ move it one place, Home/End to either end,
 * Enter or Space put it down, Escape puts it back. Returns {position, done, cancelled}. */
export function keyMove(key, position, count) {
  switch (key) {
    case "ArrowUp": return { position: Math.max(0, position - 1), done: false, cancelled: false };
    case "ArrowDown": return { position: Math.min(count - 1, position + 1), done: false, cancelled: false };
    case "Home": return { position: 0, done: false, cancelled: false };
    case "End": return { position: count - 1, done: false, cancelled: false };
    case "Enter":
    case " ": return { position, done: true, cancelled: false };
    case "Escape": return { position, done: true, cancelled: true };
    default: return null;
  }
}

/** What a screen reader hears: "Conclusioni: posizione 2 di 3". */
export function announcement(template, title, position, count) {
  return template.replace("{title}", title).replace("{n}", String(position + 1))
    .replace("{count}", String(count));
}
