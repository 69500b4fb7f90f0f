// The door's words, as the page gets them from the server (#scanner-texts: checkin/results.py
// door_texts for the answers, the template for the rest). Pure, so node --test covers it.

// "OK: {name}" with values filled in; a placeholder without a value stays as it is.
export function fmt(text, values) {
  return String(text).replace(/\{(\w+)\}/g, (all, key) =>
    values && values[key] !== undefined && values[key] !== null ? values[key] : all);
}

// The sentence for an answer decided here ({ key, values } from decision.messageParts): an
// answer naming an earlier entry adds " (door)", as checkin/results.py message does.
export function say(texts, parts) {
  const text = fmt(texts.results[parts.key].message, parts.values);
  return parts.values.where ? `${text} (${parts.values.where})` : text;
}

// How the door signals a result: "ok", "already" or "error" (also for a failed request).
export function kindOf(texts, result) {
  return texts.results[result] ? texts.results[result].kind : "error";
}
