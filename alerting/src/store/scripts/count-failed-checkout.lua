-- Counts one failed checkout in its project's rate window, once per incident however often it is
-- retried, and adds its value to the money in the window's failed checkouts.
-- KEYS[1]  set of the window's incident ids
-- KEYS[2]  hash: `since` (first failure's time, epoch ms) and one field per currency (sum of values)
-- ARGV[1]  incident id   ARGV[2] failure time (epoch ms)   ARGV[3] TTL of both keys (ms)
-- ARGV[4]  value ('' if none)   ARGV[5] currency ('' if none)
-- Returns  { count, since, { currency, value, currency, value, … } }
local added = redis.call('SADD', KEYS[1], ARGV[1])
if added == 1 then
  local since = tonumber(redis.call('HGET', KEYS[2], 'since') or '-1')
  if since < 0 or tonumber(ARGV[2]) < since then redis.call('HSET', KEYS[2], 'since', ARGV[2]) end
  if ARGV[4] ~= '' then redis.call('HINCRBYFLOAT', KEYS[2], 'money:' .. ARGV[5], ARGV[4]) end
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
local money = {}
local fields = redis.call('HGETALL', KEYS[2])
for i = 1, #fields, 2 do
  if string.sub(fields[i], 1, 6) == 'money:' then
    table.insert(money, string.sub(fields[i], 7))
    table.insert(money, fields[i + 1])
  end
end
return { redis.call('SCARD', KEYS[1]), redis.call('HGET', KEYS[2], 'since'), money }
