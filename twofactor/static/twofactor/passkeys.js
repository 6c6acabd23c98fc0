// django-otp-webauthn's script makes the passkey and says so in an event; it leaves the
// page as it was. Go on: to the page asked for when enrolling, or reload the list.
"use strict";
document.addEventListener("otp_webauthn.register_complete", () => {
  const box = document.querySelector("[data-passkey-done]");
  window.location.assign((box && box.dataset.passkeyDone) || window.location.href);
});
