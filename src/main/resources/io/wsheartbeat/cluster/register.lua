-- Registers a node with a new incarnation and every session it holds, replacing whatever Redis
-- had under its id: at start, after its lease was lost (frozen past it, or Redis restarted
-- empty), or after its announcements could not be trusted to have arrived.
-- KEYS[1] the nodes hash, KEYS[2] this node's sessions hash
-- ARGV[1] node id, ARGV[2] its entry (JSON, no lease yet), ARGV[3] lease in ms,
-- ARGV[4] channel, ARGV[5] notice, ARGV[6..] session id, session JSON, ...
-- Returns Redis's time in ms.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local entry = cjson.decode(ARGV[2])
entry.lease = now + tonumber(ARGV[3])
redis.call('DEL', KEYS[2])
-- unpack() is bounded by Lua's stack: 1000 arguments (500 sessions) per HSET.
for i = 6, #ARGV, 1000 do
  redis.call('HSET', KEYS[2], unpack(ARGV, i, math.min(i + 999, #ARGV)))
end
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(entry))
redis.call('PUBLISH', ARGV[4], ARGV[5])
return now
