-- Shared by the wrk scripts (loaded with dofile from the same folder).
--
-- Every script is run as
--   wrk -t T -c C -d D -s SCRIPT URL -- T POOL [ARGS...]
-- and may set `expect` (the status that counts as success, 200 unless
-- set). Each thread learns its index in setup(); a request's credential
-- index is thread_id + k * T, so threads never share one. done() prints
-- one line "BENCH key=value ..." that bench/run reads:
--   errors = socket errors + timeouts + responses whose status is not
--            `expect` (wrk's own "non-2xx" count is not used, so an error
--            path can be measured too).

expect = 200
bad = 0
thread_id = 0
exhausted = 0

local threads = {}

function setup(thread)
   thread:set("thread_id", #threads)
   table.insert(threads, thread)
end

-- args: T POOL ...; sets the thread count and pool size. A repeated run
-- on the same server takes its single-use credentials from its own slice
-- of the pool: BENCH_OFFSET (first index) and BENCH_SLICE (how many).
function bench_args(args)
   nthreads = tonumber(args[1]) or 1
   pool = tonumber(args[2]) or 1
   offset = tonumber(os.getenv("BENCH_OFFSET") or "") or 0
   slice = tonumber(os.getenv("BENCH_SLICE") or "") or (pool - offset)
   k = 0
end

-- The next credential index for this thread, or nil when its slice of
-- single-use credentials is used up (the thread then stops).
function next_single_use()
   local i = thread_id + k * nthreads
   k = k + 1
   if i >= slice or offset + i >= pool then
      exhausted = 1
      wrk.thread:stop()
      return nil
   end
   return offset + i
end

-- Round-robin over the pool, for requests that may repeat a credential.
function next_round_robin()
   local i = (thread_id + k * nthreads) % pool
   k = k + 1
   return i
end

local host_header

function post(path, body)
   if host_header == nil then
      host_header = wrk.host .. ":" .. tostring(wrk.port or 80)
   end
   return string.format("POST %s HTTP/1.1\r\nHost: %s\r\n" ..
      "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
      path, host_header, #body, body)
end

START = "/identitytoolkit.googleapis.com/v2/accounts/mfaSignIn:start?key=bench"
FINALIZE = "/identitytoolkit.googleapis.com/v2/accounts/mfaSignIn:finalize?key=bench"

function response(status, headers, body)
   if status ~= expect then
      bad = bad + 1
   end
end

function done(summary, latency, requests)
   local b, ex = 0, 0
   for _, t in ipairs(threads) do
      b = b + (t:get("bad") or 0)
      ex = math.max(ex, t:get("exhausted") or 0)
   end
   local e = summary.errors
   local s = summary.duration / 1e6
   io.write(string.format("BENCH requests=%d duration_s=%.3f rps=%.1f " ..
      "p50_us=%d p99_us=%d errors=%d bad_status=%d socket_errors=%d " ..
      "timeouts=%d pool_exhausted=%d\n",
      summary.requests, s, summary.requests / s,
      latency:percentile(50), latency:percentile(99),
      e.connect + e.read + e.write + e.timeout + b, b,
      e.connect + e.read + e.write, e.timeout, ex))
end
