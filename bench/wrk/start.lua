-- mfaSignIn:start, valid: credential bc<i> on its phone factor p<i>,
-- round-robin over the pool (start may repeat on a credential).
-- args: T POOL [STRIDE]: with a stride, credential k of the pool is
-- bc<k * STRIDE> (gen_fixtures.py creds spreads them over the users).
-- Against bare_mhd the same bytes go out and any 200 counts.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua")

function init(args)
   bench_args(args)
   stride = tonumber(args[3]) or 1
end

function request()
   local i = next_round_robin() * stride
   return post(START, string.format(
      '{"mfaPendingCredential": "bc%d", "mfaEnrollmentId": "p%d"}', i, i))
end
