-- TOUCHPOINT_ALERT_DIGEST: lets a marketer alert email through at once when the project's digest
-- period is free (and starts a period), or holds it for the period's digest.
-- KEYS[1]  the period's start (epoch ms), kept for two periods so a late digest job still holds it
-- KEYS[2]  hash of the held alerts: delivery id -> alert JSON (a retried delivery is held once)
-- ARGV[1]  now (epoch ms)   ARGV[2] period (ms)   ARGV[3] delivery id   ARGV[4] alert JSON
-- ARGV[5]  TTL of the held alerts (ms)
-- Returns  { 'now', start } or { 'held', start }
local start = redis.call('GET', KEYS[1])
if not start then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', 2 * tonumber(ARGV[2]))
  return { 'now', ARGV[1] }
end
redis.call('HSETNX', KEYS[2], ARGV[3], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
return { 'held', start }
