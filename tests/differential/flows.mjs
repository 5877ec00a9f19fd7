// Steps that cases build on, run against one server at a time: each fetches
// what it needs (idToken, sessionInfo, the SMS code from the outbox, the
// oobCode, mfaPendingCredential) from that server itself. A step that does
// not succeed throws: the case then fails as a setup failure.

import { ADMIN, EMU, V1, V2 } from './lib.mjs';

export class SetupError extends Error {}

/** The reply, when its status is 200; otherwise a SetupError. */
export function ok(step, r) {
  if (r.status !== 200) {
    throw new SetupError(`${step}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  return r.body;
}

/** Per-case unique data: an email and phone numbers nobody else uses. */
export function uniq(n) {
  const d = String(n).padStart(4, '0');
  return {
    email: `case${d}@example.com`,
    email2: `case${d}-b@example.com`,
    password: 'password-1',
    phone: `+1555${d}001`,
    phone2: `+1555${d}002`,
  };
}

/** A user signed up with email and password: {idToken, localId, refreshToken}. */
export async function signUp(s, u) {
  return ok('signUp', await s.post(V1('signUp'),
    { email: u.email, password: u.password, returnSecureToken: true }));
}

/** A user with a verified email (Admin API), signed in: {idToken, localId}. */
export async function verifiedUser(s, u) {
  ok('admin create', await s.post(ADMIN(), { email: u.email,
    password: u.password, emailVerified: true }, { admin: true }));
  return ok('signInWithPassword', await s.post(V1('signInWithPassword'),
    { email: u.email, password: u.password, returnSecureToken: true }));
}

/** The newest SMS outbox entry for a phone number: {code, sessionInfo}. */
export async function smsCode(s, phone) {
  const list = ok('verificationCodes', await s.get(EMU('verificationCodes')));
  const hits = (list.verificationCodes ?? []).filter((c) =>
    c.phoneNumber === phone);
  if (!hits.length) throw new SetupError(`no SMS code for ${phone}`);
  return hits[hits.length - 1];
}

/** The newest oobCode sent to an email: {oobCode, requestType, ...}. */
export async function oobCode(s, email, requestType) {
  const list = ok('oobCodes', await s.get(EMU('oobCodes')));
  const hits = (list.oobCodes ?? []).filter((c) => c.email === email &&
    (!requestType || c.requestType === requestType));
  if (!hits.length) throw new SetupError(`no oobCode for ${email}`);
  return hits[hits.length - 1];
}

/** Start a phone enrollment: {idToken, sessionInfo, code}. */
export async function enrollStart(s, u, phone = u.phone) {
  const user = await verifiedUser(s, u);
  const st = ok('mfaEnrollment:start', await s.post(V2('mfaEnrollment:start'),
    { idToken: user.idToken, phoneEnrollmentInfo: { phoneNumber: phone } }));
  const sms = await smsCode(s, phone);
  return { ...user, sessionInfo: st.phoneSessionInfo.sessionInfo,
    code: sms.code };
}

/** A verified user with one phone factor: {idToken, localId, mfaEnrollmentId}. */
export async function phoneEnrolled(s, u) {
  const e = await enrollStart(s, u);
  const fin = ok('mfaEnrollment:finalize',
    await s.post(V2('mfaEnrollment:finalize'), { idToken: e.idToken,
      phoneVerificationInfo: { sessionInfo: e.sessionInfo, code: e.code },
      displayName: 'phone' }));
  const look = ok('lookup', await s.post(V1('lookup'),
    { idToken: fin.idToken }));
  return { idToken: fin.idToken, refreshToken: fin.refreshToken,
    localId: e.localId,
    mfaEnrollmentId: look.users[0].mfaInfo[0].mfaEnrollmentId };
}

/** A first-factor sign-in of a phone-enrolled user:
 * {mfaPendingCredential, mfaEnrollmentId, localId}. */
export async function mfaPending(s, u) {
  const e = await phoneEnrolled(s, u);
  const r = await s.post(V1('signInWithPassword'),
    { email: u.email, password: u.password, returnSecureToken: true });
  if (!r.body?.mfaPendingCredential) {
    throw new SetupError(`no mfaPendingCredential: ${JSON.stringify(r.body)}`);
  }
  return { ...e, mfaPendingCredential: r.body.mfaPendingCredential };
}

/** mfaSignIn:start for a pending sign-in: adds {sessionInfo, code}. */
export async function mfaStarted(s, u) {
  const p = await mfaPending(s, u);
  const st = ok('mfaSignIn:start', await s.post(V2('mfaSignIn:start'), {
    mfaPendingCredential: p.mfaPendingCredential,
    mfaEnrollmentId: p.mfaEnrollmentId, phoneSignInInfo: {} }));
  const sms = await smsCode(s, u.phone);
  return { ...p, sessionInfo: st.phoneResponseInfo.sessionInfo,
    code: sms.code };
}

/** An unsigned custom token (emulator mode) for a uid. */
export function customToken(uid, claims = {}) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64({
    iss: 'firebase-auth-emulator@example.com',
    sub: 'firebase-auth-emulator@example.com',
    aud: 'https://identitytoolkit.googleapis.com/google.identity.identitytoolkit.v1.IdentityToolkit',
    iat: now, exp: now + 3600, uid, claims })}.`;
}

/** A fake IdP assertion the emulators accept: an unsigned id_token. */
export function idpPostBody(sub, email) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const tok = `${b64({ alg: 'none' })}.${b64({ sub, email,
    email_verified: true, iss: 'https://accounts.google.com',
    aud: 'x' })}.`;
  return `id_token=${tok}&providerId=google.com`;
}
