// What a door phone keeps in IndexedDB, one database per event: the downloaded list (entries,
// by keyed token hash), its meta, this device's own "let in" marks since the download, and the
// queue of scans decided without network.

function open(eventId) {
  return new Promise((resolve, reject) => {
    if (!globalThis.indexedDB) {
      reject(new Error("no IndexedDB"));
      return;
    }
    const request = indexedDB.open("fis-checkin-event-" + eventId, 1);
    request.onupgradeneeded = () => {
      const db = request.result;
      db.createObjectStore("entries", { keyPath: "h" }).createIndex("id", "id", { unique: true });
      db.createObjectStore("meta", { keyPath: "name" });
      db.createObjectStore("local", { keyPath: "h" });
      db.createObjectStore("queue", { keyPath: "nonce" });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

export function doorStore(eventId) {
  let opened = null;

  function database() {
    if (!opened) {
      opened = open(eventId);
      opened.catch(() => { opened = null; });
    }
    return opened;
  }

  // Runs work(transaction, out), which issues requests synchronously or in their callbacks, and
  // resolves with out.value once the transaction has committed.
  async function withStores(names, mode, work) {
    const db = await database();
    return new Promise((resolve, reject) => {
      const transaction = db.transaction(names, mode);
      const out = {};
      transaction.oncomplete = () => resolve(out.value);
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error || new Error("aborted"));
      work(transaction, out);
    });
  }

  return {
    meta() {
      return withStores(["meta"], "readonly", (t, out) => {
        t.objectStore("meta").get("data").onsuccess = (e) => { out.value = e.target.result; };
      });
    },

    // Replace the list with a new download; marks stay while scans wait in the queue, since
    // the server's list does not include those yet.
    replaceList(data) {
      return withStores(["entries", "meta", "local", "queue"], "readwrite", (t) => {
        const entries = t.objectStore("entries");
        entries.clear();
        data.entries.forEach((entry) => entries.put(entry));
        t.objectStore("meta").put({ name: "data", key: data.key, event: data.event,
                                    generated_at: data.generated_at, count: data.entries.length });
        t.objectStore("queue").count().onsuccess = (e) => {
          if (e.target.result === 0) {
            t.objectStore("local").clear();
          }
        };
      });
    },

    // Keep an entry in step with an answer: checked in at `at`, or not in (at = null).
    markEntry(registrationId, at) {
      return withStores(["entries", "local"], "readwrite", (t) => {
        const entries = t.objectStore("entries");
        entries.index("id").get(registrationId).onsuccess = (e) => {
          const entry = e.target.result;
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
      });
    },

    // judge(entry, mark) decides a scan of the token hashed `h`; an "ok" leaves this device's
    // mark { at, door }, in the same transaction, so two quick scans cannot both let one in.
    decide(h, judge, { at, door }) {
      return withStores(["entries", "local"], "readwrite", (t, out) => {
        t.objectStore("entries").get(h).onsuccess = (e) => {
          const entry = e.target.result;
          const local = t.objectStore("local");
          local.get(h).onsuccess = (e2) => {
            out.value = judge(entry, e2.target.result);
            if (out.value.result === "ok") {
              local.put({ h, id: entry.id, at, door });
            }
          };
        };
      });
    },

    queued() {
      return withStores(["queue"], "readonly", (t, out) => {
        t.objectStore("queue").getAll().onsuccess = (e) => { out.value = e.target.result; };
      });
    },

    queueCount() {
      return withStores(["queue"], "readonly", (t, out) => {
        t.objectStore("queue").count().onsuccess = (e) => { out.value = e.target.result; };
      });
    },

    enqueue(item) {
      return withStores(["queue"], "readwrite", (t) => { t.objectStore("queue").put(item); });
    },

    dequeue(nonces) {
      return withStores(["queue"], "readwrite", (t) => {
        nonces.forEach((nonce) => t.objectStore("queue").delete(nonce));
      });
    },
  };
}
