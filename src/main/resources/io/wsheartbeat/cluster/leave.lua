-- Takes this node out of the cluster as it stops, if the entry is still its own.
-- KEYS[1] the nodes hash, KEYS[2] this node's sessions hash
-- ARGV[1] ClusterScripts.Leave as JSON.
-- Returns 1 if it left, 0 if its entry was not there (lost already) or not its own.
local a = cjson.decode(ARGV[1])
local raw = redis.call('HGET', KEYS[1], a.node)
if not raw then
  return 0
end
local ok, entry = pcall(cjson.decode, raw)
if not ok or type(entry) ~= 'table' or entry.inc ~= a.inc then
  return 0
end
redis.call('HDEL', KEYS[1], a.node)
redis.call('DEL', KEYS[2])
return 1
