-- A fixed GET (the JWKS document, or bare_mhd's body): the URL given to
-- wrk is the request.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua")

function init(args)
   bench_args(args)
end
