-- Takes the held alerts of a project for one digest delivery, and starts a new period now (the
-- digest is an email: the next alert waits a whole period). A retried digest delivery reads the
-- same alerts again, and alerts held meanwhile wait for the next digest.
-- KEYS[1]  the period's start   KEYS[2] hash of held alerts   KEYS[3] the alerts this digest sends
-- ARGV[1]  now (epoch ms)   ARGV[2] period (ms)   ARGV[3] TTL of KEYS[3] (ms)
-- Returns  the alerts' JSON (empty when nothing was held)
if redis.call('EXISTS', KEYS[3]) == 0 then
  if redis.call('EXISTS', KEYS[2]) == 0 then return {} end
  redis.call('RENAME', KEYS[2], KEYS[3])
  redis.call('PEXPIRE', KEYS[3], ARGV[3])
  redis.call('SET', KEYS[1], ARGV[1], 'PX', 2 * tonumber(ARGV[2]))
end
return redis.call('HVALS', KEYS[3])
