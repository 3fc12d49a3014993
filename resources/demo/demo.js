// PlainKey sample sign-in: the page a customer's frontend would be, written against the
// Browser API contract with nothing but the browser (no framework, no CDN, works offline).
// It converts WebAuthn JSON options to what navigator.credentials wants and the results back
// to RegistrationResponseJSON / AuthenticationResponseJSON, as @simplewebauthn/browser does.
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);

  // The Browser API lives beside this page on the emulator; the strict Content-Security-Policy
  // (connect-src 'self') would refuse any other origin anyway.
  const apiBase = window.location.origin + '/browser';

  // The session, in memory only: the contract tells frontends never to store the token.
  const session = {
    token: null,        // authentication token string
    expiresAt: null,    // Date or null
    userId: null,
    userName: null,
    revealed: false,
    passkeys: [],       // [{id, label}] known to this page: created here or signed in with
  };
  // User names seen for user IDs in this page's life, to name a user who signed in without one.
  const knownNames = new Map();

  let busy = false;
  let messageSeq = 0;

  // ---------- base64url and option conversion ----------

  function base64urlToBuffer(text, what) {
    if (typeof text !== 'string' || !/^[A-Za-z0-9_-]*={0,2}$/.test(text))
      throw new ShapeError(what + ' is not base64url text');
    const plain = text.replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/');
    const padded = plain + '='.repeat((4 - (plain.length % 4)) % 4);
    let binary;
    try {
      binary = atob(padded);
    } catch (e) {
      throw new ShapeError(what + ' is not base64url text');
    }
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; ++i)
      bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  }

  function bufferToBase64url(buffer) {
    const bytes = new Uint8Array(buffer);
    let binary = '';
    for (let i = 0; i < bytes.length; ++i)
      binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  // An answer from the server that does not have the contract's shape.
  class ShapeError extends Error {}

  // An error answer from the Browser API (or no usable answer at all).
  class ApiError extends Error {
    constructor(status, statusText, detail, path) {
      super(detail);
      this.status = status;
      this.statusText = statusText;
      this.path = path;
    }
  }

  function requireObject(value, what) {
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      throw new ShapeError(what + ' is missing or not an object');
    return value;
  }

  function requireString(value, what) {
    if (typeof value !== 'string' || value === '')
      throw new ShapeError(what + ' is missing or not a string');
    return value;
  }

  function convertDescriptors(list, what) {
    if (list === undefined || list === null)
      return undefined;
    if (!Array.isArray(list))
      throw new ShapeError(what + ' is not a list');
    return list.map((d, i) => {
      requireObject(d, what + '[' + i + ']');
      const out = { type: d.type || 'public-key', id: base64urlToBuffer(d.id, what + '[' + i + '].id') };
      if (Array.isArray(d.transports))
        out.transports = d.transports;
      return out;
    });
  }

  // PublicKeyCredentialCreationOptionsJSON -> PublicKeyCredentialCreationOptions
  function creationOptions(json) {
    requireObject(json, 'options');
    const user = requireObject(json.user, 'options.user');
    const options = Object.assign({}, json);
    options.challenge = base64urlToBuffer(json.challenge, 'options.challenge');
    options.user = Object.assign({}, user, { id: base64urlToBuffer(user.id, 'options.user.id') });
    requireObject(json.rp, 'options.rp');
    if (!Array.isArray(json.pubKeyCredParams))
      throw new ShapeError('options.pubKeyCredParams is not a list');
    const exclude = convertDescriptors(json.excludeCredentials, 'options.excludeCredentials');
    if (exclude) options.excludeCredentials = exclude; else delete options.excludeCredentials;
    return options;
  }

  // PublicKeyCredentialRequestOptionsJSON -> PublicKeyCredentialRequestOptions
  function requestOptions(json) {
    requireObject(json, 'options');
    const options = Object.assign({}, json);
    options.challenge = base64urlToBuffer(json.challenge, 'options.challenge');
    const allow = convertDescriptors(json.allowCredentials, 'options.allowCredentials');
    if (allow) options.allowCredentials = allow; else delete options.allowCredentials;
    return options;
  }

  function callIfPresent(object, method) {
    if (typeof object[method] !== 'function')
      return undefined;
    try {
      return object[method]();
    } catch (e) {
      return undefined; // some browsers throw for keys they cannot export: the field is optional
    }
  }

  // PublicKeyCredential (attestation) -> RegistrationResponseJSON
  function registrationJson(credential) {
    const r = credential.response;
    const response = {
      clientDataJSON: bufferToBase64url(r.clientDataJSON),
      attestationObject: bufferToBase64url(r.attestationObject),
    };
    const transports = callIfPresent(r, 'getTransports');
    if (Array.isArray(transports)) response.transports = transports;
    const algorithm = callIfPresent(r, 'getPublicKeyAlgorithm');
    if (typeof algorithm === 'number') response.publicKeyAlgorithm = algorithm;
    const publicKey = callIfPresent(r, 'getPublicKey');
    if (publicKey) response.publicKey = bufferToBase64url(publicKey);
    const authData = callIfPresent(r, 'getAuthenticatorData');
    if (authData) response.authenticatorData = bufferToBase64url(authData);
    const json = {
      id: credential.id,
      rawId: bufferToBase64url(credential.rawId),
      type: credential.type,
      response,
      clientExtensionResults: callIfPresent(credential, 'getClientExtensionResults') || {},
    };
    if (credential.authenticatorAttachment) json.authenticatorAttachment = credential.authenticatorAttachment;
    return json;
  }

  // PublicKeyCredential (assertion) -> AuthenticationResponseJSON
  function authenticationJson(credential) {
    const r = credential.response;
    const response = {
      clientDataJSON: bufferToBase64url(r.clientDataJSON),
      authenticatorData: bufferToBase64url(r.authenticatorData),
      signature: bufferToBase64url(r.signature),
    };
    if (r.userHandle && r.userHandle.byteLength > 0)
      response.userHandle = bufferToBase64url(r.userHandle);
    const json = {
      id: credential.id,
      rawId: bufferToBase64url(credential.rawId),
      type: credential.type,
      response,
      clientExtensionResults: callIfPresent(credential, 'getClientExtensionResults') || {},
    };
    if (credential.authenticatorAttachment) json.authenticatorAttachment = credential.authenticatorAttachment;
    return json;
  }

  // ---------- the Browser API ----------

  function projectId() {
    return $('project-id').value.trim();
  }

  async function api(method, path, body) {
    const pid = projectId();
    if (!pid)
      throw new ApiError(0, '', 'no project ID is set: enter it at the top of the page', path);
    let response;
    try {
      response = await fetch(apiBase + path, {
        method,
        headers: { 'Content-Type': 'application/json', 'x-project-id': pid },
        body: JSON.stringify(body),
        cache: 'no-store',
        credentials: 'omit',
      });
    } catch (e) {
      throw new ApiError(0, '', 'the emulator at ' + window.location.origin + ' did not answer (' + e.message +
                         '); check that plainkey-emulator still runs, then try again', path);
    }
    // Read the text first: a proxy or an outage can answer with HTML or nothing.
    const text = await response.text();
    let data = null;
    if (text.trim() !== '') {
      try {
        data = JSON.parse(text);
      } catch (e) {
        data = undefined;
      }
    }
    if (!response.ok) {
      let detail;
      if (data && typeof data.error === 'string' && data.error !== '')
        detail = data.error;
      else if (data === undefined)
        detail = 'the answer was not JSON';
      else
        detail = 'the answer gave no reason';
      throw new ApiError(response.status, response.statusText, detail, path);
    }
    if (data === undefined)
      throw new ApiError(response.status, response.statusText, 'the answer was not JSON', path);
    return data;
  }

  // ---------- what the person sees ----------

  function showMessage(kind, title, detail) {
    const box = $('message');
    box.replaceChildren();
    const strong = document.createElement('strong');
    strong.textContent = title;
    box.append(strong);
    if (detail) {
      const p = document.createElement('span');
      p.className = 'detail';
      p.textContent = detail;
      box.append(p);
    }
    box.dataset.kind = kind;
    box.className = 'message ' + kind;
    box.dataset.seq = String(++messageSeq);
    box.hidden = false;
  }

  function clearMessage() {
    const box = $('message');
    box.hidden = true;
    box.replaceChildren();
    box.dataset.kind = '';
  }

  function showNotice(text, link) {
    const notice = $('notice');
    notice.textContent = text;
    if (link) {
      const a = document.createElement('a');
      a.href = link;
      a.textContent = link;
      notice.append(' ', a);
    }
    notice.hidden = !text;
  }

  // WebAuthn refuses IP addresses as RP IDs: on http://127.0.0.1 no passkey can ever work.
  function onIpAddress() {
    const host = window.location.hostname;
    return /^[0-9.]+$/.test(host) || host.startsWith('[');
  }

  // Turns anything a ceremony can throw into words a person can act on.
  function explain(action, error) {
    if (error instanceof ApiError && error.status === 0)
      return [action + ' failed: ' + error.message + '.', ''];
    if (error instanceof ApiError) {
      const status = error.status ? ' (HTTP ' + error.status + (error.statusText ? ' ' + error.statusText : '') + ')' : '';
      let advice = '';
      if (error.status === 401 || error.status === 403)
        advice = session.token ? 'Your token may have expired: sign out and sign in again.'
                               : 'Check the project ID at the top of the page.';
      else if (error.status >= 500)
        advice = 'Look at the emulator\u2019s log, then try again.';
      return [action + ' failed: the server said \u201c' + error.message + '\u201d' + status + '.', advice];
    }
    if (error instanceof ShapeError)
      return [action + ' failed: the server\u2019s answer does not follow the Browser API contract.', error.message + '.'];
    const name = error && error.name;
    switch (name) {
    case 'NotAllowedError':
      return [action + ' was cancelled.', 'The passkey prompt was closed or timed out, or no passkey here matches. Nothing changed; try again when ready.'];
    case 'InvalidStateError':
      return [action + ' stopped: this authenticator already holds a passkey for this account.',
              'Sign in with it instead, or use another device or security key.'];
    case 'SecurityError':
      return [action + ' was refused by the browser for this address.',
              'Passkeys for this emulator belong to its RP ID (localhost by default): open the page at http://localhost:' +
              window.location.port + '/demo/ instead of ' + window.location.host + '.'];
    case 'NotSupportedError':
      return [action + ' failed: this authenticator supports none of the requested key types.', 'Try another authenticator.'];
    case 'ConstraintError':
      return [action + ' failed: the authenticator cannot verify you (PIN or biometrics) as required.', 'Set up a PIN or biometrics, or use another authenticator.'];
    case 'AbortError':
      return [action + ' was interrupted.', 'Try again.'];
    default:
      return [action + ' failed: ' + (error && error.message ? error.message : String(error)), ''];
    }
  }

  function setBusy(on, button) {
    busy = on;
    document.body.dataset.state = on ? 'busy' : 'ready';
    document.body.setAttribute('aria-busy', on ? 'true' : 'false');
    for (const b of document.querySelectorAll('main button'))
      b.disabled = on;
    $('relabel-button').disabled = on || session.passkeys.length === 0;
    if (button) button.classList.toggle('working', on);
  }

  async function run(action, button, work) {
    if (busy)
      return;
    if (!window.PublicKeyCredential) {
      showMessage('error', action + ' is not possible in this browser.', webAuthnMissingText());
      return;
    }
    clearMessage();
    setBusy(true, button);
    try {
      await work();
    } catch (error) {
      const [title, detail] = explain(action, error);
      showMessage('error', title, detail);
    } finally {
      setBusy(false, button);
    }
  }

  function webAuthnMissingText() {
    if (!window.isSecureContext)
      return 'Browsers offer passkeys only on secure pages: open this page at http://localhost:' +
             window.location.port + '/demo/ (or over HTTPS).';
    return 'This browser has no WebAuthn (passkey) support. Use a current Chrome, Edge, Firefox or Safari.';
  }

  // A short fingerprint of the token (first 8 hex digits of its SHA-256), the same one the
  // console shows, so a token can be matched without showing it.
  async function fingerprint(token) {
    if (!window.crypto || !crypto.subtle)
      return '';
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token));
    return Array.from(new Uint8Array(digest).slice(0, 4), (b) => b.toString(16).padStart(2, '0')).join('');
  }

  // Claims of a JWT-shaped token, read for display only (never trusted: the backend verifies).
  function jwtClaims(token) {
    const parts = token.split('.');
    if (parts.length !== 3)
      return null;
    try {
      const text = new TextDecoder('utf-8', { fatal: true }).decode(base64urlToBuffer(parts[1], 'token'));
      const claims = JSON.parse(text);
      return claims && typeof claims === 'object' ? claims : null;
    } catch (e) {
      return null;
    }
  }

  function readExpiry(value) {
    // The contract types it as a number (epoch milliseconds in practice); accept seconds and ISO too.
    if (typeof value === 'number' && isFinite(value))
      return new Date(value < 1e11 ? value * 1000 : value);
    if (typeof value === 'string') {
      const d = new Date(value);
      if (!isNaN(d.getTime())) return d;
    }
    return null;
  }

  async function renderToken() {
    const text = $('token-text');
    const reveal = $('reveal-button');
    if (session.revealed) {
      text.textContent = session.token;
      text.className = 'revealed';
      reveal.textContent = 'Hide';
    } else {
      const fp = await fingerprint(session.token);
      text.textContent = (fp ? '#' + fp + ' ' : '') + '\u2022'.repeat(8);
      text.className = 'masked';
      reveal.textContent = 'Reveal';
    }
    text.setAttribute('aria-label', session.revealed ? 'Authentication token' : 'Authentication token, hidden');
    reveal.setAttribute('aria-pressed', session.revealed ? 'true' : 'false');
  }

  function renderPasskeys() {
    const select = $('relabel-id');
    select.replaceChildren();
    for (const p of session.passkeys) {
      const option = document.createElement('option');
      option.value = p.id;
      const shortId = p.id.length > 12 ? p.id.slice(0, 12) + '\u2026' : p.id;
      option.textContent = p.label ? p.label + ' (' + shortId + ')' : shortId + (p.note ? ' \u2014 ' + p.note : '');
      select.append(option);
    }
    const none = session.passkeys.length === 0;
    select.disabled = none;
    if (none) {
      const option = document.createElement('option');
      option.textContent = 'No passkey known to this page yet';
      select.append(option);
    }
    $('relabel-button').disabled = none || busy;
  }

  function rememberPasskey(id, label, note) {
    if (typeof id !== 'string' || id === '')
      return;
    const known = session.passkeys.find((p) => p.id === id);
    if (known) {
      if (label !== undefined) known.label = label;
      if (note) known.note = note;
    } else {
      session.passkeys.unshift({ id, label: label || null, note: note || '' });
    }
  }

  // Shows the signed-in view for a token the Browser API just issued.
  async function signedIn(tokenObject, who) {
    requireObject(tokenObject, 'authenticationToken');
    session.token = requireString(tokenObject.token, 'authenticationToken.token');
    session.expiresAt = readExpiry(tokenObject.expiresAt);
    const claims = jwtClaims(session.token) || {};
    session.userId = who.userId || claims.userId || claims.sub || session.userId || null;
    session.userName = who.userName || (session.userId && knownNames.get(session.userId)) || null;
    if (session.userId && session.userName)
      knownNames.set(session.userId, session.userName);
    session.revealed = false;

    $('who-name').textContent = session.userName || 'signed in without a user name';
    $('who-id').textContent = session.userId || 'unknown (the token does not say)';
    $('token-expiry').textContent = session.expiresAt
      ? session.expiresAt.toLocaleTimeString() + ' (in ' + Math.max(0, Math.round((session.expiresAt - Date.now()) / 60000)) + ' min)'
      : 'not given';
    await renderToken();
    renderPasskeys();
    const wasHidden = $('signed-in').hidden;
    $('signed-out').hidden = true;
    $('signed-in').hidden = false;
    document.body.dataset.signedIn = 'true';
    if (wasHidden)
      $('signed-in-title').focus();
  }

  function signOut() {
    session.token = null;
    session.expiresAt = null;
    session.userId = null;
    session.userName = null;
    session.revealed = false;
    session.passkeys = [];
    $('token-text').textContent = '';
    $('signed-in').hidden = true;
    $('signed-out').hidden = false;
    document.body.dataset.signedIn = 'false';
    showMessage('info', 'Signed out.', 'The token is forgotten by this page; it stays valid until it expires.');
    $('signin-name').focus();
  }

  // ---------- the four ceremonies ----------

  async function signUp() {
    const input = $('signup-name');
    const userName = input.value.trim();
    if (!userName) {
      showMessage('error', 'Sign-up needs a user name.', 'Type one, for example ada@example.com.');
      input.focus();
      return;
    }
    await run('Sign-up', $('signup-button'), async () => {
      const begin = requireObject(await api('POST', '/user/register/begin', { userName }), 'the answer');
      const userId = requireString(begin.userId, 'userId');
      const credential = await navigator.credentials.create({ publicKey: creationOptions(begin.options) });
      const done = requireObject(await api('POST', '/user/register/complete', { userId, credential: registrationJson(credential) }), 'the answer');
      const stored = done.credential && typeof done.credential === 'object' ? done.credential : {};
      knownNames.set(done.userId || userId, userName);
      session.passkeys = [];
      rememberPasskey(stored.id || credential.id, stored.label, 'created now');
      await signedIn(done.authenticationToken, { userId: done.userId || userId, userName });
      showMessage('ok', 'Welcome, ' + userName + '.', 'Your passkey is created and you are signed in.');
    });
  }

  async function signIn() {
    const userName = $('signin-name').value.trim();
    await run('Sign-in', $('signin-button'), async () => {
      const body = userName ? { userIdentifier: { userName } } : {};
      const begin = requireObject(await api('POST', '/authenticate/begin', body), 'the answer');
      const loginSession = requireObject(begin.loginSession, 'loginSession');
      const loginSessionId = requireString(loginSession.id, 'loginSession.id');
      const assertion = await navigator.credentials.get({ publicKey: requestOptions(begin.options) });
      const authenticationResponse = authenticationJson(assertion);
      const done = requireObject(await api('POST', '/authenticate/complete', { loginSessionId, authenticationResponse }), 'the answer');
      const claims = done.authenticationToken && typeof done.authenticationToken.token === 'string'
        ? jwtClaims(done.authenticationToken.token) || {} : {};
      // Without a user name, the user handle the authenticator returned names the account.
      let userId = null;
      if (assertion.response.userHandle && assertion.response.userHandle.byteLength > 0) {
        try {
          userId = new TextDecoder('utf-8', { fatal: true }).decode(assertion.response.userHandle);
        } catch (e) {
          userId = null;
        }
      }
      session.passkeys = [];
      rememberPasskey(typeof claims.credentialId === 'string' && claims.credentialId ? claims.credentialId : assertion.id,
                      undefined, 'used to sign in');
      await signedIn(done.authenticationToken, { userId: claims.userId || claims.sub || userId, userName: userName || null });
      showMessage('ok', 'Signed in' + (session.userName ? ' as ' + session.userName : '') + '.',
                  userName ? 'With your passkey for this user name.' : 'With a passkey you picked on this device.');
    });
  }

  async function addPasskey() {
    if (!session.token) {
      showMessage('error', 'Adding a passkey needs a sign-in first.', 'Sign in, then add the passkey.');
      return;
    }
    await run('Adding a passkey', $('add-passkey-button'), async () => {
      const body = { authenticationToken: session.token };
      if (session.userName) body.userName = session.userName;
      const begin = requireObject(await api('POST', '/user/credential/begin', body), 'the answer');
      const credential = await navigator.credentials.create({ publicKey: creationOptions(begin.options) });
      const done = requireObject(await api('POST', '/user/credential/complete',
                                           { authenticationToken: session.token, credential: registrationJson(credential) }), 'the answer');
      const stored = done.credential && typeof done.credential === 'object' ? done.credential : {};
      rememberPasskey(stored.id || credential.id, stored.label, 'added now');
      if (done.authenticationToken)
        await signedIn(done.authenticationToken, { userId: stored.userId || session.userId, userName: session.userName });
      else
        renderPasskeys();
      $('relabel-id').value = stored.id || credential.id;
      showMessage('ok', 'Passkey added.', 'This account now signs in with it too. Give it a label below so you can tell them apart.');
    });
  }

  async function relabel() {
    const id = $('relabel-id').value;
    const text = $('relabel-label').value.trim();
    if (!session.token || !id || session.passkeys.length === 0) {
      showMessage('error', 'Renaming needs a passkey.', 'Sign up, sign in or add a passkey first.');
      return;
    }
    await run('Renaming the passkey', $('relabel-button'), async () => {
      // An empty label clears it, as the Server API's label call does.
      await api('PATCH', '/credential/' + encodeURIComponent(id) + '/label',
                { authenticationToken: session.token, label: text === '' ? null : text });
      rememberPasskey(id, text === '' ? null : text);
      renderPasskeys();
      $('relabel-id').value = id;
      $('relabel-label').value = '';
      showMessage('ok', text === '' ? 'Label cleared.' : 'Passkey named \u201c' + text + '\u201d.', '');
    });
  }

  async function copyToken() {
    if (!session.token)
      return;
    try {
      await navigator.clipboard.writeText(session.token);
      showMessage('ok', 'Token copied.', 'Paste it into the console\u2019s Verify panel or your backend.');
    } catch (e) {
      showMessage('error', 'Copying failed: the browser refused the clipboard (' + e.message + ').',
                  'Press Reveal and copy the token by hand.');
    }
  }

  // ---------- start ----------

  async function loadProjectId() {
    // The emulator tells its project ID at /emulator/info (loopback only); elsewhere the field is typed.
    try {
      const response = await fetch(window.location.origin + '/emulator/info', { cache: 'no-store', credentials: 'omit' });
      if (response.ok) {
        const info = await response.json();
        if (info && typeof info.projectId === 'string' && info.projectId !== '' && !projectId())
          $('project-id').value = info.projectId;
      }
    } catch (e) {
      // Not served by the emulator: the person types the project ID.
    }
    if (!projectId())
      showNotice('Enter your project ID at the top: the emulator did not tell it.');
  }

  async function checkAuthenticator() {
    if (!window.PublicKeyCredential) {
      showNotice(webAuthnMissingText());
      document.body.dataset.webauthn = 'missing';
      return;
    }
    document.body.dataset.webauthn = 'present';
    if (onIpAddress()) {
      showNotice('Passkeys do not work on an IP address such as ' + window.location.hostname +
                 ': the emulator\u2019s passkeys belong to localhost. Open', 'http://localhost:' + window.location.port + '/demo/');
      return;
    }
    let platform = false;
    try {
      platform = typeof PublicKeyCredential.isUserVerifyingPlatformAuthenticatorAvailable === 'function' &&
                 await PublicKeyCredential.isUserVerifyingPlatformAuthenticatorAvailable();
    } catch (e) {
      platform = false;
    }
    if (!platform)
      showNotice('No built-in authenticator (fingerprint, face or device PIN) was found. You can still use a security key or a phone.');
  }

  function start() {
    $('api-base').textContent = apiBase;
    $('signup-form').addEventListener('submit', (e) => { e.preventDefault(); signUp(); });
    $('signin-form').addEventListener('submit', (e) => { e.preventDefault(); signIn(); });
    $('relabel-form').addEventListener('submit', (e) => { e.preventDefault(); relabel(); });
    $('add-passkey-button').addEventListener('click', addPasskey);
    $('signout-button').addEventListener('click', signOut);
    $('copy-button').addEventListener('click', copyToken);
    $('reveal-button').addEventListener('click', () => {
      session.revealed = !session.revealed;
      renderToken();
    });
    // Someone who leaves the page shows the token to nobody when they come back.
    document.addEventListener('visibilitychange', () => {
      if (document.hidden && session.token && session.revealed) {
        session.revealed = false;
        renderToken();
      }
    });
    renderPasskeys();
    Promise.all([loadProjectId(), checkAuthenticator()]).finally(() => {
      setBusy(false);
      $('signup-name').focus();
    });
  }

  start();
})();
