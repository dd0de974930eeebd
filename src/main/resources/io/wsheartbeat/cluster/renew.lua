-- Renews this node's lease, after judging every lease (judge.lua, in front of this). Refused
-- when this node's entry is gone (judged lost, or Redis came back empty) or belongs to another
-- incarnation (another process with this node's id): only then does the node register again.
-- ARGV[1] ClusterScripts.Renew as JSON.
-- Returns JSON: {granted, now, outage, nodes, sessions, lost: {id: entry}, unreadable: {id: true},
-- holder: the entry that holds this node's id, when it is not this incarnation's}.
local a = cjson.decode(ARGV[1])
local now, live, lost, unreadable, outage = judge(a)
local mine = live[a.node]
local granted = false
if mine ~= nil and mine.inc == a.inc then
  mine.lease = now + a.lease
  mine.sessions = a.sessions
  redis.call('HSET', KEYS[1], RENEWED, now, a.node, cjson.encode(mine))
  granted = true
else
  redis.call('HSET', KEYS[1], RENEWED, now)
end
local nodes = 0
for _ in pairs(live) do
  nodes = nodes + 1
end
return cjson.encode({granted = granted, now = now, outage = outage, nodes = nodes, sessions = sessions_in(live),
  lost = lost, unreadable = unreadable, holder = (not granted) and mine or nil})
