-- Alert grouping (TOUCHPOINT_ALERT_GROUP_*): adds one alert to its group, and opens the group when
-- there is none (its first message is then due after the group wait). Every open group has one
-- flush due: the caller queues it by the id this returns, so queueing it again is a no-op.
-- KEYS[1]  hash of the group: created, seq (the flush due next), due, since, latest, total, sent,
--          lastSent, money:<currency>
-- KEYS[2]  hash of the alerts no message has told yet: delivery id -> alert JSON
-- KEYS[3]  hash of the group's firing members (SRE series): member -> alert JSON
-- KEYS[4]  set of the delivery ids ever added (a retried delivery is added once)
-- ARGV[1]  now (epoch ms)   ARGV[2] group wait (ms)   ARGV[3] delivery id   ARGV[4] alert JSON
-- ARGV[5]  member (checkout, series…)   ARGV[6] 'event' (marketer), 'firing' or 'resolved' (SRE)
-- ARGV[7]  the alert's time (epoch ms)   ARGV[8] value ('' if none)   ARGV[9] currency ('' if none)
-- ARGV[10] TTL of the group's keys (ms), renewed on every add
-- Returns  { created, seq, due } of the flush the group waits for
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'created', ARGV[1], 'seq', 1, 'due', tonumber(ARGV[1]) + tonumber(ARGV[2]),
    'since', ARGV[7], 'latest', ARGV[7], 'total', 0, 'sent', 0, 'lastSent', 0)
end
if redis.call('SADD', KEYS[4], ARGV[3]) == 1 then
  redis.call('HSET', KEYS[2], ARGV[3], ARGV[4])
  local at = tonumber(ARGV[7])
  if at < tonumber(redis.call('HGET', KEYS[1], 'since')) then redis.call('HSET', KEYS[1], 'since', ARGV[7]) end
  if at > tonumber(redis.call('HGET', KEYS[1], 'latest')) then redis.call('HSET', KEYS[1], 'latest', ARGV[7]) end
  if ARGV[6] ~= 'resolved' then redis.call('HINCRBY', KEYS[1], 'total', 1) end
  if ARGV[8] ~= '' then redis.call('HINCRBYFLOAT', KEYS[1], 'money:' .. ARGV[9], ARGV[8]) end
  if ARGV[6] == 'firing' then
    redis.call('HSET', KEYS[3], ARGV[5], ARGV[4])
  elseif ARGV[6] == 'resolved' then
    redis.call('HDEL', KEYS[3], ARGV[5])
  end
end
for i = 1, 4 do redis.call('PEXPIRE', KEYS[i], ARGV[10]) end
return { redis.call('HGET', KEYS[1], 'created'), redis.call('HGET', KEYS[1], 'seq'), redis.call('HGET', KEYS[1], 'due') }
