// Cases for the Admin API (Authorization: Bearer owner, as firebase-admin
// sends in emulator mode), the Firebase emulator's own endpoints, and
// what the HTTP front end answers (unknown routes, wrong methods, bodies).

import { ADMIN, EMU, ITK, PROJECT, V1 } from './lib.mjs';
import { ok, signUp, verifiedUser } from './flows.mjs';

const c = (route, name, title, run) =>
  ({ id: `${route}.${name}`, route, title, run });
const V2P = (p) => `${ITK}/v2/projects/${PROJECT}${p}`;
const A = { admin: true };

/** A user created through the Admin API: its localId. */
async function created(s, u, extra = {}) {
  return ok('admin create', await s.post(ADMIN(), { email: u.email,
    password: u.password, ...extra }, A)).localId;
}

/** A new tenant: its id (the last part of its name). */
async function tenant(s) {
  const t = ok('tenant', await s.post(V2P('/tenants'), {
    displayName: 'diff-tenant', allowPasswordSignup: true }, A));
  return t.name.split('/').pop();
}

const createCases = ((r) => [
  c(r, 'ok', 'a user with email and password', (s, u) =>
    s.post(ADMIN(), { email: u.email, password: u.password }, A)),
  c(r, 'full', 'a user with every common field', (s, u) =>
    s.post(ADMIN(), { email: u.email, password: u.password,
      displayName: 'Ann', phoneNumber: u.phone, emailVerified: true,
      disabled: false, localId: `id${u.phone.slice(1)}` }, A)),
  c(r, 'empty', 'no fields: an anonymous-like user', (s) =>
    s.post(ADMIN(), {}, A)),
  c(r, 'duplicate_email', 'an email already used', async (s, u) => {
    await created(s, u);
    return s.post(ADMIN(), { email: u.email }, A);
  }),
  c(r, 'duplicate_local_id', 'a localId already used', async (s, u) => {
    const id = await created(s, u);
    return s.post(ADMIN(), { localId: id }, A);
  }),
  c(r, 'invalid_email', 'an email without @', (s) =>
    s.post(ADMIN(), { email: 'nope' }, A)),
  c(r, 'invalid_phone', 'a phone number without +', (s) =>
    s.post(ADMIN(), { phoneNumber: '12345' }, A)),
  c(r, 'weak_password', 'a 3-character password', (s, u) =>
    s.post(ADMIN(), { email: u.email, password: 'abc' }, A)),
  c(r, 'no_auth', 'without Authorization', (s, u) =>
    s.post(ADMIN(), { email: u.email })),
  c(r, 'tenant', 'a user in a tenant', async (s, u) =>
    s.post(`${ITK}/v1/projects/${PROJECT}/tenants/${await tenant(s)}/accounts`,
      { email: u.email, password: u.password }, A)),
])('admin.accounts.create');

const lookupCases = ((r) => [
  c(r, 'local_id', 'by localId', async (s, u) =>
    s.post(ADMIN(':lookup'), { localId: [await created(s, u)] }, A)),
  c(r, 'email', 'by email', async (s, u) => { await created(s, u);
    return s.post(ADMIN(':lookup'), { email: [u.email] }, A); }),
  c(r, 'unknown', 'a localId nobody has', (s) =>
    s.post(ADMIN(':lookup'), { localId: ['nobody'] }, A)),
  c(r, 'empty', 'no identifiers', (s) => s.post(ADMIN(':lookup'), {}, A)),
  c(r, 'v1_local_id', 'accounts:lookup with localId and Bearer owner',
    async (s, u) => s.post(V1('lookup'), { localId: [await created(s, u)] }, A)),
])('admin.accounts.lookup');

const updateCases = ((r) => [
  c(r, 'disable', 'disableUser', async (s, u) =>
    s.post(ADMIN(':update'), { localId: await created(s, u),
      disableUser: true }, A)),
  c(r, 'custom_claims', 'customAttributes', async (s, u) =>
    s.post(ADMIN(':update'), { localId: await created(s, u),
      customAttributes: '{"role":"admin"}' }, A)),
  c(r, 'bad_custom_claims', 'customAttributes that are not JSON',
    async (s, u) => s.post(ADMIN(':update'), { localId: await created(s, u),
      customAttributes: '{nope' }, A)),
  c(r, 'reserved_claim', 'customAttributes with a reserved claim',
    async (s, u) => s.post(ADMIN(':update'), { localId: await created(s, u),
      customAttributes: '{"aud":"x"}' }, A)),
  c(r, 'email_verified', 'emailVerified and displayName', async (s, u) =>
    s.post(ADMIN(':update'), { localId: await created(s, u),
      emailVerified: true, displayName: 'Ann' }, A)),
  c(r, 'valid_since', 'validSince revokes refresh tokens', async (s, u) =>
    s.post(ADMIN(':update'), { localId: await created(s, u),
      validSince: String(Math.floor(Date.now() / 1000)) }, A)),
  c(r, 'mfa_phone', 'set a phone factor', async (s, u) =>
    s.post(ADMIN(':update'), { localId: await created(s, u, {
      emailVerified: true }), mfa: { enrollments: [{ phoneInfo: u.phone,
      displayName: 'p', mfaEnrollmentId: `e${u.phone.slice(1)}` }] } }, A)),
  c(r, 'unknown_user', 'a localId nobody has', (s) =>
    s.post(ADMIN(':update'), { localId: 'nobody', displayName: 'x' }, A)),
  c(r, 'missing_local_id', 'no localId', (s) =>
    s.post(ADMIN(':update'), { displayName: 'x' }, A)),
  c(r, 'no_auth', 'without Authorization', (s) =>
    s.post(ADMIN(':update'), { localId: 'x' })),
])('admin.accounts.update');

const deleteCases = ((r) => [
  c(r, 'ok', 'by localId', async (s, u) =>
    s.post(ADMIN(':delete'), { localId: await created(s, u) }, A)),
  c(r, 'unknown', 'a localId nobody has', (s) =>
    s.post(ADMIN(':delete'), { localId: 'nobody' }, A)),
  c(r, 'missing_local_id', 'no localId', (s) =>
    s.post(ADMIN(':delete'), {}, A)),
])('admin.accounts.delete');

const batchCases = [
  c('admin.accounts.batchCreate', 'ok', 'two users', (s, u) =>
    s.post(ADMIN(':batchCreate'), { users: [
      { localId: `a${u.phone.slice(1)}`, email: u.email },
      { localId: `b${u.phone.slice(1)}`, email: u.email2 }] }, A)),
  c('admin.accounts.batchCreate', 'bad_item', 'one user with a bad email',
    (s, u) => s.post(ADMIN(':batchCreate'), { users: [
      { localId: `a${u.phone.slice(1)}`, email: u.email },
      { localId: `b${u.phone.slice(1)}`, email: 'nope' }] }, A)),
  c('admin.accounts.batchCreate', 'missing_local_id', 'a user without localId',
    (s, u) => s.post(ADMIN(':batchCreate'), { users: [{ email: u.email }] }, A)),
  c('admin.accounts.batchCreate', 'no_users', 'an empty users list', (s) =>
    s.post(ADMIN(':batchCreate'), { users: [] }, A)),
  c('admin.accounts.batchCreate', 'mfa', 'a user with a phone factor',
    (s, u) => s.post(ADMIN(':batchCreate'), { users: [{
      localId: `a${u.phone.slice(1)}`, email: u.email, emailVerified: true,
      mfaInfo: [{ phoneInfo: u.phone, displayName: 'p' }] }] }, A)),
  c('admin.accounts.batchGet', 'ok', 'a page of users', async (s, u) => {
    await created(s, u);
    return s.get(ADMIN(':batchGet?maxResults=10'), A);
  }),
  c('admin.accounts.batchGet', 'empty', 'no users', (s) =>
    s.get(ADMIN(':batchGet'), A)),
  c('admin.accounts.batchGet', 'bad_max', 'maxResults=-1', (s) =>
    s.get(ADMIN(':batchGet?maxResults=-1'), A)),
  c('admin.accounts.batchGet', 'no_auth', 'without Authorization', (s) =>
    s.get(ADMIN(':batchGet'))),
  c('admin.accounts.batchDelete', 'ok', 'two users', async (s, u) =>
    s.post(ADMIN(':batchDelete'), { localIds: [await created(s, u),
      await created(s, { ...u, email: u.email2 })], force: true }, A)),
  c('admin.accounts.batchDelete', 'unknown', 'ids nobody has', (s) =>
    s.post(ADMIN(':batchDelete'), { localIds: ['nobody'], force: true }, A)),
  c('admin.accounts.batchDelete', 'missing_ids', 'no localIds', (s) =>
    s.post(ADMIN(':batchDelete'), {}, A)),
  c('admin.accounts.batchDelete', 'enabled_user', 'an enabled user without force',
    async (s, u) => s.post(ADMIN(':batchDelete'),
      { localIds: [await created(s, u)] }, A)),
  c('admin.accounts.sendOobCode', 'password_reset',
    'a reset link for a user, returnOobLink', async (s, u) => {
      await created(s, u);
      return s.post(ADMIN(':sendOobCode'), { requestType: 'PASSWORD_RESET',
        email: u.email, returnOobLink: true }, A);
    }),
];

const configCases = [
  c('admin.config', 'get', 'the project config', (s) =>
    s.get(V2P('/config'), A)),
  c('admin.config', 'patch_mfa', 'enable phone MFA', (s) =>
    s.req('PATCH', V2P('/config?updateMask=mfa'), { admin: true,
      body: { mfa: { state: 'ENABLED', enabledProviders: ['PHONE_SMS'] } } })),
  c('admin.config', 'get_no_auth', 'without Authorization', (s) =>
    s.get(V2P('/config'))),
  c('admin.tenants', 'create', 'a tenant', (s) =>
    s.post(V2P('/tenants'), { displayName: 'diff-tenant' }, A)),
  c('admin.tenants', 'list', 'the tenants', async (s) => { await tenant(s);
    return s.get(V2P('/tenants'), A); }),
  c('admin.tenants', 'get', 'one tenant', async (s) =>
    s.get(V2P(`/tenants/${await tenant(s)}`), A)),
  c('admin.tenants', 'get_unknown', 'a tenant nobody made', (s) =>
    s.get(V2P('/tenants/nope-1234'), A)),
  c('admin.tenants', 'patch', 'rename and enable MFA', async (s) =>
    s.req('PATCH', V2P(`/tenants/${await tenant(s)}?updateMask=displayName,mfaConfig`),
      { admin: true, body: { displayName: 'renamed',
        mfaConfig: { state: 'ENABLED', enabledProviders: ['PHONE_SMS'] } } })),
  c('admin.tenants', 'delete', 'a tenant', async (s) =>
    s.req('DELETE', V2P(`/tenants/${await tenant(s)}`), A)),
  c('admin.tenants', 'tenant_sign_up', 'a client signUp in a tenant',
    async (s, u) => s.post(V1('signUp'), { tenantId: await tenant(s),
      email: u.email, password: u.password })),
];

const emulatorCases = [
  c('emulator', 'root', 'GET /', (s) => s.get('/')),
  c('emulator', 'verification_codes', 'the SMS outbox after an enrollment start',
    async (s, u) => {
      const t = (await verifiedUser(s, u)).idToken;
      ok('start', await s.post(`${ITK}/v2/accounts/mfaEnrollment:start`,
        { idToken: t, phoneEnrollmentInfo: { phoneNumber: u.phone } }));
      const r = await s.get(EMU('verificationCodes'));
      return { ...r, body: { verificationCodes: r.body.verificationCodes
        .filter((x) => x.phoneNumber === u.phone) } };
    }),
  c('emulator', 'oob_codes', 'the email outbox after a reset request',
    async (s, u) => { await signUp(s, u);
      ok('send', await s.post(V1('sendOobCode'), {
        requestType: 'PASSWORD_RESET', email: u.email }));
      const r = await s.get(EMU('oobCodes'));
      return { ...r, body: { oobCodes: r.body.oobCodes
        .filter((x) => x.email === u.email) } }; }),
  c('emulator', 'delete_accounts', 'DELETE every account', async (s, u) => {
    await signUp(s, u);
    return s.req('DELETE', EMU('accounts'));
  }),
  c('emulator', 'deleted_accounts_gone', 'sign in after DELETE accounts',
    async (s, u) => { await signUp(s, u);
      ok('delete', await s.req('DELETE', EMU('accounts')));
      return s.post(V1('signInWithPassword'), { email: u.email,
        password: u.password }); }),
  c('emulator', 'config_get', 'GET config', (s) => s.get(EMU('config'))),
  c('emulator', 'config_patch', 'PATCH allowDuplicateEmails', async (s) => {
    const r = await s.req('PATCH', EMU('config'),
      { body: { signIn: { allowDuplicateEmails: false } } });
    return r;
  }),
  c('emulator', 'config_patch_bad', 'PATCH with a wrong type', (s) =>
    s.req('PATCH', EMU('config'), { body: { signIn: { allowDuplicateEmails: 'x' } } })),
  c('emulator', 'tenant_oob_codes', 'a tenant outbox', async (s) =>
    s.get(`/emulator/v1/projects/${PROJECT}/tenants/${await tenant(s)}/oobCodes`)),
];

const httpCases = [
  { ...c('http', 'error_envelope', 'the whole error envelope (status, details) of a CODE error',
    (s, u) => s.post(V1('signInWithPassword'), { email: u.email,
      password: u.password })), fullEnvelope: true },
  { ...c('http', 'front_end_envelope', 'the whole error envelope of a malformed body',
    (s) => s.req('POST', V1('lookup'), { raw: '{' })), fullEnvelope: true },
  c('http', 'unknown_v1_method', 'POST accounts:nope', (s) =>
    s.post(V1('nope'), {})),
  c('http', 'unknown_path', 'GET /nope', (s) => s.get('/nope')),
  c('http', 'unknown_v2_method', 'POST v2 accounts/mfaSignIn:nope', (s) =>
    s.post(`${ITK}/v2/accounts/mfaSignIn:nope`, {})),
  c('http', 'wrong_method_get', 'GET accounts:signUp', (s) =>
    s.get(V1('signUp'))),
  c('http', 'wrong_method_put', 'PUT accounts:lookup', (s) =>
    s.req('PUT', V1('lookup'), { body: {} })),
  c('http', 'wrong_method_emulator', 'POST emulator accounts', (s) =>
    s.post(EMU('accounts'), {})),
  c('http', 'text_plain', 'a JSON body sent as text/plain', (s, u) =>
    s.req('POST', V1('signUp'), { raw: JSON.stringify({ email: u.email,
      password: u.password }), headers: { 'content-type': 'text/plain' } })),
  c('http', 'empty_body', 'POST signUp with no body at all', (s) =>
    s.req('POST', V1('signUp'), { headers: { 'content-type': 'application/json' } })),
  c('http', 'json_string_body', 'a JSON string as the body', (s) =>
    s.req('POST', V1('lookup'), { raw: '"x"' })),
  c('http', 'trailing_garbage', 'JSON followed by more bytes', (s) =>
    s.req('POST', V1('lookup'), { raw: '{"idToken":"x"} x' })),
  c('http', 'preflight', 'an OPTIONS preflight', (s) =>
    s.req('OPTIONS', V1('signUp'), { headers: { origin: 'http://localhost:3000',
      'access-control-request-method': 'POST' } })),
];

export default [...createCases, ...lookupCases, ...updateCases,
  ...deleteCases, ...batchCases, ...configCases, ...emulatorCases,
  ...httpCases];
