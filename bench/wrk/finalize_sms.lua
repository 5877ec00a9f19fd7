-- mfaSignIn:finalize with an SMS code: credential bc<i> with the session
-- bs<i> that the sessions fixture holds (code 123456). A credential is
-- single-use, so each is sent once; the pool must outlast the run.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua")

function init(args)
   bench_args(args)
end

function request()
   local i = next_single_use() or (pool - 1)
   return post(FINALIZE, string.format(
      '{"mfaPendingCredential": "bc%d", "phoneVerificationInfo": ' ..
      '{"sessionInfo": "bs%d", "code": "123456"}}', i, i))
end
