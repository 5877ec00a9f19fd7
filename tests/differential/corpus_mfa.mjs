// Cases for the v2 MFA methods: enrollment start/finalize/withdraw and
// sign-in start/finalize, flows and their error cases.

import { V1, V2 } from './lib.mjs';
import { enrollStart, mfaPending, mfaStarted, ok, phoneEnrolled, signUp,
  verifiedUser } from './flows.mjs';

const ES = V2('mfaEnrollment:start');
const EF = V2('mfaEnrollment:finalize');
const EW = V2('mfaEnrollment:withdraw');
const SS = V2('mfaSignIn:start');
const SF = V2('mfaSignIn:finalize');

const c = (route, name, title, run) =>
  ({ id: `${route}.${name}`, route, title, run });

const enrollStartCases = ((r) => [
  c(r, 'phone', 'a verified user starts a phone enrollment', async (s, u) =>
    s.post(ES, { idToken: (await verifiedUser(s, u)).idToken,
      phoneEnrollmentInfo: { phoneNumber: u.phone } })),
  c(r, 'unverified_email', 'a user whose email is not verified',
    async (s, u) => s.post(ES, { idToken: (await signUp(s, u)).idToken,
      phoneEnrollmentInfo: { phoneNumber: u.phone } })),
  c(r, 'invalid_phone', 'a phone number without +', async (s, u) =>
    s.post(ES, { idToken: (await verifiedUser(s, u)).idToken,
      phoneEnrollmentInfo: { phoneNumber: '5555550100' } })),
  c(r, 'missing_phone', 'phoneEnrollmentInfo without phoneNumber',
    async (s, u) => s.post(ES, { idToken: (await verifiedUser(s, u)).idToken,
      phoneEnrollmentInfo: {} })),
  c(r, 'missing_info', 'neither phone nor TOTP info', async (s, u) =>
    s.post(ES, { idToken: (await verifiedUser(s, u)).idToken })),
  c(r, 'totp', 'a TOTP enrollment', async (s, u) =>
    s.post(ES, { idToken: (await verifiedUser(s, u)).idToken,
      totpEnrollmentInfo: {} })),
  c(r, 'same_phone_again', 'a phone number already enrolled',
    async (s, u) => { const e = await phoneEnrolled(s, u);
      return s.post(ES, { idToken: e.idToken,
        phoneEnrollmentInfo: { phoneNumber: u.phone } }); }),
  c(r, 'invalid_id_token', 'a token that is not a JWT', (s, u) =>
    s.post(ES, { idToken: 'bad', phoneEnrollmentInfo: { phoneNumber: u.phone } })),
  c(r, 'missing_id_token', 'no idToken', (s, u) =>
    s.post(ES, { phoneEnrollmentInfo: { phoneNumber: u.phone } })),
  c(r, 'info_wrong_type', 'phoneEnrollmentInfo is a string', async (s, u) =>
    s.post(ES, { idToken: (await verifiedUser(s, u)).idToken,
      phoneEnrollmentInfo: 'x' })),
])('mfaEnrollment:start');

const enrollFinalizeCases = ((r) => [
  c(r, 'phone', 'the code from the outbox', async (s, u) => {
    const e = await enrollStart(s, u);
    return s.post(EF, { idToken: e.idToken, displayName: 'phone',
      phoneVerificationInfo: { sessionInfo: e.sessionInfo, code: e.code } });
  }),
  c(r, 'wrong_code', 'a wrong code', async (s, u) => {
    const e = await enrollStart(s, u);
    return s.post(EF, { idToken: e.idToken, phoneVerificationInfo: {
      sessionInfo: e.sessionInfo, code: e.code === '000000' ? '111111' : '000000' } });
  }),
  c(r, 'missing_code', 'no code', async (s, u) => {
    const e = await enrollStart(s, u);
    return s.post(EF, { idToken: e.idToken,
      phoneVerificationInfo: { sessionInfo: e.sessionInfo } });
  }),
  c(r, 'missing_session', 'no sessionInfo', async (s, u) => {
    const e = await enrollStart(s, u);
    return s.post(EF, { idToken: e.idToken,
      phoneVerificationInfo: { code: e.code } });
  }),
  c(r, 'invalid_session', 'a sessionInfo never issued', async (s, u) => {
    const e = await enrollStart(s, u);
    return s.post(EF, { idToken: e.idToken,
      phoneVerificationInfo: { sessionInfo: 'nope', code: e.code } });
  }),
  c(r, 'missing_info', 'no verification info', async (s, u) => {
    const e = await enrollStart(s, u);
    return s.post(EF, { idToken: e.idToken });
  }),
  c(r, 'session_reused', 'the same session and code twice', async (s, u) => {
    const e = await enrollStart(s, u);
    const body = { idToken: e.idToken,
      phoneVerificationInfo: { sessionInfo: e.sessionInfo, code: e.code } };
    ok('finalize', await s.post(EF, body));
    return s.post(EF, body);
  }),
  c(r, 'invalid_id_token', 'a token that is not a JWT', (s) =>
    s.post(EF, { idToken: 'bad',
      phoneVerificationInfo: { sessionInfo: 'x', code: '123456' } })),
  c(r, 'totp_unknown_session', 'TOTP info with a session never issued',
    async (s, u) => s.post(EF, { idToken: (await verifiedUser(s, u)).idToken,
      totpVerificationInfo: { sessionInfo: 'nope', verificationCode: '123456' } })),
])('mfaEnrollment:finalize');

const withdrawCases = ((r) => [
  c(r, 'ok', 'withdraw the only factor', async (s, u) => {
    const e = await phoneEnrolled(s, u);
    return s.post(EW, { idToken: e.idToken, mfaEnrollmentId: e.mfaEnrollmentId });
  }),
  c(r, 'unknown_enrollment', 'an enrollment id the user lacks',
    async (s, u) => { const e = await phoneEnrolled(s, u);
      return s.post(EW, { idToken: e.idToken, mfaEnrollmentId: 'nope' }); }),
  c(r, 'missing_enrollment', 'no mfaEnrollmentId', async (s, u) =>
    s.post(EW, { idToken: (await phoneEnrolled(s, u)).idToken })),
  c(r, 'invalid_id_token', 'a token that is not a JWT', (s) =>
    s.post(EW, { idToken: 'bad', mfaEnrollmentId: 'x' })),
  c(r, 'no_factors', 'a user without factors', async (s, u) =>
    s.post(EW, { idToken: (await verifiedUser(s, u)).idToken,
      mfaEnrollmentId: 'x' })),
])('mfaEnrollment:withdraw');

const signInStartCases = ((r) => [
  c(r, 'phone', 'an SMS to the enrolled phone', async (s, u) => {
    const p = await mfaPending(s, u);
    return s.post(SS, { mfaPendingCredential: p.mfaPendingCredential,
      mfaEnrollmentId: p.mfaEnrollmentId, phoneSignInInfo: {} });
  }),
  c(r, 'unknown_enrollment', 'an enrollment id the user lacks',
    async (s, u) => s.post(SS, { mfaPendingCredential:
      (await mfaPending(s, u)).mfaPendingCredential, mfaEnrollmentId: 'nope',
    phoneSignInInfo: {} })),
  c(r, 'missing_enrollment', 'no mfaEnrollmentId', async (s, u) =>
    s.post(SS, { mfaPendingCredential:
      (await mfaPending(s, u)).mfaPendingCredential, phoneSignInInfo: {} })),
  c(r, 'invalid_credential', 'a credential never issued', (s) =>
    s.post(SS, { mfaPendingCredential: 'nope', mfaEnrollmentId: 'x',
      phoneSignInInfo: {} })),
  c(r, 'missing_credential', 'no mfaPendingCredential', (s) =>
    s.post(SS, { mfaEnrollmentId: 'x', phoneSignInInfo: {} })),
  c(r, 'credential_wrong_type', 'mfaPendingCredential is a number', (s) =>
    s.post(SS, { mfaPendingCredential: 9, mfaEnrollmentId: 'x' })),
  c(r, 'malformed_json', 'a body that is not JSON', (s) =>
    s.req('POST', SS, { raw: '{"mfaPendingCredential"' })),
])('mfaSignIn:start');

const signInFinalizeCases = ((r) => [
  c(r, 'phone', 'the code from the outbox', async (s, u) => {
    const p = await mfaStarted(s, u);
    return s.post(SF, { mfaPendingCredential: p.mfaPendingCredential,
      phoneVerificationInfo: { sessionInfo: p.sessionInfo, code: p.code } });
  }),
  c(r, 'wrong_code', 'a wrong code', async (s, u) => {
    const p = await mfaStarted(s, u);
    return s.post(SF, { mfaPendingCredential: p.mfaPendingCredential,
      phoneVerificationInfo: { sessionInfo: p.sessionInfo,
        code: p.code === '000000' ? '111111' : '000000' } });
  }),
  c(r, 'invalid_session', 'a sessionInfo never issued', async (s, u) => {
    const p = await mfaStarted(s, u);
    return s.post(SF, { mfaPendingCredential: p.mfaPendingCredential,
      phoneVerificationInfo: { sessionInfo: 'nope', code: p.code } });
  }),
  c(r, 'missing_code', 'no code', async (s, u) => {
    const p = await mfaStarted(s, u);
    return s.post(SF, { mfaPendingCredential: p.mfaPendingCredential,
      phoneVerificationInfo: { sessionInfo: p.sessionInfo } });
  }),
  c(r, 'missing_info', 'no verification info', async (s, u) => {
    const p = await mfaStarted(s, u);
    return s.post(SF, { mfaPendingCredential: p.mfaPendingCredential });
  }),
  c(r, 'invalid_credential', 'a credential never issued', async (s, u) => {
    const p = await mfaStarted(s, u);
    return s.post(SF, { mfaPendingCredential: 'nope',
      phoneVerificationInfo: { sessionInfo: p.sessionInfo, code: p.code } });
  }),
  c(r, 'missing_credential', 'no mfaPendingCredential', async (s, u) => {
    const p = await mfaStarted(s, u);
    return s.post(SF, {
      phoneVerificationInfo: { sessionInfo: p.sessionInfo, code: p.code } });
  }),
  c(r, 'credential_reused', 'a second finalize with the same credential',
    async (s, u) => {
      const p = await mfaStarted(s, u);
      const body = { mfaPendingCredential: p.mfaPendingCredential,
        phoneVerificationInfo: { sessionInfo: p.sessionInfo, code: p.code } };
      ok('finalize', await s.post(SF, body));
      return s.post(SF, body);
    }),
  c(r, 'totp_not_enrolled', 'TOTP info for a phone-only user',
    async (s, u) => { const p = await mfaPending(s, u);
      return s.post(SF, { mfaPendingCredential: p.mfaPendingCredential,
        mfaEnrollmentId: p.mfaEnrollmentId,
        totpVerificationInfo: { verificationCode: '123456' } }); }),
])('mfaSignIn:finalize');

// The whole MFA life: each reply of the flow compared.
const flowCases = [
  c('flow', 'mfa_phone_life', 'enroll, sign in with the factor, refresh, withdraw',
    async (s, u) => {
      const e = await phoneEnrolled(s, u);
      const first = await s.post(V1('signInWithPassword'), { email: u.email,
        password: u.password, returnSecureToken: true });
      const p = first.body ?? {};
      const start = await s.post(SS, { mfaPendingCredential:
        p.mfaPendingCredential, mfaEnrollmentId: e.mfaEnrollmentId,
      phoneSignInInfo: {} });
      const sms = start.body?.phoneResponseInfo?.sessionInfo;
      const list = ok('codes', await s.get(
        `/emulator/v1/projects/demo-diff/verificationCodes`));
      const code = list.verificationCodes.filter((x) =>
        x.sessionInfo === sms).pop()?.code;
      const fin = await s.post(SF, { mfaPendingCredential:
        p.mfaPendingCredential, phoneVerificationInfo: { sessionInfo: sms, code } });
      const look = await s.post(V1('lookup'), { idToken: fin.body?.idToken });
      const wd = await s.post(EW, { idToken: fin.body?.idToken,
        mfaEnrollmentId: e.mfaEnrollmentId });
      const again = await s.post(V1('signInWithPassword'), { email: u.email,
        password: u.password, returnSecureToken: true });
      return { signIn: first, start, finalize: fin, lookup: look,
        withdraw: wd, signInAfter: again };
    }),
  c('flow', 'account_life', 'sign up, verify email, change password, sign in, delete',
    async (s, u) => {
      const up = await s.post(V1('signUp'), { email: u.email,
        password: u.password, returnSecureToken: true });
      const send = await s.post(V1('sendOobCode'), { requestType: 'VERIFY_EMAIL',
        idToken: up.body.idToken });
      const list = ok('oob', await s.get('/emulator/v1/projects/demo-diff/oobCodes'));
      const code = list.oobCodes.filter((x) => x.email === u.email).pop()?.oobCode;
      const verify = await s.post(V1('update'), { oobCode: code });
      const pw = await s.post(V1('update'), { idToken: up.body.idToken,
        password: 'password-2', returnSecureToken: true });
      const signIn = await s.post(V1('signInWithPassword'), { email: u.email,
        password: 'password-2', returnSecureToken: true });
      const oldPw = await s.post(V1('signInWithPassword'), { email: u.email,
        password: u.password });
      const del = await s.post(V1('delete'), { idToken: signIn.body.idToken });
      return { signUp: up, sendOobCode: send, verify, password: pw, signIn,
        oldPassword: oldPw, delete: del };
    }),
];

export default [...enrollStartCases, ...enrollFinalizeCases, ...withdrawCases,
  ...signInStartCases, ...signInFinalizeCases, ...flowCases];
