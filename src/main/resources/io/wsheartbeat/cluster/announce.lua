-- Announces a batch of the sessions opened and closed on this node since the last batch, and
-- tells the other nodes at once. Refused if this node's entry is gone or is not the one it
-- wrote last (another incarnation, or a version it did not write): the node then registers
-- again, with every session it holds, rather than write into an entry it no longer owns.
-- KEYS[1] the nodes hash, KEYS[2] this node's sessions hash
-- ARGV[1] node id, ARGV[2] incarnation, ARGV[3] the version it wrote last, ARGV[4] how many
-- sessions it holds now, ARGV[5] channel, ARGV[6] notice, ARGV[7] how many sessions opened,
-- then that many pairs of session id and session JSON, then the ids of the closed sessions.
-- Returns 1 if announced, 0 if refused.
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then
  return 0
end
local entry = cjson.decode(raw)
if entry.inc ~= tonumber(ARGV[2]) or entry.ver ~= tonumber(ARGV[3]) then
  return 0
end
local firstClosed = 8 + 2 * tonumber(ARGV[7])
-- unpack() is bounded by Lua's stack: 1000 arguments per HSET or HDEL.
for i = 8, firstClosed - 1, 1000 do
  redis.call('HSET', KEYS[2], unpack(ARGV, i, math.min(i + 999, firstClosed - 1)))
end
for i = firstClosed, #ARGV, 1000 do
  redis.call('HDEL', KEYS[2], unpack(ARGV, i, math.min(i + 999, #ARGV)))
end
entry.ver = entry.ver + 1
entry.sessions = tonumber(ARGV[4])
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(entry))
redis.call('PUBLISH', ARGV[5], ARGV[6])
return 1
