-- Takes this node out of the cluster as it stops, if the entry is still its own.
-- KEYS[1] the nodes hash, KEYS[2] this node's sessions hash
-- ARGV[1] node id, ARGV[2] incarnation, ARGV[3] channel, ARGV[4] notice
-- Returns 1 if it left, 0 if its entry was not there (lost already).
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw or cjson.decode(raw).inc ~= tonumber(ARGV[2]) then
  return 0
end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('DEL', KEYS[2])
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1
