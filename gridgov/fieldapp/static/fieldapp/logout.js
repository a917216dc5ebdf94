// Sign-out of the field app: the device data goes first (IndexedDB, caches but the shell),
// then the site's logout form is posted. A wipe that does not finish within a few seconds (the
// browser may hold the database open for a closing page) does not keep the worker signed in:
// the form is posted anyway. What stayed is still bound to its worker: the next worker's bundle
// replaces the grids, and queued entries are only ever sent in their own worker's session.
"use strict";
(function (app) {
  const form = document.getElementById("logout-form");
  let sent = false;
  const signOut = () => {
    if (!sent) {
      sent = true;
      form.submit();
    }
  };
  setTimeout(signOut, 4000);
  Promise.resolve()
    .then(() => app.store.wipe())
    .catch(() => undefined)
    .then(signOut);
})(window.FieldApp);
