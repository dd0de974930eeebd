-- Renews this node's lease and removes every node whose lease ran out, judged by Redis's own
-- clock so that skew between the nodes' clocks does not matter. Atomic: of the nodes that find
-- a lease expired, the first to run this removes it and announces the loss, and the others no
-- longer find it. A node finds its own lease lost when its entry is gone (removed by another
-- node, or Redis restarted empty), belongs to another incarnation, or has itself run out.
-- KEYS[1] the nodes hash
-- ARGV[1] node id, ARGV[2] its incarnation, ARGV[3] lease in ms, ARGV[4] sessions key prefix,
-- ARGV[5] channel
-- Returns JSON: {renewed, now, nodes: {id: entry}, lost: {id: entry}}.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local all = redis.call('HGETALL', KEYS[1])
local nodes, lost = {}, {}
local renewed = false
for i = 1, #all, 2 do
  local id, entry = all[i], cjson.decode(all[i + 1])
  if entry.lease < now then
    redis.call('HDEL', KEYS[1], id)
    redis.call('DEL', ARGV[4] .. id)
    redis.call('PUBLISH', ARGV[5], cjson.encode({type = 'lost', node = id, inc = entry.inc, by = ARGV[1]}))
    lost[id] = entry
  else
    if id == ARGV[1] and entry.inc == tonumber(ARGV[2]) then
      entry.lease = now + tonumber(ARGV[3])
      redis.call('HSET', KEYS[1], id, cjson.encode(entry))
      renewed = true
    end
    nodes[id] = entry
  end
end
return cjson.encode({renewed = renewed, now = now, nodes = nodes, lost = lost})
