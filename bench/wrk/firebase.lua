-- The Firebase Auth Emulator's mfaSignIn routes, from a file of lines that
-- bench/firebase.sh made with the emulator's own answers:
--   start:    "CREDENTIAL ENROLLMENT"         (round-robin; start repeats)
--   finalize: "CREDENTIAL SESSIONINFO CODE"   (each line once)
-- args: T POOL FILE MODE; POOL is ignored (the file's length is the pool).
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua")

function init(args)
   bench_args(args)
   mode = args[4]
   lines = {}
   for line in io.lines(args[3]) do
      local f = {}
      for w in line:gmatch("%S+") do
         f[#f + 1] = w
      end
      lines[#lines + 1] = f
   end
   pool = #lines
end

function request()
   if mode == "start" then
      local f = lines[next_round_robin() + 1]
      return post(START, string.format(
         '{"mfaPendingCredential": "%s", "mfaEnrollmentId": "%s"}',
         f[1], f[2]))
   end
   local f = lines[(next_single_use() or (pool - 1)) + 1]
   return post(FINALIZE, string.format(
      '{"mfaPendingCredential": "%s", "phoneVerificationInfo": ' ..
      '{"sessionInfo": "%s", "code": "%s"}}', f[1], f[2], f[3]))
end
