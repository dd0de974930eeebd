-- Writes a batch of the sessions opened and closed on this node into its sessions hash, and
-- the closed ones into the views' list of recently closed sessions. Refused if this node's entry
-- is gone or is another incarnation's. Each write says what is, not what changed (HSET, HDEL),
-- so a batch whose answer was lost is simply sent again.
-- KEYS[1] the nodes hash, KEYS[2] this node's sessions hash, KEYS[3] the list of recently
-- closed sessions.
-- ARGV[1] ClusterScripts.Announce as JSON; then `opened` pairs of session id and session JSON;
-- then pairs of closed session id and its closed record (JSON).
-- Returns 1 if written, 0 if refused.
local a = cjson.decode(ARGV[1])
local raw = redis.call('HGET', KEYS[1], a.node)
local mine = nil
if raw then
  local ok, entry = pcall(cjson.decode, raw)
  if ok and type(entry) == 'table' then
    mine = entry
  end
end
if mine == nil or mine.inc ~= a.inc then
  return 0
end
if a.replace then
  redis.call('DEL', KEYS[2])
end
local firstClosed = 2 + 2 * a.opened
-- unpack() is bounded by Lua's stack: 1000 arguments per HSET or HDEL.
for i = 2, firstClosed - 1, 1000 do
  redis.call('HSET', KEYS[2], unpack(ARGV, i, math.min(i + 999, firstClosed - 1)))
end
local ids, records = {}, {}
for i = firstClosed, #ARGV, 2 do
  ids[#ids + 1] = ARGV[i]
  records[#records + 1] = ARGV[i + 1]
end
for i = 1, #ids, 1000 do
  redis.call('HDEL', KEYS[2], unpack(ids, i, math.min(i + 999, #ids)))
end
if a.keep > 0 and #records > 0 then
  local from = math.max(1, #records - a.keep + 1)
  for i = from, #records, 1000 do
    redis.call('LPUSH', KEYS[3], unpack(records, i, math.min(i + 999, #records)))
  end
  redis.call('LTRIM', KEYS[3], 0, a.keep - 1)
  redis.call('PEXPIRE', KEYS[3], a.ttl)
end
redis.call('PEXPIRE', KEYS[2], a.ttl)
mine.sessions = a.sessions
redis.call('HSET', KEYS[1], a.node, cjson.encode(mine))
return 1
