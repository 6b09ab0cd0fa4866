-- Applies one checkout event to the checkout's state, in event-time order: an event older than the
-- last one applied is ignored, so batches processed out of order (several workers, retries)
-- cannot reopen a completed checkout or make a finished one look stuck.
-- KEYS[1]  hash of the checkout: status, seq, lastAt, session, customer, value, currency, step, reason, synthetic, resumeUrl
-- KEYS[2]  the session's open checkout (string: checkout id)
-- ARGV[1]  new status: open (start/step), error or complete
-- ARGV[2]  event time (epoch ms)
-- ARGV[3]  session      ARGV[4] checkout id
-- ARGV[5]  customer ('' if unknown)   ARGV[6] value ('' if none)   ARGV[7] currency ('' if none)
-- ARGV[8]  TTL of both keys (ms)
-- ARGV[9]  name of the step reached ('' if the event names none)
-- ARGV[10] reason the shop gave for an error ('' if none)
-- ARGV[11] test-traffic tag of the event's beacon ('' for real traffic): once set, the checkout stays a test
-- ARGV[12] the shop's link back to the basket ('' if the event has none; sent on `start`)
-- Returns  { applied (1/0), seq after the event }
local at = tonumber(ARGV[2])
local last = tonumber(redis.call('HGET', KEYS[1], 'lastAt') or '-1')
local seq = tonumber(redis.call('HGET', KEYS[1], 'seq') or '0')
if at < last then return { 0, seq } end
if ARGV[1] == 'open' then seq = redis.call('HINCRBY', KEYS[1], 'seq', 1) end
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'lastAt', ARGV[2], 'session', ARGV[3])
if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'customer', ARGV[5]) end
if ARGV[6] ~= '' then redis.call('HSET', KEYS[1], 'value', ARGV[6]) end
if ARGV[7] ~= '' then redis.call('HSET', KEYS[1], 'currency', ARGV[7]) end
if ARGV[9] ~= '' then redis.call('HSET', KEYS[1], 'step', ARGV[9]) end
if ARGV[10] ~= '' then redis.call('HSET', KEYS[1], 'reason', ARGV[10]) end
if ARGV[11] ~= '' then redis.call('HSET', KEYS[1], 'synthetic', ARGV[11]) end
if ARGV[12] ~= '' then redis.call('HSET', KEYS[1], 'resumeUrl', ARGV[12]) end
redis.call('PEXPIRE', KEYS[1], ARGV[8])
if ARGV[1] == 'complete' then
  if redis.call('GET', KEYS[2]) == ARGV[4] then redis.call('DEL', KEYS[2]) end
else
  -- An errored checkout stays the session's: a retry's failed payment still counts.
  redis.call('SET', KEYS[2], ARGV[4], 'PX', ARGV[8])
end
return { 1, seq }
