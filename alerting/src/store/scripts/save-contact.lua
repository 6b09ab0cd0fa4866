-- Saves a customer's contact details and consent from an identify, in one atomic step.
-- KEYS[1]  the contact hash
-- ARGV[1]  updatedAt: event time (epoch ms) of the identify
-- ARGV[2]  consent to outreach: '1' or '0'
-- ARGV[3]  TTL of the hash (ms)
-- ARGV[4]  email, or '' to keep the stored one
-- ARGV[5]  language, or '' to keep the stored one
-- Returns  1 when saved, 0 when a newer identify is already stored (a late beacon must not undo
--          a newer consent choice; two identifies racing in two workers settle the same way).
local prev = tonumber(redis.call('HGET', KEYS[1], 'updatedAt') or '0')
if prev > tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'consent', ARGV[2], 'updatedAt', ARGV[1])
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'email', ARGV[4]) end
if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'language', ARGV[5]) end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
