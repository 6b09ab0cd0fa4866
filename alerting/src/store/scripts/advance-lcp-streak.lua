-- Advances a customer's run of poor LCP page loads; fires when the run reaches the streak length.
-- KEYS[1]  hash of the customer's streak: count, startedAt, lastAt
-- ARGV[1]  event time (epoch ms) of this LCP
-- ARGV[2]  1 when this LCP is poor, 0 otherwise
-- ARGV[3]  streak length that makes a slow experience
-- ARGV[4]  TTL of the hash (ms)
-- Returns  the start time of the streak when it just completed, else 0.
-- Events at or before lastAt are ignored, so a signal batch replayed after a crash never counts twice.
local at = tonumber(ARGV[1])
local last = tonumber(redis.call('HGET', KEYS[1], 'lastAt') or '0')
if at <= last then return 0 end
if ARGV[2] ~= '1' then
  redis.call('HSET', KEYS[1], 'count', 0, 'startedAt', 0, 'lastAt', at)
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  return 0
end
local count = tonumber(redis.call('HGET', KEYS[1], 'count') or '0') + 1
local started = tonumber(redis.call('HGET', KEYS[1], 'startedAt') or '0')
if count == 1 or started == 0 then started = at end
if count >= tonumber(ARGV[3]) then
  redis.call('HSET', KEYS[1], 'count', 0, 'startedAt', 0, 'lastAt', at)
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  return started
end
redis.call('HSET', KEYS[1], 'count', count, 'startedAt', started, 'lastAt', at)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 0
