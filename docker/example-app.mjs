// The app container of docker/compose.yaml: what an app under test does
// against mfaemu. A password sign-in for a user with a second factor
// returns a pending credential; the app starts the phone factor and
// finalizes with the code (carol's number is a test number with the fixed
// code 123456 in fixtures/demo.json), then checks the ID token's claims.
// docker/verify runs it in the container's network. Exits non-zero on any
// surprise.

const base = process.env.MFAEMU_URL ?? 'http://mfaemu:9099';
const itk = `${base}/identitytoolkit.googleapis.com`;

async function post(url, body) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(5000),
  });
  const json = await res.json();
  if (res.status !== 200) {
    throw new Error(`${url}: ${res.status} ${JSON.stringify(json)}`);
  }
  return json;
}

const first = await post(`${itk}/v1/accounts:signInWithPassword?key=any`, {
  email: 'carol@example.com', password: 'carol-password', returnSecureToken: true,
});
const cred = first.mfaPendingCredential;
const factor = (first.mfaInfo ?? []).find((f) => f.phoneInfo);
if (!cred || !factor) throw new Error(`no MFA challenge: ${JSON.stringify(first)}`);

const started = await post(`${itk}/v2/accounts/mfaSignIn:start?key=any`, {
  mfaPendingCredential: cred, mfaEnrollmentId: factor.mfaEnrollmentId,
});
const done = await post(`${itk}/v2/accounts/mfaSignIn:finalize?key=any`, {
  mfaPendingCredential: cred,
  phoneVerificationInfo: {
    sessionInfo: started.phoneResponseInfo.sessionInfo, code: '123456',
  },
});

const claims = JSON.parse(Buffer.from(done.idToken.split('.')[1], 'base64url'));
if (claims.sub !== 'carol' || claims.firebase?.sign_in_second_factor !== 'phone') {
  throw new Error(`unexpected claims: ${JSON.stringify(claims)}`);
}
console.log(`signed in ${claims.sub} with ${claims.firebase.second_factor_identifier}`);
