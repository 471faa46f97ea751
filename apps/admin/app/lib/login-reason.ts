// Why the dashboard sent the operator to the login page (`/login?reason=...`).

/** The server refused the saved token (a restarted server has a new one unless MNEMO_ADMIN_TOKEN is set). */
export const TOKEN_REFUSED = 'token-refused';
