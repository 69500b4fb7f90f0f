// The check-in API (/api/v1/events/<id>/checkin/…, described in the OpenAPI document). A request
// that gets no answer, or a 5xx, is a NetworkError: the page then decides offline.

export class NetworkError extends Error {
  constructor(cause) {
    super("network", { cause });
    this.name = "NetworkError";
  }
}

// call(path, { method, body, timeout }) → { ok, status, data }, data being the JSON answer or null.
export function checkinApi(base, csrfToken) {
  return async function call(path, options = {}) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), options.timeout || 10000);
    const init = { method: options.method || "GET", credentials: "same-origin", cache: "no-store",
                   signal: controller.signal, headers: { Accept: "application/json" } };
    if (options.body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.headers["X-CSRFToken"] = csrfToken;
      init.body = JSON.stringify(options.body);
    }
    let response;
    try {
      response = await fetch(base + path, init);
    } catch (error) {
      throw new NetworkError(error);
    } finally {
      clearTimeout(timer);
    }
    if (response.status >= 500) {
      throw new NetworkError(new Error("HTTP " + response.status));
    }
    let data = null;
    if ((response.headers.get("Content-Type") || "").includes("json")) {
      data = await response.json().catch(() => null);
    }
    return { ok: response.ok, status: response.status, data };
  };
}

// What to tell staff about a refused request: the API's own message, or why it was refused.
export function problemMessage(texts, response) {
  if (response.data && response.data.error && response.data.error.message) {
    return response.data.error.message;
  }
  return [400, 401, 403].includes(response.status) ? texts.session_expired : texts.server_error;
}
