// A real OpenID Connect provider (panva's oidc-provider) for MotCua's sign-in tests:
// it stands in for VNeID / the national portal's single sign-on, locally.
//
//   node provider.mjs <port>
//
// Environment:
//   OIDC_PORT           the port, when not given on the command line
//   OIDC_ISSUER         the issuer (default http://127.0.0.1:<port>)
//   OIDC_CLIENT_ID      the one client, MotCua (required)
//   OIDC_CLIENT_SECRET  its secret (required)
//   OIDC_REDIRECT_URIS  its redirect URIs, comma-separated (required)
//   OIDC_AUTH_METHOD    client_secret_basic (default) or client_secret_post
//   OIDC_ACCOUNTS       JSON: {"<login>": {<claims>}, ...}; the development login form
//                       accepts any login and password; a login not listed has only `sub`.
//
// Prints "oidc-provider listening on <issuer>" once it accepts connections.
import Provider from 'oidc-provider';

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is required`);
    process.exit(2);
  }
  return value;
}

const port = Number(process.argv[2] ?? process.env.OIDC_PORT);
if (!Number.isInteger(port) || port <= 0) {
  console.error('usage: node provider.mjs <port> (or OIDC_PORT=<port>)');
  process.exit(2);
}
const issuer = process.env.OIDC_ISSUER || `http://127.0.0.1:${port}`;
const clientId = required('OIDC_CLIENT_ID');
const clientSecret = required('OIDC_CLIENT_SECRET');
const redirectUris = required('OIDC_REDIRECT_URIS').split(',').map((uri) => uri.trim());
const authMethod = process.env.OIDC_AUTH_METHOD || 'client_secret_basic';
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS || '{}');

const configuration = {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: redirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: authMethod,
    },
  ],
  // The claims a citizen's e-ID account carries. The personal identifier (số định danh
  // cá nhân) is released with the `profile` scope here.
  claims: {
    openid: ['sub'],
    profile: ['name', 'personal_id'],
    email: ['email', 'email_verified'],
    phone: ['phone_number', 'phone_number_verified'],
  },
  async findAccount(ctx, id) {
    const claims = accounts[id] ?? {};
    return {
      accountId: id,
      async claims() {
        return { ...claims, sub: id };
      },
    };
  },
  features: {
    // The development login and consent pages: plain HTML forms a test can post.
    devInteractions: { enabled: true },
  },
  pkce: { required: () => true },
  cookies: { keys: ['motcua-test-cookie-key'] },
};

const provider = new Provider(issuer, configuration);
const server = provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${issuer}`);
});

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
