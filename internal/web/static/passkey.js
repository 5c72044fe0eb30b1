// Passkeys (通行密钥): the browser's side of the WebAuthn ceremonies the
// server runs with go-webauthn. Progressive enhancement: without
// JavaScript or WebAuthn the buttons stay hidden and the SMS code works.
(function () {
  if (!window.PublicKeyCredential || !window.fetch) return;
  var b64 = {
    dec: function (s) {
      s = s.replace(/-/g, "+").replace(/_/g, "/");
      while (s.length % 4) s += "=";
      var bin = atob(s), out = new Uint8Array(bin.length);
      for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
      return out.buffer;
    },
    enc: function (buf) {
      var bytes = new Uint8Array(buf), bin = "";
      for (var i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
      return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    }
  };
  function csrf() {
    var el = document.querySelector("input[name=csrf_token]");
    return el ? el.value : "";
  }
  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
      body: body ? JSON.stringify(body) : "{}"
    }).then(function (r) {
      return r.json().then(function (j) { if (!r.ok) throw new Error(j.message || r.status); return j; });
    });
  }
  function say(msg) {
    var el = document.getElementById("passkey-status");
    if (el) el.textContent = msg;
  }
  function credJSON(c, extra) {
    var out = { id: c.id, rawId: b64.enc(c.rawId), type: c.type, response: {} };
    out.response.clientDataJSON = b64.enc(c.response.clientDataJSON);
    for (var k in extra) out.response[k] = extra[k];
    if (c.authenticatorAttachment) out.authenticatorAttachment = c.authenticatorAttachment;
    out.clientExtensionResults = c.getClientExtensionResults ? c.getClientExtensionResults() : {};
    return out;
  }

  var add = document.getElementById("passkey-add");
  if (add) {
    add.hidden = false;
    add.addEventListener("click", function () {
      add.disabled = true;
      post("/me/passkeys/begin").then(function (opts) {
        var pk = opts.publicKey;
        pk.challenge = b64.dec(pk.challenge);
        pk.user.id = b64.dec(pk.user.id);
        (pk.excludeCredentials || []).forEach(function (c) { c.id = b64.dec(c.id); });
        return navigator.credentials.create({ publicKey: pk });
      }).then(function (c) {
        var extra = { attestationObject: b64.enc(c.response.attestationObject) };
        if (c.response.getTransports) extra.transports = c.response.getTransports();
        return post("/me/passkeys/finish", credJSON(c, extra));
      }).then(function () {
        location.reload();
      }).catch(function (e) {
        add.disabled = false;
        say(add.dataset.failed || String(e.message || e));
      });
    });
  }

  var box = document.getElementById("passkey-login");
  var signin = document.getElementById("passkey-signin");
  if (box && signin) {
    box.hidden = false;
    signin.addEventListener("click", function () {
      signin.disabled = true;
      post("/login/passkey/begin").then(function (opts) {
        var pk = opts.publicKey;
        pk.challenge = b64.dec(pk.challenge);
        (pk.allowCredentials || []).forEach(function (c) { c.id = b64.dec(c.id); });
        return navigator.credentials.get({ publicKey: pk });
      }).then(function (c) {
        var extra = {
          authenticatorData: b64.enc(c.response.authenticatorData),
          signature: b64.enc(c.response.signature)
        };
        if (c.response.userHandle) extra.userHandle = b64.enc(c.response.userHandle);
        return post("/login/passkey/finish", credJSON(c, extra));
      }).then(function () {
        location.href = signin.dataset.next || "/portal";
      }).catch(function (e) {
        signin.disabled = false;
        say(String(e.message || e));
      });
    });
  }
})();
