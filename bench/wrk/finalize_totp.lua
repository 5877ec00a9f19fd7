-- mfaSignIn:finalize with TOTP: credential bc<i> on factor t<i>. Every
-- pool user shares one secret, so bench/run passes the codes of the
-- coming 30-s steps (args: T POOL STEP0 CODE0 CODE1 ...) and each request
-- sends the code of the current step; the server still computes the
-- HMAC and records (enrollment, step) per request. Each user once.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua")

function init(args)
   bench_args(args)
   step0 = tonumber(args[3])
   codes = {}
   for j = 4, #args do
      codes[#codes + 1] = args[j]
   end
end

function request()
   local i = next_single_use() or (pool - 1)
   local s = math.floor(os.time() / 30) - step0
   local code = codes[s + 1] or codes[#codes]
   return post(FINALIZE, string.format(
      '{"mfaPendingCredential": "bc%d", "mfaEnrollmentId": "t%d", ' ..
      '"totpVerificationInfo": {"verificationCode": "%s"}}', i, i, code))
end
