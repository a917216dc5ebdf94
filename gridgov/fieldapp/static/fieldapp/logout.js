// Sign-out of the field app: the device data goes first (IndexedDB, caches but the shell),
// then the site's logout form is posted.
"use strict";
(async function (app) {
  try {
    await app.store.wipe();
  } finally {
    document.getElementById("logout-form").submit();
  }
})(window.FieldApp);
