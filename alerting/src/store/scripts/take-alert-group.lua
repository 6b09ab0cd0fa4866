-- Alert grouping: what the group's flush number `seq` tells, and the flush after it. Alerts added
-- since the last message are told (the group's first message, or an update); with nothing new,
-- a group of firing SRE series repeats them once the repeat interval has passed, and a group with
-- nothing firing (SRE) or nothing new for a whole interval (marketer) ends: a marketer group of
-- more than one alert then says it is over. The answer is kept, so a retried flush tells the same.
-- KEYS[1]  hash of the group   KEYS[2] alerts not yet told   KEYS[3] firing members   KEYS[4] delivery ids seen
-- KEYS[5]  this flush's answer (string)
-- ARGV[1]  now (epoch ms)   ARGV[2] seq of this flush   ARGV[3] group interval (ms)   ARGV[4] repeat interval (ms)
-- ARGV[5]  'states' (SRE series that fire and resolve) or 'events' (marketer alerts)
-- ARGV[6]  TTL of the group's keys and of the answer (ms)
-- Returns  JSON { kind: first|update|repeat|resolved|none|gone, since, latest, total, firing,
--          money: [currency, value, …], members: [alert JSON…], nextSeq, nextDue (0 when the group ended) }
local kept = redis.call('GET', KEYS[5])
if kept then return kept end
if redis.call('EXISTS', KEYS[1]) == 0 then return cjson.encode({ kind = 'gone' }) end
local g = {}
local fields = redis.call('HGETALL', KEYS[1])
for i = 1, #fields, 2 do g[fields[i]] = fields[i + 1] end
-- A flush the group no longer waits for (a duplicate job of an ended group's number): nothing to tell.
if tonumber(g.seq) ~= tonumber(ARGV[2]) then return cjson.encode({ kind = 'gone' }) end
local now = tonumber(ARGV[1])
local members = redis.call('HVALS', KEYS[2])
redis.call('DEL', KEYS[2])
local firing = redis.call('HLEN', KEYS[3])
local kind = 'none'
local ended = false
if #members > 0 then
  if tonumber(g.sent) == 0 then kind = 'first' else kind = 'update' end
elseif ARGV[5] == 'states' and firing > 0 then
  if now - tonumber(g.lastSent) >= tonumber(ARGV[4]) then
    kind = 'repeat'
    members = redis.call('HVALS', KEYS[3])
  end
else
  ended = true
  if ARGV[5] == 'events' and tonumber(g.total) > 1 and tonumber(g.sent) > 0 then kind = 'resolved' end
end
local money = {}
for k, v in pairs(g) do
  if string.sub(k, 1, 6) == 'money:' then
    table.insert(money, string.sub(k, 7))
    table.insert(money, v)
  end
end
local answer = { kind = kind, since = tonumber(g.since), latest = tonumber(g.latest), total = tonumber(g.total),
  firing = firing, money = money, members = members, nextSeq = 0, nextDue = 0 }
if ended then
  redis.call('DEL', KEYS[1], KEYS[3], KEYS[4])
else
  answer.nextSeq = tonumber(g.seq) + 1
  answer.nextDue = now + tonumber(ARGV[3])
  redis.call('HSET', KEYS[1], 'seq', answer.nextSeq, 'due', answer.nextDue)
  if kind ~= 'none' then
    redis.call('HSET', KEYS[1], 'lastSent', now)
    redis.call('HINCRBY', KEYS[1], 'sent', 1)
  end
  for i = 1, 4 do redis.call('PEXPIRE', KEYS[i], ARGV[6]) end
end
local json = cjson.encode(answer)
redis.call('SET', KEYS[5], json, 'PX', ARGV[6])
return json
