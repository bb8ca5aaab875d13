-- wrk script: POST pre-signed Standard Webhooks requests from the pool file in $BENCH_POOL
-- (written by bench/payloads.py: path, body prefix, body suffix, then "id timestamp signature").
-- Each wrk thread takes every $BENCH_THREADS-th line from its own offset, so no two threads
-- send the same webhook-id; when a thread runs out it starts over (the hub sees redeliveries,
-- which bench/wrk.py reports as pool_wrapped).

local threads = {}

function setup(thread)
   thread:set("tid", #threads)
   table.insert(threads, thread)
end

function init(args)
   local file = assert(io.open(os.getenv("BENCH_POOL"), "r"))
   local nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
   local path = file:read("*l")
   local prefix = file:read("*l")
   local suffix = file:read("*l")
   requests = {}
   local n = 0
   for line in file:lines() do
      if n % nthreads == tid then
         local id, ts, sig = line:match("^(%S+) (%S+) (%S+)$")
         requests[#requests + 1] = wrk.format("POST", path, {
            ["webhook-id"] = id, ["webhook-timestamp"] = ts, ["webhook-signature"] = sig,
            ["Content-Type"] = "application/json"}, prefix .. id .. suffix)
      end
      n = n + 1
   end
   file:close()
   index = 0
end

function request()
   index = index + 1
   if index > #requests then
      index = 1
   end
   return requests[index]
end

function done(summary, latency, requests)
   io.write(string.format(
      'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"status_errors":%d,' ..
      '"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d,' ..
      '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f}\n',
      summary.requests, summary.duration, summary.bytes, summary.errors.status,
      summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
