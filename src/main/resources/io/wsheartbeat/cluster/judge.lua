-- The store's one judgement of which nodes are alive, put in front of register.lua and
-- renew.lua (ClusterScripts joins them), so that every script that touches a lease judges them
-- the same way. Only this judgement, against Redis's own clock, declares a node lost.
--
-- Both scripts take the same keys, and their arguments as one JSON object in ARGV[1], named by
-- the Java record it is written from (ClusterScripts.Judge and the one of each script):
-- KEYS[1] the nodes hash, KEYS[2] this node's sessions hash, KEYS[3] the list of recently
-- closed sessions. The nodes hash also holds, under RENEWED (no node id has a '~'), Redis's
-- time of the last renewal by any node, which tells an outage of Redis from a node that
-- stopped renewing; the script that judged writes it, with its own entry, in one HSET.

local RENEWED = '~renewed'

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- A field of the nodes hash, or nil where it cannot be read (a stray HSET, a node of another
-- version): such a field is skipped, never fatal to anyone's renewal.
local function entry_of(raw)
  local ok, entry = pcall(cjson.decode, raw)
  if ok and type(entry) == 'table' and type(entry.inc) == 'string' and type(entry.lease) == 'number' then
    return entry
  end
  return nil
end

-- Keeps the newest closed sessions for the views, at most a.keep of them, for a.ttl ms.
local function remember_closed(a, records)
  if a.keep <= 0 or #records == 0 then
    return
  end
  for i = 1, #records, 1000 do
    redis.call('LPUSH', KEYS[3], unpack(records, i, math.min(i + 999, #records)))
  end
  redis.call('LTRIM', KEYS[3], 0, a.keep - 1)
  redis.call('PEXPIRE', KEYS[3], a.ttl)
end

-- Removes a node whose lease ran out; a few of its sessions go to the closed list, as lost.
local function remove_lost(a, id, entry, now)
  local key = a.prefix .. id
  if a.keep > 0 then
    local sample = redis.call('HRANDFIELD', key, a.keep, 'WITHVALUES')
    local records = {}
    for i = 1, #sample, 2 do
      local ok, session = pcall(cjson.decode, sample[i + 1])
      if ok and type(session) == 'table' then
        records[#records + 1] = cjson.encode({id = sample[i], node = id, remoteAddress = session.remoteAddress,
          connectedAt = session.connectedAt, code = 1006, reason = 'node ' .. id .. ' lost: its lease ran out',
          closedAt = now})
      end
    end
    remember_closed(a, records)
  end
  redis.call('HDEL', KEYS[1], id)
  redis.call('DEL', key)
end

-- Judges every lease. When no node renewed for longer than a.quiet (Redis was away: stopped,
-- restarted with its data, failed over, or cut off from every node), no lease is judged at all:
-- each one gets a full lease from now, so that every node that is still alive has the time to
-- renew against this Redis before anyone is declared lost. Returns Redis's time, the live
-- entries by id, the lost ones by id, the unreadable field names, and whether it was an outage.
local function judge(a)
  local now = now_ms()
  local all = redis.call('HGETALL', KEYS[1])
  local last = nil
  for i = 1, #all, 2 do
    if all[i] == RENEWED then
      last = tonumber(all[i + 1])
    end
  end
  local outage = last ~= nil and now - last > a.quiet
  local live, lost, unreadable = {}, {}, {}
  for i = 1, #all, 2 do
    local id = all[i]
    if id ~= RENEWED then
      local entry = entry_of(all[i + 1])
      if entry == nil then
        unreadable[id] = true
      elseif outage and entry.lease < now + a.lease then
        entry.lease = now + a.lease
        redis.call('HSET', KEYS[1], id, cjson.encode(entry))
        live[id] = entry
      elseif entry.lease < now then
        remove_lost(a, id, entry, now)
        lost[id] = entry
      else
        live[id] = entry
      end
    end
  end
  -- Every key expires unless touched: the nodes hash, this node's sessions and the closed list
  -- at every registration, and at one renewal in several (a.touch), well within a.ttl.
  if a.touch then
    redis.call('PEXPIRE', KEYS[1], a.ttl)
    redis.call('PEXPIRE', KEYS[2], a.ttl)
    redis.call('PEXPIRE', KEYS[3], a.ttl)
  end
  return now, live, lost, unreadable, outage
end

-- How many sessions the live nodes hold, as they last said.
local function sessions_in(live)
  local total = 0
  for _, entry in pairs(live) do
    if type(entry.sessions) == 'number' then
      total = total + entry.sessions
    end
  end
  return total
end
