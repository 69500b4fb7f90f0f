// Decodes camera frames off the page's main thread (jsQR takes tens of milliseconds a frame on
// a phone): the page posts each frame's pixels, this worker answers with the code it shows.
// Served as /ingresso/decoder.js (inside the door's service worker scope, so it works after a
// reload without network); a classic worker, so it loads the vendored jsQR file the page names
// with importScripts.
"use strict";

let decodedFrames = 0;

self.onmessage = function (event) {
  const message = event.data;
  if (message.type === "load") {
    importScripts(message.decoder);
    return;
  }
  let code = null;
  try {
    code = self.jsQR(new Uint8ClampedArray(message.pixels), message.width, message.height,
                     { inversionAttempts: "dontInvert" });
  } catch (e) {
    code = null;
  }
  decodedFrames += 1;
  self.postMessage({ payload: code && code.data ? code.data : null });
};
