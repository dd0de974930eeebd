-- Reads one node's entry and every session it holds, at one version: what a node that missed
-- some of its announcements, or sees it register, starts again from.
-- KEYS[1] the nodes hash, KEYS[2] that node's sessions hash
-- ARGV[1] node id
-- Returns its entry (JSON, or '' if it has none), then session id, session JSON, ...
local sessions = redis.call('HGETALL', KEYS[2])
table.insert(sessions, 1, redis.call('HGET', KEYS[1], ARGV[1]) or '')
return sessions
