-- Clears a session's presence key (`promptKeys.open`) only if this channel still holds it: when
-- the page reconnected to another collector, the newer channel's presence stays.
-- KEYS[1]  the presence key
-- ARGV[1]  the closing channel's id (the value it set)
-- Returns  1 if cleared, 0 if another channel holds it or it had expired
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
