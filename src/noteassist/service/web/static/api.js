// The page's way to the /v1 API: same-origin cookie, the session's CSRF token on every request.
// api() resolves {ok, status, data} for any answer (data: parsed JSON or null) and rejects only when the
// request could not be made (network down: a TypeError), so callers tell "offline" from "refused".

export function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : '';
}

function serverContact() {
  // session.js counts idle time from the last answer the server gave (every API call touches the session).
  document.dispatchEvent(new CustomEvent('na:server-contact'));
}

export async function api(method, path, body) {
  const headers = { 'Accept': 'application/json', 'X-CSRF-Token': csrfToken() };
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  let data = null;
  const type = response.headers.get('Content-Type') || '';
  if (type.includes('json')) {
    try { data = await response.json(); } catch (error) { data = null; }
  }
  if (response.ok) serverContact();
  if (response.status === 401 && data && data.error && data.error.code === 'session_expired') {
    document.dispatchEvent(new CustomEvent('na:session-expired'));
  }
  return { ok: response.ok, status: response.status, data };
}

export function beacon(path, body) {
  // sendBeacon cannot set headers: the CSRF token goes in the query, which the server accepts as well.
  const separator = path.includes('?') ? '&' : '?';
  const url = `${path}${separator}csrf=${encodeURIComponent(csrfToken())}`;
  const blob = new Blob([JSON.stringify(body)], { type: 'application/json' });
  return navigator.sendBeacon(url, blob);
}
