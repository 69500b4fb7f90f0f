// Drag the agenda's items into a new order, with a mouse or with the keyboard (a handle: Space
// picks the item up, ↑/↓/Home/End move it, Space or Enter put it down, Escape puts it back).
// The ↑/↓ forms stay: without this module they move items one place per page load.
import { announcement, dropPosition, keyMove, moved } from "./order.mjs";

function rows(list) { return Array.from(list.querySelectorAll(":scope > li")); }
function ids(list) { return rows(list).map((row) => row.dataset.id); }
function titleOf(row) { return row.querySelector(".item-title").textContent.trim(); }

/** Put the rows in `order`. The row holding the focus never leaves its place in the document
 * (a moved node loses the focus): the others are set before one another around it, last first. */
function show(list, order) {
  const byId = Object.fromEntries(rows(list).map((row) => [row.dataset.id, row]));
  const focused = document.activeElement ? document.activeElement.closest("li") : null;
  let next = null;
  for (const id of order.slice().reverse()) {
    if (byId[id] !== focused) { list.insertBefore(byId[id], next); }
    next = byId[id];
  }
  list.dispatchEvent(new CustomEvent("reordered"));  // manage.js refreshes the ↑/↓ buttons
}

/** Tell the server where the row went; its answer is the order to show (or, on failure, the
 * order from before, with the page reloaded so nothing pretends to be saved). */
async function save(list, row, position, before) {
  const form = row.querySelector("form[data-move]");
  const body = new FormData();
  body.append("csrf_token", form.querySelector("[name=csrf_token]").value);
  body.append("position", String(position));
  try {
    const response = await fetch(form.action, { method: "POST", body, credentials: "same-origin",
                                                headers: { "Accept": "application/json" } });
    if (!response.ok) { throw new Error(String(response.status)); }
    show(list, (await response.json()).order.map(String));
  } catch (error) {
    show(list, before);
    window.location.reload();
  }
}

function say(list, text) {
  const status = document.getElementById(list.dataset.status);
  if (status) { status.textContent = text; }
}

function enhance(list) {
  let dragged = null;
  rows(list).forEach((row) => {
    const handle = document.createElement("button");
    handle.type = "button";
    handle.className = "btn btn-outline-secondary btn-sm drag-handle";
    handle.innerHTML = '<span aria-hidden="true">⠿</span>';
    const label = document.createElement("span");
    label.className = "visually-hidden";
    label.textContent = list.dataset.handleLabel.replace("{title}", titleOf(row));
    handle.appendChild(label);
    handle.setAttribute("aria-describedby", list.dataset.help);
    row.querySelector(".move-buttons").before(handle);
    row.draggable = true;

    row.addEventListener("dragstart", (event) => {
      dragged = { id: row.dataset.id, before: ids(list) };
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", row.dataset.id);
      row.classList.add("dragging");
    });
    row.addEventListener("dragend", () => row.classList.remove("dragging"));
    row.addEventListener("dragover", (event) => { if (dragged) { event.preventDefault(); } });
    row.addEventListener("drop", (event) => {
      if (!dragged) { return; }
      event.preventDefault();
      const box = row.getBoundingClientRect();
      const order = ids(list);
      const position = dropPosition(order, dragged.id, row.dataset.id, (event.clientY - box.top) / box.height);
      const movedRow = list.querySelector(`:scope > li[data-id="${dragged.id}"]`);
      show(list, moved(order, dragged.id, position));
      say(list, announcement(list.dataset.announce, titleOf(movedRow), position, order.length));
      save(list, movedRow, position, dragged.before);
      dragged = null;
    });

    let picked = null;
    handle.addEventListener("keydown", (event) => {
      const order = ids(list);
      const position = order.indexOf(row.dataset.id);
      if (picked === null) {
        if (event.key === " " || event.key === "Enter") {
          event.preventDefault();
          picked = order;
          row.classList.add("dragging");
          say(list, announcement(list.dataset.picked, titleOf(row), position, order.length));
        }
        return;
      }
      const step = keyMove(event.key, position, order.length);
      if (step === null) { return; }
      event.preventDefault();
      if (step.cancelled) {
        show(list, picked);
      } else {
        show(list, moved(order, row.dataset.id, step.position));
      }
      handle.focus();
      const now = ids(list).indexOf(row.dataset.id);
      say(list, announcement(step.cancelled ? list.dataset.cancelled : list.dataset.announce,
                             titleOf(row), now, order.length));
      if (step.done) {
        row.classList.remove("dragging");
        if (!step.cancelled && picked.join() !== ids(list).join()) { save(list, row, now, picked); }
        picked = null;
      }
    });
    handle.addEventListener("blur", () => {
      if (picked !== null) { show(list, picked); row.classList.remove("dragging"); picked = null; }
    });
  });
}

document.querySelectorAll("ol[data-draggable]").forEach(enhance);
