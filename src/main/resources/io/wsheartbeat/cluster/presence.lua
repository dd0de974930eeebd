-- Presence: one node's call, at most a flush period apart while it has changes and a renew
-- period apart while it has none. In one atomic step it removes the counts of nodes that are
-- gone, writes this node's counts, runs out the graces that are due and forgets offline keys kept
-- long enough, and answers the events after the last one this node read. Any node's call does
-- the cluster's chores (lost nodes, graces), so they run while any node is alive.
--
-- A change says what is, never what changed: "node N holds n sessions of key K" (and, when n is
-- 0, how the last one closed). A batch whose answer was lost is sent again and does no harm, and
-- a node that registered again sends all its keys the same way.
--
-- KEYS[1] the nodes hash (read only), KEYS[2] the records (key -> JSON {state, since, reason,
-- seq, nodes: {node: {n, ids}}}), KEYS[3] the keys (a sorted set, score 0, for pages in key
-- order), KEYS[4] the deadlines (key -> ms: a reconnecting key's grace, an offline key's time to be
-- forgotten), KEYS[5] the book (seq, and how many keys are online, reconnecting, offline),
-- KEYS[6] the holders (node -> the incarnation whose counts are written), KEYS[7] the events (a
-- stream, ids <seq>-0), KEYS[8] this node's counts (key -> n). Another node's counts are at
-- a.prefix .. node, in the same hash slot.
-- ARGV[1] ClusterScripts.Presence as JSON; ARGV[2..] one ClusterScripts.KeyCount as JSON each.
-- Returns JSON {accepted, seq, more}, then ',"events":[...]}' built by hand: cjson writes an empty
-- table as {}, and the node reads a list.
local a = cjson.decode(ARGV[1])
local w = a.words

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

local book = redis.call('HMGET', KEYS[5], 'seq', 'online', 'reconnecting', 'offline')
local seq = tonumber(book[1])
if seq == nil then
  -- An empty book (Redis came back empty, or the book was evicted alone): the sequence goes on
  -- from what the nodes read, and past what the stream holds, so that no watcher sees it go back.
  seq = 0
  local last = redis.call('XREVRANGE', KEYS[7], '+', '-', 'COUNT', 1)
  if #last > 0 then
    seq = tonumber(string.match(last[1][1], '^(%d+)')) or 0
  end
end
if a.after > seq then
  seq = a.after
end
local counts = {online = tonumber(book[2]) or 0, reconnecting = tonumber(book[3]) or 0,
  offline = tonumber(book[4]) or 0}
local written = false

-- Records read once per call, written once at its end.
local records, dirty, gone = {}, {}, {}
local function record_of(key)
  local rec = records[key]
  if rec == nil then
    rec = false
    local raw = redis.call('HGET', KEYS[2], key)
    if raw then
      local ok, decoded = pcall(cjson.decode, raw)
      if ok and type(decoded) == 'table' and type(decoded.nodes) == 'table' then
        rec = decoded
      end
    end
    records[key] = rec
  end
  return rec or nil
end

local function sessions_of(rec)
  local total = 0
  for _, held in pairs(rec.nodes) do
    total = total + (tonumber(held.n) or 0)
  end
  return total
end

local function move(key, rec, state, reason)
  if rec.state ~= nil and counts[rec.state] ~= nil then
    counts[rec.state] = counts[rec.state] - 1
  else
    redis.call('ZADD', KEYS[3], 0, key)
  end
  counts[state] = counts[state] + 1
  seq = seq + 1
  rec.state, rec.since, rec.reason, rec.seq = state, now, reason, seq
  redis.call('XADD', KEYS[7], 'MAXLEN', '~', a.events, seq .. '-0', 'k', key, 's', state, 'r', reason, 't', now,
    'c', counts.online .. ' ' .. counts.reconnecting .. ' ' .. counts.offline)
  dirty[key] = true
  written = true
end

local function forget(key, rec)
  counts[rec.state] = counts[rec.state] - 1
  redis.call('ZREM', KEYS[3], key)
  redis.call('ZREM', KEYS[4], key)
  records[key] = false
  dirty[key] = nil
  gone[#gone + 1] = key
  written = true
end

local function go_offline(key, rec, reason)
  move(key, rec, 'offline', reason)
  if a.keepOffline == 0 then
    forget(key, rec)
  else
    redis.call('ZADD', KEYS[4], now + a.keepOffline, key)
  end
end

-- The last session of an online key is gone, not by the client's goodbye.
local function begin_grace(key, rec, reason)
  if a.grace == 0 then
    go_offline(key, rec, w.graceRanOut)
  else
    redis.call('ZADD', KEYS[4], now + a.grace, key)
    move(key, rec, 'reconnecting', reason)
  end
end

local budget = a.budget

-- Removes up to the budget of a gone node's counts; true once none is left.
local function sweep(node)
  local key = a.prefix .. node
  local scan = redis.call('HSCAN', key, 0, 'COUNT', budget)
  local fields = scan[2]
  local done = 0
  for i = 1, #fields, 2 do
    if done >= budget then
      break
    end
    local k = fields[i]
    redis.call('HDEL', key, k)
    done = done + 1
    local rec = record_of(k)
    if rec ~= nil and rec.nodes[node] ~= nil then
      rec.nodes[node] = nil
      dirty[k] = true
      written = true
      if rec.state == 'online' and sessions_of(rec) == 0 then
        begin_grace(k, rec, string.format(w.nodeLost, node))
      end
    end
  end
  budget = budget - done
  if scan[1] == '0' and 2 * done == #fields then
    redis.call('DEL', key)
    return true
  end
  return false
end

-- The nodes whose counts are written, against the nodes that are live: a node judged lost
-- (judge.lua removed its entry), gone (it left), or registered again (another incarnation) has
-- its counts removed. An entry that cannot be read is neither: judge.lua skips it too.
local holders = redis.call('HGETALL', KEYS[6])
local asked = {a.node}
for i = 1, #holders, 2 do
  asked[#asked + 1] = holders[i]
end
local entries = redis.call('HMGET', KEYS[1], unpack(asked))
local function inc_of(raw)
  if not raw then
    return nil, true
  end
  local ok, entry = pcall(cjson.decode, raw)
  if ok and type(entry) == 'table' and type(entry.inc) == 'string' then
    return entry.inc, true
  end
  return nil, false
end
local mine = inc_of(entries[1])
local heldBy, pending = nil, false
for i = 1, #holders, 2 do
  local node, inc = holders[i], holders[i + 1]
  local live, readable = inc_of(entries[1 + (i + 1) / 2])
  if readable and live ~= inc then
    if budget > 0 and sweep(node) then
      redis.call('HDEL', KEYS[6], node)
    elseif node == a.node then
      pending = true
    end
  elseif node == a.node then
    heldBy = inc
  end
end

-- This node's counts, if its lease is this incarnation's and no earlier one's counts are left.
local accepted = mine == a.inc and not pending
if accepted and #ARGV > 1 then
  if heldBy == nil then
    redis.call('HSET', KEYS[6], a.node, a.inc)
  end
  for i = 2, #ARGV do
    local ok, c = pcall(cjson.decode, ARGV[i])
    if ok and type(c) == 'table' and type(c.k) == 'string' and type(c.n) == 'number' then
      local rec = record_of(c.k)
      local fresh = rec == nil
      if fresh then
        rec = {nodes = {}}
      end
      if c.n > 0 then
        rec.nodes[a.node] = {n = c.n, ids = c.ids}
        redis.call('HSET', KEYS[8], c.k, c.n)
      else
        rec.nodes[a.node] = nil
        redis.call('HDEL', KEYS[8], c.k)
      end
      local total = sessions_of(rec)
      if total > 0 then
        if fresh then
          records[c.k] = rec
        end
        if rec.state ~= 'online' then
          if not fresh then
            redis.call('ZREM', KEYS[4], c.k)
          end
          move(c.k, rec, 'online', (rec.state == 'reconnecting') and w.reconnected or w.connected)
        else
          dirty[c.k] = true
          written = true
        end
      elseif not fresh then
        if rec.state == 'online' then
          if c.bye then
            redis.call('ZREM', KEYS[4], c.k)
            go_offline(c.k, rec, w.disconnected)
          else
            begin_grace(c.k, rec, (type(c.r) == 'string') and c.r or '')
          end
        else
          dirty[c.k] = true
          written = true
        end
      end
      -- A key unknown here whose sessions all closed before they were written: nothing to say.
    end
  end
end

-- Graces that ran out, and offline keys kept long enough.
if budget > 0 then
  local due = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', now, 'LIMIT', 0, budget)
  for _, key in ipairs(due) do
    local rec = record_of(key)
    if rec == nil then
      redis.call('ZREM', KEYS[4], key)
    elseif rec.state == 'reconnecting' then
      go_offline(key, rec, w.graceRanOut)
    elseif rec.state == 'offline' then
      forget(key, rec)
    else
      redis.call('ZREM', KEYS[4], key)
    end
  end
end

if written then
  local pairs_out = {}
  for key in pairs(dirty) do
    pairs_out[#pairs_out + 1] = key
    pairs_out[#pairs_out + 1] = cjson.encode(records[key])
  end
  -- unpack() is bounded by Lua's stack: 1000 arguments per HSET or HDEL.
  for i = 1, #pairs_out, 1000 do
    redis.call('HSET', KEYS[2], unpack(pairs_out, i, math.min(i + 999, #pairs_out)))
  end
  for i = 1, #gone, 1000 do
    redis.call('HDEL', KEYS[2], unpack(gone, i, math.min(i + 999, #gone)))
  end
  redis.call('HSET', KEYS[5], 'seq', seq, 'online', counts.online, 'reconnecting', counts.reconnecting,
    'offline', counts.offline)
end
-- Every key expires unless touched: by every call that wrote, and by one idle call in several
-- (a.touch), well within a.ttl.
if written or a.touch then
  for i = 2, 8 do
    redis.call('PEXPIRE', KEYS[i], a.ttl)
  end
end

local events, more = {}, false
if a.after >= 0 then
  local read = redis.call('XRANGE', KEYS[7], (a.after + 1) .. '-0', '+', 'COUNT', a.read + 1)
  for i, entry in ipairs(read) do
    if i > a.read then
      more = true
      break
    end
    local f = {}
    for j = 1, #entry[2], 2 do
      f[entry[2][j]] = entry[2][j + 1]
    end
    events[#events + 1] = cjson.encode({seq = tonumber(string.match(entry[1], '^(%d+)')), key = f.k, state = f.s,
      reason = f.r, at = tonumber(f.t), counts = f.c or ''})
  end
end
local head = cjson.encode({accepted = accepted, seq = seq, more = more})
return string.sub(head, 1, -2) .. ',"events":[' .. table.concat(events, ',') .. ']}'
