-- Which of the given BullMQ jobs carry any of the needles in their data. Run in Redis so an
-- erasure does not read a day of signal batches over the wire to find the few that name one
-- customer; the caller then reads only those and checks them field by field.
-- KEYS[i]  a job's hash (`<prefix>:<queue>:<job id>`); a missing one is skipped
-- ARGV[j]  a needle, as JSON writes it (e.g. `"customer":"cust-1"`), matched as plain text
-- Returns  the 1-based positions in KEYS of the jobs whose `data` holds a needle
local hits = {}
for i, key in ipairs(KEYS) do
  local data = redis.call('HGET', key, 'data')
  if data then
    for _, needle in ipairs(ARGV) do
      if string.find(data, needle, 1, true) then
        hits[#hits + 1] = i
        break
      end
    end
  end
end
return hits
