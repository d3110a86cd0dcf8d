-- wrk script: POST /api/v1/recovery-requests with a fresh Idempotency-Key and
-- username per request, counting 201 answers across threads.
-- Each request comes from a client address of its own (X-Forwarded-For,
-- believed because bench/load runs the server with --trusted-proxy
-- 127.0.0.1), so the per-client limit of recovery requests does not apply.
-- Each thread drives one connection and stops itself after the deadline
-- (first script argument, seconds) once its answer is in, so no request is
-- left in flight and every stored row has its answer counted.
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  created, other, n = 0, 0, 0
  deadline = os.time() + tonumber(args[1] or "30")
end

function request()
  n = n + 1
  local user = string.format("load%dx%d", tid, n)
  local body = string.format(
    '{"username":"%s","contact_email":"%s@example.org","reason":"lost_2fa",' ..
    '"details":"I lost the phone with my authenticator app and my recovery codes.",' ..
    '"lost_access_on":"2026-01-14","previous_emails":["old-%s@example.com"],' ..
    '"packages":["example-package"],"recovery_codes_status":"lost",' ..
    '"accepted_code_of_conduct":true,"acknowledged_delay":true}', user, user, user)
  return wrk.format("POST", "/api/v1/recovery-requests", {
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = string.format("load-%d-%d", tid, n),
    ["X-Forwarded-For"] = string.format("10.%d.%d.%d",
      (tid * 16 + math.floor(n / 65536)) % 256, math.floor(n / 256) % 256, n % 256),
  }, body)
end

function response(status, headers, body)
  if status == 201 then created = created + 1 else other = other + 1 end
  if os.time() >= deadline then wrk.thread:stop() end
end

function done(summary, latency, requests)
  local c, o = 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("created")
    o = o + t:get("other")
  end
  io.write(string.format("201 answers: %d\nother answers: %d\n", c, o))
  io.write(string.format("p99 latency: %.2f ms\n", latency:percentile(99) / 1000))
end
