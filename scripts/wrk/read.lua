-- GET <prefix><id>, the ids taken in turn from a file (one per line), each thread from its own starting point:
--   wrk ... -s scripts/wrk/read.lua http://HOST:PORT -- IDS_FILE /fhir/ResearchStudy/
-- With PACE_MS=N in the environment, each connection waits N ms after an answer before its next request: reads at
-- a rate below what saturates the machine (without it, as fast as the answers come).
local ids, prefix, i = {}, "", 0
local pace = tonumber(os.getenv("PACE_MS") or "0") or 0
function init(args)
  prefix = args[2]
  for line in io.lines(args[1]) do ids[#ids + 1] = line end
  math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)"), 16) or 0))
  i = math.random(#ids)
end
function request()
  i = i % #ids + 1
  return wrk.format("GET", prefix .. ids[i])
end
if pace > 0 then
  function delay()
    return pace
  end
end
