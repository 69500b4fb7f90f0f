// The camera: start, switch, torch, and about 9 frames a second handed to the decoder worker.
// Only copying a frame's pixels happens on the page's thread; one frame is in the worker at a
// time, so a slow phone decodes fewer frames rather than queueing them.

const FRAME_MS = 110;  // about 9 decoded frames a second
const MAX_SIDE = 800;  // frames are scaled down to this before decoding

// ui: { root, video, canvas, box, status, startButton, switchButton, torchButton };
// camera: the page's camera state; onCode(payload) gets every code a frame shows.
export function doorCamera({ ui, texts, camera, workerUrl, decoderUrl, onCode }) {
  const context = ui.canvas.getContext("2d", { willReadFrequently: true });

  function setStatus(text, problem) {
    ui.status.textContent = text;
    ui.status.classList.toggle("is-problem", !!problem);
    ui.root.dataset.camera = problem ? "unavailable" : camera.running ? "on" : "starting";
  }

  function stop() {
    camera.running = false;
    camera.inWorker = false;
    clearTimeout(camera.timer);
    if (camera.stream) {
      camera.stream.getTracks().forEach((track) => track.stop());
    }
    camera.stream = camera.track = null;
    ui.video.srcObject = null;
    ui.box.classList.add("is-off");
    ui.torchButton.hidden = true;
    ui.torchButton.setAttribute("aria-pressed", "false");
  }

  function problem(error) {
    stop();
    const name = error && error.name;
    const text = name === "NotAllowedError" || name === "SecurityError" ? texts.camera_denied
      : name === "NotFoundError" || name === "OverconstrainedError" || name === "missing" ? texts.camera_missing
        : texts.camera_error;
    setStatus(text, true);
    ui.startButton.hidden = false;
  }

  function decoder() {
    if (!camera.worker) {
      camera.worker = new Worker(workerUrl);
      camera.worker.postMessage({ type: "load", decoder: decoderUrl });
      camera.worker.onmessage = (event) => {
        camera.inWorker = false;
        if (event.data.payload) {
          onCode(event.data.payload);
        }
        nextFrame(Math.max(10, FRAME_MS - (performance.now() - camera.frameAt)));
      };
      camera.worker.onerror = () => {
        camera.worker = null;
        problem({ name: "error" });
      };
    }
    return camera.worker;
  }

  function nextFrame(delay) {
    clearTimeout(camera.timer);
    camera.timer = setTimeout(sendFrame, delay);
  }

  function sendFrame() {
    const video = ui.video;
    if (!camera.running || camera.inWorker) {
      return;
    }
    if (document.hidden || video.readyState < 2 || !video.videoWidth) {
      nextFrame(FRAME_MS);
      return;
    }
    const scale = Math.min(1, MAX_SIDE / Math.max(video.videoWidth, video.videoHeight));
    const width = Math.round(video.videoWidth * scale);
    const height = Math.round(video.videoHeight * scale);
    if (ui.canvas.width !== width || ui.canvas.height !== height) {
      ui.canvas.width = width;
      ui.canvas.height = height;
    }
    context.drawImage(video, 0, 0, width, height);
    const pixels = context.getImageData(0, 0, width, height).data.buffer;
    camera.frameAt = performance.now();
    camera.inWorker = true;
    decoder().postMessage({ pixels, width, height }, [pixels]);
  }

  async function listCameras() {
    try {
      camera.devices = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === "videoinput");
    } catch (e) {
      camera.devices = [];
    }
    ui.switchButton.hidden = camera.devices.length < 2;
  }

  function setUpTorch() {
    let capabilities = {};
    try {
      capabilities = camera.track && camera.track.getCapabilities ? camera.track.getCapabilities() : {};
    } catch (e) {
      capabilities = {};
    }
    ui.torchButton.hidden = !capabilities.torch;
    ui.torchButton.setAttribute("aria-pressed", "false");
  }

  async function start(deviceId) {
    stop();
    camera.wanted = true;
    const attempt = ++camera.attempt;
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || typeof Worker !== "function") {
      problem({ name: navigator.mediaDevices ? "error" : "missing" });
      return;
    }
    setStatus(texts.camera_starting, false);
    const video = deviceId ? { deviceId: { exact: deviceId } }
      : { facingMode: { ideal: "environment" }, width: { ideal: 1280 }, height: { ideal: 720 } };
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: false, video });
    } catch (error) {
      if (attempt === camera.attempt) {
        problem(error);
      }
      return;
    }
    if (attempt !== camera.attempt) {
      stream.getTracks().forEach((track) => track.stop());
      return;
    }
    camera.stream = stream;
    camera.track = stream.getVideoTracks()[0];
    ui.video.srcObject = stream;
    try {
      await ui.video.play();
    } catch (e) { /* autoplay with muted video normally works; frames still arrive */ }
    if (attempt !== camera.attempt) {
      return;
    }
    ui.box.classList.remove("is-off");
    ui.startButton.hidden = true;
    camera.running = true;
    setStatus(texts.camera_on, false);
    setUpTorch();
    listCameras();
    nextFrame(0);
  }

  ui.torchButton.addEventListener("click", async () => {
    const on = ui.torchButton.getAttribute("aria-pressed") !== "true";
    try {
      await camera.track.applyConstraints({ advanced: [{ torch: on }] });
      ui.torchButton.setAttribute("aria-pressed", on ? "true" : "false");
    } catch (e) {
      ui.torchButton.hidden = true;
    }
  });

  ui.switchButton.addEventListener("click", () => {
    if (camera.devices.length < 2) {
      return;
    }
    const current = camera.track && camera.track.getSettings ? camera.track.getSettings().deviceId : null;
    const index = camera.devices.findIndex((d) => d.deviceId === current);
    start(camera.devices[(index + 1) % camera.devices.length].deviceId);
  });

  ui.startButton.addEventListener("click", () => start());

  document.addEventListener("visibilitychange", () => {
    // A phone in a pocket does not keep the camera on; it comes back with the page.
    if (document.hidden) {
      if (camera.running) {
        stop();
      }
    } else if (camera.wanted && !camera.running && ui.startButton.hidden) {
      start();
    }
  });

  return { start };
}
