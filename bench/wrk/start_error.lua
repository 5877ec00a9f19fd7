-- mfaSignIn:start, error path: a credential the emulator never issued.
-- The request is parsed, looked up in the store and answered 400
-- INVALID_MFA_PENDING_CREDENTIAL; a 400 is the expected answer here.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua")

expect = 400
wrk.method = "POST"
wrk.path = START
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"mfaPendingCredential": "bench-unknown", "mfaEnrollmentId": "p0"}'

function init(args)
   bench_args(args)
end
