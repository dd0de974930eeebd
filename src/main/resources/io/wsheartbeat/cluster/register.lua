-- Registers this node with a new incarnation and every session it holds, after judging every
-- lease (judge.lua, in front of this): at start, and when the store said its lease was gone.
-- Refused while another incarnation holds this node's id with a lease that has not run out: a
-- second process started with a live node's id never touches that node's sessions.
-- Sent again with the same incarnation when the answer did not arrive: it then replaces what it
-- wrote, so it may safely have run twice.
-- ARGV[1] ClusterScripts.Register as JSON, ARGV[2..] session id, session JSON, ...
-- Returns JSON as renew.lua does.
local a = cjson.decode(ARGV[1])
local now, live, lost, unreadable, outage = judge(a)
local held = live[a.node]
local nodes = 0
for _ in pairs(live) do
  nodes = nodes + 1
end
if held ~= nil and held.inc ~= a.inc then
  redis.call('HSET', KEYS[1], RENEWED, now)
  return cjson.encode({granted = false, now = now, outage = outage, nodes = nodes, sessions = sessions_in(live),
    lost = lost, unreadable = unreadable, holder = held})
end
redis.call('DEL', KEYS[2])
-- unpack() is bounded by Lua's stack: 1000 arguments (500 sessions) per HSET.
for i = 2, #ARGV, 1000 do
  redis.call('HSET', KEYS[2], unpack(ARGV, i, math.min(i + 999, #ARGV)))
end
local entry = {inc = a.inc, lease = now + a.lease, sessions = a.sessions, address = a.address, started = a.started}
redis.call('HSET', KEYS[1], RENEWED, now, a.node, cjson.encode(entry))
redis.call('PEXPIRE', KEYS[1], a.ttl)
redis.call('PEXPIRE', KEYS[2], a.ttl)
if held == nil then
  nodes = nodes + 1
  live[a.node] = entry
else
  live[a.node] = entry
end
return cjson.encode({granted = true, now = now, outage = outage, nodes = nodes, sessions = sessions_in(live),
  lost = lost, unreadable = unreadable})
