// Cases for the v1 accounts:* methods a client calls with an API key, and
// securetoken. Each case: {id, route, title, run(server, uniq)}; run
// returns the reply to compare, or {label: reply, ...} for a flow.

import { ADMIN, TOKEN, V1 } from './lib.mjs';
import { customToken, idpPostBody, ok, oobCode, signUp, verifiedUser }
  from './flows.mjs';

const post = (m, body) => (s) => s.post(V1(m), body);

/** Cases that send one body (built from the case's unique data). */
function singles(route, method, rows) {
  return rows.map(([name, title, body]) => ({
    id: `${route}.${name}`, route, title,
    run: (s, u) => s.post(V1(method), typeof body === 'function' ? body(u) : body),
  }));
}

const signUpCases = [
  ...singles('accounts:signUp', 'signUp', [
    ['email_password', 'a new email/password user', (u) => ({
      email: u.email, password: u.password, returnSecureToken: true })],
    ['anonymous', 'an anonymous user (empty body)', {}],
    ['display_name', 'displayName is ignored without Oauth2 (client)', (u) => ({
      email: u.email, password: u.password, displayName: 'Ann' })],
    ['weak_password', 'a 5-character password', (u) => ({ email: u.email,
      password: 'abcde' })],
    ['invalid_email', 'an email without @', { email: 'not-an-email',
      password: 'password-1' }],
    ['missing_password', 'email without password', (u) => ({
      email: u.email })],
    ['email_wrong_type', 'email is a number', { email: 42,
      password: 'password-1' }],
    ['unknown_field', 'a field the API does not define', (u) => ({
      email: u.email, password: u.password, bogus: 1 })],
  ]),
  { id: 'accounts:signUp.email_exists', route: 'accounts:signUp',
    title: 'the same email twice',
    run: async (s, u) => { await signUp(s, u);
      return s.post(V1('signUp'), { email: u.email, password: u.password }); } },
  { id: 'accounts:signUp.malformed_json', route: 'accounts:signUp',
    title: 'a body that is not JSON',
    run: (s) => s.req('POST', V1('signUp'), { raw: '{"email":' }) },
  { id: 'accounts:signUp.array_body', route: 'accounts:signUp',
    title: 'a JSON array as the body',
    run: (s) => s.req('POST', V1('signUp'), { raw: '[]' }) },
  { id: 'accounts:signUp.no_key', route: 'accounts:signUp',
    title: 'no API key',
    run: (s, u) => s.req('POST', V1('signUp'), { key: false,
      body: { email: u.email, password: u.password } }) },
  { id: 'accounts:signUp.link_anonymous', route: 'accounts:signUp',
    title: 'an anonymous user upgraded with email and password',
    run: async (s, u) => {
      const anon = ok('anon', await s.post(V1('signUp'), {}));
      return s.post(V1('signUp'), { idToken: anon.idToken, email: u.email,
        password: u.password });
    } },
  { id: 'accounts:signUp.invalid_id_token', route: 'accounts:signUp',
    title: 'an idToken that is not a token',
    run: (s, u) => s.post(V1('signUp'), { idToken: 'garbage',
      email: u.email, password: u.password }) },
];

const signInCases = [
  { id: 'accounts:signInWithPassword.ok', route: 'accounts:signInWithPassword',
    title: 'the right password',
    run: async (s, u) => { await signUp(s, u);
      return s.post(V1('signInWithPassword'), { email: u.email,
        password: u.password, returnSecureToken: true }); } },
  { id: 'accounts:signInWithPassword.wrong_password',
    route: 'accounts:signInWithPassword', title: 'a wrong password',
    run: async (s, u) => { await signUp(s, u);
      return s.post(V1('signInWithPassword'), { email: u.email,
        password: 'wrong-password' }); } },
  ...singles('accounts:signInWithPassword', 'signInWithPassword', [
    ['unknown_email', 'an email nobody has', (u) => ({ email: u.email,
      password: u.password })],
    ['missing_email', 'no email', { password: 'password-1' }],
    ['missing_password', 'no password', (u) => ({ email: u.email })],
    ['invalid_email', 'an email without @', { email: 'nope',
      password: 'password-1' }],
    ['password_wrong_type', 'password is an object', (u) => ({
      email: u.email, password: {} })],
  ]),
  { id: 'accounts:signInWithPassword.disabled', route: 'accounts:signInWithPassword',
    title: 'a disabled user',
    run: async (s, u) => {
      const user = await verifiedUser(s, u);
      ok('disable', await s.post(ADMIN(':update'), { localId: user.localId,
        disableUser: true }, { admin: true }));
      return s.post(V1('signInWithPassword'), { email: u.email,
        password: u.password });
    } },
];

const lookupCases = [
  { id: 'accounts:lookup.ok', route: 'accounts:lookup', title: 'own account',
    run: async (s, u) => s.post(V1('lookup'),
      { idToken: (await signUp(s, u)).idToken }) },
  { id: 'accounts:lookup.anonymous', route: 'accounts:lookup',
    title: 'an anonymous account',
    run: async (s) => s.post(V1('lookup'),
      { idToken: ok('anon', await s.post(V1('signUp'), {})).idToken }) },
  ...singles('accounts:lookup', 'lookup', [
    ['invalid_id_token', 'a token that is not a JWT', { idToken: 'x.y.z' }],
    ['missing_id_token', 'no idToken', {}],
    ['id_token_wrong_type', 'idToken is a number', { idToken: 7 }],
  ]),
  { id: 'accounts:lookup.deleted_user', route: 'accounts:lookup',
    title: 'the token of a deleted user',
    run: async (s, u) => { const t = (await signUp(s, u)).idToken;
      ok('delete', await s.post(V1('delete'), { idToken: t }));
      return s.post(V1('lookup'), { idToken: t }); } },
];

const updateCases = [
  ...['displayName', 'photoUrl'].map((f) => ({
    id: `accounts:update.${f}`, route: 'accounts:update', title: `set ${f}`,
    run: async (s, u) => s.post(V1('update'), {
      idToken: (await signUp(s, u)).idToken, [f]: 'https://example.com/x.png',
      returnSecureToken: true }) })),
  { id: 'accounts:update.password', route: 'accounts:update',
    title: 'a new password returns new tokens',
    run: async (s, u) => s.post(V1('update'), {
      idToken: (await signUp(s, u)).idToken, password: 'password-2',
      returnSecureToken: true }) },
  { id: 'accounts:update.email', route: 'accounts:update',
    title: 'a new email', run: async (s, u) => s.post(V1('update'), {
      idToken: (await signUp(s, u)).idToken, email: u.email2,
      returnSecureToken: true }) },
  { id: 'accounts:update.email_exists', route: 'accounts:update',
    title: "another user's email",
    run: async (s, u) => { await signUp(s, { ...u, email: u.email2 });
      return s.post(V1('update'), { idToken: (await signUp(s, u)).idToken,
        email: u.email2 }); } },
  { id: 'accounts:update.weak_password', route: 'accounts:update',
    title: 'a 3-character password', run: async (s, u) => s.post(V1('update'),
      { idToken: (await signUp(s, u)).idToken, password: 'abc' }) },
  { id: 'accounts:update.invalid_email', route: 'accounts:update',
    title: 'an email without @', run: async (s, u) => s.post(V1('update'),
      { idToken: (await signUp(s, u)).idToken, email: 'nope' }) },
  { id: 'accounts:update.delete_attribute', route: 'accounts:update',
    title: 'deleteAttribute DISPLAY_NAME', run: async (s, u) =>
      s.post(V1('update'), { idToken: (await signUp(s, u)).idToken,
        deleteAttribute: ['DISPLAY_NAME'] }) },
  { id: 'accounts:update.delete_attribute_bad', route: 'accounts:update',
    title: 'deleteAttribute with an unknown value', run: async (s, u) =>
      s.post(V1('update'), { idToken: (await signUp(s, u)).idToken,
        deleteAttribute: ['NOPE'] }) },
  ...singles('accounts:update', 'update', [
    ['invalid_id_token', 'a token that is not a JWT', { idToken: 'bad',
      displayName: 'x' }],
    ['missing_id_token', 'neither idToken nor oobCode', { displayName: 'x' }],
    ['display_name_wrong_type', 'displayName is a list', { idToken: 'bad',
      displayName: [1] }],
  ]),
  { id: 'accounts:update.verify_email_oob', route: 'accounts:update',
    title: 'apply a VERIFY_EMAIL oobCode',
    run: async (s, u) => { const t = (await signUp(s, u)).idToken;
      ok('send', await s.post(V1('sendOobCode'), { requestType: 'VERIFY_EMAIL',
        idToken: t }));
      const c = await oobCode(s, u.email, 'VERIFY_EMAIL');
      return s.post(V1('update'), { oobCode: c.oobCode }); } },
  { id: 'accounts:update.invalid_oob_code', route: 'accounts:update',
    title: 'an oobCode never issued', run: post('update', { oobCode: 'nope' }) },
];

const deleteCases = [
  { id: 'accounts:delete.ok', route: 'accounts:delete', title: 'own account',
    run: async (s, u) => s.post(V1('delete'),
      { idToken: (await signUp(s, u)).idToken }) },
  { id: 'accounts:delete.twice', route: 'accounts:delete',
    title: 'the same token after the account is gone',
    run: async (s, u) => { const t = (await signUp(s, u)).idToken;
      ok('delete', await s.post(V1('delete'), { idToken: t }));
      return s.post(V1('delete'), { idToken: t }); } },
  ...singles('accounts:delete', 'delete', [
    ['invalid_id_token', 'a token that is not a JWT', { idToken: 'bad' }],
    ['missing_id_token', 'no idToken', {}],
  ]),
];

const oobCases = [
  { id: 'accounts:sendOobCode.password_reset', route: 'accounts:sendOobCode',
    title: 'PASSWORD_RESET for a user',
    run: async (s, u) => { await signUp(s, u); return s.post(V1('sendOobCode'),
      { requestType: 'PASSWORD_RESET', email: u.email }); } },
  { id: 'accounts:sendOobCode.verify_email', route: 'accounts:sendOobCode',
    title: 'VERIFY_EMAIL with an idToken',
    run: async (s, u) => s.post(V1('sendOobCode'), { requestType: 'VERIFY_EMAIL',
      idToken: (await signUp(s, u)).idToken }) },
  { id: 'accounts:sendOobCode.email_signin', route: 'accounts:sendOobCode',
    title: 'EMAIL_SIGNIN for a new email',
    run: (s, u) => s.post(V1('sendOobCode'), { requestType: 'EMAIL_SIGNIN',
      email: u.email, continueUrl: 'https://example.com/done' }) },
  { id: 'accounts:sendOobCode.verify_and_change', route: 'accounts:sendOobCode',
    title: 'VERIFY_AND_CHANGE_EMAIL',
    run: async (s, u) => s.post(V1('sendOobCode'), {
      requestType: 'VERIFY_AND_CHANGE_EMAIL', newEmail: u.email2,
      idToken: (await signUp(s, u)).idToken }) },
  ...singles('accounts:sendOobCode', 'sendOobCode', [
    ['password_reset_unknown', 'PASSWORD_RESET for an unknown email', (u) => ({
      requestType: 'PASSWORD_RESET', email: u.email })],
    ['verify_email_no_token', 'VERIFY_EMAIL without idToken', (u) => ({
      requestType: 'VERIFY_EMAIL', email: u.email })],
    ['missing_request_type', 'no requestType', (u) => ({ email: u.email })],
    ['bad_request_type', 'an unknown requestType', (u) => ({
      requestType: 'NOPE', email: u.email })],
    ['invalid_email', 'PASSWORD_RESET for "nope"', {
      requestType: 'PASSWORD_RESET', email: 'nope' }],
    ['email_signin_no_email', 'EMAIL_SIGNIN without email', {
      requestType: 'EMAIL_SIGNIN' }],
  ]),
];

const resetCases = [
  { id: 'accounts:resetPassword.ok', route: 'accounts:resetPassword',
    title: 'a new password with the code',
    run: async (s, u) => { await signUp(s, u);
      ok('send', await s.post(V1('sendOobCode'),
        { requestType: 'PASSWORD_RESET', email: u.email }));
      const c = await oobCode(s, u.email, 'PASSWORD_RESET');
      return s.post(V1('resetPassword'), { oobCode: c.oobCode,
        newPassword: 'password-2' }); } },
  { id: 'accounts:resetPassword.check_only', route: 'accounts:resetPassword',
    title: 'the code alone (verifyPasswordResetCode)',
    run: async (s, u) => { await signUp(s, u);
      ok('send', await s.post(V1('sendOobCode'),
        { requestType: 'PASSWORD_RESET', email: u.email }));
      const c = await oobCode(s, u.email, 'PASSWORD_RESET');
      return s.post(V1('resetPassword'), { oobCode: c.oobCode }); } },
  { id: 'accounts:resetPassword.reused', route: 'accounts:resetPassword',
    title: 'the same code twice',
    run: async (s, u) => { await signUp(s, u);
      ok('send', await s.post(V1('sendOobCode'),
        { requestType: 'PASSWORD_RESET', email: u.email }));
      const c = await oobCode(s, u.email, 'PASSWORD_RESET');
      ok('reset', await s.post(V1('resetPassword'), { oobCode: c.oobCode,
        newPassword: 'password-2' }));
      return s.post(V1('resetPassword'), { oobCode: c.oobCode,
        newPassword: 'password-3' }); } },
  { id: 'accounts:resetPassword.weak_password', route: 'accounts:resetPassword',
    title: 'a 2-character new password',
    run: async (s, u) => { await signUp(s, u);
      ok('send', await s.post(V1('sendOobCode'),
        { requestType: 'PASSWORD_RESET', email: u.email }));
      const c = await oobCode(s, u.email, 'PASSWORD_RESET');
      return s.post(V1('resetPassword'), { oobCode: c.oobCode,
        newPassword: 'ab' }); } },
  ...singles('accounts:resetPassword', 'resetPassword', [
    ['invalid_code', 'a code never issued', { oobCode: 'nope',
      newPassword: 'password-2' }],
    ['missing_code', 'no oobCode', { newPassword: 'password-2' }],
  ]),
];

const linkCases = [
  { id: 'accounts:signInWithEmailLink.ok', route: 'accounts:signInWithEmailLink',
    title: 'the link code signs a new user in',
    run: async (s, u) => {
      ok('send', await s.post(V1('sendOobCode'), { requestType: 'EMAIL_SIGNIN',
        email: u.email }));
      const c = await oobCode(s, u.email, 'EMAIL_SIGNIN');
      return s.post(V1('signInWithEmailLink'), { email: u.email,
        oobCode: c.oobCode }); } },
  { id: 'accounts:signInWithEmailLink.wrong_email',
    route: 'accounts:signInWithEmailLink', title: 'the code with another email',
    run: async (s, u) => {
      ok('send', await s.post(V1('sendOobCode'), { requestType: 'EMAIL_SIGNIN',
        email: u.email }));
      const c = await oobCode(s, u.email, 'EMAIL_SIGNIN');
      return s.post(V1('signInWithEmailLink'), { email: u.email2,
        oobCode: c.oobCode }); } },
  ...singles('accounts:signInWithEmailLink', 'signInWithEmailLink', [
    ['invalid_code', 'a code never issued', (u) => ({ email: u.email,
      oobCode: 'nope' })],
    ['missing_code', 'no oobCode', (u) => ({ email: u.email })],
    ['missing_email', 'no email', { oobCode: 'nope' }],
  ]),
];

const idpCases = [
  ...singles('accounts:signInWithIdp', 'signInWithIdp', [
    ['google_id_token', 'a google.com id_token', (u) => ({
      requestUri: 'http://localhost', returnSecureToken: true,
      postBody: idpPostBody(`sub-${u.email}`, u.email) })],
    ['missing_request_uri', 'no requestUri', (u) => ({
      postBody: idpPostBody(`sub-${u.email}`, u.email) })],
    ['missing_post_body', 'neither postBody nor pendingToken', {
      requestUri: 'http://localhost' }],
    ['no_provider', 'postBody without providerId', {
      requestUri: 'http://localhost', postBody: 'id_token=x' }],
  ]),
];

const authUriCases = [
  { id: 'accounts:createAuthUri.registered', route: 'accounts:createAuthUri',
    title: 'an email with a password account',
    run: async (s, u) => { await signUp(s, u); return s.post(V1('createAuthUri'),
      { identifier: u.email, continueUri: 'http://localhost' }); } },
  ...singles('accounts:createAuthUri', 'createAuthUri', [
    ['unregistered', 'an email nobody has', (u) => ({ identifier: u.email,
      continueUri: 'http://localhost' })],
    ['missing_identifier', 'no identifier', {
      continueUri: 'http://localhost' }],
    ['invalid_identifier', 'an identifier without @', {
      identifier: 'nope', continueUri: 'http://localhost' }],
  ]),
];

const customCases = [
  ...singles('accounts:signInWithCustomToken', 'signInWithCustomToken', [
    ['ok', 'an unsigned emulator-mode token', (u) => ({
      token: customToken(`uid-${u.phone.slice(1)}`), returnSecureToken: true })],
    ['claims', 'a token with developer claims', (u) => ({
      token: customToken(`uid-${u.phone.slice(1)}`, { role: 'admin' }) })],
    ['invalid_token', 'not a JWT', { token: 'nope' }],
    ['missing_token', 'no token', {}],
    ['token_wrong_type', 'token is a number', { token: 5 }],
  ]),
];

const tokenCases = [
  { id: 'securetoken.refresh', route: 'securetoken.token',
    title: 'a refresh token (form body)',
    run: async (s, u) => s.req('POST', TOKEN, { form: { grant_type:
      'refresh_token', refresh_token: (await signUp(s, u)).refreshToken } }) },
  { id: 'securetoken.refresh_json', route: 'securetoken.token',
    title: 'a refresh token (JSON body)',
    run: async (s, u) => s.post(TOKEN, { grant_type: 'refresh_token',
      refreshToken: (await signUp(s, u)).refreshToken }) },
  { id: 'securetoken.deleted_user', route: 'securetoken.token',
    title: 'the refresh token of a deleted user',
    run: async (s, u) => { const su = await signUp(s, u);
      ok('delete', await s.post(V1('delete'), { idToken: su.idToken }));
      return s.req('POST', TOKEN, { form: { grant_type: 'refresh_token',
        refresh_token: su.refreshToken } }); } },
  ...[
    ['invalid_refresh_token', 'a refresh token never issued',
      { grant_type: 'refresh_token', refresh_token: 'nope' }],
    ['missing_refresh_token', 'no refresh_token', { grant_type: 'refresh_token' }],
    ['missing_grant_type', 'no grant_type', { refresh_token: 'nope' }],
    ['bad_grant_type', 'grant_type password', { grant_type: 'password',
      refresh_token: 'nope' }],
  ].map(([name, title, form]) => ({ id: `securetoken.${name}`,
    route: 'securetoken.token', title,
    run: (s) => s.req('POST', TOKEN, { form }) })),
];

export default [...signUpCases, ...signInCases, ...lookupCases,
  ...updateCases, ...deleteCases, ...oobCases, ...resetCases, ...linkCases,
  ...idpCases, ...authUriCases, ...customCases, ...tokenCases];
