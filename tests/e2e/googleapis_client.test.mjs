// The generated Node client @googleapis/identitytoolkit (v2), with its
// rootUrl pointed at mfaemu, drives accounts.mfaSignIn.start/finalize with
// no prefix (bare routes), and surfaces mfaemu's errors as GaxiosError.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { identitytoolkit } from '@googleapis/identitytoolkit';
import {
  API_KEY, BOB, CAROL, PROJECT, ISSUER,
  useDaemon, smsFor, mintCredential, freshTotpStep, totpAt, decodeJwt,
  traceReportTest,
} from './harness.mjs';

const GAXIOS_ERROR = Symbol.for('gaxios-gaxios-error');

const d = useDaemon();

function client(opts = {}) {
  return identitytoolkit({ version: 'v2', rootUrl: `${d.url}/`, ...opts });
}

/** Await a client call that must fail; returns the GaxiosError. */
async function expectGaxiosError(promise, status, codePrefix) {
  let err;
  try {
    const res = await promise;
    assert.fail(`resolved with ${res.status} ${JSON.stringify(res.data)}`);
  } catch (e) {
    if (e instanceof assert.AssertionError) throw e;
    err = e;
  }
  // gaxios marks its errors with this symbol (its own instanceof check) and
  // leaves err.name as 'Error'.
  assert.ok(GAXIOS_ERROR in err, `not a GaxiosError: ${err.name}: ${err.message}`);
  assert.equal(err.constructor.name, 'GaxiosError');
  assert.equal(err.status ?? err.response?.status, status, err.message);
  assert.equal(err.response.status, status);
  const e = err.response.data?.error;
  assert.ok(e && typeof e === 'object', `error body: ${JSON.stringify(err.response.data)}`);
  assert.equal(e.code, status);
  assert.ok(e.message.startsWith(codePrefix), `message ${JSON.stringify(e.message)}`);
  return err;
}

test('mfaSignIn.start + finalize with the demo credential for carol\'s test number (code 123456), key as a method param', async () => {
  const it = client();
  const startRes = await it.accounts.mfaSignIn.start({
    key: API_KEY,
    requestBody: { mfaPendingCredential: CAROL.credential, mfaEnrollmentId: CAROL.enrollmentId },
  });
  assert.equal(startRes.status, 200);
  const sessionInfo = startRes.data.phoneResponseInfo?.sessionInfo;
  assert.equal(typeof sessionInfo, 'string', JSON.stringify(startRes.data));
  const sms = await smsFor(d.url, sessionInfo);
  assert.equal(sms.phoneNumber, CAROL.phoneNumber);
  assert.equal(sms.code, CAROL.fixedCode);

  const fin = await it.accounts.mfaSignIn.finalize({
    key: API_KEY,
    requestBody: {
      mfaPendingCredential: CAROL.credential,
      phoneVerificationInfo: { sessionInfo, code: CAROL.fixedCode },
    },
  });
  assert.equal(fin.status, 200);
  assert.equal(typeof fin.data.idToken, 'string', JSON.stringify(fin.data));
  assert.equal(typeof fin.data.refreshToken, 'string', JSON.stringify(fin.data));
  const { claims } = decodeJwt(fin.data.idToken);
  assert.equal(claims.iss, ISSUER);
  assert.equal(claims.aud, PROJECT);
  assert.equal(claims.sub, 'carol');
  assert.equal(claims.firebase.sign_in_second_factor, 'phone');
  assert.equal(claims.firebase.second_factor_identifier, CAROL.enrollmentId);
});

test('a minted credential, key as a client-wide param: start/finalize with phoneNumber returns phoneAuthInfo', async () => {
  const it = client({ params: { key: API_KEY } });
  const cred = await mintCredential(d.url, 'carol');
  const startRes = await it.accounts.mfaSignIn.start({
    requestBody: {
      mfaPendingCredential: cred,
      mfaEnrollmentId: CAROL.enrollmentId,
      phoneSignInInfo: { recaptchaToken: 'token' },
    },
  });
  const sessionInfo = startRes.data.phoneResponseInfo.sessionInfo;
  const fin = await it.accounts.mfaSignIn.finalize({
    requestBody: {
      mfaPendingCredential: cred,
      phoneVerificationInfo: { sessionInfo, code: CAROL.fixedCode, phoneNumber: CAROL.phoneNumber },
    },
  });
  assert.equal(fin.status, 200);
  assert.equal(decodeJwt(fin.data.idToken).claims.sub, 'carol');
  assert.equal(fin.data.phoneAuthInfo?.phoneNumber, CAROL.phoneNumber, JSON.stringify(fin.data));
  assert.equal(typeof fin.data.phoneAuthInfo.androidVerificationProof, 'string');
});

test('TOTP finalize through the generated client (bob, minted credential)', async () => {
  const it = client({ params: { key: API_KEY } });
  const cred = await mintCredential(d.url, 'bob');
  const now = await freshTotpStep(d.url, BOB.period);
  const fin = await it.accounts.mfaSignIn.finalize({
    requestBody: {
      mfaPendingCredential: cred,
      mfaEnrollmentId: BOB.enrollmentId,
      totpVerificationInfo: { verificationCode: await totpAt(BOB, now) },
    },
  });
  assert.equal(fin.status, 200);
  const { claims } = decodeJwt(fin.data.idToken);
  assert.equal(claims.sub, 'bob');
  assert.equal(claims.firebase.sign_in_second_factor, 'totp');
});

test('an unknown credential is a 400 GaxiosError whose message starts with INVALID_MFA_PENDING_CREDENTIAL', async () => {
  const it = client();
  await expectGaxiosError(it.accounts.mfaSignIn.start({
    key: API_KEY,
    requestBody: { mfaPendingCredential: 'no-such-credential', mfaEnrollmentId: CAROL.enrollmentId },
  }), 400, 'INVALID_MFA_PENDING_CREDENTIAL');
  await expectGaxiosError(it.accounts.mfaSignIn.finalize({
    key: API_KEY,
    requestBody: {
      mfaPendingCredential: 'no-such-credential',
      phoneVerificationInfo: { sessionInfo: 'x', code: '123456' },
    },
  }), 400, 'INVALID_MFA_PENDING_CREDENTIAL');
});

test('a wrong SMS code is a 400 GaxiosError INVALID_CODE', async () => {
  const it = client({ params: { key: API_KEY } });
  const cred = await mintCredential(d.url, 'carol');
  const startRes = await it.accounts.mfaSignIn.start({
    requestBody: { mfaPendingCredential: cred, mfaEnrollmentId: CAROL.enrollmentId },
  });
  await expectGaxiosError(it.accounts.mfaSignIn.finalize({
    requestBody: {
      mfaPendingCredential: cred,
      phoneVerificationInfo: { sessionInfo: startRes.data.phoneResponseInfo.sessionInfo, code: '000000' },
    },
  }), 400, 'INVALID_CODE');
});

test('no API key: 403 GaxiosError PERMISSION_DENIED', async () => {
  const it = client();
  const err = await expectGaxiosError(it.accounts.mfaSignIn.start({
    requestBody: { mfaPendingCredential: CAROL.credential, mfaEnrollmentId: CAROL.enrollmentId },
  }), 403, '');
  assert.equal(err.response.data.error.status, 'PERMISSION_DENIED', JSON.stringify(err.response.data));
});

traceReportTest('googleapis_client');
