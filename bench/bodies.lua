-- wrk script: POSTs GraphQL requests read from $BENCH_BODIES, one "token<TAB>json" per line.
-- Threads take interleaved lines, so a file with one line per request (updateCase, with the
-- case's current version) never sends the same line twice until it wraps around.
-- done() prints one JSON line: requests, latency percentiles (microseconds), errors.

local threads = {}
local nthreads = 0

function setup(thread)
  nthreads = nthreads + 1
  thread:set("tid", nthreads)
  table.insert(threads, thread)
end

lines = {}
counter = 0
errors = 0
conflicts = 0
non200 = 0

function init(args)
  for l in io.lines(os.getenv("BENCH_BODIES")) do
    local tab = l:find("\t", 1, true)
    if tab then
      lines[#lines + 1] = { "Bearer " .. l:sub(1, tab - 1), l:sub(tab + 1) }
    end
  end
  step = tonumber(os.getenv("BENCH_THREADS") or "2")
  counter = tid - 1
end

function request()
  local l = lines[(counter % #lines) + 1]
  counter = counter + step
  return wrk.format("POST", "/graphql",
    { ["Content-Type"] = "application/json", ["Authorization"] = l[1] }, l[2])
end

function response(status, headers, body)
  if status ~= 200 then non200 = non200 + 1 end
  if body:find('"errors"', 1, true) then errors = errors + 1 end
  if body:find('CONFLICT', 1, true) then conflicts = conflicts + 1 end
end

function done(summary, latency, requests)
  local e, c, x = 0, 0, 0
  for _, t in ipairs(threads) do
    e = e + t:get("errors")
    c = c + t:get("conflicts")
    x = x + t:get("non200")
  end
  local s = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"p50_us":%d,"p95_us":%d,"p99_us":%d,"mean_us":%.0f,' ..
    '"max_us":%d,"errors":%d,"conflicts":%d,"non200":%d,"socket_errors":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.mean, latency.max, e, c, x,
    s.connect + s.read + s.write + s.timeout))
end
