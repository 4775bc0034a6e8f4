/* Sign out: the page's button (handled in app.js) sends DELETE /api/session with the CSRF token. */
"use strict";
